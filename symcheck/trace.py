"""Solver-free results: the closed set of outcomes and counterexample traces in model
terms (concrete values). Engines produce these; reporters read them."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class _Named(str, enum.Enum):
    """A closed set of names that print, format and serialize (JSON) as their plain value,
    so the text and JSON reports read as before; comparing with the plain string works."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Verdict(_Named):
    """An engine's answer about a claim."""
    PROVED = "proved"  # no violation at any depth (an engine's proof, re-checked)
    HOLDS = "holds"  # no violation up to the bound
    VIOLATED = "violated"
    UNKNOWN = "unknown"


class Engine(_Named):
    """The engines a user chooses from: the one list behind `--engine`, the API's
    `engine=` and the page of `symcheck serve`. `auto` and `sequential` combine the
    others (engines/auto.py); the rest after bmc are the proof engines (`auto.PROOF_ENGINES`)."""
    AUTO = "auto"
    SEQUENTIAL = "sequential"
    EXPLICIT = "explicit"
    BMC = "bmc"
    LEMMAS = "lemmas"
    KIND = "kind"
    PDR = "pdr"
    FORALL = "forall"


def engine_named(name: str | Engine) -> Engine:
    """The engine called `name`; a ValueError that lists the choices otherwise."""
    try:
        return Engine(name)
    except ValueError:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(Engine)}") from None


HOLDS = Verdict.HOLDS
PROVED = Verdict.PROVED
VIOLATED = Verdict.VIOLATED
UNKNOWN = Verdict.UNKNOWN
# A liveness counterexample is a lasso: its last step returns to the state at index
# `Result.loop_start`, and the behaviour repeats that loop forever. The last step's
# action is STUTTER (not an identifier, so no action's name) when the loop is the last
# state repeating itself without any action.
STUTTER = "(stutter)"


Config = dict[str, object]  # symbolic constant -> value


@dataclass(frozen=True)
class Step:
    """One state of a trace and the action (with parameter values) that led to it."""
    action: str | None  # None for the initial state
    params: tuple[tuple[str, object, object], ...]  # ((name, value, Type), ...)
    state: dict[str, object]  # variable -> concrete value


@dataclass(frozen=True)
class Trace:
    steps: tuple[Step, ...]

    @property
    def length(self) -> int:
        """Number of transitions."""
        return len(self.steps) - 1


@dataclass
class Outcome:
    """Every engine's answer (`run(model, encoding, deadline) -> Outcome`): one verdict,
    and in its fields whatever else that engine found (several traces, a matrix,
    coverage, a proof and its certificate). Its numbers each have one meaning: `bound`, the depth the bounded
    search covered (holds and proved: no violation at depths 0..bound; unknown: the
    depth it had reached when it stopped); `length`, a violation's trace length; `k`,
    a k-induction proof's induction depth. A liveness green whose invariants are proved
    holds (its properties only to the bound; `proved_invariants` names the invariants),
    engine `kind+lasso` or `pdr+lasso`."""
    claim: str
    verdict: Verdict
    bound: int | None  # see above; None when the search never covered a bound (violated)
    expected: str
    invariant: str | None = None  # the violated invariant (or type(x), well-formed)
    trace: Trace | None = None
    reason: str | None = None  # unknown: why; violated: the ill-formed operation
    explanation: list[tuple[int, str]] = field(default_factory=list)  # lines of (indent, text)
    timings: dict[str, float] = field(default_factory=dict)
    engine: str = "bmc"
    config: Config | None = None  # symbolic constants: the configuration of the trace
    loop_start: int | None = None  # liveness: the trace's last state loops back here
    proof: list[str] = field(default_factory=list)  # proved: lines describing the proof
    coverage: Coverage | None = None  # a green's vacuity check, when computed
    length: int | None = None  # violated: steps in the trace (a lasso: its states)
    k: int | None = None  # proved by k-induction (a liveness green: its invariants): the induction depth
    how: str | None = None  # proved by k-induction: "induction" or "diameter"
    certificate: object = None  # proved by PDR: the inductive invariant (a solver formula), for its re-check
    traces: list[Outcome] = field(default_factory=list)  # several counterexamples: one violated Outcome each
    matrix: Matrix | None = None  # the configuration matrix, when one was asked for
    states: int | None = None  # explicit-state search: the distinct states it explored
    # holds: the invariants proved for every depth (a liveness green whose safety part is
    # proved: its properties hold only to the bound); proved: every invariant is
    proved_invariants: tuple[str, ...] = ()
    # violated: how the independent evaluator replayed the trace, or why it could not;
    # unknown: why an engine's trace did not replay (engines/recheck.replay: such a trace
    # is never reported violated)
    replayed: str | None = None

    @property
    def depth(self) -> int | None:
        """The one number the verdict is about (violated: `length`; proved by
        k-induction: `k`; else `bound`), for callers that predate the split."""
        if self.verdict == VIOLATED:
            return self.length
        if self.verdict == PROVED and self.k is not None:
            return self.k
        return self.bound

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


Result = Outcome  # the name reporters and tests have always used


@dataclass(frozen=True)
class MatrixRow:
    """The verdict of one configuration of the symbolic constants."""
    config: Config  # symbolic constant -> value
    verdict: Verdict
    depth: int  # as in Result: the bound, the shortest trace length, or the engine's k
    invariant: str | None = None
    engine: str = "bmc"
    reason: str | None = None  # unknown: why


@dataclass
class Matrix:
    """Every configuration of a claim's symbolic constants with its verdict, in domain
    order (the first constant varies slowest)."""
    claim: str
    expected: str
    depth: int  # the bound of the search
    constants: tuple[object, ...]  # the symbolic ir.Constants, in declaration order
    rows: list[MatrixRow]  # one per configuration
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def verdict(self) -> Verdict:
        """violated if any configuration is, unknown if any is, proved if all are,
        else holds."""
        verdicts = {r.verdict for r in self.rows}
        for v in (VIOLATED, UNKNOWN, HOLDS):
            if v in verdicts:
                return v
        return PROVED

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected or (self.verdict == PROVED and self.expected == HOLDS)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.rows if r.verdict == verdict)


@dataclass
class Coverage:
    """Vacuity of a claim within `depth` steps: the first step at which each action
    can fire, and the first state in which each invariant's premise can be true
    (None: not within the bound). `reason` says why the search stopped early, in which
    case None means unknown and nothing is flagged."""
    depth: int
    actions: dict[str, int | None]  # action name -> first step 1..depth, or None
    premises: dict[str, int | None]  # invariant name -> first state 0..depth, or None (invariants with a premise only)
    # ("action" | "premise", name) -> Trace, when asked for
    traces: dict[tuple[str, str], Trace] = field(default_factory=dict)
    reason: str | None = None

    @property
    def dead(self) -> list[str]:
        """Actions that cannot fire within the bound."""
        return [] if self.reason else [a for a, d in self.actions.items() if d is None]

    @property
    def vacuous(self) -> list[str]:
        """Invariants whose premise cannot be true within the bound."""
        return [i for i, d in self.premises.items() if d is None] if not self.reason else []

    @property
    def flagged(self) -> bool:
        return bool(self.dead or self.vacuous)
