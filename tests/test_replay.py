"""No violation is reported that the independent evaluator does not replay
(engines/recheck.replay): a trace read back wrongly from a solver's model comes back
`unknown` saying where it parts from the evaluator, whichever way engines/auto.py
answers (one engine, the explicit-state search first, the race); a true one is
reported and says it was replayed; one the evaluator cannot evaluate keeps its verdict
and says it was not replayed."""
from __future__ import annotations

import dataclasses

import pytest

import symcheck
from conftest import stride_claim
from symcheck.engines.recheck import REPLAYED, REPLAYED_LASSO, replay
from symcheck.smt import unroll
from symcheck.trace import STUTTER, UNKNOWN, Step, Trace
from test_engine import COUNTER

RED = stride_claim("stride", "below_six", "x < 6")  # violated after 3 steps: x = 0, 2, 4, 6

# two messages whose keys collide: ids differ in case (strings: the explicit search declines,
# so `auto` races BMC and the proof engines)
STRINGS = """\
claim: keys
types:
  Msg: {record: {acct: str, id: str}}
defs:
  "key(m: Msg) -> str": "'k:' + m.acct.strip().lower() + ':' + m.id"
variables:
  msgs: seq[Msg, 2]
init:
  msgs: "[]"
actions:
  arrive:
    params: {acct: str, id: str}
    when: len(msgs) < 2 and id != ''
    then:
      msgs: append(msgs, Msg(acct, id))
invariants:
  no_shared_key: "len(msgs) < 2 or msgs[0].acct == msgs[1].acct or key(msgs[0]) != key(msgs[1])"
"""

LIVE = """\
claim: spin
variables:
  x: 0..1
init:
  x: 0
actions:
  flip:
    when: "True"
    then:
      x: 1 - x
fairness:
  weak: [flip]
properties:
  reaches_two: eventually(x == 2)
"""


def load(write_claim, text, name="c.yaml"):
    return symcheck.load_claim(str(write_claim(text, name)))


def with_state(trace: Trace, i: int, **changes) -> Trace:
    steps = list(trace.steps)
    steps[i] = dataclasses.replace(steps[i], state={**steps[i].state, **changes})
    return Trace(tuple(steps))


def corrupt_last(monkeypatch, var: str, value) -> None:
    """The decoder of every solver's trace gives `var` the wrong `value` in the last state."""
    real = unroll.decode_trace

    def wrong(enc, m, d, stutter_last=False):
        trace = real(enc, m, d, stutter_last)
        return with_state(trace, len(trace.steps) - 1, **{var: value})
    monkeypatch.setattr(unroll, "decode_trace", wrong)


@pytest.mark.parametrize("engine", ["auto", "bmc", "sequential", "explicit"])
def test_a_true_violation_is_reported_and_says_it_was_replayed(write_claim, engine):
    r = symcheck.prove(load(write_claim, RED), engine=engine)
    assert r.violated and r.length == 3 and r.replayed == REPLAYED


@pytest.mark.parametrize("engine", ["bmc", "kind"])
def test_a_trace_decoded_wrongly_is_unknown_with_the_reason(write_claim, monkeypatch, engine):
    model = load(write_claim, RED)
    corrupt_last(monkeypatch, "x", 4)  # the violating state read back as one that keeps the invariant
    r = symcheck.prove(model, engine=engine)
    assert r.verdict == UNKNOWN
    assert "the solver's counterexample does not replay in the evaluator: step 3's state differs in x" in r.reason


def test_in_the_race_a_wrong_trace_never_wins(write_claim, monkeypatch):
    """A string claim: no explicit search, BMC and the proof engines race in processes of
    their own (forked: the corrupted decoder goes with them)."""
    model = load(write_claim, STRINGS)
    right = symcheck.prove(model, engine="bmc")
    assert right.violated and right.replayed == REPLAYED
    corrupt_last(monkeypatch, "msgs", ())
    r = symcheck.prove(model)
    assert r.verdict == UNKNOWN and "does not replay in the evaluator: step 2's state differs in msgs" in r.reason


def test_the_explicit_search_is_replayed_too(write_claim, monkeypatch):
    from symcheck.engines import explicit
    model = load(write_claim, RED)
    real = explicit.run

    def wrong(*a, **kw):
        out = real(*a, **kw)
        if out.violated:
            out.trace = with_state(out.trace, 1, x=1)
        return out
    monkeypatch.setattr(explicit, "run", wrong)
    r = symcheck.prove(model, engine="explicit")
    assert r.verdict == UNKNOWN
    assert r.reason == ("the explicit-state search's counterexample does not replay in the evaluator: "
                        "step 1's state differs in x")


def test_where_a_trace_parts_from_the_evaluator(write_claim):
    """Each way a trace can be wrong, on one true violation edited."""
    model = load(write_claim, RED)
    r = symcheck.prove(model, engine="bmc")
    steps = r.trace.steps

    def why(**edit):
        out = replay(model, dataclasses.replace(r, replayed=None, **edit))
        return out.reason if out.verdict == UNKNOWN else None

    assert why() is None
    assert why(trace=with_state(r.trace, 0, x=2)).endswith("the initial state differs in x")
    assert why(trace=Trace(steps[:1] + (dataclasses.replace(steps[1], action="jump"),) + steps[2:])).endswith(
        "step 1 takes 'jump', no action of the claim")
    assert why(trace=Trace(steps[:3])).endswith("below_six holds in the last state")  # a prefix: no violation
    assert why(trace=Trace(steps + (Step(STUTTER, (), steps[-1].state),))).endswith(
        "step 4 is a stutter, which only closes a lasso")
    assert why(invariant="type(x)").endswith("x lies in its type in the last state")
    assert why(invariant="deadlock").endswith("step is enabled in the last state: no deadlock")
    assert why(invariant="well-formed").endswith("step 3 (step) is well formed in it")


def test_the_engines_other_violations_replay(write_claim):
    """Deadlock, a type violation, an ill-formed step (the last step's state is not
    compared), each found by BMC and the explicit search alike."""
    deadlock = COUNTER.replace("small: x <= 3", "small: x <= 9").replace(
        "  note:\n    when: len(log) < 3\n    then:\n      log: append(log, x)\n", "") + "deadlock: check\n"
    overflow = COUNTER.replace("when: len(log) < 3", "when: True").replace("small: x <= 3", "small: True")
    ill = COUNTER.replace("log: append(log, x)", "x: head(log)").replace("small: x <= 3", "small: True")
    for text, name in ((deadlock, "deadlock"), (overflow, "type(log)"), (ill, "well-formed")):
        model = load(write_claim, text)
        for engine in ("bmc", "explicit"):
            r = symcheck.prove(model, engine=engine)
            assert r.violated and r.invariant == name and r.replayed == REPLAYED, (name, engine, r.reason)


def test_a_lasso_replays_and_one_that_does_not_close_is_unknown(write_claim):
    model = load(write_claim, LIVE)
    for engine in ("bmc", "explicit"):
        r = symcheck.prove(model, engine=engine)
        assert r.violated and r.loop_start is not None and r.replayed == REPLAYED_LASSO, (engine, r.reason)
    out = replay(model, dataclasses.replace(r, replayed=None, loop_start=len(r.trace.steps) - 2))
    assert out.verdict == UNKNOWN and "its last step does not return to state" in out.reason


def test_what_the_evaluator_cannot_evaluate_keeps_the_violation_unreplayed(write_claim, monkeypatch):
    from symcheck.explicit import evaluator
    model = load(write_claim, RED)
    r = symcheck.prove(model, engine="bmc")

    def cannot(self, e, state, env):
        raise NotImplementedError("no such construct")
    monkeypatch.setattr(evaluator.Evaluator, "evaluate", cannot)
    out = replay(model, dataclasses.replace(r, replayed=None))
    assert out.violated and out.replayed == ("not replayed by the independent evaluator: it cannot evaluate this "
                                             "trace (NotImplementedError: no such construct)")


def test_the_text_report_says_so(write_claim):
    from symcheck.report.text import text
    model = load(write_claim, RED)
    shown = text(model, symcheck.prove(model))
    assert shown.rstrip().endswith(REPLAYED[:1].upper() + REPLAYED[1:] + ".")


def test_a_character_map_is_not_taken_for_another_lambda_that_gets_its_id():
    """Decoding lower() applies a model's lambda to each character, remembered per lambda:
    Z3 gives a freed AST's id to the next ASTs it makes, and an answer remembered under
    the id alone was given for another function (the old memo: "b" for "a" here)."""
    import gc

    import z3

    from symcheck.smt import strings as zstrings
    c = z3.Const("c", z3.CharSort())
    shifted = z3.Lambda([c], z3.CharFromBv(z3.CharToBv(c) + 1))
    first = zstrings._apply(shifted, "a")
    del shifted
    gc.collect()
    wrong = []
    for i in range(100):  # each the identity, made and freed in turn: one soon gets the freed id
        same = z3.Lambda([c], z3.If(z3.CharToInt(c) == 1000 + i, c, c))
        got = zstrings._apply(same, "a")
        if got != "a":
            wrong.append(got)
        del same
    assert first == "b" and wrong == []


def test_no_proof_is_reported_beside_a_counterexample_that_does_not_replay(write_claim, monkeypatch, tmp_path):
    """The race: BMC's trace, read back wrongly, does not replay; a proof engine that then
    claims a proof (here a stand-in, once BMC has decoded its trace) is not believed either."""
    import time

    from symcheck.engines import auto, kind
    from symcheck.trace import PROVED, Outcome
    model = load(write_claim, STRINGS)
    decoded = tmp_path / "decoded"

    def claims_a_proof(model, enc, deadline):
        for _ in range(600):  # BMC (another process) has decoded its trace, then a second to answer
            if decoded.exists():
                break
            time.sleep(0.1)
        time.sleep(1)
        return Outcome(model.name, PROVED, None, model.expect, engine="kind", k=1, how="induction")
    fake = dataclasses.replace(auto.PROOF_ENGINES["kind"], run=claims_a_proof)
    monkeypatch.setattr(auto, "PROOF_ENGINES", {"kind": fake})
    monkeypatch.setattr(kind, "recheck", lambda *a, **kw: True)
    corrupt_last(monkeypatch, "msgs", ())
    wrong = unroll.decode_trace
    monkeypatch.setattr(unroll, "decode_trace", lambda *a, **kw: (wrong(*a, **kw), decoded.touch())[0])
    r = symcheck.prove(model)
    assert r.verdict == UNKNOWN
    assert r.reason.startswith("the engines disagree: k-induction proved every depth, and the solver's counterexample "
                               "does not replay in the evaluator: step 2's state differs in msgs")
