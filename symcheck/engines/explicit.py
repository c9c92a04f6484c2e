"""The explicit-state engine: breadth-first search of the reachable states on the
model compiled to Python (`compiled`), like TLC. When the whole reachable state space
is explored without a violation the claim is proved for every depth; a violation
comes with the shortest trace; the memory budget or the deadline gives unknown. The
visited states are stored compactly (`fingerprints`: exactly while few, then as 64-bit
fingerprints, with a parent index and an action per state), so the search is bounded
by memory and time, not by a count of states (docs/explicit-engine.md).

It needs no solver (the encoding is ignored and may be None). Each configuration of
the symbolic constants is searched on its own, and the violation reported is the one
a single symbolic query would find: the shortest, then the first in check order
(well-formed, types, invariants, deadlock), then the first configuration. Within a
depth the states are met in the order every engine numbers action instances, so the
trace is the first shortest one in that order. The liveness properties of a claim
are not checked here (a proof covers its invariants only).

With symmetry reduction the search stores one state per class of states equal up to
a permutation of interchangeable enum members; it saves memory (and time when the
classes are large), and a violation's trace is rebuilt as a real one."""
from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from symcheck.engines.compiled import CompiledModel, compile_model
from symcheck.engines.fingerprints import EXACT_STATES, Level, OverBudget, Parents, Visited, collision_chance, rss
from symcheck.engines.runtime import StepViolation, rank
from symcheck.engines.symmetry import canonicalizer, symmetry_obstacle
from symcheck.errors import ModelError
from symcheck.front.ir import EnumT, Feature, IntT, Model, configurations
from symcheck.front.ir import premises as premises_of
from symcheck.front.strings import unbounded
from symcheck.front.values import leaves
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Coverage, Outcome, Step, Trace, Verdict

if TYPE_CHECKING:  # the engine needs no solver; only the Deadline's type comes from smt
    from symcheck.smt.solve import Deadline

SUPPORTS: frozenset[Feature] = frozenset()  # finite types only: it enumerates every value
MAX_MEMORY = 1 << 30  # bytes of resident memory before the search gives up (unknown)
CHECK_EVERY = 512  # states expanded between two looks at the deadline and the memory
COVERAGE_STATES = 2_000_000  # states `coverage` visits (a bounded search of stored states) before it gives up
LIVENESS_UNCHECKED = "the liveness properties are not checked by this engine (engines.graph_liveness decides them)"


@dataclass
class Search:
    """One configuration's search: `verdict` is proved, violated or unknown; `depth` the
    violation's depth, or the deepest level explored (the diameter when proved)."""
    verdict: str
    depth: int
    states: int
    check: str | None = None  # violated: the check's name
    path: tuple[Any, ...] = ()  # violated: ((instance index or None, state), ...); the last step may be ill formed
    error: ModelError | None = None  # violated by an ill-formed step: what failed
    reason: str | None = None  # unknown: why
    stuck: int | None = None  # proved with deadlock ignored: the depth of the first state without a successor
    exact: int | None = None  # states stored exactly before fingerprints took over (None: all of them)


Canon = Callable[[tuple[Any, ...]], tuple[Any, ...]]


def search(cm: CompiledModel, deadlock: bool, deadline: Deadline | None, max_states: int | None = None,
           depth: int | None = None, canon: Canon | None = None, *, max_memory: int | None = MAX_MEMORY,
           exact: int | None = EXACT_STATES) -> Search:
    """`_search` with the cyclic garbage collector paused: states are tuples that form
    no cycles, and the collector's passes over millions of them cost more than the
    search itself. `max_memory`: bytes of resident memory (the whole process's) before
    it gives up; `exact`: states stored exactly before fingerprints (None: always)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _search(cm, deadlock, deadline, max_states, depth, canon, max_memory, Visited(exact, max_memory))
    finally:
        if was_enabled:
            gc.enable()


def _search(cm: CompiledModel, deadlock: bool, deadline: Deadline | None, max_states: int | None,
            depth: int | None, canon: Canon | None, max_memory: int | None, visited: Visited) -> Search:
    """Breadth-first search, level by level: a level's states are checked as they are
    found, and the first violation is reported in check order once the level is
    complete (so the state count, the trace and the order of checks match the
    independent evaluator's). `depth`: stop after that many steps (holds, not proved).
    `canon`: the representative of a state's symmetry class; the search then stores
    and expands representatives only (its path is one of representatives). States are
    numbered in the order they are found (`parents`), which is also the order of the
    levels, so a level's states are numbered from `first` on."""
    checks = cm.checks
    try:
        inits = cm.inits()
    except ModelError as exc:
        return Search(VIOLATED, 0, 0, "well-formed", ((None, None),), error=exc)
    if canon is not None:
        inits = [canon(s) for s in inits]
    starts = [s for s in inits if visited.add(s)]  # the distinct initial states, in order: states 0 .. n - 1
    parents = Parents(len(cm.insts), roots=len(starts))
    for k in range(len(starts)):
        parents.add(k, 0)

    def path(index: int) -> tuple[Any, ...]:
        return _replay(cm, parents.root_of(index), parents.actions_to(index), canon)

    def done(verdict: str, d: int, states: int | None = None, **kw: Any) -> Search:
        return Search(verdict, d, len(parents) if states is None else states,
                      exact=visited.exactly if visited.fingerprinted else None, **kw)

    violated = [(bad, k) for k, s in enumerate(starts) if (bad := cm.violation(s)) >= 0]
    if violated:  # the first check violated, in its first initial state
        bad, k = min(violated, key=lambda found: found[0])
        return done(VIOLATED, 0, check=checks[bad], path=path(k))
    successors, violation_after, add = cm.successors, cm.violation_after, visited.add
    numbered = parents.parent
    from_parent, by_action = numbered.append, parents.action.append  # `parents.add`, inlined
    level = Level()
    for s in starts:
        level.append(s)
    first = 0  # the number of the level's first state
    d = 0
    expanded = 0
    stuck: int | None = None
    while len(level):
        if depth is not None and d >= depth:  # the last level: only deadlock is left to check
            for k, s in enumerate(level if deadlock else ()):
                if not _enabled(cm, s):
                    return done(VIOLATED, d, check="deadlock", path=path(first + k))
            return done(HOLDS, d)
        before = len(parents)
        worst, worst_state = len(checks), -1
        first_error = None
        following = Level(pack=visited.fingerprinted)
        try:
            for me, s in enumerate(level.drain(), first):
                expanded += 1
                if expanded % CHECK_EVERY == 0:
                    if deadline is not None and deadline.expired():
                        return done(UNKNOWN, d, reason=f"{deadline.timeout_text()} after {len(parents):,} states, "
                                                       f"at depth {d}")
                    if max_memory is not None and rss() > max_memory:
                        raise OverBudget(f"{rss() >> 20} MB resident")
                found: list[Any] = []
                error = successors(s, found)
                if error is not None and (first_error is None or rank(error[1]) < rank(first_error[1][1])):
                    first_error = (me, error)  # the first in check order: ill formed, then each step invariant
                if not found and error is None and deadlock:
                    return done(VIOLATED, d, before, check="deadlock", path=path(me))
                if not found and error is None and stuck is None:
                    stuck = d
                if canon is not None:
                    found = [(index, canon(nxt)) for index, nxt in found]
                for index, nxt in found:
                    if add(nxt):
                        new = len(numbered)
                        from_parent(me)
                        by_action(index)
                        following.append(nxt)
                        bad = violation_after[index](nxt)
                        if bad >= 0 and bad < worst:
                            worst, worst_state = bad, new
                if max_states is not None and len(parents) > max_states:
                    return done(UNKNOWN, d, reason=f"more than {max_states:,} states by depth {d + 1}: the explicit-state "
                                                   "search stops there (--engine auto goes on with the SMT engines)")
        except OverBudget as exc:
            return done(UNKNOWN, d, reason=f"the explicit-state search reached its memory budget of "
                                           f"{(max_memory or 0) >> 20:,} MB ({exc}) after {len(parents):,} states, at "
                                           f"depth {d} (--engine auto goes on with the SMT engines)")
        d += 1
        if first_error is not None:
            me, (index, failure) = first_error
            if isinstance(failure, StepViolation):
                broken = failure.state if canon is None else canon(failure.state)
                return done(VIOLATED, d, check=failure.check, path=path(me) + ((index, broken),))
            return done(VIOLATED, d, check="well-formed", path=path(me) + ((index, None),), error=failure)
        if worst_state >= 0:
            return done(VIOLATED, d, check=checks[worst], path=path(worst_state))
        first, level = before, following
    return done(PROVED, d - 1, stuck=stuck)


def _enabled(cm: CompiledModel, state: tuple[Any, ...]) -> bool:
    found: list[Any] = []
    return cm.successors(state, found) is not None or bool(found)


def _replay(cm: CompiledModel, root: int, actions: list[int], canon: Canon | None) -> tuple[Any, ...]:
    """The path of (instance index, state) that takes `actions` from the `root`-th
    distinct initial state (with `canon`: through the representatives the search
    expanded), re-derived rather than stored: the successor function is deterministic."""
    state = list(dict.fromkeys(cm.inits() if canon is None else map(canon, cm.inits())))[root]
    out: list[tuple[int | None, Any]] = [(None, state)]
    for action in actions:
        found: list[Any] = []
        cm.successors(state, found)
        state = next(nxt for index, nxt in found if index == action)
        if canon is not None:
            state = canon(state)
        out.append((action, state))
    return tuple(out)


def run(model: Model, encoding: object = None, deadline: Deadline | None = None, max_states: int | None = None,
        depth: int | None = None, symmetry: Sequence[str] = (), *, max_memory: int | None = MAX_MEMORY,
        exact: int | None = EXACT_STATES) -> Outcome:
    """Proved when every configuration's reachable states are all explored without a
    violation; violated with the shortest trace; unknown at the memory budget
    (`max_memory` bytes resident), the deadline or `max_states` (per configuration;
    None: no cap). `depth`: a bounded search (holds to `depth`). Beyond `exact` states
    a configuration's visited states are stored as 64-bit fingerprints (module
    `fingerprints`), and a proof says how likely a collision was.
    `symmetry`: enums whose members are interchangeable (every permutation of them
    maps behaviours to behaviours): states equal up to such a permutation are explored
    once. A model that names a member of one (a literal, `choose`, an order) is
    refused with ValueError. The outcome's `states` counts the distinct states
    explored (with symmetry: the classes), over all configurations."""
    free = unbounded(model)
    if free is not None:
        return Outcome(model.name, UNKNOWN, 0, model.expect, engine="explicit",
                       reason=f"{free} is an unbounded string: the explicit-state search enumerates values, "
                              "so the SMT engines decide this claim")
    canon = _symmetry(model, symmetry) if symmetry else None
    start = time.perf_counter()
    order = ["well-formed"] + [i.name for i in model.step_invariants] + [f"type({n})" for n, _ in model.variables] + \
        [i.name for i in model.invariants] + ["deadlock"]
    best: tuple[Any, ...] | None = None
    states, deepest = 0, 0
    compiled = compile_model(model)
    compile_time = time.perf_counter() - start
    unknown: str | None = None
    bounded = False  # some configuration's search stopped at `depth`
    stuck: int | None = None  # the shallowest deadlock met (deadlock ignored)
    if _holds_minus_one_or_two(model):
        exact = None  # hash(-1) == hash(-2): a state holding one would hide one holding the other
    chance: float | None = None  # of a fingerprint collision, once a search stored fingerprints
    for config in configurations(model):
        cm = compiled.configured(config)
        found = search(cm, model.deadlock, deadline, max_states, depth, canon, max_memory=max_memory, exact=exact)
        states += found.states
        if found.exact is not None:
            chance = (chance or 0.0) + collision_chance(found.states, found.exact)
        deepest = max(deepest, found.depth)
        if found.stuck is not None:
            stuck = found.stuck if stuck is None else min(stuck, found.stuck)
        if found.verdict == VIOLATED:
            key = (found.depth, order.index(found.check or ""))
            if best is None or key < best[0]:
                best = (key, found, config)
        elif found.verdict == HOLDS:
            bounded = True
        elif found.verdict == UNKNOWN:
            unknown = unknown or found.reason
            if deadline is not None and deadline.expired():
                break
    elapsed = time.perf_counter() - start

    def out(verdict: Verdict, bound: int | None, **kw: Any) -> Outcome:
        res = Outcome(model.name, verdict, bound, model.expect, engine="explicit", states=states, **kw)
        res.timings = {"encode": compile_time, "solve": elapsed - compile_time}
        return res

    if best is not None:
        _, found, config = best
        cm = compiled.configured(config)
        if canon is not None:
            found = _concrete(cm, found, canon)
        trace = to_trace(model, cm, found.path)
        return out(VIOLATED, None, invariant=found.check, trace=trace, length=found.depth,
                   config=config or None, reason=found.error.message if found.error else None)
    if unknown is not None:
        return out(UNKNOWN, deepest, reason=unknown)
    if bounded:
        return out(HOLDS, depth)
    how = f"in {len(configurations(model))} configurations" if model.symbolic else ""
    if symmetry:
        how = (how + " " if how else "") + f"up to permutations of {', '.join(symmetry)}"
    unchecked = [LIVENESS_UNCHECKED] if model.properties else []
    if model.constraints:
        unchecked.append("the states that break the state constraint (" + ", ".join(c.name for c in model.constraints)
                         + ") are counted and checked but not explored (TLC counts them not)")
    elif stuck is not None and not model.deadlock_stated:
        unchecked.append(deadlock_warning(stuck))
    if chance is not None:
        unchecked.insert(0, f"beyond {exact:,} states the visited states were stored as 64-bit fingerprints "
                            "(Python's hash, as TLC stores them): the chance that a collision hid a state is about "
                            f"{chance:.1e}")
    return out(PROVED, deepest, proof=[
        f"explicit-state search explored all {states:,} reachable states{(' ' + how) if how else ''} "
        f"(diameter {deepest}) and none violates a check"] + unchecked)


def _holds_minus_one_or_two(model: Model) -> bool:
    """Can a variable hold -1 or -2 (in a well-typed state)? Python hashes them alike, so
    with fingerprints a state would hide one that differs from it only there: a state
    reachable with both, or an ill-typed one (a violation) with the other. When neither
    is well typed, two such states both violate the same type check, at the level that
    ends the search: a collision could then only change the count of states."""
    return any(isinstance(t, IntT) and (t.lo is None or t.lo <= -1) and (t.hi is None or t.hi >= -2)
               for _, v in model.variables for t in leaves(v))


def deadlock_warning(depth: int) -> str:
    """TLC reports a reachable state without successors by default; symcheck checks it
    with `deadlock: check` and otherwise says so next to a proof (docs/constructs.md)."""
    return (f"warning: a state reached in {depth} step{'s' if depth != 1 else ''} has no enabled action (a deadlock, "
            "which TLC reports by default); add `deadlock: check` to make it a violation, or `deadlock: ignore` "
            "to say it is expected")


def _symmetry(model: Model, names: Sequence[str]) -> Canon:
    enums: dict[str, EnumT] = {}
    types = [t for _, t in model.variables] + [t for a in model.actions for _, t in a.params] + \
        [c.type for c in model.constants]
    for t in types:
        for leaf in leaves(t):
            if isinstance(leaf, EnumT):
                enums[leaf.name] = leaf
    chosen = []
    for name in names:
        if name not in enums:
            raise ValueError(f"symmetry: {name} is not an enum of {model.name} (its enums: {', '.join(sorted(enums))})")
        why = symmetry_obstacle(model, enums[name])
        if why:
            raise ValueError(f"symmetry: the members of {name} are not interchangeable in {model.name}: {why}")
        chosen.append(enums[name])
    return canonicalizer(model, chosen)


def _concrete(cm: CompiledModel, found: Search, canon: Canon) -> Search:
    """A real trace along a path of class representatives: from the initial state,
    each step takes the first action instance whose next state is in the next class."""
    state = next(s for s in cm.inits() if canon(s) == found.path[0][1])
    path: list[tuple[int | None, tuple[Any, ...] | None]] = [(None, state)]
    error = found.error
    for _, target in found.path[1:]:
        nexts: list[Any] = []
        failure = cm.successors(state, nexts)
        if target is None:  # the class's ill-formed step, taken from this state
            assert failure is not None
            path.append((failure[0], None))
            error = failure[1]
            break
        index, state = next((i, n) for i, n in nexts if canon(n) == target)
        path.append((index, state))
    return Search(found.verdict, found.depth, found.states, found.check, tuple(path), error, found.reason)


def to_trace(model: Model, cm: CompiledModel, path: tuple[Any, ...]) -> Trace:
    """A path of (instance index, state tuple) as a `Trace` in model terms. An ill-formed
    last step (state None) repeats the state it leaves: it has no next state."""
    names = [n for n, _ in model.variables]
    steps = []
    previous: dict[str, object] = {}
    for index, state in path:
        values = dict(zip(names, state, strict=True)) if state is not None else dict(previous)
        if index is None:
            steps.append(Step(None, (), values))
        else:
            action, params = cm.insts[index]
            steps.append(Step(action.name, tuple((p, params[p], t) for p, t in action.params), values))
        previous = values
    return Trace(tuple(steps))


def _all_by(d: int, *firsts: dict[str, int | None]) -> bool:
    """Every first depth is known and at most `d`."""
    return all(v is not None and v <= d for first in firsts for v in first.values())


def coverage(model: Model, depth: int, deadline: Deadline | None = None, max_states: int = COVERAGE_STATES) -> Coverage | None:
    """The first step at which each action fires and the first state in which each
    invariant's premise is true, within `depth` steps, over every path of well-formed
    steps through well-typed states (invariants not checked), breadth first; with
    symbolic constants, the first over every configuration. None when the state cap or
    the deadline is met (the SMT coverage engine then answers)."""
    compiled = compile_model(model)
    names = list(premises_of(model))
    actions: dict[str, int | None] = {a.name: None for a in model.actions}
    reached: dict[str, int | None] = dict.fromkeys(names)
    ntypes = len(model.variables)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for config in configurations(model):
            cm = compiled.configured(config)
            try:
                level = list(dict.fromkeys(cm.inits()))
            except ModelError:
                continue
            level = [s for s in level if not 0 <= cm.violation(s) < ntypes]  # an ill-typed start reaches nothing
            seen = set(level)
            for d in range(depth + 1):
                for s in level:
                    for name, true in zip(names, cm.premises(s)):
                        if true:
                            reached[name] = _earliest(reached[name], d)
                if d == depth or not level or _all_by(d, actions, reached):
                    break  # deeper levels cannot lower a first depth
                nxt_level = []
                for s in level:
                    if deadline is not None and deadline.expired():
                        return None
                    found: list[Any] = []
                    cm.successors(s, found)
                    for index, nxt in found:
                        if 0 <= cm.violation_after[index](nxt) < ntypes:
                            continue
                        name = cm.insts[index][0].name
                        actions[name] = _earliest(actions[name], d + 1)
                        if nxt not in seen:
                            seen.add(nxt)
                            nxt_level.append(nxt)
                            if len(seen) > max_states:
                                return None
                level = nxt_level
    finally:
        if was_enabled:
            gc.enable()
    return Coverage(depth, actions, reached)


def _earliest(known: int | None, depth: int) -> int:
    return depth if known is None else min(known, depth)
