"""The size 1-4 cross-check of the claims beyond the bounds: each claim over sorts and
unbounded integers is instantiated at sizes 1 to 4 (a sort an enum of N members, an
unbounded integer the range 0..3) and searched by the explicit evaluator; the SMT
engines' verdict for every size must agree there (differential.unbounded_matches_instances)."""
from __future__ import annotations

import pytest

from differential import unbounded_matches_instances
from symcheck import api

FAMILIES = ["pairing-unbounded", "oc-pairing-code-unbounded", "approvals-token-unbounded", "nodes-pipeline-unbounded",
            "routing-unbounded"]


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_every_size_1_to_4_gives_the_explicit_verdict(family):
    for model in api.load_claims(f"claims/{family}.yaml"):
        result = api.prove(model, coverage=False)
        rows = unbounded_matches_instances(model, result)
        assert rows[1] != "too big", rows  # size 1 is always decided; a size past the state cap is skipped


def test_a_small_claim_agrees_at_every_size():
    model = api.load_claim("tests/data/cti-demo.yaml")
    rows = unbounded_matches_instances(model, api.prove(model, coverage=False, prove_timeout=15))
    assert rows == {1: "holds", 2: "holds", 3: "holds", 4: "holds"}


def test_pdr_proves_a_claim_over_unbounded_integers():
    """PDR (Spacer over linear integer arithmetic) on a claim with unbounded integers and
    no sort: a millisecond clock, a tick of any d >= 1 and every TTL >= 1. Its invariant
    names the free constant TTL, is re-checked, and the explicit search agrees at sizes
    1-4; the red's witness holds at every size."""
    green, red = api.load_claims("tests/data/approval-expiry-ms.yaml")
    proved = api.prove(green, engine="pdr", coverage=False)
    assert proved.proved and proved.engine == "pdr", proved
    assert proved.proof[0] == "proved for every TTL ≥ 1, every value of now, approved_at and ran_at"
    assert any("TTL" in line and "ran_at" in line for line in proved.proof[2:]), proved.proof
    assert unbounded_matches_instances(green, proved) == {1: "holds", 2: "holds", 3: "holds", 4: "holds"}
    violated = api.prove(red, engine="pdr", coverage=False)
    assert violated.violated and violated.invariant == "ran_only_when_live"
    assert unbounded_matches_instances(red, violated) == {1: "violated", 2: "violated", 3: "violated", 4: "violated"}
