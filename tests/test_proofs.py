"""Proofs for every depth: k-induction and PDR prove what the explicit search confirms
by exhausting the state space, never prove a red, and every proof survives an
independent re-check (which does catch a wrong one)."""
import dataclasses
import json

import re

import pytest
from click.testing import CliRunner

import symcheck
from conftest import CLAIMS, evaluator_takes_whole, stride_claim
from symcheck.engines import kind
from symcheck.engines import pdr
from symcheck.engines.auto import unsupported
from symcheck.engines.bmc import check_bmc
from symcheck.front.claims import catalog, load_model
from symcheck.cli import main
from symcheck.explicit.evaluator import search
from symcheck.report.text import text as render

ENTRIES = catalog(CLAIMS)
# reds whose bug breaks an invariant (a liveness red breaks a property, which the safety
# engines do not prove; prove() reports those with the lasso engine)
REDS = [n for n, e in ENTRIES.items() if load_model(e).expect == "violated" and not load_model(e).properties]

# reachable x: 0, 2, 4, 6; "x != 3" is not 1-inductive (1 -> 3), but it is k-inductive
# for a k that rules out every simple path of good odd states
STRIDE = stride_claim("stride", "not_three", "x != 3")


def test_kinduction_needs_more_than_one_step(write_claim):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = symcheck.prove(model, depth=2, engine="kind")
    assert r.proved and r.engine == "kind" and r.k >= 2 and r.bound == 2
    full = search(model, 100)
    assert full.complete and full.invariant is None and full.states == 4


def test_pdr_prints_an_invariant_in_model_terms(write_claim):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = symcheck.prove(model, depth=1, engine="pdr")
    assert r.proved and r.engine == "pdr" and r.k is None and r.bound == 1
    assert any("x" in line for line in r.proof[1:])
    out = render(model, r)
    assert "PROVED for every depth by PDR" in out and "inductive invariant" in out


def test_bounded_engine_never_claims_a_proof(write_claim):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = symcheck.prove(model, depth=3, engine="bmc")
    assert r.verdict == "holds" and not r.proved and r.bound == 3 and r.k is None


@pytest.mark.slow
@pytest.mark.parametrize("name", REDS)
def test_no_engine_proves_a_red(name):
    model = load_model(ENTRIES[name])
    k = kind.check_kind(model, model.depth + 1, timeout=5)
    assert k.verdict in ("violated", "unknown")
    if k.verdict == "violated":  # the shortest violation: the evaluator's, or BMC's where the evaluator
        # cannot take the claim whole (BMC is cross-checked with it on samples and finite instances)
        whole = evaluator_takes_whole(model)
        assert k.length == (search(model, model.depth + 1) if whole else check_bmc(model, model.depth + 1)).depth
    if unsupported("pdr", model) is None:  # PDR's theories (sorts are not among them)
        p = pdr.check_pdr(model, timeout=2)
        assert p.verdict in ("violated", "unknown")


def test_recheck_rejects_a_wrong_invariant():
    # PDR's invariant for the green pairing claim is not safe for its red twin
    green, red = load_model(ENTRIES["pairing"]), load_model(ENTRIES["pairing-negative"])
    out = pdr.check_pdr(green, timeout=30)
    assert out.verdict == "proved" and pdr.recheck(green, out.certificate)
    assert not pdr.recheck(red, out.certificate)


def test_recheck_rejects_a_wrong_induction_depth(write_claim):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    out = kind.check_kind(model, 10)
    assert out.verdict == "proved" and kind.recheck(model, out)
    wrong = dataclasses.replace(out, k=1, how=kind.INDUCTION)  # 1 -> 3 breaks 1-induction
    assert not kind.recheck(model, wrong)


def test_proof_budget_exhausted_keeps_holds(write_claim):
    model = load_model(ENTRIES["pairing-cap"])
    r = symcheck.prove(model, depth=2, engine="kind", prove_timeout=0.01)
    assert r.verdict == "holds" and not r.proved and "not proved" in r.reason


def test_cli_names_the_engine():
    runner = CliRunner()
    res = runner.invoke(main, ["prove", "routing-isolation", "--format", "json"])
    assert res.exit_code == 0, res.output
    [out] = json.loads(res.stdout)["results"]
    assert out["verdict"] == "proved" and out["engine"] in ("explicit", "kind", "pdr") and out["proof"]
    res = runner.invoke(main, ["prove", "routing-isolation", "--engine", "bmc"])
    assert res.exit_code == 0 and "HOLDS to depth" in res.output
    res = runner.invoke(main, ["check", "routing-isolation", "--engine", "pdr"])
    assert res.exit_code == 0 and "pdr" in res.output


def test_each_number_is_reported_under_its_own_name():
    """routing-isolation is 0-inductive: the proof's k is 0, but BMC covered the bound."""
    runner = CliRunner()
    res = runner.invoke(main, ["prove", "routing-isolation", "--depth", "12", "--engine", "kind"])
    assert res.exit_code == 0 and "(k = 0)" in res.output and "BMC covered depths 0..12" in res.output
    [out] = json.loads(runner.invoke(main, ["prove", "routing-isolation", "--depth", "12", "--engine", "kind",
                                            "--format", "json"]).stdout)["results"]
    assert (out["verdict"], out["bound"], out["k"], out["length"]) == ("proved", 12, 0, None) and "depth" not in out
    [out] = json.loads(runner.invoke(main, ["prove", "routing-isolation-negative",
                                            "--format", "json"]).output)["results"]
    assert out["verdict"] == "violated" and out["length"] == len(out["trace"]) - 1
    assert out["bound"] is None and out["k"] is None
    [out] = json.loads(runner.invoke(main, ["prove", "routing-isolation", "--engine", "bmc", "-k", "5",
                                            "--format", "json"]).output)["results"]
    assert (out["verdict"], out["bound"], out["k"], out["length"]) == ("holds", 5, None, None)


# Two lamps that alternate red and green (never amber or dark), in a map of an enum:
# PDR's invariant is about the map's enum values
LIGHTS = """\
claim: lights
types:
  Color: {enum: [red, amber, green, dark]}
constants:
  Lamps: {enum: [l1, l2]}
variables:
  status: "map[Lamps, Color]"
  turns: 0..3
init:
  status: "{l: 'red' for l in Lamps}"
  turns: 0
actions:
  turn:
    params: {l: Lamps}
    when: status[l] != 'dark' and turns < 3
    then:
      status: "status.put(l, 'green' if status[l] == 'red' else 'red')"
      turns: turns + 1
invariants:
  lit: all(status[l] != 'dark' and status[l] != 'amber' for l in Lamps)
"""


def test_pdr_names_enum_members_not_their_indices(write_claim):
    """An enum value compared with a number in Spacer's invariant is printed as the
    members it allows; each printed line holds in every reachable state."""
    from symcheck.engines.compiled import compile_model
    model = symcheck.load_claim(str(write_claim(LIGHTS)))
    r = symcheck.prove(model, depth=1, engine="pdr")
    assert r.proved and r.engine == "pdr"
    # the invariant's lines, indented under PDR's line (the depth line may come first)
    lines = [line for line in r.proof if line.startswith("  ") and not line.strip().startswith("(")]
    assert lines and not any("#" in line for line in r.proof), r.proof
    cm = compile_model(model)
    seen, todo = {cm.init()}, [cm.init()]
    while todo:
        out: list = []
        cm.successors(todo.pop(), out)
        for _, nxt in out:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    colors = {lamp: {dict(s[0])[lamp] for s in seen} for lamp in ("l1", "l2")}
    assert colors == {"l1": {"red", "green"}, "l2": {"red", "green"}}
    for line in lines:
        m = re.fullmatch(r"\s*status\[(l[12])\] (==|!=|in) (.+)", line)
        assert m, line
        named = set(re.findall(r"'(\w+)'", m.group(3)))
        assert named <= {"red", "amber", "green", "dark"}, line
        lamp, op = m.group(1), m.group(2)
        assert (colors[lamp] == named if op == "==" else not colors[lamp] & named if op == "!="
                else colors[lamp] <= named), line
