"""Crashes, leaks and loading (issue 9): an ill-typed initial state, the explicit
search's state cap, YAML loading that keeps nothing, one state equality in the
encoding, rendering errors that are not hidden, FILE:VARIANT, load_claim(variant=),
`python -m symcheck`, and the small language points `when` (optional) and `not in`."""
import gc
import subprocess
import sys

import pytest
import yaml
import z3

import symcheck
from symcheck.report import text as report
from symcheck.smt.encode import Encoding
from symcheck.errors import InputError
from symcheck.explicit.evaluator import StateCapReached, coverage_search, search
from symcheck.front.source import parse_yaml

ILL_TYPED = """\
claim: ill
variables:
  x: 0..3
  log: seq[0..3, 2]
init:
  x: {x}
  log: "{log}"
actions:
  inc:
    when: x < 3
    then:
      x: x + 1
invariants:
  small: x <= 3
"""

THREE = """\
claim: tri
variables:
  x: 0..3
init:
  x: 0
actions:
  inc:
    when: x < 3
    then:
      x: x + 1
invariants:
  small: x <= 2
expect: violated
variants:
  negative:
    bug: the bound is one too low
    expect: violated
    patch:
      invariants:
        small: x <= 1
"""


def run(*args):
    return subprocess.run([sys.executable, "-m", "symcheck", *args], capture_output=True, text=True)


# ---------------------------------------------------------------- ill-typed initial states


@pytest.mark.parametrize("x,log,violated", [(5, "[]", "type(x)"), (0, "[1, 2, 3]", "type(log)")])
def test_an_ill_typed_initial_state_is_reported_alike_by_every_search(write_claim, x, log, violated):
    model = symcheck.load_claim(str(write_claim(ILL_TYPED.format(x=x, log=log))))
    bmc = symcheck.prove(model, engine="bmc")
    bfs = search(model, model.depth)
    assert (bmc.invariant, bmc.depth) == (bfs.invariant, bfs.depth) == (violated, 0)
    cov = symcheck.cover(model, 3)
    assert coverage_search(model, 3) == (cov.actions, cov.premises)
    assert cov.actions == {"inc": None}


# ---------------------------------------------------------------- the state cap


COUNTER = """\
claim: counter
variables:
  n: 0..50
init:
  n: 0
actions:
  up:
    when: n < 50
    then:
      n: n + 1
invariants:
  fine: implies(n == 50, n >= 0)  # its premise first holds at depth 50: coverage must search that far
"""


def test_the_state_cap_is_its_own_outcome_not_out_of_memory(write_claim):
    model = symcheck.load_claim(str(write_claim(COUNTER)))
    assert search(model, 100).complete  # 51 states: under the default cap, the search finishes
    for run_search in (lambda: search(model, 100, max_states=10), lambda: coverage_search(model, 100, max_states=10)):
        with pytest.raises(StateCapReached) as exc:
            run_search()
        assert not isinstance(exc.value, MemoryError)
        assert exc.value.cap == 10 and exc.value.depth == 10
        assert "more than 10 states" in str(exc.value) and "incomplete" in str(exc.value)


# ---------------------------------------------------------------- loading keeps nothing


def _yaml_nodes() -> int:
    gc.collect()
    return sum(isinstance(o, yaml.Node) for o in gc.get_objects())


def test_loading_a_claim_keeps_no_yaml_nodes_alive():
    parse_yaml(THREE, "warm.yaml")
    before = _yaml_nodes()
    for i in range(20):
        parse_yaml(THREE, f"c{i}.yaml")
    assert _yaml_nodes() <= before


# ---------------------------------------------------------------- the encoding's state equality

SEQ = """\
claim: seqs
variables:
  log: seq[0..3, 3]
  n: 0..3
init:
  log: "[]"
  n: 0
actions:
  push:
    when: len(log) < 3
    then:
      log: append(log, n)
invariants:
  short: len(log) <= 3
"""


def test_same_state_ignores_spare_sequence_slots_only(write_claim):
    model = symcheck.load_claim(str(write_claim(SEQ)))
    enc = Encoding(model)
    a, b = enc.state(0)["log"], enc.state(1)["log"]
    n0, n1 = enc.state(0)["n"], enc.state(1)["n"]
    spare_differs = [a.length == 1, b.length == 1, a.items[0] == b.items[0], a.items[2] != b.items[2], n0 == n1]
    s = z3.Solver()
    s.add(*spare_differs, enc.same_state(0, 1))
    assert s.check() == z3.sat
    s = z3.Solver()
    s.add(a.length == 1, b.length == 1, a.items[0] != b.items[0], enc.same_state(0, 1))
    assert s.check() == z3.unsat
    s = z3.Solver()
    s.add(a.length == 1, b.length == 2, enc.same_state(0, 1))
    assert s.check() == z3.unsat
    s = z3.Solver()
    s.add(a.length == 0, b.length == 0, n0 != n1, enc.same_state(0, 1))
    assert s.check() == z3.unsat


# ---------------------------------------------------------------- rendering errors surface


def test_a_rendering_bug_is_not_hidden(write_claim, monkeypatch):
    model = symcheck.load_claim(str(write_claim(ILL_TYPED.format(x=5, log="[]"))))
    result = symcheck.prove(model, engine="bmc")
    assert "x = 5" in report.text(model, result)  # a value outside its type renders as itself
    assert result.explanation[0][1] == "x = 5 is outside its declared type 0..3"
    assert report.as_json(model, result)["trace"][0]["state"]["x"] == 5

    def broken(v, t):
        raise TypeError("a bug in rendering")
    monkeypatch.setattr(report, "render", broken)
    monkeypatch.setattr(report, "to_json", broken)
    with pytest.raises(TypeError, match="a bug in rendering"):
        report.text(model, result)
    with pytest.raises(TypeError, match="a bug in rendering"):
        report.as_json(model, result)


# ---------------------------------------------------------------- FILE:VARIANT and load_claim


@pytest.mark.parametrize("suffix", ["negative", "tri-negative"])
def test_file_colon_variant_selects_one_variant(write_claim, suffix):
    path = write_claim(THREE)
    p = run("prove", f"{path}:{suffix}", "--engine", "bmc")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("tri-negative: VIOLATED: small fails after 2 steps")
    p = run("check", f"{path}:{suffix}", "--engine", "bmc", "--no-coverage")
    assert p.returncode == 0, p.stderr
    assert "tri-negative" in p.stdout and "1 variants checked" in p.stdout
    p = run("show", f"{path}:{suffix}")
    assert p.returncode == 0 and p.stdout.startswith("tri-negative:") and "x <= 1" in p.stdout


def test_file_colon_green_names_the_family(write_claim):
    path = write_claim(THREE)
    p = run("prove", f"{path}:tri", "--engine", "bmc")
    assert p.stdout.startswith("tri: VIOLATED: small fails after 3 steps")


def test_an_unknown_variant_after_the_colon_lists_those_there_are(write_claim):
    path = write_claim(THREE)
    p = run("prove", f"{path}:negativ")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert f"error: {path} has no variant 'negativ'" in p.stderr
    assert "did you mean 'negative'?" in p.stderr
    assert "its variants: tri (the green claim), negative (tri-negative)" in p.stderr
    p = run("show", f"{path.parent / 'missing.yaml'}:negative")
    assert p.returncode == 2 and "no such claim file" in p.stderr


def test_load_claim_of_a_file_with_several_variants_asks_which(write_claim):
    path = str(write_claim(THREE))
    with pytest.raises(InputError, match="defines 2 variants") as exc:
        symcheck.load_claim(path)
    assert "pass variant=" in str(exc.value) and "load_claims" in str(exc.value)
    assert symcheck.load_claim(path, variant="negative").name == "tri-negative"
    assert symcheck.load_claim(path, variant="tri-negative").name == "tri-negative"
    assert symcheck.load_claim(path, variant="tri").name == "tri"
    assert symcheck.load_claim(f"{path}:negative").name == "tri-negative"
    assert symcheck.load_claim("pairing", variant="negative").name == "pairing-negative"
    with pytest.raises(InputError, match="has no variant 'red'"):
        symcheck.load_claim(path, variant="red")


def test_python_dash_m_symcheck_runs_the_cli():
    p = run("--help")
    assert p.returncode == 0 and "Usage: symcheck" in p.stdout
    p = run("prove", "no-such-claim")
    assert p.returncode == 2 and "no claim named 'no-such-claim'" in p.stderr


# ---------------------------------------------------------------- `when` is optional; `not in`

ALWAYS = """\
claim: always
constants:
  Peers: {enum: [alice, bob]}
variables:
  seen: set[Peers]
  meets: 0..3
  ticks: 0..3
init:
  seen: "{}"
  meets: 0
  ticks: 0
actions:
  tick:
    then:
      ticks: "min(ticks + 1, 3)"
  meet:
    params: {p: Peers}
    when: p not in seen
    then:
      seen: "seen | {p}"
      meets: meets + 1
invariants:
  few_ticks: ticks < 2
  no_bob: "'bob' not in seen"
  each_met_once: meets <= 2
"""


def test_an_action_without_when_is_always_enabled(write_claim):
    model = symcheck.load_claim(str(write_claim(ALWAYS.replace("  no_bob: \"'bob' not in seen\"\n", ""))))
    r = symcheck.prove(model, engine="bmc")
    assert r.violated and r.invariant == "few_ticks" and r.depth == 2
    assert [s.action for s in r.trace.steps[1:]] == ["tick", "tick"]
    bfs = search(model, model.depth)
    assert (bfs.invariant, bfs.depth) == ("few_ticks", 2)


def test_not_in_is_the_negation_of_in(write_claim):
    model = symcheck.load_claim(str(write_claim(ALWAYS.replace("  few_ticks: ticks < 2\n", ""))))
    r = symcheck.prove(model, engine="bmc")
    assert r.violated and r.invariant == "no_bob" and r.depth == 1
    assert r.trace.steps[-1].state["seen"] == frozenset({"bob"})
    bfs = search(model, model.depth)
    assert (bfs.invariant, bfs.depth) == ("no_bob", 1)


def test_a_guard_with_not_in_lets_each_peer_meet_once(write_claim):
    model = symcheck.load_claim(str(write_claim(ALWAYS.replace("  few_ticks: ticks < 2\n", "")
                                                .replace("  no_bob: \"'bob' not in seen\"\n", ""))))
    assert symcheck.prove(model).proved
    full = search(model, 50)
    assert full.invariant is None and full.complete and full.states == 4 * 4  # (seen, meets) pairs x ticks
    broken = symcheck.load_claim(str(write_claim(ALWAYS.replace("when: p not in seen", "when: p in seen or True")
                                                 .replace("  few_ticks: ticks < 2\n", "")
                                                 .replace("  no_bob: \"'bob' not in seen\"\n", ""), "d.yaml")))
    r = symcheck.prove(broken, engine="bmc")
    assert r.violated and r.invariant == "each_met_once" and r.depth == 3
