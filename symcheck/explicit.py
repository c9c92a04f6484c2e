"""The explicit-state evaluator: an interpreter of the typed IR on concrete values and
a breadth-first search of the reachable states (like TLC). Independent of Z3: the
tests use it to cross-check every verdict of the symbolic engines."""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass

from .errors import ModelError
from .ir import (Comp, DefCall, Expr, IntT, Lit, MapT, Model, Op, Ref, SeqT, SetT, Type, configurations, premises,
                 with_constants)
from .values import contains, domain, map_get, map_put, render


class Evaluator:
    """Evaluates expressions in a state; `env` binds locals (parameters, bound names)."""

    def __init__(self, model: Model, consts: dict | None = None):
        """`consts` fixes constants by name; a symbolic constant needs a value here."""
        self.model = model
        self.consts = {c.name: c.value for c in model.constants if not c.symbolic}
        self.consts.update(consts or {})

    def evaluate(self, e: Expr, state: dict, env: dict):
        if isinstance(e, Lit):
            return e.value
        if isinstance(e, Ref):
            if e.kind == "local":
                return env[e.name]
            if e.kind == "var":
                return state[e.name]
            return self.consts[e.name]
        if isinstance(e, Op):
            return self.op(e, state, env)
        if isinstance(e, Comp):
            return self.comp(e, state, env)
        if isinstance(e, DefCall):
            args = [self.evaluate(a, state, env) for a in e.args]
            return self.evaluate(e.body, state, dict(zip(e.params, args)))
        raise TypeError(f"unhandled expression {e!r}")

    def op(self, e: Op, state, env):
        o, args = e.op, e.args
        ev = lambda x: self.evaluate(x, state, env)  # noqa: E731
        if o == "and":
            return all(ev(a) for a in args)
        if o == "or":
            return any(ev(a) for a in args)
        if o == "implies":
            return (not ev(args[0])) or ev(args[1])
        if o == "not":
            return not ev(args[0])
        if o == "if":
            return ev(args[1]) if ev(args[0]) else ev(args[2])
        vals = [ev(a) for a in args]
        if o == "neg":
            return -vals[0]
        if o == "+":
            return vals[0] + vals[1]
        if o == "-":
            return vals[0] - vals[1]
        if o == "*":
            return vals[0] * vals[1]
        if o in ("//", "%"):
            if vals[1] == 0:
                raise ModelError("division by zero", e.span)
            return vals[0] // vals[1] if o == "//" else vals[0] % vals[1]
        if o == "==":
            return vals[0] == vals[1]
        if o == "!=":
            return vals[0] != vals[1]
        if o == "<":
            return vals[0] < vals[1]
        if o == "<=":
            return vals[0] <= vals[1]
        if o == ">":
            return vals[0] > vals[1]
        if o == ">=":
            return vals[0] >= vals[1]
        if o == "in":
            return vals[0] in vals[1]
        if o == "subset":
            return vals[0] <= vals[1]
        if o == "union":
            return vals[0] | vals[1]
        if o == "inter":
            return vals[0] & vals[1]
        if o == "diff":
            return vals[0] - vals[1]
        if o == "len":
            return len(vals[0])
        if o in ("min", "max"):
            return min(vals) if o == "min" else max(vals)
        if o in ("minset", "maxset"):
            if not vals[0]:
                raise ModelError(f"{o[:3]} of an empty set", e.span)
            return min(vals[0]) if o == "minset" else max(vals[0])
        if o == "append":
            return vals[0] + (vals[1],)
        if o == "head":
            if not vals[0]:
                raise ModelError("head of an empty sequence", e.span)
            return vals[0][0]
        if o == "tail":
            if not vals[0]:
                raise ModelError("tail of an empty sequence", e.span)
            return vals[0][1:]
        if o == "index":
            i = vals[1]
            if not 0 <= i < len(vals[0]):
                raise ModelError(f"index {i} outside a sequence of length {len(vals[0])}", e.span)
            return vals[0][i]
        if o == "get":
            try:
                return map_get(vals[0], vals[1])
            except KeyError:
                raise ModelError(f"key {vals[1]!r} outside the map's keys", e.span) from None
        if o == "put":
            if not any(k == vals[1] for k, _ in vals[0]):
                raise ModelError(f"key {vals[1]!r} outside the map's keys", e.span)
            return map_put(vals[0], vals[1], vals[2])
        if o == "field":
            rt = args[0].type
            return vals[0][rt.field_names.index(e.attr)]
        if o == "replace":
            rt = args[0].type
            rec = list(vals[0])
            for name, v in zip(e.attr, vals[1:]):
                rec[rt.field_names.index(name)] = v
            return tuple(rec)
        if o in ("record", "tuple", "seqlit"):
            return tuple(vals)
        if o == "setlit":
            for v in vals:
                check_elem(v, e.type.elem, e)
            return frozenset(vals)
        if o == "coerce":
            return coerce_value(vals[0], e.type, e)
        raise TypeError(f"unhandled operator {o!r}")

    def bindings(self, gens, state, env):
        """Every binding of the generators, in domain order."""
        def rec(i, env):
            if i == len(gens):
                yield env
                return
            g = gens[i]
            for v in self.gen_values(g, state, env):
                yield from rec(i + 1, {**env, g.name: v})
        return rec(0, env)

    def gen_values(self, g, state, env):
        if g.kind == "set":
            s = self.evaluate(g.source, state, env)
            return [v for v in domain(g.elem) if v in s]
        if g.kind == "seq":
            return list(self.evaluate(g.source, state, env))
        lo, hi = g.source
        if g.limit is not None:
            hi = min(hi, self.evaluate(g.limit, state, env))
        return list(range(lo, hi))

    def comp(self, e: Comp, state, env):
        k = e.kind
        matches = (b for b in self.bindings(e.gens, state, env)
                   if e.cond is None or self.evaluate(e.cond, state, b))
        if k == "all":
            return all(self.evaluate(e.elt, state, b) for b in matches)
        if k == "any":
            return any(self.evaluate(e.elt, state, b) for b in matches)
        if k == "sum":
            return sum(self.evaluate(e.elt, state, b) for b in matches)
        if k in ("min", "max"):
            vals = [self.evaluate(e.elt, state, b) for b in matches]
            if not vals:
                raise ModelError(f"{k} over no values", e.span)
            return min(vals) if k == "min" else max(vals)
        if k == "choose":
            for b in matches:
                return self.evaluate(e.elt, state, b)
            raise ModelError("choose found no value satisfying the condition", e.span)
        if k == "set":
            out = []
            for b in matches:
                v = self.evaluate(e.elt, state, b)
                check_elem(v, e.type.elem, e)
                out.append(v)
            return frozenset(out)
        if k == "map":
            g = e.gens[0]
            return tuple((b[g.name], self.evaluate(e.elt, state, b)) for b in matches)
        raise TypeError(f"unhandled comprehension {k!r}")


def coerce_value(v, t: Type, e=None):
    """Values stored into set elements or map keys must lie in the finite domain."""
    if isinstance(t, SetT):
        for x in v:
            check_elem(x, t.elem, e)
        return frozenset(coerce_value(x, t.elem, e) for x in v)
    if isinstance(t, MapT):
        return tuple((k, coerce_value(x, t.val, e)) for k, x in v)
    return v


def check_elem(x, t: Type, e=None):
    if not contains(t, x):
        raise ModelError(f"value {x!r} is outside {t}", getattr(e, "span", None))


def type_violations(model: Model, state: dict) -> list[str]:
    """Variables whose value left their declared type (a range, a sequence bound)."""
    return [name for name, t in model.variables if not contains(t, state[name])]


# ---------------------------------------------------------------- search


class StateCapReached(Exception):
    """The search met its state cap (`max_states`) before it finished: its result would
    be incomplete. Not a MemoryError, so a caller can tell "more than N states" from the
    process running out of memory."""

    def __init__(self, cap: int, depth: int | None = None):
        where = f" by depth {depth}" if depth is not None else ""
        super().__init__(f"more than {cap} states{where}: the search is incomplete "
                         "(raise max_states, or lower the depth)")
        self.cap = cap
        self.depth = depth


@dataclass(frozen=True)
class Found:
    """What the breadth-first search found: `invariant` is None when nothing is violated
    within `depth` steps; `complete` when the whole reachable state space was explored."""
    invariant: str | None
    depth: int
    trace: tuple  # ((action label or None, state dict), ...)
    states: int
    complete: bool
    config: dict | None = None  # symbolic constants: the configuration of the violation


def instances(model: Model):
    """Every (action, parameter values) pair, in declaration and domain order."""
    out = []
    for a in model.actions:
        names = [p for p, _ in a.params]
        for combo in itertools.product(*(domain(t) for _, t in a.params)):
            out.append((a, dict(zip(names, combo))))
    return out


def freeze(model: Model, state: dict) -> tuple:
    return tuple(state[n] for n, _ in model.variables)


def check_state(model: Model, ev: Evaluator, state: dict) -> str | None:
    bad = type_violations(model, state)
    if bad:
        return f"type({bad[0]})"
    for inv in model.invariants:
        try:
            if not ev.evaluate(inv.expr, state, {}):
                return inv.name
        except ModelError:
            return inv.name
    return None


def successors(model: Model, ev: Evaluator, state: dict, insts):
    """(label, next state or ModelError) for every enabled action instance."""
    for a, params in insts:
        try:
            if not ev.evaluate(a.guard, state, params):
                continue
            nxt = dict(state)
            for var, e in a.updates:
                nxt[var] = ev.evaluate(e, state, params)
        except ModelError as exc:
            yield (a.name, params), exc
            continue
        yield (a.name, params), nxt


def search(model: Model, depth: int, consts: dict | None = None, max_states: int = 2_000_000) -> Found:
    """Breadth-first search up to `depth` steps. Level by level, invariants are checked
    in declaration order, so the reported invariant and depth match the BMC engine's.
    Symbolic constants not fixed by `consts` are enumerated: see search_configurations.
    More than `max_states` states raises StateCapReached."""
    if any(c.name not in (consts or {}) for c in model.symbolic):
        return search_configurations(model, depth, consts, max_states)
    ev = Evaluator(model, consts)
    try:
        init = {name: ev.evaluate(e, {}, {}) for name, e in model.init}
    except ModelError:
        return Found("well-formed", 0, ((None, {}),), 0, False)
    parent: dict = {freeze(model, init): None}
    level = [init]
    insts = instances(model)
    d = 0
    while True:
        bad = _first_violation(model, ev, level)
        if bad is not None:
            name, state = bad
            return Found(name, d, _path(model, parent, state), len(parent), False)
        expansions = [(s, list(successors(model, ev, s, insts))) for s in level]
        if model.deadlock:
            for s, succ in expansions:
                if not succ:
                    return Found("deadlock", d, _path(model, parent, s), len(parent), False)
        if d == depth or not level:
            return Found(None, d if level else d - 1, (), len(parent), not level)
        nxt_level = []
        errors = []
        for s, succ in expansions:
            for label, nxt in succ:
                if isinstance(nxt, ModelError):
                    errors.append((s, label))
                    continue
                key = freeze(model, nxt)
                if key not in parent:
                    parent[key] = (freeze(model, s), label)
                    nxt_level.append(nxt)
                    if len(parent) > max_states:
                        raise StateCapReached(max_states, d + 1)
        d += 1
        if errors:
            s, label = errors[0]
            return Found("well-formed", d, _path(model, parent, s) + ((label, None),), len(parent), False)
        level = nxt_level


def search_configurations(model: Model, depth: int, consts: dict | None = None,
                          max_states: int = 2_000_000) -> Found:
    """Search every configuration of the free symbolic constants, in domain order, and
    report the violation a single symbolic query finds: the shortest, then the first
    in check order, then the first configuration."""
    fixed = dict(consts or {})
    order = check_order(model)
    best, states, complete, explored = None, 0, True, 0
    for config in configurations(with_constants(model, {n: v for n, v in fixed.items()
                                                         if n in {c.name for c in model.symbolic}})):
        found = search(model, depth, {**fixed, **config}, max_states)
        states += found.states
        complete &= found.complete
        explored = max(explored, found.depth)
        if found.invariant is not None:
            key = (found.depth, order.index(found.invariant))
            if best is None or key < best[0]:
                best = (key, found, config)
    if best is None:
        return Found(None, explored, (), states, complete)
    _, found, config = best
    return Found(found.invariant, found.depth, found.trace, states, False, config)


def check_order(model: Model) -> list[str]:
    """The order in which both engines check a depth: well-formedness, types,
    invariants, deadlock."""
    return ["well-formed"] + [f"type({n})" for n, _ in model.variables] + \
        [i.name for i in model.invariants] + ["deadlock"]


def _first_violation(model, ev, level):
    names = [f"type({n})" for n, _ in model.variables] + [i.name for i in model.invariants]
    found = {}
    for s in level:
        v = check_state(model, ev, s)
        if v is not None and v not in found:
            found[v] = s
    for n in names:
        if n in found:
            return n, found[n]
    return None


def _path(model, parent, state):
    names = [n for n, _ in model.variables]
    key = freeze(model, state)
    out = []
    while key is not None:
        entry = parent[key]
        st = dict(zip(names, key))
        if entry is None:
            out.append((None, st))
            break
        prev, label = entry
        out.append((label, st))
        key = prev
    return tuple(reversed(out))


def describe(model: Model, state: dict) -> str:
    return ", ".join(f"{n} = {render(state[n], t)}" for n, t in model.variables)


def coverage_search(model: Model, depth: int, consts: dict | None = None,
                    max_states: int = 2_000_000) -> tuple[dict, dict]:
    """The solver-free coverage: breadth-first over every path of well-formed steps
    through well-typed states (invariants not checked), the first step at which each action fires and the first
    state in which each invariant premise (`ir.premises`) is true; None if not within
    `depth`. Cross-checks the cover engine. With symbolic constants: the first depth
    over every configuration. More than `max_states` states raises StateCapReached."""
    if model.symbolic and consts is None:
        runs = [coverage_search(with_constants(model, c), depth, max_states=max_states)
                for c in configurations(model)]
        first = lambda ds: min((d for d in ds if d is not None), default=None)  # noqa: E731
        return ({a: first(r[0][a] for r in runs) for a in runs[0][0]},
                {p: first(r[1][p] for r in runs) for p in runs[0][1]})
    ev = Evaluator(model, consts)
    prem = premises(model)
    actions = {a.name: None for a in model.actions}
    reached = {name: None for name in prem}
    try:
        level = [{name: ev.evaluate(e, {}, {}) for name, e in model.init}]
    except ModelError:
        return actions, reached
    level = [s for s in level if not type_violations(model, s)]  # an ill-typed initial state reaches nothing
    seen = {freeze(model, s) for s in level}
    insts = instances(model)
    for d in range(depth + 1):
        for state in level:
            for name, p in prem.items():
                if reached[name] is None:
                    try:
                        if ev.evaluate(p, state, {}) is True:
                            reached[name] = d
                    except ModelError:
                        pass
        if d == depth:
            break
        nxt_level = []
        for state in level:
            for (name, _), nxt in successors(model, ev, state, insts):
                if isinstance(nxt, ModelError) or type_violations(model, nxt):
                    continue
                if actions[name] is None:
                    actions[name] = d + 1
                key = freeze(model, nxt)
                if key not in seen:
                    seen.add(key)
                    nxt_level.append(nxt)
                    if len(seen) > max_states:
                        raise StateCapReached(max_states, d + 1)
        level = nxt_level
    return actions, reached
