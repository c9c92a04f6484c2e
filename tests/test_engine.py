"""The BMC engine on small hand-written claims: shortest traces, early-stopping paths,
deadlock, ill-formed operations, determinism, and the closed outcome set."""
import json
import subprocess
import sys

import symcheck
from symcheck.explicit.evaluator import search

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
        [data] = json.loads(proc.stdout)["results"]
        data.pop("seconds")
        outs.append(data)
    assert outs[0] == outs[1]


# The stages, lowest first: a module may import only modules before it. `errors` and
# `trace` hold what every stage shares (bad input; solver-free result types).
PIPELINE = ["errors", "trace",
            "front.ir", "front.strings", "front.source", "front.overrides", "front.values", "front.actions",
            "front.variants", "front.declarations",
            "front.expressions", "front.calls", "front.size", "front.metadata", "front.check",
            "front.unbounded",
            "front.claims",
            "explicit.constructs", "explicit.evaluator", "explicit.liveness",
            "smt.arrays", "smt.strings", "smt.symbolic", "smt.quantified", "smt.expr", "smt.capacity", "smt.encode",
            "smt.solve", "smt.unroll", "smt.lasso",
            "smt.horn", "smt.lemmas", "smt.forall",
            "limits",  # forked workers under limits: the engine portfolio's processes, and the CLI's
            "engines.runtime", "engines.codegen", "engines.compiled", "engines.symmetry", "engines.fingerprints",
            "engines.explicit",
            "engines.graph_liveness",
            "engines.bmc", "engines.kind", "engines.lemmas", "engines.quantified", "engines.pdr", "engines.matrix",
            "engines.liveness",
            "engines.vacuity", "engines.multitrace", "engines.recheck", "engines.race", "engines.auto", "engines.crosscheck",
            "report.explain", "report.table", "report.text", "report.itf", "report.junit", "report.sarif", "report.artifacts",
            "report.catalog", "report.case",
            "api", "serve", "serve.share", "serve.loading", "serve.explore", "serve.views", "serve.guard", "serve.app",
            "progress", "options", "cli", "pytest_plugin", "__main__"]
Z3_USERS = ["smt.arrays", "smt.encode", "smt.expr", "smt.horn", "smt.lasso", "smt.lemmas", "smt.quantified", "smt.solve",
            "smt.strings", "smt.symbolic", "smt.unroll"]


def module_name(path) -> str:
    """`symcheck/front/ir.py` -> `front.ir`; a package's `__init__.py` -> the package."""
    import pathlib
    rel = pathlib.Path(path).relative_to(pathlib.Path(symcheck.__file__).parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts) or "__init__"


def imported_modules(path, module: str = "") -> set[str]:
    """Every module a source file imports, read from its syntax tree: top-level and lazy
    (inside functions) imports alike, relative and absolute. symcheck's own modules are
    named by their dotted path below the package (`front.ir`; `from symcheck.front
    import ir` names it too), others by their top-level name (`z3`). `module` is the
    importing module's own dotted name, for relative imports."""
    import ast
    import pathlib
    found = set()
    for node in ast.walk(ast.parse(pathlib.Path(path).read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                head, _, rest = alias.name.partition(".")
                found.add(rest if head == "symcheck" and rest else head)
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = module.split(".")[:-node.level]
            dotted = ".".join(base + ([node.module] if node.module else []))
        elif (node.module or "").partition(".")[0] == "symcheck":
            dotted = node.module.partition(".")[2]
        else:
            found.add((node.module or "").partition(".")[0])
            continue
        if dotted in PIPELINE:
            found.add(dotted)
        else:  # `from symcheck.front import ir, values`: the names are modules
            found.update(f"{dotted}.{alias.name}".lstrip(".") for alias in node.names)
    return found


PACKAGES = {"front", "explicit", "smt", "engines", "report"}


def package_modules():
    import pathlib
    return sorted(pathlib.Path(symcheck.__file__).parent.rglob("*.py"))


def test_only_the_smt_layer_imports_z3():
    users = sorted(module_name(p) for p in package_modules() if "z3" in imported_modules(p))
    assert users == Z3_USERS


def test_pipeline_imports_flow_one_way():
    rank = {m: i for i, m in enumerate(PIPELINE)}
    for path in package_modules():
        name = module_name(path)
        if name == "__init__" or name in PACKAGES:  # the package facade re-exports the API
            continue
        assert name in rank, f"{path} is not in PIPELINE: add it at its stage"
        for dep in imported_modules(path, name) & rank.keys():
            assert rank[dep] < rank[name], f"{name} imports {dep} against the pipeline"


def test_the_encoding_and_engines_never_import_the_explicit_evaluator():
    """The explicit evaluator is the independent cross-check: nothing on the solver side
    may share its code. The exceptions are `engines.recheck` and `engines.crosscheck`,
    which share none either: they call the evaluator as the second opinion on an
    explicit-state verdict."""
    for path in package_modules():
        name = module_name(path)
        if name.startswith(("smt.", "engines.")) and name not in ("engines.recheck", "engines.crosscheck"):
            assert not {d for d in imported_modules(path, name) if d.startswith("explicit")}, name


def test_the_import_reader_sees_lazy_and_absolute_imports(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import os.path\nfrom symcheck.smt.encode import x\nfrom symcheck.engines import kind, pdr\n"
                      "def f():\n    import z3\n    from symcheck.cli import main\n    from symcheck import api\n"
                      "    import symcheck.report.text\n    from .solve import check\n")
    assert imported_modules(source, "smt.encode") == {"os", "smt.encode", "engines.kind", "engines.pdr", "z3", "cli",
                                                      "api", "report.text", "smt.solve"}


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
