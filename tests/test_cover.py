"""Coverage (dead actions, vacuous invariants), witness traces, several counterexamples,
and the variant key `add:`. Coverage depths and counterexample sets are cross-checked
against the explicit evaluator (no Z3)."""
import itertools
import json
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

import symcheck
from conftest import CLAIMS, covering_sample, too_big_for_the_evaluator
from symcheck.front.claims import catalog, load_model
from symcheck.cli import main
from symcheck.engines.auto import unsupported
from symcheck.errors import InputError
from symcheck.explicit.evaluator import Evaluator, check_state, coverage_search, instances, successors
from symcheck.front.ir import CompKind, configurations, premise, with_constants

# A door that opens and closes; `alarm` can never fire and `no_intruder` talks about a
# state (x > 5) that is never reached: the green holds, vacuously in part.
VACUOUS = """\
claim: door
variables:
  x: 0..9
  open: bool
init:
  x: 0
  open: false
actions:
  toggle:
    then:
      open: not open
  step:
    when: x < 3
    then:
      x: x + 1
  alarm:
    when: x > 5
    then:
      open: false
invariants:
  bounded: x <= 3
  no_intruder: implies(x > 5, not open)
  guarded: all(x <= 6 for i in range(1) if open)
expect: holds
depth: 6
"""


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(*args):
    """The command line, in process (click's runner): exit status, stdout, stderr."""
    r = CliRunner().invoke(main, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Ran(r.exit_code, r.stdout, r.stderr)


def test_premise_rules(write_claim):
    model = symcheck.load_claim(str(write_claim(VACUOUS.replace(
        "  guarded:", "  plain: not open or x <= 3\n  none: x <= 3\n  guarded:"))))
    p = {i.name: premise(i.expr) for i in model.invariants}
    assert p["bounded"] is None and p["none"] is None
    assert p["no_intruder"] == model.invariants[1].expr.args[0]  # implies(a, b): a
    assert p["plain"] == model.invariants[2].expr.args[0].args[0]  # not a or b: a
    assert p["guarded"].kind is CompKind.ANY and p["guarded"].cond is not None  # all(... if c): any binding with c


def test_vacuous_invariant_and_dead_action_are_flagged(write_claim):
    model = symcheck.load_claim(str(write_claim(VACUOUS)))
    assert symcheck.prove(model).holds
    cov = symcheck.cover(model)
    assert cov.actions == {"toggle": 1, "step": 1, "alarm": None}
    assert cov.premises == {"no_intruder": None, "guarded": 1}
    assert cov.dead == ["alarm"] and cov.vacuous == ["no_intruder"] and cov.flagged
    assert coverage_search(model, model.depth) == (cov.actions, cov.premises)


def test_check_flags_the_green_and_strict_fails_it(write_claim, tmp_path):
    path = write_claim(VACUOUS, "door.yaml")
    p = cli("check", "--claims", str(path.parent), "--results", str(tmp_path / "out"))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "dead: alarm; vacuous: no_intruder" in p.stdout
    assert "flagged: door: dead: alarm; vacuous: no_intruder" in p.stdout
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "## Greens flagged by the coverage check" in summary and "`door`: dead: alarm" in summary
    [data] = json.loads((tmp_path / "out" / "door.json").read_text())["results"]
    assert data["coverage"]["vacuous_invariants"] == ["no_intruder"]
    strict = cli("check", "--strict", "--claims", str(path.parent))
    assert strict.returncode == 1 and "FAIL" in strict.stdout
    # once the premise is reachable and the alarm can fire, nothing is flagged
    fixed = VACUOUS.replace("when: x < 3", "when: x < 6").replace("bounded: x <= 3", "bounded: x <= 6")
    fixed = fixed.replace("implies(x > 5, not open)", "implies(x > 5, x == 6)").replace("depth: 6", "depth: 8")
    write_claim(fixed, "door.yaml")
    ok = cli("check", "--strict", "--claims", str(path.parent))
    assert ok.returncode == 0, ok.stdout
    assert "flagged" not in ok.stdout


# the greens the evaluator can search (finite types: not a claim beyond the bounds)
GREENS = [name for name, e in catalog(CLAIMS).items()
          if load_model(e).expect == "holds" and unsupported("explicit", load_model(e)) is None]


@pytest.mark.slow
@pytest.mark.parametrize("name", GREENS)
def test_coverage_agrees_with_explicit_search(name):
    """Both coverage engines, the explicit one (`symcheck.cover` tries it first) and the
    SMT one (`engines.vacuity`), give the evaluator's first depths. On a claim too big for
    the evaluator over all its configurations (oc-gateway-auth: 2,880), on each instance of
    a covering sample, and on the whole claim the engines agree with each other and give
    no first depth later than an instance's (the whole's is the earliest of all)."""
    from symcheck.engines import explicit, vacuity
    model = symcheck.load_claim(name)
    instances_ = [model]
    if too_big_for_the_evaluator(model):
        instances_ = [with_constants(model, c) for c in covering_sample(model, configurations(model), None)]
    wants = [coverage_search(instance, instance.depth) for instance in instances_]
    for instance, want in zip(instances_, wants):
        for engine in (symcheck.cover(instance), explicit.coverage(instance, instance.depth),
                       vacuity.coverage(instance, instance.depth)):
            assert engine is not None and engine.reason is None
            assert (engine.actions, engine.premises) == want
    if instances_ == [model]:
        return
    whole = symcheck.cover(model)
    for engine in (explicit.coverage(model, model.depth), vacuity.coverage(model, model.depth)):
        assert engine is not None and engine.reason is None
        assert (engine.actions, engine.premises) == (whole.actions, whole.premises)
    for part in wants:
        for mine, theirs in ((whole.actions, part[0]), (whole.premises, part[1])):
            assert all(theirs[k] is None or (mine[k] is not None and mine[k] <= theirs[k]) for k in theirs)


@pytest.mark.parametrize("name", ["pairing", "approvals-token", "gateway-exposure-matrix", "queue-drain"])
def test_explicit_coverage_agrees_with_the_evaluator(name):
    from symcheck.engines import explicit
    model = symcheck.load_claim(name)
    for depth in (0, 2, model.depth):
        fast = explicit.coverage(model, depth)
        assert fast is not None and (fast.actions, fast.premises) == coverage_search(model, depth)
    assert explicit.coverage(model, model.depth, max_states=1) is None  # the cap: the SMT engine answers instead


def replay(model, trace):
    """The trace is a path of the model: its initial state and every step check out."""
    ev = Evaluator(model)
    steps = trace.steps
    assert steps[0].state == {n: ev.evaluate(e, {}, {}) for n, e in model.init}
    for prev, step in zip(steps, steps[1:]):
        action = next(a for a in model.actions if a.name == step.action)
        params = {p: v for p, v, _ in step.params}
        assert ev.evaluate(action.guard, prev.state, params) is True
        expected = dict(prev.state)
        for var, e in action.updates:
            expected[var] = ev.evaluate(e, prev.state, params)
        assert step.state == expected
    return ev


@pytest.mark.parametrize("name", ["pairing", "nodes-pipeline", "two-worker-dedupe-negative",
                                  "policy-hot-reload-negative"])
def test_witness_traces_replay_and_are_shortest(name):
    model = symcheck.load_claim(name)
    actions, premises = coverage_search(model, model.depth)
    for action, first in actions.items():
        trace = symcheck.witness(model, action=action)
        assert (trace is None) == (first is None)
        if trace is not None:
            replay(model, trace)
            assert trace.length == first and trace.steps[-1].action == action
    for inv, first in premises.items():
        trace = symcheck.witness(model, premise=inv)
        assert trace is not None and trace.length == first
        ev = replay(model, trace)
        assert ev.evaluate(premise(next(i for i in model.invariants if i.name == inv).expr),
                           trace.steps[-1].state, {}) is True


@pytest.mark.slow
def test_prove_coverage_lists_every_first_depth():
    p = cli("prove", "nodes-pipeline", "--coverage")
    assert p.returncode == 0
    assert "action expire_approval: step 3" in p.stdout and "premise of shared_nodes_run_safe: state 4" in p.stdout
    [data] = json.loads(cli("prove", "two-worker-dedupe", "--coverage", "--format", "json").stdout)["results"]
    assert data["coverage"]["actions"] == {"emit_atomic": 1, "stutter": 1}
    assert data["coverage"]["vacuous_invariants"] == ["at_most_once"]


@pytest.mark.slow
def test_witness_cli_exit_codes_and_errors():
    p = cli("witness", "pairing-cap", "approve")
    assert p.returncode == 0 and "action approve first fires at step 2" in p.stdout
    assert "Step 2: approve(" in p.stdout
    p = cli("witness", "pairing-cap", "approve", "--depth", "1")
    assert p.returncode == 1 and "never fires within 1 steps" in p.stdout
    p = cli("witness", "pairing-cap-and-ttl", "--premise", "no_approve_expired", "--format", "json")
    data = json.loads(p.stdout)["results"][0]
    assert p.returncode == 0 and data["found"] and data["depth"] == 2 and data["trace"][2]["action"] == "approve"
    p = cli("witness", "pairing-cap", "aprove")
    assert p.returncode == 2 and "has no action 'aprove'" in p.stderr and "did you mean 'approve'" in p.stderr
    p = cli("witness", "pairing-cap", "--premise", "pending_cp")
    assert p.returncode == 2 and "has no invariant 'pending_cp'" in p.stderr
    p = cli("witness", "gateway-exposure-v2", "--premise", "not_compromised")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.startswith("claims/gateway-exposure-v2.yaml:") and "has no premise" in p.stderr
    p = cli("witness", "pairing-cap")
    assert p.returncode == 2
    p = cli("witness", "pairing-capp", "approve")
    assert p.returncode == 2 and "no claim named" in p.stderr


COUNTER = """\
claim: counter
variables:
  x: 0..4
  y: 0..4
init:
  x: 0
  y: 0
actions:
  inc_x:
    when: x < 4
    then: {x: x + 1}
  inc_y:
    when: y < 4
    then: {y: y + 1}
  reset:
    when: x > 0
    then: {x: 0}
invariants:
  small_sum: x + y <= 2
  x_small: x <= 1
expect: violated
depth: 4
"""


def explicit_counterexamples(model, depth):
    """Every (invariant, action names) of a path of at most `depth` steps whose last state
    is its first violation, by brute force."""
    ev = Evaluator(model)
    out = set()
    insts = instances(model)

    def walk(state, names):
        bad = check_state(model, ev, state)
        if bad is not None:
            out.add((bad, tuple(names)))
            return
        if len(names) == depth:
            return
        for (name, _), nxt in successors(model, ev, state, insts):
            walk(nxt, names + [name])
    walk({n: ev.evaluate(e, {}, {}) for n, e in model.init}, [])
    return out


def test_max_traces_returns_distinct_action_sequences_shortest_first(write_claim):
    model = symcheck.load_claim(str(write_claim(COUNTER)))
    first = symcheck.prove(model)
    results = symcheck.counterexamples(model, 100)
    got = [(r.invariant, tuple(s.action for s in r.trace.steps[1:])) for r in results]
    assert len(got) == len(set(got)) and len(got) < 100
    assert set(got) == explicit_counterexamples(model, model.depth)
    assert results[0].trace == first.trace and results[0].invariant == first.invariant
    runs = [inv for inv, _ in itertools.groupby(r.invariant for r in results)]
    assert len(runs) == len(set(runs)) == 2  # grouped by invariant
    for _, group in itertools.groupby(results, key=lambda r: r.invariant):
        depths = [r.length for r in group]
        assert depths == sorted(depths)  # shortest first
    for r in results:
        assert r.violated and r.explanation
        replay(model, r.trace)
    few = symcheck.counterexamples(model, 3)
    assert len(few) == 3 and all(r.trace in [x.trace for x in results] for r in few)
    assert sorted(r.length for r in few) == sorted(r.length for r in results)[:3]


def test_max_traces_cli_renders_every_trace_and_json_numbers_each(write_claim):
    path = write_claim(COUNTER)
    p = cli("prove", str(path), "--max-traces", "3")
    assert p.returncode == 0
    assert "3 counterexamples (up to 3)" in p.stdout and p.stdout.count("=== counterexample") == 3
    p = cli("prove", str(path), "--max-traces", "2", "--format", "json")
    data = json.loads(p.stdout)["results"]
    assert len(data) == 2 and data[0]["length"] <= data[1]["length"] and [d["counterexample"] for d in data] == [1, 2]
    holds = cli("prove", "ingress-gating", "--max-traces", "2", "--format", "json")
    assert holds.returncode == 0 and [d["verdict"] for d in json.loads(holds.stdout)["results"]] == ["holds"]


ADD = """\
claim: cache
variables:
  deny: bool
  ran: bool
init:
  deny: true
  ran: false
actions:
  run:
    when: not deny
    then: {ran: true}
invariants:
  never_ran: not ran
variants:
  negative:
    bug: the gate reads a stale copy of the deny bit
    expect: violated
    add:
      variables:
        cached: bool
      init:
        cached: false
      defs:
        gate_open: not cached
    patch:
      actions:
        run:
          when: gate_open
"""


def test_a_variant_adds_variables_defs_and_actions(write_claim):
    green, red = symcheck.load_claims(str(write_claim(ADD)))
    assert [n for n, _ in green.variables] == ["deny", "ran"]
    assert [n for n, _ in red.variables] == ["deny", "ran", "cached"]
    assert symcheck.prove(green).holds
    r = symcheck.prove(red)
    assert r.violated and r.length == 1
    assert "add:" in red.patch_text and "cached: bool" in red.patch_text


@pytest.mark.parametrize("text,message", [
    (ADD.replace("        cached: bool", "        deny: bool"),
     "c.yaml:20:9: error: variant 'negative' adds variables.deny, which the claim already has"),
    (ADD.replace("        gate_open: not cached", "        gate_open: not cached\n      actions:\n"
                                                   "        run: {then: {ran: false}}"),
     "c.yaml:26:22: error: variant 'negative' adds an assignment to ran in action run, which already assigns it"),
    (ADD.replace("      variables:\n        cached", "      variable:\n        cached"),
     "c.yaml:19:7: error: unknown key 'variable' in the additions of variant 'negative'"),
    (ADD.replace("          when: gate_open", "          when: gate_open\n        stale_run: {then: {ran: true}}"),
     "c.yaml:29:9: error: the variant patches actions.stale_run, which the claim does not have"),
])
def test_add_misuse_is_a_located_error(write_claim, text, message):
    path = write_claim(text)
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    got = str(exc.value).replace(str(path.parent) + "/", "")
    assert got.startswith(message), got
    if "does not have" in message:
        assert "add:" in got
    if "already has" in message:
        assert "patch:" in got


def test_acknowledged_gaps_are_not_flagged_but_stale_ones_are(write_claim):
    acked = VACUOUS + ('unexercised:\n  alarm: "the alarm is the attack; it never fires"\n'
                       '  no_intruder: "x never exceeds 5 in this configuration"\n')
    path = write_claim(acked, "door.yaml")
    ok = cli("check", "--strict", "--claims", str(path.parent))
    assert ok.returncode == 0, ok.stdout
    assert "acknowledged: alarm, no_intruder" in ok.stdout and "flagged" not in ok.stdout
    # an acknowledgement that no longer holds (the alarm can fire) is flagged
    stale = acked.replace("when: x < 3", "when: x < 6").replace("bounded: x <= 3", "bounded: x <= 6")
    stale = stale.replace("implies(x > 5, not open)", "implies(x > 5, x == 6)").replace("depth: 6", "depth: 8")
    write_claim(stale, "door.yaml")
    p = cli("check", "--strict", "--claims", str(path.parent))
    assert p.returncode == 1 and "exercised after all: alarm, no_intruder" in p.stdout


def test_unexercised_names_must_exist_and_give_a_reason(write_claim):
    with pytest.raises(InputError, match=r"(?s)door.yaml:\d+:3: error: unexercised names 'alrm'.*did you mean 'alarm'"):
        symcheck.load_claim(str(write_claim(VACUOUS + 'unexercised:\n  alrm: "typo"\n', "door.yaml")))
    with pytest.raises(InputError, match="give the reason as a sentence"):
        symcheck.load_claim(str(write_claim(VACUOUS + 'unexercised:\n  alarm: ""\n', "door.yaml")))
