"""The re-check contract (symcheck/engines/recheck.py): every proof engine answers an
Outcome, and one policy re-checks every proof before it is reported, whichever
engine found it; a proof that fails its re-check, or comes from an engine without
one, is never reported."""
from __future__ import annotations

import pytest

import symcheck
from conftest import stride_claim
from symcheck.engines import auto, kind, lemmas, recheck
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Outcome

# "x != 3" holds (x visits 0, 2, 4, 6) but is not 1-inductive on its own (x = 1 steps to 3)
STRIDE = stride_claim("stride", "not_three", "x != 3")
RED = stride_claim("stride", "below_six", "x < 6")  # violated after 3 steps


@pytest.fixture
def stride(write_claim):
    return symcheck.load_claim(str(write_claim(STRIDE)))


@pytest.fixture
def tokens(write_claim):
    """A green that k-induction proves only with generated lemmas."""
    from test_limits import TOKENS
    return symcheck.load_claim(str(write_claim(TOKENS.replace("  BUG: not (len(used) == 2 and clock >= 1)\n", ""),
                                               "tokens.yaml")))


def test_lemmas_prove_answers_an_outcome_and_leaves_the_recheck_to_the_caller(tokens, write_claim, monkeypatch):
    calls = []
    monkeypatch.setattr(kind, "recheck", lambda *a, **k: calls.append(a) or True)
    monkeypatch.setattr(lemmas, "QUICK_K", -1)  # straight to the lemmas
    out = lemmas.prove(tokens, Encoding(tokens), Deadline(60))
    assert isinstance(out, Outcome) and out.verdict == PROVED and out.engine == "kind+lemmas"
    assert calls == []  # re-checked once, by recheck.recheck, not inside the engine
    monkeypatch.undo()
    red = symcheck.load_claim(str(write_claim(stride_claim("stride", "below_two", "x < 2"), "red.yaml")))
    bad = lemmas.prove(red, Encoding(red), Deadline(60))
    assert bad.verdict == VIOLATED and bad.length == 1  # a violation is an answer too (BMC makes the trace)


def test_a_lemma_proof_is_rechecked_through_the_one_path(tokens, monkeypatch):
    seen = []
    real = kind.recheck

    def spy(model, out, **kw):
        seen.append(out.engine)
        return real(model, out, **kw)

    monkeypatch.setattr(kind, "recheck", spy)
    monkeypatch.setattr(lemmas, "QUICK_K", -1)
    r = symcheck.prove(tokens, engine="lemmas")
    assert r.verdict == PROVED and r.engine == "kind+lemmas" and seen == ["kind+lemmas"]


def test_a_planted_wrong_lemma_proof_is_never_reported(write_claim, monkeypatch):
    """A red claim 'proved' by k-induction with a lemma that is not inductive: the
    re-check re-proves the lemma first, fails, and the verdict is the violation."""
    from symcheck.smt.lemmas import Lemma
    red = symcheck.load_claim(str(write_claim(RED)))
    wrong = (Lemma("x < 6", red.invariants[0].expr),)  # x = 4 steps to 6: not inductive
    monkeypatch.setattr(lemmas, "prove", lambda model, enc, deadline: Outcome(
        model.name, PROVED, None, model.expect, engine="kind+lemmas", k=1, how=kind.INDUCTION, certificate=wrong))
    r = symcheck.prove(red, engine="lemmas", depth=1)
    assert r.verdict == HOLDS and "claimed a proof at k = 1 that failed its re-check" in r.reason


def test_every_proving_engine_has_a_recheck():
    for name in ("kind", "kind+lemmas", "kind+forall", "pdr", "explicit", "graph_liveness"):
        assert name in recheck.RECHECKS


def test_a_proof_from_an_engine_without_a_recheck_is_not_reported(stride):
    claimed = Outcome(stride.name, PROVED, 0, stride.expect, engine="oracle", k=0)
    out = recheck.recheck(stride, claimed, Deadline(10), label="the oracle")
    assert out.verdict == UNKNOWN and out.reason == ("the oracle claimed a proof at k = 0 that failed its re-check "
                                                     "(no re-check is known for it)")


@pytest.mark.parametrize("verdict", [HOLDS, VIOLATED, UNKNOWN])
def test_other_verdicts_pass_through(stride, verdict):
    out = Outcome(stride.name, verdict, 2, stride.expect, engine="oracle")
    assert recheck.recheck(stride, out, Deadline(10)) is out


def test_an_explicit_proof_too_large_for_the_evaluator_says_so(stride, monkeypatch):
    monkeypatch.setattr(recheck, "RECHECK_STATES", 2)
    r = symcheck.prove(stride)
    assert r.proved and r.engine == "explicit"
    assert r.proof[-1].startswith("not re-checked by a second search (more than 2 states)")


def test_the_policy_has_one_home():
    """The engines table holds no re-check of its own, and the API re-checks nothing."""
    import inspect

    from symcheck import api
    assert "recheck" not in {f.name for f in auto.ProofEngine.__dataclass_fields__.values()}
    assert "recheck" not in inspect.getsource(api) and "RECHECK" not in inspect.getsource(api)


def test_a_graph_liveness_proof_is_rechecked_through_the_one_path():
    r = symcheck.prove(symcheck.load_claim("retry-termination"))
    assert r.proved and r.engine == "explicit"
    assert ("re-checked: the independent evaluator's fair-lasso search found no lasso on the same 8 states"
            in r.proof)


def test_a_planted_wrong_graph_liveness_proof_is_never_reported(monkeypatch):
    """The whole-graph decision claims a red's property proved: its re-check fails, and
    the lasso engine reports the violation instead."""
    from symcheck.engines import graph_liveness
    monkeypatch.setattr(graph_liveness, "run", lambda model, enc=None, deadline=None, **kw: Outcome(
        model.name, PROVED, 0, model.expect, engine="explicit", states=5, proof=["planted"]))
    r = symcheck.prove(symcheck.load_claim("retry-termination-negative"))
    assert r.violated and r.engine == "lasso" and "planted" not in r.proof
