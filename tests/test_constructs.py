"""The constructs TLA+ authors reach for (issue 25): nondeterministic initial states,
step invariants over x and x', state constraints (TLC's CONSTRAINT) and assumptions
over the constants (TLC's ASSUME), building sequences (`[f(x) for x in s if c]`,
`s[i:j]`, `s + t`, `remove(s, i)`).
Each verdict comes from the engines (the compiled explicit search, BMC, k-induction,
PDR) and is cross-checked by the independent evaluator (symcheck/explicit/), which
enumerates the initial states on its own."""
import re
from pathlib import Path

import pytest

import symcheck
from symcheck.engines import explicit, graph_liveness
from symcheck.errors import InputError
from symcheck.explicit.constructs import initial_states
from symcheck.explicit.evaluator import Evaluator, search
from symcheck.explicit.liveness import check_properties
from symcheck.report.text import describe, text

START_ANYWHERE = """\
claim: start-anywhere
variables:
  x: 0..3
  y: 0..3
  seen: set[0..2]
init:
  x: any(0..3)
  y: "any({1, 2})"
  seen: any(set[0..2])
  where: x != y
actions:
  inc:
    when: x < 3
    then: {x: x + 1}
  dec:
    when: y > 0
    then: {y: y - 1}
invariants:
  sum: SUM
deadlock: ignore
"""


def test_initial_states_are_every_member_in_domain_order_where_the_filter_holds(write_claim):
    model = symcheck.load_claim(str(write_claim(START_ANYWHERE.replace("SUM", "x + y <= 6"))))
    starts = initial_states(model, Evaluator(model))
    assert len(starts) == 6 * 8  # (x, y) with x != y, y in {1, 2}; seen any subset of 0..2
    assert [(s["x"], s["y"]) for s in starts[::8]] == [(0, 1), (0, 2), (1, 2), (2, 1), (3, 1), (3, 2)]
    cm = explicit.compile_model(model)
    assert [dict(zip(("x", "y", "seen"), s)) for s in cm.inits()] == starts


def test_a_model_that_starts_anywhere_is_proved_with_the_evaluators_state_count(write_claim):
    model = symcheck.load_claim(str(write_claim(START_ANYWHERE.replace("SUM", "x + y <= 6"))))
    found = search(model, 20)
    assert found.invariant is None and found.complete and found.states == 96  # 12 pairs (x, y) times 8 sets
    r = explicit.run(model)
    assert r.verdict == "proved" and r.states == 96
    for engine in ("kind", "pdr"):
        assert symcheck.prove(model, engine=engine).verdict == "proved", engine


@pytest.mark.parametrize("invariant, check, depth", [
    ("not (x == 3 and y == 0)", "sum", 1),  # from (3, 1): one step down
    ("x + y < 5", "sum", 0),  # (3, 2) is an initial state
    ("x != 0 or y != 0", "sum", 1),  # (0, 1) then dec
])
def test_a_planted_bug_gives_the_same_shortest_trace_from_every_engine(write_claim, invariant, check, depth):
    model = symcheck.load_claim(str(write_claim(START_ANYWHERE.replace("SUM", f'"{invariant}"'))))
    found = search(model, 10)
    assert (found.invariant, found.depth) == (check, depth)
    for engine in ("explicit", "bmc"):
        r = symcheck.prove(model, engine=engine)
        assert r.verdict == "violated" and r.invariant == check and r.length == depth, (engine, r)
        first = r.trace.steps[0].state
        assert first in initial_states(model, Evaluator(model)), engine  # a real initial state


def test_a_trace_from_a_later_initial_state_is_replayed_with_fingerprints(write_claim):
    model = symcheck.load_claim(str(write_claim(START_ANYWHERE.replace("SUM", '"not (x == 3 and y == 0)"'))))
    r = explicit.run(model, exact=0)  # every state a fingerprint at once: the trace is re-derived from its start
    assert (r.verdict, r.length) == ("violated", 1)
    assert r.trace.steps[0].state == {"x": 3, "y": 1, "seen": frozenset()} and r.trace.steps[1].state["y"] == 0


def test_liveness_is_decided_from_every_initial_state(write_claim):
    text = """\
claim: drain
variables:
  n: 0..3
  on: bool
init:
  n: any(0..3)
  on: any(bool)
actions:
  drain:
    when: on and n > 0
    then: {n: n - 1}
properties:
  empties: eventually(n == 0)
fairness:
  weak: [drain]
deadlock: ignore
"""
    model = symcheck.load_claim(str(write_claim(text)))
    expected = check_properties(model)["empties"]
    assert expected is not None and expected.length == 1  # n = 1, off: stutters forever
    r = graph_liveness.run(model)
    assert r.verdict == "violated" and r.length == expected.length
    assert not r.trace.steps[0].state["on"] and r.trace.steps[0].state["n"] > 0
    fixed = symcheck.load_claim(str(write_claim(text.replace("on: any(bool)", "on: True"), "on.yaml")))
    assert check_properties(fixed)["empties"] is None and graph_liveness.run(fixed).verdict == "proved"


def test_no_initial_state_is_an_empty_state_space(write_claim):
    model = symcheck.load_claim(str(write_claim(START_ANYWHERE.replace("SUM", "x + y <= 6").replace(
        "where: x != y", "where: x > 3"))))
    assert search(model, 5).states == 0
    r = explicit.run(model)
    assert r.verdict == "proved" and r.states == 0


@pytest.mark.parametrize("init, message", [
    ('x: any(0..5)', "any(0..5) holds 4, which is not a value of x's type 0..3"),
    ('x: "any({1, True})"', "expected 0..3"),
    ('x: any(Nope)', "undefined name 'Nope' in the initial values of x"),
    ('where: "x + 1"', "expected bool"),
    ('where: "z > 0"', "z"),
])
def test_bad_initial_choices_are_located(write_claim, init, message):
    base = START_ANYWHERE.replace("SUM", "x + y <= 6")
    key = init.split(":")[0]
    lines = base.splitlines()
    at = lines.index("init:") + 1
    lines = lines[:at] + [ln for ln in lines[at:] if not ln.startswith(f"  {key}:")]
    path = write_claim("\n".join(lines[:at] + [f"  {init}"] + lines[at:]) + "\n")
    with pytest.raises(InputError) as err:
        symcheck.load_claim(str(path))
    assert message in str(err.value) and str(err.value).startswith(f"{path}:{at + 1}:"), str(err.value)


FOLLOWER = """\
claim: follower
constants:
  N: 3
variables:
  hi: 0..3
  lo: 0..3
  log: seq[0..3, 4]
init:
  hi: 0
  lo: 0
  log: "[]"
defs:
  done: len(log)            # a refinement mapping: the abstract counter
actions:
  up:
    when: hi < N
    then: {hi: hi + 1}
  follow:
    when: lo < hi
    then: {lo: lo + 1, log: "append(log, lo)"}
  reset:
    when: hi == N and lo == N
    then: {hi: 0, lo: 0, log: "[]"}
step_invariants:
  lo_moves_by_one: "lo' == lo or lo' == lo + 1 or lo' == 0"
  log_only_grows: LOG
invariants:
  ok: lo <= hi
deadlock: ignore
"""


def _follower(write_claim, log: str, name: str = "c.yaml"):
    return symcheck.load_claim(str(write_claim(FOLLOWER.replace("LOG", f'"{log}"'), name)))


def test_a_step_invariant_holds_on_every_step_and_is_proved_by_every_engine(write_claim):
    model = _follower(write_claim, "done' == done + 1 or (done' == 0 and hi' == 0) or log' == log")
    found = search(model, 20)
    assert found.invariant is None and found.complete and found.states == 10
    r = explicit.run(model)
    assert r.verdict == "proved" and r.states == 10
    for engine in ("kind", "pdr"):
        assert symcheck.prove(model, engine=engine).verdict == "proved", engine
    assert symcheck.prove(model, engine="bmc").verdict == "holds"


def test_a_broken_step_invariant_gives_the_shortest_step_from_every_engine(write_claim):
    model = _follower(write_claim, "len(log') >= len(log)")
    found = search(model, 20)
    assert (found.invariant, found.depth) == ("log_only_grows", 7)  # three up, three follow, reset
    for engine in ("explicit", "bmc", "kind", "pdr"):
        r = symcheck.prove(model, engine=engine)
        assert (r.verdict, r.invariant, r.length) == ("violated", "log_only_grows", 7), (engine, r)
        assert r.trace.steps[-1].action == "reset"
        assert r.explanation == [(0, "len(log') = 0"), (0, "len(log) = 3")], engine
    shown = text(model, r)
    assert f"Violated step invariant log_only_grows ({model.file}:26:3), by the last step:" in shown, shown
    assert "step invariants (over x and x'" in describe(model)


def test_a_stutter_never_breaks_a_step_invariant(write_claim):
    text = FOLLOWER.replace("LOG", '"False"').replace("    then: {hi: hi + 1}", "    then: {hi: hi}")
    model = symcheck.load_claim(str(write_claim(text)))  # `up` changes nothing: TLA+'s [A]_vars allows it
    assert search(model, 10).invariant is None
    for engine in ("explicit", "kind"):
        assert symcheck.prove(model, engine=engine).verdict == "proved", engine


@pytest.mark.parametrize("where, text, message", [
    ("invariants", "  bad: \"lo' <= hi\"", "x' (a variable's next value) may appear only in step_invariants"),
    ("step_invariants", "  bad: \"nope' == 1\"", "nope' is not a next value"),
    ("step_invariants", "  ok: \"lo' >= lo\"", "step invariant 'ok' has the name of an invariant or property"),
    ("step_invariants", "  bad: \"lo' + 1\"", "expected bool"),
])
def test_bad_step_invariants_are_located(write_claim, where, text, message):
    lines = FOLLOWER.replace("LOG", '"True"').splitlines()
    at = lines.index(f"{where}:") + 1
    path = write_claim("\n".join(lines[:at] + [text] + lines[at:]) + "\n")
    with pytest.raises(InputError) as err:
        symcheck.load_claim(str(path))
    assert message in str(err.value) and str(err.value).startswith(f"{path}:{at + 1}:"), str(err.value)


BOUNDED = """\
claim: bounded
constants:
  Max: 3
variables:
  x: 0..10
  y: 0..10
init:
  x: "any({0, 7})"
  y: 0
actions:
  inc:
    then: {x: x + 1}
  incy:
    when: y < 10
    then: {y: y + 1}
constraint:
  small: x < Max and y < 2
assume:
  positive: Max > 0
invariants:
  inv: INV
deadlock: ignore
"""


def test_a_state_constraint_stops_exploration_but_its_boundary_is_checked(write_claim):
    model = symcheck.load_claim(str(write_claim(BOUNDED.replace("INV", "x < 10"))))
    found = search(model, 30)
    # 6 states within (x < 3, y < 2), 5 just beyond it and the initial x = 7: counted, checked, not explored
    assert found.invariant is None and found.complete and found.states == 12
    r = explicit.run(model)
    assert r.verdict == "proved" and r.states == 12 and any("not explored" in line for line in r.proof)
    for engine in ("kind", "pdr"):
        assert symcheck.prove(model, engine=engine).verdict == "proved", engine


@pytest.mark.parametrize("inv, depth", [("x < 7", 0), ("x != 3 or y != 0", 3), ("x != 2 or y != 2", 4)])
def test_an_invariant_broken_beyond_the_constraint_is_found_as_tlc_finds_it(write_claim, inv, depth):
    model = symcheck.load_claim(str(write_claim(BOUNDED.replace("INV", f'"{inv}"'))))
    assert (search(model, 10).invariant, search(model, 10).depth) == ("inv", depth)
    for engine in ("explicit", "bmc", "kind"):
        r = symcheck.prove(model, engine=engine)
        assert (r.verdict, r.length) == ("violated", depth), (engine, r)


def test_a_false_assumption_is_a_located_error_before_any_search(write_claim):
    path = write_claim(BOUNDED.replace("INV", "x < 10").replace("Max > 0", "Max > 5"))
    with pytest.raises(InputError) as err:
        symcheck.load_claim(str(path))
    assert str(err.value).startswith(f"{path}:19:3: error: assumption positive is false"), str(err.value)
    symbolic = BOUNDED.replace("INV", "x < 10").replace("Max: 3", "Max: {domain: [3, 0]}")
    with pytest.raises(InputError, match="assumption positive is false when Max = 0"):
        symcheck.load_claim(str(write_claim(symbolic, "sym.yaml")))


@pytest.mark.parametrize("edit, message", [
    (("Max > 0", "x > 0"), "assumption positive cannot use the variable 'x'"),
    (("x < Max and y < 2", "x + 1"), "expected bool"),
    (("deadlock: ignore", "deadlock: check"), "a state constraint with deadlock: check is not supported yet"),
])
def test_bad_constraints_and_assumptions_are_located(write_claim, edit, message):
    path = write_claim(BOUNDED.replace("INV", "x < 10").replace(*edit))
    with pytest.raises(InputError, match=message):
        symcheck.load_claim(str(path))


QUEUES = """\
claim: queues
variables:
  q: seq[0..3, 4]
  out: seq[0..3, 4]
init:
  q: "[]"
  out: "[]"
actions:
  push:
    params: {x: 0..2}
    when: len(q) < 3
    then: {q: "append(q, x)"}
  drop:
    params: {i: 0..3}
    when: i < len(q)
    then: {q: "remove(q, i)"}
  move:
    when: len(q) > 0 and len(out) + len(q) <= 4
    then: {out: "out + [x for x in q if x > 0]", q: "q[1:]"}
  trim:
    when: len(out) > 1
    then: {out: "out[0:len(out) - 1]"}
invariants:
  ok: INV
  ordered: "[x for x in {2, 0, 1}] == [0, 1, 2] and [3, 1][1:] + [] == [1]"
deadlock: ignore
"""


def _queues(write_claim, inv: str, name: str = "c.yaml", edit=("", "")):
    return symcheck.load_claim(str(write_claim(QUEUES.replace("INV", f'"{inv}"').replace(*edit), name)))


def test_sequences_built_by_comprehension_slice_concatenation_and_remove_are_proved(write_claim):
    model = _queues(write_claim, "all(x > 0 for x in out)")
    found = search(model, 30)
    assert found.invariant is None and found.complete and found.states == 1240
    r = explicit.run(model)
    assert r.verdict == "proved" and r.states == 1240
    assert symcheck.prove(model, engine="kind").verdict == "proved"


@pytest.mark.parametrize("inv, depth", [("len(out) < 4", 5), ("[x * 2 for x in out if x < 3] != [2, 4]", 3),
                                        ("remove(out, 0) != [2] if len(out) > 0 else True", 3)])
def test_a_planted_bug_over_built_sequences_gives_the_same_shortest_trace(write_claim, inv, depth):
    model = _queues(write_claim, inv)
    found = search(model, 10)
    assert (found.invariant, found.depth) == ("ok", depth)
    for engine in ("explicit", "bmc", "kind"):
        r = symcheck.prove(model, engine=engine)
        assert (r.verdict, r.invariant, r.length) == ("violated", "ok", depth), (engine, r)


@pytest.mark.parametrize("update", ['"q[1:len(q) + 1]"', '"remove(q, len(q))"', '"q[1:0]"'])
def test_a_slice_or_remove_outside_the_sequence_is_ill_formed_in_every_engine(write_claim, update):
    model = _queues(write_claim, "True", edit=('"q[1:]"', update))
    found = search(model, 10)
    assert (found.invariant, found.depth) == ("well-formed", 2)  # push, then move
    for engine in ("explicit", "bmc"):
        r = symcheck.prove(model, engine=engine)
        assert (r.verdict, r.invariant, r.length) == ("violated", "well-formed", 2), (engine, r)


@pytest.mark.parametrize("inv, message", [
    ("q[0:2:1] == q", "a slice takes no step"),
    ("remove(q) == q", "remove() takes 2 argument"),
    ("q + {1} == q", "operator + does not apply to seq[0..3, 4] and set["),
    ("{1, 2}[0:1] == {1}", "cannot be sliced"),
    ("len([x for x in q for y in q for z in q for w in q]) > 0", "more than the longest supported (64)"),
])
def test_bad_sequence_building_is_located(write_claim, inv, message):
    with pytest.raises(InputError, match=re.escape(message)) as err:
        _queues(write_claim, inv)
    assert ":24:" in str(err.value).split(" error")[0], str(err.value)


PROTOCOLS = [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if p.stem == "dining" else [])  # its liveness: slow
             for p in sorted((Path(__file__).parent.parent / "bench" / "protocols").glob("*.yaml"))]


@pytest.mark.parametrize("path", PROTOCOLS)
def test_the_protocol_ports_get_their_expected_verdicts_cross_checked_by_the_evaluator(path):
    """bench/protocols: each variant's verdict from the explicit-state engine, its state
    count and shortest counterexample equal to the evaluator's (bench/protocols.py
    --tlc compares the same with TLC)."""
    for model in symcheck.load_claims(str(path)):
        if model.properties:  # liveness: decided on the state graph, as the evaluator decides it
            r = symcheck.prove(model, engine="explicit")
            lassos = [lasso for lasso in check_properties(model).values() if lasso is not None]
            assert r.verdict == ("violated" if lassos else "proved") == ("violated" if model.expect == "violated"
                                                                         else "proved"), model.name
            assert not lassos or r.length == min(lasso.length for lasso in lassos), model.name
            continue
        r = explicit.run(model)
        found = search(model, 40)
        if model.expect == "holds":
            assert r.verdict == "proved" and found.invariant is None and found.complete, model.name
            assert r.states == found.states, model.name
        else:
            assert r.verdict == "violated" and (r.invariant, r.length) == (found.invariant, found.depth), model.name
