"""The explicit-state evaluator: an interpreter of the typed IR on concrete values and
a breadth-first search of the reachable states (like TLC). Independent of Z3: the
tests use it to cross-check every verdict of the symbolic engines."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symcheck.front.strings import PYTHON as STRING_OPERATIONS
from symcheck.errors import InputError, ModelError
from symcheck.front.ir import (Comp, CompKind, DefCall, Expr, Feature, GenKind, Lit, MapT, Model, Op, Opcode, Ref, RefKind, SetT,
                               Type, configurations, premises, with_constants)
from symcheck.front.actions import instances
from symcheck.explicit.constructs import initial_states, step_violation, within
from symcheck.front.values import contains, domain, domain_size, map_get, map_put, render, sort_key

SUPPORTS: frozenset[Feature] = frozenset()  # finite types only: it enumerates every value


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
            return e.value_in(state, env, self.consts)
        if isinstance(e, Op):
            return self.op(e, state, env)
        if isinstance(e, Comp):
            return self.comp(e, state, env)
        if isinstance(e, DefCall):
            args = [self.evaluate(a, state, env) for a in e.args]
            return self.evaluate(e.body, state, dict(zip(e.params, args, strict=False)))
        raise TypeError(f"unhandled expression {e!r}")

    def op(self, e: Op, state, env):
        return OPERATORS[e.op](self, e, lambda x: self.evaluate(x, state, env))

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
        if g.kind is GenKind.SET:
            s = self.evaluate(g.source, state, env)
            if domain_size(g.elem) is None:  # a decoded set over a sort (explaining an SMT trace)
                return sorted(s, key=lambda v: sort_key(v, g.elem))
            return [v for v in domain(g.elem) if v in s]
        if g.kind is GenKind.SEQ:
            return list(self.evaluate(g.source, state, env))
        lo, hi = g.source
        if g.limit is not None:
            hi = min(hi, self.evaluate(g.limit, state, env))
        return list(range(lo, hi))

    def comp(self, e: Comp, state, env):
        k = e.kind
        matches = (b for b in self.bindings(e.gens, state, env)
                   if e.cond is None or self.evaluate(e.cond, state, b))
        if k is CompKind.ALL:
            return all(self.evaluate(e.elt, state, b) for b in matches)
        if k is CompKind.ANY:
            return any(self.evaluate(e.elt, state, b) for b in matches)
        if k is CompKind.SUM:
            return sum(self.evaluate(e.elt, state, b) for b in matches)
        if k in (CompKind.MIN, CompKind.MAX):
            vals = [self.evaluate(e.elt, state, b) for b in matches]
            if not vals:
                raise ModelError(f"{k} over no values", e.span)
            return min(vals) if k is CompKind.MIN else max(vals)
        if k is CompKind.CHOOSE:
            for b in matches:
                return self.evaluate(e.elt, state, b)
            raise ModelError("choose found no value satisfying the condition", e.span)
        if k is CompKind.SET:
            out = []
            for b in matches:
                v = self.evaluate(e.elt, state, b)
                check_elem(v, e.type.elem, e)
                out.append(v)
            return frozenset(out)
        if k is CompKind.SEQ:
            return tuple(self.evaluate(e.elt, state, b) for b in matches)
        if k is CompKind.MAP:
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


def check_assumptions(model: Model) -> None:
    """TLC's ASSUME: each assumption holds in every configuration of the symbolic
    constants, else a located InputError. (Constants of any value are left to the SMT
    engines, which take the assumptions as a constraint on them.)"""
    if any(c.free for c in model.constants):
        return
    for config in configurations(model):
        ev = Evaluator(model, config)
        shown = f" when {', '.join(f'{n} = {v!r}' for n, v in config.items())}" if config else ""
        for a in model.assumes:
            try:
                holds = ev.evaluate(a.expr, {}, {})
            except ModelError as exc:
                raise InputError(a.span, f"assumption {a.name} is ill formed{shown}: {exc.message}") from None
            if not holds:
                raise InputError(a.span, f"assumption {a.name} is false{shown}",
                                 "the constants break what the claim assumes of them: change one or the other")


def successors(model: Model, ev: Evaluator, state: dict, insts):
    """(label, next state or ModelError) for every enabled action instance; none from
    a state beyond the state constraints. A guard that names none of its action's
    parameters is evaluated once per state, not once per instance (an action over 500
    parameter values whose guard is `not configured`)."""
    if model.constraints and not within(model, ev, state):
        return
    closed: dict[str, Any] = {}  # action name -> its parameter-free guard's value in this state
    for a, params in insts:
        try:
            if a.name in closed:
                enabled = closed[a.name]
            else:
                enabled = ev.evaluate(a.guard, state, params)
                if params and not _names_locals(a.guard, set(params)):
                    closed[a.name] = enabled
            if not enabled:
                continue
            nxt = dict(state)
            for var, e in a.updates:
                nxt[var] = ev.evaluate(e, state, params)
        except ModelError as exc:
            yield (a.name, params), exc
            continue
        yield (a.name, params), nxt


def _names_locals(node: Any, names: set[str]) -> bool:
    """Whether the expression refers to a bound name in `names` (conservatively: a
    definition's body and a generator's own names count too)."""
    if isinstance(node, Ref):
        return node.kind is RefKind.LOCAL and node.name in names
    if isinstance(node, (tuple, list)):
        return any(_names_locals(x, names) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, (Type, type)):
        return any(_names_locals(getattr(node, f.name), names) for f in dataclasses.fields(node))
    return False


def search(model: Model, depth: int, consts: dict | None = None, max_states: int = 2_000_000) -> Found:
    """Breadth-first search up to `depth` steps. Level by level, invariants are checked
    in declaration order, so the reported invariant and depth match the BMC engine's.
    Symbolic constants not fixed by `consts` are enumerated: see search_configurations.
    More than `max_states` states raises StateCapReached."""
    if any(c.name not in (consts or {}) for c in model.symbolic):
        return search_configurations(model, depth, consts, max_states)
    ev = Evaluator(model, consts)
    try:
        starts = initial_states(model, ev)
    except ModelError:
        return Found("well-formed", 0, ((None, {}),), 0, False)
    parent: dict = {}
    level = []
    for init in starts:
        if freeze(model, init) not in parent:
            parent[freeze(model, init)] = None
            level.append(init)
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
        broken: dict[str, tuple] = {}  # step invariant -> its first breaking step (state, label, next state)
        for s, succ in expansions:
            for label, nxt in succ:
                if isinstance(nxt, ModelError):
                    errors.append((s, label))
                    continue
                name = step_violation(model, ev, s, nxt)
                if name is not None and name not in broken:
                    broken[name] = (s, label, nxt)
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
        for inv in model.step_invariants:  # in declaration order, before the new states' checks
            if inv.name in broken:
                s, label, nxt = broken[inv.name]
                return Found(inv.name, d, _path(model, parent, s) + ((label, nxt),), len(parent), False)
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
    """The order in which both engines check a depth: well-formedness, step invariants,
    types, invariants, deadlock."""
    return ["well-formed"] + [i.name for i in model.step_invariants] + [f"type({n})" for n, _ in model.variables] + \
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
        st = dict(zip(names, key, strict=False))
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
                    max_states: int = 2_000_000, known: tuple[dict, dict] | None = None) -> tuple[dict, dict]:
    """The solver-free coverage: breadth-first over every path of well-formed steps
    through well-typed states (invariants not checked), the first step at which each action fires and the first
    state in which each invariant premise (`ir.premises`) is true; None if not within
    `depth`. Cross-checks the cover engine. With symbolic constants: the first depth
    over every configuration (`known`: the first depths of the configurations searched
    before). The search stops at the level by which every first depth is known: a
    breadth-first search cannot lower one. More than `max_states` states raises
    StateCapReached."""
    if model.symbolic and consts is None:
        for c in configurations(model):
            known = coverage_search(with_constants(model, c), depth, max_states=max_states, known=known)
        assert known is not None  # a claim has a configuration
        return known
    ev = Evaluator(model, consts)
    prem = premises(model)
    actions: dict = {a.name: None for a in model.actions} if known is None else dict(known[0])
    reached: dict = dict.fromkeys(prem) if known is None else dict(known[1])

    def later(first, d: int) -> bool:
        return first is None or first > d
    try:
        level = initial_states(model, ev)
    except ModelError:
        return actions, reached
    level = [s for s in level if not type_violations(model, s)]  # an ill-typed initial state reaches nothing
    seen = {freeze(model, s) for s in level}
    insts = instances(model)
    for d in range(depth + 1):
        for state in level:
            for name, p in prem.items():
                if later(reached[name], d):
                    try:
                        if ev.evaluate(p, state, {}) is True:
                            reached[name] = d
                    except ModelError:
                        pass
        if d == depth or not any(later(f, d) for f in (*actions.values(), *reached.values())):
            break  # every first depth is known and at most d
        nxt_level = []
        for state in level:
            for (name, _), nxt in successors(model, ev, state, insts):
                if isinstance(nxt, ModelError) or type_violations(model, nxt):
                    continue
                if later(actions[name], d + 1):
                    actions[name] = d + 1
                key = freeze(model, nxt)
                if key not in seen:
                    seen.add(key)
                    nxt_level.append(nxt)
                    if len(seen) > max_states:
                        raise StateCapReached(max_states, d + 1)
        level = nxt_level
    return actions, reached


# ---------------------------------------------------------------- operators
# One function per opcode, given the evaluator, the node and `ev`, which evaluates an
# operand. The lazy connectives evaluate only the operands they need; `_strict` rules
# get every operand's value, evaluated in order. Ill-formed operations raise ModelError.

Evaluate = Callable[[Expr], Any]


def _strict(rule: Callable[[Op, list], Any]) -> Callable[[Evaluator, Op, Evaluate], Any]:
    def apply(evaluator: Evaluator, e: Op, ev: Evaluate) -> Any:
        return rule(e, [ev(a) for a in e.args])
    return apply


def _divide(e, vals):
    if vals[1] == 0:
        raise ModelError("division by zero", e.span)
    return vals[0] // vals[1] if e.op is Opcode.FLOOR_DIVIDE else vals[0] % vals[1]


def _set_min_max(e, vals):
    if not vals[0]:
        raise ModelError(f"{e.op.value[:3]} of an empty set", e.span)
    return min(vals[0]) if e.op is Opcode.SET_MIN else max(vals[0])


def _head(e, vals):
    if not vals[0]:
        raise ModelError("head of an empty sequence", e.span)
    return vals[0][0]


def _tail(e, vals):
    if not vals[0]:
        raise ModelError("tail of an empty sequence", e.span)
    return vals[0][1:]


def _index(e, vals):
    i = vals[1]
    if not 0 <= i < len(vals[0]):
        raise ModelError(f"index {i} outside a sequence of length {len(vals[0])}", e.span)
    return vals[0][i]


def _slice(e, vals):
    s, i, j = vals
    if not 0 <= i <= j <= len(s):
        raise ModelError(f"slice [{i}:{j}] outside a sequence of length {len(s)}", e.span)
    return s[i:j]


def _remove(e, vals):
    s, i = vals
    if not 0 <= i < len(s):
        raise ModelError(f"remove at {i} outside a sequence of length {len(s)}", e.span)
    return s[:i] + s[i + 1:]


def _map_get(e, vals):
    try:
        return map_get(vals[0], vals[1])
    except KeyError:
        raise ModelError(f"key {vals[1]!r} outside the map's keys", e.span) from None


def _map_put(e, vals):
    if not any(k == vals[1] for k, _ in vals[0]):
        raise ModelError(f"key {vals[1]!r} outside the map's keys", e.span)
    return map_put(vals[0], vals[1], vals[2])


def _field(e, vals):
    return vals[0][e.args[0].type.field_names.index(e.attr)]


def _replace_fields(e, vals):
    rt = e.args[0].type
    rec = list(vals[0])
    for name, v in zip(e.attr, vals[1:], strict=False):
        rec[rt.field_names.index(name)] = v
    return tuple(rec)


def _set_literal(e, vals):
    for v in vals:
        check_elem(v, e.type.elem, e)
    return frozenset(vals)


def _binary(f: Callable[[Any, Any], Any]) -> Callable[[Evaluator, Op, Evaluate], Any]:
    return _strict(lambda e, vals: f(vals[0], vals[1]))


OPERATORS: dict[Opcode, Callable[[Evaluator, Op, Evaluate], Any]] = {
    Opcode.AND: lambda evaluator, e, ev: all(ev(a) for a in e.args),
    Opcode.OR: lambda evaluator, e, ev: any(ev(a) for a in e.args),
    Opcode.IMPLIES: lambda evaluator, e, ev: (not ev(e.args[0])) or ev(e.args[1]),
    Opcode.NOT: lambda evaluator, e, ev: not ev(e.args[0]),
    Opcode.IF: lambda evaluator, e, ev: ev(e.args[1]) if ev(e.args[0]) else ev(e.args[2]),
    Opcode.NEGATE: _strict(lambda e, vals: -vals[0]),
    Opcode.ADD: _binary(lambda x, y: x + y),
    Opcode.SUBTRACT: _binary(lambda x, y: x - y),
    Opcode.MULTIPLY: _binary(lambda x, y: x * y),
    Opcode.FLOOR_DIVIDE: _strict(_divide),
    Opcode.MODULO: _strict(_divide),
    Opcode.MIN: _strict(lambda e, vals: min(vals)),
    Opcode.MAX: _strict(lambda e, vals: max(vals)),
    Opcode.EQUAL: _binary(lambda x, y: x == y),
    Opcode.NOT_EQUAL: _binary(lambda x, y: x != y),
    Opcode.LESS: _binary(lambda x, y: x < y),
    Opcode.LESS_EQUAL: _binary(lambda x, y: x <= y),
    Opcode.GREATER: _binary(lambda x, y: x > y),
    Opcode.GREATER_EQUAL: _binary(lambda x, y: x >= y),
    Opcode.MEMBER: _binary(lambda x, coll: x in coll),
    Opcode.SUBSET: _binary(lambda a, b: a <= b),
    Opcode.UNION: _binary(lambda a, b: a | b),
    Opcode.INTERSECTION: _binary(lambda a, b: a & b),
    Opcode.DIFFERENCE: _binary(lambda a, b: a - b),
    Opcode.LENGTH: _strict(lambda e, vals: len(vals[0])),
    Opcode.SET_MIN: _strict(_set_min_max),
    Opcode.SET_MAX: _strict(_set_min_max),
    Opcode.APPEND: _strict(lambda e, vals: vals[0] + (vals[1],)),
    Opcode.SEQ_CONCAT: _binary(lambda s, t: s + t),
    Opcode.SLICE: _strict(_slice),
    Opcode.REMOVE: _strict(_remove),
    Opcode.HEAD: _strict(_head),
    Opcode.TAIL: _strict(_tail),
    Opcode.INDEX: _strict(_index),
    Opcode.MAP_GET: _strict(_map_get),
    Opcode.MAP_PUT: _strict(_map_put),
    Opcode.FIELD: _strict(_field),
    Opcode.REPLACE_FIELDS: _strict(_replace_fields),
    Opcode.RECORD: _strict(lambda e, vals: tuple(vals)),
    Opcode.TUPLE: _strict(lambda e, vals: tuple(vals)),
    Opcode.SEQ_LITERAL: _strict(lambda e, vals: tuple(vals)),
    Opcode.SET_LITERAL: _strict(_set_literal),
    Opcode.COERCE: _strict(lambda e, vals: coerce_value(vals[0], e.type, e)),
    # strings: the meaning front.strings gives each operation on Python strings
    **{code: _strict(lambda e, vals, f=f: f(*vals)) for code, f in STRING_OPERATIONS.items()},
}


class Definitions:
    """A claim's definitions, callable by name on concrete values: how the conformance
    harness (bench/conformance.py) asks a claim what it says about one input, to compare
    with what the real code does. Only definitions whose parameters are all typed
    (`"name(a: T, b: U) -> R": ...`) can be called; values use the representation of
    `symcheck.front.values` (enum members as strings, sets as frozensets, records,
    tuples and sequences as tuples)."""

    def __init__(self, claim: str, variant: str | None = None, claims: str | None = None,
                 consts: dict | None = None):
        from symcheck.front.check import ClaimChecker
        from symcheck.front.claims import claims_dir, resolve, variant_in
        from pathlib import Path
        entries = resolve(claim, Path(claims) if claims else claims_dir())
        entry = variant_in(entries[0].file, variant) if variant is not None else entries[0]
        self.checker = ClaimChecker(entry.variant)
        self.model = self.checker.run()
        self.evaluator = Evaluator(self.model, consts)
        self._compiled: dict[str, Expr] = {}

    def call(self, name: str, *args):
        """The value of definition `name` on `args`."""
        expr = self._compiled.get(name) or self._compile(name, len(args))
        return self.evaluator.evaluate(expr, {}, {f"arg_{i}": a for i, a in enumerate(args)})

    def _compile(self, name: str, arity: int) -> Expr:
        from symcheck.errors import InputError
        from symcheck.front.expressions import Scope
        from symcheck.front.source import parse_expr_text
        checker = self.checker
        if name not in checker.defs:
            raise InputError(None, f"claim {self.model.name} has no definition {name!r}")
        params, _, span = checker.defs[name]
        ptypes, _ = checker.def_types[name]
        untyped = [p for p in params if p not in ptypes]
        if len(params) != arity or untyped:
            raise InputError(span, f"definition {name} takes {len(params)} typed parameters "
                                   f"(got {arity} arguments; untyped: {', '.join(untyped) or 'none'})",
                             "declare every parameter's type: \"name(a: T) -> R\"")
        local = {f"arg_{i}": ptypes[p] for i, p in enumerate(params)}
        loc = parse_expr_text(f"{name}({', '.join(local)})", span)
        expr = checker.infer(loc.tree, Scope(checker, loc, local, False, f"a call of {name}"))
        self._compiled[name] = expr
        return expr
