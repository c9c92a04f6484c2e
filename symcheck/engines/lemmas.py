"""Invariant generation for k-induction (Houdini), then k-induction with the lemmas.

Candidates are mined from the claim (`smt/lemmas.py`). Houdini keeps the largest subset
that is inductive together: it drops every candidate false in some initial state, then,
while some well-formed step from a good state that satisfies all the kept candidates
leads to a state that breaks one of them (a counterexample to induction), drops every
candidate that state breaks. What is left holds in every reachable state (given the
claim's invariants up to that state, which k-induction proves at the same time), and
the step case of k-induction may assume it: the claims whose invariants are true but
not inductive on their own become 1-inductive. `kind.recheck` re-proves the lemmas
with the proof, so a wrong lemma never yields a proof."""
from __future__ import annotations

from symcheck.engines import kind
from symcheck.front.ir import Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.lemmas import Lemma, all_of, candidates, holds_in
from symcheck.smt.solve import Answer, Deadline, Formula, Session, neg, true_in
from symcheck.trace import PROVED, UNKNOWN, Outcome

# finite types only: candidate lemmas are mined from the values of each type (values.domain)
SUPPORTS: frozenset[Feature] = frozenset()
ENGINE = "kind+lemmas"
MAX_K = 3  # with lemmas a proof needs a small k, or the lemmas did not help (the plain engine goes on)
SHOWN = 12  # lemmas listed in the proof text; the rest are counted
QUICK_K = 1  # the quick plain attempt: k-induction up to this k ...
QUICK_CONFLICTS = 5000  # ... each query giving up after this many conflicts (deterministic, unlike time)


class GaveUp(Exception):
    """A Houdini query came back unknown (out of time, or the solver gave up)."""

    def __init__(self, answer: Answer):
        super().__init__(answer.reason)
        self.answer = answer


def houdini(model: Model, enc: Encoding, deadline: Deadline, proposed: list[Lemma]) -> list[Lemma]:
    """The largest subset of `proposed` that holds initially and is inductive together
    (relative to the claim's invariants and well-formed steps); GaveUp when a query
    comes back unknown."""
    init, init_wf = enc.init()
    now = dict(zip(proposed, holds_in(enc, proposed, 0), strict=True))
    kept = _filter(Session(deadline, enc.logic), proposed, [enc.config_constraint(), init, init_wf], now)
    after = dict(zip(kept, holds_in(enc, kept, 1), strict=True))
    step = Session(deadline, enc.logic)
    step.add(enc.config_constraint(), enc.shape(0), neg(enc.bad_state(0)), neg(enc.step_bad(0)), enc.trans(0))
    while kept:
        # the kept lemmas hold in state 0: assumptions of this query only, as the set shrinks
        survivors = _filter(step, kept, [], after, assume=[now[lemma] for lemma in kept])
        if len(survivors) == len(kept):
            break
        kept = survivors
    return kept


def _filter(session: Session, lemmas: list[Lemma], context: list[Formula], formula: dict[Lemma, Formula],
            assume: list[Formula] | None = None) -> list[Lemma]:
    """The lemmas whose `formula` holds in every model of the session (with `context`
    added and `assume` assumed): while some model breaks one, drop every lemma that
    model breaks."""
    kept = list(lemmas)
    session.add(*context)
    while kept:
        answer = session.check(neg(all_of([formula[lemma] for lemma in kept])), *(assume or []))
        if answer.unsat:
            return kept
        if answer.unknown:
            raise GaveUp(answer)
        m = session.model()
        kept = [lemma for lemma in kept if true_in(m, formula[lemma])]
    return kept


def run(model: Model, encoding: Encoding, deadline: Deadline, max_k: int = MAX_K) -> Outcome:
    """Houdini, then k-induction up to `max_k` with the kept lemmas: proved (engine
    `kind+lemmas`, the lemmas in `certificate` and in the proof text), violated at a
    depth (BMC makes the trace), or unknown with the reason (also when no candidate
    survives: plain k-induction is the caller's next engine)."""
    try:
        lemmas = tuple(houdini(model, encoding, deadline, candidates(model)))
    except GaveUp as e:
        return Outcome(model.name, UNKNOWN, 0, model.expect, engine=ENGINE,
                       reason=f"invariant generation: {e.answer.reason}")
    if not lemmas:
        return Outcome(model.name, UNKNOWN, 0, model.expect, engine=ENGINE,
                       reason="no candidate lemma is inductive")
    out = kind.run(model, encoding, deadline, max_k, lemmas=lemmas)
    out.engine = ENGINE
    if out.verdict == PROVED:
        out.proof = proof_lines(lemmas)
    elif out.verdict == UNKNOWN:
        out.reason = f"with {len(lemmas)} generated lemmas: {out.reason}"
    return out


def prove(model: Model, encoding: Encoding, deadline: Deadline) -> Outcome:
    """A quick plain k-induction first (k <= QUICK_K, each query bounded by
    QUICK_CONFLICTS: most claims need no lemma, and their proofs stay plain), then, when
    it cannot decide, Houdini and k-induction with the lemmas (`run`). Answers like
    every proof engine: proved (engine `kind` or `kind+lemmas`; the caller re-checks it
    with `kind.recheck`, which re-proves the lemmas first), violated at a depth, or
    unknown with the reason."""
    quick = kind.run(model, encoding, deadline, QUICK_K, max_conflicts=QUICK_CONFLICTS)
    return quick if quick.verdict != UNKNOWN else run(model, encoding, deadline)


def proof_lines(lemmas: tuple[Lemma, ...]) -> list[str]:
    """The lemmas a proof assumed, readable, in claim syntax."""
    if not lemmas:
        return ["no generated lemma was needed"]
    lines = [f"the step case assumes {len(lemmas)} generated lemmas, re-checked inductive together "
             "(initiation and consecution):"]
    lines += [f"  {lemma.text}" for lemma in lemmas[:SHOWN]]
    if len(lemmas) > SHOWN:
        lines.append(f"  ... and {len(lemmas) - SHOWN} more")
    return lines
