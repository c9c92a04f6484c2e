"""Liveness: eventually / leads_to under weak fairness. The Z3 lasso engine agrees with
the explicit fair-lasso search (verdict and shortest lasso) on hand-written and random
claims, its lassos replay as fair violating lassos, TLA+'s stuttering and WF_vars
semantics hold, bad input gives located errors, and a lasso reads as one."""
import json
import random

import pytest

import symcheck
from conftest import ROOT, UPDATE_GOLDEN
from symcheck.errors import InputError
from symcheck.explicit.liveness import check_properties, lasso_problem
from symcheck.engines.liveness import check_lasso
from symcheck.report.text import as_json, text

# a request waits for a worker; the worker may be busy with other work forever
BASE = """\
claim: serve
variables:
  waiting: bool
  busy: bool
  served: bool
init:
  waiting: false
  busy: false
  served: false
actions:
  arrive:
    when: not waiting and not served
    then: {waiting: true}
  other_work:
    when: not busy
    then: {busy: true}
  finish_other:
    when: busy
    then: {busy: false}
  serve:
    when: waiting and not busy
    then: {waiting: false, served: true}
properties:
  answered: leads_to(waiting, served)
fairness:
  weak: [serve, finish_other]
"""


def agree(model, depth=None):
    """Both engines on every property: same verdict, same shortest lasso length; the
    engine's lasso replays as a fair lasso violating the property. Returns the results."""
    exact = check_properties(model)
    out = {}
    for prop in model.properties:
        r = check_lasso(model, model.depth if depth is None else depth, only=prop.name)
        lasso = exact[prop.name]
        if lasso is not None and lasso.length <= r.depth + (0 if r.violated else 1):
            assert r.violated and r.invariant == prop.name
            assert r.depth == lasso.length == r.trace.length
            assert lasso_problem(model, r.trace, r.loop_start, prop.name) is None
        else:
            assert r.holds, (prop.name, r.depth, lasso)
        out[prop.name] = r
    return out


def load(write_claim, text_):
    return symcheck.load_claim(str(write_claim(text_)))


def test_weak_fairness_is_not_enough_when_the_action_flickers(write_claim):
    # serve is disabled whenever the worker is busy, so busy/idle forever is fair to it
    model = load(write_claim, BASE)
    r = agree(model)["answered"]
    assert r.violated and r.loop_start is not None
    assert [s.action for s in r.trace.steps[1:]] == ["arrive", "other_work", "finish_other"]
    assert r.loop_start == 1 and r.trace.steps[-1].state == r.trace.steps[1].state


def test_fair_other_work_cannot_starve_serve_forever_when_it_stays_enabled(write_claim):
    # the worker no longer goes back to other work once a request waits
    model = load(write_claim, BASE.replace("when: not busy\n", "when: not busy and not waiting\n"))
    assert agree(model)["answered"].holds
    assert check_properties(model)["answered"] is None


def test_without_fairness_any_state_may_stutter_forever(write_claim):
    model = load(write_claim, BASE.replace("weak: [serve, finish_other]", "weak: []"))
    r = agree(model)["answered"]
    assert r.violated and r.trace.length == 2  # arrive, then the waiting state repeats
    assert r.trace.steps[-1].action == "(stutter)" and r.loop_start == 1


def test_eventually_is_checked_from_the_initial_state_only(write_claim):
    text_ = BASE.replace("answered: leads_to(waiting, served)", "some_wait: eventually(waiting)")
    model = load(write_claim, text_)
    r = agree(model)["some_wait"]
    assert r.violated and r.trace.length == 1  # nothing is fair: the initial state stutters
    fair = load(write_claim, text_.replace("weak: [serve, finish_other]", "weak: [arrive]"))
    assert agree(fair)["some_wait"].holds


def test_a_step_that_changes_nothing_is_a_stutter_for_fairness(write_claim):
    # poll is always enabled but changes nothing: fairness of poll asks nothing (WF_vars)
    text_ = """\
claim: poll
variables: {done: bool}
init: {done: false}
actions:
  poll:
    then: {done: done}
  finish:
    when: not done
    then: {done: true}
properties:
  finishes: eventually(done)
fairness:
  weak: [poll]
"""
    model = load(write_claim, text_)
    r = agree(model)["finishes"]
    assert r.violated and r.trace.length == 1
    assert agree(load(write_claim, text_.replace("weak: [poll]", "weak: [finish]")))["finishes"].holds


def test_a_group_is_one_constraint_a_name_is_one_per_parameter_value(write_claim):
    text_ = """\
claim: groups
constants:
  K: {enum: [a, b]}
variables:
  done: set[K]
  spin: 0..1
init: {done: "{}", spin: 0}
actions:
  work:
    params: {k: K}
    when: k not in done
    then: {done: "done | {k}"}
  idle:
    when: len(done) < 2
    then: {spin: 1 - spin}
properties:
  all_done: eventually(done == K)
fairness:
  weak: [work]
"""
    each = load(write_claim, text_)
    assert agree(each)["all_done"].holds
    # fairness of the group [work, idle]: idling forever takes the group, so it is fair
    group = load(write_claim, text_.replace("weak: [work]", "weak: [[work, idle]]"))
    r = agree(group)["all_done"]
    assert r.violated and {s.action for s in r.trace.steps[r.loop_start + 1:]} == {"idle"}
    # fairness of work as a whole ([work] as a group) still finishes both
    assert agree(load(write_claim, text_.replace("weak: [work]", "weak: [[work]]")))["all_done"].holds


def test_leads_to_counts_from_each_trigger_including_on_the_loop(write_claim):
    # the request arrives again and again; the second one is never served
    text_ = """\
claim: again
variables: {phase: 0..3}
init: {phase: 0}
actions:
  step:
    when: phase < 3
    then: {phase: phase + 1}
  back:
    when: phase == 3
    then: {phase: 2}
properties:
  p1_then_p2: leads_to(phase == 1, phase == 2)
  p2_then_p0: leads_to(phase == 2, phase == 0)
  p0_then_p3: leads_to(phase == 0, phase == 3)
fairness:
  weak: [step, back]
"""
    results = agree(load(write_claim, text_))
    assert results["p1_then_p2"].holds and results["p0_then_p3"].holds
    r = results["p2_then_p0"]
    assert r.violated and r.trace.length == 4 and r.loop_start == 2


def test_prove_runs_safety_first_then_the_lasso_engine(write_claim):
    bad_safety = BASE + "invariants:\n  never_busy: not busy\n"
    r = symcheck.prove(load(write_claim, bad_safety))
    assert r.violated and r.invariant == "never_busy" and r.loop_start is None and r.engine in ("bmc", "explicit")
    r = symcheck.prove(load(write_claim, BASE))
    # few states: the properties are decided on the whole state graph (engines.graph_liveness)
    assert r.violated and r.invariant == "answered" and r.engine == "explicit" and r.trace.length == 3
    assert any("weak fairness of serve: respected" in line for _, line in r.explanation)
    fixed = load(write_claim, BASE.replace("when: not busy\n", "when: not busy and not waiting\n"))
    ok = symcheck.prove(fixed)
    assert ok.proved and ok.engine == "explicit" and any("whole state graph" in line for line in ok.proof)
    r = symcheck.prove(load(write_claim, BASE), engine="sequential")
    assert r.violated and r.engine == "explicit"
    smt = symcheck.prove(load(write_claim, BASE), engine="kind")  # no state graph: the bounded lasso engine
    assert smt.violated and smt.engine == "lasso" and smt.trace.length == 3
    ok = symcheck.prove(fixed, engine="kind")
    assert ok.holds and not ok.proved and ok.engine == "kind+lasso" and "invariants are proved" in ok.reason
    bounded = symcheck.prove(load(write_claim, BASE.replace("when: not busy\n", "when: not busy and not waiting\n")),
                             engine="bmc")
    assert bounded.holds and bounded.engine == "bmc+lasso"


GUARDS = ["True", "x < 2", "x > 0", "y == 0", "y == 1", "x == 1", "x != y", "x + y < 3"]
X_UPDATES = ["min(x + 1, 2)", "max(x - 1, 0)", "0", "y", "x"]
Y_UPDATES = ["1 - y", "0", "1", "y"]
PREDS = ["x == 2", "y == 1", "x == 0 and y == 1", "x == 1", "x != y", "False", "True"]


def random_claim(rng: random.Random) -> str:
    lines = ["claim: rnd", "variables: {x: 0..2, y: 0..1}", f"init: {{x: {rng.randint(0, 2)}, y: {rng.randint(0, 1)}}}", "actions:"]
    names = []
    for i in range(rng.randint(1, 4)):
        name = f"a{i}"
        names.append(name)
        lines.append(f"  {name}:")
        if rng.random() < 0.3:
            lines += ["    params: {p: 0..1}", f"    when: {rng.choice(GUARDS)} and p != y", "    then: {y: p}"]
            continue
        lines.append(f"    when: {rng.choice(GUARDS)}")
        lines.append(f"    then: {{x: '{rng.choice(X_UPDATES)}', y: '{rng.choice(Y_UPDATES)}'}}")
    if rng.random() < 0.5:
        lines.append(f"properties: {{p: 'eventually({rng.choice(PREDS[:-1])})'}}")
    else:
        p, q = rng.sample(PREDS[:-2], 2)
        lines.append(f"properties: {{p: 'leads_to({rng.choice([p, 'True'])}, {q})'}}")
    fair = []
    for name in names:
        if rng.random() < 0.7:
            fair.append(name)
    if len(names) > 1 and rng.random() < 0.3:
        fair.append("[" + ", ".join(rng.sample(names, 2)) + "]")
    lines.append(f"fairness: {{weak: [{', '.join(fair)}]}}")
    lines.append("depth: 5")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(60))
def test_lasso_engine_agrees_with_explicit_search_on_random_claims(seed, write_claim):
    model = load(write_claim, random_claim(random.Random(seed)))
    agree(model)


@pytest.mark.parametrize("text_, message", [
    (BASE.replace("weak: [serve,", "weak: [serv,"),
     "c.yaml:26:10: error: fairness names unknown action 'serv'\nc.yaml:26:10: note: did you mean 'serve'?"),
    (BASE.replace("weak: [serve, finish_other]", "strong: serve"),
     "c.yaml:26:11: error: `strong` must be a list of action names (or lists of them, one per group)"),
    (BASE.replace("weak: [serve,", "often: [serve,"),
     "c.yaml:26:3: error: unknown key 'often' in fairness"),
    (BASE.replace("weak: [serve, finish_other]", "weak: serve"),
     "c.yaml:26:9: error: `weak` must be a list of action names (or lists of them, one per group)"),
    (BASE.replace("leads_to(waiting, served)", "leads_to(waiting)"),
     "c.yaml:24:13: error: leads_to() takes 2 state predicates"),
    (BASE.replace("leads_to(waiting, served)", "served"),
     "c.yaml:24:13: error: property answered must be eventually(P) or leads_to(P, Q)\n"
     "c.yaml:24:13: note: a state predicate that must hold in every state is an invariant"),
    (BASE.replace("leads_to(waiting, served)", "leads_to(waiting, eventually(served))"),
     "c.yaml:24:31: error: eventually() may only be a whole property under `properties:`"),
    (BASE + "invariants:\n  later: eventually(served)\n",
     "c.yaml:28:10: error: eventually() may only be a whole property under `properties:`"),
    (BASE.replace("served: false\n", "served: false\ndefs:\n  eventually: served\n", 1),
     "c.yaml:11:3: error: definition 'eventually' clashes with a variable, constant, type or builtin"),
])
def test_bad_liveness_input_is_located(write_claim, text_, message):
    path = write_claim(text_)
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    got = str(exc.value).replace(str(path.parent) + "/", "")
    assert got.startswith(message), got


def test_a_red_may_patch_properties_and_fairness(write_claim):
    text_ = BASE.replace("when: not busy\n", "when: not busy and not waiting\n") + """\
variants:
  unfair:
    bug: serving is not fair
    expect: violated
    patch:
      fairness: {weak: []}
  other:
    bug: the property asks for the wrong thing
    expect: violated
    patch:
      properties: {answered: "leads_to(served, waiting)"}
"""
    green, unfair, other = symcheck.load_claims(str(write_claim(text_)))
    assert green.fairness and not unfair.fairness
    assert symcheck.prove(green).holds
    assert symcheck.prove(unfair).violated and symcheck.prove(other).violated


def test_a_lasso_reads_as_one():
    model = symcheck.load_claim("retry-termination-negative")
    r = symcheck.prove(model)
    got = text(model, r)
    assert "fails on a lasso of 2 states (State 1 loops back to State 0)" in got
    assert "Step 2: process_fail() -> back to State 0; the loop (States 0 .. 1) repeats forever" in got
    path = ROOT / "tests" / "golden" / "retry-termination-negative.txt"
    if UPDATE_GOLDEN:
        path.write_text(got)
    assert got == path.read_text()
    data = as_json(model, r, timings=False)
    assert data["loop_start"] == 0 and data["trace"][-1]["state"] == data["trace"][0]["state"]
    json.dumps(data)


def test_the_readme_shows_the_lasso_that_prove_prints():
    readme = (ROOT / "docs" / "language.md").read_text()  # the language reference, moved from the README
    block = readme.split("### Liveness")[1].split("```\n")[3]
    golden = (ROOT / "tests" / "golden" / "retry-termination-negative.txt").read_text().splitlines()
    shown = [line for line in block.splitlines() if line != "..."]
    assert len(shown) > 15 and all(line in golden for line in shown)


@pytest.mark.slow
@pytest.mark.parametrize("claim", ["retry-termination", "multi-event-eventual-emission"])
def test_mutated_liveness_claims_never_crash(claim):
    from test_fuzz_frontend import TOKENS, mutate
    from symcheck.front.check import check_variant
    from symcheck.front.source import parse_yaml
    from symcheck.front.variants import expand
    rng = random.Random(claim)
    base = (ROOT / "claims" / f"{claim}.yaml").read_text()
    tokens = TOKENS + ["eventually(", "leads_to(", "weak", "strong", "- [", "[[", "fairness:", "properties:",
                       "success", "drop"]
    outcomes = {"error": 0, "ok": 0}
    for _ in range(100):
        text_ = mutate(base, rng) if rng.random() < 0.5 else base.replace(
            rng.choice(["eventually(", "weak:", "[process_fail", "[success]", "emitted == Events", "not pending"]),
            rng.choice(tokens), 1)
        try:
            for variant in expand(parse_yaml(text_, "f.yaml")):
                check_lasso(check_variant(variant), 2)
            outcomes["ok"] += 1
        except InputError as exc:
            assert str(exc).startswith("f.yaml:") or exc.span is None
            outcomes["error"] += 1
    assert outcomes["error"] > 0 and outcomes["ok"] > 0
