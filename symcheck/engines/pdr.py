"""PDR (IC3) through Z3's Spacer: the claim as constrained Horn clauses over one
unknown relation Inv(state),

    init(x)                                   -> Inv(x)
    Inv(x) and step(x, a, x') (well formed)   -> Inv(x')
    Inv(x) and (bad(x) or ill-formed step)    -> false

Satisfiable clauses give an inductive invariant that implies the property; it is
re-checked with three plain SMT queries (initiation, consecution, safety) on a fresh
solver before a proof is reported, and printed in model terms. The clauses, the
re-check and the printing live in smt/horn."""
from __future__ import annotations

from symcheck.front.ir import Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.horn import recheck_invariant, render_invariant, solve_horn
from symcheck.smt.solve import Deadline
from symcheck.trace import PROVED, UNKNOWN, VIOLATED, Outcome

# Spacer's Horn clauses: linear integer arithmetic, not quantified sorts nor the string theory
SUPPORTS: frozenset[Feature] = frozenset({Feature.UNBOUNDED_INT})


def run(model: Model, encoding: Encoding, deadline: Deadline) -> Outcome:
    """Proved (the invariant in `certificate`, in model terms in `proof`), violated at
    some depth (no trace: BMC makes it), or unknown with the reason."""
    answer = solve_horn(encoding, deadline)

    def out(verdict: str, **kw: object) -> Outcome:
        return Outcome(model.name, verdict, None, model.expect, engine="pdr", **kw)  # type: ignore[arg-type]

    if answer.status == "violated":
        return out(VIOLATED)
    if answer.status == "unknown" or answer.invariant is None:
        return out(UNKNOWN, reason=answer.reason)
    phi = answer.invariant
    return out(PROVED, certificate=phi, proof=render_invariant(encoding, phi, deadline))


def recheck(model: Model, phi: object, timeout: Deadline | float | None = None, enc: Encoding | None = None) -> bool:
    """Initiation, consecution and safety of PDR's invariant `phi` (an outcome's
    `certificate`) as plain queries on a fresh solver."""
    return recheck_invariant(enc or Encoding(model), phi, Deadline.of(timeout))  # type: ignore[arg-type]


def check_pdr(model: Model, timeout: Deadline | float | None = None, enc: Encoding | None = None) -> Outcome:
    """`run` for callers without an encoding or a deadline."""
    return run(model, enc or Encoding(model), Deadline.of(timeout))
