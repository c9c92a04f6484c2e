"""How much room a state needs: per variable, its type with sequences widened to the
longest value an initial value or an update can build, so that an overflow stays
visible as a type violation instead of an infeasible step."""
from __future__ import annotations

from symcheck.front.ir import Comp, DefCall, Expr, IntT, MapT, Model, Op, RecordT, SeqT, SetT, TupleT, Type


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
