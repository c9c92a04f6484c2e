"""Solver-free results: the closed set of outcomes and counterexample traces in model
terms (concrete values). Engines produce these; reporters read them."""
from __future__ import annotations

from dataclasses import dataclass, field

HOLDS = "holds"  # no violation up to the bound
PROVED = "proved"  # no violation at any depth (an engine's proof, re-checked)
VIOLATED = "violated"
UNKNOWN = "unknown"
OUTCOMES = (PROVED, HOLDS, VIOLATED, UNKNOWN)


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
    verdict: str  # proved | holds | violated | unknown
    depth: int  # holds: the bound checked; violated: the trace length; proved: the engine's k
    expected: str
    invariant: str | None = None  # the violated invariant (or type(x), well-formed)
    trace: Trace | None = None
    reason: str | None = None  # unknown: why; violated: the ill-formed operation
    explanation: list = field(default_factory=list)  # lines of (indent, text)
    timings: dict = field(default_factory=dict)
    engine: str = "bmc"
    config: dict | None = None  # symbolic constants: the configuration of the trace
    loop_start: int | None = None  # liveness: the trace's last state loops back here
    proof: list = field(default_factory=list)  # proved: lines describing the proof
    coverage: "Coverage | None" = None  # a green's vacuity check, when computed

    @property
    def holds(self) -> bool:
        """No violation found: holds to the bound, or proved for every depth."""
        return self.verdict in (HOLDS, PROVED)

    @property
    def proved(self) -> bool:
        return self.verdict == PROVED

    @property
    def violated(self) -> bool:
        return self.verdict == VIOLATED

    @property
    def as_expected(self) -> bool:
        """The claim's expectation is `holds` or `violated`; a proof meets `holds`."""
        return self.verdict == self.expected or (self.verdict == PROVED and self.expected == HOLDS)


@dataclass
class Coverage:
    """Vacuity of a claim within `depth` steps: the first step at which each action
    can fire, and the first state in which each invariant's premise can be true
    (None: not within the bound). `reason` says why the search stopped early, in which
    case None means unknown and nothing is flagged."""
    depth: int
    actions: dict  # action name -> first step 1..depth, or None
    premises: dict  # invariant name -> first state 0..depth, or None (invariants with a premise only)
    traces: dict = field(default_factory=dict)  # ("action" | "premise", name) -> Trace, when asked for
    reason: str | None = None

    @property
    def dead(self) -> list:
        """Actions that cannot fire within the bound."""
        return [] if self.reason else [a for a, d in self.actions.items() if d is None]

    @property
    def vacuous(self) -> list:
        """Invariants whose premise cannot be true within the bound."""
        return [i for i, d in self.premises.items() if d is None] if not self.reason else []

    @property
    def flagged(self) -> bool:
        return bool(self.dead or self.vacuous)
