"""Values of unbounded types: a member of a sort is a constant of an uninterpreted Z3 sort,
an integer without a range a Z3 integer, and a set or map whose elements or keys have no
finite domain one Z3 array (a set: element -> Bool). Array elements are single Z3 terms,
so a record stored in such a set is a Z3 datatype (`smt.symbolic` packs and unpacks).
A proof over these terms holds for every size of every sort and every integer."""
from __future__ import annotations

from dataclasses import dataclass

import z3

from symcheck.front.ir import BoolT, EnumT, IntT, MapT, RecordT, SetT, SortT, TupleT, Type
from symcheck.front.values import domain_size

_DATATYPES: dict = {}  # record or tuple type -> its Z3 datatype


@dataclass
class SArr:
    """A set (element -> Bool) or map (key -> value) over an unbounded domain."""
    arr: z3.ArrayRef


def unbounded(t: Type) -> bool:
    """A set element or map key type without a finite domain: stored as an array."""
    return domain_size(t) is None


def arrayed(t: Type) -> bool:
    """Values of t are one SArr."""
    return isinstance(t, SetT) and unbounded(t.elem) or isinstance(t, MapT) and unbounded(t.key)


def zsort(t: Type) -> z3.SortRef:
    """The Z3 sort of a packed value of t."""
    if isinstance(t, BoolT):
        return z3.BoolSort()
    if isinstance(t, (IntT, EnumT)):
        return z3.IntSort()
    if isinstance(t, SortT):
        return z3.DeclareSort(t.name)
    if isinstance(t, (RecordT, TupleT)):
        return datatype(t)
    if arrayed(t):
        key = t.elem if isinstance(t, SetT) else t.key
        return z3.ArraySort(zsort(key), z3.BoolSort() if isinstance(t, SetT) else zsort(t.val))
    raise TypeError(f"{t} cannot be an element of a set over an unbounded type")


def fields(t: Type) -> list:
    return [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)


def datatype(t: Type) -> z3.DatatypeSortRef:
    if t not in _DATATYPES:
        name = t.name if isinstance(t, RecordT) else "tuple" + str(len(_DATATYPES))
        d = z3.Datatype(f"{name}!{len(_DATATYPES)}")
        d.declare(f"mk_{name}", *[(f"{name}.{i}", zsort(ft)) for i, ft in enumerate(fields(t))])
        _DATATYPES[t] = d.create()
    return _DATATYPES[t]


def fresh_scalar(name: str, t: Type):
    """A fresh member of a sort or integer."""
    return z3.Const(name, zsort(t))


def fresh_array(name: str, t: Type) -> SArr:
    return SArr(z3.Const(name, zsort(t)))


# ---------------------------------------------------------------- decoding

def decode_scalar(m: z3.ModelRef, v, t: Type):
    """A member of a sort as `Sender!0` (the solver's universe, numbered)."""
    x = m.evaluate(v, model_completion=True)
    if isinstance(t, SortT):
        return _member_name(m, x, t)
    if isinstance(t, IntT):
        return x.as_long()
    raise TypeError(t)


def _member_name(m, x, t: SortT) -> str:
    universe_ = list(m.get_universe(zsort(t)) or [])
    for i, u in enumerate(universe_):
        if z3.eq(u, x):
            return f"{t.name}!{i}"
    return f"{t.name}!{str(x).rsplit('!', 1)[-1]}"


def stored_keys(m, arr) -> list:
    """The indexes a model's array value names (its stores, or its function's entries)."""
    out = []
    while z3.is_store(arr):
        out.append(arr.arg(1))
        arr = arr.arg(0)
    if z3.is_as_array(arr):
        f = m[z3.get_as_array_func(arr)]
        out += [entry[0] for entry in f.as_list()[:-1] if isinstance(entry, list)] if f else []
    seen: list = []
    for k in out:
        if not any(z3.eq(k, s) for s in seen):
            seen.append(k)
    return seen
