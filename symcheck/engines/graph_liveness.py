"""Liveness decided exactly on the explored state graph, as TLC decides it: the whole
reachable graph is built with the compiled model, and a property is violated exactly
when a reachable strongly connected component of its bad states can be traversed
fairly. Semantics as the lasso engine's (`engines.liveness`): a state may stutter
forever unless fairness forbids it; a fairness group is enabled in a state when one
of its instances leads to another state, and taken by a step of one of its instances
that changes the state; an ill-formed predicate is false.

- `eventually(P)`: the bad states are those where P is false, entered from the
  initial state through bad states only;
- `leads_to(P, Q)`: the bad states are those where Q is false, entered from a
  reachable state where P holds and Q does not.

A component is fair when each weak group is disabled in one of its states or taken
by one of its steps, and each strong group is never enabled in it or taken by one of
its steps; a component that fails a strong group alone is split without the states
that enable it (Emerson and Lei's algorithm). No fair component: the property is
proved for every behaviour. Otherwise the shortest lasso (fewest states) is searched
breadth first over pairs (state, constraints met so far), inside the fair components;
when that search would be too large, the lasso is a shortest path to a fair component
followed by a loop through a witness of each constraint (said so in the proof)."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from symcheck.engines.compiled import CompiledModel, compile_model, predicates
from symcheck.front.actions import fair_groups
from symcheck.front.ir import Feature, Model, Property, configurations
from symcheck.trace import PROVED, STUTTER, UNKNOWN, VIOLATED, Outcome, Step, Trace, Verdict

SUPPORTS: frozenset[Feature] = frozenset()  # finite types only: it enumerates every state

if TYPE_CHECKING:  # no solver here; only the Deadline's type comes from smt
    from symcheck.smt.solve import Deadline

MAX_STATES = 300_000  # states of the graph before the engine gives up (unknown)
SHORTEST_WORK = 2_000_000  # (state, constraints) pairs the shortest-lasso search may visit
CHECK_EVERY = 1024


class TooBig(Exception):
    """The graph outgrew the state cap or the deadline expired: the reason."""


@dataclass
class StateGraph:
    """The reachable states (the first `inits` are the initial states) and each
    state's transitions as (action instance index, successor index)."""
    states: list[tuple[Any, ...]]
    edges: list[list[tuple[int, int]]]
    inits: int = 1


@dataclass(frozen=True)
class Group:
    label: str
    insts: frozenset[int]
    strong: bool


def explore(cm: CompiledModel, deadline: Deadline | None, max_states: int) -> StateGraph:
    """Every reachable state, breadth first; an ill-formed step is no transition (the
    safety check reports it)."""
    states: list[tuple[Any, ...]] = list(dict.fromkeys(cm.inits()))
    index = {s: i for i, s in enumerate(states)}
    inits = len(states)
    edges: list[list[tuple[int, int]]] = []
    while len(edges) < len(states):
        if len(edges) % CHECK_EVERY == 0 and deadline is not None and deadline.expired():
            raise TooBig(f"{deadline.timeout_text()} after {len(states):,} states of the state graph")
        found: list[Any] = []
        cm.successors(states[len(edges)], found)
        out = []
        for k, nxt in found:
            t = index.get(nxt)
            if t is None:
                if len(states) >= max_states:
                    raise TooBig(f"more than {max_states:,} reachable states: too many to decide liveness exactly")
                t = index[nxt] = len(states)
                states.append(nxt)
            out.append((k, t))
        edges.append(out)
    return StateGraph(states, edges, inits)


def groups_of(model: Model, insts: tuple[Any, ...]) -> list[Group]:
    return [Group(g.label, g.insts, g.strong) for g in fair_groups(model, list(insts))]


def strongly_connected(nodes: list[Any], succ: Callable[[Any], list[Any]]) -> list[list[Any]]:
    """Tarjan's strongly connected components of the subgraph on `nodes` (iterative); each
    component comes after every component it reaches."""
    inside = set(nodes)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter([t for t in succ(root) if t in inside]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            pushed = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter([t for t in succ(w) if t in inside])))
                    pushed = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if pushed:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


class Decider:
    """One configuration's graph with its fairness bits: `enabled[s]` the groups enabled
    in s, `takes[k]` the groups instance k belongs to."""

    def __init__(self, graph: StateGraph, groups: list[Group], ninsts: int):
        self.graph = graph
        self.groups = groups
        self.takes = [sum(1 << i for i, g in enumerate(groups) if k in g.insts) for k in range(ninsts)]
        self.enabled = [0] * len(graph.states)
        for s, out in enumerate(graph.edges):
            bits = 0
            for k, t in out:
                if t != s:
                    bits |= self.takes[k]
            self.enabled[s] = bits
        self.weak = sum(1 << i for i, g in enumerate(groups) if not g.strong)
        self.strong = sum(1 << i for i, g in enumerate(groups) if g.strong)

    def fair_components(self, region: set[int]) -> list[list[int]]:
        """The fair strongly connected components within `region` (every state may
        stutter, so each state alone is a cycle)."""
        edges = self.graph.edges
        todo = [sorted(region)]
        fair = []
        while todo:
            nodes = todo.pop()
            inside = set(nodes)
            for comp in strongly_connected(nodes, lambda s: [t for _, t in edges[s] if t in inside]):
                members = set(comp)
                taken = enabled_some = 0
                disabled_some = 0
                for s in comp:
                    enabled_some |= self.enabled[s]
                    disabled_some |= ~self.enabled[s]
                    for k, t in edges[s]:
                        if t != s and t in members:
                            taken |= self.takes[k]
                if self.weak & ~(taken | disabled_some):
                    continue  # a weak group always enabled and never taken: no fair loop here
                failing = self.strong & enabled_some & ~taken
                if not failing:
                    fair.append(comp)
                    continue
                rest = [s for s in comp if not self.enabled[s] & failing]
                if rest:
                    todo.append(rest)
        return fair


def decide(model: Model, graph: StateGraph, d: Decider, prop: Property, pred: list[Callable[[Any], bool]],
           deadline: Deadline | None) -> tuple[tuple[Any, ...], int, bool] | None:
    """The property's shortest violating lasso as (path of (instance or None, state
    index), loop start, shortest?) or None when it holds."""
    states, edges = graph.states, graph.edges
    n = len(states)
    p = [pred[0](s) for s in states]
    if prop.kind == "eventually":
        bad, trigger = [not v for v in p], None
        seeds = [r for r in range(graph.inits) if bad[r]]
    else:
        bad = [not pred[1](s) for s in states]
        trigger = [a and b for a, b in zip(p, bad, strict=True)]
        seeds = [s for s in range(n) if trigger[s]]  # every state is reachable
    region = set(seeds)
    todo = list(seeds)
    while todo:
        s = todo.pop()
        for _, t in edges[s]:
            if bad[t] and t not in region:
                region.add(t)
                todo.append(t)
    fair = d.fair_components(region)
    if not fair:
        return None
    comp_of = {s: i for i, comp in enumerate(fair) for s in comp}
    return _shortest(d, bad, trigger, comp_of, fair, deadline)


def _shortest(d: Decider, bad: list[bool], trigger: list[bool] | None, comp_of: dict[int, int],
              fair: list[list[int]], deadline: Deadline | None) -> tuple[tuple[Any, ...], int, bool]:
    edges = d.graph.edges
    # the prefix: breadth first over (state, triggered); once triggered, states are bad
    starts = []
    for r in range(d.graph.inits):
        if trigger is not None:
            starts.append((r, False))
        if (trigger is None or trigger[r]) and bad[r]:
            starts.append((r, True))
    dist = dict.fromkeys(starts, 0)
    parent: dict[tuple[int, bool], Any] = dict.fromkeys(starts)
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        s, armed = node
        for k, t in edges[s]:
            nexts = [(t, True)] if armed and bad[t] else []
            if not armed:
                nexts = [(t, False)] + ([(t, True)] if trigger is not None and trigger[t] else [])
            for nn in nexts:
                if nn not in dist:
                    dist[nn], parent[nn] = dist[node] + 1, (node, k)
                    queue.append(nn)
    work = [0]
    best = None  # (steps, node, walk)
    exact = True
    for (x, armed), dx in sorted(dist.items(), key=lambda kv: (kv[1], kv[0][0], kv[0][1])):
        if x not in comp_of or (best is not None and dx + 1 >= best[0]):
            continue
        walk = _loop(d, bad, trigger, comp_of, x, not armed, work, deadline)
        if walk is None:
            continue
        if walk == "too big":
            exact = False
            break
        if best is None or dx + len(walk) < best[0]:
            best = (dx + len(walk), (x, armed), walk)
    if best is None:  # the exact search was cut: any fair loop, from the nearest fair state
        exact = False
        (x, armed), _ = min(((node, dx) for node, dx in dist.items() if node[0] in comp_of and node[1]),
                            key=lambda kv: (kv[1], kv[0][0], kv[0][1]))
        best = (0, (x, armed), _any_loop(d, bad, trigger, fair[comp_of[x]], x, not armed))
    _, node, walk = best
    prefix = []
    cur: Any = node
    while cur is not None:
        entry = parent[cur]
        prefix.append((entry[1] if entry else None, cur[0]))
        cur = entry[0] if entry else None
    prefix.reverse()
    return tuple(prefix + walk), len(prefix) - 1, exact


def _loop(d: Decider, bad: list[bool], trigger: list[bool] | None, comp_of: dict[int, int], x: int,
          need_trigger: bool, work: list[int], deadline: Deadline | None) -> Any:
    """The shortest fair closed walk from x within its fair component, as [(instance or
    None, state)], None when there is none, "too big" past SHORTEST_WORK pairs. The
    pairs carry what the loop has met so far: weak groups disabled or taken, strong
    groups taken, strong groups enabled, and the trigger."""
    edges, comp = d.graph.edges, comp_of[x]
    ng = len(d.groups)
    tbit = 1 << (2 * ng) if need_trigger else 0
    weak, strong = d.weak, d.strong

    def bits(y: int) -> int:
        en = d.enabled[y]
        out = (~en & weak) | ((en & strong) << ng)
        if need_trigger and trigger is not None and trigger[y]:
            out |= tbit
        return out

    def done(mask: int) -> bool:
        met = mask & ((1 << ng) - 1)
        enabled_strong = (mask >> ng) & ((1 << ng) - 1)
        return (met & weak) == weak and not (enabled_strong & strong & ~met) and (not need_trigger or mask & tbit != 0)

    start = (x, bits(x))
    par: dict[tuple[int, int], Any] = {start: None}
    todo = deque([start])
    while todo:
        work[0] += 1
        if work[0] > SHORTEST_WORK or (work[0] % CHECK_EVERY == 0 and deadline is not None and deadline.expired()):
            return "too big"
        node = todo.popleft()
        y, mask = node
        for k, z in [*edges[y], (None, y)]:
            if not bad[z] or comp_of.get(z) != comp:
                continue
            took = d.takes[k] if k is not None and z != y else 0
            m2 = mask | bits(z) | took
            if z == x and done(m2):
                walk = [(k, x)]
                while par[node] is not None:
                    walk.append((par[node][1], node[0]))
                    node = par[node][0]
                return walk[::-1]
            if (z, m2) not in par:
                par[(z, m2)] = (node, k)
                todo.append((z, m2))
    return None


def _any_loop(d: Decider, bad: list[bool], trigger: list[bool] | None, comp: list[int], x: int,
              need_trigger: bool) -> list[Any]:
    """A fair closed walk from x through its fair component: to a witness of each
    constraint (a state disabling a weak group or a step taking a group), the
    trigger, and back, by shortest paths."""
    edges, members = d.graph.edges, set(comp)
    targets: list[Any] = []
    met_weak = 0
    for i, _ in enumerate(d.groups):
        bit = 1 << i
        if bit & d.weak and any(not d.enabled[s] & bit for s in comp):
            targets.append(next(s for s in comp if not d.enabled[s] & bit))
            met_weak |= bit
            continue
        if bit & d.strong and not any(d.enabled[s] & bit for s in comp):
            continue
        edge = next((s, k, t) for s in comp for k, t in edges[s] if t != s and t in members and d.takes[k] & bit)
        targets.append(edge)
    if need_trigger and trigger is not None:
        targets.append(next(s for s in comp if trigger[s]))
    walk: list[Any] = []
    here = x
    for target in [*targets, ("back", x)]:
        if isinstance(target, tuple) and target[0] != "back":
            s, k, t = target
            walk += _path(edges, members, here, s) + [(k, t)]
            here = t
        else:
            goal = target[1] if isinstance(target, tuple) else target
            walk += _path(edges, members, here, goal)
            here = goal
    if not walk:
        walk = [(None, x)]  # x stutters forever
    elif walk[-1][1] != x:
        walk.append((None, x))
    return walk


def _path(edges: list[list[tuple[int, int]]], members: set[int], a: int, b: int) -> list[Any]:
    """The shortest path from a to b inside `members`, as [(instance, state)] without a."""
    if a == b:
        return []
    par: dict[int, Any] = {a: None}
    queue = deque([a])
    while queue:
        s = queue.popleft()
        for k, t in edges[s]:
            if t in members and t not in par:
                par[t] = (s, k)
                if t == b:
                    out = []
                    while par[t] is not None:
                        prev, kk = par[t]
                        out.append((kk, t))
                        t = prev
                    return out[::-1]
                queue.append(t)
    raise AssertionError("a strongly connected component is connected")


def run(model: Model, encoding: object = None, deadline: Deadline | None = None, max_states: int = MAX_STATES,
        only: str | None = None) -> Outcome:
    """Every property (or only the one named) decided on every configuration's whole
    state graph: proved when none has a fair violating lasso; violated with the
    shortest lasso (the shortest over configurations, then the first property); unknown
    at the state cap or the deadline. The invariants are not checked here."""
    start = time.perf_counter()
    compiled = compile_model(model)
    cm = compiled
    configure, preds = predicates(model)
    groups = groups_of(model, cm.insts)
    props = [p for p in model.properties if only is None or p.name == only]
    offsets, at = {}, 0
    for p in model.properties:
        offsets[p.name] = at
        at += len(p.args)
    states = 0
    best: tuple[Any, ...] | None = None
    exact_all = True

    def out(verdict: Verdict, **kw: Any) -> Outcome:
        res = Outcome(model.name, verdict, None if verdict == VIOLATED else 0, model.expect, engine="explicit",
                      states=states, **kw)
        res.timings = {"encode": 0.0, "solve": time.perf_counter() - start}
        return res

    for config in configurations(model):
        cm = compiled.configured(config)
        configure(config)
        try:
            graph = explore(cm, deadline, max_states)
        except TooBig as exc:
            return out(UNKNOWN, reason=str(exc))
        states += len(graph.states)
        d = Decider(graph, groups, len(cm.insts))
        for prop in props:
            found = decide(model, graph, d, prop, preds[offsets[prop.name]:offsets[prop.name] + len(prop.args)],
                           deadline)
            if found is None:
                continue
            path, loop_start, exact = found
            exact_all &= exact
            if best is None or len(path) < len(best[0]):
                best = (path, loop_start, prop.name, config, graph)
        if deadline is not None and deadline.expired():
            return out(UNKNOWN, reason=f"{deadline.timeout_text()} while deciding the properties")
    if best is not None:
        path, loop_start, name, config, graph = best
        trace = _lasso_trace(model, compiled.configured(config), graph, path)
        res = out(VIOLATED, invariant=name, trace=trace, loop_start=loop_start, length=trace.length,
                  config=config or None)
        if not exact_all:
            res.proof = ["a fair lasso, not necessarily the shortest: the shortest-lasso search was cut at "
                         f"{SHORTEST_WORK:,} steps or by the deadline"]
        return res
    how = f" in {len(configurations(model))} configurations" if model.symbolic else ""
    names = ", ".join(p.name for p in props)
    return out(PROVED, proof=[f"liveness decided on the whole state graph ({states:,} reachable states{how}): no "
                              f"fair strongly connected component of bad states violates {names}"])


def _lasso_trace(model: Model, cm: CompiledModel, graph: StateGraph, path: tuple[Any, ...]) -> Trace:
    """The lasso as a trace: a step without an instance is a stutter."""
    names = [n for n, _ in model.variables]
    steps = []
    for i, (k, s) in enumerate(path):
        values = dict(zip(names, graph.states[s], strict=True))
        if i == 0:
            steps.append(Step(None, (), values))
        elif k is None:
            steps.append(Step(STUTTER, (), values))
        else:
            action, params = cm.insts[k]
            steps.append(Step(action.name, tuple((p, params[p], t) for p, t in action.params), values))
    return Trace(tuple(steps))
