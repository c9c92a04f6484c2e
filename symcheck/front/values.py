"""Concrete values of model types: their Python representation, the finite domain of
each type (in a canonical order), ordering, rendering as text and as JSON.

Representation: bool -> bool, int -> int, enum -> member name (str), set -> frozenset,
seq -> tuple, tuple and record -> tuple (record fields in declaration order),
map -> tuple of (key, value) pairs in key-domain order."""
from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

from symcheck.errors import InputError, Span
from symcheck.front.ir import BoolT, EnumT, IntT, MapT, RecordT, SeqT, SetT, SortT, StrT, TupleT, Type

MAX_DOMAIN = 1 << 16  # largest domain that is ever enumerated


HUGE = 10 ** 30  # domain sizes beyond this are reported as infinite (no giant integers)


def domain_size(t: Type) -> int | float | None:
    """Number of values of t (float('inf') when beyond HUGE), or None when t is unbounded."""
    n = _domain_size(t)
    return float("inf") if n is not None and n > HUGE else n


def _domain_size(t: Type) -> int | None:
    if isinstance(t, BoolT):
        return 2
    if isinstance(t, IntT):
        return max(t.hi - t.lo + 1, 0) if t.bounded else None
    if isinstance(t, EnumT):
        return len(t.members)
    if isinstance(t, StrT):  # finite with a length bound and an alphabet
        if t.maxlen is None or t.alphabet is None:
            return None
        return sum(len(t.alphabet) ** k for k in range(t.maxlen + 1)) if t.maxlen < 64 else float("inf")
    if isinstance(t, SortT):
        return None
    if isinstance(t, SetT):
        n = domain_size(t.elem)
        return None if n is None else (2 ** n if n < 4096 else float("inf"))
    if isinstance(t, (RecordT, TupleT)):
        total = 1
        for ft in (t.elems if isinstance(t, TupleT) else [ft for _, ft in t.fields]):
            n = domain_size(ft)
            if n is None:
                return None
            total *= n
        return total
    if isinstance(t, SeqT):
        n = domain_size(t.elem)
        if n is None:
            return None
        return sum(n ** k for k in range(t.maxlen + 1)) if n ** t.maxlen < 10 ** 30 else float("inf")
    if isinstance(t, MapT):
        nk, nv = domain_size(t.key), domain_size(t.val)
        if nk is None or nv is None:
            return None
        return nv ** nk if nk < 200 else float("inf")
    raise TypeError(f"no domain for {t!r}")


def check_finite(t: Type, span: Span | None, what: str, limit: int = MAX_DOMAIN) -> None:
    n = domain_size(t)
    if n is None:
        hint = ("give strings a length and an alphabet, str[N, ALPHABET], or use seq[str, N]"
                if "str" in str(t) else "give integers a range such as 0..5")
        raise InputError(span, f"{what}: type {t} is unbounded; {hint}")
    if n > limit:
        raise InputError(span, f"{what}: type {t} has {n if n != float('inf') else 'too many'} values, "
                               f"more than the limit {limit}; use a smaller type")


def domain(t: Type) -> list:
    """All values of a finite type, in canonical order."""
    if isinstance(t, BoolT):
        return [False, True]
    if isinstance(t, IntT):
        return list(range(t.lo, t.hi + 1))
    if isinstance(t, EnumT):
        return list(t.members)
    if isinstance(t, StrT):  # by length, then in the alphabet's order
        alphabet = t.alphabet or ""
        return ["".join(p) for k in range((t.maxlen or 0) + 1) for p in itertools.product(alphabet, repeat=k)]
    if isinstance(t, SetT):
        elems = domain(t.elem)
        return [frozenset(e for i, e in enumerate(elems) if bits >> i & 1) for bits in range(2 ** len(elems))]
    if isinstance(t, RecordT):
        return [tuple(p) for p in itertools.product(*(domain(ft) for _, ft in t.fields))]
    if isinstance(t, TupleT):
        return [tuple(p) for p in itertools.product(*(domain(et) for et in t.elems))]
    if isinstance(t, SeqT):
        elems = domain(t.elem)
        return [tuple(p) for k in range(t.maxlen + 1) for p in itertools.product(elems, repeat=k)]
    if isinstance(t, MapT):
        keys = domain(t.key)
        return [tuple(zip(keys, vals, strict=False)) for vals in itertools.product(domain(t.val), repeat=len(keys))]
    raise TypeError(f"no domain for {t!r}")


def contains(t: Type, v: Any) -> bool:
    """Is v a value of type t (ranges, lengths and enum members respected)?"""
    if isinstance(t, BoolT):
        return isinstance(v, bool)
    if isinstance(t, IntT):
        return isinstance(v, int) and not isinstance(v, bool) and (t.lo is None or t.lo <= v) \
            and (t.hi is None or v <= t.hi)
    if isinstance(t, EnumT):
        return v in t.members
    if isinstance(t, StrT):
        return isinstance(v, str) and (t.maxlen is None or len(v) <= t.maxlen) and \
            (t.alphabet is None or all(c in t.alphabet for c in v))
    if isinstance(t, SetT):
        return isinstance(v, frozenset) and all(contains(t.elem, e) for e in v)
    if isinstance(t, SeqT):
        return isinstance(v, tuple) and len(v) <= t.maxlen and all(contains(t.elem, e) for e in v)
    if isinstance(t, RecordT):
        return isinstance(v, tuple) and len(v) == len(t.fields) and all(
            contains(ft, x) for (_, ft), x in zip(t.fields, v, strict=False))
    if isinstance(t, TupleT):
        return isinstance(v, tuple) and len(v) == len(t.elems) and all(contains(et, x)
                                                                       for et, x in zip(t.elems, v, strict=False))
    if isinstance(t, MapT):
        return isinstance(v, tuple) and [k for k, _ in v] == domain(t.key) and all(contains(t.val, x) for _, x in v)
    return False


def sort_key(v: Any, t: Type):
    if isinstance(t, (BoolT, IntT)):
        return int(v)
    if isinstance(t, SortT):  # a member of a sort as a solver names it: Sender!2
        return int(v.rsplit("!", 1)[-1]) if v.rsplit("!", 1)[-1].isdigit() else v
    if isinstance(t, EnumT):
        return t.members.index(v) if v in t.members else len(t.members)
    if isinstance(t, StrT):
        return (len(v), v)
    if isinstance(t, SetT):
        return (len(v), sorted(sort_key(e, t.elem) for e in v))
    if isinstance(t, SeqT):
        return (len(v), [sort_key(e, t.elem) for e in v])
    if isinstance(t, RecordT):
        return tuple(sort_key(x, ft) for (_, ft), x in zip(t.fields, v, strict=False))
    if isinstance(t, TupleT):
        return tuple(sort_key(x, et) for et, x in zip(t.elems, v, strict=False))
    if isinstance(t, MapT):
        return tuple(sort_key(x, t.val) for _, x in v)
    raise TypeError(t)


def map_get(m: tuple, key: Any) -> Any:
    for k, v in m:
        if k == key:
            return v
    raise KeyError(key)


def map_put(m: tuple, key: Any, value: Any) -> tuple:
    return tuple((k, value if k == key else v) for k, v in m)


def render(v: Any, t: Type) -> str:
    """A value in model terms: enum names, {sets}, Records(f=...), [sequences]."""
    if isinstance(t, BoolT):
        return "True" if v else "False"
    if isinstance(t, IntT):
        return str(v)
    if isinstance(t, (EnumT, SortT)):
        return str(v)
    if isinstance(t, StrT):  # quoted, with JSON's escapes: every character visible
        return json.dumps(v, ensure_ascii=False) if v.isprintable() else json.dumps(v)
    if isinstance(t, SetT):
        items = sorted(v, key=lambda e: sort_key(e, t.elem))
        return "{" + ", ".join(render(e, t.elem) for e in items) + "}"
    if isinstance(t, SeqT):
        return "[" + ", ".join(render(e, t.elem) for e in v) + "]"
    if isinstance(t, RecordT):
        return t.name + "(" + ", ".join(f"{f}={render(x, ft)}" for (f, ft), x in zip(t.fields, v, strict=False)) + ")"
    if isinstance(t, TupleT):
        inner = ", ".join(render(x, et) for et, x in zip(t.elems, v, strict=False))
        return f"({inner},)" if len(t.elems) == 1 else f"({inner})"
    if isinstance(t, MapT):
        return "{" + ", ".join(f"{render(k, t.key)}: {render(x, t.val)}" for k, x in v) + "}"
    raise TypeError(t)


def to_json(v: Any, t: Type) -> Any:
    if isinstance(t, (BoolT, IntT, EnumT, SortT, StrT)):
        return v
    if isinstance(t, SetT):
        return [to_json(e, t.elem) for e in sorted(v, key=lambda e: sort_key(e, t.elem))]
    if isinstance(t, SeqT):
        return [to_json(e, t.elem) for e in v]
    if isinstance(t, RecordT):
        return {f: to_json(x, ft) for (f, ft), x in zip(t.fields, v, strict=False)}
    if isinstance(t, TupleT):
        return [to_json(x, et) for et, x in zip(t.elems, v, strict=False)]
    if isinstance(t, MapT):
        if isinstance(t.key, EnumT):
            return {k: to_json(x, t.val) for k, x in v}
        return [[to_json(k, t.key), to_json(x, t.val)] for k, x in v]
    raise TypeError(t)


def leaves(t: Type) -> Iterator[Type]:
    """Every type nested in t (t included)."""
    yield t
    for sub in children(t):
        yield from leaves(sub)


def children(t: Type) -> list:
    if isinstance(t, (SetT, SeqT)):
        return [t.elem]
    if isinstance(t, MapT):
        return [t.key, t.val]
    if isinstance(t, RecordT):
        return [ft for _, ft in t.fields]
    if isinstance(t, TupleT):
        return list(t.elems)
    return []
