"""The BMC engine on small hand-written claims: shortest traces, early-stopping paths,
deadlock, ill-formed operations, determinism, and the closed outcome set."""
import json
import subprocess
import sys

import symcheck
from symcheck.explicit import search

COUNTER = """\
claim: counter
constants:
  N: 5
variables:
  x: 0..N
  log: seq[0..N, 3]
  stuck: bool
init:
  x: 0
  log: "[]"
  stuck: false
actions:
  inc:
    when: x < N and not stuck
    then:
      x: x + 1
  jam:
    when: x == 1 and not stuck
    then:
      stuck: true
  note:
    when: len(log) < 3
    then:
      log: append(log, x)
invariants:
  small: x <= 3
"""


def run(write_claim, text, depth=None):
    model = symcheck.load_claim(str(write_claim(text)))
    return model, symcheck.prove(model, depth=depth)


def test_first_violation_is_shortest_and_canonical(write_claim):
    model, r = run(write_claim, COUNTER)
    assert r.violated and r.invariant == "small" and r.length == 4
    assert [s.action for s in r.trace.steps[1:]] == ["inc"] * 4
    assert search(model, 12).depth == 4


def test_path_may_stop_early(write_claim):
    # `jam` leads to a state where only `note` can fire; a violation in a path that
    # deadlocks after 1 step is still found
    text = COUNTER.replace("small: x <= 3", "never_stuck: not stuck").replace(
        "  note:\n    when: len(log) < 3\n    then:\n      log: append(log, x)\n", "")
    model, r = run(write_claim, text)
    assert r.violated and r.length == 2
    assert [s.action for s in r.trace.steps[1:]] == ["inc", "jam"]


def test_deadlock_checking(write_claim):
    text = COUNTER.replace("small: x <= 3", "small: x <= 9").replace(
        "  note:\n    when: len(log) < 3\n    then:\n      log: append(log, x)\n", "") + "deadlock: check\n"
    model, r = run(write_claim, text)
    assert r.violated and r.invariant == "deadlock" and r.length == 2
    assert search(model, 12).invariant == "deadlock"
    _, r2 = run(write_claim, text.replace("deadlock: check", "deadlock: ignore"))
    assert r2.holds


def test_sequence_overflow_is_a_type_violation(write_claim):
    text = COUNTER.replace("when: len(log) < 3", "when: True").replace("small: x <= 3", "small: True")
    model, r = run(write_claim, text)
    assert r.violated and r.invariant == "type(log)" and r.length == 4
    assert r.trace.steps[-1].state["log"] == (0, 0, 0, 0)
    assert search(model, 12).invariant == "type(log)"


def test_head_of_empty_sequence_is_ill_formed(write_claim):
    text = COUNTER.replace("log: append(log, x)", "x: head(log)").replace("small: x <= 3", "small: True")
    model, r = run(write_claim, text)
    assert r.violated and r.invariant == "well-formed" and r.length == 1
    assert "head of an empty sequence" in r.explanation[0][1]
    assert search(model, 12).invariant == "well-formed"


def test_short_circuit_guards_are_not_ill_formed(write_claim):
    text = COUNTER.replace("when: len(log) < 3", "when: len(log) > 0 and head(log) < 9 and len(log) < 3").replace(
        "small: x <= 3", "small: True")
    _, r = run(write_claim, text)
    assert r.holds


def test_holds_to_the_bound_only(write_claim):
    model = symcheck.load_claim(str(write_claim(COUNTER)))
    r = symcheck.prove(model, depth=3, engine="bmc")
    assert r.holds and not r.proved and r.bound == 3 and r.length is None and r.k is None


def test_proof_attempt_finds_the_violation_beyond_the_bound(write_claim):
    # k-induction's base case walks on past the bound and finds the depth-4 violation;
    # BMC then gives the canonical trace for it
    model = symcheck.load_claim(str(write_claim(COUNTER)))
    r = symcheck.prove(model, depth=3)
    assert r.violated and r.length == 4 and r.trace.length == 4 and r.invariant == "small"


def test_timeout_gives_unknown_never_holds(write_claim):
    model = symcheck.load_claim("pairing-cap")
    r = symcheck.prove(model, timeout=0.001)
    assert r.verdict == "unknown" and not r.holds and "timeout" in r.reason


def test_same_command_twice_gives_identical_output(tmp_path):
    outs = []
    for seed in ("0", "12345"):
        proc = subprocess.run([sys.executable, "-m", "symcheck.cli", "prove", "pairing-cap-negative",
                               "--format", "json"], capture_output=True, text=True,
                              env={**__import__("os").environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0
        data = json.loads(proc.stdout)
        data.pop("seconds")
        outs.append(data)
    assert outs[0] == outs[1]


def test_only_the_encoder_and_engines_import_z3():
    import pathlib
    root = pathlib.Path(symcheck.__file__).parent
    users = sorted(p.name for p in root.glob("*.py") if "import z3" in p.read_text())
    assert users == ["bmc.py", "encode.py", "kind.py", "liveness.py", "matrix.py", "multitrace.py", "pdr.py", "solve.py",
                     "vacuity.py"]


def test_pipeline_imports_flow_one_way():
    import pathlib
    import re
    order = ["errors", "ir", "source", "values", "variants", "check", "claims", "explicit", "explicit_liveness",
             "encode", "solve", "bmc", "kind", "pdr", "engine", "matrix", "liveness", "vacuity", "multitrace", "trace",
             "explain", "report", "catalog", "limits", "api", "cli"]
    rank = {m: i for i, m in enumerate(order)}
    root = pathlib.Path(symcheck.__file__).parent
    for path in root.glob("*.py"):
        if path.stem not in rank:
            continue
        text = path.read_text()
        deps = re.findall(r"^from \.(\w+) import", text, re.M)
        deps += [d.strip() for line in re.findall(r"^from \. import (.+)$", text, re.M) for d in line.split(",")]
        for dep in deps:
            if dep in rank and dep != "trace":
                assert rank[dep] < rank[path.stem], f"{path.stem} imports {dep} against the pipeline"


def test_a_patch_may_name_a_typed_def_by_its_name(write_claim):
    text = """\
claim: t
types:
  K: {enum: [a, b]}
defs:
  pick -> K: "'a'"
variables: {x: K}
init: {x: pick}
invariants: {is_a: "x == 'a'"}
variants:
  negative:
    bug: picks b
    expect: violated
    patch:
      defs:
        pick: "'b'"
"""
    green, red = symcheck.load_claims(str(write_claim(text)))
    assert symcheck.prove(green).holds
    r = symcheck.prove(red)
    assert r.violated and r.length == 0
