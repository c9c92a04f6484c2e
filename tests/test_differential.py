"""Differential testing: random well-typed claims (tests/claimgen.py) go through the
real front end and are checked by BMC and by the explicit-state evaluator, which must
agree (tests/differential.py lists the properties). The examples are derandomized, so
every run checks the same claims; `make soak` checks thousands more (bench/soak.py).
A shrunk failure is printed as claim YAML: save it under tests/data/differential/."""
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, note, settings

from claimgen import GenClaim, claims
from conftest import ROOT
from differential import check_case, load, make_case
from symcheck.explicit.evaluator import search

EXAMPLES = 300
SETTINGS = dict(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.slow
@settings(max_examples=EXAMPLES, **SETTINGS)
@given(claims())
def test_engines_agree_with_the_explicit_evaluator(claim):
    note(claim.yaml())
    check_case(make_case(claim))


REGRESSIONS = sorted((ROOT / "tests" / "data" / "differential").glob("*.yaml"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.stem)
def test_regression(path):
    text = path.read_text()
    case = make_case(GenClaim.from_text(text), text)
    check_case(case)


@pytest.mark.slow
def test_generated_claims_mix_verdicts_and_depths():
    """The generator is only as good as what it produces: both verdicts, every kind of
    violation, and counterexamples of several lengths (explicit search only: cheap)."""
    outcomes, depths = Counter(), Counter()

    @settings(max_examples=200, **SETTINGS)
    @given(claims())
    def sample(claim):
        model = load(claim.yaml())
        found = search(model, model.depth)
        inv = found.invariant
        outcomes["holds" if inv is None else inv if inv in ("well-formed", "deadlock") else
                 "type" if inv.startswith("type(") else "invariant"] += 1
        if inv is not None:
            depths[found.depth] += 1

    sample()
    total = sum(outcomes.values())
    assert outcomes["holds"] >= total // 4, outcomes
    assert total - outcomes["holds"] >= total // 4, outcomes
    assert all(outcomes[k] > 0 for k in ("invariant", "type", "well-formed", "deadlock")), outcomes
    assert len([d for d in depths if d >= 1]) >= 3, depths
