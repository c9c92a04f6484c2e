"""The explicit-state engine (symcheck/engines/explicit.py on the compiled IR of
engines/compiled.py) against the independent explicit evaluator: on every claim
variant of the suite and on random claims, the same verdict, shortest trace, check
and distinct-state count; every trace replays step by step under the evaluator; a
state cap or a deadline gives unknown, never a proof."""
import re
import threading

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from claimgen import any_claims
from conftest import CLAIMS, ROOT, covering_sample, evaluator_depth, examples, tlc_reference, too_big_for_the_evaluator
from differential import load
from test_engine import COUNTER as ENGINE_COUNTER
from symcheck.engines import explicit
from symcheck.engines.compiled import BUILTINS, FIXED, GENERATED, UnsafeSource, compile_model, validate
from symcheck.engines.runtime import HELPERS
from symcheck.errors import InputError, ModelError
from symcheck.explicit.evaluator import Evaluator, StateCapReached, check_state, instances, search, successors
from symcheck.engines.auto import unsupported
from symcheck.front.claims import catalog, load_model
from symcheck.front.ir import configurations, with_constants
from symcheck.smt.solve import Deadline

# the variants the explicit engine can decide: finite types only (a claim beyond the bounds
# is cross-checked on finite instances of itself, tests/test_unbounded_crosscheck.py)
ENTRIES = {n: e for n, e in catalog(CLAIMS).items() if unsupported("explicit", load_model(e)) is None}
TLC = tlc_reference()
SMALL = 3_000  # the evaluator interprets the IR: beyond this many states it takes seconds per variant
# variants with more states than SMALL (the evaluator takes 5 to 40 s on each)
LARGE = ["pairing-cap", "pairing-cap-and-ttl", "pairing-race", "pairing-race-negative",
         "oc-exec-approvals", "oc-ingress", "oc-ingress-bypass-ignores-any-mention",
         "oc-ingress-control-commands-unchecked", "oc-pairing-code-unlocked",
         # the runtime's policies, access groups and useAccessGroups (138,240 green states), and
         # the exec approvals file's 500 configurations of the security side
         "oc-ingress-finding-pairing-approval-authorizes-commands",
         "oc-ingress-finding-mention-gate-fails-open-without-detection",
         "oc-ingress-finding-access-groups-off-authorizes-every-sender", "oc-ingress-deprecated-merge-for-unknown-policy",
         "oc-ingress-open-dm-ignores-allowlist", "oc-ingress-store-merged-under-allowlist",
         "oc-ingress-empty-group-allowlist-is-open", "oc-exec-policy", "oc-exec-policy-finding-invalid-value-fails-open",
         "oc-exec-policy-finding-silent-config-runs-unasked", "oc-exec-policy-file-loosens",
         "oc-exec-policy-wildcard-over-agent"]


def evaluator_says(model, max_states=SMALL):
    """The evaluator's exhaustive search (no depth bound)."""
    return search(model, 10**9, max_states=max_states)


def assert_agree(model, outcome, found):
    """Same verdict, check, depth, configuration, trace and states as the evaluator."""
    assert outcome.states == found.states
    if found.invariant is None:
        assert found.complete
        assert outcome.verdict == "proved", outcome.reason
        assert outcome.bound == found.depth
        return
    assert outcome.verdict == "violated"
    assert (outcome.invariant, outcome.length, outcome.config) == (found.invariant, found.depth, found.config)
    assert outcome.trace.length == outcome.length
    expected = [(label, state) for label, state in found.trace]
    got = [((s.action, {p: v for p, v, _ in s.params}) if s.action else None, s.state) for s in outcome.trace.steps]
    if outcome.invariant == "well-formed":  # no state after an ill-formed step
        expected, got = expected[:-1], got[:-1]
        assert found.trace[-1][0] == got_last_label(outcome)
    assert got == expected
    replays(model, outcome)


def got_last_label(outcome):
    last = outcome.trace.steps[-1]
    return (last.action, {p: v for p, v, _ in last.params}) if last.action else None


def replays(model, outcome):
    """Every step of the trace is a transition of the evaluator's semantics; no state
    before the last is bad; the last state (or step) violates the reported check."""
    model = with_constants(model, outcome.config) if outcome.config else model
    ev = Evaluator(model)
    steps = outcome.trace.steps
    if outcome.invariant == "well-formed" and len(steps) == 1:
        with pytest.raises(ModelError):
            [ev.evaluate(e, {}, {}) for _, e in model.init]
        return
    assert steps[0].state == {n: ev.evaluate(e, {}, {}) for n, e in model.init}
    insts = instances(model)
    for i, (prev, step) in enumerate(zip(steps, steps[1:])):
        assert check_state(model, ev, prev.state) is None, f"state {i} is already bad"
        label = (step.action, {p: v for p, v, _ in step.params})
        nexts = [nxt for lab, nxt in successors(model, ev, prev.state, insts) if lab == label]
        assert len(nexts) == 1, f"step {i + 1} is no transition of the evaluator"
        if outcome.invariant == "well-formed" and i == len(steps) - 2:
            assert isinstance(nexts[0], ModelError)
            return
        assert nexts[0] == step.state
    final = steps[-1].state
    if outcome.invariant == "deadlock":
        assert check_state(model, ev, final) is None and not list(successors(model, ev, final, insts))
    else:
        assert check_state(model, ev, final) == outcome.invariant


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_engine_agrees_with_the_evaluator_on_the_suite(name):
    if name in LARGE:
        pytest.skip(f"more than {SMALL} states: test_large_state_spaces checks it")
    model = load_model(ENTRIES[name])
    if agrees_on_a_covering_sample(model, None):
        return
    try:
        found = evaluator_says(model)
    except StateCapReached:
        pytest.fail(f"{name} has more than {SMALL} states: add it to LARGE")
    assert_agree(model, explicit.run(model, None, Deadline(120)), found)


def agrees_on_a_covering_sample(model, outcome) -> bool:
    """For a claim too big for the evaluator over all its configurations: the engine agrees
    with the evaluator on each configuration of a covering sample, and the whole claim is
    violated exactly when an instance is, at the shortest depth of all. False (nothing
    checked) when the claim is small enough to be checked whole."""
    if not too_big_for_the_evaluator(model):
        return False
    outcome = outcome or explicit.run(model, None, Deadline(120))
    depths = {}
    for config in covering_sample(model, configurations(model), outcome.config):
        instance = with_constants(model, config)
        found = evaluator_says(instance, max_states=10**6)
        assert_agree(instance, explicit.run(instance, None, Deadline(120)), found)
        depths[tuple(sorted(config.items()))] = found.depth if found.invariant is not None else None
    violations = [d for d in depths.values() if d is not None]
    assert (outcome.verdict == "violated") == bool(violations)
    if violations:
        assert outcome.length == depths[tuple(sorted(outcome.config.items()))] == min(violations)
    return True


@pytest.mark.slow
@pytest.mark.parametrize("name", LARGE)
def test_large_state_spaces(name):
    model = load_model(ENTRIES[name])
    outcome = explicit.run(model, None, Deadline(120))
    if agrees_on_a_covering_sample(model, outcome):
        return
    depth = None if model.symbolic else evaluator_depth(model)
    if depth is not None:  # too many states for the evaluator (oc-ingress): the same levels, to the depth it can take
        bounded, found = explicit.run(model, None, Deadline(120), depth=depth), search(model, depth)
        assert found.invariant is None and bounded.verdict == "holds" and bounded.states == found.states
        assert outcome.verdict == "proved" or (outcome.verdict == "violated" and outcome.length > depth)
        return
    assert_agree(model, outcome, evaluator_says(model, max_states=10**6))


PARITY_EXCEPTIONS = {line.split("\t")[0] for line in
                     (ROOT / "tests" / "data" / "state-parity-exceptions.tsv").read_text().splitlines()[1:]
                     if line and not line.startswith("#")}
GREENS = sorted(n for n, row in TLC.items() if n in ENTRIES and row["outcome"] == "holds" and n not in PARITY_EXCEPTIONS)


@pytest.mark.parametrize("variant", GREENS)
def test_green_state_counts_are_tlcs(variant):
    """A complete search reaches exactly the distinct states TLC reports for the green
    (all of them take 1 s together; parametrized by `variant`, not `name`, which
    conftest marks slow for the big pairing claims). The accepted state-count
    differences of tests/data/state-parity-exceptions.tsv are left out."""
    r = explicit.run(load_model(ENTRIES[variant]), None, Deadline(60))
    assert r.proved and str(r.states) == TLC[variant]["distinct_states"]


def test_state_cap_gives_unknown():
    model = load_model(ENTRIES["pairing-cap"])
    r = explicit.run(model, None, None, max_states=500)
    assert r.verdict == "unknown" and not r.holds and "more than 500 states" in r.reason
    assert r.states is not None and r.states > 500


def test_deadline_gives_unknown():
    model = load_model(ENTRIES["pairing-cap"])
    r = explicit.run(model, None, Deadline(0.0))
    assert r.verdict == "unknown" and not r.holds and "timeout" in r.reason


def test_a_depth_bound_gives_holds_not_proved():
    model = load_model(ENTRIES["pairing-race"])
    r = explicit.run(model, None, None, depth=3)
    assert r.verdict == "holds" and r.bound == 3
    assert r.states == search(model, 3).states


def test_the_trace_carries_actions_parameters_and_model_values():
    model = load_model(ENTRIES["pairing-negative"])
    r = explicit.run(model, None, None)
    assert r.violated and r.engine == "explicit" and r.trace.steps[0].action is None
    step = next(s for s in r.trace.steps if s.action == "request_pair")
    assert [p for p, _, _ in step.params] == ["ch", "s"] and isinstance(step.state["pending"], frozenset)


@pytest.mark.parametrize("variant", ["pairing-negative", "pairing-race-negative", "retry-termination"])
def test_reports_read_the_outcome(variant):
    """The explanation, the text report and the JSON read the engine's outcome as BMC's."""
    from symcheck.report.explain import explain
    from symcheck.report.text import as_json, text
    model = load_model(ENTRIES[variant])
    r = explicit.run(model, None, None)
    if r.violated:
        r.explanation = explain(model, r)
        assert r.explanation
    assert model.name in text(model, r)
    assert as_json(model, r)["verdict"] == r.verdict


# the engine tests' counter, with its limit a symbolic constant
COUNTER = ENGINE_COUNTER.replace("  N: 5\n", "  N: 5\n  Limit: {domain: [3, 2]}\n").replace("small: x <= 3", "small: x <= Limit")


@pytest.mark.parametrize("edit", [
    {},  # symbolic constant: the first violating configuration
    {"when: len(log) < 3": "when: True"},  # a sequence overflows its bound: type(log)
    {"log: append(log, x)": "x: head(log)"},  # head of an empty sequence: well-formed
    {"small: x <= Limit": "small: x <= 9", "      log: append(log, x)\n": "      log: log\n",
     "when: len(log) < 3": "when: False"},  # with deadlock checking added below
    {"when: len(log) < 3": "when: len(log) > 0 and head(log) < 9 and len(log) < 3"},  # lazy guards
    {"small: x <= Limit": "small: x // (x - 1) < 9 or x == 1"},  # an invariant that fails to evaluate
])
def test_small_claims_agree_with_the_evaluator(write_claim, edit):
    text = COUNTER
    for old, new in edit.items():
        text = text.replace(old, new)
    if "when: False" in text:
        text += "deadlock: check\n"
    model = load(text)
    assert_agree(model, explicit.run(model), evaluator_says(model))


EXAMPLES = examples(200)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_claims())
def test_random_claims_agree_with_the_evaluator(claim):
    text = claim.yaml()
    note(text)
    model = load(text)
    try:
        found = evaluator_says(model, max_states=5_000)
    except StateCapReached:
        r = explicit.run(model, max_states=5_000)
        assert r.verdict in ("unknown", "violated")
        return
    assert_agree(model, explicit.run(model), found)
    bounded = search(model, model.depth)  # and bounded to the claim's depth
    r = explicit.run(model, depth=model.depth)
    assert (r.invariant, r.length if r.violated else r.bound) == (bounded.invariant, bounded.depth) or \
        (r.proved and bounded.complete and bounded.invariant is None)


REGRESSIONS = sorted((ROOT / "tests" / "regressions").glob("*.yaml"))  # bench/soak.py writes them there


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.stem)
def test_differential_regressions(path):
    """The claims on which an engine once disagreed with the evaluator."""
    model = load(path.read_text())
    try:
        found = evaluator_says(model, max_states=20_000)
    except StateCapReached:
        pytest.skip("too many states")
    assert_agree(model, explicit.run(model), found)


# Names a claim may use that a code generator could confuse with its own or Python's:
# builtins, the generated names, the runtime helpers, the generated functions' names.
HOSTILE = ["exec", "eval", "__import__", "open", "print", "len", "type", "int", "sum", "s", "out", "error", "exc", "i",
           "init", "successors", "violation", "premises", "configure", "v0", "v1", "p0", "b0", "K0", "K1", "S0", "u0",
           "g0", "a0", "_divide", "_map_get", "_checked_set", "ModelError", "HELPERS", "__builtins__", "globals",
           "os", "sys", "self", "__class__"]
MEMBERS = HOSTILE + ["os.system", "rm -rf /", "1 + 1", "__import__('os')", "a\\b", "x; y", "K0()", "{}"]
HOSTILE_CLAIM = """\
claim: hostile
types:
  {E}: {{enum: [{m0!r}, {m1!r}]}}
  {R}: {{record: {{{f0}: {E}, {f1}: bool}}}}
variables:
  {x}: {E}
  {y}: {R}
  {n}: 0..3
init:
  {x}: "{m0!r}"
  {y}: "{R}({m0!r}, False)"
  {n}: 0
actions:
  {act}:
    params: {{{p}: {E}}}
    when: {n} < {limit}
    then:
      {x}: {p}
      {y}: "replace({y}, {f0}={p}, {f1}=not {y}.{f1})"
      {n}: {n} + 1
invariants:
  {inv}: not ({y}.{f1} and {x} == {m1!r} and {n} == {bad})
"""


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(HOSTILE) | st.from_regex(r"[a-z_][a-z0-9_]{0,4}", fullmatch=True), min_size=10,
                max_size=10, unique=True),
       st.lists(st.sampled_from(MEMBERS), min_size=2, max_size=2, unique=True), st.integers(1, 3), st.integers(0, 3))
def test_hostile_names_never_become_code(names, members, limit, bad):
    """Whatever a claim names its types, variables, fields, enum members, actions,
    parameters and invariants, the generated source holds only generated names and
    passes the validator, and the engine agrees with the independent evaluator."""
    kinds = ["E", "R", "f0", "f1", "x", "y", "n", "act", "p", "inv"]
    fields = dict(zip(kinds, names))
    text = HOSTILE_CLAIM.format(**fields, m0=members[0], m1=members[1], limit=limit, bad=bad)
    note(text)
    try:
        model = load(text)
    except InputError:
        assume(False)  # a name the claim language itself refuses (a keyword, a builtin it reserves)
    compiled = compile_model(model)  # validate() raises UnsafeSource on anything not generated
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", compiled.source))
    generated = {t for t in tokens if GENERATED.fullmatch(t)}
    assert tokens - generated <= FIXED | BUILTINS | set(HELPERS) | {"def", "return", "if", "else", "for", "in", "not",
                                                                    "and", "or", "try", "except", "as", "is", "None",
                                                                    "True", "False", "lambda", "append"}
    for m in members:
        assert repr(m) not in compiled.source and f'"{m}"' not in compiled.source
    assert_agree(model, explicit.run(model), evaluator_says(model))


@pytest.mark.parametrize("source", [
    "def init():\n    return __import__('os').system('true')\n",  # a string constant, a builtin
    "def init():\n    return K0.__class__\n",  # an attribute other than out.append
    "def init():\n    import os\n",  # a statement never generated
    "def init():\n    return open\n",  # a builtin the generated code never calls
    "def init():\n    return pending\n",  # a name from a claim
    "def init():\n    return 1.5\n",  # neither int nor bool
])
def test_the_validator_refuses_what_is_never_generated(source):
    with pytest.raises(UnsafeSource):
        validate(source, {"K0"})


def test_one_compiled_model_serves_two_configurations_at_once():
    """The symbolic constants live in each configuration's own namespace: two searches
    of one compiled model, in two threads, each see their own values."""
    model = load(SYMBOLIC_COUNTER)
    compiled = compile_model(model)
    configs = configurations(model)
    assert len(configs) == 2
    want = {c["Step"]: explicit.search(compiled.configured(c), False, None).states for c in configs}
    assert len(set(want.values())) == 2  # the configurations differ
    bound = {c["Step"]: compiled.configured(c) for c in configs}
    results: dict[int, list[int]] = {step: [] for step in bound}
    barrier = threading.Barrier(2)

    def run(step: int) -> None:
        barrier.wait()
        for _ in range(30):
            results[step].append(explicit.search(bound[step], False, None).states)

    threads = [threading.Thread(target=run, args=(step,)) for step in bound]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {step: set(r) for step, r in results.items()} == {step: {n} for step, n in want.items()}
    with pytest.raises(RuntimeError, match="configured"):
        compiled.init()  # unconfigured: never the last configuration's values by accident


# x climbs by Step (a symbolic constant, 1 or 2) up to 10: 11 or 6 states
SYMBOLIC_COUNTER = """\
claim: climb
constants:
  Step: {domain: [1, 2]}
variables:
  x: 0..10
init:
  x: 0
actions:
  up:
    when: x + Step <= 10
    then:
      x: x + Step
invariants:
  small: x <= 10
"""


# ---------------------------------------------------------------- symmetry


@pytest.mark.parametrize("variant, enum", [("pairing-cap", "Senders"), ("pairing-cap-negative", "Senders"),
                                           ("pairing-race-negative", "Threads")])
def test_symmetry_keeps_verdicts_and_shortest_traces(variant, enum):
    """Identifying states up to a permutation of interchangeable members changes
    neither the verdict nor the shortest trace's length, and the trace (rebuilt from
    the classes) is a real one; fewer states are stored."""
    model = load_model(ENTRIES[variant])
    plain = explicit.run(model, None, Deadline(120))
    reduced = explicit.run(model, None, Deadline(120), symmetry=[enum])
    assert (reduced.verdict, reduced.invariant, reduced.length) == (plain.verdict, plain.invariant, plain.length)
    assert reduced.states < plain.states
    if reduced.violated:
        replays(model, reduced)
    else:
        assert enum in reduced.proof[0]


def test_symmetry_is_refused_where_members_are_not_interchangeable():
    model = load_model(ENTRIES["pairing-race-negative"])  # the in-flight slots start with the first sender
    with pytest.raises(ValueError, match="choose picks the first member of Senders"):
        explicit.run(model, symmetry=["Senders"])
    with pytest.raises(ValueError, match="not an enum"):
        explicit.run(model, symmetry=["Nope"])


def test_an_explicit_proof_is_re_checked_by_the_evaluator(monkeypatch):
    """A small proof is re-derived by the independent evaluator; a planted wrong proof
    (of a red) fails that re-check: the engine alone reports unknown, never proved, and
    the default goes on to the SMT engines, which find the violation."""
    import symcheck
    from symcheck.engines import auto
    from symcheck.trace import Outcome
    good = symcheck.prove(load_model(ENTRIES["approvals-token"]))
    assert good.proved and good.engine == "explicit" and good.proof[-1].startswith("re-checked: the independent evaluator")
    red = load_model(ENTRIES["pairing-negative"])
    monkeypatch.setattr(auto.explicit, "run", lambda model, *a, **k: Outcome(
        model.name, "proved", 3, model.expect, engine="explicit", states=10, proof=["planted"]))
    r = symcheck.prove(red, engine="explicit")
    assert r.verdict == "unknown" and "explicit-state search claimed a proof (10 states) that failed its re-check" in r.reason
    assert symcheck.prove(red).violated
