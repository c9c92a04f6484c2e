"""The encoded size of a model, estimated before any encoding: refuse a model whose
encoding would be too large to build, naming the part that makes it so."""
from __future__ import annotations

from symcheck.errors import InputError, Span
from symcheck.front.ir import (Comp, DefCall, Expr, Gen, GenKind, Invariant, Lit, MapT, Model, Op, RecordT, Ref, SeqT,
                               SetT, TupleT, Type)
from symcheck.front.strings import is_free
from symcheck.front.values import domain_size

MAX_TERMS = 1 << 22  # encoded terms of a whole model: bounds encoding time (about a minute) and memory
BINDING_TERMS = 50  # what one binding of a quantifier costs the encoder beyond its body


def _capped(n) -> int:
    """A count as an int no larger than just over the limit (domain sizes may be inf)."""
    return int(min(max(n or 1, 1), MAX_TERMS + 1))


def value_width(t: Type) -> int:
    """Scalars that represent one value of t symbolically (a set: one per element)."""
    if isinstance(t, SetT):
        return _capped(domain_size(t.elem))
    if isinstance(t, SeqT):
        return 1 + t.maxlen * value_width(t.elem)
    if isinstance(t, RecordT):
        return sum(value_width(ft) for _, ft in t.fields)
    if isinstance(t, TupleT):
        return sum(value_width(et) for et in t.elems)
    if isinstance(t, MapT):
        return _capped(domain_size(t.key)) * value_width(t.val)
    return 1


def _bindings(g: Gen) -> int:
    if g.kind is GenKind.RANGE:
        return _capped(g.source[1] - g.source[0])
    if g.kind is GenKind.SEQ:
        return _capped(g.source.type.maxlen)
    return _capped(domain_size(g.elem))


def expr_terms(e: Expr, memo: dict | None = None) -> int:
    """Roughly how many terms the encoder builds for e: quantifiers and comprehensions
    multiply their body by the number of bindings, definitions are inlined."""
    memo = {} if memo is None else memo
    key = id(e)
    if key in memo:
        return memo[key]
    if isinstance(e, (Lit, Ref)):
        n = value_width(e.type)
    elif isinstance(e, Op):
        n = sum(expr_terms(a, memo) for a in e.args) + max([value_width(e.type)] +
                                                            [value_width(a.type) for a in e.args])
    elif isinstance(e, Comp):
        per = BINDING_TERMS + value_width(e.type) + (expr_terms(e.cond, memo) if e.cond is not None else 0) + \
            (expr_terms(e.elt, memo) if e.elt is not None else 0)
        n = sum(expr_terms(g.source, memo) for g in e.gens if isinstance(g.source, Expr))
        for g in e.gens:
            per *= _bindings(g)
        n += per
    elif isinstance(e, DefCall):
        n = sum(expr_terms(a, memo) for a in e.args) + expr_terms(e.body, memo)
    else:
        raise TypeError(f"unhandled expression {e!r}")
    memo[key] = n
    return n


def model_terms(model: Model) -> list:
    """(what, span, terms) for each part of the model the encoder builds: the state,
    the invariants, the initial values, each action times its parameter instances."""
    memo: dict = {}
    parts = base_terms(model.variables, model.init, model.actions, memo)
    return parts[:1] + [invariant_terms(i, memo) for i in model.invariants] + parts[1:]


def base_terms(variables: tuple, init: tuple, actions: tuple, memo: dict) -> list:
    """The parts other than the invariants: the state, the initial values, the actions."""
    state = sum(value_width(t) for _, t in variables)
    parts: list[tuple[str, Span | None, int]] = [("the state", None, state)]
    parts += [(f"the initial value of {n}", None, expr_terms(e, memo)) for n, e in init]
    for a in actions:
        count = 1
        for _, pt in a.params:
            count *= 1 if is_free(pt) else _capped(domain_size(pt))
        one = expr_terms(a.guard, memo) + sum(expr_terms(e, memo) for _, e in a.updates) + state
        parts.append((f"action {a.name} ({count} instance{'s' if count != 1 else ''})", a.span, count * one))
    return parts


def invariant_terms(inv: Invariant, memo: dict) -> tuple[str, Span | None, int]:
    return (f"invariant {inv.name}", inv.span, expr_terms(inv.expr, memo))


class Budget:
    """The size estimate added up while a claim's invariants are read (front.check), so
    that a claim with too many is refused before the rest are type-checked."""

    def __init__(self, file: str, variables: tuple, init: tuple, actions: tuple):
        self.file, self.memo = file, {}
        self.parts = base_terms(variables, init, actions, self.memo)
        self.total = sum(n for _, _, n in self.parts)

    def add_invariant(self, inv: Invariant, unread: int = 0) -> None:
        part = invariant_terms(inv, self.memo)
        self.parts.append(part)
        self.total += part[2]
        if self.total > MAX_TERMS:
            raise too_large(self.parts, self.file, unread)


def check_size(model: Model) -> None:
    """Refuse a model whose encoding would be too large to build (a quantifier over a
    huge domain, many action instances times a large guard, tens of thousands of
    invariants): a clear error naming the culprit instead of an engine that runs out of
    time or memory."""
    parts = model_terms(model)
    if sum(n for _, _, n in parts) > MAX_TERMS:
        raise too_large(parts, model.file)


def too_large(parts: list, file: str, unread: int = 0) -> InputError:
    """The error for parts (what, span, terms) over the limit. The culprit is one part
    when it makes at least half of the total, else the kind of part (the invariants, the
    actions) that adds up to most: 40,000 small invariants are too many together, and
    none of them is to blame alone. `unread`: invariants not yet read when the estimate
    passed the limit (the check stops there)."""
    total = sum(n for _, _, n in parts)
    what, span, n = max(parts, key=lambda p: p[2])
    if 2 * n >= total:
        culprit = f"{what} alone expands to {'more than the limit' if n > MAX_TERMS else f'about {n:,} terms'}"
    else:
        kinds: dict[str, list] = {}
        for part in parts:
            kinds.setdefault(part[0].split(" ")[0], []).append(part)
        kind, group = max(kinds.items(), key=lambda kv: sum(p[2] for p in kv[1]))
        what, span, n = max(group, key=lambda p: p[2])
        count = f"{kind}s (the first {len(group):,} of {len(group) + unread:,})" if unread else \
            f"{len(group):,} {kind}s"
        culprit = (f"its {count} together expand to about {sum(p[2] for p in group):,} terms, "
                   f"the largest ({what.split(' ', 1)[1].split(' (')[0]}) about {n:,}")
    return InputError(span or Span(file, 1, 1),
                      f"the model is too large to encode (more than the limit of {MAX_TERMS:,} terms); {culprit}",
                      "check fewer invariants or actions at once, quantify over smaller types, or use fewer or "
                      "smaller action parameters")
