"""Symbolic values: how a value of each finite type is a small structure of Z3 terms
(a set is one Boolean per element of its domain, a sequence a length plus slots, a
record or tuple its fields, a map one value per key), and the operations every type
needs: lifting a concrete value, equality, if-then-else, decoding from a Z3 model, and
the conditions that a value lies in its type or domain."""
from __future__ import annotations

from dataclasses import dataclass

import z3

from symcheck.front.ir import BoolT, EnumT, IntT, MapT, RecordT, SeqT, SetT, SortT, StrT, TupleT, Type
from symcheck.smt import strings
from symcheck.front.values import domain, render
from symcheck.smt.arrays import (SArr, arrayed, datatype, decode_scalar, fields, fresh_array, fresh_scalar,
                                 stored_keys, zsort)


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
    if arrayed(t):
        return lift_set(v, t)
    if isinstance(t, BoolT):
        return z3.BoolVal(bool(v))
    if isinstance(t, IntT):
        return z3.IntVal(v)
    if isinstance(t, EnumT):
        return z3.IntVal(t.members.index(v))
    if isinstance(t, StrT):
        return strings.lift(v)
    if isinstance(t, SetT):
        return SSet({d: z3.BoolVal(d in v) for d in domain(t.elem)})
    if isinstance(t, SeqT):
        items = [lift(x, t.elem) for x in v]
        return SSeq(z3.IntVal(len(v)), items + [default(t.elem) for _ in range(t.maxlen - len(v))])
    if isinstance(t, RecordT):
        return STup([lift(x, ft) for (_, ft), x in zip(t.fields, v, strict=False)])
    if isinstance(t, TupleT):
        return STup([lift(x, et) for et, x in zip(t.elems, v, strict=False)])
    if isinstance(t, MapT):
        return SMap([(k, lift(x, t.val)) for k, x in v])
    raise TypeError(t)


def default(t: Type):
    if arrayed(t):
        return empty(t)
    if isinstance(t, SortT):
        return z3.Const(f"{t.name}!none", zsort(t))
    if isinstance(t, BoolT):
        return z3.BoolVal(False)
    if isinstance(t, (IntT, EnumT)):
        return z3.IntVal(t.lo if isinstance(t, IntT) and t.lo is not None else 0)
    if isinstance(t, StrT):
        return strings.lift("")
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
    if arrayed(t):
        return fresh_array(name, t)
    if isinstance(t, SortT):
        return fresh_scalar(name, t)
    if isinstance(t, BoolT):
        return z3.Bool(name)
    if isinstance(t, (IntT, EnumT)):
        return z3.Int(name)
    if isinstance(t, StrT):
        return strings.fresh(name)
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
    if arrayed(t):
        return [name]
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


def leaf_enums(t: Type, extra_slot: bool = False) -> list:
    """The enum type of each leaf of `labels(name, t)` (an enum leaf is its member's
    index), None for the other leaves, in the same order."""
    if arrayed(t):
        return [None]
    if isinstance(t, SetT):
        return [None for _ in domain(t.elem)]
    if isinstance(t, SeqT):
        return [None] + [x for _ in range(t.maxlen + (1 if extra_slot else 0)) for x in leaf_enums(t.elem)]
    if isinstance(t, RecordT):
        return [x for _, ft in t.fields for x in leaf_enums(ft)]
    if isinstance(t, TupleT):
        return [x for et in t.elems for x in leaf_enums(et)]
    if isinstance(t, MapT):
        return [x for _ in domain(t.key) for x in leaf_enums(t.val)]
    return [t if isinstance(t, EnumT) else None]


def leaves(v) -> list:
    if isinstance(v, SArr):
        return [v.arr]
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
    if arrayed(t):
        return a.arr == b.arr
    if isinstance(t, (BoolT, IntT, EnumT, SortT, StrT)):
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
        return z3.And([eq(x, y, ft) for x, y, ft in zip(a.items, b.items, ts, strict=False)])
    if isinstance(t, MapT):
        return z3.And([eq(x, y, t.val) for (_, x), (_, y) in zip(a.entries, b.entries, strict=False)])
    raise TypeError(t)


def ite(c, a, b, t: Type):
    if arrayed(t):
        return SArr(z3.If(c, a.arr, b.arr))
    if isinstance(t, (BoolT, IntT, EnumT, SortT, StrT)):
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
        return STup([ite(c, x, y, ft) for x, y, ft in zip(a.items, b.items, ts, strict=False)])
    if isinstance(t, MapT):
        return SMap([(k, ite(c, x, y, t.val)) for (k, x), (_, y) in zip(a.entries, b.entries, strict=False)])
    raise TypeError(t)


def decode(m: z3.ModelRef, v, t: Type):
    """A symbolic value's concrete value in a Z3 model."""
    if arrayed(t):
        return decode_array(m, v, t)
    if isinstance(t, SortT):
        return decode_scalar(m, v, t)
    if isinstance(t, BoolT):
        return z3.is_true(m.evaluate(v, model_completion=True))
    if isinstance(t, IntT):
        return m.evaluate(v, model_completion=True).as_long()
    if isinstance(t, EnumT):
        i = m.evaluate(v, model_completion=True).as_long()
        return t.members[i] if 0 <= i < len(t.members) else f"<bad {t.name} #{i}>"
    if isinstance(t, StrT):
        return strings.decode(m, v)
    if isinstance(t, SetT):
        return frozenset(k for k, b in v.bits.items() if z3.is_true(m.evaluate(b, model_completion=True)))
    if isinstance(t, SeqT):
        n = m.evaluate(v.length, model_completion=True).as_long()
        return tuple(decode(m, x, t.elem) for x in v.items[:max(0, n)])
    if isinstance(t, RecordT):
        return tuple(decode(m, x, ft) for x, (_, ft) in zip(v.items, t.fields, strict=False))
    if isinstance(t, TupleT):
        return tuple(decode(m, x, et) for x, et in zip(v.items, t.elems, strict=False))
    if isinstance(t, MapT):
        return tuple((k, decode(m, x, t.val)) for k, x in v.entries)
    raise TypeError(t)


def type_ok(v, t: Type):
    """Z3 condition: the value lies in its declared type (int ranges, sequence bounds)."""
    if isinstance(t, BoolT):
        return z3.BoolVal(True)
    if isinstance(t, IntT):
        return _in_range(v, t)
    if arrayed(t):
        return _array_type_ok(v, t)
    if isinstance(t, (EnumT, SortT)):
        return z3.BoolVal(True)
    if isinstance(t, StrT):
        return strings.type_ok(v, t)
    if isinstance(t, SetT):
        return z3.BoolVal(True)
    if isinstance(t, SeqT):
        parts = [v.length >= 0, v.length <= t.maxlen]
        for i, x in enumerate(v.items[:t.maxlen]):
            parts.append(z3.Implies(v.length > i, type_ok(x, t.elem)))
        return z3.And(parts)
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([type_ok(x, ft) for x, ft in zip(v.items, ts, strict=False)])
    if isinstance(t, MapT):
        return z3.And([type_ok(x, t.val) for _, x in v.entries])
    raise TypeError(t)


def well_shaped(v, t: Type):
    """Z3 condition for the representation itself: enum indexes in range, lengths >= 0
    (not asked of the elements of an array: that would take a quantifier per state)."""
    if arrayed(t):
        return z3.BoolVal(True)
    if isinstance(t, EnumT):
        return z3.And(v >= 0, v < len(t.members))
    if isinstance(t, SeqT):
        return z3.And([v.length >= 0, v.length <= len(v.items)] + [well_shaped(x, t.elem) for x in v.items])
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([well_shaped(x, ft) for x, ft in zip(v.items, ts, strict=False)])
    if isinstance(t, MapT):
        return z3.And([well_shaped(x, t.val) for _, x in v.entries])
    return z3.BoolVal(True)


def member(x, dom_value, t: Type):
    """Z3 condition: symbolic x equals the concrete value dom_value."""
    return eq(x, lift(dom_value, t), t)


def in_domain(x, t: Type):
    """Z3 condition: a symbolic value lies in the finite domain of t (for set elements)."""
    if isinstance(t, IntT):
        return _in_range(x, t)
    if isinstance(t, (BoolT, EnumT, SetT, MapT, SortT)):
        return z3.BoolVal(True)
    if isinstance(t, StrT):
        return strings.type_ok(x, t)
    if isinstance(t, (RecordT, TupleT)):
        ts = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return z3.And([in_domain(y, ft) for y, ft in zip(x.items, ts, strict=False)])
    if isinstance(t, SeqT):
        return z3.And([x.length <= t.maxlen] + [z3.Implies(x.length > i, in_domain(y, t.elem))
                                               for i, y in enumerate(x.items[:t.maxlen])])
    raise TypeError(t)


def _in_range(x, t: IntT):
    """x lies within t's bounds, of which either or both may be absent (`0..`, `int`)."""
    parts = ([x >= t.lo] if t.lo is not None else []) + ([x <= t.hi] if t.hi is not None else [])
    return z3.And(parts)


def convert(v, src: Type, dst: Type, oblige):
    """Change representation from src to dst (widen/narrow ranges, resize sequences)."""
    if src == dst or arrayed(dst):
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
        return STup([convert(x, a, b, oblige) for x, a, b in zip(v.items, sts, dts, strict=False)])
    if isinstance(dst, MapT):
        return SMap([(k, convert(x, src.val, dst.val, oblige)) for k, x in v.entries])
    return v


# ---------------------------------------------------------------- unbounded domains (arrays)

def pack(v, t: Type):
    """A symbolic value as one Z3 term of `zsort(t)`."""
    if isinstance(t, (RecordT, TupleT)):
        return datatype(t).constructor(0)(*[pack(x, ft) for x, ft in zip(v.items, fields(t), strict=False)])
    if isinstance(v, SArr):
        return v.arr
    if isinstance(t, (BoolT, IntT, EnumT, SortT)):
        return v
    raise TypeError(f"{t} cannot be an element of a set over an unbounded type")


def unpack(term, t: Type):
    """The symbolic value a packed term stands for."""
    if isinstance(t, (RecordT, TupleT)):
        dt = datatype(t)
        return STup([unpack(dt.accessor(0, i)(term), ft) for i, ft in enumerate(fields(t))])
    if arrayed(t):
        return SArr(term)
    return term


def empty(t: Type) -> SArr:
    """The empty set, or the map with every key at the default value."""
    key = t.elem if isinstance(t, SetT) else t.key
    value = z3.BoolVal(False) if isinstance(t, SetT) else pack(default(t.val), t.val)
    return SArr(z3.K(zsort(key), value))


def universe(t: SetT) -> SArr:
    """Every member of a sort (the constant `Senders` of `{sort: Sender}`)."""
    return SArr(z3.K(zsort(t.elem), z3.BoolVal(True)))


def lift_set(v, t: SetT) -> SArr:
    """A concrete set over an unbounded element type (in practice {} or literals)."""
    arr = empty(t).arr
    for x in v:
        arr = z3.Store(arr, pack(lift(x, t.elem), t.elem), True)
    return SArr(arr)


def decode_packed(m, term, t: Type):
    return decode(m, unpack(term, t), t)


def decode_array(m: z3.ModelRef, v: SArr, t: Type):
    """A set as a frozenset, a map as (key, value) pairs: the entries the model stores,
    and for a sort every member of the solver's universe."""
    key = t.elem if isinstance(t, SetT) else t.key
    arr = m.evaluate(v.arr, model_completion=True)
    keys = []
    if isinstance(key, SortT):
        keys = list(m.get_universe(zsort(key)) or [])
    else:
        keys = stored_keys(m, arr)
    pairs = []
    for k in keys:
        val = m.evaluate(z3.Select(arr, k), model_completion=True)
        pairs.append((decode_packed(m, k, key), val))
    if isinstance(t, SetT):
        return frozenset(k for k, val in pairs if z3.is_true(val))
    return tuple((k, decode_packed(m, val, t.val)) for k, val in pairs)


def _array_type_ok(v: SArr, t: Type):
    """Every element of a set, every value of a map, lies in its type (a quantifier, only
    when the element or value type has a range or an enum to respect)."""
    inner = t.elem if isinstance(t, SetT) else t.val
    x = z3.Const("x!type", zsort(t.elem if isinstance(t, SetT) else t.key))
    item = unpack(x, inner) if isinstance(t, SetT) else unpack(z3.Select(v.arr, x), inner)
    ok = z3.simplify(z3.And(type_ok(item, inner), well_shaped(item, inner)))
    if z3.is_true(ok):
        return ok
    return z3.ForAll([x], z3.Implies(z3.Select(v.arr, x), ok) if isinstance(t, SetT) else ok)
