"""Differential testing: random well-typed claims (tests/claimgen.py: random formulas
and shaped claims) go through the real front end and are checked by every engine of
tests/differential.py's ENGINE_TABLE (BMC, k-induction with and without generated
lemmas, PDR, the default orchestrator and its proof portfolio, the matrix, the lasso
engine, the explicit-state engine) and by the explicit-state evaluator, which must agree. The examples are
derandomized, so every run checks the same claims; `make soak` checks thousands more
(bench/soak.py), and writes a shrunk failure under tests/regressions/, where
test_regression keeps it."""
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, note, settings

from claimgen import GenClaim, any_claims, claims, shaped_claims
from conftest import ROOT, examples
from differential import check_case, load, make_case
from symcheck.explicit.evaluator import search

EXAMPLES = examples(300)  # all 300 under the thorough profile (CI), a tenth under the quick one
SETTINGS = {"derandomize": True, "deadline": None, "database": None,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


@pytest.mark.slow
@settings(max_examples=EXAMPLES, **SETTINGS)
@given(any_claims())
def test_engines_agree_with_the_explicit_evaluator(claim):
    note(claim.yaml())
    check_case(make_case(claim))


REGRESSIONS = sorted((ROOT / "tests" / "regressions").glob("*.yaml"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.stem)
def test_regression(path, request):
    """A claim on which the engines once disagreed with the evaluator (or crashed). A
    header line `# known bug: ...` marks one still open: it must fail until fixed
    (strict xfail), and the fix removes the line."""
    text = path.read_text()
    known = [line for line in text.splitlines() if line.startswith("# known bug:")]
    if known:
        request.applymarker(pytest.mark.xfail(strict=True, reason=known[0][2:]))
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


@pytest.mark.slow
def test_shaped_claims_are_deep():
    """Shaped claims exist for depth: many of their counterexamples need 4 steps or
    more, some 6 or more, and a fair share of them hold (explicit search only)."""
    depths, holds = Counter(), 0

    @settings(max_examples=100, **SETTINGS)
    @given(shaped_claims())
    def sample(claim):
        nonlocal holds
        model = load(claim.yaml())
        found = search(model, model.depth)
        if found.invariant is None:
            holds += 1
        else:
            depths[found.depth] += 1

    sample()
    violated = sum(depths.values())
    assert holds >= 20 and violated >= 20, (holds, depths)
    assert sum(n for d, n in depths.items() if d >= 4) >= violated // 4, depths
    assert any(d >= 6 for d in depths), depths
