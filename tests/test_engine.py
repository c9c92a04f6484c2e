"""The BMC engine on small hand-written claims: shortest traces, early-stopping paths,
deadlock, ill-formed operations, determinism, and the closed outcome set."""
import json
import subprocess
import sys

import pytest

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


@pytest.mark.slow
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


PIPELINE = ["errors", "ir", "source", "values", "variants", "check", "claims", "explicit", "explicit_liveness",
            "encode", "solve", "bmc", "kind", "pdr", "engine", "matrix", "liveness", "vacuity", "multitrace", "trace",
            "explain", "report", "catalog", "limits", "api", "cli", "__main__"]
Z3_USERS = ["bmc", "encode", "kind", "liveness", "matrix", "multitrace", "pdr", "solve", "vacuity"]


def imported_modules(path) -> set[str]:
    """Every module a symcheck source file imports, read from its syntax tree: top-level
    and lazy (inside functions) imports alike, relative (`from . import x`, `from .x
    import y`) and absolute (`import symcheck.x`, `from symcheck import x`). Package
    modules are named by their stem (`encode`), others by their top-level name (`z3`)."""
    import ast
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                found.add(parts[1] if parts[0] == "symcheck" and len(parts) > 1 else parts[0])
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if node.level == 0 and parts[0] != "symcheck":
                found.add(parts[0])
            elif node.level == 0 and len(parts) > 1:
                found.add(parts[1])
            elif node.level and node.module:
                found.add(parts[0])
            else:  # `from . import a, b` or `from symcheck import a, b`
                found.update(alias.name for alias in node.names)
    return found


def package_modules():
    import pathlib
    return sorted(pathlib.Path(symcheck.__file__).parent.glob("*.py"))


def test_only_the_encoder_and_engines_import_z3():
    users = sorted(p.stem for p in package_modules() if "z3" in imported_modules(p))
    assert users == Z3_USERS


def test_pipeline_imports_flow_one_way():
    rank = {m: i for i, m in enumerate(PIPELINE)}
    for path in package_modules():
        if path.stem == "__init__":  # the package facade re-exports the API
            continue
        assert path.stem in rank, f"symcheck/{path.name} is not in PIPELINE: add it at its stage"
        for dep in imported_modules(path) & rank.keys():
            if dep != "trace":  # trace holds the solver-free result types every stage shares
                assert rank[dep] < rank[path.stem], f"{path.stem} imports {dep} against the pipeline"


def test_the_import_reader_sees_lazy_and_absolute_imports(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import os.path\nfrom .encode import x\nfrom . import kind, pdr\n"
                      "def f():\n    import z3\n    from symcheck.cli import main\n    from symcheck import api\n"
                      "    import symcheck.report\n")
    assert imported_modules(source) == {"os", "encode", "kind", "pdr", "z3", "cli", "api", "report"}


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
