"""Claims over unbounded types (sorts of unspecified size, integers without a range):
what a proof of one covers, in words, and its finite instances (a sort becomes an enum
of N members, an unbounded integer a range) for the explicit engine's cross-check."""
from __future__ import annotations

import dataclasses
from typing import Any

from symcheck.front.values import children
from symcheck.front.ir import (BOOL, Action, Comp, Constant, DefCall, Feature, Gen, IntT, Invariant, Lit, MapT, Model, Ref,
                               Op, Opcode, RecordT, SeqT, SetT, SortT, TupleT, Type)


def proved_for(model: Model) -> str:
    """What a proof of the claim covers: "for every number of Channel and Sender members,
    every TTL >= 1 and every value of now"."""
    sorts = sorted({t.name for t in _all_types(model) if isinstance(t, SortT)})
    parts = []
    if sorts:
        parts.append("every number of " + _and(sorts) + " members")
    for c in model.constants:
        if c.free and isinstance(c.type, IntT):
            parts.append(f"every {c.name} ≥ {c.type.lo}" if c.type.lo is not None else f"every {c.name}")
    clocks = [n for n, t in model.variables if isinstance(t, IntT) and not t.bounded]
    if clocks:
        parts.append("every value of " + _and(clocks))
    from symcheck.front.strings import unbounded
    if unbounded(model):
        parts.append("every string the actions' string parameters take")
    return "for " + ", ".join(parts) if parts else ""


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _all_types(model: Model) -> list[Type]:
    out: list[Type] = []

    def walk(t: Type) -> None:
        out.append(t)
        for sub in children(t):
            walk(sub)
    for t in [t for _, t in model.variables] + [c.type for c in model.constants] + \
            [t for a in model.actions for _, t in a.params]:
        walk(t)
    return out


# ---------------------------------------------------------------- finite instances

def instantiate(model: Model, size: int, ints: tuple[int, int] = (0, 3)) -> Model:
    """The claim at one finite size: each sort an enum of `size` members (Sender!0, ...),
    each integer without a range the range `ints` (its lower bound kept, when higher),
    each free constant symbolic over that range. An update that would leave such a
    range disables its action (TLC's state constraint), so the instance explores the
    claim's behaviours while the integers stay small."""
    from symcheck.front.ir import EnumT

    def ty(t: Any) -> Any:
        if isinstance(t, SortT):
            return EnumT(t.name, tuple(f"{t.name}!{i}" for i in range(size)))
        if isinstance(t, IntT) and not t.bounded:
            lo = ints[0] if t.lo is None else max(t.lo, ints[0])
            return IntT(lo, max(lo, ints[1]) if t.hi is None else min(t.hi, ints[1]))
        if isinstance(t, RecordT):
            return RecordT(t.name, tuple((f, ty(ft)) for f, ft in t.fields))
        if isinstance(t, TupleT):
            return TupleT(tuple(ty(e) for e in t.elems))
        if isinstance(t, Type):
            return _map_fields(t, ty)
        return t

    def node(x: Any) -> Any:
        if isinstance(x, Type):
            return ty(x)
        if isinstance(x, (Lit, Ref, Op, Comp, DefCall, Gen, Action, Invariant)):
            return _map_fields(x, node)
        if isinstance(x, tuple):
            return tuple(node(v) for v in x)
        return x

    constants = []
    for c in model.constants:
        t = ty(c.type)
        if c.free and isinstance(t, SetT) and isinstance(t.elem, EnumT):
            constants.append(Constant(c.name, t, frozenset(t.elem.members)))
        elif c.free and isinstance(t, IntT):
            constants.append(Constant(c.name, t, None, tuple(range(t.lo, t.hi + 1))))
        elif c.free and isinstance(t, EnumT):  # a member of a sort: each one
            constants.append(Constant(c.name, t, None, t.members))
        else:
            constants.append(dataclasses.replace(c, type=t))
    variables = tuple((n, ty(t)) for n, t in model.variables)
    actions = tuple(_kept_in_range(node(a), model, dict(variables)) for a in model.actions)
    return dataclasses.replace(model, name=f"{model.name}@{size}", constants=tuple(constants), variables=variables,
                               init=node(model.init), init_any=node(model.init_any),
                               init_where=node(model.init_where), actions=actions, invariants=node(model.invariants),
                               step_invariants=node(model.step_invariants), lemmas=node(model.lemmas))


def _kept_in_range(a: Action, model: Model, types: dict) -> Action:
    """The action, disabled where an update would take an unbounded integer variable
    out of its instance's range."""
    conds = [a.guard]
    for var, e in a.updates:
        orig = model.var_type(var)
        t = types[var]
        if isinstance(orig, IntT) and not orig.bounded and isinstance(t, IntT):
            conds.append(Op(Opcode.LESS_EQUAL, (Lit(t.lo, IntT(t.lo, t.lo)), e), BOOL))
            conds.append(Op(Opcode.LESS_EQUAL, (e, Lit(t.hi, IntT(t.hi, t.hi))), BOOL))
    guard = conds[0] if len(conds) == 1 else Op(Opcode.AND, tuple(conds), BOOL)
    return dataclasses.replace(a, guard=guard)


def _map_fields(x: Any, f: Any) -> Any:
    changes = {fld.name: f(getattr(x, fld.name)) for fld in dataclasses.fields(x) if fld.name != "span"}
    return dataclasses.replace(x, **changes)


def needs_smt(model: Model) -> str | None:
    """Why the explicit engine cannot take the claim (None when it can)."""
    feats = model.features & {Feature.SORTS, Feature.UNBOUNDED_INT}
    free = [c.name for c in model.constants if c.free and not isinstance(c.type, SetT)]
    if not feats and not free:
        from symcheck.front.strings import unbounded
        string = unbounded(model)
        return None if string is None else (
            f"{string} is any string: an explicit search enumerates values; Z3's theory of strings decides it")
    what = sorted(str(f) for f in feats) + ([f"constants of any value ({', '.join(free)})"] if free else [])
    return (f"the claim has {', '.join(what)}: an explicit search enumerates states and cannot cover every size "
            "and value; the SMT engines (linear integer arithmetic, quantifiers over sorts) decide it")


# ---------------------------------------------------------------- readable members

def renumber(model: Model, steps: list) -> list:
    """A trace's members of each sort renamed Sender!0, Sender!1, ... in the order they
    first appear (the solver's own numbering skips members the trace never shows).
    `steps`: (action, params as (name, value, Type), state) triples; returned alike."""
    names: dict[tuple[str, str], str] = {}
    mentioned: set[tuple[str, str]] = set()  # members named anywhere but as a map's key

    def mention(v: Any, t: Any) -> None:
        if isinstance(t, SortT):
            mentioned.add((t.name, v))
        elif isinstance(t, (SetT, SeqT)):
            for x in v:
                mention(x, t.elem)
        elif isinstance(t, MapT):
            for _, x in v:
                mention(x, t.val)
        elif isinstance(t, (RecordT, TupleT)):
            for x, ft in zip(v, children(t), strict=False):
                mention(x, ft)

    def shown(entries: Any, t: MapT) -> list:
        """A map over a sort: the keys the trace names, and those off the usual value."""
        if not isinstance(t.key, SortT) or not entries:
            return list(entries)
        values = [x for _, x in entries]
        usual = max(values, key=values.count)
        return [(k, x) for k, x in entries if (t.key.name, k) in mentioned or x != usual]

    def walk(v: Any, t: Any) -> Any:
        if isinstance(t, SortT):
            key = (t.name, v)
            if key not in names:
                names[key] = f"{t.name}!{sum(1 for s, _ in names if s == t.name)}"
            return names[key]
        if isinstance(t, SetT):
            return frozenset(walk(x, t.elem) for x in sorted(v, key=str))
        if isinstance(t, SeqT):
            return tuple(walk(x, t.elem) for x in v)
        if isinstance(t, MapT):
            return tuple((walk(k, t.key), walk(x, t.val)) for k, x in shown(v, t))
        if isinstance(t, (RecordT, TupleT)):
            return tuple(walk(x, ft) for x, ft in zip(v, children(t), strict=False))
        return v

    types = dict(model.variables)
    for _, params, state in steps:
        for _, v, t in params:
            mention(v, t)
        for n, v in state.items():
            mention(v, types[n])
    out = []
    for action, params, state in steps:
        params = tuple((p, walk(v, t), t) for p, v, t in params)
        out.append((action, params, {n: walk(v, types[n]) for n, v in state.items()}))
    return out


def universes(model: Model, steps: list) -> dict[str, frozenset]:
    """Each sort's universe constant (`Senders`) as the members a trace shows: the
    finite world of a witness, for explaining it with the evaluator."""
    seen: dict[str, set] = {}

    def walk(v: Any, t: Any) -> None:
        if isinstance(t, SortT):
            seen.setdefault(t.name, set()).add(v)
        elif isinstance(t, (SetT, SeqT)):
            for x in v:
                walk(x, t.elem)
        elif isinstance(t, MapT):
            for k, x in v:
                walk(k, t.key)
                walk(x, t.val)
        elif isinstance(t, (RecordT, TupleT)):
            for x, ft in zip(v, children(t), strict=False):
                walk(x, ft)

    types = dict(model.variables)
    for step in steps:
        for _, v, t in step.params:
            walk(v, t)
        for n, v in step.state.items():
            walk(v, types[n])
    return {c.name: frozenset(seen.get(c.type.elem.name, ())) for c in model.constants
            if c.free and isinstance(c.type, SetT) and isinstance(c.type.elem, SortT)}
