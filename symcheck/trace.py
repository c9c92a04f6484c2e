"""Solver-free results: the closed set of outcomes and counterexample traces in model
terms (concrete values). Engines produce these; reporters read them."""
from __future__ import annotations

from dataclasses import dataclass, field

HOLDS = "holds"
VIOLATED = "violated"
UNKNOWN = "unknown"
OUTCOMES = (HOLDS, VIOLATED, UNKNOWN)


@dataclass(frozen=True)
class Step:
    """One state of a trace and the action (with parameter values) that led to it."""
    action: str | None  # None for the initial state
    params: tuple  # ((name, value, Type), ...)
    state: dict  # variable -> concrete value


@dataclass(frozen=True)
class Trace:
    steps: tuple

    @property
    def length(self) -> int:
        """Number of transitions."""
        return len(self.steps) - 1


@dataclass
class Result:
    claim: str
    verdict: str  # holds | violated | unknown
    depth: int  # holds: the bound checked; violated: the trace length
    expected: str
    invariant: str | None = None  # the violated invariant (or type(x), well-formed)
    trace: Trace | None = None
    reason: str | None = None  # unknown: why; violated: the ill-formed operation
    explanation: list = field(default_factory=list)  # lines of (indent, text)
    timings: dict = field(default_factory=dict)
    engine: str = "bmc"

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    @property
    def violated(self) -> bool:
        return self.verdict == VIOLATED

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected
