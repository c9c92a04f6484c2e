"""Long BMC runs show they are alive: the depth reached, the time and the peak memory, on a
terminal and, as plain lines, in CI logs; short runs and the tests' own outputs stay quiet."""
import io
import os
import re
import subprocess
import sys

import symcheck
from symcheck.progress import ProveProgress


def test_plain_lines_report_each_depth_the_engine_reaches(monkeypatch):
    """The engines' own callback drives the lines (no timing is faked but the thresholds)."""
    monkeypatch.setattr(ProveProgress, "FIRST_LINE", 0.0)
    monkeypatch.setattr(ProveProgress, "EVERY", 0.0)
    stream = io.StringIO()
    model = symcheck.load_claim("pairing")
    with ProveProgress("pairing", 6, None, stream=stream, live=False, lines=True) as shown:
        r = symcheck.prove(model, depth=6, engine="bmc", progress=shown)
    assert r.verdict == "holds" and r.bound == 6
    lines = stream.getvalue().splitlines()
    depths = [int(re.match(r"pairing: depth (\d+) of 6 explored \(\d+ s, peak \d+ MB\)$", line).group(1))
              for line in lines]
    assert depths == list(range(7))


def test_lines_wait_for_a_long_run_and_are_throttled(monkeypatch):
    stream = io.StringIO()
    shown = ProveProgress("x", 100, "portfolio", stream=stream, live=False, lines=True)
    clock = iter([1.0, 11.0, 12.0, 20.0, 45.0, 46.0])
    monkeypatch.setattr("symcheck.progress.time.perf_counter", lambda: next(clock) + shown._start)
    for depth in (1, 2, 3, 4, 5, 100):
        shown(depth, 0.0)
    lines = stream.getvalue().splitlines()
    # nothing in the first 10 s, then one line, the next one 30 s later, and the end of BMC
    assert [re.sub(r" \(\d+ s, peak \d+ MB\)$", "", line) for line in lines] == [
        "x: depth 2 of 100 explored", "x: depth 5 of 100 explored",
        "x: depth 100 explored; proof for every depth (portfolio)"]
    assert "(11 s, peak" in lines[0] and "(45 s, peak" in lines[1] and "(46 s, peak" in lines[2]


def test_off_a_terminal_lines_only_under_ci_or_when_asked(monkeypatch):
    for env, lines in (({}, False), ({"CI": "1"}, True), ({"SYMCHECK_PROGRESS": "1"}, True),
                       ({"CI": "1", "SYMCHECK_PROGRESS": "0"}, False)):
        monkeypatch.delenv("CI", raising=False)
        monkeypatch.delenv("SYMCHECK_PROGRESS", raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        shown = ProveProgress("x", 1, None, stream=io.StringIO())
        assert (shown.live, shown.lines, shown.wanted) == (False, lines, lines), env


def test_a_short_prove_in_ci_prints_no_progress():
    env = {**os.environ, "CI": "1"}
    env.pop("SYMCHECK_PROGRESS", None)
    p = subprocess.run([sys.executable, "-m", "symcheck.cli", "prove", "routing-isolation", "--engine", "bmc"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0 and "explored (" not in p.stderr
