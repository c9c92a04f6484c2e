"""The race behind `--engine auto` (engines/race.py): after the explicit search's head
start in this process, the search (again, in its own process), BMC and the proof
engines start at once; the first decisive answer wins, `unknown` never does, and depth
gates no proof."""
import time

import pytest

import symcheck
from conftest import process_alive, stride_claim
from symcheck.engines import auto, bmc, race
from symcheck.trace import HOLDS, PROVED, UNKNOWN, Outcome
from test_portfolio import COUNTER, RECHECKED, _fake

pytestmark = pytest.mark.skipif(not auto.portfolio_supported(), reason="the race needs fork and two cores")

STRIDE = stride_claim("stride", "not_three", "x != 3")  # holds: x visits 0, 2, 4, 6 (4 states)


def _engines(monkeypatch, *engines):
    from symcheck.engines import recheck
    monkeypatch.setattr(auto, "PROOF_ENGINES", {e.name: e for e in engines})
    monkeypatch.setattr(recheck, "RECHECKS", {**recheck.RECHECKS, **{
        e.name: (lambda model, out, deadline, enc, ok=RECHECKED[e.name]: "" if ok else None) for e in engines}})


def test_the_search_wins_the_race_when_it_decides_first(write_claim, monkeypatch, tmp_path):
    """The head start is too short for the claim: the search in its own process proves
    it while the proof engine never answers; the proof engine is ended."""
    monkeypatch.setattr(auto, "EXPLICIT_STATES", 1)
    pid_file = tmp_path / "slow.pid"
    _engines(monkeypatch, _fake("slow", PROVED, delay=600, pid_file=pid_file))
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    t0 = time.perf_counter()
    r = symcheck.prove(model)
    assert time.perf_counter() - t0 < 60
    assert r.verdict == PROVED and r.engine == "explicit" and r.states == 4
    assert r.proof[-1].startswith("engine choice: the explicit-state search and the SMT engines raced")
    if pid_file.exists():  # (it may have been ended before it started)
        pid, deadline = int(pid_file.read_text()), time.monotonic() + 5
        while process_alive(pid) and time.monotonic() < deadline:  # ended, and gone once the signal lands
            time.sleep(0.05)
        assert not process_alive(pid)


def test_an_unknown_from_the_search_never_wins(write_claim, monkeypatch):
    """The search gives up at once (a cap of 1 state in the race too): the proof engine's
    later answer wins; with no proof, BMC's bounded holds stands, with every reason."""
    monkeypatch.setattr(auto, "EXPLICIT_STATES", 1)
    monkeypatch.setattr(race, "RACE_STATES", 1)
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    _engines(monkeypatch, _fake("prover", PROVED, delay=0.5))
    r = symcheck.prove(model)
    assert r.verdict == PROVED and r.engine == "prover"
    _engines(monkeypatch, _fake("quitter", UNKNOWN))
    r = symcheck.prove(model, depth=3)
    assert r.verdict == HOLDS and r.bound == 3
    assert "quitter: gave up" in r.reason and "explicit-state search: more than 1 states" in r.reason


def test_a_proof_does_not_wait_for_bmc(write_claim, monkeypatch):
    """Depth gates no proof: BMC that never finishes does not hold the proof back, and
    is ended when the proof wins."""
    monkeypatch.setattr(auto, "EXPLICIT_STATES", 0)
    monkeypatch.setattr(race, "RACE_STATES", 0)

    def stuck(model, enc, deadline, depth, progress=None):
        time.sleep(600)
        return Outcome(model.name, HOLDS, depth, model.expect)
    monkeypatch.setattr(bmc, "run", stuck)
    _engines(monkeypatch, _fake("prover", PROVED))
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    t0 = time.perf_counter()
    r = symcheck.prove(model)
    assert time.perf_counter() - t0 < 60 and r.verdict == PROVED and r.engine == "prover"


def test_a_violation_beyond_the_head_start_has_the_shortest_trace(write_claim):
    """x != 5 breaks after 5 steps; the claim's depth is 2: whichever engine finds it in
    the race, the trace is a shortest one, as BMC gives it at that depth."""
    red = symcheck.load_claim(str(write_claim(COUNTER, "counter.yaml")))
    direct = symcheck.prove(red, depth=7, engine="bmc")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auto, "EXPLICIT_STATES", 1)
        raced = symcheck.prove(red, depth=2)
    assert raced.violated and raced.length == direct.length == 5 and raced.trace == direct.trace


def test_a_timeout_in_the_race_is_unknown_and_in_time(write_claim, monkeypatch):
    monkeypatch.setattr(auto, "EXPLICIT_STATES", 1)
    monkeypatch.setattr(race, "RACE_STATES", 1)
    _engines(monkeypatch, _fake("slow", PROVED, delay=600))
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    t0 = time.perf_counter()
    r = symcheck.prove(model, timeout=3)
    assert time.perf_counter() - t0 < 10
    assert r.verdict in (UNKNOWN, HOLDS) and r.verdict != PROVED
