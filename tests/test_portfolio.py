"""The engine portfolio (symcheck/engines/auto.py): the proof engines run in parallel
processes, the first definitive answer wins and the others are ended; unknown, or a
proof that fails its re-check, never wins; a violation beyond the bound comes back as
BMC's canonical shortest trace. The verdicts and traces equal the sequential ones."""
import os
import time

import pytest

import symcheck
from conftest import stride_claim
from symcheck import cli
from symcheck.engines import auto, race, recheck
from symcheck.explicit.evaluator import search
from symcheck.front.ir import Feature
from symcheck.trace import HOLDS, PROVED, UNKNOWN, Outcome

pytestmark = pytest.mark.skipif(not auto.portfolio_supported(), reason="the portfolio needs fork and two cores")

STRIDE = stride_claim("stride", "not_three", "x != 3")  # holds: x visits 0, 2, 4, 6
# x counts 0, 1, 2, ...: "x != 5" breaks after 5 steps, beyond a bound of 2
COUNTER = ("claim: counter\nvariables:\n  x: 0..7\ninit:\n  x: 0\nactions:\n  up:\n    when: x < 7\n"
           "    then:\n      x: x + 1\ninvariants:\n  not_five: x != 5\n")


def _fake(name: str, verdict: str, delay: float = 0.0, recheck: bool = True, pid_file=None) -> auto.ProofEngine:
    """An engine that answers `verdict` after `delay` seconds (writing its process id to
    `pid_file` first, so a test can see it was ended)."""
    def run(model, enc, deadline) -> Outcome:
        if pid_file is not None:
            pid_file.write_text(str(os.getpid()))
        time.sleep(delay)
        return Outcome(model.name, verdict, None, model.expect, engine=name, k=1 if verdict == PROVED else None,
                       reason=None if verdict == PROVED else "gave up", proof=[f"{name} proof"])
    RECHECKED[name] = recheck
    return auto.ProofEngine(name, run, lambda out, depth: out.proof, frozenset(Feature))


RECHECKED: dict[str, bool] = {}  # a fake engine's name -> whether its proof passes the re-check


def _prove_with(monkeypatch, model, *engines):
    monkeypatch.setattr(auto, "PROOF_ENGINES", {e.name: e for e in engines})
    monkeypatch.setattr(recheck, "RECHECKS", {**recheck.RECHECKS, **{
        e.name: (lambda model, out, deadline, enc, ok=RECHECKED[e.name]: "" if ok else None) for e in engines}})
    _smt_only(monkeypatch)
    return symcheck.prove(model, depth=2)


def _smt_only(monkeypatch):
    """The explicit search gives up at once and does not race: the SMT engines decide."""
    monkeypatch.setattr(auto, "EXPLICIT_STATES", 0)
    monkeypatch.setattr(race, "RACE_STATES", 0)


def test_the_first_definitive_answer_wins_and_the_others_are_ended(write_claim, monkeypatch, tmp_path):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    pid_file = tmp_path / "slow.pid"
    t0 = time.perf_counter()
    r = _prove_with(monkeypatch, model, _fake("slow", PROVED, delay=600, pid_file=pid_file), _fake("fast", PROVED))
    assert time.perf_counter() - t0 < 60
    assert r.verdict == PROVED and r.engine == "fast" and r.proof[0] == "fast proof"
    assert r.proof[-2] == ("engine choice: BMC and slow, fast at once in parallel processes (slow alone for "
                           f"{auto.HEAD_START:g} s); fast answered first")
    assert r.proof[-1] == "depth 2 (asked): Z3 BMC found no violation in depths 0..2; fast proved every depth"
    slow = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # ended and reaped
        os.kill(slow, 0)


def test_a_quick_first_engine_needs_no_second_process(write_claim, monkeypatch, tmp_path):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    pid_file = tmp_path / "second.pid"
    r = _prove_with(monkeypatch, model, _fake("first", PROVED), _fake("second", PROVED, pid_file=pid_file))
    assert r.engine == "first" and not pid_file.exists()


def test_the_later_engines_run_at_a_lower_priority(write_claim, monkeypatch, tmp_path):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    seen = tmp_path / "niceness"

    def noting(name, verdict):
        engine = _fake(name, verdict)

        def run(model, enc, deadline):
            with open(seen, "a") as f:
                f.write(f"{name} {os.nice(0)}\n")
            return engine.run(model, enc, deadline)
        return auto.ProofEngine(name, run, engine.explain, engine.supports)

    r = _prove_with(monkeypatch, model, noting("first", UNKNOWN), noting("second", PROVED))
    assert r.engine == "second"
    niceness = dict(line.split() for line in seen.read_text().splitlines())
    assert int(niceness["second"]) == min(19, int(niceness["first"]) + auto.LATER_NICENESS)


def test_unknown_never_wins_while_another_engine_may_decide(write_claim, monkeypatch):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = _prove_with(monkeypatch, model, _fake("quitter", UNKNOWN), _fake("prover", PROVED, delay=0.5))
    assert r.verdict == PROVED and r.engine == "prover"


def test_a_proof_that_fails_its_recheck_is_never_reported(write_claim, monkeypatch):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = _prove_with(monkeypatch, model, _fake("wrong", PROVED, recheck=False), _fake("quitter", UNKNOWN, delay=0.3))
    assert r.verdict == HOLDS and r.bound == 2
    assert "wrong claimed a proof at k = 1 that failed its re-check" in r.reason and "quitter: gave up" in r.reason


def test_no_answer_keeps_the_bounded_verdict_with_every_engines_reason(write_claim, monkeypatch):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = _prove_with(monkeypatch, model, _fake("a", UNKNOWN, delay=0.2), _fake("b", UNKNOWN))
    assert r.verdict == HOLDS and r.reason == "not proved for every depth: a: gave up; b: gave up"


@pytest.mark.parametrize("engine", ["auto", "sequential"])
def test_the_real_portfolio_agrees_with_the_explicit_search(write_claim, engine, monkeypatch):
    _smt_only(monkeypatch)  # the SMT engines decide, not the explicit-state engine
    green = symcheck.load_claim(str(write_claim(STRIDE)))
    r = symcheck.prove(green, depth=1, engine=engine)
    assert r.verdict == PROVED and r.engine in auto.PROOF_ENGINES and search(green, 100).invariant is None
    # a violation beyond the bound: the canonical shortest trace BMC finds at that depth
    red = symcheck.load_claim(str(write_claim(COUNTER, "counter.yaml")))
    deep = symcheck.prove(red, depth=2, engine=engine)
    direct = symcheck.prove(red, depth=7, engine="bmc")
    assert deep.violated and deep.length == direct.length == search(red, 100).depth == 5
    assert deep.trace == direct.trace and deep.invariant == direct.invariant == "not_five"


def test_a_violation_from_the_portfolio_ends_the_other_engines(write_claim, monkeypatch, tmp_path):
    red = symcheck.load_claim(str(write_claim(COUNTER)))
    pid_file = tmp_path / "slow.pid"
    kind = auto.PROOF_ENGINES["kind"]
    monkeypatch.setattr(auto, "PROOF_ENGINES", {"slow": _fake("slow", PROVED, delay=600, pid_file=pid_file),
                                                "kind": kind})
    t0 = time.perf_counter()
    r = symcheck.prove(red, depth=2)
    assert time.perf_counter() - t0 < 60 and r.violated and r.length == 5
    if pid_file.exists():  # (it may have been ended before it started)
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid_file.read_text()), 0)


def test_the_cli_offers_every_engine_of_the_orchestrator():
    assert cli.ENGINES == auto.ENGINES


def test_ending_a_limited_check_ends_the_portfolio_it_started(tmp_path):
    """A check over its --timeout is killed; its engine processes die with it."""
    from symcheck.limits import run_limited, run_parallel
    pid_file = tmp_path / "engine.pid"

    def engine():
        pid_file.write_text(str(os.getpid()))
        time.sleep(600)

    def check(_report):
        run_parallel([engine, engine], 2, lambda i, why: why)

    r = run_limited(check, _Named(), timeout=0.5)
    assert r.verdict == UNKNOWN and "timeout after 0.5 s" in r.reason
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the kernel signals the orphans at once; allow a moment
        try:
            os.kill(int(pid_file.read_text()), 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("an engine process outlived its check")


class _Named:
    name, expect = "c", "holds"
