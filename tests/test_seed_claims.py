"""Every seed variant has the verdict it expects, computed by the solver, and each red's
shortest counterexample has as many steps as TLC's breadth-first trace."""
import sys

import pytest

import symcheck
from conftest import ROOT, SEED_VARIANTS, tlc_reference

sys.path.insert(0, str(ROOT / "bench"))
from tlc import snake  # noqa: E402  (TLC's invariant names as the claims spell them: one mapping, bench's)

TLC = tlc_reference()


@pytest.mark.parametrize("name", SEED_VARIANTS)
def test_seed_variant_verdict(name):
    model = symcheck.load_claim(name)
    result = symcheck.prove(model)
    tlc = TLC[name]
    if tlc["outcome"] == "holds":
        assert model.expect == "holds"
        assert result.proved and result.engine in ("explicit", "kind", "kind+lemmas", "pdr") and result.proof
        assert result.trace is None
    else:
        assert model.expect == "violated"
        assert result.violated, result.reason
        assert result.invariant == snake(tlc["violated"])
        steps = 0 if tlc["constant_level"] == "constant-level" else int(tlc["trace_steps"])
        assert result.depth == steps == result.trace.length


def test_there_are_23_seed_variants():
    assert len(set(SEED_VARIANTS)) == 23
    names = {m.name for f in ["gateway-exposure-v2", "nodes-pipeline", "approvals-token", "pairing",
                              "ingress-gating", "routing-isolation"] for m in symcheck.load_claims(f"claims/{f}.yaml")}
    assert set(SEED_VARIANTS) <= names


def test_routing_isolation_holds_to_depth_12():
    r = symcheck.prove("routing-isolation", depth=12, engine="bmc")
    assert r.holds and r.depth == 12


def test_routing_negative_names_the_falsifying_peers():
    r = symcheck.prove("routing-isolation-negative")
    lines = [text for _, text in r.explanation]
    assert "counterexample: p1 = alice, p2 = bob" in lines
    assert any(line.startswith("session_key(p1) = SessionKey(kind=main") for line in lines)
    assert any(line.startswith("session_key(p2) = SessionKey(kind=main") for line in lines)


@pytest.mark.slow
def test_depth_bound_cuts_off_a_longer_violation():
    # the cap violation needs 4 steps: at depth 3 the claim holds to 3
    r = symcheck.prove("pairing-cap-negative", depth=3, engine="bmc")
    assert r.holds and r.depth == 3
    assert symcheck.prove("pairing-cap-negative", depth=4).violated
