"""`symcheck check --jobs N`: variants checked in parallel processes give the output and
artifacts of a one-at-a-time run (timings aside), in the catalog order whatever the
finishing order; off a terminal, stderr gets one plain progress line per finished
variant."""
import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from symcheck.progress import CheckProgress, finished_line

SMALL = ["ingress-gating", "routing-isolation", "precedence"]  # 6 variants, greens and reds, a second or so each


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], capture_output=True, text=True, **kw)


def _without_timings(value):
    """A JSON document with its measured seconds left out."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in ("timings", "seconds")}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _table_without_seconds(stdout: str) -> list[list[str]]:
    """The table's cells split at spaces, the seconds (the one cell like 0.25) left out."""
    return [[cell for cell in line.split() if not re.fullmatch(r"\d+\.\d\d", cell)]
            for line in stdout.splitlines() if line.strip()]


def test_jobs_give_the_output_and_artifacts_of_a_sequential_run(tmp_path):
    """`--engine sequential` keeps the choice of the proof engine deterministic (the
    portfolio's winner is the faster engine, which load can change)."""
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"results-{jobs}"
        p = cli("check", *SMALL, "--jobs", jobs, "--engine", "sequential", "--format", "json", "--results", str(out))
        assert p.returncode == 0, p.stderr
        runs[jobs] = p, out
    (one, out1), (two, out2) = runs["1"], runs["2"]
    assert _without_timings(json.loads(one.stdout)) == _without_timings(json.loads(two.stdout))
    files = sorted(p.relative_to(out1) for p in out1.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out2) for p in out2.rglob("*") if p.is_file())
    for name in files:
        a, b = (out1 / name).read_text(), (out2 / name).read_text()
        if name.suffix == ".json":
            assert _without_timings(json.loads(a)) == _without_timings(json.loads(b)), name
        elif name.name in ("junit.xml", "run.log", "summary.md"):  # timings and the command line
            assert _numbers_out(a.replace("--jobs 1", "--jobs 2")) == _numbers_out(b), name
        else:
            assert a == b, name


def _numbers_out(text: str) -> str:
    return re.sub(r"\d+(\.\d+)?", "#", text)


def test_the_table_keeps_the_selection_order_and_the_default_engine_agrees():
    """The order of a one-at-a-time run: the names' order, each family in catalog order."""
    listed = cli("list", "--names").stdout.split()
    p1 = cli("check", *SMALL, "--jobs", "1", "--engine", "bmc")
    p2 = cli("check", *SMALL)  # --jobs: the core count; auto: the portfolio
    assert p1.returncode == 0 and p2.returncode == 0, p2.stderr
    rows1, rows2 = _table_without_seconds(p1.stdout.split("\n\n")[0]), _table_without_seconds(p2.stdout.split("\n\n")[0])
    names = [row[0] for row in rows2[2:]]
    assert names == [row[0] for row in rows1[2:]] == [n for family in SMALL for n in listed
                                                      if n == family or n == f"{family}-negative"]
    for bounded, full in zip(rows1[2:], rows2[2:]):  # same verdicts (a proof in place of holds), same traces
        assert bounded[0] == full[0] and (bounded[2], full[2]) in (("holds", "proved"), ("violated", "violated"))
        if full[2] == "violated":  # the same trace length; the engine that found it may differ (bmc, explicit)
            engines = {"bmc", "explicit", "kind", "pdr"}
            assert [c for c in bounded if c not in engines] == [c for c in full if c not in engines]


def test_off_a_terminal_each_finished_variant_is_one_line_on_stderr():
    p = cli("check", *SMALL, "--jobs", "2", "--format", "json")
    assert p.returncode == 0
    lines = p.stderr.splitlines()
    assert len(lines) == 6, p.stderr
    for n, line in enumerate(lines, 1):
        m = re.fullmatch(r"\[(\d+)/6\] (\S+) (proved|holds|violated) \((\w+), \d+\.\d s\)", line)
        assert m and int(m.group(1)) == n, line
    assert sorted(re.match(r"\S+ (\S+)", line).group(1) for line in lines) == sorted(
        r["claim"] for r in json.loads(p.stdout)["results"])


def test_a_finished_line_marks_an_unexpected_verdict():
    assert finished_line(12, 143, "pairing-race", "proved", "kind", 1.23, True) == \
        "[12/143] pairing-race proved (kind, 1.2 s)"
    assert finished_line(3, 9, "x-negative", "holds", "bmc", 0.5, False).endswith(" NOT AS EXPECTED")


def test_the_live_bar_writes_only_to_its_stream(tmp_path):
    """On a terminal the bar (rich) draws on stderr; forced live into a file here."""
    pytest.importorskip("rich")
    path = tmp_path / "err.txt"
    with open(path, "w") as stream:
        with CheckProgress(2, stream=stream, live=True) as shown:
            shown.finished("a", "proved", "kind", 0.1, True)
            shown.finished("b", "violated", "bmc", 0.2, True)
    text = path.read_text()
    assert "[1/2] a proved (kind, 0.1 s)" in text and "[2/2] b violated (bmc, 0.2 s)" in text


def test_the_tlc_benchmark_skips_tlc_with_the_reason_when_the_suite_is_missing(tmp_path):
    """bench/vs_tlc.py on one family, without a reference suite: symcheck's table and
    totals, and the reason TLC did not run."""
    import os
    env = {**os.environ, "SYMCHECK_REFERENCE": str(tmp_path / "no-suite")}
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "vs_tlc.py"), "--only", "routing-isolation", "--jobs", "2"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert re.search(r"^routing-isolation +holds +proved +\w+ +\d+\.\d\d +\d+ +- +-", p.stdout, re.M), p.stdout
    assert re.search(r"^routing-isolation-negative +violated +violated +\w+ ", p.stdout, re.M)
    assert "symcheck check: 2 variants" in p.stdout
    assert "TLC skipped: the reference TLA+ suite was not found" in p.stdout


def test_the_tlc_benchmark_compares_verdicts():
    sys.path.insert(0, str(ROOT / "bench"))
    import vs_tlc
    assert vs_tlc.agrees("proved", "holds") and vs_tlc.agrees("holds", "holds")
    assert vs_tlc.agrees("violated", "violated") and not vs_tlc.agrees("holds", "violated")
    assert not vs_tlc.agrees("unknown", "holds")
