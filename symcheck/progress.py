"""Progress on stderr while `check` and `prove` run, so a long run shows it is alive:
on a terminal a live bar (rich), elsewhere (CI logs) one plain line per finished
variant. stdout, and so every output format, is left alone.

The bar refreshes only when told (no refresh thread): the portfolio and `check --jobs`
fork worker processes, and a fork should not copy a thread that may hold a lock."""
from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class CheckProgress:
    """`check`: one step per finished variant, in finishing order."""

    def __init__(self, total: int, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = _is_terminal(self.stream) if live is None else live
        self.total, self.done = total, 0
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> CheckProgress:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self._bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=Console(file=self.stream), auto_refresh=False, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("check", total=self.total)
            self._bar.refresh()
        return self

    def finished(self, name: str, verdict: str, engine: str, seconds: float, as_expected: bool) -> None:
        self.done += 1
        line = finished_line(self.done, self.total, name, verdict, engine, seconds, as_expected)
        if self._bar is not None and self._task is not None:
            self._bar.console.print(line, highlight=False, markup=False)
            self._bar.advance(self._task)
            self._bar.refresh()
        else:
            print(line, file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def finished_line(done: int, total: int, name: str, verdict: str, engine: str, seconds: float,
                  as_expected: bool) -> str:
    """`[12/143] pairing-race proved (kind, 1.2 s)`, marked when not as expected."""
    return (f"[{done}/{total}] {name} {verdict} ({engine}, {seconds:.1f} s)"
            + ("" if as_expected else " NOT AS EXPECTED"))


class ProveProgress:
    """`prove`: the depth BMC has explored, the time and the peak memory, then the proof
    phase. On a terminal a spinner line; off one (a CI log: $CI set, or
    SYMCHECK_PROGRESS=1) a plain line after the first FIRST_LINE seconds and then at most
    every EVERY seconds, so a long run shows it is alive and a short one prints nothing.
    SYMCHECK_PROGRESS=0 silences both."""

    FIRST_LINE, EVERY = 10.0, 30.0

    def __init__(self, name: str, bound: int, proof_engines: str | None, stream: TextIO | None = None,
                 live: bool | None = None, lines: bool | None = None):
        self.stream = stream or sys.stderr
        wanted = os.environ.get("SYMCHECK_PROGRESS")
        self.live = (_is_terminal(self.stream) and wanted != "0") if live is None else live
        self.lines = (not self.live and (wanted == "1" or (wanted != "0" and bool(os.environ.get("CI"))))
                      if lines is None else lines)
        self.name, self.bound, self.proof_engines = name, bound, proof_engines
        self._status: Progress | None = None
        self._task: TaskID | None = None
        self._start = time.perf_counter()
        self._next_line = self.FIRST_LINE

    @property
    def wanted(self) -> bool:
        """Whether the engines should report their depth here at all."""
        return self.live or self.lines

    def __enter__(self) -> ProveProgress:
        if self.live:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
            self._status = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                    console=Console(file=self.stream), auto_refresh=False, transient=True)
            self._status.start()
            self._task = self._status.add_task(f"{self.name}: encoding", total=None)
            self._status.refresh()
        return self

    def __call__(self, depth: int, seconds: float) -> None:
        """The engines' progress callback (smt.unroll.Progress): BMC explored `depth`."""
        text = f"{self.name}: depth {depth} of {self.bound} explored"
        if depth >= self.bound and self.proof_engines:
            text = f"{self.name}: depth {self.bound} explored; proof for every depth ({self.proof_engines})"
        if self._status is not None and self._task is not None:
            self._status.update(self._task, description=f"{text}, peak {peak_mb()} MB")
            self._status.refresh()
        elif self.lines:
            elapsed = time.perf_counter() - self._start
            if elapsed >= self._next_line or (depth >= self.bound and elapsed >= self.FIRST_LINE):
                self._next_line = elapsed + self.EVERY
                print(f"{text} ({clock(elapsed)}, peak {peak_mb()} MB)", file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()


def clock(seconds: float) -> str:
    """`42 s`, `4m36s`."""
    s = int(seconds)
    return f"{s} s" if s < 60 else f"{s // 60}m{s % 60:02d}s"


def peak_mb() -> int:
    """The peak resident memory of this process so far, in MB (Linux reports KB)."""
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
