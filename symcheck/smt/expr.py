"""The expression encoder: typed IR expressions as Z3 terms over symbolic values.
Quantifiers and comprehensions expand over finite domains; ill-formed operations (head
of an empty sequence, ...) become obligations guarded by their path condition.
Operators are dispatched through `OPERATORS`, a table keyed by opcode."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from symcheck.front.ir import Comp, CompKind, DefCall, Expr, GenKind, Lit, Model, Op, Opcode, Ref, SetT, TupleT
from symcheck.front.values import domain
from symcheck.smt import quantified
from symcheck.smt.strings import TERMS as STRING_TERMS
from symcheck.smt.symbolic import (SMap, SSeq, SSet, STup, convert, default, eq, in_domain, ite, leaves, lift,
                                   member)


class Context:
    """Encodes expressions of one model; collects obligations under path conditions."""

    def __init__(self, model: Model, consts: dict):
        self.model = model
        self.consts = consts  # name -> symbolic value
        self.pc = z3.BoolVal(True)
        self.obligations: list = []  # (z3 condition, message)
        self.memo: dict = {}  # def call -> (value, obligations relative to the call, args)

    def oblige(self, cond, message: str):
        self.obligations.append((z3.Implies(self.pc, cond), message))

    def under(self, cond):
        ctx = self
        class _Guard:
            def __enter__(self_):
                self_.saved = ctx.pc
                ctx.pc = z3.And(ctx.pc, cond)
            def __exit__(self_, *a):
                ctx.pc = self_.saved
        return _Guard()

    def enc(self, e: Expr, state: dict, env: dict):
        if isinstance(e, Lit):
            return lift(e.value, e.type)
        if isinstance(e, Ref):
            return e.value_in(state, env, self.consts)
        if isinstance(e, Op):
            return self.op(e, state, env)
        if isinstance(e, Comp):
            return self.comp(e, state, env)
        if isinstance(e, DefCall):
            return self.call(e, state, [self.enc(a, state, env) for a in e.args])
        raise TypeError(f"unhandled expression {e!r}")

    def call(self, e: DefCall, state: dict, args: list):
        """A def's body for these arguments, encoded once per distinct argument terms and
        state (a def reads only its parameters, the state and the constants). Its
        obligations are kept relative to the call and re-added under each caller's
        path condition."""
        key = (id(e.body), id(state), tuple(tuple(x.get_id() for x in leaves(a)) for a in args))
        hit = self.memo.get(key)
        if hit is None:
            saved = self.pc, self.obligations
            self.pc, self.obligations = z3.BoolVal(True), []
            try:
                value = self.enc(e.body, state, dict(zip(e.params, args, strict=False)))
                hit = (value, self.obligations, args)  # args kept alive: their ids stay unique
            finally:
                self.pc, self.obligations = saved
            self.memo[key] = hit
        value, relative, _ = hit
        for cond, message in relative:
            self.oblige(cond, message)
        return value

    def op(self, e: Op, state, env):
        over_arrays = quantified.rule(e)  # sets and maps over unbounded domains
        if over_arrays is not None:
            return over_arrays(self, e, [self.enc(a, state, env) for a in e.args])
        return OPERATORS[e.op](self, e, lambda x: self.enc(x, state, env))

    def bindings(self, gens, state, env, guard):
        """(env, guard) for every binding of the generators, in domain order."""
        if not gens:
            yield env, guard
            return
        g, rest = gens[0], gens[1:]
        with self.under(guard):
            if g.kind is GenKind.SET:
                src = self.enc(g.source, state, env)
                pairs = [(lift(d, g.elem), src.bits[d]) for d in domain(g.elem)]
            elif g.kind is GenKind.SEQ:
                src = self.enc(g.source, state, env)
                pairs = [(x, src.length > i) for i, x in enumerate(src.items)]
            else:
                lo, hi = g.source
                limit = self.enc(g.limit, state, env) if g.limit is not None else None
                pairs = [(z3.IntVal(i), z3.BoolVal(True) if limit is None else i < limit) for i in range(lo, hi)]
        for value, g_guard in pairs:
            g_guard = z3.simplify(g_guard)
            if z3.is_false(g_guard):
                continue
            yield from self.bindings(rest, state, {**env, g.name: value}, z3.And(guard, g_guard))

    def comp(self, e: Comp, state, env):
        if quantified.quantified_gens(e):  # over a sort or unbounded ints: quantifiers
            return quantified.comp(self, e, state, env)
        k = e.kind
        base = z3.BoolVal(True)
        rows = []  # (env, selected) where selected = guard and cond
        prev = z3.BoolVal(True)  # every earlier binding was not decisive (one running conjunction)
        for benv, guard in self.bindings(e.gens, state, env, base):
            # all/any/choose stop at the first decisive binding: later bindings are
            # evaluated only when every earlier one was not decisive
            lazy = k in (CompKind.ALL, CompKind.ANY, CompKind.CHOOSE)
            reach = z3.And(guard, prev) if lazy else guard
            with self.under(reach):
                cond = self.enc(e.cond, state, benv) if e.cond is not None else z3.BoolVal(True)
            sel = z3.And(guard, cond)
            if k is CompKind.MAP:
                rows.append((benv, sel, self.enc(e.elt, state, benv)))
                continue
            with self.under(z3.And(reach, cond)):
                val = self.enc(e.elt, state, benv)
            rows.append((benv, sel, val))
            if k is CompKind.ALL:
                prev = z3.And(prev, z3.Implies(sel, val))
            elif k is CompKind.ANY:
                prev = z3.And(prev, z3.Not(z3.And(sel, val)))
            elif k is CompKind.CHOOSE:
                prev = z3.And(prev, z3.Not(sel))
        if k is CompKind.ALL:
            return z3.And([z3.Implies(s, v) for _, s, v in rows])
        if k is CompKind.ANY:
            return z3.Or([z3.And(s, v) for _, s, v in rows])
        if k is CompKind.SUM:
            return z3.Sum([z3.If(s, v, 0) for _, s, v in rows]) if rows else z3.IntVal(0)
        if k in (CompKind.MIN, CompKind.MAX, CompKind.CHOOSE):
            any_sel = z3.Or([s for _, s, _ in rows])
            self.oblige(any_sel, "choose found no value satisfying the condition" if k is CompKind.CHOOSE
                        else f"{k} over no values")
            if not rows:
                return default(e.type)
            if k is CompKind.CHOOSE:
                acc = rows[-1][2]
                for _, s, v in reversed(rows[:-1]):
                    acc = ite(s, v, acc, e.type)
                return acc
            acc = None
            for _, s, v in rows:
                if acc is None:
                    acc = v
                    have = s
                    continue
                better = v < acc if k is CompKind.MIN else v > acc
                acc = z3.If(z3.And(s, z3.Or(z3.Not(have), better)), v, acc)
                have = z3.Or(have, s)
            return acc
        if k is CompKind.SET:
            et = e.type.elem
            bits: dict[Any, list[Any]] = {d: [] for d in domain(et)}
            for _, s, v in rows:
                with self.under(s):
                    self.oblige(in_domain(v, et), f"a set element lies outside {et}")
                for d in bits:
                    bits[d].append(z3.And(s, member(v, d, et)))
            return SSet({d: z3.Or(bs) if bs else z3.BoolVal(False) for d, bs in bits.items()})
        if k is CompKind.SEQ:  # each selected value at the number of selected rows before it
            et, count, placed = e.type.elem, z3.IntVal(0), []
            for _, s, v in rows:
                placed.append((s, count, v))
                count = count + z3.If(s, 1, 0)
            items = []
            for p in range(e.type.maxlen):
                acc = default(et)
                for s, at, v in reversed(placed):
                    acc = ite(z3.And(s, at == p), v, acc, et)
                items.append(acc)
            return SSeq(z3.simplify(count), items)
        if k is CompKind.MAP:
            g = e.gens[0]
            keys = domain(g.elem)
            return SMap([(key, v) for key, (_, _, v) in zip(keys, rows, strict=False)])
        raise TypeError(f"unhandled comprehension {k!r}")


# ---------------------------------------------------------------- operators
# One function per opcode. A lazy operator (and, or, implies, if) gets `enc`, which
# encodes an operand, and encodes its later operands under the path condition the
# earlier ones leave; a strict one (`_strict`) gets its operands' values, encoded in
# order first. Each returns the value of the operation and adds its obligations.

Encode = Callable[[Expr], Any]


def _strict(rule: Callable[[Context, Op, list], Any]) -> Callable[[Context, Op, Encode], Any]:
    def apply(ctx: Context, e: Op, enc: Encode) -> Any:
        return rule(ctx, e, [enc(a) for a in e.args])
    return apply


def _connective(ctx, e, enc):
    """and/or: each operand under the condition that the earlier ones left the result open."""
    conj = e.op is Opcode.AND
    done = []
    for a in e.args:
        cond = z3.And(done) if conj else z3.Not(z3.Or(done)) if done else z3.BoolVal(True)
        with ctx.under(cond if done else z3.BoolVal(True)):
            done.append(enc(a))
    return z3.And(done) if conj else z3.Or(done)


def _implies(ctx, e, enc):
    a = enc(e.args[0])
    with ctx.under(a):
        b = enc(e.args[1])
    return z3.Implies(a, b)


def _if(ctx, e, enc):
    c = enc(e.args[0])
    with ctx.under(c):
        a = enc(e.args[1])
    with ctx.under(z3.Not(c)):
        b = enc(e.args[2])
    return ite(c, a, b, e.type)


def _divide(ctx, e, vals):
    x, y = vals
    ctx.oblige(y != 0, "division by zero")
    q = z3.If(y > 0, x / y, (-x) / (-y))
    return q if e.op is Opcode.FLOOR_DIVIDE else x - y * q


def _member(ctx, e, vals):
    x, coll = vals
    ct = e.args[1].type
    if isinstance(ct, SetT):
        return z3.Or([z3.And(member(x, d, ct.elem), b) for d, b in coll.bits.items()])
    return z3.Or([z3.And(coll.length > i, eq(x, item, ct.elem)) for i, item in enumerate(coll.items)])


def _subset(ctx, e, vals):
    a, b = vals
    return z3.And([z3.Implies(x, b.bits[k]) for k, x in a.bits.items()])


_SET_BITS = {Opcode.UNION: z3.Or, Opcode.INTERSECTION: z3.And,
             Opcode.DIFFERENCE: lambda p, q: z3.And(p, z3.Not(q))}


def _set_algebra(ctx, e, vals):
    a, b = vals
    f = _SET_BITS[e.op]
    return SSet({k: f(a.bits[k], b.bits[k]) for k in a.bits})


def _length(ctx, e, vals):
    if isinstance(e.args[0].type, SetT):
        return z3.Sum([z3.If(b, 1, 0) for b in vals[0].bits.values()]) if vals[0].bits else z3.IntVal(0)
    return vals[0].length


def _min_max(ctx, e, vals):
    acc = vals[0]
    for v in vals[1:]:
        acc = z3.If(v < acc, v, acc) if e.op is Opcode.MIN else z3.If(v > acc, v, acc)
    return acc


def _set_min_max(ctx, e, vals):
    s = vals[0]
    ctx.oblige(z3.Or(list(s.bits.values())), f"{e.op.value[:3]} of an empty set")
    keys = list(s.bits) if e.op is Opcode.SET_MAX else list(reversed(list(s.bits)))
    acc = z3.IntVal(keys[0] if keys else 0)
    for k in keys:
        acc = z3.If(s.bits[k], z3.IntVal(k), acc)
    return acc


def _append(ctx, e, vals):
    s, x = vals
    at = e.args[0].type
    items = list(s.items) + [default(at.elem)]
    new = [ite(s.length == i, x, item, at.elem) for i, item in enumerate(items)]
    return SSeq(s.length + 1, new)


def _seq_concat(ctx, e, vals):
    """Item p is s's while p < len(s), else t's item p - len(s)."""
    s, t = vals
    et = e.type.elem
    items = []
    for p in range(len(s.items) + len(t.items)):
        later = default(et)
        for k in reversed(range(min(p + 1, len(t.items)))):
            later = ite(s.length == p - k, t.items[k], later, et)
        items.append(ite(s.length > p, s.items[p], later, et) if p < len(s.items) else later)
    return SSeq(s.length + t.length, items)


def _slice(ctx, e, vals):
    s, i, j = vals
    ctx.oblige(z3.And(i >= 0, i <= j, j <= s.length), "slice outside the sequence")
    et = e.type.elem
    items = []
    for p in range(len(s.items)):
        acc = default(et)
        for k in reversed(range(len(s.items) - p)):
            acc = ite(i == k, s.items[k + p], acc, et)
        items.append(acc)
    return SSeq(z3.If(j >= i, j - i, 0), items)


def _remove(ctx, e, vals):
    s, i = vals
    ok = z3.And(i >= 0, i < s.length)
    ctx.oblige(ok, "remove outside the sequence")
    et = e.type.elem
    items = [ite(i > p, s.items[p], s.items[p + 1] if p + 1 < len(s.items) else default(et), et)
             for p in range(len(s.items))]
    return SSeq(z3.If(ok, s.length - 1, s.length), items)


def _head(ctx, e, vals):
    s = vals[0]
    ctx.oblige(s.length > 0, "head of an empty sequence")
    return s.items[0] if s.items else default(e.args[0].type.elem)


def _tail(ctx, e, vals):
    s = vals[0]
    ctx.oblige(s.length > 0, "tail of an empty sequence")
    return SSeq(z3.If(s.length > 0, s.length - 1, 0), list(s.items[1:]) + [default(e.args[0].type.elem)])


def _index(ctx, e, vals):
    at = e.args[0].type
    if isinstance(at, TupleT):
        return vals[0].items[e.args[1].value]
    s, i = vals
    ctx.oblige(z3.And(i >= 0, i < s.length), "sequence index out of range")
    acc = default(at.elem)
    for k in reversed(range(len(s.items))):
        acc = ite(i == k, s.items[k], acc, at.elem)
    return acc


def _map_get(ctx, e, vals):
    m, k = vals
    at = e.args[0].type
    ctx.oblige(in_domain(k, at.key), "map key outside the map's keys")
    acc = m.entries[-1][1]
    for key, v in reversed(m.entries[:-1]):
        acc = ite(member(k, key, at.key), v, acc, at.val)
    return acc


def _map_put(ctx, e, vals):
    m, k, v = vals
    at = e.args[0].type
    ctx.oblige(in_domain(k, at.key), "map key outside the map's keys")
    return SMap([(key, ite(member(k, key, at.key), v, old, at.val)) for key, old in m.entries])


def _field(ctx, e, vals):
    return vals[0].items[e.args[0].type.field_names.index(e.attr)]


def _replace_fields(ctx, e, vals):
    items = list(vals[0].items)
    for name, v in zip(e.attr, vals[1:], strict=False):
        items[e.args[0].type.field_names.index(name)] = v
    return STup(items)


def _seq_literal(ctx, e, vals):
    t = e.type
    return SSeq(z3.IntVal(len(vals)), vals + [default(t.elem) for _ in range(t.maxlen - len(vals))])


def _set_literal(ctx, e, vals):
    t = e.type
    bits = {d: [] for d in domain(t.elem)}
    for x in vals:
        ctx.oblige(in_domain(x, t.elem), f"a set element lies outside {t.elem}")
        for d in bits:
            bits[d].append(member(x, d, t.elem))
    return SSet({d: z3.Or(bs) if bs else z3.BoolVal(False) for d, bs in bits.items()})


def _binary(f: Callable[[Any, Any], Any]) -> Callable[[Context, Op, Encode], Any]:
    return _strict(lambda ctx, e, vals: f(vals[0], vals[1]))


OPERATORS: dict[Opcode, Callable[[Context, Op, Encode], Any]] = {
    Opcode.AND: _connective,
    Opcode.OR: _connective,
    Opcode.IMPLIES: _implies,
    Opcode.NOT: _strict(lambda ctx, e, vals: z3.Not(vals[0])),
    Opcode.IF: _if,
    Opcode.NEGATE: _strict(lambda ctx, e, vals: -vals[0]),
    Opcode.ADD: _binary(lambda x, y: x + y),
    Opcode.SUBTRACT: _binary(lambda x, y: x - y),
    Opcode.MULTIPLY: _binary(lambda x, y: x * y),
    Opcode.FLOOR_DIVIDE: _strict(_divide),
    Opcode.MODULO: _strict(_divide),
    Opcode.MIN: _strict(_min_max),
    Opcode.MAX: _strict(_min_max),
    Opcode.EQUAL: _strict(lambda ctx, e, vals: eq(vals[0], vals[1], e.args[0].type)),
    Opcode.NOT_EQUAL: _strict(lambda ctx, e, vals: z3.Not(eq(vals[0], vals[1], e.args[0].type))),
    Opcode.LESS: _binary(lambda x, y: x < y),
    Opcode.LESS_EQUAL: _binary(lambda x, y: x <= y),
    Opcode.GREATER: _binary(lambda x, y: x > y),
    Opcode.GREATER_EQUAL: _binary(lambda x, y: x >= y),
    Opcode.MEMBER: _strict(_member),
    Opcode.SUBSET: _strict(_subset),
    Opcode.UNION: _strict(_set_algebra),
    Opcode.INTERSECTION: _strict(_set_algebra),
    Opcode.DIFFERENCE: _strict(_set_algebra),
    Opcode.LENGTH: _strict(_length),
    Opcode.SET_MIN: _strict(_set_min_max),
    Opcode.SET_MAX: _strict(_set_min_max),
    Opcode.APPEND: _strict(_append),
    Opcode.HEAD: _strict(_head),
    Opcode.TAIL: _strict(_tail),
    Opcode.SEQ_CONCAT: _strict(_seq_concat),
    Opcode.SLICE: _strict(_slice),
    Opcode.REMOVE: _strict(_remove),
    Opcode.INDEX: _strict(_index),
    Opcode.MAP_GET: _strict(_map_get),
    Opcode.MAP_PUT: _strict(_map_put),
    Opcode.FIELD: _strict(_field),
    Opcode.REPLACE_FIELDS: _strict(_replace_fields),
    Opcode.RECORD: _strict(lambda ctx, e, vals: STup(vals)),
    Opcode.TUPLE: _strict(lambda ctx, e, vals: STup(vals)),
    Opcode.SEQ_LITERAL: _strict(_seq_literal),
    Opcode.SET_LITERAL: _strict(_set_literal),
    Opcode.COERCE: _strict(lambda ctx, e, vals: convert(vals[0], e.args[0].type, e.type, ctx.oblige)),
    **{code: _strict(lambda ctx, e, vals, f=f: f(*vals)) for code, f in STRING_TERMS.items()},
}
