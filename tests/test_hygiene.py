"""Process hygiene of the workers (symcheck/limits.py): a wedged worker is ended well
within half its time limit again; a worker leads its own process group and ending it
ends its children too; whatever the work raises, the child never returns into the
caller's code; a program with threads can have its workers made by a forkserver."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import SimpleNamespace

import pytest

from conftest import process_alive
from symcheck import limits
from symcheck.trace import UNKNOWN

pytestmark = pytest.mark.skipif(not limits.supported(), reason="the workers need fork")
MODEL = SimpleNamespace(name="c", expect="holds")


def _wedged(pid_file, _report):
    """Ignores SIGTERM, starts a child of its own, and never returns."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "300"])
    pid_file.write_text(f"{os.getpid()} {child.pid}")
    while True:
        time.sleep(0.05)


def test_a_wedged_worker_does_not_overrun_its_timeout_by_half(tmp_path):
    pid_file = tmp_path / "pids"
    timeout = 4.0
    t0 = time.monotonic()
    r = limits.run_limited(partial(_wedged, pid_file), MODEL, timeout=timeout)
    elapsed = time.monotonic() - t0
    assert r.verdict == UNKNOWN and "timeout after 4 s" in r.reason
    assert timeout <= elapsed < 1.5 * timeout, elapsed
    worker, child = map(int, pid_file.read_text().split())
    deadline = time.monotonic() + 5
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(worker) and not process_alive(child)  # the worker's own child died with its group


def test_a_wedged_task_of_run_parallel_is_ended_too(tmp_path):
    pid_file = tmp_path / "pids"
    t0 = time.monotonic()
    out = limits.run_parallel([partial(_wedged, pid_file, None)], 1, lambda i, why: why, timeout=2.0)
    assert time.monotonic() - t0 < 3.0 and out == ["timeout after 2 s (ended)"]
    worker, child = map(int, pid_file.read_text().split())
    deadline = time.monotonic() + 5
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(worker) and not process_alive(child)


def test_a_worker_leads_its_own_process_group():
    pgid = limits.run_limited(lambda _report: os.getpgid(0), MODEL, timeout=30)
    assert pgid != os.getpgid(0)
    pid = limits.run_limited(lambda _report: os.getpid(), MODEL, timeout=30)
    assert pid != os.getpid()


def test_whatever_the_work_raises_the_child_never_returns_into_the_caller(tmp_path):
    marker = tmp_path / "after"
    for exc in (SystemExit(3), KeyboardInterrupt(), GeneratorExit()):
        def work(_report, exc=exc):
            raise exc
        r = limits.run_limited(work, MODEL, timeout=30)
        with open(marker, "a") as f:  # only this process gets here: the child ended inside the worker
            f.write(f"{os.getpid()}\n")
        assert r.verdict == UNKNOWN and "ended abnormally" in r.reason
    assert marker.read_text().split() == [str(os.getpid())] * 3


def _parent_pid(_report=None):
    return os.getppid()


@pytest.mark.parametrize("start", ["forkserver", "spawn"])
def test_a_program_with_threads_has_its_workers_made_elsewhere(start):
    """As `symcheck serve` does: the request's thread asks; the worker is not a fork of it."""
    with ThreadPoolExecutor(2) as pool:
        parent = pool.submit(limits.run_limited, _parent_pid, MODEL, 60, None, None, start).result()
        both = pool.submit(limits.run_parallel, [_parent_pid, _parent_pid], 2, lambda i, why: why, timeout=60,
                           start=start).result()
    if start == "forkserver":  # the server process forks the workers
        assert parent != os.getpid() and both == [parent, parent]
    else:  # a fresh interpreter, started (not forked) by this process
        assert parent == os.getpid() and both == [parent, parent]
    forked = limits.run_limited(_parent_pid, MODEL, timeout=30)
    assert forked == os.getpid()
