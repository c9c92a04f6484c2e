"""`symcheck check --cross-check` (engines/crosscheck.py): every verdict again from an
engine that shares no code with the one that gave it; they must agree, and a
disagreement fails with both answers shown."""
import json

from click.testing import CliRunner

import symcheck
from symcheck.cli import main
from symcheck.engines import bmc, explicit, recheck
from symcheck.explicit import evaluator
from symcheck.trace import HOLDS, PROVED, VIOLATED, Outcome


def _check(*args):
    return CliRunner().invoke(main, ["check", "--cross-check", "--jobs", "1", "--no-coverage", *args])


def _results(res):
    return {r["claim"]: r for r in json.loads(res.stdout)["results"]}


def test_the_engines_agree_on_a_green_and_its_red():
    res = _check("routing-isolation", "--format", "json")
    assert res.exit_code == 0, res.output
    found = _results(res)
    assert ("cross-checked: explicit-state search: proved (1 state); the evaluator: no violation in the 1 state "
            "reachable") in found["routing-isolation"]["proof"]
    assert ("cross-checked: explicit-state search: no_unlinked_collapse violated at length 0; Z3 BMC: "
            "no_unlinked_collapse violated at length 0") in found["routing-isolation-negative"]["proof"]


def test_a_planted_disagreement_on_a_violation_fails_with_both_answers(monkeypatch):
    monkeypatch.setattr(bmc, "run", lambda model, enc, deadline, depth, progress=None: Outcome(
        model.name, HOLDS, depth, model.expect))
    res = _check("pairing-negative")
    assert res.exit_code == 1
    assert ("not as expected: pairing-negative (the engines disagree: explicit-state search: no_approve_expired "
            "violated at length 3; Z3 BMC: holds to depth 3)") in res.output


def test_a_planted_disagreement_on_a_proof_fails(monkeypatch):
    monkeypatch.setattr(recheck, "RECHECK_STATES", 0)  # the planted evaluator is met by the cross-check only
    monkeypatch.setattr(evaluator, "search", lambda model, depth, consts=None, max_states=0: evaluator.Found(
        "no_approve_expired", 4, (), 10, False))
    res = _check("pairing", "--format", "json")
    assert res.exit_code == 1
    r = _results(res)["pairing"]
    assert r["verdict"] == "unknown" and r["reason"].startswith("the engines disagree: explicit-state search: proved")
    assert "the evaluator: no_approve_expired violated at depth 4" in r["reason"]


def test_an_smt_verdict_is_cross_checked_by_the_explicit_search(monkeypatch):
    res = _check("routing-isolation", "--engine", "lemmas", "--format", "json")
    assert res.exit_code == 0, res.output
    found = _results(res)
    assert any(line.startswith("cross-checked: k-induction") and line.endswith("explicit-state search: proved (1 state)")
               for line in found["routing-isolation"]["proof"])
    assert ("cross-checked: bounded model checking: no_unlinked_collapse violated at length 0; explicit-state search: "
            "no_unlinked_collapse violated at length 0") in found["routing-isolation-negative"]["proof"]
    monkeypatch.setattr(explicit, "run", lambda model, enc=None, deadline=None, **kw: Outcome(
        model.name, VIOLATED, None, model.expect, engine="explicit", invariant="no_unlinked_collapse", length=6))
    res = _check("routing-isolation", "--engine", "lemmas")
    assert res.exit_code == 1 and "explicit-state search: no_unlinked_collapse violated at length 6" in res.output


def test_a_claim_beyond_the_bounds_says_it_is_not_cross_checked():
    model = symcheck.load_claim("pairing-unbounded")
    r = symcheck.prove(model)
    checked = symcheck.api.cross_check(model, r)
    assert r.verdict == PROVED and checked.agree is None
    assert checked.text().startswith("not cross-checked: k-induction with ∀-lemmas: proved; no second engine")
