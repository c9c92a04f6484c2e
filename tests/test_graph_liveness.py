"""The explicit-state engine's liveness (engines.graph_liveness: strongly connected
components of the whole state graph, fair under the fairness constraints, as TLC)
against the independent explicit fair-lasso search (explicit.liveness): the same
verdict, a proof where it finds no lasso, and a lasso of the same shortest length
that replays as a fair violating lasso."""
import random

import pytest

import symcheck
from symcheck.engines import graph_liveness
from symcheck.explicit.liveness import check_properties, lasso_problem
from test_liveness import BASE, random_claim


def exact_agrees(model):
    """Each property decided by the engine as by the explicit evaluator's search."""
    expected = check_properties(model)
    out = {}
    for prop in model.properties:
        r = graph_liveness.run(model, only=prop.name)
        lasso = expected[prop.name]
        if lasso is None:
            assert r.proved, (prop.name, r.verdict, r.length)
        else:
            assert r.violated and r.invariant == prop.name, (prop.name, r.verdict, lasso.length)
            assert r.length == lasso.length == r.trace.length and not r.proof
            assert lasso_problem(model, r.trace, r.loop_start, prop.name) is None
        out[prop.name] = r
    return out


@pytest.mark.parametrize("seed", range(150))
def test_exact_liveness_agrees_with_the_evaluator_on_random_claims(seed, write_claim):
    model = symcheck.load_claim(str(write_claim(random_claim(random.Random(seed)))))
    exact_agrees(model)


def test_weak_fairness_decided_exactly(write_claim):
    red = exact_agrees(symcheck.load_claim(str(write_claim(BASE))))["answered"]
    assert red.violated and [s.action for s in red.trace.steps[1:]] == ["arrive", "other_work", "finish_other"]
    green = symcheck.load_claim(str(write_claim(BASE.replace("when: not busy\n", "when: not busy and not waiting\n"))))
    assert exact_agrees(green)["answered"].proved


@pytest.mark.parametrize("claim", ["queue-drain", "retry-termination", "retry-eventual-success",
                                   "multi-event-eventual-emission"])
def test_the_suites_liveness_claims_are_decided_exactly(claim):
    for model in symcheck.load_claims(claim):
        results = exact_agrees(model)
        assert all(r.proved for r in results.values()) == (model.expect == "holds"), model.name
