"""Resource limits for one check: wall-clock seconds and megabytes of memory.

The check runs in a forked worker process whose resident memory (symcheck itself, some
25 MB, included) may not exceed the memory limit: the parent watches it, and as a
backstop against a sudden allocation the worker's address space may grow by no more
than the limit (an rlimit). Both bound Z3 and Python alike, where Z3's own
`memory_max_size` would miss the encoder's allocations. The parent also ends the worker
if it overruns the time limit (the engine stops itself at the limit between and within
solver queries; the parent's deadline is the backstop for a long encoding). Whatever
happens in the worker — a result, an out-of-memory error, a kill — the caller gets a
Result: the engine's, or `unknown` with the reason. A limit never yields holds."""
from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from multiprocessing.connection import Pipe

from symcheck.trace import UNKNOWN, Result

GRACE = 1.0  # seconds past the time limit before the worker is ended (at least; see _deadline)
POLL = 0.02  # seconds between looks at the worker's memory
MB = 1 << 20


def supported() -> bool:
    return hasattr(os, "fork")


def run_limited(run, model, timeout: float | None = None, memory: int | None = None, progress=None) -> Result:
    """`run(progress)` -> Result, in a worker under the limits. `model` names the check
    (and its expectation) in an `unknown` result."""
    if not supported():  # pragma: no cover - Windows: the engine's own timeout only
        return run(progress)
    # Load Z3's shared library before the worker limits its address space: loading it
    # under a small --memory fails, and Z3's loader then prints to stdout (into JSON).
    import symcheck.smt.solve  # noqa: F401
    sys.stdout.flush()
    sys.stderr.flush()
    recv, send = Pipe(duplex=False)
    base = _address_space()
    pid = os.fork()
    if pid == 0:  # the worker
        recv.close()
        _worker(run, send, memory, base)
    send.close()
    start = time.monotonic()
    deadline = start + _deadline(timeout) if timeout else None
    explored = -1
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if memory is not None:
                wait = POLL if wait is None else min(wait, POLL)
            if not recv.poll(wait):
                where = f"at depth {explored + 1}" if explored >= 0 else "while encoding the model"
                if deadline is not None and time.monotonic() >= deadline:
                    _end(pid)
                    return _unknown(model, explored, f"timeout after {timeout:g} s {where} (the check was ended)",
                                    start)
                if memory is not None and _resident_bytes(pid) > memory * MB:
                    _end(pid)
                    return _unknown(model, explored, f"memory limit of {memory} MB exceeded {where}", start)
                continue
            try:
                kind, *payload = recv.recv()
            except EOFError:  # the worker died without a word
                status = _end(pid)
                return _unknown(model, explored, _death(status, memory, explored), start)
            if kind == "progress":
                explored = payload[0]
                if progress:
                    progress(*payload)
                continue
            _end(pid)
            if kind == "result":
                return payload[0]
            if kind == "memory":
                where = f"at depth {explored + 1}" if explored >= 0 else "while encoding the model"
                what = f"memory limit of {memory} MB exceeded" if memory is not None else "out of memory"
                return _unknown(model, explored, f"{what} {where}", start)
            raise RuntimeError(f"the check failed in its worker process:\n{payload[0]}")
    except BaseException:
        _end(pid)
        raise
    finally:
        recv.close()


def _deadline(timeout: float) -> float:
    return timeout + max(GRACE, timeout / 2)


def _worker(run, send, memory, base) -> None:
    """Runs in the child: never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports and cleans up
        if memory is not None:
            import resource
            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            limit = base + memory * MB
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        result = run(lambda d, secs: send.send(("progress", d, secs)))
        send.send(("result", result))
    except MemoryError:
        code = _say(send, ("memory",))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        if "out of memory" in str(exc).lower() and memory is not None:  # Z3 under the rlimit
            code = _say(send, ("memory",))
        else:
            code = _say(send, ("error", traceback.format_exc()))
    finally:
        os._exit(code)


def _say(send, message) -> int:
    try:
        send.send(message)
        return 0
    except BaseException:  # noqa: BLE001 - even pickling may fail without memory
        return 3


def _end(pid: int) -> int:
    """Stop the worker if it still runs; its wait status."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        return status
    except ChildProcessError:
        return 0


def _death(status: int, memory: int | None, explored: int) -> str:
    what = f"killed by {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status) else \
        f"exit status {os.WEXITSTATUS(status)}"
    where = f"at depth {explored + 1}" if explored >= 0 else "while encoding the model"
    if memory is not None:
        return f"memory limit of {memory} MB exceeded {where} (the check process ended: {what})"
    return f"the check process ended abnormally {where} ({what})"


def _resident_bytes(pid: int) -> int:
    """The worker's resident memory (Linux); else 0 (the rlimit still holds)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _address_space() -> int:
    """Bytes of address space this process uses now (Linux), else 0."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _unknown(model, explored: int, reason: str, start: float) -> Result:
    res = Result(model.name, UNKNOWN, max(explored + 1, 0), model.expect, reason=reason)
    res.timings = {"solve": time.monotonic() - start}
    return res
