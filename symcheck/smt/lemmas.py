"""Candidate lemmas mined from a claim, for invariant generation (Houdini) ahead of
k-induction. A claim's invariants are often true but not inductive: the step case
starts from states no run reaches (a pending request from the future, a request that
was never logged). Simple facts about the state variables rule such states out, and
the claim's own shape suggests them:

- orderings and equalities between integer terms (integer variables, sizes of sets
  and sequences) and against integer constants;
- an integer field of every element of a set, sequence or map against an integer
  variable (`every pending request's createdAt <= now`), and sequences sorted by a field;
- containment between collections of one element type (`pending` within `request_log`);
- Boolean variables that are constant or imply one another, and values a small set
  never holds (`'eve' not in issued`).

A candidate is an IR expression with its text in claim syntax, so a kept lemma reads in
model terms and any stage (the explicit evaluator included) can evaluate it. Which
candidates survive is the engines' business (`engines/lemmas.py`); here they are only
proposed, and encoded through `Encoding.holds_at` (true and well formed)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, permutations
from weakref import WeakKeyDictionary

import z3

from symcheck.front.ir import (BOOL, INT, BoolT, Comp, CompKind, EnumT, Expr, Gen, GenKind, IntT, Lit, MapT, Model, Op,
                               Opcode, RecordT, Ref, RefKind, SeqT, SetT, Type)
from symcheck.front.values import domain, render
from symcheck.smt.encode import Encoding
from symcheck.smt.expr import Context
from symcheck.smt.solve import Formula

SMALL_SET = 8  # sets over at most this many values get candidates about their size
MAX_CANDIDATES = 600  # more would cost the solver more than they are likely to help
_TEMPLATES: WeakKeyDictionary[Encoding, dict[Lemma, z3.BoolRef]] = WeakKeyDictionary()  # per encoding: lemma -> template


@dataclass(frozen=True)
class Lemma:
    """A candidate (or, once kept, proved) state invariant: `text` in claim syntax."""
    text: str
    expr: Expr


@dataclass(frozen=True)
class Term:
    """An IR expression with its text, while candidates are built."""
    text: str
    expr: Expr


def holds_in(enc: Encoding, lemmas: Sequence[Lemma], i: int) -> list[Formula]:
    """Each lemma is true (and well formed) in state i, one formula per lemma. The
    templates are built once per encoding, and instantiated by one substitution for all
    of them (a substitution costs about the same for one formula as for many)."""
    if not lemmas:
        return []
    cache = _TEMPLATES.setdefault(enc, {})
    for lemma in lemmas:
        if lemma not in cache:
            ctx = Context(enc.model, enc.consts)
            value = ctx.enc(lemma.expr, enc.cur, {})
            cache[lemma] = z3.And(value, *[c for c, _ in ctx.obligations])
    if len(lemmas) == 1:
        return [enc.at(cache[lemmas[0]], i)]
    out = enc.at(z3.And([cache[lemma] for lemma in lemmas]), i).children()
    assert len(out) == len(lemmas), "substitution changed the conjunction"
    return list(out)


def holds(enc: Encoding, lemma: Lemma, i: int) -> Formula:
    """The lemma is true (and well formed) in state i."""
    return holds_in(enc, [lemma], i)[0]


def all_of(formulas: Sequence[Formula]) -> Formula:
    return z3.And(list(formulas))


def all_hold(enc: Encoding, lemmas: Sequence[Lemma], i: int) -> Formula:
    """Every lemma holds in state i."""
    return z3.And(holds_in(enc, lemmas, i))


def candidates(model: Model) -> list[Lemma]:
    """Every candidate lemma of the model's templates, without duplicates, in a fixed order."""
    found: dict[str, Lemma] = {}
    for lemma in [*_scalar_orderings(model), *_element_orderings(model), *_sorted_sequences(model),
                  *_containments(model), *_booleans(model)]:
        found.setdefault(lemma.text, lemma)
    return list(found.values())[:MAX_CANDIDATES]


# ---------------------------------------------------------------- building blocks

def _var(name: str, t: Type) -> Term:
    return Term(name, Ref(RefKind.VAR, name, t))


def _op(op: Opcode, text: str, *args: Term, t: Type = BOOL, attr: object = None) -> Term:
    return Term(text, Op(op, tuple(a.expr for a in args), t, attr))


def _compare(op: Opcode, a: Term, b: Term) -> Term:
    return _op(op, f"{a.text} {op.value} {b.text}", a, b)


def _length(x: Term) -> Term:
    return _op(Opcode.LENGTH, f"len({x.text})", x, t=INT)


def _field(x: Term, name: str, t: Type) -> Term:
    return _op(Opcode.FIELD, f"{x.text}.{name}", x, t=t, attr=name)


def _all(var: str, elem: Type, source: Term, kind: GenKind, body: Term) -> Lemma:
    """all(body for var in source), over a set or a sequence (`kind`)."""
    gen = Gen(var, kind, source.expr, elem)
    return Lemma(f"all({body.text} for {var} in {source.text})", Comp(CompKind.ALL, (gen,), None, body.expr, BOOL))


def _is_int(t: Type) -> bool:
    return isinstance(t, IntT)


def _collections(model: Model) -> list[tuple[str, Term, Type, GenKind]]:
    """(what, collection, element type, generator kind) for every set and sequence
    variable, and for the set or sequence values of a map variable (one per key)."""
    out: list[tuple[str, Term, Type, GenKind]] = []
    for name, t in model.variables:
        if isinstance(t, (SetT, SeqT)):
            out.append((name, _var(name, t), t.elem, GenKind.SET if isinstance(t, SetT) else GenKind.SEQ))
    return out


def _keyed(model: Model) -> list[tuple[str, MapT]]:
    return [(name, t) for name, t in model.variables if isinstance(t, MapT)]


def _int_terms(model: Model) -> list[tuple[Term, int, int]]:
    """Integer variables and the sizes of sequences and of small sets, each with the
    range its type allows. (The size of a larger set is a long sum of its members: a
    candidate about it costs the solver far more than it is likely to help.)"""
    terms = []
    for n, t in model.variables:
        if isinstance(t, IntT) and t.lo is not None and t.hi is not None:
            terms.append((_var(n, t), t.lo, t.hi))
        elif isinstance(t, SeqT):
            terms.append((_length(_var(n, t)), 0, t.maxlen))
        elif isinstance(t, SetT) and len(domain(t.elem)) <= SMALL_SET:
            terms.append((_length(_var(n, t)), 0, len(domain(t.elem))))
    return terms


def _int_constants(model: Model) -> list[tuple[Term, int]]:
    return [(Term(c.name, Ref(RefKind.CONST, c.name, c.type)), c.value) for c in model.constants
            if _is_int(c.type) and not c.symbolic]


def _int_fields(t: Type) -> list[tuple[str, Type]]:
    return [(f, ft) for f, ft in t.fields if _is_int(ft)] if isinstance(t, RecordT) else []


# ---------------------------------------------------------------- templates

def _scalar_orderings(model: Model) -> list[Lemma]:
    """a <= b and a == b between integer terms; a <= C and a >= C against constants,
    unless the type of a already says so."""
    terms = _int_terms(model)
    out = [_compare(Opcode.LESS_EQUAL, a, b) for (a, _, _), (b, _, _) in permutations(terms, 2)]
    out += [_compare(Opcode.EQUAL, a, b) for (a, _, _), (b, _, _) in combinations(terms, 2)]
    for a, lo, hi in terms:
        for c, value in _int_constants(model):
            if hi > value:
                out.append(_compare(Opcode.LESS_EQUAL, a, c))
            if lo < value:
                out.append(_compare(Opcode.GREATER_EQUAL, a, c))
    return [Lemma(t.text, t.expr) for t in out]


def _element_orderings(model: Model) -> list[Lemma]:
    """Every element's integer field (or the element, when an integer) against each
    integer variable, <= and >=; the same for the record values of a map."""
    ints = [_var(n, t) for n, t in model.variables if _is_int(t)]
    out: list[Lemma] = []
    for _, coll, elem, kind in _collections(model):
        r = Term("r", Ref(RefKind.LOCAL, "r", elem))
        parts = [_field(r, f, ft) for f, ft in _int_fields(elem)] + ([r] if _is_int(elem) else [])
        for part in parts:
            for v in ints:
                for op in (Opcode.LESS_EQUAL, Opcode.GREATER_EQUAL):
                    out.append(_all("r", elem, coll, kind, _compare(op, part, v)))
    for name, t in _keyed(model):
        keys = Lit(frozenset(domain(t.key)), SetT(t.key))
        k = Term("k", Ref(RefKind.LOCAL, "k", t.key))
        value = _op(Opcode.MAP_GET, f"{name}[k]", _var(name, t), k, t=t.val)
        for f, ft in _int_fields(t.val):
            for v in ints:
                for op in (Opcode.LESS_EQUAL, Opcode.GREATER_EQUAL):
                    body = _compare(op, _field(value, f, ft), v)
                    out.append(Lemma(f"all({body.text} for k in {t.key})",
                                     Comp(CompKind.ALL, (Gen("k", GenKind.SET, keys, t.key),), None, body.expr, BOOL)))
    return out


def _sorted_sequences(model: Model) -> list[Lemma]:
    """A sequence is sorted by an integer field (a log in time order)."""
    out: list[Lemma] = []
    for name, t in model.variables:
        if not isinstance(t, SeqT):
            continue
        x = _var(name, t)
        i = Term("i", Ref(RefKind.LOCAL, "i", IntT(0, t.maxlen - 1)))
        nxt = _op(Opcode.ADD, "i + 1", i, Term("1", Lit(1, INT)), t=INT)
        here = _op(Opcode.INDEX, f"{name}[i]", x, i, t=t.elem)
        there = _op(Opcode.INDEX, f"{name}[i + 1]", x, nxt, t=t.elem)
        inside = _compare(Opcode.LESS, nxt, _length(x))
        fields = [(_field(here, f, ft), _field(there, f, ft)) for f, ft in _int_fields(t.elem)]
        if _is_int(t.elem):
            fields.append((here, there))
        for a, b in fields:
            body = _compare(Opcode.LESS_EQUAL, a, b)
            gen = Gen("i", GenKind.RANGE, (0, t.maxlen), IntT(0, t.maxlen - 1), _length(x).expr)
            out.append(Lemma(f"all({body.text} for i in range(len({name})) if {inside.text})",
                             Comp(CompKind.ALL, (gen,), inside.expr, body.expr, BOOL)))
    return out


def _containments(model: Model) -> list[Lemma]:
    """Every element of one collection is in another of the same element type."""
    colls = _collections(model)
    out: list[Lemma] = []
    for (_, a, ea, kind), (_, b, eb, _) in permutations(colls, 2):
        if ea == eb:
            r = Term("r", Ref(RefKind.LOCAL, "r", ea))
            out.append(_all("r", ea, a, kind, _op(Opcode.MEMBER, f"r in {b.text}", r, b)))
    return out


def _booleans(model: Model) -> list[Lemma]:
    """Boolean variables and the memberships of a small set's values: constant (p, not
    p), and implications between two Boolean variables."""
    bools = [_var(n, t) for n, t in model.variables if isinstance(t, BoolT)]
    members = []
    for n, t in model.variables:
        if isinstance(t, SetT) and len(domain(t.elem)) <= SMALL_SET:
            for d in domain(t.elem):
                value = Term(f"'{d}'" if isinstance(t.elem, EnumT) else render(d, t.elem), Lit(d, t.elem))
                members.append(_op(Opcode.MEMBER, f"{value.text} in {n}", value, _var(n, t)))
    out = [*bools, *(_op(Opcode.NOT, f"not {p.text}", p) for p in bools)]
    out += [_op(Opcode.NOT, f"{m.text.replace(' in ', ' not in ', 1)}", m) for m in members]
    out += [_op(Opcode.IMPLIES, f"implies({p.text}, {q.text})", p, q) for p, q in permutations(bools, 2)]
    return [Lemma(t.text, t.expr) for t in out]
