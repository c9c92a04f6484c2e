"""Encode stage: the typed IR as quantifier-free Z3 terms. A value of a finite type
becomes a small structure of Z3 terms (a set is one Boolean per element of its
domain, a sequence a length plus slots, a record its fields). Quantifiers expand over
finite domains. Ill-formed operations (head of an empty sequence, ...) become
obligations guarded by their path condition. Query builders are pure functions of the
step index: one template per formula, instantiated by substitution."""
from __future__ import annotations

from dataclasses import dataclass, field

import z3

from .explicit import instances
from .ir import (BoolT, Comp, DefCall, EnumT, Expr, IntT, Lit, MapT, Model, Op, RecordT, Ref, SeqT, SetT,
                 TupleT, Type)
from .values import domain, render


# ---------------------------------------------------------------- symbolic values


@dataclass
class SSet:
    bits: dict  # concrete element -> z3 Bool, in domain order


@dataclass
class SSeq:
    length: z3.ArithRef
    items: list


@dataclass
class STup:
    items: list  # records and tuples


@dataclass
class SMap:
    entries: list  # [(concrete key, value)] in key-domain order


def lift(v, t: Type):
    """A concrete value as a symbolic one."""
    if isinstance(t, BoolT):
        return z3.BoolVal(bool(v))
    if isinstance(t, IntT):
        return z3.IntVal(v)
    if isinstance(t, EnumT):
        return z3.IntVal(t.members.index(v))
    if isinstance(t, SetT):
        return SSet({d: z3.BoolVal(d in v) for d in domain(t.elem)})
    if isinstance(t, SeqT):
        items = [lift(x, t.elem) for x in v]
        return SSeq(z3.IntVal(len(v)), items + [default(t.elem) for _ in range(t.maxlen - len(v))])
    if isinstance(t, RecordT):
        return STup([lift(x, ft) for (_, ft), x in zip(t.fields, v)])
    if isinstance(t, TupleT):
        return STup([lift(x, et) for et, x in zip(t.elems, v)])
    if isinstance(t, MapT):
        return SMap([(k, lift(x, t.val)) for k, x in v])
    raise TypeError(t)


def default(t: Type):
    if isinstance(t, BoolT):
        return z3.BoolVal(False)
    if isinstance(t, (IntT, EnumT)):
        return z3.IntVal(t.lo if isinstance(t, IntT) and t.bounded else 0)
    if isinstance(t, SetT):
        return SSet({d: z3.BoolVal(False) for d in domain(t.elem)})
    if isinstance(t, SeqT):
        return SSeq(z3.IntVal(0), [default(t.elem) for _ in range(t.maxlen)])
    if isinstance(t, RecordT):
        return STup([default(ft) for _, ft in t.fields])
    if isinstance(t, TupleT):
        return STup([default(et) for et in t.elems])
    if isinstance(t, MapT):
        return SMap([(k, default(t.val)) for k in domain(t.key)])
    raise TypeError(t)


def fresh(name: str, t: Type, extra_slot: bool = False):
    """A fresh symbolic value; sequences get one spare slot so that an overflow by one
    append is visible in the trace."""
    if isinstance(t, BoolT):
        return z3.Bool(name)
    if isinstance(t, (IntT, EnumT)):
        return z3.Int(name)
    if isinstance(t, SetT):
        return SSet({d: z3.Bool(f"{name}[{i}]") for i, d in enumerate(domain(t.elem))})
    if isinstance(t, SeqT):
        n = t.maxlen + (1 if extra_slot else 0)
        return SSeq(z3.Int(f"{name}.len"), [fresh(f"{name}[{i}]", t.elem) for i in range(n)])
    if isinstance(t, RecordT):
        return STup([fresh(f"{name}.{f}", ft) for f, ft in t.fields])
    if isinstance(t, TupleT):
        return STup([fresh(f"{name}.{i}", et) for i, et in enumerate(t.elems)])
    if isinstance(t, MapT):
        return SMap([(k, fresh(f"{name}[{i}]", t.val)) for i, k in enumerate(domain(t.key))])
    raise TypeError(t)


def labels(name: str, t: Type, extra_slot: bool = False) -> list:
    """Readable names of the leaves of `fresh(name, t)`, in the same order."""
    if isinstance(t, SetT):
        return [f"{render(d, t.elem)} in {name}" for d in domain(t.elem)]
    if isinstance(t, SeqT):
        n = t.maxlen + (1 if extra_slot else 0)
        return [f"len({name})"] + [x for i in range(n) for x in labels(f"{name}[{i}]", t.elem)]
    if isinstance(t, RecordT):
        return [x for f, ft in t.fields for x in labels(f"{name}.{f}", ft)]
    if isinstance(t, TupleT):
        return [x for i, et in enumerate(t.elems) for x in labels(f"{name}[{i}]", et)]
    if isinstance(t, MapT):
        return [x for k in domain(t.key) for x in labels(f"{name}[{render(k, t.key)}]", t.val)]
    if isinstance(t, EnumT):
        return [f"{name}#"]  # an enum is its member's index; the proof printer names the members
    return [name]


def leaves(v) -> list:
    if isinstance(v, SSet):
        return list(v.bits.values())
    if isinstance(v, SSeq):
        return [v.length] + [x for i in v.items for x in leaves(i)]
    if isinstance(v, STup):
        return [x for i in v.items for x in leaves(i)]
    if isinstance(v, SMap):
        return [x for _, i in v.entries for x in leaves(i)]
    return [v]


def eq(a, b, t: Type):
    if isinstance(t, (BoolT, IntT, EnumT)):
        return a == b
    if isinstance(t, SetT):
        keys = list(dict.fromkeys(list(a.bits) + list(b.bits)))
        f = z3.BoolVal(False)
        return z3.And([a.bits.get(k, f) == b.bits.get(k, f) for k in keys])
    if isinstance(t, SeqT):
        parts = [a.length == b.length]
        n = max(len(a.items), len(b.items))
        for i in range(n):
            if i < len(a.items) and i < len(b.items):
                parts.append(z3.Implies(a.length > i, eq(a.items[i], b.items[i], t.elem)))
            else:
                parts.append(a.length <= i)
        return z3.And(parts)
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([eq(x, y, ft) for x, y, ft in zip(a.items, b.items, ts)])
    if isinstance(t, MapT):
        return z3.And([eq(x, y, t.val) for (_, x), (_, y) in zip(a.entries, b.entries)])
    raise TypeError(t)


def ite(c, a, b, t: Type):
    if isinstance(t, (BoolT, IntT, EnumT)):
        return z3.If(c, a, b)
    if isinstance(t, SetT):
        f = z3.BoolVal(False)
        keys = list(dict.fromkeys(list(a.bits) + list(b.bits)))
        return SSet({k: z3.If(c, a.bits.get(k, f), b.bits.get(k, f)) for k in keys})
    if isinstance(t, SeqT):
        n = max(len(a.items), len(b.items))
        items = []
        for i in range(n):
            x = a.items[i] if i < len(a.items) else default(t.elem)
            y = b.items[i] if i < len(b.items) else default(t.elem)
            items.append(ite(c, x, y, t.elem))
        return SSeq(z3.If(c, a.length, b.length), items)
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return STup([ite(c, x, y, ft) for x, y, ft in zip(a.items, b.items, ts)])
    if isinstance(t, MapT):
        return SMap([(k, ite(c, x, y, t.val)) for (k, x), (_, y) in zip(a.entries, b.entries)])
    raise TypeError(t)


def decode(m: z3.ModelRef, v, t: Type):
    """A symbolic value's concrete value in a Z3 model."""
    if isinstance(t, BoolT):
        return z3.is_true(m.evaluate(v, model_completion=True))
    if isinstance(t, IntT):
        return m.evaluate(v, model_completion=True).as_long()
    if isinstance(t, EnumT):
        i = m.evaluate(v, model_completion=True).as_long()
        return t.members[i] if 0 <= i < len(t.members) else f"<bad {t.name} #{i}>"
    if isinstance(t, SetT):
        return frozenset(k for k, b in v.bits.items() if z3.is_true(m.evaluate(b, model_completion=True)))
    if isinstance(t, SeqT):
        n = m.evaluate(v.length, model_completion=True).as_long()
        return tuple(decode(m, x, t.elem) for x in v.items[:max(0, n)])
    if isinstance(t, RecordT):
        return tuple(decode(m, x, ft) for x, (_, ft) in zip(v.items, t.fields))
    if isinstance(t, TupleT):
        return tuple(decode(m, x, et) for x, et in zip(v.items, t.elems))
    if isinstance(t, MapT):
        return tuple((k, decode(m, x, t.val)) for k, x in v.entries)
    raise TypeError(t)


def type_ok(v, t: Type):
    """Z3 condition: the value lies in its declared type (int ranges, sequence bounds)."""
    if isinstance(t, BoolT):
        return z3.BoolVal(True)
    if isinstance(t, IntT):
        return z3.And(v >= t.lo, v <= t.hi) if t.bounded else z3.BoolVal(True)
    if isinstance(t, EnumT):
        return z3.BoolVal(True)
    if isinstance(t, SetT):
        return z3.BoolVal(True)
    if isinstance(t, SeqT):
        parts = [v.length >= 0, v.length <= t.maxlen]
        for i, x in enumerate(v.items[:t.maxlen]):
            parts.append(z3.Implies(v.length > i, type_ok(x, t.elem)))
        return z3.And(parts)
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([type_ok(x, ft) for x, ft in zip(v.items, ts)])
    if isinstance(t, MapT):
        return z3.And([type_ok(x, t.val) for _, x in v.entries])
    raise TypeError(t)


def well_shaped(v, t: Type):
    """Z3 condition for the representation itself: enum indexes in range, lengths >= 0."""
    if isinstance(t, EnumT):
        return z3.And(v >= 0, v < len(t.members))
    if isinstance(t, SeqT):
        return z3.And([v.length >= 0, v.length <= len(v.items)] + [well_shaped(x, t.elem) for x in v.items])
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([well_shaped(x, ft) for x, ft in zip(v.items, ts)])
    if isinstance(t, MapT):
        return z3.And([well_shaped(x, t.val) for _, x in v.entries])
    return z3.BoolVal(True)


def member(x, dom_value, t: Type):
    """Z3 condition: symbolic x equals the concrete value dom_value."""
    return eq(x, lift(dom_value, t), t)


def in_domain(x, t: Type):
    """Z3 condition: a symbolic value lies in the finite domain of t (for set elements)."""
    if isinstance(t, IntT):
        return z3.And(x >= t.lo, x <= t.hi)
    if isinstance(t, (BoolT, EnumT, SetT, MapT)):
        return z3.BoolVal(True)
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([in_domain(y, ft) for y, ft in zip(x.items, ts)])
    if isinstance(t, SeqT):
        return z3.And([x.length <= t.maxlen] + [z3.Implies(x.length > i, in_domain(y, t.elem))
                                               for i, y in enumerate(x.items[:t.maxlen])])
    raise TypeError(t)


def convert(v, src: Type, dst: Type, oblige):
    """Change representation from src to dst (widen/narrow ranges, resize sequences)."""
    if src == dst:
        return v
    if isinstance(dst, SetT):
        bits = {}
        for d in domain(dst.elem):
            bits[d] = v.bits.get(d, z3.BoolVal(False))
        lost = [b for d, b in v.bits.items() if d not in bits]
        if lost:
            oblige(z3.Not(z3.Or(lost)), f"a set element lies outside {dst.elem}")
        return SSet(bits)
    if isinstance(dst, SeqT):
        items = [convert(x, src.elem, dst.elem, oblige) for x in v.items]
        while len(items) < dst.maxlen:
            items.append(default(dst.elem))
        return SSeq(v.length, items)
    if isinstance(dst, (RecordT, TupleT)):
        sts = [ft for _, ft in src.fields] if isinstance(src, RecordT) else list(src.elems)
        dts = [ft for _, ft in dst.fields] if isinstance(dst, RecordT) else list(dst.elems)
        return STup([convert(x, a, b, oblige) for x, a, b in zip(v.items, sts, dts)])
    if isinstance(dst, MapT):
        return SMap([(k, convert(x, src.val, dst.val, oblige)) for k, x in v.entries])
    return v


# ---------------------------------------------------------------- expressions


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
                value = self.enc(e.body, state, dict(zip(e.params, args)))
                hit = (value, self.obligations, args)  # args kept alive: their ids stay unique
            finally:
                self.pc, self.obligations = saved
            self.memo[key] = hit
        value, relative, _ = hit
        for cond, message in relative:
            self.oblige(cond, message)
        return value

    def op(self, e: Op, state, env):
        o, args, t = e.op, e.args, e.type
        enc = lambda x: self.enc(x, state, env)  # noqa: E731
        if o in ("and", "or"):
            done = []
            for a in args:
                cond = z3.And(done) if o == "and" else z3.Not(z3.Or(done)) if done else z3.BoolVal(True)
                with self.under(cond if done else z3.BoolVal(True)):
                    done.append(enc(a))
            return z3.And(done) if o == "and" else z3.Or(done)
        if o == "implies":
            a = enc(args[0])
            with self.under(a):
                b = enc(args[1])
            return z3.Implies(a, b)
        if o == "not":
            return z3.Not(enc(args[0]))
        if o == "if":
            c = enc(args[0])
            with self.under(c):
                a = enc(args[1])
            with self.under(z3.Not(c)):
                b = enc(args[2])
            return ite(c, a, b, t)
        vals = [enc(a) for a in args]
        if o == "neg":
            return -vals[0]
        if o in ("+", "-", "*"):
            x, y = vals
            return x + y if o == "+" else x - y if o == "-" else x * y
        if o in ("//", "%"):
            x, y = vals
            self.oblige(y != 0, "division by zero")
            q = z3.If(y > 0, x / y, (-x) / (-y))
            return q if o == "//" else x - y * q
        at = args[0].type if args else None
        if o == "==":
            return eq(vals[0], vals[1], at)
        if o == "!=":
            return z3.Not(eq(vals[0], vals[1], at))
        if o in ("<", "<=", ">", ">="):
            x, y = vals
            return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[o]
        if o == "in":
            x, coll = vals
            ct = args[1].type
            if isinstance(ct, SetT):
                return z3.Or([z3.And(member(x, d, ct.elem), b) for d, b in coll.bits.items()])
            return z3.Or([z3.And(coll.length > i, eq(x, item, ct.elem)) for i, item in enumerate(coll.items)])
        if o == "subset":
            a, b = vals
            return z3.And([z3.Implies(x, b.bits[k]) for k, x in a.bits.items()])
        if o in ("union", "inter", "diff"):
            a, b = vals
            f = {"union": z3.Or, "inter": z3.And, "diff": lambda p, q: z3.And(p, z3.Not(q))}[o]
            return SSet({k: f(a.bits[k], b.bits[k]) for k in a.bits})
        if o == "len":
            if isinstance(at, SetT):
                return z3.Sum([z3.If(b, 1, 0) for b in vals[0].bits.values()]) if vals[0].bits else z3.IntVal(0)
            return vals[0].length
        if o in ("min", "max"):
            acc = vals[0]
            for v in vals[1:]:
                acc = z3.If(v < acc, v, acc) if o == "min" else z3.If(v > acc, v, acc)
            return acc
        if o in ("minset", "maxset"):
            s = vals[0]
            self.oblige(z3.Or(list(s.bits.values())), f"{o[:3]} of an empty set")
            keys = list(s.bits) if o == "maxset" else list(reversed(list(s.bits)))
            acc = z3.IntVal(keys[0] if keys else 0)
            for k in keys:
                acc = z3.If(s.bits[k], z3.IntVal(k), acc)
            return acc
        if o == "append":
            s, x = vals
            items = list(s.items) + [default(at.elem)]
            new = [ite(s.length == i, x, item, at.elem) for i, item in enumerate(items)]
            return SSeq(s.length + 1, new)
        if o == "head":
            s = vals[0]
            self.oblige(s.length > 0, "head of an empty sequence")
            return s.items[0] if s.items else default(at.elem)
        if o == "tail":
            s = vals[0]
            self.oblige(s.length > 0, "tail of an empty sequence")
            return SSeq(z3.If(s.length > 0, s.length - 1, 0), list(s.items[1:]) + [default(at.elem)])
        if o == "index":
            if isinstance(at, TupleT):
                return vals[0].items[args[1].value]
            s, i = vals
            self.oblige(z3.And(i >= 0, i < s.length), "sequence index out of range")
            acc = default(at.elem)
            for k in reversed(range(len(s.items))):
                acc = ite(i == k, s.items[k], acc, at.elem)
            return acc
        if o == "get":
            m, k = vals
            self.oblige(in_domain(k, at.key), "map key outside the map's keys")
            acc = m.entries[-1][1]
            for key, v in reversed(m.entries[:-1]):
                acc = ite(member(k, key, at.key), v, acc, at.val)
            return acc
        if o == "put":
            m, k, v = vals
            self.oblige(in_domain(k, at.key), "map key outside the map's keys")
            return SMap([(key, ite(member(k, key, at.key), v, old, at.val)) for key, old in m.entries])
        if o == "field":
            return vals[0].items[at.field_names.index(e.attr)]
        if o == "replace":
            items = list(vals[0].items)
            for name, v in zip(e.attr, vals[1:]):
                items[at.field_names.index(name)] = v
            return STup(items)
        if o in ("record", "tuple"):
            return STup(vals)
        if o == "seqlit":
            return SSeq(z3.IntVal(len(vals)), vals + [default(t.elem) for _ in range(t.maxlen - len(vals))])
        if o == "setlit":
            bits = {d: [] for d in domain(t.elem)}
            for x in vals:
                self.oblige(in_domain(x, t.elem), f"a set element lies outside {t.elem}")
                for d in bits:
                    bits[d].append(member(x, d, t.elem))
            return SSet({d: z3.Or(bs) if bs else z3.BoolVal(False) for d, bs in bits.items()})
        if o == "coerce":
            return convert(vals[0], at, t, self.oblige)
        raise TypeError(f"unhandled operator {o!r}")

    def bindings(self, gens, state, env, guard):
        """(env, guard) for every binding of the generators, in domain order."""
        if not gens:
            yield env, guard
            return
        g, rest = gens[0], gens[1:]
        with self.under(guard):
            if g.kind == "set":
                src = self.enc(g.source, state, env)
                pairs = [(lift(d, g.elem), src.bits[d]) for d in domain(g.elem)]
            elif g.kind == "seq":
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
        k = e.kind
        base = z3.BoolVal(True)
        rows = []  # (env, selected) where selected = guard and cond
        prev = z3.BoolVal(True)  # every earlier binding was not decisive (one running conjunction)
        for benv, guard in self.bindings(e.gens, state, env, base):
            # all/any/choose stop at the first decisive binding: later bindings are
            # evaluated only when every earlier one was not decisive
            lazy = k in ("all", "any", "choose")
            reach = z3.And(guard, prev) if lazy else guard
            with self.under(reach):
                cond = self.enc(e.cond, state, benv) if e.cond is not None else z3.BoolVal(True)
            sel = z3.And(guard, cond)
            if k == "map":
                rows.append((benv, sel, self.enc(e.elt, state, benv)))
                continue
            with self.under(z3.And(reach, cond)):
                val = self.enc(e.elt, state, benv)
            rows.append((benv, sel, val))
            if k == "all":
                prev = z3.And(prev, z3.Implies(sel, val))
            elif k == "any":
                prev = z3.And(prev, z3.Not(z3.And(sel, val)))
            elif k == "choose":
                prev = z3.And(prev, z3.Not(sel))
        if k == "all":
            return z3.And([z3.Implies(s, v) for _, s, v in rows])
        if k == "any":
            return z3.Or([z3.And(s, v) for _, s, v in rows])
        if k == "sum":
            return z3.Sum([z3.If(s, v, 0) for _, s, v in rows]) if rows else z3.IntVal(0)
        if k in ("min", "max", "choose"):
            any_sel = z3.Or([s for _, s, _ in rows])
            self.oblige(any_sel, "choose found no value satisfying the condition" if k == "choose"
                        else f"{k} over no values")
            if not rows:
                return default(e.type)
            if k == "choose":
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
                better = v < acc if k == "min" else v > acc
                acc = z3.If(z3.And(s, z3.Or(z3.Not(have), better)), v, acc)
                have = z3.Or(have, s)
            return acc
        if k == "set":
            et = e.type.elem
            bits = {d: [] for d in domain(et)}
            for _, s, v in rows:
                with self.under(s):
                    self.oblige(in_domain(v, et), f"a set element lies outside {et}")
                for d in bits:
                    bits[d].append(z3.And(s, member(v, d, et)))
            return SSet({d: z3.Or(bs) if bs else z3.BoolVal(False) for d, bs in bits.items()})
        if k == "map":
            g = e.gens[0]
            keys = domain(g.elem)
            return SMap([(key, v) for key, (_, _, v) in zip(keys, rows)])
        raise TypeError(f"unhandled comprehension {k!r}")


# ---------------------------------------------------------------- the system


@dataclass
class Formula:
    """A template formula with the obligations it carries."""
    value: object
    wf: object  # z3 Bool: every obligation holds
    messages: list = field(default_factory=list)


_LAST: list = []  # [(model, its Encoding)], see Encoding.of


def capacities(model: Model) -> dict:
    """Per variable, its type with sequences widened to the longest value that an initial
    value or an update can produce (`append(append(s, x), y)` overflows by two): a state
    must be able to hold an overflowing value, or the step that overflows becomes
    infeasible and the type violation it causes is silently missed. A value's length is
    bounded by the sequence types of the expressions that build it (coercion to the
    declared type does not shorten it), compared by element shape."""
    longest: dict = {}
    seen: set = set()

    def visit(e):
        if id(e) in seen:
            return
        seen.add(id(e))
        t = getattr(e, "type", None)
        if isinstance(t, SeqT):
            key = _shape(t.elem)
            longest[key] = max(longest.get(key, 0), t.maxlen)
        if isinstance(e, Op):
            for a in e.args:
                visit(a)
        elif isinstance(e, Comp):
            for g in e.gens:
                if isinstance(g.source, Expr):
                    visit(g.source)
            for part in (e.cond, e.elt):
                if part is not None:
                    visit(part)
        elif isinstance(e, DefCall):
            for a in e.args:
                visit(a)
            visit(e.body)

    for _, e in list(model.init) + [u for a in model.actions for u in a.updates]:
        visit(e)
    return {n: _roomy(t, longest) for n, t in model.variables}


def _shape(t: Type):
    """A type with integer ranges forgotten: sequences of 0..2 and of 0..5 share slots."""
    if isinstance(t, IntT):
        return "int"
    if isinstance(t, (SetT, SeqT)):
        return (type(t).__name__, _shape(t.elem))
    if isinstance(t, MapT):
        return ("map", _shape(t.key), _shape(t.val))
    if isinstance(t, RecordT):
        return ("record", t.name)
    if isinstance(t, TupleT):
        return ("tuple",) + tuple(_shape(e) for e in t.elems)
    return t


def _roomy(t: Type, longest: dict) -> Type:
    if isinstance(t, SeqT):
        return SeqT(_roomy(t.elem, longest), max(t.maxlen, longest.get(_shape(t.elem), 0)))
    if isinstance(t, RecordT):
        return RecordT(t.name, tuple((f, _roomy(ft, longest)) for f, ft in t.fields))
    if isinstance(t, TupleT):
        return TupleT(tuple(_roomy(e, longest) for e in t.elems))
    if isinstance(t, MapT):
        return MapT(t.key, _roomy(t.val, longest))
    return t


class Encoding:
    """The transition system of a model: state vectors per step, and templates for
    init, transition, invariants and type invariants over a current and next state."""

    def __init__(self, model: Model, consts: dict | None = None):
        """`consts` fixes constants by name (symbolic ones included); every other
        symbolic constant becomes one fresh term shared by all steps."""
        self.model = model
        values = {c.name: c.value for c in model.constants if not c.symbolic}
        values.update(consts or {})
        self.const_types = {c.name: c.type for c in model.constants}
        self.consts = {n: lift(v, self.const_types[n]) for n, v in values.items()}
        self.symbolic = [c for c in model.symbolic if c.name not in values]
        for c in self.symbolic:
            self.consts[c.name] = fresh(f"{c.name}@const", c.type)
        self.insts = instances(model)
        self.room = capacities(model)  # state variables' shapes: room for overflowing sequences
        self.cur = self._state_vars("cur")
        self.nxt = self._state_vars("nxt")
        self.sel_cur = z3.Int("act@cur")
        self._states: dict[int, dict] = {}
        self.init_t = self._init_template()
        self.trans_t, self.step_bad_t, self.dead_t = self._trans_template()
        self.inv_t = {inv.name: self._inv_template(inv) for inv in model.invariants}
        self.type_t = {n: type_ok(self.cur[n], t) for n, t in model.variables}
        self.shape_t = z3.And([well_shaped(self.cur[n], t) for n, t in model.variables])
        self.bad_t = self._bad_state_template()

    @classmethod
    def of(cls, model: Model) -> "Encoding":
        """The encoding of a model with its constants' values, shared by the engines that
        check the same model one after the other (bmc, then coverage): encoding is
        often the larger part of their time. Only the last model's is kept."""
        if _LAST and _LAST[0][0] is model:
            return _LAST[0][1]
        enc = cls(model)
        _LAST[:] = [(model, enc)]
        return enc

    def _state_vars(self, tag: str) -> dict:
        return {n: fresh(f"{n}@{tag}", self.room[n]) for n, t in self.model.variables}

    def state(self, i: int) -> dict:
        if i not in self._states:
            self._states[i] = self._state_vars(str(i))
        return self._states[i]

    def selector(self, i: int):
        return z3.Int(f"act@{i}")

    def _subst_pairs(self, i: int):
        pairs = []
        for n, _ in self.model.variables:
            pairs += list(zip(leaves(self.cur[n]), leaves(self.state(i)[n])))
            pairs += list(zip(leaves(self.nxt[n]), leaves(self.state(i + 1)[n])))
        pairs.append((self.sel_cur, self.selector(i)))
        return pairs

    def at(self, template, i: int):
        """Instantiate a template over (cur, nxt, act) at step i."""
        return z3.substitute(template, *self._subst_pairs(i))

    # -- templates
    def _init_template(self):
        ctx = Context(self.model, self.consts)
        parts = []
        for name, e in self.model.init:
            parts.append(eq(self.cur[name], ctx.enc(e, {}, {}), self.model.var_type(name)))
        shape = [well_shaped(self.cur[n], t) for n, t in self.model.variables]
        wf = z3.And([c for c, _ in ctx.obligations])
        return z3.And(parts + shape), wf

    def _trans_template(self):
        sel = self.sel_cur
        options, bads, enabled = [], [], []
        for k, (action, params) in enumerate(self.insts):
            ctx = Context(self.model, self.consts)
            env = {p: lift(v, t) for (p, t), v in zip(action.params, params.values())}
            guard = ctx.enc(action.guard, self.cur, env)
            guard_wf = z3.And([c for c, _ in ctx.obligations])
            ctx.obligations = []
            assigned = {}
            with ctx.under(guard):
                for var, e in action.updates:
                    assigned[var] = ctx.enc(e, self.cur, env)
            upd_wf = z3.And([c for c, _ in ctx.obligations])
            frame = []
            for n, t in self.model.variables:
                value = assigned.get(n, self.cur[n])
                frame.append(eq(self.nxt[n], value, t))
            bad = z3.Or(z3.Not(guard_wf), z3.And(guard, z3.Not(upd_wf)))
            options.append(z3.And(sel == k, z3.Or(z3.And(guard, *frame), bad)))
            bads.append(z3.And(sel == k, bad))
            enabled.append(z3.Or(guard, z3.Not(guard_wf)))
        shape = [well_shaped(self.nxt[n], t) for n, t in self.model.variables]
        trans = z3.And(z3.Or(options) if options else z3.BoolVal(False), *shape)
        return trans, (z3.Or(bads) if bads else z3.BoolVal(False)), z3.Not(z3.Or(enabled))

    def _inv_template(self, inv):
        ctx = Context(self.model, self.consts)
        value = ctx.enc(inv.expr, self.cur, {})
        wf = z3.And([c for c, _ in ctx.obligations])
        return z3.Or(z3.Not(wf), z3.Not(value))  # "bad": violated or ill-formed

    def _bad_state_template(self):
        """A state that breaks a type, an invariant or (when checked) deadlock freedom."""
        parts = [z3.Not(t) for t in self.type_t.values()] + list(self.inv_t.values())
        if self.model.deadlock:
            parts.append(self.dead_t)
        return z3.Or(parts) if parts else z3.BoolVal(False)

    # -- instantiated queries
    def init(self):
        body, wf = self.init_t
        return self.at(body, 0), self.at(wf, 0)

    def trans(self, i: int):
        return self.at(self.trans_t, i)

    def step_bad(self, i: int):
        return self.at(self.step_bad_t, i)

    def inv_bad(self, name: str, i: int):
        return self.at(self.inv_t[name], i)

    def deadlocked(self, i: int):
        return self.at(self.dead_t, i)

    def type_bad(self, var: str, i: int):
        return z3.Not(self.at(self.type_t[var], i))

    def shape(self, i: int):
        """The representation of state i is well formed (for states not reached from init)."""
        return self.at(self.shape_t, i)

    def bad_state(self, i: int):
        return self.at(self.bad_t, i)

    def leaves(self, tag: str = "cur") -> list:
        """The Z3 variables of the current (or next) state template, in a fixed order."""
        vec = self.cur if tag == "cur" else self.nxt
        return [x for n, _ in self.model.variables for x in leaves(vec[n])]

    def leaf_labels(self) -> list:
        """Readable names for `leaves("cur")`, in model terms (`now`, `"a" in pending`)."""
        return [lbl for n, _ in self.model.variables for lbl in labels(n, self.room[n])]

    # -- symbolic constants
    def config_constraint(self):
        """Every symbolic constant takes a value of its domain (holds at every step)."""
        return z3.And([z3.Or([self.config_is({c.name: v}) for v in c.domain]) for c in self.symbolic])

    def config_is(self, config: dict):
        """The named symbolic constants have the given values (a blocking clause is its negation)."""
        return z3.And([member(self.consts[n], v, self.const_types[n]) for n, v in config.items()])

    def const_leaves(self) -> list:
        """The Z3 terms of the symbolic constants, in a fixed order."""
        return [x for c in self.symbolic for x in leaves(self.consts[c.name])]

    def const_labels(self) -> list:
        return [lbl for c in self.symbolic for lbl in labels(c.name, c.type)]

    def decode_config(self, m) -> dict:
        return {c.name: decode(m, self.consts[c.name], c.type) for c in self.symbolic}

    # -- coverage: does an action fire, is a formula true
    def action_range(self, name: str) -> tuple:
        """The selector values (first, last) of an action's instances."""
        ks = [k for k, (a, _) in enumerate(self.insts) if a.name == name]
        return ks[0], ks[-1]

    def fires(self, name: str, i: int):
        """Step i takes an instance of the action (its well-formedness is asked apart)."""
        lo, hi = self.action_range(name)
        sel = self.selector(i)
        return z3.And(sel >= lo, sel <= hi)

    def state_template(self, e: Expr):
        """Template: boolean e is true, and well-formed, in the current state."""
        ctx = Context(self.model, self.consts)
        value = ctx.enc(e, self.cur, {})
        return z3.And(z3.And([c for c, _ in ctx.obligations]), value)

    # -- decoding
    def decode_state(self, m, i: int) -> dict:
        return {n: decode(m, self.state(i)[n], t) for n, t in self.model.variables}

    def decode_step(self, m, i: int):
        k = m.evaluate(self.selector(i), model_completion=True).as_long()
        action, params = self.insts[k]
        return action, params

    # -- liveness: templates for the lasso engine
    def _cached(self, key, build):
        cache = self.__dict__.setdefault("_lasso_cache", {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def same_state(self, i: int, j: int):
        """States i and j hold equal values, spare sequence slots ignored (a lasso's loop
        closes on an equal state; k-induction asks for distinct states)."""
        return z3.And([eq(self.state(i)[n], self.state(j)[n], t) for n, t in self.model.variables])

    def selected(self, i: int, indexes):
        """Step i is taken by one of the given action instances."""
        return z3.Or([self.selector(i) == k for k in sorted(indexes)])

    def changes(self, k: int, i: int):
        """Action instance k is enabled in state i and its step changes the state (TLA+'s
        ENABLED <A>_vars: what weak fairness looks at; a step that changes nothing is a
        stutter)."""
        return self.at(self._cached(("changes", k), lambda: self._changes_template(k)), i)

    def _changes_template(self, k: int):
        action, params = self.insts[k]
        ctx = Context(self.model, self.consts)
        env = {p: lift(v, t) for (p, t), v in zip(action.params, params.values())}
        guard = ctx.enc(action.guard, self.cur, env)
        with ctx.under(guard):
            assigned = {var: ctx.enc(e, self.cur, env) for var, e in action.updates}
        wf = z3.And([c for c, _ in ctx.obligations])
        changed = [z3.Not(eq(v, self.cur[var], self.model.var_type(var))) for var, v in assigned.items()]
        return z3.And(guard, wf, z3.Or(changed))

    def holds_at(self, expr: Expr, i: int):
        """A state predicate (a property's P or Q) in state i; false where ill-formed."""
        def build():
            ctx = Context(self.model, self.consts)
            value = ctx.enc(expr, self.cur, {})
            return z3.And(value, *[c for c, _ in ctx.obligations])
        return self.at(self._cached(("holds", id(expr)), build), i)
