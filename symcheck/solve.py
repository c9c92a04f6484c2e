"""Solving under a deadline, the same way in every engine: each query gets the time
that is left (never the whole budget again), a query that runs out of time or that
the solver gives up on is `unknown` with the reason (an engine then answers `unknown`,
never `holds` or `proved`), and a query cancelled by Ctrl-C is an interrupt."""
from __future__ import annotations

import time
from dataclasses import dataclass

import z3

# Z3's own timer may fire a little before the deadline on our clock: a cancelled query
# this close to the deadline ran out of time (rather than being interrupted).
SLACK = 0.05


class Deadline:
    """A point in time by which the work must be done (None: no limit)."""

    def __init__(self, seconds: float | None = None):
        self.seconds = seconds
        self.at = None if seconds is None else time.perf_counter() + seconds

    @classmethod
    def of(cls, limit: "Deadline | float | None") -> "Deadline":
        """A deadline from a number of seconds (or None), or the deadline given."""
        return limit if isinstance(limit, Deadline) else cls(limit)

    def remaining(self) -> float | None:
        """Seconds left (at least 0), or None without a limit."""
        return None if self.at is None else max(0.0, self.at - time.perf_counter())

    def expired(self) -> bool:
        return self.at is not None and time.perf_counter() >= self.at

    def within(self, seconds: float | None) -> "Deadline":
        """The earlier of this deadline and `seconds` from now: a budget for one phase
        that never outlives the whole run."""
        sub = Deadline(seconds)
        if sub.at is None or (self.at is not None and self.at < sub.at):
            sub.seconds, sub.at = self.seconds, self.at
        return sub

    def timeout_text(self) -> str:
        return f"timeout after {self.seconds:g} s" if self.seconds is not None else "timeout"


@dataclass(frozen=True)
class Answer:
    """One query's answer: sat, unsat or unknown (then `reason` says why)."""
    status: str  # sat | unsat | unknown
    reason: str = ""
    timed_out: bool = False  # unknown because the deadline passed

    @property
    def sat(self) -> bool:
        return self.status == "sat"

    @property
    def unsat(self) -> bool:
        return self.status == "unsat"

    @property
    def unknown(self) -> bool:
        return self.status == "unknown"


def check(solver, deadline: Deadline | None, *assumptions) -> Answer:
    """solver.check(*assumptions) with the time left before `deadline`. Z3 answers
    Ctrl-C by cancelling the query: a cancelled query before the deadline is raised as
    KeyboardInterrupt, never reported as an answer."""
    deadline = deadline or Deadline()
    left = deadline.remaining()
    if left is not None:
        if left <= 0:
            return Answer("unknown", deadline.timeout_text(), timed_out=True)
        solver.set("timeout", max(1, int(left * 1000)))
    r = solver.check(*assumptions)
    if r == z3.sat:
        return Answer("sat")
    if r == z3.unsat:
        return Answer("unsat")
    why = solver.reason_unknown()
    out_of_time = deadline.at is not None and time.perf_counter() >= deadline.at - SLACK
    if why == "canceled" and not out_of_time:
        raise KeyboardInterrupt  # Ctrl-C
    if out_of_time or (deadline.at is not None and why in ("timeout", "canceled")):
        return Answer("unknown", deadline.timeout_text(), timed_out=True)
    return Answer("unknown", f"solver returned unknown ({why})")
