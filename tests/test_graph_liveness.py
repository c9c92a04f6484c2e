"""The explicit-state engine's liveness (engines.graph_liveness: strongly connected
components of the whole state graph, fair under the fairness constraints, as TLC)
against the independent explicit fair-lasso search (explicit.liveness): the same
verdict, a proof where it finds no lasso, and a lasso of the same shortest length
that replays as a fair violating lasso."""
import random

import pytest

import symcheck
from symcheck.engines import graph_liveness
from symcheck.errors import InputError
from symcheck.explicit.liveness import check_properties, lasso_problem
from symcheck.front.actions import fair_groups, instances
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


STRONG = """\
claim: strong
variables: {x: 0..1, done: bool}
init: {x: 0, done: false}
actions:
  flip:
    then: {x: "1 - x"}
  finish:
    when: x == 1 and not done
    then: {done: true}
properties:
  finishes: eventually(done)
fairness:
  weak: [flip]
  strong: [finish]
"""


def test_strong_fairness_takes_an_action_enabled_infinitely_often(write_claim):
    from test_liveness import agree
    model = symcheck.load_claim(str(write_claim(STRONG)))
    assert exact_agrees(model)["finishes"].proved and agree(model)["finishes"].holds
    assert symcheck.prove(model).proved
    # weakly fair only: flipping forever disables finish every other state
    weak = symcheck.load_claim(str(write_claim(STRONG.replace("  strong: [finish]\n", "").replace(
        "weak: [flip]", "weak: [flip, finish]"))))
    red = exact_agrees(weak)["finishes"]
    assert red.violated and agree(weak)["finishes"].violated
    assert [s.action for s in red.trace.steps[1:]] == ["flip", "flip"] and red.loop_start == 0
    explained = symcheck.prove(weak)
    assert any("weak fairness of finish: respected, it is not enabled in State 0" in line
               for _, line in explained.explanation)
    strong_red = symcheck.load_claim(str(write_claim(STRONG.replace("when: x == 1 and not done", "when: False"))))
    r = symcheck.prove(strong_red)
    assert r.violated and any("strong fairness of finish: respected, it is enabled in no state of the loop" in line
                              for _, line in r.explanation)


CHOSEN = """\
claim: chosen
constants:
  K: {enum: [a, b]}
variables:
  done: set[K]
init: {done: "{}"}
actions:
  work:
    params: {k: K}
    when: k not in done
    then: {done: "done | {k}"}
properties:
  a_done: eventually(a in done)
  all_done: eventually(done == K)
fairness:
  weak: [{action: work, params: {k: a}}]
"""


def test_fairness_of_an_action_with_chosen_parameters(write_claim):
    from test_liveness import agree
    model = symcheck.load_claim(str(write_claim(CHOSEN)))
    assert [g.label for g in fair_groups(model, instances(model))] == ["work(k=a)"]
    results = exact_agrees(model)
    assert results["a_done"].proved and results["all_done"].violated
    smt = agree(model)
    assert smt["a_done"].holds and smt["all_done"].violated


@pytest.mark.parametrize("entry, message", [
    ("{action: wrk}", "fairness names unknown action 'wrk'"),
    ("{action: work, params: {j: a}}", "action work has no parameter 'j'"),
    ("{action: work, params: {k: c}}", "'c' is not a member of K"),
    ("{action: work, param: {k: a}}", "unknown key 'param' in a fairness entry"),
])
def test_bad_fairness_entries_are_located(write_claim, entry, message):
    with pytest.raises(InputError, match=message) as exc:
        symcheck.load_claim(str(write_claim(CHOSEN.replace("{action: work, params: {k: a}}", entry))))
    assert ":16:" in str(exc.value)


def test_a_variant_adds_fairness_and_an_assignment_to_an_existing_action(write_claim):
    text = STRONG.replace("fairness:\n  weak: [flip]\n  strong: [finish]\n", "") + """\
variants:
  fair:
    notes: strong fairness of finish makes it finish
    add:
      fairness: {weak: [flip], strong: [finish]}
  counted:
    extends: fair
    add:
      variables: {count: 0..1}
      init: {count: 0}
      actions:
        finish: {then: {count: 1}}
      fairness: {weak: [finish]}
"""
    green, fair, counted = symcheck.load_claims(str(write_claim(text)))
    assert not green.fairness and exact_agrees(green)["finishes"].violated
    assert [f.strong for f in fair.fairness] == [False, True] and exact_agrees(fair)["finishes"].proved
    assert [f.actions for f in counted.fairness] == [("flip",), ("finish",), ("finish",)]
    finish = next(a for a in counted.actions if a.name == "finish")
    assert [v for v, _ in finish.updates] == ["done", "count"]
    assert exact_agrees(counted)["finishes"].proved
    bad = text.replace("finish: {then: {count: 1}}", "finish: {then: {done: true}}")
    with pytest.raises(InputError, match="adds an assignment to done in action finish, which already assigns it"):
        symcheck.load_claims(str(write_claim(bad)))
    bad = text.replace("finish: {then: {count: 1}}", "finish: {when: x == 0}")
    with pytest.raises(InputError, match="only new assignments can be added"):
        symcheck.load_claims(str(write_claim(bad)))
