"""The IR compiled to Python functions for the explicit-state engine: one function for
every successor of a state, one for the first violation of a state, one for the
initial state. Each is Python source generated from the typed IR and compiled once.

The generated text never contains text from a claim: state variables, parameters and
bound names become generated identifiers (`v0`, `p1`, `b2`), integers and booleans
are written as numbers, and every other value (enum members, sets, records) is a
reference to a pool of values (`K3`). The claim language's expressions were parsed
and type-checked by the front end; this module only walks the IR.

The last section serves symmetry reduction: renaming the members of an enum within
states, the least renaming of a state, and the check that a model never tells those
members apart.

States are tuples of values in the order of `model.variables`, with the value
representation of `front.values`. The semantics follow the IR's (and the independent
evaluator's, which this module must not share code with): `and`, `or`, `implies` and
`if` are lazy, other operators evaluate every operand in order, and an ill-formed
operation raises ModelError."""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from symcheck.front.strings import PYTHON as STRING_OPERATIONS
from symcheck.errors import ModelError, Span
from symcheck.front.actions import instances
from symcheck.front.ir import (BOOL, BoolT, Comp, DefCall, EnumT, Expr, Gen, IntT, Lit, MapT, Model, Op, Opcode, RecordT,
                               Ref, SeqT, SetT, TupleT, Type, premises)
from symcheck.front.values import contains, domain, leaves

# ---------------------------------------------------------------- runtime helpers
# The operations that can be ill formed, called from the generated code.


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


HELPERS: dict[str, Any] = {"ModelError": ModelError, "_divide": _divide, "_modulo": _modulo, "_set_min": _set_min,
                           "_set_max": _set_max, "_head": _head, "_tail": _tail, "_index": _index,
                           "_map_get": _map_get, "_map_put": _map_put, "_map_set": _map_set,
                           "_replace": _replace, "_replace_one": _replace_one,
                           "_checked_set": _checked_set, "_least": _least, "_greatest": _greatest,
                           "_choose": _choose, "_in_order": _in_order}

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


# ---------------------------------------------------------------- the compiler

BOOLEAN = {Opcode.AND, Opcode.OR, Opcode.NOT, Opcode.IMPLIES, Opcode.EQUAL, Opcode.NOT_EQUAL, Opcode.LESS,
           Opcode.LESS_EQUAL, Opcode.GREATER, Opcode.GREATER_EQUAL, Opcode.MEMBER, Opcode.SUBSET}
INFIX = {Opcode.ADD: "+", Opcode.SUBTRACT: "-", Opcode.MULTIPLY: "*", Opcode.EQUAL: "==", Opcode.NOT_EQUAL: "!=",
         Opcode.LESS: "<", Opcode.LESS_EQUAL: "<=", Opcode.GREATER: ">", Opcode.GREATER_EQUAL: ">=",
         Opcode.MEMBER: "in", Opcode.SUBSET: "<=", Opcode.UNION: "|", Opcode.INTERSECTION: "&",
         Opcode.DIFFERENCE: "-"}
UNLIMITED = 1 << 30  # a sequence length no bound reaches


@dataclass(frozen=True)
class Local:
    """A bound name in the generated code: its Python text, and the type its values
    are known to lie in (None when unknown, such as an unbounded integer)."""
    text: str
    known: Type | None


Env = dict[str, Local]


@dataclass(frozen=True)
class CompiledModel:
    """A model as Python functions over state tuples.

    - `configure(values)`: fixes the symbolic constants (name -> value) before a search;
    - `init()`: the initial state (raises ModelError when ill formed);
    - `successors(state, out)`: appends (instance index, next state) for every enabled
      action instance, in instance order; returns (instance index, ModelError) for the
      first instance whose step is ill formed, or None;
    - `violation(state)`: the index in `checks` of the state's first violation (a
      variable outside its type, then the invariants in declaration order), or -1;
      `violation_after[i]` the same for a state that instance i leads to from a state
      that passed every check.
    `checks` names them: `type(x)` and the invariant names; `insts` are the action
    instances (action, parameter values) in the numbering every engine shares."""
    configure: Callable[[dict[str, Any]], None]
    init: Callable[[], tuple[Any, ...]]
    successors: Callable[[tuple[Any, ...], list[Any]], tuple[int, ModelError] | None]
    violation: Callable[[tuple[Any, ...]], int]
    violation_after: tuple[Callable[[tuple[Any, ...]], int], ...]  # per action instance: `violation` of a state it
    # leads to from a state that passed every check (only what its updates may break)
    checks: tuple[str, ...]
    insts: tuple[tuple[Any, dict[str, Any]], ...]
    source: str  # the generated Python (for reading and debugging)
    # per invariant with a premise (`ir.premises`, in that order): is it true in the state (ill formed: no)
    premises: Callable[[tuple[Any, ...]], list[bool]] = lambda s: []


class Compiler:
    """Generates the Python text of a model. Where the values of an expression are
    known to lie in a type (`known`), the checks that could not fail are left out:
    set elements stored into sets, map lookups, variables' types in each new state."""

    def __init__(self, model: Model):
        self.model = model
        self.fixed = {c.name: c.value for c in model.constants if not c.symbolic}
        self.symbolic = {c.name: f"S{i}" for i, c in enumerate(model.symbolic)}
        self.var_slot = {name: i for i, (name, _) in enumerate(model.variables)}
        self.namespace: dict[str, Any] = dict(HELPERS)
        self.pooled: dict[tuple[str, str], str] = {}
        self.fresh = itertools.count()

    # -- names and values
    def pool(self, value: Any, kind: str = "value") -> str:
        """A generated name for a value the code refers to (equal values are shared)."""
        try:
            hash(value)
            key = (kind, repr(value))  # repr tells True from 1, even inside sets
        except TypeError:
            key = (kind, str(id(value)))
        if key not in self.pooled:
            name = f"K{len(self.pooled)}"
            self.pooled[key] = name
            self.namespace[name] = value
        return self.pooled[key]

    def literal(self, value: Any) -> str:
        if value is True or value is False:
            return repr(value)
        if type(value) is int:
            return f"({value})" if value < 0 else str(value)
        return self.pool(value)

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self.fresh)}"

    def constant_values(self, name: str) -> list[Any]:
        c = self.model.constant(name)
        return list(c.domain or ()) if c.symbolic else [c.value]

    # -- what is known of a value
    def known(self, e: Any, env: Env) -> Type | None:
        """A type every value of e lies in, when evaluating e succeeds from a
        well-typed state; None when unknown. Conservative."""
        if isinstance(e, Lit) or (isinstance(e, Ref) and e.kind == "const"):
            values = [e.value] if isinstance(e, Lit) else self.constant_values(e.name)
            if isinstance(e.type, IntT) and all(type(v) is int for v in values):
                return IntT(min(values), max(values))  # an integer literal's type is any int
            return e.type if all(contains(e.type, v) for v in values) else None
        if isinstance(e, Ref):
            if e.kind == "local":
                return env[e.name].known
            return self.model.var_type(e.name)
        if isinstance(e, DefCall):
            return self.known(e.body, self.def_env(e, env, texts=None))
        if isinstance(e, Comp):
            if e.kind in ("all", "any"):
                return BOOL
            if e.kind == "set":
                return e.type
            inner = self.bind(e.gens, env)
            if e.kind == "map":
                return e.type if self.fits(e.elt, e.type.val, inner) else None  # type: ignore[attr-defined]
            if e.kind == "choose":
                return self.known(e.elt, inner)
            return None
        if not isinstance(e, Op):
            return None
        o, a, t = e.op, e.args, e.type
        if o in BOOLEAN:
            return BOOL
        if o in (Opcode.SET_LITERAL, Opcode.COERCE) and isinstance(t, SetT):
            return t
        if o in (Opcode.FIELD, Opcode.MAP_GET, Opcode.INDEX, Opcode.HEAD, Opcode.TAIL):
            k = self.known(a[0], env)
            if o is Opcode.FIELD:
                return k.field_type(e.attr) if isinstance(k, RecordT) else None
            if o is Opcode.MAP_GET:
                return k.val if isinstance(k, MapT) else None
            if o is Opcode.TAIL:
                return k if isinstance(k, SeqT) else None
            if isinstance(k, SeqT):
                return k.elem
            if isinstance(k, TupleT) and o is Opcode.INDEX and isinstance(a[1], Lit):
                return k.elems[int(a[1].value)]
            return None
        if o is Opcode.UNION or o is Opcode.IF:
            return t if all(self.fits(x, t, env) for x in (a if o is Opcode.UNION else a[1:])) else None
        if o in (Opcode.DIFFERENCE, Opcode.COERCE):
            return t if self.fits(a[0], t, env) else None
        if o is Opcode.INTERSECTION:
            return t if any(self.fits(x, t, env) for x in a) else None
        if o in (Opcode.RECORD, Opcode.TUPLE):
            parts = t.elems if isinstance(t, TupleT) else [ft for _, ft in t.fields]  # type: ignore[attr-defined]
            return t if all(self.fits(x, pt, env) for x, pt in zip(a, parts, strict=True)) else None
        if o is Opcode.SEQ_LITERAL and isinstance(t, SeqT):
            return t if len(a) <= t.maxlen and all(self.fits(x, t.elem, env) for x in a) else None
        if o is Opcode.REPLACE_FIELDS and isinstance(t, RecordT):
            return t if self.fits(a[0], t, env) and all(
                self.fits(x, t.field_type(f) or t, env) for f, x in zip(e.attr, a[1:], strict=True)) else None
        if o is Opcode.APPEND:
            k = self.known(a[0], env)
            return SeqT(k.elem, k.maxlen + 1) if isinstance(k, SeqT) and self.fits(a[1], k.elem, env) else None
        if o is Opcode.MAP_PUT and isinstance(t, MapT):
            return t if self.fits(a[0], t, env) and self.fits(a[2], t.val, env) else None
        return None

    def fits(self, e: Any, t: Type, env: Env) -> bool:
        k = self.known(e, env)
        return k is not None and within(k, t)

    def safe_lookup(self, e: Op, env: Env) -> bool:
        """A map lookup that cannot fail: a map of known type (it holds every key) and
        a key of its key type."""
        k = self.known(e.args[0], env)
        return isinstance(k, MapT) and self.fits(e.args[1], k.key, env)

    def may_raise(self, e: Any, env: Env) -> bool:
        """Can evaluating e raise ModelError? (Conservative.) Where it cannot, the order
        in which a comprehension meets the elements of a set makes no difference."""
        if e is None or isinstance(e, (Lit, Ref)):
            return False
        if isinstance(e, DefCall):
            return any(self.may_raise(a, env) for a in e.args) or self.may_raise(e.body, self.def_env(e, env, None))
        if isinstance(e, Comp):
            inner = self.bind(e.gens, env)
            if e.kind in ("min", "max", "choose") or (
                    e.kind == "set" and not self.fits(e.elt, e.type.elem, inner)):  # type: ignore[attr-defined]
                return True
            sources = [g.source if g.kind != "range" else g.limit for g in e.gens]
            return any(self.may_raise(x, inner) for x in [e.cond, e.elt, *sources])
        if not isinstance(e, Op):
            return True
        o = e.op
        if o in (Opcode.FLOOR_DIVIDE, Opcode.MODULO, Opcode.SET_MIN, Opcode.SET_MAX, Opcode.HEAD, Opcode.TAIL,
                 Opcode.MAP_PUT):
            return True
        if o is Opcode.INDEX and not (isinstance(e.args[0].type, TupleT) and isinstance(e.args[1], Lit)):
            return True
        if o is Opcode.MAP_GET and not self.safe_lookup(e, env):
            return True
        if o is Opcode.SET_LITERAL and not all(self.fits(x, e.type.elem, env) for x in e.args):  # type: ignore
            return True
        if o is Opcode.COERCE and _holds_sets(e.type):
            return True
        return any(self.may_raise(a, env) for a in e.args)

    def bind(self, gens: tuple[Gen, ...], env: Env, texts: list[str] | None = None) -> Env:
        """The environment inside a comprehension's generators (with the names' texts
        when generating code)."""
        inner = dict(env)
        for i, g in enumerate(gens):
            if g.kind == "range":
                elem: Type | None = g.elem
            else:
                k = self.known(g.source, inner)
                elem = k.elem if isinstance(k, (SetT, SeqT)) else g.elem if g.kind == "set" else None
            inner[g.name] = Local(texts[i] if texts else "", elem)
        return inner

    def def_env(self, e: DefCall, env: Env, texts: list[str] | None) -> Env:
        """The environment of a definition's body: its parameters only."""
        return {p: Local(texts[i] if texts else "", self.known(a, env))
                for i, (p, a) in enumerate(zip(e.params, e.args, strict=True))}

    # -- expressions
    def expr(self, e: Expr, env: Env) -> str:
        """Python text of e."""
        if isinstance(e, Lit):
            return self.literal(e.value)
        if isinstance(e, Ref):
            if e.kind == "local":
                return env[e.name].text
            if e.kind == "var":
                return f"v{self.var_slot[e.name]}"
            if e.name in self.symbolic:
                return self.symbolic[e.name]
            return self.literal(self.fixed[e.name])
        if isinstance(e, Op):
            return self.op(e, env)
        if isinstance(e, Comp):
            return self.comp(e, env)
        if isinstance(e, DefCall):
            return self.call(e, env)
        raise TypeError(f"unhandled expression {e!r}")

    def call(self, e: DefCall, env: Env) -> str:
        """A definition's body sees only its parameters (and the state). Arguments that
        are names or literals are substituted (evaluating them can neither fail nor
        differ); others are evaluated first, in order, as a lambda's arguments."""
        if all(isinstance(a, (Lit, Ref)) for a in e.args):
            return self.expr(e.body, self.def_env(e, env, [self.expr(a, env) for a in e.args]))
        names = [self.name("a") for _ in e.params]
        args = ", ".join(self.expr(a, env) for a in e.args)
        return f"(lambda {', '.join(names)}: {self.expr(e.body, self.def_env(e, env, names))})({args})"

    def span(self, e: Expr) -> str:
        return "None" if e.span is None else self.pool(e.span, "span")

    def op(self, e: Op, env: Env) -> str:
        o = e.op
        a = [self.expr(x, env) for x in e.args]
        sp = self.span(e)
        if o is Opcode.AND:
            return "(" + " and ".join(a) + ")"
        if o is Opcode.OR:
            return "(" + " or ".join(a) + ")"
        if o is Opcode.IMPLIES:
            return f"(not {a[0]} or {a[1]})"
        if o is Opcode.NOT:
            return f"(not {a[0]})"
        if o is Opcode.IF:
            return f"({a[1]} if {a[0]} else {a[2]})"
        if o is Opcode.NEGATE:
            return f"(-{a[0]})"
        if o in INFIX:
            return f"({a[0]} {INFIX[o]} {a[1]})"
        if o is Opcode.FLOOR_DIVIDE:
            return f"_divide({a[0]}, {a[1]}, {sp})"
        if o is Opcode.MODULO:
            return f"_modulo({a[0]}, {a[1]}, {sp})"
        if o is Opcode.MIN:
            return f"min({', '.join(a)})"
        if o is Opcode.MAX:
            return f"max({', '.join(a)})"
        if o is Opcode.LENGTH:
            return f"len({a[0]})"
        if o is Opcode.SET_MIN:
            return f"_set_min({a[0]}, {sp})"
        if o is Opcode.SET_MAX:
            return f"_set_max({a[0]}, {sp})"
        if o is Opcode.APPEND:
            return f"({a[0]} + ({a[1]},))"
        if o is Opcode.HEAD:
            return f"_head({a[0]}, {sp})"
        if o is Opcode.TAIL:
            return f"_tail({a[0]}, {sp})"
        if o is Opcode.INDEX:
            first, index = e.args
            if isinstance(first.type, TupleT) and isinstance(index, Lit):
                return f"{a[0]}[{int(index.value)}]"
            return f"_index({a[0]}, {a[1]}, {sp})"
        if o is Opcode.MAP_GET:
            key_type = e.args[0].type.key  # type: ignore[attr-defined]
            slots = self.pool({k: i for i, k in enumerate(domain(key_type))}, "slots")
            if self.safe_lookup(e, env):
                return f"{a[0]}[{slots}[{a[1]}]][1]"
            return f"_map_get({a[0]}, {a[1]}, {slots}, {sp})"
        if o is Opcode.MAP_PUT:
            if self.safe_lookup(e, env):
                slots = self.pool({k: i for i, k in enumerate(domain(e.type.key))}, "slots")  # type: ignore
                return f"_map_set({a[0]}, {slots}[{a[1]}], {a[2]})"
            return f"_map_put({a[0]}, {a[1]}, {a[2]}, {sp})"
        if o is Opcode.FIELD:
            return f"{a[0]}[{e.args[0].type.field_names.index(e.attr)}]"  # type: ignore[attr-defined]
        if o is Opcode.REPLACE_FIELDS:
            names = e.args[0].type.field_names  # type: ignore[attr-defined]
            if len(e.attr) == 1:
                return f"_replace_one({a[0]}, {names.index(e.attr[0])}, {a[1]})"
            slots = repr(tuple(names.index(f) for f in e.attr))
            return f"_replace({a[0]}, {slots}, ({''.join(x + ', ' for x in a[1:])}))"
        if o in (Opcode.RECORD, Opcode.TUPLE, Opcode.SEQ_LITERAL):
            return "(" + "".join(x + ", " for x in a) + ")"
        if o is Opcode.SET_LITERAL:
            elems = "(" + "".join(x + ", " for x in a) + ")"
            elem = e.type.elem  # type: ignore[attr-defined]
            if all(self.fits(x, elem, env) for x in e.args):
                return f"frozenset({elems})"
            return self.checked_set(elems, elem, sp)
        if o in STRING_OPERATIONS:  # the meaning front.strings gives it (a pooled function)
            return f"{self.pool(STRING_OPERATIONS[o], 'string')}({', '.join(a)})"
        if o is Opcode.COERCE:
            if not _holds_sets(e.type):
                return a[0]
            return f"{self.pool(_coercer(e.type, e.span), 'coerce')}({a[0]})"
        raise TypeError(f"unhandled operator {o}")

    def checked_set(self, elems: str, elem: Type, sp: str) -> str:
        ok = self.pool(member_test(elem), "test")
        what = self.pool(str(elem), "text")
        return f"_checked_set({elems}, {ok}, {what}, {sp})"

    def comp(self, e: Comp, env: Env) -> str:
        names = [self.name("b") for _ in e.gens]
        inner = self.bind(e.gens, env, names)
        ordered = e.kind in ("choose", "map") or (e.kind in ("all", "any") and any(
            self.may_raise(x, inner) for x in [e.cond, e.elt, *(
                g.source if g.kind != "range" else g.limit for g in e.gens[1:])]))
        clauses = []
        scope = dict(env)
        for g, name in zip(e.gens, names, strict=True):
            clauses.append(f"for {name} in {self.gen_source(g, scope, ordered)}")
            scope[g.name] = inner[g.name]
        if e.cond is not None:
            clauses.append(f"if {self.expr(e.cond, inner)}")
        loops = " ".join(clauses)
        sp = self.span(e)
        k = e.kind
        if k == "map":
            return f"tuple(({names[0]}, {self.expr(e.elt, inner)}) {loops})"
        elt = self.expr(e.elt, inner)
        if k in ("all", "any", "sum"):
            return f"{k}({elt} {loops})"
        if k == "min":
            return f"_least(({elt} {loops}), {sp})"
        if k == "max":
            return f"_greatest(({elt} {loops}), {sp})"
        if k == "choose":
            return f"_choose(({elt} {loops}), {sp})"
        if k == "set":
            elem = e.type.elem  # type: ignore[attr-defined]
            if self.fits(e.elt, elem, inner):
                return f"frozenset({elt} {loops})"
            return self.checked_set(f"({elt} {loops})", elem, sp)
        raise TypeError(f"unhandled comprehension {k!r}")

    def gen_source(self, g: Gen, env: Env, ordered: bool) -> str:
        """A set is met in its element type's domain order where that matters, and only
        its elements in that domain are met (always all of them, for a set of known
        type); a set that is a constant is put in order once, here."""
        if g.kind == "set":
            source = self.expr(g.source, env)
            rank = {v: i for i, v in enumerate(domain(g.elem))}
            if isinstance(g.source, Lit) or (isinstance(g.source, Ref) and g.source.kind == "const"
                                             and g.source.name not in self.symbolic):
                value = g.source.value if isinstance(g.source, Lit) else self.fixed[g.source.name]
                return self.pool(tuple(sorted((x for x in value if x in rank), key=rank.__getitem__)), "ordered")
            if not ordered and self.fits(g.source, SetT(g.elem), env):
                return source
            return f"_in_order({source}, {self.pool(rank, 'rank')})"
        if g.kind == "seq":
            return self.expr(g.source, env)
        lo, hi = g.source
        if g.limit is not None:
            return f"range({lo}, min({hi}, {self.expr(g.limit, env)}))"
        return f"range({lo}, {hi})"

    # -- the model
    def unpack(self) -> str:
        n = len(self.model.variables)
        if n == 0:
            return "    pass"
        return "    " + ", ".join(f"v{i}" for i in range(n)) + ", = s"

    def successors_source(self, insts: list[tuple[Any, dict[str, Any]]]) -> str:
        """`def successors(s, out)`: every action's instances in order. The conjuncts at
        the front of a guard that read no parameter are tested once per state."""
        lines = ["def successors(s, out):", self.unpack(), "    error = None"]
        start = 0
        for action in self.model.actions:
            mine = [params for a, params in insts if a is action]
            if not mine:
                continue
            first = start
            start += len(mine)
            names = [self.name("p") for _ in action.params]
            env = {p: Local(n, t) for (p, t), n in zip(action.params, names, strict=True)}
            conjuncts = list(action.guard.args) if isinstance(action.guard, Op) and action.guard.op is Opcode.AND \
                else [action.guard]
            shared = []
            while conjuncts and not (_reads(conjuncts[0]) & set(env)):
                shared.append(conjuncts.pop(0))
            pad = "    "
            if shared:  # every instance fails alike when these do: report the first
                flag = self.name("g")
                lines += [f"{pad}try:", f"{pad}    {flag} = {' and '.join(self.expr(c, env) for c in shared)}",
                          f"{pad}except ModelError as exc:", f"{pad}    {flag} = False",
                          f"{pad}    if error is None:", f"{pad}        error = ({first}, exc)",
                          f"{pad}if {flag}:"]
                pad += "    "
            if names:
                rows = self.pool(tuple((first + i, *(params[p] for p, _ in action.params))
                                       for i, params in enumerate(mine)), "rows")
                lines.append(f"{pad}for {', '.join(['i', *names])} in {rows}:")
            else:
                lines.append(f"{pad}for i in ({first},):")
            pad += "    "
            guard = " and ".join(self.expr(c, env) for c in conjuncts) if conjuncts else "True"
            lines += [f"{pad}try:", f"{pad}    if {guard}:"]
            body = pad + "        "
            updated = {}
            for var, upd in action.updates:
                tmp = self.name("u")
                lines.append(f"{body}{tmp} = {self.expr(upd, env)}")
                updated[self.var_slot[var]] = tmp
            state = "".join(updated.get(i, f"v{i}") + ", " for i in range(len(self.model.variables)))
            lines += [f"{body}out.append((i, ({state})))",
                      f"{pad}except ModelError as exc:",
                      f"{pad}    if error is None:",
                      f"{pad}        error = (i, exc)"]
        lines.append("    return error")
        return "\n".join(lines)

    def violation_source(self, name: str = "violation", changed: set[str] | None = None) -> tuple[str, tuple[str, ...]]:
        """`def violation(s)`: the index of the state's first violation, or -1. A
        variable is tested only as far as an assignment to it may leave its type.
        `changed`: the variables an action assigns; the state it leads to is tested
        only for what those may break (the state it left passed every check)."""
        lines = [f"def {name}(s):", self.unpack()]
        checks = []
        for i, (var, t) in enumerate(self.model.variables):
            checks.append(f"type({var})")
            residual = self.residual_check(var, t) if changed is None or var in changed else "none"
            if residual == "length":
                lines.append(f"    if len(v{i}) > {t.maxlen}:\n        return {len(checks) - 1}")  # type: ignore
            elif residual == "full" and isinstance(t, IntT) and t.bounded:
                lines.append(f"    if not (type(v{i}) is int and {t.lo} <= v{i} <= {t.hi}):\n"
                             f"        return {len(checks) - 1}")
            elif residual == "full":
                lines.append(f"    if not {self.pool(member_test(t), 'test')}(v{i}):\n        return {len(checks) - 1}")
        for inv in self.model.invariants:
            checks.append(inv.name)
            if changed is not None and not (_state_reads(inv.expr) & changed):
                continue
            lines += ["    try:", f"        if not {self.expr(inv.expr, {})}:", f"            return {len(checks) - 1}",
                      "    except ModelError:", f"        return {len(checks) - 1}"]
        lines.append("    return -1")
        return "\n".join(lines), tuple(checks)

    def premises_source(self) -> str:
        """`def premises(s)`: for coverage, whether each invariant's premise is true."""
        lines = ["def premises(s):", self.unpack(), "    out = []"]
        for p in premises(self.model).values():
            lines += ["    try:", f"        out.append(({self.expr(p, {})}) is True)",
                      "    except ModelError:", "        out.append(False)"]
        return "\n".join(lines + ["    return out"])

    def init_source(self) -> str:
        values = {name: self.expr(e, {}) for name, e in self.model.init}
        lines = ["def init():"]
        for name, _ in self.model.variables:
            lines.append(f"    v{self.var_slot[name]} = {values[name]}")
        lines.append("    return (" + "".join(f"v{i}, " for i in range(len(self.model.variables))) + ")")
        return "\n".join(lines)

    def configure_source(self) -> str:
        lines = ["def configure(values):"]
        lines += [f"    global {name}" for name in self.symbolic.values()]
        lines += [f"    {name} = values[{self.pool(c, 'name')}]" for c, name in self.symbolic.items()]
        return "\n".join(lines + ["    return None"])

    def residual_check(self, var: str, t: Type) -> str:
        """What a new state must test of `var`: "none" when every assignment to it
        (initial and by every action) lies in its type by construction, "length" when
        only appending may overflow a sequence, else "full"."""
        assigned: list[tuple[Expr, Env]] = [(e, {}) for name, e in self.model.init if name == var]
        for action in self.model.actions:
            env = {p: Local("", pt) for p, pt in action.params}
            assigned += [(e, env) for name, e in action.updates if name == var]
        worst = "none"
        for e, env in assigned:
            while isinstance(e, Op) and e.op is Opcode.COERCE and not _holds_sets(e.type):
                e = e.args[0]  # a change of representation that checks nothing
            if self.fits(e, t, env):
                continue
            if isinstance(e, Op) and e.op is Opcode.APPEND and isinstance(t, SeqT) and \
                    self.fits(e.args[0], SeqT(t.elem, UNLIMITED), env) and self.fits(e.args[1], t.elem, env):
                worst = "length"
                continue
            return "full"
        return worst


def _holds_sets(t: Type) -> bool:
    if isinstance(t, SetT):
        return True
    if isinstance(t, MapT):
        return _holds_sets(t.val)
    return False


def _coercer(t: Type, span: Span | None) -> Callable[[Any], Any]:
    """Set elements must lie in the target's element type (maps: through their values)."""
    if isinstance(t, SetT):
        ok, what = member_test(t.elem), str(t.elem)
        inner = _coercer(t.elem, span) if _holds_sets(t.elem) else None

        def to_set(v: Any) -> frozenset[Any]:
            for x in v:
                if not ok(x):
                    raise ModelError(f"value {x!r} is outside {what}", span)
            return frozenset(map(inner, v)) if inner else frozenset(v)
        return to_set
    if isinstance(t, MapT):
        val = _coercer(t.val, span)
        return lambda m: tuple((k, val(x)) for k, x in m)
    return lambda v: v


def _state_reads(e: Any) -> set[str]:
    """The state variables an expression reads (through definitions too)."""
    if isinstance(e, Ref):
        return {e.name} if e.kind == "var" else set()
    if isinstance(e, Op):
        return set().union(*(_state_reads(a) for a in e.args))
    if isinstance(e, DefCall):
        return _state_reads(e.body).union(*(_state_reads(a) for a in e.args))
    if isinstance(e, Comp):
        out = _state_reads(e.cond) | _state_reads(e.elt) | _state_reads(e.key)
        for g in e.gens:
            out |= _state_reads(g.source) if g.kind != "range" else _state_reads(g.limit)
        return out
    return set()


def _reads(e: Any) -> set[str]:
    """The local names an expression reads (a definition's body reads only its own)."""
    if isinstance(e, Ref):
        return {e.name} if e.kind == "local" else set()
    if isinstance(e, Op):
        return set().union(*(_reads(a) for a in e.args))
    if isinstance(e, DefCall):
        return set().union(*(_reads(a) for a in e.args))
    if isinstance(e, Comp):
        out = _reads(e.cond) | _reads(e.elt) | _reads(e.key)
        for g in e.gens:
            out |= _reads(g.source) if g.kind != "range" else _reads(g.limit)
        return out - {g.name for g in e.gens}
    return set()


def compile_model(model: Model) -> CompiledModel:
    """The model's functions, compiled once; `configure` fixes the symbolic constants
    for each configuration."""
    c = Compiler(model)
    insts = instances(model)
    parts = [c.configure_source(), c.init_source(), c.successors_source(insts), c.premises_source()]
    violation, checks = c.violation_source()
    parts.append(violation)
    for k, action in enumerate(model.actions):
        parts.append(c.violation_source(f"violation_after_{k}", {var for var, _ in action.updates})[0])
    source = "\n\n".join(parts) + "\n"
    code = compile(source, f"<compiled {model.name}>", "exec")
    namespace = c.namespace
    exec(code, namespace)  # noqa: S102 - text generated from the typed IR above, with no claim text in it
    after = [namespace[f"violation_after_{model.actions.index(a)}"] for a, _ in insts]
    return CompiledModel(namespace["configure"], namespace["init"], namespace["successors"], namespace["violation"],
                         tuple(after), checks, tuple(insts), source, namespace["premises"])


# ---------------------------------------------------------------- symmetry


def _mentions(t: Type, enum: EnumT) -> bool:
    if t == enum:
        return True
    if isinstance(t, (SetT, SeqT)):
        return _mentions(t.elem, enum)
    if isinstance(t, MapT):
        return _mentions(t.key, enum) or _mentions(t.val, enum)
    if isinstance(t, RecordT):
        return any(_mentions(ft, enum) for _, ft in t.fields)
    if isinstance(t, TupleT):
        return any(_mentions(et, enum) for et in t.elems)
    return False


def renamer(t: Type, enum: EnumT) -> Callable[[Any, dict[str, str]], Any] | None:
    """A function applying a renaming of the enum's members (member -> member) to a
    value of type t; None when t holds none of them."""
    if not _mentions(t, enum):
        return None
    if t == enum:
        return lambda v, m: m[v]
    if isinstance(t, (SetT, SeqT)):
        elem = renamer(t.elem, enum) or (lambda v, m: v)
        if isinstance(t, SetT):
            return lambda v, m: frozenset(elem(x, m) for x in v)
        return lambda v, m: tuple(elem(x, m) for x in v)
    if isinstance(t, (RecordT, TupleT)):
        types = t.elems if isinstance(t, TupleT) else tuple(ft for _, ft in t.fields)
        changing = [(k, r) for k, r in enumerate(renamer(ft, enum) for ft in types) if r is not None]

        def rename_fields(v: Any, m: dict[str, str]) -> Any:
            out = list(v)
            for k, r in changing:
                out[k] = r(out[k], m)
            return tuple(out)
        return rename_fields
    if isinstance(t, MapT):
        key, val = renamer(t.key, enum) or (lambda v, m: v), renamer(t.val, enum) or (lambda v, m: v)
        rank = {k: i for i, k in enumerate(domain(t.key))}
        return lambda v, m: tuple(sorted(((key(k, m), val(x, m)) for k, x in v), key=lambda kv: rank[kv[0]]))
    raise TypeError(t)


def order_key(t: Type) -> Callable[[Any], Any]:
    """A total order on the values of t, to pick the least of a state's renamings:
    the value itself (members, numbers and tuples of them compare), with every set
    replaced by its sorted elements."""
    if not any(isinstance(leaf, SetT) for leaf in leaves(t)):
        return lambda v: v
    if isinstance(t, SetT):
        elem = order_key(t.elem)
        return lambda v: tuple(sorted(map(elem, v)))
    if isinstance(t, SeqT):
        elem = order_key(t.elem)
        return lambda v: tuple(map(elem, v))
    if isinstance(t, (RecordT, TupleT)):
        parts = [order_key(ft) for ft in (t.elems if isinstance(t, TupleT) else tuple(ft for _, ft in t.fields))]
        return lambda v: tuple(p(x) for p, x in zip(parts, v, strict=True))
    if isinstance(t, MapT):
        val = order_key(t.val)
        return lambda v: tuple(val(x) for _, x in v)
    raise TypeError(t)


def symmetry_obstacle(model: Model, enum: EnumT) -> str | None:
    """Why permuting the enum's members may change what the model does (a literal
    naming a member, a `choose` among members, an order on them), or None. Only then
    may the search identify states that differ by such a permutation."""
    perms = [dict(zip(enum.members, p, strict=True)) for p in itertools.permutations(enum.members)]

    def fixed(value: Any, t: Type) -> bool:
        rename = renamer(t, enum)
        return rename is None or all(rename(value, m) == value for m in perms)

    def visit(e: Any) -> str | None:
        if e is None:
            return None
        if isinstance(e, Lit) and not fixed(e.value, e.type):
            return f"the value {e.value!r} names members of {enum.name}"
        if isinstance(e, Ref) and e.kind == "const":
            for value in [model.constant(e.name).value, *(model.constant(e.name).domain or ())]:
                if value is not None and not fixed(value, e.type):
                    return f"the constant {e.name} names members of {enum.name}"
        if isinstance(e, Op):
            if e.op in (Opcode.LESS, Opcode.LESS_EQUAL, Opcode.GREATER, Opcode.GREATER_EQUAL, Opcode.SET_MIN,
                        Opcode.SET_MAX, Opcode.MIN, Opcode.MAX) and any(_mentions(a.type, enum) for a in e.args):
                return f"an ordering compares members of {enum.name}"
            return next((w for w in map(visit, e.args) if w), None)
        if isinstance(e, DefCall):
            return next((w for w in map(visit, [*e.args, e.body]) if w), None)
        if isinstance(e, Comp):
            if e.kind == "choose" and any(_mentions(g.elem, enum) for g in e.gens):
                return f"choose picks the first member of {enum.name}"
            parts = [e.cond, e.elt, e.key, *(g.source if g.kind != "range" else g.limit for g in e.gens)]
            return next((w for w in map(visit, parts) if w), None)
        return None

    exprs = [e for _, e in model.init] + [i.expr for i in model.invariants]
    for action in model.actions:
        exprs += [action.guard, *(e for _, e in action.updates)]
    return next((w for w in map(visit, exprs) if w), None)


MEMO_LIMIT = 10_000  # remembered values per variable (each with all its renamings)


def canonicalizer(model: Model, enums: list[EnumT]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The least renaming of a state under every permutation of each enum's members
    (all permutations of all the enums together): symmetric states get one
    representative, so the search visits one state per class. Each variable's
    renamings (and their order keys) are computed once per value and remembered:
    states share most of their variables' values."""
    slots = [i for i, (_, t) in enumerate(model.variables) if any(_mentions(t, e) for e in enums)]
    # sequences first: their order usually tells the permutations apart at once
    slots.sort(key=lambda i: not isinstance(model.variables[i][1], SeqT))
    # the identity first; equal keys mean equal states, so the first of the least is as good as any
    renamings = [tuple(dict(zip(e.members, members, strict=True)) for e, members in zip(enums, combo, strict=True))
                 for combo in itertools.product(*(itertools.permutations(e.members) for e in enums))]
    perms = range(len(renamings))
    types = [model.variables[i][1] for i in slots]
    rename_parts = [[renamer(t, e) for e in enums] for t in types]
    key_parts = [order_key(t) for t in types]
    memo: list[dict[Any, tuple[list[Any], list[Any]]]] = [{} for _ in slots]

    def renamings_of(j: int, value: Any) -> tuple[list[Any], list[Any]]:
        values = []
        for maps in renamings:
            v = value
            for r, m in zip(rename_parts[j], maps, strict=True):
                if r is not None:
                    v = r(v, m)
            values.append(v)
        return values, [key_parts[j](v) for v in values]

    def canon(state: tuple[Any, ...]) -> tuple[Any, ...]:
        entries = []
        for j, i in enumerate(slots):
            entry = memo[j].get(state[i])
            if entry is None:
                if len(memo[j]) >= MEMO_LIMIT:  # bounded memory: start afresh
                    memo[j].clear()
                entry = memo[j][state[i]] = renamings_of(j, state[i])
            entries.append(entry)
        # the least renaming, variable by variable: keep the permutations that give
        # the least key so far (usually one is left after the first variables)
        candidates: list[int] | range = perms
        for _, keys in entries:
            least = min(keys) if candidates is perms else min(keys[p] for p in candidates)
            candidates = [p for p in candidates if keys[p] == least]
            if len(candidates) == 1:
                break
        best = candidates[0]
        if best == 0:
            return state
        out = list(state)
        for i, e in zip(slots, entries, strict=True):
            out[i] = e[0][best]
        return tuple(out)
    return canon
