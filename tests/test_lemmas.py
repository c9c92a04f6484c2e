"""Invariant generation for k-induction: Houdini keeps only lemmas that hold in every
reachable state (checked by the explicit evaluator, which shares no code with the
encoding), the re-check rejects a lemma that is not inductive, and the pairing claims
become 1-inductive with the generated lemmas."""
import dataclasses

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, note, settings

import symcheck
from claimgen import any_claims
from conftest import CLAIMS, examples, stride_claim
from differential import load
from symcheck.engines import kind, lemmas
from symcheck.explicit.evaluator import StateCapReached, search
from symcheck.front.claims import catalog, load_model
from symcheck.front.ir import Invariant
from symcheck.smt.encode import Encoding
from symcheck.smt.lemmas import Lemma, candidates
from symcheck.smt.solve import Deadline

ENTRIES = catalog(CLAIMS)
SMALL_GREENS = ["pairing", "pairing-refresh-race", "pairing-cap", "two-worker-dedupe", "taint-propagation",
                "crash-restart-dedupe"]


def _with_invariants(model, found):
    extra = tuple(Invariant(f"lemma{i}", lemma.expr, lemma.text) for i, lemma in enumerate(found))
    return dataclasses.replace(model, invariants=model.invariants + extra)


@pytest.mark.parametrize("name", SMALL_GREENS)
def test_houdini_keeps_only_lemmas_true_in_every_reachable_state(name):
    model = load_model(ENTRIES[name])
    proposed = candidates(model)
    kept = lemmas.houdini(model, Encoding(model), Deadline(120), proposed)
    assert set(kept) <= set(proposed)
    full = search(_with_invariants(model, kept), 1000)
    assert full.complete and full.invariant is None, (full.invariant, [x.text for x in kept])


@settings(max_examples=examples(100), derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(any_claims())
def test_houdini_keeps_only_true_lemmas_on_random_claims(claim):
    """Random well-typed claims whose whole state space the evaluator can search and
    finds good: every lemma Houdini keeps holds in each reachable state."""
    note(claim.yaml())
    model = load(claim.yaml())
    try:
        reachable = search(model, 10 ** 9, max_states=4_000)
    except StateCapReached:
        reachable = None
    assume(reachable is not None and reachable.invariant is None)
    try:
        kept = lemmas.houdini(model, Encoding(model), Deadline(60), candidates(model))
    except lemmas.GaveUp:
        assume(False)
    note("kept: " + "; ".join(x.text for x in kept))
    assert search(_with_invariants(model, kept), 10 ** 9).invariant is None


def test_houdini_drops_candidates_that_some_reachable_state_breaks():
    """Each dropped candidate either fails in a reachable state or is not inductive:
    at least the ones a reachable state breaks must all be gone."""
    model = load_model(ENTRIES["pairing"])
    proposed = candidates(model)
    kept = set(lemmas.houdini(model, Encoding(model), Deadline(120), proposed))
    broken = [c for c in proposed if search(_with_invariants(model, [c]), 1000).invariant is not None]
    assert broken and not kept & set(broken)
    assert "all(r in request_log for r in pending)" in {x.text for x in kept}
    assert "all(r.createdAt <= now for r in pending)" in {x.text for x in kept}


def _stride_lemma(write_claim, text):
    """A lemma over the stride claim's variable x, checked by the front end."""
    lemma_model = symcheck.load_claim(str(write_claim(stride_claim("l", "lemma", text), "lemma.yaml")))
    return Lemma(text, lemma_model.invariants[0].expr)


def test_recheck_rejects_a_planted_lemma_that_is_not_inductive(write_claim):
    # reachable x: 0, 2, 4, 6. "x != 1" holds in each of them but is not inductive
    # (7 -> 1); with it "x != 3" looks 1-inductive (only 1 steps to 3)
    model = symcheck.load_claim(str(write_claim(stride_claim("stride", "not_three", "x != 3"))))
    planted = _stride_lemma(write_claim, "x != 1")
    assert search(_with_invariants(model, [planted]), 100).invariant is None  # true in every reachable state
    out = kind.check_kind(model, 10, lemmas=(planted,))
    assert out.verdict == "proved" and out.k == 1 and out.certificate == (planted,)
    assert not kind.recheck(model, out)
    assert lemmas.houdini(model, Encoding(model), Deadline(30), [planted]) == []


def test_recheck_accepts_an_inductive_lemma_and_needs_it(write_claim):
    model = symcheck.load_claim(str(write_claim(stride_claim("stride", "not_three", "x != 3"))))
    even = _stride_lemma(write_claim, "x % 2 == 0")
    assert lemmas.houdini(model, Encoding(model), Deadline(30), [even]) == [even]
    out = kind.check_kind(model, 10, lemmas=(even,))
    assert out.verdict == "proved" and out.k <= 1 and kind.recheck(model, out)
    # the same proof without its lemma is not a proof
    assert not kind.recheck(model, dataclasses.replace(out, certificate=None))


def test_lemma_engine_gives_up_as_unknown_when_out_of_time():
    model = load_model(ENTRIES["pairing"])
    out = lemmas.run(model, Encoding(model), Deadline(0.0))
    assert out.verdict == "unknown" and out.reason


@pytest.mark.parametrize("name", ["pairing-race", "pairing", "pairing-cap-and-ttl"])
def test_pairing_greens_are_proved_with_lemmas_at_small_k(name):
    """Plain k-induction needs k = 5 (pairing), k = 7 (pairing-cap-and-ttl), or a 1-induction
    step that takes the solver many seconds (pairing-race)."""
    r = symcheck.prove(load_model(ENTRIES[name]), depth=1, engine="lemmas")  # auto: the explicit engine is first
    assert r.proved and r.engine == lemmas.ENGINE and r.k is not None and r.k <= 1, (r.engine, r.k, r.reason)
    assert any("generated lemmas" in line for line in r.proof)
    assert any(line.strip().startswith("all(") for line in r.proof)  # the lemmas, in claim syntax


@pytest.mark.parametrize("name", ["pairing-cap", "pairing-refresh-race"])
def test_plain_one_inductive_greens_stay_plain_and_lemmas_prove_them_too(name):
    """A claim the quick plain attempt proves keeps its plain proof (no lemma to read);
    the lemma engine on its own proves it at a small k as well, and that proof passes
    its re-check."""
    model = load_model(ENTRIES[name])
    r = symcheck.prove(model, depth=1, engine="lemmas")
    assert r.proved and r.engine == "kind" and r.k is not None and r.k <= 1
    enc = Encoding(model)
    out = lemmas.run(model, enc, Deadline(120))
    assert out.verdict == "proved" and out.k is not None and out.k <= 1 and out.certificate
    assert kind.recheck(model, out, timeout=120, enc=enc)


@pytest.mark.slow
def test_scaled_pairing_is_proved_with_generated_lemmas(tmp_path):
    """The issue's scaled pairing (2 senders), which plain k-induction proves only at
    k = 11: with the generated lemmas it is 1-inductive."""
    doc = yaml.safe_load((CLAIMS / "pairing.yaml").read_text())
    doc.pop("variants")
    doc["constants"].update({"Senders": {"enum": ["a", "b"]}, "TTL": 2, "MaxPending": 3, "MaxTime": 4,
                             "MaxEvents": 6})
    path = tmp_path / "pairing.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    r = symcheck.prove(symcheck.load_claim(str(path)), depth=1, engine="lemmas")
    assert r.proved and r.engine == lemmas.ENGINE and r.k == 1
