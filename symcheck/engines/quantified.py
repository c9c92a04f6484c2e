"""Proofs beyond the bounds: Houdini over ∀-lemmas (the author's `lemmas:` first, then
candidates mined from the claim, `smt/forall.py`), then k-induction with the kept ones,
as mypyvy and Ivy prove quantified inductive invariants. A proof carries its lemmas as
the certificate, and `kind.recheck` re-proves them (initiation, consecution) with the
claim's base case and step as fresh queries; a solver `unknown` never becomes a proof.

When no proof is found, the report shows a counterexample to induction: a state where
the invariants and every kept lemma hold, and one step to a state that breaks an
invariant, so that the author sees which lemma is missing. A hand-written lemma that is
not inductive is named, with the counterexample that breaks it."""
from __future__ import annotations

from typing import cast

from symcheck.engines import kind
from symcheck.engines.lemmas import GaveUp, houdini
from symcheck.front.ir import Feature, Model, Type
from symcheck.front.values import render
from symcheck.smt.encode import Encoding
from symcheck.smt.forall import candidates
from symcheck.smt.lemmas import Lemma, holds_in
from symcheck.smt.solve import Deadline, Session, neg, true_in
from symcheck.smt.unroll import decode_trace
from symcheck.trace import PROVED, UNKNOWN, Outcome, Trace

SUPPORTS: frozenset[Feature] = frozenset(Feature)  # the claim features it decides (the solver's theories)
ENGINE = "kind+forall"
MAX_K = 4
SHOWN = 12


def run(model: Model, enc: Encoding, deadline: Deadline) -> Outcome:
    """Proved (the lemmas in `certificate` and the proof text), violated at a depth, or
    unknown with the counterexample to induction in the reason."""
    proposed = candidates(model)
    try:
        kept = tuple(houdini(model, enc, deadline, proposed))
    except GaveUp as e:
        return Outcome(model.name, UNKNOWN, 0, model.expect, engine=ENGINE,
                       reason=f"∀-lemma generation: {e.answer.reason}")
    hand = {f"{lemma.name}: {' '.join(lemma.text.split())}" for lemma in model.lemmas}
    dropped = [lemma for lemma in proposed if lemma.text in hand and lemma not in kept]
    cti = counterexample_to_induction(model, enc, kept, deadline)  # first: one quick query at k = 1
    out = kind.run(model, enc, deadline, MAX_K, lemmas=kept)
    out.engine = ENGINE
    if out.verdict == PROVED:
        out.proof = proof_lines(kept, len(hand))
        return out
    if out.verdict == UNKNOWN:
        notes = [f"with {len(kept)} ∀-lemmas kept of {len(proposed)} candidates: {out.reason}"]
        notes += [f"the lemma {lemma.text.split(':')[0]} is not inductive (dropped)" for lemma in dropped]
        if cti is not None:
            notes.append("\n".join(cti_lines(model, *cti)))
        out.reason = "; ".join(notes)
    return out


def proof_lines(lemmas: tuple[Lemma, ...], hand: int) -> list[str]:
    if not lemmas:
        return ["no ∀-lemma was needed"]
    lines = [f"the step case assumes {len(lemmas)} ∀-lemmas ({hand} written by hand), re-checked inductive "
             "together (initiation and consecution):"]
    lines += [f"  {lemma.text}" for lemma in lemmas[:SHOWN]]
    if len(lemmas) > SHOWN:
        lines.append(f"  ... and {len(lemmas) - SHOWN} more")
    return lines


def counterexample_to_induction(model: Model, enc: Encoding, lemmas: tuple[Lemma, ...],
                                deadline: Deadline) -> tuple[Trace, str] | None:
    """A good state satisfying every lemma, and a well-formed step from it to a bad
    state (with the name of what it breaks); None when there is none (the property is
    1-inductive with the lemmas) or the solver gives up."""
    s = Session(deadline, enc.logic)
    s.add(enc.config_constraint(), enc.shape(0), *holds_in(enc, list(lemmas), 0), neg(enc.bad_state(0)),
          neg(enc.step_bad(0)), enc.trans(0), enc.bad_state(1))
    if not s.check().sat:
        return None
    m = s.model()
    broken = next((inv.name for inv in model.invariants if true_in(m, enc.inv_bad(inv.name, 1))),
                  next((f"type({n})" for n, _ in model.variables if true_in(m, enc.type_bad(n, 1))), "a check"))
    return decode_trace(enc, m, 1), broken


def cti_lines(model: Model, trace: Trace, broken: str) -> list[str]:
    """The counterexample to induction as two readable states."""
    types = dict(model.variables)
    before, after = trace.steps
    params = ", ".join(f"{p}={render(v, cast(Type, t))}" for p, v, t in after.params)
    lines = [f"counterexample to induction: from state A (every invariant and kept lemma holds) the step "
             f"{after.action}({params}) reaches state B, which breaks {broken}; a lemma that is false in A "
             "rules it out:"]
    for label, step in (("A", before), ("B", after)):
        lines.append(f"    state {label}:")
        lines += [f"      {n} = {render(v, types[n])}" for n, v in step.state.items()]
    return lines
