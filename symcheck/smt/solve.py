"""Solving under a deadline, the same way in every engine: each query gets the time
that is left (never the whole budget again), a query that runs out of time or that
the solver gives up on is `unknown` with the reason (an engine then answers `unknown`,
never `holds` or `proved`), and a query cancelled by Ctrl-C is an interrupt."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TypeAlias

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
    def of(cls, limit: Deadline | float | None) -> Deadline:
        """A deadline from a number of seconds (or None), or the deadline given."""
        return limit if isinstance(limit, Deadline) else cls(limit)

    def remaining(self) -> float | None:
        """Seconds left (at least 0), or None without a limit."""
        return None if self.at is None else max(0.0, self.at - time.perf_counter())

    def expired(self) -> bool:
        return self.at is not None and time.perf_counter() >= self.at

    def within(self, seconds: float | None) -> Deadline:
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


def check(solver: z3.Solver, deadline: Deadline | None, *assumptions: z3.BoolRef) -> Answer:
    """solver.check(*assumptions) with the time left before `deadline` (`_limit`). Z3
    answers Ctrl-C by cancelling the query: a cancelled query before the deadline is
    raised as KeyboardInterrupt, never reported as an answer."""
    deadline = deadline or Deadline()
    left = deadline.remaining()
    if left is not None and left <= 0:
        return Answer("unknown", deadline.timeout_text(), timed_out=True)
    _limit(solver, left)
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


# Setting a solver's timeout costs Z3 work in proportion to what the solver holds (an
# incremental BMC solver at depth 18 of bench/protocols' Bakery: setting it before each
# query made the run 5 times slower, 50 s against 10 s). So a query's limit is set again
# only when the time left has shrunk below this fraction of the limit set, or when the
# deadline gives more time: a query may end at most 1/RESET - 1 (5 %) of the time left
# after the deadline, never before it.
RESET = 0.95
NO_LIMIT = 2**32 - 1  # Z3's "no timeout"


def _limit(solver: z3.Solver, left: float | None) -> None:
    """Give the solver's next query at least `left` seconds (None: no limit), setting
    Z3's timeout only when it must change (see RESET)."""
    ms = NO_LIMIT if left is None else max(1, int(left * 1000))
    current = getattr(solver, "_timeout_ms", None)
    if ms == current or (current is not None and ms < current and ms >= RESET * current):
        return
    if current is None and left is None:
        return  # never limited
    solver.set("timeout", ms)
    solver._timeout_ms = ms


# ---------------------------------------------------------------- solvers
SEED = 0  # the engines' solvers: fixed, so every run asks the same queries in the same order
RECHECK_SEED = 7  # re-checks: configured differently, so a proof never rests on one solver's state


def new_solver(logic: str = "QF_LIA") -> z3.Solver:
    """The one place solvers are built. Every query's time limit is set by `check`
    from its deadline."""
    s = z3.Solver() if logic == "ALL" else z3.SolverFor(logic)
    s.set("random_seed", SEED)
    return s


def unsat_fresh(deadline: Deadline | None, *formulas: Formula) -> bool:
    """A re-check: the formulas as one monolithic query on a fresh, differently
    configured solver. True only when it is answered unsat within the deadline."""
    s = z3.Solver()
    s.set("random_seed", RECHECK_SEED)
    s.add(*formulas)
    return check(s, deadline).unsat


# ---------------------------------------------------------------- formulas
# Engines combine the encoding's formulas through these, never through z3 itself.
Formula: TypeAlias = z3.BoolRef


def neg(f: Formula) -> Formula:
    return z3.Not(f)


def any_of(fs: list[Formula] | tuple[Formula, ...]) -> Formula:
    return z3.Or(list(fs))


def true_in(m: z3.ModelRef, f: Formula) -> bool:
    """f is true in model m (unassigned leaves completed)."""
    return bool(z3.is_true(m.evaluate(f, model_completion=True)))


def value_in(m: z3.ModelRef, term: z3.ArithRef) -> int:
    """The integer term's value in model m (unassigned leaves completed)."""
    return int(m.evaluate(term, model_completion=True).as_long())


class Session:
    """One solver and the deadline of its queries: what an engine holds while it adds
    constraints, asks queries and reads models.

    `fresh`: every query is asked of a new solver holding everything added so far, the
    assumptions as assertions. Z3 simplifies a string problem before solving only on a
    solver never pushed nor given assumptions: on bench/strings' claims, BMC's last query
    took 24 s after a push and 0.0 s on a solver of its own (Encoding.fresh_queries)."""

    def __init__(self, deadline: Deadline | None, logic: str = "QF_LIA", max_conflicts: int | None = None,
                 fresh: bool = False):
        """`max_conflicts`: each query gives up (unknown) after that many conflicts, a
        deterministic bound on its effort, unlike a time limit."""
        self.logic, self.max_conflicts, self.fresh = logic, max_conflicts, fresh
        self.deadline = deadline or Deadline()
        self.solver = self._solver()
        self.added: list[Formula] = []  # fresh: what each query's solver holds
        self.marks: list[int] = []  # fresh: len(added) at each push

    def _solver(self) -> z3.Solver:
        s = new_solver(self.logic)
        if self.max_conflicts is not None:
            s.set("max_conflicts", self.max_conflicts)
        return s

    def add(self, *formulas: Formula) -> None:
        if self.fresh:
            self.added.extend(formulas)
        else:
            self.solver.add(*formulas)

    def check(self, *assumptions: Formula) -> Answer:
        if self.fresh:
            self.solver = self._solver()
            self.solver.add(*self.added, *assumptions)
            return check(self.solver, self.deadline)
        return check(self.solver, self.deadline, *assumptions)

    def model(self) -> z3.ModelRef:
        return self.solver.model()

    def push(self) -> None:
        if self.fresh:
            self.marks.append(len(self.added))
        else:
            self.solver.push()

    def pop(self) -> None:
        if self.fresh:
            del self.added[self.marks.pop():]
        else:
            self.solver.pop()
