"""Engine capabilities: each engine declares the claim features it decides (`SUPPORTS`),
and the orchestrator hands a claim only to engines that support all of its features,
saying why it skipped the others. The front end does not parse strings or sorts yet, so
these tests give a finite claim the features by patching `Model.features`."""
from __future__ import annotations

import dataclasses
import importlib

import pytest
from click.testing import CliRunner

import symcheck
from conftest import stride_claim
from symcheck import cli
from symcheck.engines import auto, explicit
from symcheck.errors import InputError
from symcheck.front.ir import Feature, Model
from symcheck.trace import PROVED, VIOLATED

ENGINE_MODULES = ["bmc", "kind", "lemmas", "pdr", "liveness", "vacuity", "explicit", "quantified", "graph_liveness"]
MODULES = {"lasso": "liveness", "coverage": "vacuity", "forall": "quantified"}  # engine name -> module, where they differ
# The engines known not to decide every feature: the explicit engine enumerates values, the
# lemma miner enumerates each type's values, PDR (Spacer) takes no quantifiers nor strings.
KNOWN = {"explicit": frozenset(), "graph_liveness": frozenset(), "lemmas": frozenset(), "pdr": frozenset({Feature.UNBOUNDED_INT})}


@pytest.fixture
def strings(monkeypatch):
    """Every model claims to have strings (the explicit engines support none)."""
    monkeypatch.setattr(Model, "features", property(lambda self: frozenset({Feature.STRINGS})))


@pytest.mark.parametrize("name", ENGINE_MODULES)
def test_every_engine_module_declares_what_it_supports(name):
    module = importlib.import_module(f"symcheck.engines.{name}")
    assert isinstance(module.SUPPORTS, frozenset) and module.SUPPORTS <= frozenset(Feature)
    assert module.SUPPORTS == KNOWN.get(name, frozenset(Feature))


def test_the_evaluator_supports_finite_types_only():
    from symcheck.explicit import evaluator
    assert evaluator.SUPPORTS == frozenset()


def test_the_orchestrator_knows_every_engine_it_runs():
    for name in [*auto.PROOF_ENGINES, "explicit", "bmc", "lasso", "coverage"]:
        assert auto.supports(name) == importlib.import_module(f"symcheck.engines.{MODULES.get(name, name)}").SUPPORTS


def test_a_finite_claim_is_decided_by_the_explicit_search(write_claim):
    model = symcheck.load_claim(str(write_claim(stride_claim("c", "even", "x % 2 == 0"))))
    assert model.features == frozenset()
    assert auto.unsupported("explicit", model) is None
    r = symcheck.prove(model)
    assert r.verdict == PROVED and r.engine == "explicit"


def test_a_claim_with_strings_skips_the_explicit_search_and_says_why(write_claim, strings, monkeypatch):
    model = symcheck.load_claim(str(write_claim(stride_claim("c", "even", "x % 2 == 0"))))

    def never(*args, **kwargs):
        raise AssertionError("the explicit-state engine was handed a claim with strings")

    monkeypatch.setattr(explicit, "run", never)
    r = symcheck.prove(model)
    assert r.verdict == PROVED and r.engine != "explicit"
    assert "the explicit-state search is not used: the claim has strings" in r.proof
    bad = symcheck.load_claim(str(write_claim(stride_claim("c", "small", "x < 6"), "bad.yaml")))
    v = symcheck.prove(bad)
    assert v.verdict == VIOLATED and v.length == 3 and v.engine == "bmc"


def test_coverage_of_a_claim_with_strings_comes_from_the_smt_engine(write_claim, strings, monkeypatch):
    model = symcheck.load_claim(str(write_claim(stride_claim("c", "even", "x % 2 == 0"))))
    monkeypatch.setattr(explicit, "coverage", lambda *a, **k: pytest.fail("explicit coverage on a claim with strings"))
    cov = symcheck.cover(model, 3)
    assert cov.actions == {"step": 1}


def test_an_engine_that_cannot_decide_the_claim_is_a_usage_error(write_claim, strings):
    path = write_claim(stride_claim("c", "even", "x % 2 == 0"))
    model = symcheck.load_claim(str(path))
    with pytest.raises(InputError, match="the explicit-state search is not used: the claim has strings"):
        symcheck.prove(model, engine="explicit", timeout=30)  # refused before the worker starts
    for command in (["prove", str(path)], ["check", f"{path}:c"]):
        res = CliRunner().invoke(cli.main, [*command, "--engine", "explicit"])
        assert res.exit_code == 2, res.output
        assert f"{path}:1:1: error: --engine explicit cannot check c" in res.output
        assert "use --engine auto" in res.output and "Traceback" not in res.output
    assert CliRunner().invoke(cli.main, ["prove", str(path), "--engine", "kind"]).exit_code == 0


def test_no_proof_engine_left_says_why(write_claim, monkeypatch):
    model = symcheck.load_claim(str(write_claim(stride_claim("c", "even", "x % 2 == 0"))))
    monkeypatch.setattr(Model, "features", property(lambda self: frozenset({Feature.SORTS})))
    monkeypatch.setattr(auto, "PROOF_ENGINES", {n: dataclasses.replace(e, supports=frozenset())
                                                for n, e in auto.PROOF_ENGINES.items()})
    r = symcheck.prove(model)
    assert r.verdict == "holds"
    assert "k-induction is not used: the claim has sorts of unspecified size" in r.reason
    assert "the explicit-state search is not used" in r.reason
