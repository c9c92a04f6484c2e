"""Every claim variant: the BMC verdict, violated invariant and shortest trace length
(and, for symbolic constants, the configuration) equal those of the independent
explicit-state search (no Z3); a proof for every depth agrees with the explicit search
run until the state space is exhausted; and for every claim with liveness properties,
the lasso engine's verdict and shortest lasso equal those of the explicit fair-lasso
search on the whole state graph."""
import pytest

from conftest import CLAIMS, covering_sample, evaluator_depth, suite_result, too_big_for_the_evaluator
from symcheck.engines.auto import unsupported
from symcheck.engines.bmc import check_bmc
from symcheck.front.claims import catalog, load_model
from symcheck.front.ir import configurations, with_constants
from symcheck.explicit.evaluator import Evaluator, search

# finite types only: the explicit search cannot decide a claim beyond the bounds (those are
# cross-checked on finite instances of themselves, tests/test_unbounded_crosscheck.py)
ENTRIES = {n: e for n, e in catalog(CLAIMS).items() if unsupported("explicit", load_model(e)) is None}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ENTRIES))
def test_bmc_agrees_with_explicit_search(name):
    model = load_model(ENTRIES[name])
    configs = configurations(model) if model.symbolic else []
    if too_big_for_the_evaluator(model):
        whole = check_bmc(model, model.depth)
        sample = covering_sample(model, configs, whole.config)
        found = {}
        for config in sample:
            instance = with_constants(model, config)
            found[tuple(sorted(config.items()))] = agree(instance, check_bmc(instance, instance.depth))
        # the whole claim's verdict is the sample's, and its shortest violation no longer
        # than any instance's (it is the shortest over every configuration)
        violations = [depth for depth in found.values() if depth is not None]
        assert whole.violated == bool(violations)
        if whole.violated:
            assert whole.depth == found[tuple(sorted(whole.config.items()))] == min(violations)
        return
    depth = None if configs else evaluator_depth(model)
    if depth is not None:  # too many states for the evaluator: both search to the depth it can take
        whole = suite_result(name)
        assert agree(model, check_bmc(model, depth), depth) is None
        assert whole.verdict == "proved" or (whole.violated and whole.depth > depth)
        return
    agree(model, check_bmc(model, model.depth) if model.properties else suite_result(name))


def agree(model, bmc, depth=None):
    """BMC's result equals the independent search's on `model` (to `depth`, by default
    the claim's); the violation's depth, or None when it holds."""
    if bmc.proved:  # a proof for every depth: the exhaustive search agrees (and so does every bounded one)
        full = search(model, 10_000)
        assert full.complete and full.invariant is None and bmc.invariant is None
        return None
    bfs = search(model, model.depth if depth is None else depth)
    assert bmc.invariant == bfs.invariant
    if bfs.invariant is None:
        assert bmc.holds
    else:
        assert bmc.violated and bmc.depth == bfs.depth == bmc.trace.length
        # symbolic constants: both name the first violating configuration in domain order
        assert bmc.config == bfs.config
        # the BMC trace is a real path: replay it with the explicit evaluator
        ev = Evaluator(model, bmc.config)
        steps = bmc.trace.steps
        assert steps[0].state == {n: ev.evaluate(e, {}, {}) for n, e in model.init}
        for prev, step in zip(steps, steps[1:]):
            action = next(a for a in model.actions if a.name == step.action)
            params = {p: v for p, v, _ in step.params}
            assert ev.evaluate(action.guard, prev.state, params) is True
            if bmc.invariant == "well-formed" and step is steps[-1]:
                continue
            expected = dict(prev.state)
            for var, e in action.updates:
                expected[var] = ev.evaluate(e, prev.state, params)
            assert step.state == expected
    return bfs.depth if bfs.invariant is not None else None


LIVE = [name for name, entry in ENTRIES.items() if load_model(entry).properties]


def test_the_liveness_claims_are_cross_checked():
    assert len(LIVE) == 7


@pytest.mark.parametrize("name", LIVE)
def test_lasso_engine_agrees_with_explicit_search(name):
    from test_liveness import agree
    model = load_model(ENTRIES[name])
    results = agree(model)
    assert all(r.violated for r in results.values()) == (model.expect == "violated")
