"""No lost results, and the same results every time: `check --results` writes every file
atomically; a real Ctrl-C (SIGINT to the process group) prints the partial table,
exits 130 and leaves only complete files; the same command gives byte-identical trace
and result files whatever PYTHONHASHSEED is."""
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import CLAIMS
from symcheck import cli as cli_module
from symcheck.report import artifacts as artifacts_module

SLOW = """\
claim: slow
title: A claim that takes minutes to check to its depth
types:
  K: {enum: [a, b, c, d, e, f]}
variables:
  n: 0..5000
  seen: set[K]
init:
  n: 0
  seen: "{}"
actions:
  step:
    params: {k: K, j: K}
    when: n < 5000
    then:
      n: n + 1
      seen: "seen | {k} if j != k else seen - {k}"
invariants:
  small: n <= 5000
  some: len(seen) <= 6
depth: 1000
"""


@pytest.mark.slow
@pytest.mark.parametrize("limits", [[], ["--timeout", "600", "--memory", "4000"]], ids=["in-process", "worker"])
def test_ctrl_c_prints_the_partial_table_and_leaves_only_complete_files(tmp_path, limits):
    claims = tmp_path / "claims"
    claims.mkdir()
    shutil.copy(CLAIMS / "ingress-gating.yaml", claims)
    (claims / "slow.yaml").write_text(SLOW)
    out = tmp_path / "results"
    # stderr on a terminal: `check` reports each finished variant there, so we know when
    # the fast family is done and the slow claim is running (one variant at a time)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "symcheck.cli", "check", "ingress-gating", "slow",
                             "--claims", str(claims), "--results", str(out), "--jobs", "1", *limits],
                            stdout=subprocess.PIPE, stderr=slave, text=True, start_new_session=True)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while b"ingress-gating-negative" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            seen += os.read(master, 4096)
    assert b"ingress-gating-negative" in seen, seen
    time.sleep(0.5)  # well into the slow claim
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
    stdout, _ = proc.communicate(timeout=30)
    os.close(master)
    assert proc.returncode == 130
    assert "2 variants checked, 2 as expected, 0 not as expected (interrupted)" in stdout
    assert re.search(r"^ingress-gating-negative +violated +violated", stdout, re.M)
    assert "slow" not in stdout
    files = sorted(p.name for p in out.iterdir())
    assert files == ["ingress-gating-negative.json", "ingress-gating-negative.txt", "ingress-gating.json",
                     "ingress-gating.txt", "itf", "junit.xml", "results.json", "results.sarif", "run.log",
                     "summary.md"]
    for name in files:
        if name.endswith(".json"):
            assert all(r["claim"].startswith("ingress-gating") for r in json.loads((out / name).read_text())["results"])
    assert len(json.loads((out / "results.json").read_text())["results"]) == 2
    assert "2 variants, 2 as expected" in (out / "summary.md").read_text()


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "x.json"
    target.write_text("old\n")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(artifacts_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cli_module._atomic_write(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


DETERMINISM = ["pairing-negative", "routing-isolation-negative", "nodes-pipeline-negative", "approvals-token-negative",
               "gateway-exposure-v2-unsafe-tailnet", "ingress-gating"]


def test_same_command_gives_byte_identical_results_whatever_the_hash_seed(tmp_path):
    dirs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"run-{seed}"
        proc = subprocess.run([sys.executable, "-m", "symcheck.cli", "check", *DETERMINISM, "--results", str(out)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        dirs.append(out)
    names = sorted(str(p.relative_to(dirs[0])) for p in dirs[0].rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(dirs[1])) for p in dirs[1].rglob("*") if p.is_file())
    # per variant .json and .txt (ingress-gating names a family of two), an ITF trace per red,
    # and results.json, junit.xml, results.sarif, run.log, summary.md
    assert len(names) == 2 * 7 + 6 + 5
    for name in names:
        a, b = ((d / name).read_bytes() for d in dirs)
        if name in ("summary.md", "run.log"):  # seconds and the results folder vary: compare everything else
            assert all(b"--results" in x for x in (a, b))
            a, b = (re.sub(rb"\d+\.\d+", b"#", re.sub(rb"symcheck check [^`\n]*", b"", x)) for x in (a, b))
        if name == "junit.xml":  # seconds vary
            a, b = (re.sub(rb'time="[0-9.]+"', b"", x) for x in (a, b))
        assert a == b, name
