"""Symmetry reduction for the explicit-state engine: renaming the members of an enum
within states, the least renaming of a state (one representative per class of
symmetric states), and the check that a model never tells those members apart."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from symcheck.front.ir import Comp, CompKind, DefCall, EnumT, GenKind, Lit, MapT, Model, Op, Opcode, RecordT, Ref, \
    RefKind, SeqT, SetT, TupleT, Type
from symcheck.front.values import domain, leaves


def _mentions(t: Type, enum: EnumT) -> bool:
    if t == enum:
        return True
    if isinstance(t, (SetT, SeqT)):
        return _mentions(t.elem, enum)
    if isinstance(t, MapT):
        return _mentions(t.key, enum) or _mentions(t.val, enum)
    if isinstance(t, RecordT):
        return any(_mentions(ft, enum) for _, ft in t.fields)
    if isinstance(t, TupleT):
        return any(_mentions(et, enum) for et in t.elems)
    return False


def renamer(t: Type, enum: EnumT) -> Callable[[Any, dict[str, str]], Any] | None:
    """A function applying a renaming of the enum's members (member -> member) to a
    value of type t; None when t holds none of them."""
    if not _mentions(t, enum):
        return None
    if t == enum:
        return lambda v, m: m[v]
    if isinstance(t, (SetT, SeqT)):
        elem = renamer(t.elem, enum) or (lambda v, m: v)
        if isinstance(t, SetT):
            return lambda v, m: frozenset(elem(x, m) for x in v)
        return lambda v, m: tuple(elem(x, m) for x in v)
    if isinstance(t, (RecordT, TupleT)):
        types = t.elems if isinstance(t, TupleT) else tuple(ft for _, ft in t.fields)
        changing = [(k, r) for k, r in enumerate(renamer(ft, enum) for ft in types) if r is not None]

        def rename_fields(v: Any, m: dict[str, str]) -> Any:
            out = list(v)
            for k, r in changing:
                out[k] = r(out[k], m)
            return tuple(out)
        return rename_fields
    if isinstance(t, MapT):
        key, val = renamer(t.key, enum) or (lambda v, m: v), renamer(t.val, enum) or (lambda v, m: v)
        rank = {k: i for i, k in enumerate(domain(t.key))}
        return lambda v, m: tuple(sorted(((key(k, m), val(x, m)) for k, x in v), key=lambda kv: rank[kv[0]]))
    raise TypeError(t)


def order_key(t: Type) -> Callable[[Any], Any]:
    """A total order on the values of t, to pick the least of a state's renamings:
    the value itself (members, numbers and tuples of them compare), with every set
    replaced by its sorted elements."""
    if not any(isinstance(leaf, SetT) for leaf in leaves(t)):
        return lambda v: v
    if isinstance(t, SetT):
        elem = order_key(t.elem)
        return lambda v: tuple(sorted(map(elem, v)))
    if isinstance(t, SeqT):
        elem = order_key(t.elem)
        return lambda v: tuple(map(elem, v))
    if isinstance(t, (RecordT, TupleT)):
        parts = [order_key(ft) for ft in (t.elems if isinstance(t, TupleT) else tuple(ft for _, ft in t.fields))]
        return lambda v: tuple(p(x) for p, x in zip(parts, v, strict=True))
    if isinstance(t, MapT):
        val = order_key(t.val)
        return lambda v: tuple(val(x) for _, x in v)
    raise TypeError(t)


def symmetry_obstacle(model: Model, enum: EnumT) -> str | None:
    """Why permuting the enum's members may change what the model does (a literal
    naming a member, a `choose` among members, an order on them), or None. Only then
    may the search identify states that differ by such a permutation."""
    perms = [dict(zip(enum.members, p, strict=True)) for p in itertools.permutations(enum.members)]

    def fixed(value: Any, t: Type) -> bool:
        rename = renamer(t, enum)
        return rename is None or all(rename(value, m) == value for m in perms)

    def visit(e: Any) -> str | None:
        if e is None:
            return None
        if isinstance(e, Lit) and not fixed(e.value, e.type):
            return f"the value {e.value!r} names members of {enum.name}"
        if isinstance(e, Ref) and e.kind is RefKind.CONST:
            for value in [model.constant(e.name).value, *(model.constant(e.name).domain or ())]:
                if value is not None and not fixed(value, e.type):
                    return f"the constant {e.name} names members of {enum.name}"
        if isinstance(e, Op):
            if e.op in (Opcode.LESS, Opcode.LESS_EQUAL, Opcode.GREATER, Opcode.GREATER_EQUAL, Opcode.SET_MIN,
                        Opcode.SET_MAX, Opcode.MIN, Opcode.MAX) and any(_mentions(a.type, enum) for a in e.args):
                return f"an ordering compares members of {enum.name}"
            return next((w for w in map(visit, e.args) if w), None)
        if isinstance(e, DefCall):
            return next((w for w in map(visit, [*e.args, e.body]) if w), None)
        if isinstance(e, Comp):
            if e.kind is CompKind.CHOOSE and any(_mentions(g.elem, enum) for g in e.gens):
                return f"choose picks the first member of {enum.name}"
            parts = [e.cond, e.elt, e.key, *(g.source if g.kind is not GenKind.RANGE else g.limit for g in e.gens)]
            return next((w for w in map(visit, parts) if w), None)
        return None

    exprs = [e for _, e in model.init + model.init_any] + [i.expr for i in model.invariants + model.step_invariants]
    exprs += [model.init_where] if model.init_where is not None else []
    for action in model.actions:
        exprs += [action.guard, *(e for _, e in action.updates)]
    return next((w for w in map(visit, exprs) if w), None)


MEMO_LIMIT = 10_000  # remembered values per variable (each with all its renamings)


def canonicalizer(model: Model, enums: list[EnumT]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The least renaming of a state under every permutation of each enum's members
    (all permutations of all the enums together): symmetric states get one
    representative, so the search visits one state per class. Each variable's
    renamings (and their order keys) are computed once per value and remembered:
    states share most of their variables' values."""
    slots = [i for i, (_, t) in enumerate(model.variables) if any(_mentions(t, e) for e in enums)]
    # sequences first: their order usually tells the permutations apart at once
    slots.sort(key=lambda i: not isinstance(model.variables[i][1], SeqT))
    # the identity first; equal keys mean equal states, so the first of the least is as good as any
    renamings = [tuple(dict(zip(e.members, members, strict=True)) for e, members in zip(enums, combo, strict=True))
                 for combo in itertools.product(*(itertools.permutations(e.members) for e in enums))]
    perms = range(len(renamings))
    types = [model.variables[i][1] for i in slots]
    rename_parts = [[renamer(t, e) for e in enums] for t in types]
    key_parts = [order_key(t) for t in types]
    memo: list[dict[Any, tuple[list[Any], list[Any]]]] = [{} for _ in slots]

    def renamings_of(j: int, value: Any) -> tuple[list[Any], list[Any]]:
        values = []
        for maps in renamings:
            v = value
            for r, m in zip(rename_parts[j], maps, strict=True):
                if r is not None:
                    v = r(v, m)
            values.append(v)
        return values, [key_parts[j](v) for v in values]

    def canon(state: tuple[Any, ...]) -> tuple[Any, ...]:
        entries = []
        for j, i in enumerate(slots):
            entry = memo[j].get(state[i])
            if entry is None:
                if len(memo[j]) >= MEMO_LIMIT:  # bounded memory: start afresh
                    memo[j].clear()
                entry = memo[j][state[i]] = renamings_of(j, state[i])
            entries.append(entry)
        # the least renaming, variable by variable: keep the permutations that give
        # the least key so far (usually one is left after the first variables)
        candidates: list[int] | range = perms
        for _, keys in entries:
            least = min(keys) if candidates is perms else min(keys[p] for p in candidates)
            candidates = [p for p in candidates if keys[p] == least]
            if len(candidates) == 1:
                break
        best = candidates[0]
        if best == 0:
            return state
        out = list(state)
        for i, e in zip(slots, entries, strict=True):
            out[i] = e[0][best]
        return tuple(out)
    return canon
