"""Resource limits for one check: wall-clock seconds and megabytes of memory.

The check runs in a forked worker process whose resident memory (symcheck itself, some
25 MB, included) may not exceed the memory limit: the parent watches it, and as a
backstop against a sudden allocation the worker's address space may grow by no more
than the limit (an rlimit). Both bound Z3 and Python alike, where Z3's own
`memory_max_size` would miss the encoder's allocations. The parent also ends the worker
if it overruns the time limit (the engine stops itself at the limit between and within
solver queries; the parent's deadline is the backstop for a long encoding). Whatever
happens in the worker — a result, an out-of-memory error, a kill — the caller gets a
Result: the engine's, or `unknown` with the reason. A limit never yields holds.

`run_parallel` runs several tasks in such workers at once: the engine portfolio (the
first definitive answer wins, the others are ended) and `check --jobs N`.

Process hygiene: the child runs inside try/os._exit from the instruction after fork
(it never returns into the caller's code, whatever it raises), and the parent records
its pid before anything else. Each worker leads its own process group, and ending it
kills the whole group, so a worker's own children die with it. A caller with threads
(`symcheck serve`) passes `start="forkserver"` (or "spawn"): its workers then come from
a clean single-threaded server process instead of a fork of a thread that may hold
locks; its `work` must then be picklable (a module-level function or a partial)."""
from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from multiprocessing.connection import Pipe, wait
from typing import TypeVar

from symcheck.trace import UNKNOWN, Result

T = TypeVar("T")
Report = Callable[[int, float], None]  # progress: (depth explored, seconds)

GRACE = 1.0  # seconds past the time limit before the worker is ended (at most a quarter of the limit; _deadline)
POLL = 0.02  # seconds between looks at the worker's memory
TICK = 0.25  # seconds between run_parallel's calls of its `tick`
MB = 1 << 20
# what a forkserver loads before it forks workers: Z3 and the engines' modules
PRELOAD = ("symcheck.smt.solve", "symcheck.api", "symcheck.engines.auto", "symcheck.report.text")


def supported() -> bool:
    return hasattr(os, "fork")


class Worker:
    """One forked child running `work(report) -> object` under the memory limit; the
    parent reads its messages from `conn`: ("progress", depth, seconds), ("result",
    value), ("memory",), ("error", traceback). A worker dies with its parent (Linux), so
    ending a worker also ends the workers it started (a portfolio inside a limited check)."""

    def __init__(self, work: Callable[[Report], object], memory: int | None = None, start: str = "fork") -> None:
        # Load Z3's shared library before the worker limits its address space: loading it
        # under a small --memory fails, and Z3's loader then prints to stdout (into JSON).
        import symcheck.smt.solve  # noqa: F401
        sys.stdout.flush()
        sys.stderr.flush()
        recv, send = Pipe(duplex=False)
        self.process = None
        if start == "fork":
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code
                try:
                    recv.close()
                    _worker(work, send, memory, parent)
                finally:
                    os._exit(70)
            self.pid = pid  # recorded before anything else runs
        else:
            self.process = _context(start).Process(target=_worker, args=(work, send, memory, None), daemon=True)
            self.process.start()
            self.pid = self.process.pid or 0
        try:
            os.setpgid(self.pid, self.pid)  # its own group (the child asks too: whichever runs first)
        except OSError:
            pass
        send.close()
        self.conn, self.memory = recv, memory
        self.start = time.monotonic()
        self.explored = -1  # the last depth it reported

    def where(self) -> str:
        return f"at depth {self.explored + 1}" if self.explored >= 0 else "while encoding the model"

    def over_memory(self) -> bool:
        return self.memory is not None and _resident_bytes(self.pid) > self.memory * MB

    def end(self) -> int:
        """Stop the worker and its process group if it still runs; its wait status."""
        status = _end(self.pid)
        if self.process is not None:  # not our child (a forkserver's): multiprocessing reaps it
            self.process.join(1.0)
            code = self.process.exitcode
            status = (code << 8) if code is not None and code >= 0 else (-(code or 9) & 0x7F)
        self.conn.close()
        return status


def run_limited(run, model, timeout: float | None = None, memory: int | None = None, progress=None,
                start: str = "fork") -> Result:
    """`run(progress)` -> Result, in a worker under the limits. `model` names the check
    (and its expectation) in an `unknown` result. `start`: how the worker is made (see
    the module's docstring: "forkserver" from a program with threads)."""
    if not supported():  # pragma: no cover - Windows: the engine's own timeout only
        return run(progress)
    worker = Worker(run, memory, start)
    began = worker.start
    deadline = began + _deadline(timeout) if timeout else None
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if memory is not None:
                wait = POLL if wait is None else min(wait, POLL)
            if not worker.conn.poll(wait):
                if deadline is not None and time.monotonic() >= deadline:
                    worker.end()
                    return _unknown(model, worker.explored,
                                    f"timeout after {timeout:g} s {worker.where()} (the check was ended)", began)
                if worker.over_memory():
                    worker.end()
                    return _unknown(model, worker.explored, f"memory limit of {memory} MB exceeded {worker.where()}",
                                    began)
                continue
            try:
                kind, *payload = worker.conn.recv()
            except EOFError:  # the worker died without a word
                status = worker.end()
                return _unknown(model, worker.explored, _death(status, memory, worker.where()), began)
            if kind == "progress":
                worker.explored = payload[0]
                if progress:
                    progress(*payload)
                continue
            worker.end()
            if kind == "result":
                return payload[0]
            if kind == "memory":
                return _unknown(model, worker.explored, _out_of_memory(memory, worker.where()), began)
            raise RuntimeError(f"the check failed in its worker process:\n{payload[0]}")
    except BaseException:
        worker.end()
        raise


def run_parallel(tasks: Sequence[Callable[[], T]], width: int, failed: Callable[[int, str], T], *,
                 timeout: float | None = None, memory: int | None = None,
                 stop: Callable[[int, T], bool] | None = None,
                 done: Callable[[int, T], None] | None = None,
                 after: Sequence[float] | None = None, cut: Callable[[int, T], bool] | None = None,
                 tick: Callable[[], None] | None = None, start: str = "fork") -> list[T | None]:
    """Run the tasks in forked workers, at most `width` at a time, in order; a task's
    result lands at its index whatever the finishing order. `done(i, result)` is called
    as each finishes; when `stop(i, result)` is true the others are ended and left None
    (a portfolio: the first definitive answer wins). `after[i]`: seconds before task i
    may start (a head start for the tasks before it), cut short when a task finishes
    without stopping the run (only when `cut(i, result)` is true, if given). `start`: as
    for run_limited. `tick()` is called about every TICK seconds while waiting (a
    progress display stays live). A task that overruns `timeout` seconds (all are ended
    then) or the memory limit, or dies, gets `failed(i, reason)`. An exception in a task
    is raised here, after every worker is ended."""
    results: list[T | None] = [None] * len(tasks)
    if not supported():  # pragma: no cover - Windows: one after another
        for i, task in enumerate(tasks):
            results[i] = task()
            if done:
                done(i, results[i])  # type: ignore[arg-type]
            if stop and stop(i, results[i]):  # type: ignore[arg-type]
                break
        return results
    running: dict[int, Worker] = {}
    waiting = list(range(len(tasks)))
    begin = time.monotonic()
    deadline = begin + _deadline(timeout) if timeout else None
    starts = [begin + (after[i] if after else 0.0) for i in range(len(tasks))]

    def finish(i: int, value: T) -> bool:
        results[i] = value
        if done:
            done(i, value)
        if stop and stop(i, value):
            return True
        if cut is None or cut(i, value):
            starts[:] = [min(at, time.monotonic()) for at in starts]  # no more waiting for a head start
        return False

    try:
        while waiting or running:
            while waiting and len(running) < max(1, width) and time.monotonic() >= starts[waiting[0]]:
                i = waiting.pop(0)
                task = tasks[i]
                running[i] = Worker(partial(_call, task), memory, start)
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if memory is not None:
                left = POLL if left is None else min(left, POLL)
            if tick is not None:
                tick()
                left = TICK if left is None else min(left, TICK)
            if waiting and len(running) < max(1, width):  # wake up for the next start
                until = max(0.0, starts[waiting[0]] - time.monotonic())
                left = until if left is None else min(left, until)
            if not running:
                time.sleep(left or 0.0)
                continue
            ready = wait([w.conn for w in running.values()], left)
            if not ready:
                if waiting and time.monotonic() >= starts[waiting[0]] and len(running) < max(1, width):
                    continue  # a head start is over
                if deadline is not None and time.monotonic() >= deadline:
                    for i, w in sorted(running.items()):
                        w.end()
                        results[i] = failed(i, f"timeout after {timeout:g} s (ended)")
                    running.clear()
                    for i in waiting:
                        results[i] = failed(i, f"timeout after {timeout:g} s (not started)")
                    return results
                for i, w in sorted(running.items()):
                    if w.over_memory():
                        w.end()
                        del running[i]
                        if finish(i, failed(i, f"memory limit of {memory} MB exceeded")):
                            return results
                continue
            for i, w in sorted(running.items()):
                if w.conn not in ready:
                    continue
                try:
                    kind, *payload = w.conn.recv()
                except EOFError:
                    status = w.end()
                    del running[i]
                    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
                        raise KeyboardInterrupt from None  # Ctrl-C reached the worker first
                    if finish(i, failed(i, _death(status, memory, ""))):
                        return results
                    continue
                if kind == "progress":
                    continue
                w.end()
                del running[i]
                if kind == "error":
                    raise RuntimeError(f"a task failed in its worker process:\n{payload[0]}")
                value = payload[0] if kind == "result" else failed(i, _out_of_memory(memory, "").strip())
                if finish(i, value):
                    return results
        return results
    finally:
        for w in running.values():
            w.end()


def _call(task: Callable[[], T], _report: Report) -> T:
    return task()


def _deadline(timeout: float) -> float:
    """When the parent ends a worker that overran `timeout` (the engine stops itself at
    the limit; this is the backstop for a wedged one): GRACE later, at most a quarter of
    the limit, so a wedged worker never overruns by half."""
    return timeout + min(GRACE, timeout / 4)


def _context(start: str):
    """The multiprocessing context of `start`; a forkserver's server process loads Z3 and
    the engines once, so that each worker it forks starts at once."""
    import multiprocessing
    context = multiprocessing.get_context(start)
    if start == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))  # takes effect when the server starts (the first worker)
    return context


def _worker(run, send, memory, parent: int | None) -> None:
    """Runs in the child: never returns. `parent`: the forking process, to die with. The
    memory limit counts from the child's own address space (a forkserver's child is not
    a copy of the caller)."""
    code = 0
    base = _address_space()
    try:
        try:
            os.setpgid(0, 0)  # the leader of its own group: ending the group ends its children too
        except OSError:
            pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports and cleans up
        if parent is not None:
            _die_with(parent)
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


def _die_with(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies: a worker ended for its time or
    memory limit takes the portfolio processes it started along."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _out_of_memory(memory: int | None, where: str) -> str:
    what = f"memory limit of {memory} MB exceeded" if memory is not None else "out of memory"
    return f"{what} {where}"


def _say(send, message) -> int:
    try:
        send.send(message)
        return 0
    except BaseException:  # noqa: BLE001 - even pickling may fail without memory
        return 3


def _end(pid: int) -> int:
    """Stop the worker's process group (the worker and whatever it started); the
    worker's wait status. The group is killed before the worker is reaped, while its
    pid (and so the group's id) cannot have been reused."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # the group is empty (or not its own): the worker alone
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        _, status = os.waitpid(pid, 0)
        return status
    except ChildProcessError:
        return 0


def _death(status: int, memory: int | None, where: str) -> str:
    what = f"killed by {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status) else \
        f"exit status {os.WEXITSTATUS(status)}"
    at = f" {where}" if where else ""
    if memory is not None:
        return f"memory limit of {memory} MB exceeded{at} (the check process ended: {what})"
    return f"the check process ended abnormally{at} ({what})"


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
