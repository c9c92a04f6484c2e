"""k-induction: proofs for every depth. Two incremental solvers walk k = 0, 1, 2, ...

- the base solver follows BMC from the initial states, restricted to simple paths
  (pairwise distinct states): a bad state at depth k is a real violation, and when no
  simple good path of length k exists, every reachable state lies within k - 1 steps
  (k passed the recurrence diameter) and the claim is proved;
- the step solver starts anywhere (any well-shaped state): when k good states along a
  simple path can never be followed by a bad one, the property is k-inductive, and with
  the base case up to k - 1 it holds at every depth.

A bad state breaks a type, an invariant or (when checked) deadlock freedom; a bad
step is an ill-formed operation. `recheck` re-derives a proof with fresh, monolithic
queries on a differently configured solver, so a proof never rests on the incremental
solver's state alone."""
from __future__ import annotations

from dataclasses import dataclass

import z3

from .encode import Encoding
from .ir import Model
from .solve import Deadline, check

MAX_K = 200  # k-induction gives up beyond this k (time usually runs out first)
INDUCTION = "induction"
DIAMETER = "diameter"


@dataclass
class KindOutcome:
    status: str  # proved | violated | open | unknown
    k: int  # proved: the induction depth; violated: the depth of the bad state; open: the last k tried
    how: str = ""  # proved: induction | diameter
    reason: str = ""  # unknown: why


def _bad_at(enc: Encoding, k: int, init_wf):
    """Something goes wrong at depth k: the step into it is ill formed, or the state is bad."""
    return z3.Or(enc.bad_state(k), enc.step_bad(k - 1) if k > 0 else z3.Not(init_wf))


def check_kind(model: Model, max_k: int, timeout: Deadline | float | None = None, enc: Encoding | None = None,
               assume: tuple = ()) -> KindOutcome:
    """`timeout`: seconds or a Deadline; `assume`: extra constraints on the symbolic
    constants (e.g. configurations already known to be violating, excluded by the
    matrix)."""
    enc = enc or Encoding(model)
    deadline = Deadline.of(timeout)
    base, step = z3.SolverFor("QF_LIA"), z3.SolverFor("QF_LIA")
    for s in (base, step):
        s.set("random_seed", 0)
    init, init_wf = enc.init()
    base.add(init)
    step.add(enc.shape(0))
    for s in (base, step):
        s.add(enc.config_constraint(), *assume)

    for k in range(max_k + 1):
        bad_k = _bad_at(enc, k, init_wf)
        answer = check(base, deadline, bad_k)
        if answer.sat:
            return KindOutcome("violated", k)
        if answer.unknown:
            return KindOutcome("unknown", k, reason=_why(answer, k))
        base.add(z3.Not(bad_k))
        answer = check(base, deadline)
        if answer.unsat:
            return KindOutcome("proved", k, DIAMETER)
        if answer.unknown:
            return KindOutcome("unknown", k, reason=_why(answer, k))
        step_bad = z3.Or(enc.bad_state(k), enc.step_bad(k - 1)) if k > 0 else enc.bad_state(0)
        answer = check(step, deadline, step_bad)
        if answer.unsat:
            return KindOutcome("proved", k, INDUCTION)
        if answer.unknown:
            return KindOutcome("unknown", k, reason=_why(answer, k))
        step.add(z3.Not(step_bad))
        if k == max_k:
            break
        for s in (base, step):
            s.add(enc.trans(k))
            s.add(*[z3.Not(enc.same_state(j, k + 1)) for j in range(k + 1)])
    return KindOutcome("open", max_k)


def _why(answer, k) -> str:
    if answer.timed_out:
        return f"k-induction ran out of time at k = {k}"
    return f"{answer.reason} at k = {k}"


def recheck(model: Model, outcome: KindOutcome, timeout: Deadline | float | None = None, assume_configs: tuple = (),
            enc: Encoding | None = None) -> bool:
    """Re-derive a k-induction proof from scratch: fresh solvers, configured differently,
    and one monolithic query per obligation (the encoding's templates may be shared).
    `assume_configs`: configurations of the symbolic constants excluded from the proof.
    False unless every obligation is answered unsat within the deadline."""
    assert outcome.status == "proved"
    enc = enc or Encoding(model)
    deadline = Deadline.of(timeout)
    k = outcome.k
    init, init_wf = enc.init()

    def unsat(*formulas) -> bool:
        s = z3.Solver()
        s.set("random_seed", 7)
        s.add(enc.config_constraint(), *[z3.Not(enc.config_is(c)) for c in assume_configs], *formulas)
        return check(s, deadline).unsat

    path = [enc.trans(i) for i in range(k)]
    distinct = [z3.Not(enc.same_state(i, j)) for j in range(k + 1) for i in range(j)]
    # base case: no violation at depths 0..k from the initial states
    if not unsat(init, *path, z3.Or([_bad_at(enc, i, init_wf) for i in range(k + 1)])):
        return False
    good = [z3.Not(_bad_at(enc, i, init_wf)) for i in range(k + 1)]
    if outcome.how == DIAMETER:
        # no simple path of k steps from an initial state through good states
        return unsat(init, *path, *distinct, *good)
    # step: k good states along a simple path are never followed by a bad one
    premises = [z3.Not(enc.bad_state(0))] + [z3.Not(_bad_at(enc, i, init_wf)) for i in range(1, k)]
    conclusion = z3.Or(enc.bad_state(k), enc.step_bad(k - 1)) if k > 0 else enc.bad_state(0)
    return unsat(enc.shape(0), *path, *distinct, *(premises if k > 0 else []), conclusion)
