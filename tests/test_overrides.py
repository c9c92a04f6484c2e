"""Constant overrides (`--set NAME=VALUE`, `--constants FILE`, the API's `overrides=`)
and claims read from text (`api.load_text`): values type-checked against the constant
they replace, errors located at the flag or in the constants file, an override winning
over a variant's patch and saying so, and the verdicts under overrides cross-checked
against the explicit evaluator."""
import json

import jsonschema
import pytest
from click.testing import CliRunner

from symcheck import api
from symcheck.cli import main
from symcheck.errors import InputError
from symcheck.explicit.evaluator import search
from symcheck.report.artifacts import SCHEMA_FILE
from symcheck.report.text import text

SCHEMAS = SCHEMA_FILE.parent

COUNTER = """\
claim: counter
title: a counter that users bump
constants:
  Limit: 3
  Step: {type: 1..3, value: 1}
  Users: {enum: [u1, u2]}
  Strict: {domain: bool}
variables:
  x: 0..9
  seen: set[Users]
init:
  x: 0
  seen: "{}"
actions:
  bump:
    params: {u: Users}
    when: x + Step <= 9
    then:
      x: x + Step
      seen: seen | {u}
invariants:
  below: x <= Limit or not Strict
  few: len(seen) <= 2
depth: 3
variants:
  tight:
    expect: violated
    bug: the limit is too low
    patch:
      constants:
        Limit: 1
  extra:
    add:
      constants:
        Bonus: 2
"""


@pytest.fixture
def counter(write_claim):
    return write_claim(COUNTER, "counter.yaml")


def cli(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def error_of(call) -> str:
    with pytest.raises(InputError) as info:
        call()
    return str(info.value)


def valid(data, schema_file):
    jsonschema.Draft202012Validator(json.loads((SCHEMAS / schema_file).read_text())).validate(data)
    return data


# ---------------------------------------------------------------- values and their types


def test_overridden_constants_take_the_new_values(counter):
    m = api.load_claim(f"{counter}:counter", overrides={"Limit": 5, "Step": 2, "Users": ["a", "b", "c"], "Strict": True})
    consts = {c.name: c for c in m.constants}
    assert consts["Limit"].value == 5 and consts["Step"].value == 2 and consts["Strict"].value is True
    assert consts["Users"].value == frozenset({"a", "b", "c"}) and not consts["Strict"].symbolic
    assert [(o.constant.name, o.origin, o.replaces) for o in m.overrides] == [
        ("Limit", "overrides['Limit']", "claim"), ("Step", "overrides['Step']", "claim"),
        ("Users", "overrides['Users']", "claim"), ("Strict", "overrides['Strict']", "claim")]
    assert api.load_claim(f"{counter}:counter").overrides == ()


def test_a_list_makes_a_constant_symbolic_and_one_value_fixes_a_symbolic_one(counter):
    m = api.load_claim(f"{counter}:counter", overrides=api.parse_overrides(["Limit=[1, 2, 3]", "Strict=true"]))
    assert m.constant("Limit").domain == (1, 2, 3) and not m.constant("Strict").symbolic
    assert api.load_claim(f"{counter}:counter", overrides={"Limit": "2..4"}).constant("Limit").domain == (2, 3, 4)
    # the claim's own value of an overridden constant is not checked: here u1 is no longer a member
    first = COUNTER.replace("  Strict:", "  First: {type: Users, value: u1}\n  Strict:")
    [m] = api.load_text(first, variant="counter", overrides={"Users": ["a", "b"], "First": "b"})
    assert m.constant("First").value == "b"
    assert "'u1' is not a member of Users" in error_of(lambda: api.load_text(first, overrides={"Users": ["a"]}))
    # an integer's range given as its domain is the claim's choice, not a type: any integer overrides it
    [ranged] = api.load_text(COUNTER.replace("Limit: 3", "Limit: 1..3"), variant="counter", overrides={"Limit": 7})
    assert ranged.constant("Limit").value == 7 and not ranged.constant("Limit").symbolic
    matrix = api.check_matrix(api.load_claim(f"{counter}:counter", overrides={"Limit": [2, 3], "Strict": [True]}))
    verdicts = [(r.config["Limit"], r.verdict) for r in matrix.rows]
    assert verdicts[0] == (2, "violated") and verdicts[1] in ((3, "holds"), (3, "proved")) and len(verdicts) == 2


SET_ERRORS = [
    ("Limit=x", "--set Limit=x: error: Limit is an integer constant of claim counter; expected an integer, not 'x'"),
    ("Step=5", "--set Step=5: error: Step is an integer constant in 1..3 of claim counter; 5 is outside 1..3"),
    ("Strict=3", "--set Strict=3: error: Strict is a boolean constant (symbolic: one value fixes it, a list gives "
                 "its domain) of claim counter; expected true or false, not 3"),
    ("Users=u1", "--set Users=u1: error: Users is an enum constant (a set of names) of claim counter"),
    ("Limit=[1, 1]", "--set Limit=[1, 1]: error: the values given for Limit list 1 twice"),
    ("Limit=[]", "--set Limit=[]: error: Limit is an integer constant of claim counter; give a value"),
    ("Limt=2", "--set Limt=2: error: claim counter has no constant 'Limt'\n--set Limt=2: note: did you mean 'Limit'?"),
    ("Limit", "--set Limit: error: write --set NAME=VALUE"),
    ("Limit=", "--set Limit=: error: no value for Limit"),
    ("Limit=[1", "--set Limit=[1: error: YAML syntax"),
    ("1x=2", "--set 1x=2: error: '1x' is not a constant name"),
    ("Limit=1.5", "--set Limit=1.5: error: floating-point value"),
]


@pytest.mark.parametrize("setting,message", SET_ERRORS, ids=[s for s, _ in SET_ERRORS])
def test_a_bad_setting_is_an_error_located_at_the_flag(counter, setting, message):
    def load():
        api.load_claim(f"{counter}:counter", overrides=api.parse_overrides([setting]))
    assert error_of(load).startswith(message)


def test_an_enum_override_that_drops_a_member_the_claim_uses_is_located_in_the_claim(write_claim):
    path = write_claim(COUNTER.replace("few: len(seen) <= 2", "few: \"'u2' not in seen or len(seen) <= 2\""), "counter.yaml")
    message = error_of(lambda: api.load_claim(f"{path}:counter", overrides=api.parse_overrides(["Users=[a, b]"])))
    assert message.startswith(f"{path}:23:") and "u2" in message
    assert "the claim was checked with its constants overridden (--set Users=[a, b])" in message


def test_the_constants_file_is_located_and_set_wins_over_it(counter, tmp_path):
    good = tmp_path / "consts.yaml"
    good.write_text("Limit: 5\nStep: 2\n")
    m = api.load_claim(f"{counter}:counter", overrides=api.parse_overrides(["Limit=6"], good))
    assert (m.constant("Limit").value, m.constant("Step").value) == (6, 2)
    assert {o.constant.name: o.origin for o in m.overrides} == {"Limit": "--set Limit=6",
                                                                "Step": f"--constants {good}"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("Limit: 5\nStep:\n  - 9\n")
    message = error_of(lambda: api.load_claim(f"{counter}:counter", overrides=api.parse_overrides([], bad)))
    assert message.startswith(f"{bad}:3:5: error: Step is an integer constant in 1..3 of claim counter")
    bad.write_text("Limitt: 5\n")
    message = error_of(lambda: api.load_claim(f"{counter}:counter", overrides=api.parse_overrides([], bad)))
    assert message.startswith(f"{bad}:1:1: error: claim counter has no constant 'Limitt'")
    assert "did you mean 'Limit'" in message
    bad.write_text("[1, 2]\n")
    assert error_of(lambda: api.parse_overrides([], bad)).startswith(f"{bad}:1:1: error: a constants file maps")
    assert "cannot read constants file" in error_of(lambda: api.parse_overrides([], tmp_path / "none.yaml"))


# ---------------------------------------------------------------- variants


def test_an_override_wins_over_a_variants_patch_and_says_so(counter):
    models = {m.name: m for m in api.load_claims(str(counter), overrides={"Limit": 9, "Bonus": 4})}
    assert {n: m.constant("Limit").value for n, m in models.items()} == {
        "counter": 9, "counter-tight": 9, "counter-extra": 9}
    assert [o.replaces for o in models["counter-tight"].overrides] == ["variant"]
    assert [o.replaces for o in models["counter"].overrides] == ["claim"]
    # Bonus exists only in the variant that adds it: it applies there alone
    assert [(o.constant.name, o.replaces) for o in models["counter-extra"].overrides] == [
        ("Limit", "claim"), ("Bonus", "variant")]
    tight = models["counter-tight"]
    r = api.prove(tight, engine="bmc")
    assert "constant overridden: Limit = 9 (overrides['Limit'], over the variant's own value)" in text(tight, r)
    message = error_of(lambda: api.load_claims(str(counter), overrides={"Bonu": 1}))
    assert "none of the 3 selected claim variants has a constant 'Bonu'" in message and "did you mean 'Bonus'" in message
    assert "has no constant 'Bonus'" in error_of(lambda: api.load_claim(f"{counter}:counter", overrides={"Bonus": 1}))


OVERRIDE_CASES = [{}, {"Limit": 1}, {"Limit": 5}, {"Step": 2}, {"Step": 3, "Limit": 6}, {"Users": ["a", "b", "c"]},
                  {"Users": ["a"], "Strict": False}, {"Limit": [1, 4], "Strict": True}, {"Limit": "0..2"}]


@pytest.mark.parametrize("overrides", OVERRIDE_CASES, ids=[json.dumps(o) for o in OVERRIDE_CASES])
def test_verdicts_under_overrides_match_the_explicit_evaluator(counter, overrides):
    for model in api.load_claims(str(counter), overrides=overrides):
        r = api.prove(model, engine="bmc")
        found = search(model, model.depth)
        assert r.invariant == found.invariant, (model.name, overrides)
        if r.violated:
            assert r.length == found.depth


# ---------------------------------------------------------------- claims as text


def test_load_text_reads_no_file_and_selects_a_variant():
    models = api.load_text(COUNTER, overrides={"Limit": 2})
    assert [m.name for m in models] == ["counter", "counter-tight", "counter-extra"]
    assert all(m.file == "<pasted>" and m.constant("Limit").value == 2 for m in models)
    [tight] = api.load_text(COUNTER, variant="tight", name="editor")
    assert tight.name == "counter-tight" and tight.constant("Limit").value == 1
    assert api.load_text(COUNTER, variant="counter-tight")[0].name == "counter-tight"
    message = error_of(lambda: api.load_text(COUNTER, variant="tigth"))
    assert "has no variant 'tigth'" in message and "did you mean 'tight'" in message
    assert error_of(lambda: api.load_text("claim: x\nconstants: [", name="box")).startswith("box:2:")


def test_load_text_refuses_data_files(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "users.yaml").write_text("[u1, u2]\n")
    monkeypatch.chdir(tmp_path)  # the data file is there: reading it is refused, not missed
    claim = COUNTER.replace("Users: {enum: [u1, u2]}", "Users: {enum: {from: data/users.yaml}}")
    message = error_of(lambda: api.load_text(claim, name="box"))
    assert message.startswith("box:6:17: error: constant Users reads data file 'data/users.yaml'")


# ---------------------------------------------------------------- the command line and the artifacts


def test_prove_shows_the_overrides_in_text_and_json(counter):
    p = cli("prove", f"{counter}:tight", "--set", "Limit=2", "--set", "Step=2", "--engine", "bmc")
    assert p.exit_code == 0, p.output
    assert "constant overridden: Limit = 2 (--set Limit=2, over the variant's own value)" in p.output
    assert "Limit = 2   (overridden: --set Limit=2)" in p.output  # in the counterexample's configuration
    data = valid(json.loads(cli("prove", f"{counter}:tight", "--set", "Limit=[2, 3]", "--format", "json",
                                "--engine", "bmc").output), "result-1.json")
    assert data["results"][0]["overrides"] == [{"constant": "Limit", "domain": [2, 3], "from": "--set Limit=[2, 3]",
                                                "replaces": "variant"}]
    plain = valid(json.loads(cli("prove", str(counter), "--format", "json", "--engine", "bmc").output), "result-1.json")
    assert all("overrides" not in r for r in plain["results"])


def test_check_and_matrix_take_overrides_and_report_bad_ones(counter, tmp_path):
    p = cli("check", "--claims", str(counter.parent), "--set", "Limit=2", "--engine", "bmc", "--no-coverage")
    assert "constant Limit overridden (--set Limit=2) in 3 of 3 variants; over the variant's own value in " \
           "counter-tight" in p.output
    p = cli("check", "--claims", str(counter.parent), "--set", "Limitt=2")
    assert p.exit_code == 2 and "has a constant 'Limitt'" in p.output and "did you mean 'Limit'" in p.output
    p = cli("matrix", str(counter) + ":counter", "--set", "Limit=[2, 3]", "--set", "Strict=true", "--prove-timeout", "0")
    assert p.exit_code == 1 and "constant overridden: Limit = one of 2, 3 (--set Limit=[2, 3])" in p.output
    consts = tmp_path / "c.yaml"
    consts.write_text("Limit: [2, 3]\nStrict: [true]\n")
    data = valid(json.loads(cli("matrix", str(counter) + ":counter", "--constants", str(consts), "--format", "json",
                                "--prove-timeout", "0").output), "matrix-1.json")
    [m] = data["results"]
    assert m["constants"] == {"Limit": [2, 3], "Strict": [True]} and m["counts"]["violated"] == 1
    assert [o["from"] for o in m["overrides"]] == [f"--constants {consts}"] * 2


def test_witness_json_is_versioned(counter):
    data = valid(json.loads(cli("witness", f"{counter}:counter", "bump", "--format", "json").output),
                 "witness-1.json")
    assert data["schema"] == "symcheck-witness/1"
    [w] = data["results"]
    assert w["found"] and w["target"] == {"action": "bump"} and w["trace"][1]["action"] == "bump"
    missing = valid(json.loads(cli("witness", f"{counter}:counter", "bump", "--depth", "0", "--format", "json").output),
                    "witness-1.json")
    assert missing["results"][0]["trace"] is None
    with pytest.raises(jsonschema.ValidationError):
        valid({**data, "schema": "symcheck-result/1"}, "witness-1.json")
    # witness takes overrides too: with Step = 3 the first bump takes x to 3
    fast = cli("witness", f"{counter}:counter", "bump", "--set", "Step=3")
    assert fast.exit_code == 0 and "constant overridden: Step = 3 (--set Step=3)" in fast.output
    over = valid(json.loads(cli("witness", f"{counter}:counter", "bump", "--set", "Step=3", "--format", "json").output),
                 "witness-1.json")
    assert over["results"][0]["overrides"] == [{"constant": "Step", "value": 3, "from": "--set Step=3", "replaces": "claim"}]
    assert over["results"][0]["trace"][1]["state"]["x"] == 3
    assert cli("witness", f"{counter}:counter", "bump", "--set", "Stepp=3").exit_code == 2


def test_the_artifacts_name_the_overrides(counter, tmp_path):
    junitparser = pytest.importorskip("junitparser")
    out = tmp_path / "results"
    cli("check", "--claims", str(counter.parent), "--set", "Step=2", "--engine", "bmc", "--no-coverage",
        "--results", str(out))
    itf = json.loads((out / "itf" / "counter-tight.itf.json").read_text())
    assert itf["#meta"]["overrides"] == [{"constant": "Step", "from": "--set Step=2", "replaces": "claim"}]
    assert itf["#meta"]["constants"]["Step"] == 2
    suite = list(junitparser.JUnitXml.fromfile(str(out / "junit.xml")))[0]
    props = {c.name: {p.get("name"): p.get("value") for p in c._elem.iter("property")} for c in suite}
    assert props["counter"] == {"override.Step": "2 (--set Step=2)"}
    sarif = json.loads((out / "results.sarif").read_text())
    assert sarif["runs"][0]["properties"]["overrides"] == [
        {"constant": "Step", "from": "--set Step=2", "variants": ["counter", "counter-tight", "counter-extra"]}]
    assert "constant Step overridden (--set Step=2) in 3 of 3 variants" in (out / "summary.md").read_text()
    valid(json.loads((out / "results.json").read_text()), "result-1.json")
