"""Candidate ∀-lemmas for claims over unbounded types, mined from the claim's shape as
fol-ic3 and mypyvy do (Houdini keeps the inductive ones, `engines/quantified.py`):

- nothing from the future: every integer field of every element of a set (`all(r.created
  <= now for r in pending)`), every integer value of a map over a sort, is at most an
  integer variable;
- containment: every element of one set is in another of the same element type, and a
  field naming a member of a sort lies in a set over that sort (`all(r.id in requested
  for r in approved)`);
- keys: no two elements of a set agree on a field that names a member of a sort;
- the author's `lemmas:` come first, each under its name.

A candidate is an IR expression with its text in claim syntax (`smt.lemmas.Lemma`)."""
from __future__ import annotations

from symcheck.front.ir import (BOOL, Comp, CompKind, Expr, Gen, GenKind, IntT, MapT, Model, Op, Opcode, RecordT, Ref,
                               RefKind, SetT, SortT, Type)
from symcheck.smt.arrays import arrayed
from symcheck.smt.lemmas import Lemma

MAX_CANDIDATES = 200


def candidates(model: Model) -> list[Lemma]:
    """The author's lemmas, then the mined candidates (in a fixed order)."""
    out = [Lemma(f"{lemma.name}: {' '.join(lemma.text.split())}", lemma.expr) for lemma in model.lemmas]
    out += _future(model) + _containments(model) + _keys(model)
    seen: set[str] = set()
    unique = []
    for lemma in out:
        if lemma.text not in seen:
            seen.add(lemma.text)
            unique.append(lemma)
    return unique[:MAX_CANDIDATES + len(model.lemmas)]


def _var(name: str, t: Type) -> Ref:
    return Ref(RefKind.VAR, name, t)


def _all(x: str, source: Expr, elem: Type, body: Expr) -> Comp:
    return Comp(CompKind.ALL, (Gen(x, GenKind.SET, source, elem),), None, body, BOOL)


def _field(x: Expr, name: str, t: Type) -> Op:
    return Op(Opcode.FIELD, (x,), t, attr=name)


def _sets(model: Model) -> list[tuple[str, SetT]]:
    return [(n, t) for n, t in model.variables if isinstance(t, SetT) and arrayed(t)]


def _clocks(model: Model) -> list[str]:
    return [n for n, t in model.variables if isinstance(t, IntT)]


def _future(model: Model) -> list[Lemma]:
    out = []
    for clock in _clocks(model):
        now = _var(clock, model.var_type(clock))
        for name, t in _sets(model):
            if not isinstance(t.elem, RecordT):
                continue
            r = Ref(RefKind.LOCAL, "r", t.elem)
            for f, ft in t.elem.fields:
                if isinstance(ft, IntT):
                    body = Op(Opcode.LESS_EQUAL, (_field(r, f, ft), now), BOOL)
                    out.append(Lemma(f"all(r.{f} <= {clock} for r in {name})", _all("r", _var(name, t), t.elem, body)))
        for name, t in model.variables:
            if isinstance(t, MapT) and isinstance(t.key, SortT) and isinstance(t.val, IntT):
                universe = _universe(model, t.key)
                if universe is None:
                    continue
                k = Ref(RefKind.LOCAL, "k", t.key)
                body = Op(Opcode.LESS_EQUAL, (Op(Opcode.MAP_GET, (_var(name, t), k), t.val), now), BOOL)
                out.append(Lemma(f"all({name}[k] <= {clock} for k in {universe.name})",
                                 _all("k", universe, t.key, body)))
    return out


def _universe(model: Model, sort: SortT) -> Ref | None:
    for c in model.constants:
        if c.free and isinstance(c.type, SetT) and c.type.elem == sort:
            return Ref(RefKind.CONST, c.name, c.type)
    return None


def _containments(model: Model) -> list[Lemma]:
    out = []
    sets = _sets(model)
    for a, ta in sets:
        for b, tb in sets:
            if a != b and ta == tb:
                x = Ref(RefKind.LOCAL, "x", ta.elem)
                body = Op(Opcode.MEMBER, (x, _var(b, tb)), BOOL)
                out.append(Lemma(f"all(x in {b} for x in {a})", _all("x", _var(a, ta), ta.elem, body)))
    for a, ta in sets:
        if not isinstance(ta.elem, RecordT):
            continue
        r = Ref(RefKind.LOCAL, "r", ta.elem)
        for f, ft in ta.elem.fields:
            for b, tb in sets:
                if isinstance(ft, SortT) and tb.elem == ft:
                    for negate in (False, True):
                        inside: Expr = Op(Opcode.MEMBER, (_field(r, f, ft), _var(b, tb)), BOOL)
                        text = f"all(r.{f} {'not in' if negate else 'in'} {b} for r in {a})"
                        if negate:
                            inside = Op(Opcode.NOT, (inside,), BOOL)
                        out.append(Lemma(text, _all("r", _var(a, ta), ta.elem, inside)))
    return out


def _keys(model: Model) -> list[Lemma]:
    out = []
    for name, t in _sets(model):
        if not isinstance(t.elem, RecordT):
            continue
        r, q = Ref(RefKind.LOCAL, "r", t.elem), Ref(RefKind.LOCAL, "q", t.elem)
        for f, ft in t.elem.fields:
            if not isinstance(ft, SortT):
                continue
            same = Op(Opcode.EQUAL, (r, q), BOOL)
            differ = Op(Opcode.NOT_EQUAL, (_field(r, f, ft), _field(q, f, ft)), BOOL)
            inner = _all("q", _var(name, t), t.elem, Op(Opcode.OR, (same, differ), BOOL))
            out.append(Lemma(f"all(r == q or r.{f} != q.{f} for r in {name} for q in {name})",
                             _all("r", _var(name, t), t.elem, inner)))
    return out
