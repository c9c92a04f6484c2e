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
solver's state alone.

With `lemmas` (state invariants proved separately, see `engines/lemmas.py`) the step
case assumes them in its states as well, and the re-check re-proves every lemma too
(initiation and consecution). Then, and in a quick attempt bounded by `max_conflicts`,
each step query is built afresh: k stays small there, and a fresh query is much faster
than the incremental solver (pairing-race's 1-induction step: under 2 s fresh, 18 s
incremental, which skips the solver's preprocessing)."""
from __future__ import annotations

from symcheck.front.ir import Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.lemmas import Lemma, all_hold, holds_in
from symcheck.smt.solve import Answer, Deadline, Formula, Session, any_of, neg, unsat_fresh
from symcheck.smt.unroll import bad_after_step, bad_at, distinct_from_earlier
from symcheck.trace import PROVED, UNKNOWN, VIOLATED, Config, Outcome

SUPPORTS: frozenset[Feature] = frozenset(Feature)  # the claim features it decides (the solver's theories)
MAX_K = 200  # k-induction gives up beyond this k (time usually runs out first)
INDUCTION = "induction"
DIAMETER = "diameter"


def run(model: Model, encoding: Encoding, deadline: Deadline, max_k: int = MAX_K,
        assume: tuple[Formula, ...] = (), lemmas: tuple[Lemma, ...] = (), max_conflicts: int | None = None) -> Outcome:
    """Proved (`k`, `how`), violated at depth `length` (no trace: BMC makes it), or
    unknown with the reason. `assume`: extra constraints on the symbolic constants
    (e.g. configurations already known to be violating, excluded by the matrix).
    `lemmas`: proved state invariants the step case may assume (a proof then carries
    them as its `certificate`, for the re-check). `max_conflicts`: a quick attempt, each
    query gives up (unknown) after that many conflicts."""
    enc = encoding
    base, step = (Session(deadline, enc.logic, max_conflicts=max_conflicts, fresh=enc.fresh_queries),
                  Session(deadline, enc.logic, max_conflicts=max_conflicts, fresh=enc.fresh_queries))
    fresh = bool(lemmas) or max_conflicts is not None  # each step query built afresh (for small k, much faster)
    base.add(enc.init()[0])
    step.add(enc.shape(0))
    for s in (base, step):
        s.add(enc.config_constraint(), *assume)

    def out(verdict: str, bound: int | None = None, **kw: object) -> Outcome:
        kw.setdefault("certificate", lemmas or None)
        return Outcome(model.name, verdict, bound, model.expect, engine="kind", **kw)  # type: ignore[arg-type]

    for k in range(max_k + 1):
        bad_k = bad_at(enc, k)
        answer = base.check(bad_k)
        if answer.sat:
            return out(VIOLATED, length=k)
        if answer.unknown:
            return out(UNKNOWN, bound=k, reason=_why(answer, k))
        base.add(neg(bad_k))
        answer = base.check()
        if answer.unsat:
            return out(PROVED, k=k, how=DIAMETER)
        if answer.unknown:
            return out(UNKNOWN, bound=k, reason=_why(answer, k))
        if fresh:
            answer = _fresh_check(deadline, max_conflicts, enc.logic, enc.config_constraint(), *assume, *step_query(enc, k, lemmas))
        else:
            answer = step.check(_step_obligation(enc, k))
        if answer.unsat:
            return out(PROVED, k=k, how=INDUCTION)
        if answer.unknown:
            return out(UNKNOWN, bound=k, reason=_why(answer, k))
        if k == max_k:
            break
        sessions = (base,) if fresh else (base, step)
        if not fresh:
            step.add(neg(bad_after_step(enc, k)))
        for s in sessions:
            s.add(enc.trans(k))
            s.add(*distinct_from_earlier(enc, k + 1))
    return out(UNKNOWN, bound=max_k, reason=f"no proof up to k = {max_k}")


def _fresh_check(deadline: Deadline, max_conflicts: int | None, logic: str, *formulas: Formula) -> Answer:
    """One query on a solver of its own (no incremental state)."""
    session = Session(deadline, logic, max_conflicts=max_conflicts)
    session.add(*formulas)
    return session.check()


def step_query(enc: Encoding, k: int, lemmas: tuple[Lemma, ...] = ()) -> list[Formula]:
    """The inductive step at k as one query (unsat: the step holds): any well-shaped
    state 0, k good states along a simple path, then a bad state k or an ill-formed step
    into it. The lemmas hold in states 0..k-1, and in state k when the step into it is
    well formed (their consecution needs a good state and a well-formed step)."""
    formulas = [enc.shape(0)]
    formulas += [enc.trans(i) for i in range(k)]
    formulas += [f for j in range(k + 1) for f in distinct_from_earlier(enc, j)]
    if k > 0:
        formulas += [neg(enc.bad_state(0))] + [neg(bad_at(enc, i)) for i in range(1, k)]
    formulas += [f for i in range(max(k, 1)) for f in holds_in(enc, lemmas, i)]
    if k > 0 and lemmas:
        formulas.append(any_of([enc.step_bad(k - 1), all_hold(enc, lemmas, k)]))
    formulas.append(_step_obligation(enc, k))
    return formulas


def lemma_queries(enc: Encoding, lemmas: tuple[Lemma, ...]) -> list[list[Formula]]:
    """What makes the lemmas invariants, as queries that must be unsat: initiation (every
    well-formed initial state satisfies them) and consecution (from a good state that
    satisfies them, a well-formed step leads to a state that does). Together with the
    claim's own base case and step this is one joint induction: each step case assumes
    the lemmas only where they are justified."""
    init, init_wf = enc.init()
    now, after = all_hold(enc, lemmas, 0), all_hold(enc, lemmas, 1)
    return [[init, init_wf, neg(now)],
            [enc.shape(0), now, neg(enc.bad_state(0)), neg(enc.step_bad(0)), enc.trans(0), neg(after)]]


def _why(answer: Answer, k: int) -> str:
    if answer.timed_out:
        return f"k-induction ran out of time at k = {k}"
    return f"{answer.reason} at k = {k}"


def recheck(model: Model, outcome: Outcome, timeout: Deadline | float | None = None,
            assume_configs: tuple[Config, ...] = (), enc: Encoding | None = None) -> bool:
    """Re-derive a k-induction proof from scratch: fresh solvers, configured differently,
    and one monolithic query per obligation (the encoding's templates may be shared).
    `assume_configs`: configurations of the symbolic constants excluded from the proof.
    A proof with lemmas (its `certificate`) re-proves each lemma's initiation and
    consecution first, so a wrong lemma never yields a proof. False unless every
    obligation is answered unsat within the deadline."""
    assert outcome.verdict == PROVED and outcome.k is not None
    enc = enc or Encoding(model)
    deadline = Deadline.of(timeout)
    k = outcome.k
    init = enc.init()[0]

    def unsat(*formulas: Formula) -> bool:
        excluded = [neg(enc.config_is(c)) for c in assume_configs]
        return unsat_fresh(deadline, enc.config_constraint(), *excluded, *formulas)

    lemmas = _lemmas_of(outcome)
    if lemmas and not all(unsat(*query) for query in lemma_queries(enc, lemmas)):
        return False
    path = [enc.trans(i) for i in range(k)]
    distinct = [f for j in range(k + 1) for f in distinct_from_earlier(enc, j)]
    # base case: no violation at depths 0..k from the initial states
    if not unsat(init, *path, _any_bad(enc, k)):
        return False
    good = [neg(bad_at(enc, i)) for i in range(k + 1)]
    if outcome.how == DIAMETER:
        # no simple path of k steps from an initial state through good states
        return unsat(init, *path, *distinct, *good)
    # step: k good states along a simple path are never followed by a bad one
    return unsat(*step_query(enc, k, lemmas))


def _lemmas_of(outcome: Outcome) -> tuple[Lemma, ...]:
    cert = outcome.certificate
    if isinstance(cert, tuple) and all(isinstance(x, Lemma) for x in cert):
        return cert
    return ()


def _step_obligation(enc: Encoding, k: int) -> Formula:
    """What the inductive step must rule out at k. From k = 1 on, a bad state k or an
    ill-formed step into it, after k good states. At k = 0 there is no step into state 0,
    so "no state is bad" alone would leave the steps unchecked: a 0-inductive proof must
    also show that no step out of a good state is ill formed. (The premise added for
    k >= 1 stays "state 0 is good": step 0 is checked by the k = 1 obligation.)"""
    return bad_after_step(enc, k) if k > 0 else any_of([enc.bad_state(0), enc.step_bad(0)])


def _any_bad(enc: Encoding, k: int) -> Formula:
    return any_of([bad_at(enc, i) for i in range(k + 1)])


def check_kind(model: Model, max_k: int, timeout: Deadline | float | None = None,
               enc: Encoding | None = None, assume: tuple[Formula, ...] = (),
               lemmas: tuple[Lemma, ...] = ()) -> Outcome:
    """`run` for callers without an encoding or a deadline."""
    return run(model, enc or Encoding(model), Deadline.of(timeout), max_k, assume, lemmas)
