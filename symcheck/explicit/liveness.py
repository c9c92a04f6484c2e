"""Liveness by explicit-state search, without Z3: the independent cross-check of the
lasso engine (`liveness.py`), on the whole reachable state graph.

Semantics (TLA+'s, as TLC checks a PROPERTY under WF_vars fairness):
- A behaviour is infinite, and any state may repeat forever (stuttering) unless
  fairness forbids it; a state in which no action is enabled repeats forever.
- Weak fairness of a group F of action instances: if from some point on F is always
  enabled, F is taken infinitely often. Strong fairness: if F is enabled infinitely
  often, F is taken infinitely often. Only steps that change the state count (TLA+'s
  <A>_vars): F is enabled in s when an instance of F is enabled in s and leads to
  another state; a step takes F when it is by an instance of F and changes the state.
- On a lasso (a prefix, then a loop repeated forever) this reads: for each weak F,
  some loop state has F disabled, or some loop step takes F; for each strong F, every
  loop state has F disabled, or some loop step takes F.
- `eventually(P)` is violated by a fair lasso in which P is false in every state;
  `leads_to(P, Q)` by a fair lasso with a state where P holds and Q is false from
  there on, forever. A predicate that is ill-formed in a state is false there.

The shortest lasso has the fewest states: the prefix, then the loop, whose closing
step returns to the loop's first state x. For each x it is the shortest allowed path
to x plus the shortest fair closed walk from x, both breadth-first (the walk over
pairs (state, constraints met so far)), so its length is exact and must equal the
lasso engine's."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from symcheck.errors import ModelError
from symcheck.explicit.constructs import initial_states, within
from symcheck.explicit.evaluator import Evaluator, StateCapReached, freeze
from symcheck.front.actions import fair_groups, instances
from symcheck.front.ir import Model, Property
from symcheck.trace import STUTTER, Step, Trace


@dataclass
class Graph:
    """The reachable states (the first `inits` are the initial states) and, per state,
    its transitions as (action instance index, successor index)."""
    states: list
    edges: list
    insts: list
    inits: int = 1


@dataclass(frozen=True)
class Lasso:
    """States s0 .. sk and then s_loop_start again; labels[i] is the instance index of
    the step into states[i] (None for the first state and for a stutter)."""
    prop: str
    states: tuple
    labels: tuple
    loop_start: int

    @property
    def length(self) -> int:
        """Number of steps, the closing one included (= number of distinct positions)."""
        return len(self.states) - 1


def step(ev: Evaluator, inst, state: dict) -> dict | None:
    """The successor by one action instance, or None when it is disabled or ill-formed
    (an ill-formed step is a safety violation, `well-formed`, not a transition)."""
    action, params = inst
    try:
        if not ev.evaluate(action.guard, state, params):
            return None
        nxt = dict(state)
        for var, e in action.updates:
            nxt[var] = ev.evaluate(e, state, params)
    except ModelError:
        return None
    return nxt


def holds(ev: Evaluator, e, state: dict) -> bool:
    try:
        return bool(ev.evaluate(e, state, {}))
    except ModelError:
        return False


def reachable_graph(model: Model, consts: dict | None = None, max_states: int = 200_000) -> Graph:
    ev = Evaluator(model, consts)
    insts = instances(model)
    states: list[dict] = []
    index: dict[tuple, int] = {}
    edges: list[list[tuple[int, int]]] = []
    for init in initial_states(model, ev):
        if freeze(model, init) not in index:
            index[freeze(model, init)] = len(states)
            states.append(init)
    inits = len(states)
    while len(edges) < len(states):
        s = states[len(edges)]
        out = []
        for k, inst in enumerate(insts if within(model, ev, s) else ()):  # beyond a state constraint: no step
            nxt = step(ev, inst, s)
            if nxt is None:
                continue
            key = freeze(model, nxt)
            if key not in index:
                if len(states) >= max_states:
                    raise StateCapReached(max_states)
                index[key] = len(states)
                states.append(nxt)
            out.append((k, index[key]))
        edges.append(out)
    return Graph(states, edges, insts, inits)


def find_lasso(model: Model, graph: Graph, prop: Property, consts: dict | None = None) -> Lasso | None:
    """The shortest fair lasso violating `prop`, or None when the property holds."""
    ev = Evaluator(model, consts)
    n = len(graph.states)
    p = [holds(ev, prop.args[0], s) for s in graph.states]
    if prop.kind == "eventually":
        bad, trigger = [not v for v in p], None
    else:
        bad = [not holds(ev, prop.args[1], s) for s in graph.states]
        trigger = [a and b for a, b in zip(p, bad)]
    groups = fair_groups(model, graph.insts)
    ng = len(groups)
    member = [[i for i, g in enumerate(groups) if k in g.insts] for k in range(len(graph.insts))]
    strong = sum(1 << i for i, g in enumerate(groups) if g.strong)
    disabled = []  # per state: the weak groups disabled there, and (shifted) the strong groups enabled there
    for s in range(n):
        on = {i for k, t in graph.edges[s] if t != s for i in member[k]}
        disabled.append(sum(1 << i for i in range(ng) if i not in on and not strong >> i & 1)
                        | sum(1 << (ng + i) for i in on if strong >> i & 1))
    weak_all = ((1 << ng) - 1) & ~strong

    # the prefix: breadth-first over (state, triggered); once triggered, states are bad
    starts = []
    for r in range(graph.inits):
        if trigger is not None:
            starts.append((r, False))
        if (trigger is None and bad[r]) or (trigger is not None and trigger[r]):
            starts.append((r, True))
    dist = dict.fromkeys(starts, 0)
    parent = dict.fromkeys(starts)
    queue = deque(starts)
    while queue:
        s, armed = node = queue.popleft()
        for k, t in graph.edges[s]:
            nexts = [(t, True)] if armed and bad[t] else []
            if not armed:
                nexts = [(t, False)] + ([(t, True)] if trigger is not None and trigger[t] else [])
            for nn in nexts:
                if nn not in dist:
                    dist[nn], parent[nn] = dist[node] + 1, (node, k)
                    queue.append(nn)

    def loop(x: int, need_trigger: bool):
        """The shortest fair closed walk from x through bad states, as [(label, state)]."""
        tbit = (1 << (2 * ng)) if need_trigger else 0
        bits = lambda y: disabled[y] | (tbit if need_trigger and trigger is not None and trigger[y] else 0)  # noqa: E731

        def fair(mask: int) -> bool:  # weak: disabled or taken; strong: taken or never enabled
            met, enabled = mask & ((1 << ng) - 1), mask >> ng & ((1 << ng) - 1)
            return met & weak_all == weak_all and not enabled & strong & ~met and mask & tbit == tbit
        start = (x, bits(x))
        par: dict[tuple[int, int], tuple[tuple[int, int], int | None] | None] = {start: None}
        todo = deque([start])
        while todo:
            node = todo.popleft()
            y, mask = node
            for k, z in graph.edges[y] + [(None, y)]:
                if not bad[z]:
                    continue
                took = sum(1 << i for i in member[k]) if k is not None and z != y else 0
                m2 = mask | bits(z) | took
                if z == x and fair(m2):
                    walk = [(k, x)]
                    back = par[node]
                    while back is not None:
                        walk.append((back[1], node[0]))
                        node = back[0]
                        back = par[node]
                    return walk[::-1]
                if (z, m2) not in par:
                    par[(z, m2)] = (node, k)
                    todo.append((z, m2))
        return None

    best = None  # (number of steps, (x, armed), walk)
    for (x, armed), d in sorted(dist.items(), key=lambda kv: (kv[1], kv[0][0], kv[0][1])):
        if not bad[x] or (best is not None and d + 1 >= best[0]):
            continue
        walk = loop(x, need_trigger=not armed)
        if walk is not None and (best is None or d + len(walk) < best[0]):
            best = (d + len(walk), (x, armed), walk)
    if best is None:
        return None
    _, node, walk = best
    prefix = _path_to(parent, node)
    path = prefix + walk
    return Lasso(prop.name, tuple(s for _, s in path), tuple(k for k, _ in path), len(prefix) - 1)


def _path_to(parent: dict, node) -> list:
    """[(label, state)] from the initial state to `node`'s state, along BFS parents."""
    prefix = []
    while node is not None:
        entry = parent[node]
        prefix.append((entry[1] if entry else None, node[0]))
        node = entry[0] if entry else None
    return prefix[::-1]


def check_properties(model: Model, consts: dict | None = None) -> dict:
    """Each property's shortest violating lasso (None when it holds), on the whole
    reachable state graph."""
    graph = reachable_graph(model, consts)
    return {p.name: find_lasso(model, graph, p, consts) for p in model.properties}


def to_trace(model: Model, graph: Graph, lasso: Lasso) -> Trace:
    steps = []
    for i, (s, k) in enumerate(zip(lasso.states, lasso.labels)):
        state = graph.states[s]
        if i == 0:
            steps.append(Step(None, (), state))
        elif k is None:
            steps.append(Step(STUTTER, (), state))
        else:
            a, params = graph.insts[k]
            steps.append(Step(a.name, tuple((p, params[p], t) for p, t in a.params), state))
    return Trace(tuple(steps))


def lasso_problem(model: Model, trace: Trace, loop_start: int, prop_name: str,
                  consts: dict | None = None) -> str | None:
    """Why a trace is not a fair lasso violating the property (None when it is one):
    replays every step, checks the closing step, the property and each fairness
    constraint. Used to check the lasso engine's traces independently."""
    ev = Evaluator(model, consts)
    insts = instances(model)
    index: dict[tuple[str | None, tuple[tuple[str, Any], ...]], int] = {
        (a.name, tuple(params.items())): k for k, (a, params) in enumerate(insts)}
    steps = trace.steps
    if steps[0].state not in initial_states(model, ev):
        return "the first state is not an initial state"
    for i in range(1, len(steps)):
        prev, cur = steps[i - 1].state, steps[i]
        if cur.action == STUTTER:
            if cur.state != prev:
                return f"step {i} stutters but changes the state"
            continue
        k = index.get((cur.action, tuple((p, v) for p, v, _ in cur.params)))
        if k is None or step(ev, insts[k], prev) != cur.state:
            return f"step {i} ({cur.action}) is not a transition of the model"
    last, lp = len(steps) - 1, loop_start
    if not 0 <= lp < last or steps[last].state != steps[lp].state:
        return f"the last step does not return to state {lp}"
    states = [s.state for s in steps[:last]]
    prop = next(p for p in model.properties if p.name == prop_name)
    p = [holds(ev, prop.args[0], s) for s in states]
    if prop.kind == "eventually":
        if any(p):
            return f"the predicate of {prop.name} holds in state {p.index(True)}"
    else:
        q = [holds(ev, prop.args[1], s) for s in states]
        if not any(p[i] and not any(q[min(i, lp):]) for i in range(last)):
            return f"no state of the lasso has P and then never Q, as {prop.name} needs"
    for label, how, strong in fairness_witnesses(model, trace, loop_start, consts):
        if how is None:
            return f"the loop is not fair to {label}: " + (
                "enabled in a loop state, never taken" if strong else "always enabled, never taken")
    return None


def fairness_witnesses(model: Model, trace: Trace, loop_start: int, consts: dict | None = None) -> list:
    """How the lasso's loop respects each fairness group: (label, how, strong) where how
    is ("taken", step index), ("disabled", state index) for a weak group, ("disabled",
    None) for a strong group disabled in every loop state, or None when it does not."""
    ev = Evaluator(model, consts)
    insts = instances(model)
    index: dict[tuple[str | None, tuple[tuple[str, Any], ...]], int] = {
        (a.name, tuple(params.items())): k for k, (a, params) in enumerate(insts)}
    steps, last = trace.steps, len(trace.steps) - 1
    out = []
    for label, group, strong in fair_groups(model, insts):
        how: tuple[str, int | None] | None = None
        for j in range(loop_start + 1, last + 1):
            k = index.get((steps[j].action, tuple((p, v) for p, v, _ in steps[j].params)))
            if k in group and steps[j].state != steps[j - 1].state:
                how = ("taken", j)
                break
        off = [all(step(ev, insts[k], steps[j].state) in (None, steps[j].state) for k in group)
               for j in range(loop_start, last)] if how is None else []
        if strong and off and all(off):
            how = ("disabled", None)
        elif not strong and any(off):
            how = ("disabled", loop_start + off.index(True))
        out.append((label, how, strong))
    return out
