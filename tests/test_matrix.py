"""Symbolic constants and the configuration matrix: one query covers every
configuration; the matrix equals one run per configuration (BMC and the explicit
search); the gateway exposure matrix reproduces the reference suite's hand-written one;
misuse of a symbolic constant is a located input error."""
import json
import subprocess
import sys

import pytest

import symcheck
from symcheck.engines.bmc import check_bmc
from symcheck.errors import InputError
from symcheck.explicit.evaluator import search
from symcheck.front.ir import configurations, with_constants
from symcheck.engines.matrix import matrix
from symcheck.report.text import as_json, matrix_text, text
from symcheck.trace import PROVED, Result

FAMILY = ["gateway-exposure-matrix", "gateway-exposure-matrix-negative", "gateway-exposure-matrix-unsafe"]
KNOBS = ("BindMode", "ModeConfig", "HasToken", "HasPassword", "HasCredential")


def row_of(m, **config):
    return next(r for r in m.rows if r.config == config)


def open_configuration(c) -> bool:
    """The reference's exposure matrix, generalised: reachable, and no auth applies
    or the attacker holds the credential."""
    no_auth = c["ModeConfig"] == "none" or (c["ModeConfig"] == "auto" and not c["HasToken"] and not c["HasPassword"])
    return c["BindMode"] != "loopback" and (no_auth or c["HasCredential"])


@pytest.fixture(scope="module")
def matrices():
    return {name: matrix(symcheck.load_claim(name)) for name in FAMILY}


def test_the_matrix_has_every_configuration_in_domain_order(matrices):
    model = symcheck.load_claim("gateway-exposure-matrix")
    assert [c.name for c in model.symbolic] == list(KNOBS)
    m = matrices["gateway-exposure-matrix"]
    assert len(m.rows) == 160 == 5 * 4 * 2 * 2 * 2
    assert [r.config for r in m.rows] == configurations(model)
    assert m.rows[0].config == dict(zip(KNOBS, ("loopback", "auto", False, False, False)))
    assert m.rows[-1].config == dict(zip(KNOBS, ("tailnet", "password", True, True, True)))


@pytest.mark.slow
def test_unsafe_matrix_equals_160_single_configuration_runs(matrices):
    model = symcheck.load_claim("gateway-exposure-matrix-unsafe")
    m = matrices["gateway-exposure-matrix-unsafe"]
    for row in m.rows:
        single = check_bmc(with_constants(model, row.config), model.depth)
        assert (single.verdict, single.depth, single.invariant) == (row.verdict, row.depth, row.invariant), row


@pytest.mark.parametrize("name", FAMILY)
def test_matrix_equals_the_explicit_search_of_each_configuration(matrices, name):
    model = symcheck.load_claim(name)
    for row in matrices[name].rows:
        found = search(model, model.depth, row.config)
        assert found.invariant == row.invariant, row
        assert row.verdict == ("violated" if found.invariant else "holds")
        if found.invariant:
            assert found.depth == row.depth


def test_unsafe_matrix_reproduces_the_reference_exposure_matrix(matrices):
    m = matrices["gateway-exposure-matrix-unsafe"]
    none = {"HasToken": False, "HasPassword": False, "HasCredential": False}
    # unsafe: lan, custom, tailnet, auto with auth none: the attacker connects, then invokes
    for bind in ("lan", "custom", "tailnet", "auto"):
        r = row_of(m, BindMode=bind, ModeConfig="none", **none)
        assert (r.verdict, r.depth, r.invariant) == ("violated", 2, "compromised_only_if_open")
    # protected: a token (lan, custom, tailnet, auto) or a password (lan), no credentials
    for bind in ("lan", "custom", "tailnet", "auto"):
        assert row_of(m, BindMode=bind, ModeConfig="auto", HasToken=True, HasPassword=False,
                      HasCredential=False).verdict == "holds"
    assert row_of(m, BindMode="lan", ModeConfig="auto", HasToken=False, HasPassword=True,
                  HasCredential=False).verdict == "holds"
    # a credentialed attacker gets in; loopback is safe
    assert row_of(m, BindMode="lan", ModeConfig="auto", HasToken=True, HasPassword=False,
                  HasCredential=True).verdict == "violated"
    assert row_of(m, BindMode="loopback", ModeConfig="auto", **none).verdict == "holds"
    # and in general: violated exactly in the open configurations
    assert [r.config for r in m.rows if r.verdict == "violated"] == \
        [r.config for r in m.rows if open_configuration(r.config)]
    assert (m.count("violated"), m.count("holds")) == (84, 76)


def test_matrix_agrees_with_every_gateway_exposure_v2_variant(matrices):
    # the v2 variants are TLC-checked single configurations of the same model
    m = matrices["gateway-exposure-matrix-unsafe"]
    for v2 in symcheck.load_claims("claims/gateway-exposure-v2.yaml"):
        config = {c.name: c.value for c in v2.constants}
        assert row_of(m, **config).verdict == symcheck.prove(v2, engine="bmc").verdict, v2.name


def test_green_holds_everywhere_and_the_negative_opens_auto_with_a_secret(matrices):
    green = matrices["gateway-exposure-matrix"]
    assert green.verdict == "holds" and green.as_expected and green.count("holds") == 160
    red = matrices["gateway-exposure-matrix-negative"]
    assert red.verdict == "violated" and red.as_expected
    assert [r.config for r in red.rows if r.verdict == "violated"] == \
        [c for c in configurations(symcheck.load_claim("gateway-exposure-matrix")) if c["BindMode"] != "loopback"
         and c["ModeConfig"] == "auto" and (c["HasToken"] or c["HasPassword"]) and not c["HasCredential"]]


def test_one_query_names_the_configuration_of_its_counterexample():
    model = symcheck.load_claim("gateway-exposure-matrix-unsafe")
    r = symcheck.prove(model)
    # the first violating configuration in domain order: lan, auto with no secret
    assert r.violated and r.depth == 2
    assert r.config == dict(zip(KNOBS, ("lan", "auto", False, False, False)))
    report = text(model, r)
    assert "  BindMode = lan   (symbolic: one of loopback, lan, auto, custom, tailnet)" in report
    assert as_json(model, r)["configuration"] == dict(zip(KNOBS, ("lan", "auto", False, False, False)))
    assert "in every one of the 160 configurations" in text(model, symcheck.prove("gateway-exposure-matrix"))


SMALL = """\
claim: small
types:
  Mode: {enum: [slow, fast, stuck]}
constants:
  N: 1..3
  M: {domain: [fast, slow]}
  Strict: bool
variables:
  x: 0..4
init:
  x: 0
actions:
  step:
    when: "M != 'stuck' and x < 4"
    then:
      x: "x + (2 if M == 'fast' else 1)"
invariants:
  below: x <= N or not Strict
  even_when_fast: "M != 'fast' or x != 2 or N > 1"
"""


def test_bmc_and_explicit_agree_on_a_small_symbolic_claim(write_claim):
    model = symcheck.load_claim(str(write_claim(SMALL)))
    assert [(c.name, c.domain) for c in model.symbolic] == [("N", (1, 2, 3)), ("M", ("fast", "slow")),
                                                            ("Strict", (False, True))]
    r = symcheck.prove(model, depth=6)
    found = search(model, 6)
    # fast with N=1 breaks both invariants at depth 1: `below` only if Strict, `even_when_fast`
    # always; `below` comes first in check order, so Strict=True is the configuration
    assert (r.invariant, r.length, r.config) == (found.invariant, found.depth, found.config) == \
        ("below", 1, {"N": 1, "M": "fast", "Strict": True})
    m = matrix(model, 6)
    for row in m.rows:
        f = search(model, 6, row.config)
        assert (row.invariant, row.depth if row.invariant else None) == \
            (f.invariant, f.depth if f.invariant else None), row
    assert m.count("violated") == 7 and m.count("holds") == 5
    # a configuration fixed by hand is a concrete model
    fixed = with_constants(model, {"N": 3, "M": "slow", "Strict": True})
    assert not fixed.symbolic and check_bmc(fixed, 6).invariant == "below" == search(fixed, 6).invariant


def test_prover_hook_upgrades_holding_rows(write_claim):
    model = symcheck.load_claim(str(write_claim(SMALL)))

    def exhaustive(m):  # the explicit search explored every reachable state: a proof
        found = search(m, 50)
        if found.invariant is None and found.complete:
            return Result(m.name, PROVED, 50, m.expect, engine="explicit")
        return Result(m.name, "holds", 50, m.expect)

    m = matrix(model, 6, prover=exhaustive)
    assert m.count("proved") == 5 and m.count("holds") == 0
    assert all(r.engine == "explicit" for r in m.rows if r.verdict == "proved")
    assert "engine" in matrix_text(m)


@pytest.mark.slow
def test_matrix_command_formats_and_exit_status(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "symcheck.cli", "matrix", *args], capture_output=True, text=True)
    p = run("gateway-exposure-matrix-unsafe", "--format", "json")
    assert p.returncode == 0
    document = json.loads(p.stdout)
    assert document["schema"] == "symcheck-matrix/1"
    [data] = document["results"]
    assert data["verdict"] == "violated" and data["counts"]["violated"] == 84 and len(data["rows"]) == 160
    assert data["rows"][8]["config"] == dict(zip(KNOBS, ("loopback", "none", False, False, False)))
    p = run("gateway-exposure-matrix", "--depth", "3", "--prove-timeout", "0")
    assert p.returncode == 0
    assert p.stdout.startswith("gateway-exposure-matrix: 160 configurations, 160 hold to depth 3 [expected holds")
    p = run("gateway-exposure-matrix", "--depth", "3")
    assert p.returncode == 0
    assert p.stdout.startswith("gateway-exposure-matrix: 160 configurations, 160 proved [expected holds")
    assert "BindMode  ModeConfig  HasToken  HasPassword  HasCredential  verdict" in p.stdout
    p = run("gateway-exposure-matrix-negative", "--format", "markdown")
    assert p.returncode == 0 and "| lan | auto | False | True | False | violated | 2 |" in p.stdout
    # a green whose matrix has a violated row is not as expected
    claim = tmp_path / "c.yaml"
    claim.write_text(SMALL)
    p = run(str(claim))
    assert p.returncode == 1 and "NOT AS EXPECTED" in p.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("x: 0..4", "x: 0..N"))
    p = run(str(bad))
    assert p.returncode == 2 and "Traceback" not in p.stderr


ERRORS = [
    ("type bound", SMALL.replace("x: 0..4", "x: 0..N"),
     "c.yaml:9:9: error: constant N is symbolic (one of 3 values), but a type or sequence bound needs one fixed "
     "number"),
    ("sequence bound", SMALL.replace("x: 0..4", "x: 0..4\n  log: seq[Mode, N]").replace("x: 0\n", "x: 0\n  log: \"[]\"\n"),
     "c.yaml:10:18: error: constant N is symbolic (one of 3 values), but a type or sequence bound needs one fixed "
     "number"),
    ("range generator", SMALL.replace("x <= N or not Strict", "all(x != i for i in range(N)) or not Strict"),
     "c.yaml:18:36: error: range() bound uses the symbolic constant N: the values a generator ranges over must "
     "be fixed"),
    ("mixed domain", SMALL.replace("[fast, slow]", "[fast, 1]"),
     "c.yaml:6:22: error: the domain of M mixes name and int values"),
    ("repeated value", SMALL.replace("[fast, slow]", "[fast, fast]"),
     "c.yaml:6:22: error: the domain of M lists 'fast' twice"),
    ("empty domain", SMALL.replace("[fast, slow]", "[]"),
     "c.yaml:6:15: error: the domain of M: write a non-empty list of values [a, b], or a type (bool, lo..hi, an enum)"),
    ("unknown member", SMALL.replace("[fast, slow]", "[fast, slwo]"),
     "c.yaml:6:22: error: the domain of M: 'slwo' is not a member of any enum"),
    ("not a scalar type", SMALL.replace("{domain: [fast, slow]}", "{domain: 'set[Mode]'}"),
     "c.yaml:6:15: error: the domain of M: a symbolic constant is a bool, an integer, an enum member or a string, not set[Mode]"),
    ("value and domain", SMALL.replace("{domain: [fast, slow]}", "{value: fast, domain: [fast, slow]}"),
     "c.yaml:6:7: error: unknown key 'value' in constant M"),
    ("too many configurations", SMALL.replace("  Strict: bool\n", "".join(f"  B{i}: bool\n" for i in range(11))),
     "c.yaml:4:1: error: the symbolic constants have 12288 configurations, more than the limit 4096"),
]


@pytest.mark.parametrize("case,claim,message", ERRORS, ids=[c[0] for c in ERRORS])
def test_misuse_of_symbolic_constants_is_a_located_error(write_claim, case, claim, message):
    with pytest.raises(InputError) as exc:
        symcheck.load_claim(str(write_claim(claim)))
    assert str(exc.value).splitlines()[0].endswith(message)


def test_domain_type_is_inferred_from_the_one_enum_having_all_members_or_given(write_claim):
    shared = SMALL.replace("  Mode: {enum: [slow, fast, stuck]}\n",
                           "  Mode: {enum: [slow, fast, stuck]}\n  Speed: {enum: [slow, fast]}\n")
    with pytest.raises(InputError) as exc:
        symcheck.load_claim(str(write_claim(shared)))
    assert "several enums (Mode, Speed) have all of these members" in str(exc.value)
    typed = symcheck.load_claim(str(write_claim(shared.replace("{domain: [fast, slow]}",
                                                               "{type: Mode, domain: [fast, slow]}"))))
    assert typed.constant("M").type.name == "Mode" and typed.constant("M").domain == ("fast", "slow")
    every = symcheck.load_claim(str(write_claim(shared.replace("{domain: [fast, slow]}", "{domain: Mode}"))))
    assert every.constant("M").type.name == "Mode" and every.constant("M").domain == ("slow", "fast", "stuck")
    assert len(configurations(every)) == 3 * 3 * 2


def test_a_timeout_leaves_undecided_configurations_unknown_never_holding():
    m = matrix(symcheck.load_claim("gateway-exposure-matrix"), timeout=0.001)
    assert m.count("holds") == 0 and m.count("unknown") == 160
    assert m.verdict == "unknown" and not m.as_expected and "timeout" in m.rows[0].reason


@pytest.mark.slow
def test_matrix_proves_every_non_violating_configuration_at_once():
    # one k-induction run with the violating configurations excluded proves the rest
    model = symcheck.load_claim("gateway-exposure-matrix-unsafe")
    m = symcheck.check_matrix(model, prove_timeout=60)
    assert (m.count("violated"), m.count("proved"), m.count("holds")) == (84, 76, 0)
    bounded = symcheck.check_matrix(model)
    assert [r.config for r in m.rows if r.verdict == "proved"] == \
        [r.config for r in bounded.rows if r.verdict == "holds"]
    green = symcheck.check_matrix("gateway-exposure-matrix", prove_timeout=60)
    assert green.count("proved") == 160 and green.verdict == "proved" and green.as_expected


def test_several_counterexamples_differ_in_their_configuration():
    results = symcheck.counterexamples("gateway-exposure-matrix-unsafe", 5)
    assert len(results) == 5 and all(r.violated for r in results)
    configs = [tuple(sorted(r.config.items())) for r in results]
    assert len(set(configs)) == 5
    m = symcheck.check_matrix("gateway-exposure-matrix-unsafe")
    violating = {tuple(sorted(row.config.items())): row for row in m.rows if row.verdict == "violated"}
    for r, key in zip(results, configs):  # each is a violating row, with that row's shortest length
        assert key in violating and violating[key].depth == r.length
    assert results[0].config == symcheck.prove("gateway-exposure-matrix-unsafe", engine="bmc").config
