"""What the generated code of the explicit-state engine calls (`engines/codegen.py`
writes it, `engines/compiled.py` compiles it): the operations that can be ill formed,
raising ModelError with the claim's location, and fast membership tests of types.
The generated code sees only `HELPERS` and its own pooled values."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from symcheck.errors import ModelError, Span
from symcheck.front.ir import BoolT, EnumT, IntT, MapT, RecordT, SeqT, SetT, TupleT, Type
from symcheck.front.values import contains, domain


def _divide(x: int, y: int, span: Span | None) -> int:
    if y == 0:
        raise ModelError("division by zero", span)
    return x // y


def _modulo(x: int, y: int, span: Span | None) -> int:
    if y == 0:
        raise ModelError("division by zero", span)
    return x % y


def _set_min(s: frozenset[Any], span: Span | None) -> Any:
    if not s:
        raise ModelError("min of an empty set", span)
    return min(s)


def _set_max(s: frozenset[Any], span: Span | None) -> Any:
    if not s:
        raise ModelError("max of an empty set", span)
    return max(s)


def _head(q: tuple[Any, ...], span: Span | None) -> Any:
    if not q:
        raise ModelError("head of an empty sequence", span)
    return q[0]


def _tail(q: tuple[Any, ...], span: Span | None) -> tuple[Any, ...]:
    if not q:
        raise ModelError("tail of an empty sequence", span)
    return q[1:]


def _index(q: tuple[Any, ...], i: int, span: Span | None) -> Any:
    if not 0 <= i < len(q):
        raise ModelError(f"index {i} outside a sequence of length {len(q)}", span)
    return q[i]


def _map_get(m: tuple[Any, ...], key: Any, slots: dict[Any, Any], span: Span | None) -> Any:
    i = slots.get(key)
    if i is not None and i < len(m) and m[i][0] == key:
        return m[i][1]
    for k, v in m:
        if k == key:
            return v
    raise ModelError(f"key {key!r} outside the map's keys", span)


def _map_put(m: tuple[Any, ...], key: Any, value: Any, span: Span | None) -> tuple[Any, ...]:
    if not any(k == key for k, _ in m):
        raise ModelError(f"key {key!r} outside the map's keys", span)
    return tuple((k, value if k == key else v) for k, v in m)


def _map_set(m: tuple[Any, ...], i: int, value: Any) -> tuple[Any, ...]:
    """A map of known type with its i-th key's value replaced."""
    return m[:i] + ((m[i][0], value),) + m[i + 1:]


def _replace_one(rec: tuple[Any, ...], i: int, value: Any) -> tuple[Any, ...]:
    return rec[:i] + (value,) + rec[i + 1:]


def _replace(rec: tuple[Any, ...], slots: tuple[Any, ...], values: tuple[Any, ...]) -> tuple[Any, ...]:
    out = list(rec)
    for i, v in zip(slots, values, strict=True):
        out[i] = v
    return tuple(out)


def _checked_set(elems: Iterable[Any], ok: Callable[[Any], bool], what: str, span: Span | None) -> frozenset[Any]:
    out = frozenset(elems)
    for x in out:
        if not ok(x):
            raise ModelError(f"value {x!r} is outside {what}", span)
    return out


def _least(values: Iterable[Any], span: Span | None) -> Any:
    found = list(values)
    if not found:
        raise ModelError("min over no values", span)
    return min(found)


def _greatest(values: Iterable[Any], span: Span | None) -> Any:
    found = list(values)
    if not found:
        raise ModelError("max over no values", span)
    return max(found)


def _choose(values: Iterable[Any], span: Span | None) -> Any:
    for v in values:
        return v
    raise ModelError("choose found no value satisfying the condition", span)


def _in_order(s: frozenset[Any], rank: dict[Any, Any]) -> list[Any]:
    """The elements of a set in their type's domain order (what `choose` and maps see)."""
    return sorted((x for x in s if x in rank), key=rank.__getitem__)


def _slice(s: tuple[Any, ...], i: int, j: int, span: Span | None) -> tuple[Any, ...]:
    if not 0 <= i <= j <= len(s):
        raise ModelError(f"slice [{i}:{j}] outside a sequence of length {len(s)}", span)
    return s[i:j]


def _remove(s: tuple[Any, ...], i: int, span: Span | None) -> tuple[Any, ...]:
    if not 0 <= i < len(s):
        raise ModelError(f"remove at {i} outside a sequence of length {len(s)}", span)
    return s[:i] + s[i + 1:]


class StepViolation(ModelError):
    """A step that breaks a step invariant (`check`, the `rank`-th in declaration order
    from 1) into `state`: reported like an ill-formed step, after any ill-formed one."""

    def __init__(self, check: str, rank: int, state: tuple[Any, ...]):
        super().__init__(f"the step breaks the step invariant {check}")
        self.check, self.rank, self.state = check, rank, state


def rank(error: ModelError) -> int:
    """Where a failed step stands in the order of checks: ill formed 0, a step invariant
    its rank."""
    return getattr(error, "rank", 0)


def _earlier(error: Any, candidate: tuple[int, ModelError]) -> Any:
    """The failure to report of two (instance, error): the first in check order, then
    the first met."""
    return candidate if error is None or rank(candidate[1]) < rank(error[1]) else error


HELPERS: dict[str, Any] = {"ModelError": ModelError, "_divide": _divide, "_modulo": _modulo, "_set_min": _set_min,
                           "_set_max": _set_max, "_head": _head, "_tail": _tail, "_index": _index,
                           "_map_get": _map_get, "_map_put": _map_put, "_map_set": _map_set,
                           "_replace": _replace, "_replace_one": _replace_one,
                           "_checked_set": _checked_set, "_least": _least, "_greatest": _greatest,
                           "_choose": _choose, "_in_order": _in_order, "_earlier": _earlier, "_slice": _slice, "_remove": _remove,
                           "StepViolation": StepViolation}


# ---------------------------------------------------------------- membership of types


def member_test(t: Type) -> Callable[[Any], bool]:
    """A fast `values.contains(t, ·)` for one type, built once."""
    if isinstance(t, BoolT):
        return lambda v: v is True or v is False
    if isinstance(t, IntT):
        if not t.bounded:
            return lambda v: type(v) is int
        lo, hi = t.lo or 0, t.hi or 0
        return lambda v: type(v) is int and lo <= v <= hi
    if isinstance(t, EnumT):
        members = frozenset(t.members)
        return lambda v: type(v) is str and v in members
    if isinstance(t, SetT):
        elem = member_test(t.elem)
        return lambda v: type(v) is frozenset and all(map(elem, v))
    if isinstance(t, SeqT):
        elem, n = member_test(t.elem), t.maxlen
        return lambda v: type(v) is tuple and len(v) <= n and all(map(elem, v))
    if isinstance(t, (RecordT, TupleT)):
        parts = [member_test(ft) for ft in (t.elems if isinstance(t, TupleT) else [ft for _, ft in t.fields])]
        width = len(parts)
        return lambda v: type(v) is tuple and len(v) == width and all(p(x) for p, x in zip(parts, v, strict=True))
    if isinstance(t, MapT):
        keys, val = tuple(domain(t.key)), member_test(t.val)
        return lambda v: (type(v) is tuple and tuple(k for k, _ in v) == keys and all(val(x) for _, x in v))
    return lambda v: contains(t, v)


def within(inner: Type, outer: Type) -> bool:
    """Every value of `inner` is a value of `outer` (conservative: False when unsure)."""
    if inner == outer:
        return True
    if isinstance(inner, IntT) and isinstance(outer, IntT):
        return not outer.bounded or (inner.bounded and outer.lo <= inner.lo and inner.hi <= outer.hi)  # type: ignore
    if isinstance(inner, SetT) and isinstance(outer, SetT):
        return within(inner.elem, outer.elem)
    if isinstance(inner, SeqT) and isinstance(outer, SeqT):
        return inner.maxlen <= outer.maxlen and within(inner.elem, outer.elem)
    if isinstance(inner, RecordT) and isinstance(outer, RecordT):
        return inner.field_names == outer.field_names and all(
            within(a, b) for (_, a), (_, b) in zip(inner.fields, outer.fields, strict=True))
    if isinstance(inner, TupleT) and isinstance(outer, TupleT):
        return len(inner.elems) == len(outer.elems) and all(
            within(a, b) for a, b in zip(inner.elems, outer.elems, strict=True))
    if isinstance(inner, MapT) and isinstance(outer, MapT):
        return inner.key == outer.key and within(inner.val, outer.val)
    return False


def holds_sets(t: Type) -> bool:
    if isinstance(t, SetT):
        return True
    if isinstance(t, MapT):
        return holds_sets(t.val)
    return False


def coercer(t: Type, span: Span | None) -> Callable[[Any], Any]:
    """Set elements must lie in the target's element type (maps: through their values)."""
    if isinstance(t, SetT):
        ok, what = member_test(t.elem), str(t.elem)
        inner = coercer(t.elem, span) if holds_sets(t.elem) else None

        def to_set(v: Any) -> frozenset[Any]:
            for x in v:
                if not ok(x):
                    raise ModelError(f"value {x!r} is outside {what}", span)
            return frozenset(map(inner, v)) if inner else frozenset(v)
        return to_set
    if isinstance(t, MapT):
        val = coercer(t.val, span)
        return lambda m: tuple((k, val(x)) for k, x in m)
    return lambda v: v
