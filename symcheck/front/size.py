"""The encoded size of a model, estimated before any encoding: refuse a model whose
encoding would be too large to build, naming the part that makes it so."""
from __future__ import annotations

from symcheck.errors import InputError, Span
from symcheck.front.ir import Comp, DefCall, Expr, Gen, GenKind, Lit, MapT, Model, Op, RecordT, Ref, SeqT, SetT, TupleT, Type
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
    state = sum(value_width(t) for _, t in model.variables)
    parts: list[tuple[str, Span | None, int]] = [("the state", None, state)]
    parts += [(f"invariant {i.name}", i.span, expr_terms(i.expr, memo)) for i in model.invariants]
    parts += [(f"the initial value of {n}", None, expr_terms(e, memo)) for n, e in model.init]
    for a in model.actions:
        count = 1
        for _, pt in a.params:
            count *= _capped(domain_size(pt))
        one = expr_terms(a.guard, memo) + sum(expr_terms(e, memo) for _, e in a.updates) + state
        parts.append((f"action {a.name} ({count} instance{'s' if count != 1 else ''})", a.span, count * one))
    return parts


def check_size(model: Model) -> None:
    """Refuse a model whose encoding would be too large to build (a quantifier over a
    huge domain, many action instances times a large guard): a clear error naming the
    culprit instead of an engine that runs out of time or memory."""
    parts = model_terms(model)
    total = sum(n for _, _, n in parts)
    if total > MAX_TERMS:
        what, span, n = max(parts, key=lambda p: p[2])
        raise InputError(span or Span(model.file, 1, 1),
                         f"the model is too large to encode (more than the limit of {MAX_TERMS} terms); {what} "
                         f"alone expands to {'more than the limit' if n > MAX_TERMS else f'about {n} terms'}",
                         "quantify over smaller types, or use fewer or smaller action parameters")
