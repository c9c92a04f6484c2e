"""One deadline and one cancellation rule for every engine (symcheck/solve.py): a query
gets the time that is left, a query cancelled by Ctrl-C is an interrupt, and an engine
out of time answers `unknown` with the reason (or, where a partial answer is sound,
that answer): never `holds`, never `proved`, never a crash."""
import time

import pytest
import z3

import symcheck
from symcheck.engines import auto as engine
from symcheck.engines import kind
from symcheck.engines import pdr
from symcheck.engines.bmc import check_bmc
from symcheck.smt.encode import Encoding
from symcheck.explicit.liveness import lasso_problem
from symcheck.engines.liveness import check_lasso
from symcheck.engines.matrix import matrix
from symcheck.engines.multitrace import check_bmc_traces
from symcheck.smt.lasso import canonical_lasso, fair_lasso
from symcheck.smt.solve import Deadline, check
from symcheck.smt.unroll import Unroller, canonical_trace
from symcheck.engines.vacuity import coverage

# holds (x stays below 4 within 3 steps of a bound of 3); violated at depth 4
COUNTER = """\
claim: counter
variables:
  x: 0..9
init:
  x: 0
actions:
  inc:
    when: x < 9
    then:
      x: x + 1
  reset:
    when: x > 2
    then:
      x: 0
invariants:
  small: x <= 3
  guarded: implies(x > 2, x >= 3)
depth: 3
"""

# a symbolic constant: every configuration is checked at once
SYMBOLIC = """\
claim: knob
constants:
  N: {domain: [1, 2, 3]}
variables:
  x: 0..5
init:
  x: 0
actions:
  inc:
    when: x < 5
    then:
      x: x + 1
invariants:
  below: x <= N + 2
depth: 5
"""

# a request that may wait forever: `eventually(served)` has a fair violating lasso
WAITS = """\
claim: waits
variables:
  waiting: bool
  served: bool
init:
  waiting: false
  served: false
actions:
  arrive:
    when: not waiting and not served
    then: {waiting: true}
  serve:
    when: waiting
    then: {waiting: false, served: true}
properties:
  served_eventually: eventually(served)
depth: 4
"""

EXPIRED = 0.0  # seconds: the deadline has passed before the first query


def load(write_claim, text):
    return symcheck.load_claim(str(write_claim(text)))


# ---------------------------------------------------------------- the helper itself


def test_deadline_counts_down_and_a_phase_never_outlives_the_run():
    none = Deadline(None)
    assert none.remaining() is None and not none.expired()
    d = Deadline(30)
    assert 29 < d.remaining() <= 30 and not d.expired()
    assert Deadline(EXPIRED).expired() and Deadline(EXPIRED).remaining() == 0
    assert d.within(1000).at == d.at and d.within(1).at < d.at  # the earlier of the two
    assert none.within(None).at is None and none.within(5).remaining() <= 5
    assert Deadline.of(d) is d and Deadline.of(None).at is None


def test_an_expired_deadline_answers_unknown_without_asking():
    s = z3.Solver()
    s.add(z3.Int("x") > 0)
    answer = check(s, Deadline(EXPIRED))
    assert answer.unknown and answer.timed_out and "timeout" in answer.reason
    assert check(s, Deadline(10)).sat and check(s, None).sat
    s.add(z3.Int("x") < 0)
    assert check(s, Deadline(10)).unsat


class _Cancelled:
    """A solver whose query was cancelled (what Z3 does on Ctrl-C), or that gave up."""

    def __init__(self, why):
        self.why = why

    def set(self, *args):
        pass

    def check(self, *assumptions):
        return z3.unknown

    def reason_unknown(self):
        return self.why


def test_a_cancelled_query_before_the_deadline_is_an_interrupt():
    with pytest.raises(KeyboardInterrupt):
        check(_Cancelled("canceled"), Deadline(60))
    with pytest.raises(KeyboardInterrupt):
        check(_Cancelled("canceled"), None)
    answer = check(_Cancelled("(incomplete quantifiers)"), Deadline(60))
    assert answer.unknown and not answer.timed_out and "incomplete quantifiers" in answer.reason


# ---------------------------------------------------------------- every engine out of time


def test_bmc_out_of_time_is_unknown(write_claim):
    model = load(write_claim, COUNTER)
    r = check_bmc(model, 3, timeout=Deadline(EXPIRED))
    assert r.verdict == "unknown" and not r.holds and "timeout" in r.reason and r.trace is None
    assert check_bmc(model, 3).verdict == "holds"


def test_bmc_trace_stays_real_when_canonicalising_runs_out_of_time(write_claim):
    """The violation was found; out of time while making it canonical, the found trace
    is reported (sound), not dropped and not a crash."""
    model = load(write_claim, COUNTER)
    enc = Encoding.of(model)
    s = Unroller(enc, None, config=False)
    s.add(*[enc.trans(i) for i in range(4)])
    bad = enc.inv_bad("small", 4)
    assert s.check(bad).sat
    found = s.model()
    s.add(bad)
    s.deadline = Deadline(EXPIRED)
    trace = canonical_trace(s, 4, found)
    assert trace.length == 4 and trace.steps[-1].state["x"] > 3
    assert [step.action for step in trace.steps[1:]] == ["inc"] * 4  # the only way there


def test_kind_and_pdr_out_of_time_are_unknown_and_prove_nothing(write_claim):
    model = load(write_claim, COUNTER.replace("small: x <= 3", "small: x <= 9"))
    out = kind.check_kind(model, kind.MAX_K, timeout=Deadline(EXPIRED))
    assert out.verdict == "unknown" and "out of time" in out.reason
    assert kind.check_kind(model, kind.MAX_K).verdict == "proved"
    out = pdr.check_pdr(model, timeout=Deadline(EXPIRED))
    assert out.verdict == "unknown" and "out of time" in out.reason
    proved = pdr.check_pdr(model)
    assert proved.verdict == "proved"
    assert not pdr.recheck(model, proved.certificate, timeout=Deadline(EXPIRED))
    assert not kind.recheck(model, kind.check_kind(model, kind.MAX_K), timeout=Deadline(EXPIRED))


def test_engine_proof_phase_out_of_time_stays_bounded(write_claim):
    model = load(write_claim, COUNTER.replace("small: x <= 3", "small: x <= 9"))
    r = engine.prove(model, 3, prove_timeout=1e-6, engine="kind")
    assert r.verdict == "holds" and not r.proved and r.bound == 3 and "not proved" in r.reason
    assert engine.prove(model, 3).proved


@pytest.mark.parametrize("timeout", [1e-6, 0.001])
def test_prove_with_a_tiny_timeout_is_unknown(write_claim, timeout):
    for text in (COUNTER, WAITS):
        model = load(write_claim, text)
        r = symcheck.prove(model, timeout=timeout)
        assert r.verdict == "unknown" and not r.holds and not r.as_expected and r.reason


def test_matrix_out_of_time_is_unknown(write_claim):
    model = load(write_claim, SYMBOLIC)
    m = matrix(model, timeout=EXPIRED)
    assert m.verdict == "unknown" and all(r.verdict == "unknown" and "timeout" in r.reason for r in m.rows)
    m = matrix(model, prove_timeout=1e-6)  # enumeration done, the proof out of time: bounded rows
    assert m.verdict == "violated" and m.count("holds") + m.count("violated") == 3 and not m.count("proved")


def test_several_traces_out_of_time_are_unknown(write_claim):
    model = load(write_claim, COUNTER.replace("depth: 3", "depth: 6"))
    [r] = check_bmc_traces(model, 6, 5, timeout=EXPIRED)
    assert r.verdict == "unknown" and "timeout" in r.reason
    assert all(x.violated for x in check_bmc_traces(model, 6, 5))


def test_coverage_out_of_time_flags_nothing(write_claim):
    model = load(write_claim, COUNTER)
    cov = coverage(model, 3, timeout=EXPIRED)
    assert cov.reason and "timeout" in cov.reason and not cov.flagged
    assert coverage(model, 3).flagged and coverage(model, 4).actions == {"inc": 1, "reset": 4}


def test_lasso_engine_out_of_time_is_unknown(write_claim):
    model = load(write_claim, WAITS)
    r = check_lasso(model, 4, timeout=Deadline(EXPIRED))
    assert r.verdict == "unknown" and "timeout" in r.reason
    assert check_lasso(model, 4).violated


def test_lasso_stays_real_when_canonicalising_runs_out_of_time(write_claim):
    """The binary search of the canonical lasso used to read `unknown` as unsat and
    then fail an assertion; now the lasso found is kept."""
    model = load(write_claim, WAITS)
    enc = Encoding(model)
    s = Unroller(enc, None, well_formed=True, config=False)
    s.push()
    lasso = fair_lasso(s, [], model.properties[0], 0)
    assert s.check().sat
    s.deadline = Deadline(EXPIRED)
    trace, loop_start = canonical_lasso(s, lasso)
    assert lasso_problem(model, trace, loop_start, "served_eventually") is None


def test_a_timeout_is_never_slow_to_take_effect(write_claim):
    model = load(write_claim, COUNTER.replace("depth: 3", "depth: 40"))
    t0 = time.perf_counter()
    r = engine.prove(model, 40, timeout=0.05)
    assert r.verdict in ("unknown", "violated") and time.perf_counter() - t0 < 5


def test_a_deadline_sets_the_solvers_timeout_rarely_and_lifts_it(write_claim, monkeypatch):
    """Setting Z3's timeout costs work in proportion to what the solver holds: set before
    every query, it made BMC on bench/protocols' Bakery 5 to 10 times slower. It is set
    again only when the time left shrinks by 5 % (or grows), and lifted without a deadline."""
    sets: list[int] = []
    original = z3.Solver.set

    def counting(self, *args, **kw):
        if args and args[0] == "timeout":
            sets.append(args[1])
        return original(self, *args, **kw)

    monkeypatch.setattr(z3.Solver, "set", counting)
    model = load(write_claim, COUNTER.replace("depth: 3", "depth: 6"))
    queries = 0
    real_check = z3.Solver.check

    def counted_check(self, *args):
        nonlocal queries
        queries += 1
        return real_check(self, *args)

    monkeypatch.setattr(z3.Solver, "check", counted_check)
    r = check_bmc(model, 6, timeout=Deadline(600))
    assert r.violated and r.length == 4
    assert queries > 10 and len(sets) == 1, (queries, sets)  # one solver, 600 s barely shrank
    s = z3.Solver()
    s.add(z3.Int("x") > 0)
    sets.clear()
    assert check(s, Deadline(600)).sat and check(s, Deadline(599)).sat and len(sets) == 1
    assert check(s, Deadline(1000)).sat and len(sets) == 2  # more time than the limit set: set again
    assert check(s, Deadline(10)).sat and check(s, None).sat
    assert 9_000 < sets[-2] <= 10_000
    assert sets[-1] == 2**32 - 1  # no deadline: no limit left over from the last one
