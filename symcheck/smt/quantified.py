"""Operators over sets and maps of unbounded domain (sorts, integers without a range),
as Z3 arrays and quantifiers: `all`/`any` over such a set are ∀/∃, a filtered set a
λ-term, membership a select. What finite domains expand, these quantify; the obligations
of a quantified body are quantified with it. The formulas stay in the array property
fragment when the claim does (see `fragment`)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from symcheck.front.ir import Comp, CompKind, GenKind, Model, Op, Opcode, Ref, SetT, SortT
from symcheck.smt.arrays import SArr, arrayed, zsort
from symcheck.smt.symbolic import pack, unpack

_COUNTER = [0]


class Unsupported(Exception):
    """An operation that needs a finite domain, applied to an unbounded one."""


def _bound_var(name: str, t) -> z3.ExprRef:
    _COUNTER[0] += 1
    return z3.Const(f"{name}!q{_COUNTER[0]}", zsort(t))


def touches_arrays(e: Op) -> bool:
    return any(arrayed(a.type) for a in e.args)


def quantified_gens(e: Comp) -> bool:
    return any(g.kind is GenKind.SET and arrayed(g.source.type) for g in e.gens)


# ---------------------------------------------------------------- comprehensions

def comp(ctx, e: Comp, state: dict, env: dict):
    """A comprehension some of whose generators range over arrays: all, any, a filtered
    or mapped set, a map over a sort's members."""
    k = e.kind
    if k not in (CompKind.ALL, CompKind.ANY, CompKind.SET, CompKind.MAP):
        raise Unsupported(f"{k}(...) over a set of unbounded size (a sort or an int without a range) has no "
                          "finite value; use all/any, or count with an integer variable")
    if k is CompKind.MAP:
        g = e.gens[0]
        x = _bound_var(g.name, g.elem)
        body = _scoped(ctx, [x], z3.BoolVal(True),
                       lambda: pack(ctx.enc(e.elt, state, {**env, g.name: unpack(x, g.elem)}), e.type.val))
        return SArr(z3.Lambda([x], body))
    g = e.gens[0]
    if k is CompKind.SET and len(e.gens) == 1 and isinstance(e.elt, Ref) and e.elt.name == g.name and g.elem == e.type.elem:
        # a filter {x for x in S if c}: λx. S[x] ∧ c(x), no existential
        src = ctx.enc(g.source, state, env)
        x = _bound_var(g.name, g.elem)
        cond = e.cond if e.cond is not None else None
        body = _scoped(ctx, [x], z3.Select(src.arr, x), lambda: ctx.enc(cond, state, {**env, g.name: unpack(x, g.elem)})
                       if cond is not None else z3.BoolVal(True))
        return SArr(z3.Lambda([x], z3.And(z3.Select(src.arr, x), body)))
    if k is CompKind.SET:
        et = e.type.elem
        y = _bound_var("elem", et)
        def image(benv):
            return y == pack(ctx.enc(e.elt, state, benv), et)
        return SArr(z3.Lambda([y], _nest(ctx, e, state, env, list(e.gens), CompKind.ANY, image)))
    return _nest(ctx, e, state, env, list(e.gens), k, lambda benv: ctx.enc(e.elt, state, benv))


def _nest(ctx, e: Comp, state, env, gens, kind: CompKind, body: Callable[[dict], Any]):
    """∀ (all) or ∃ (any) over the generators in order, the condition inside."""
    if not gens:
        cond = ctx.enc(e.cond, state, env) if e.cond is not None else z3.BoolVal(True)
        with ctx.under(cond):
            value = body(env)
        return z3.Implies(cond, value) if kind is CompKind.ALL else z3.And(cond, value)
    g, rest = gens[0], gens[1:]
    src = ctx.enc(g.source, state, env) if g.kind in (GenKind.SET, GenKind.SEQ) else None
    if isinstance(src, SArr):
        x = _bound_var(g.name, g.elem)
        guard = z3.Select(src.arr, x)
        inner = _scoped(ctx, [x], guard, lambda: _nest(ctx, e, state, {**env, g.name: unpack(x, g.elem)}, rest,
                                                            kind, body))
        return z3.ForAll([x], z3.Implies(guard, inner)) if kind is CompKind.ALL else z3.Exists([x], z3.And(guard, inner))
    parts = []
    for benv, guard in ctx.bindings([g], state, env, z3.BoolVal(True)):
        with ctx.under(guard):
            inner = _nest(ctx, e, state, benv, rest, kind, body)
        parts.append(z3.Implies(guard, inner) if kind is CompKind.ALL else z3.And(guard, inner))
    return z3.And(parts) if kind is CompKind.ALL else z3.Or(parts)


def _scoped(ctx, xs: list, guard, build: Callable[[], Any]):
    """Encode under bound variables xs: obligations found inside are quantified over xs
    (under the generator's guard), so no bound variable escapes its quantifier."""
    saved_pc, saved = ctx.pc, ctx.obligations
    ctx.pc, ctx.obligations = z3.BoolVal(True), []
    try:
        value = build()
        inner = ctx.obligations
    finally:
        ctx.pc, ctx.obligations = saved_pc, saved
    for cond, message in inner:
        ctx.oblige(z3.ForAll(xs, z3.Implies(guard, cond)), message)
    return value


# ---------------------------------------------------------------- operators

def _member(ctx, e, vals):
    x, s = vals
    return z3.Select(s.arr, pack(x, e.args[1].type.elem))


def _subset(ctx, e, vals):
    return z3.IsSubset(vals[0].arr, vals[1].arr)


def _algebra(ctx, e, vals):
    a, b = (v.arr for v in vals)
    f = {Opcode.UNION: z3.SetUnion, Opcode.INTERSECTION: z3.SetIntersect,
         Opcode.DIFFERENCE: z3.SetDifference}[e.op]
    return SArr(f(a, b))


def _set_literal(ctx, e, vals):
    t = e.type
    arr = z3.K(zsort(t.elem), z3.BoolVal(False))
    for v in vals:
        arr = z3.Store(arr, pack(v, t.elem), True)
    return SArr(arr)


def _get(ctx, e, vals):
    m, k = vals
    t = e.args[0].type
    return unpack(z3.Select(m.arr, pack(k, t.key)), t.val)


def _put(ctx, e, vals):
    m, k, v = vals
    t = e.args[0].type
    return SArr(z3.Store(m.arr, pack(k, t.key), pack(v, t.val)))


def _unsupported(ctx, e, vals):
    raise Unsupported(f"{e.op.value} of a set or map over an unbounded type (a sort or an int without a "
                      "range) is not supported; quantify with all/any instead")


RULES: dict[Opcode, Callable] = {
    Opcode.MEMBER: _member, Opcode.SUBSET: _subset, Opcode.UNION: _algebra, Opcode.INTERSECTION: _algebra,
    Opcode.DIFFERENCE: _algebra, Opcode.SET_LITERAL: _set_literal, Opcode.MAP_GET: _get, Opcode.MAP_PUT: _put,
    Opcode.LENGTH: _unsupported, Opcode.SET_MIN: _unsupported, Opcode.SET_MAX: _unsupported,
}


def rule(e: Op) -> Callable | None:
    """The array rule for an operator applied to an array, or a set literal of one."""
    if e.op is Opcode.SET_LITERAL and arrayed(e.type):
        return RULES[e.op]
    if e.op in RULES and e.op is not Opcode.SET_LITERAL and touches_arrays(e):
        return RULES[e.op]
    return None


# ---------------------------------------------------------------- the EPR check

def fragment(model: Model) -> list[str]:
    """Why the claim's queries leave EPR (effectively propositional logic, where Z3
    decides quantified formulas): a function from one sort into another whose values
    are quantified over again (a cycle between sorts), or a sort in arithmetic. Empty
    when every quantifier ranges over a sort and no term builds new members of a sort
    from another's (maps whose keys and values are both sorts form an edge; a cycle
    of such edges is the problem)."""
    edges: set = set()
    for _, t in list(model.variables) + [(c.name, c.type) for c in model.constants]:
        for key, val in _map_sorts(t):
            edges.add((key, val))
    out = []
    for a, b in sorted(edges):
        if _reaches(edges, b, a):
            out.append(f"the maps between sorts {a} and {b} form a cycle, which leaves EPR: Z3's answer may "
                       "be unknown, and is then never taken for a proof")
    if _ints_under_quantifiers(model):
        out.append("quantifiers range over records with integer fields without a range (beyond EPR, Z3's "
                   "quantifier instantiation may answer unknown, which is never taken for a proof)")
    return out


def _map_sorts(t) -> list:
    from symcheck.front.ir import MapT, RecordT, TupleT
    if isinstance(t, MapT) and isinstance(t.key, SortT):
        vals = [t.val] if isinstance(t.val, SortT) else []
        if isinstance(t.val, (RecordT, TupleT)):
            vals = [ft for ft in (t.val.elems if isinstance(t.val, TupleT) else [f for _, f in t.val.fields])
                    if isinstance(ft, SortT)]
        return [(t.key.name, v.name) for v in vals]
    if isinstance(t, SetT):
        return _map_sorts(t.elem)
    return []


def _reaches(edges: set, a: str, b: str) -> bool:
    seen, todo = set(), [a]
    while todo:
        x = todo.pop()
        if x == b:
            return True
        if x in seen:
            continue
        seen.add(x)
        todo += [v for (u, v) in edges if u == x]
    return False


def _ints_under_quantifiers(model: Model) -> bool:
    """Some quantified set holds records with unbounded integer fields."""
    from symcheck.front.ir import IntT, RecordT
    for _, t in model.variables:
        if isinstance(t, SetT) and isinstance(t.elem, RecordT) and arrayed(t):
            if any(isinstance(ft, IntT) and not ft.bounded for _, ft in t.elem.fields):
                return True
    return False



def fragment_note(model: Model) -> list[str]:
    """The proof's line on the EPR check (only for claims with sorts)."""
    from symcheck.front.ir import Feature
    if Feature.SORTS not in model.features:
        return []
    why = fragment(model)
    if not why:
        return ["decidable fragment: EPR (every quantifier ranges over a sort, no function cycles between sorts)"]
    return [f"leaves EPR: {w}" for w in why]
