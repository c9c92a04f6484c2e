"""The typed intermediate representation: frozen dataclasses for types, expressions
and checked models. Positions are carried but never compared. Knows nothing of Z3."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .errors import Span

# ---------------------------------------------------------------- types


class Type:
    def __str__(self) -> str:  # pragma: no cover - overridden
        return type(self).__name__


@dataclass(frozen=True)
class BoolT(Type):
    def __str__(self):
        return "bool"


@dataclass(frozen=True)
class IntT(Type):
    """An integer; `lo..hi` when bounded. Unbounded ints are only intermediate values."""
    lo: int | None = None
    hi: int | None = None

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def __str__(self):
        return f"{self.lo}..{self.hi}" if self.bounded else "int"


@dataclass(frozen=True)
class EnumT(Type):
    name: str
    members: tuple

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class SetT(Type):
    elem: Type

    def __str__(self):
        return f"set[{self.elem}]"


@dataclass(frozen=True)
class SeqT(Type):
    elem: Type
    maxlen: int

    def __str__(self):
        return f"seq[{self.elem}, {self.maxlen}]"


@dataclass(frozen=True)
class MapT(Type):
    key: Type
    val: Type

    def __str__(self):
        return f"map[{self.key}, {self.val}]"


@dataclass(frozen=True)
class RecordT(Type):
    name: str
    fields: tuple  # ((name, Type), ...)

    def field_type(self, name: str) -> Type | None:
        for fname, ftype in self.fields:
            if fname == name:
                return ftype
        return None

    @property
    def field_names(self) -> tuple:
        return tuple(f for f, _ in self.fields)

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class TupleT(Type):
    elems: tuple

    def __str__(self):
        return "tuple[" + ", ".join(map(str, self.elems)) + "]"


BOOL = BoolT()
INT = IntT()

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Expr:
    pass


@dataclass(frozen=True)
class Lit(Expr):
    """A concrete value (see values.py for the representation of each type)."""
    value: Any
    type: Type
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Ref(Expr):
    """A name: kind is 'var' (state variable), 'const' (constant) or 'local' (bound)."""
    kind: str
    name: str
    type: Type
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Op(Expr):
    """An operator or builtin applied to arguments; `attr` carries a field name or type.

    ops: not neg and or implies + - * // % == != < <= > >= in notin subset union
    inter diff if len min max append head tail index get field record tuple setlit
    seqlit put replace coerce
    """
    op: str
    args: tuple
    type: Type
    attr: Any = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Gen:
    """`for name in source`: source kind 'set' (a set value), 'seq' (items of a sequence),
    or 'range' (concrete ints lo..hi-1, optionally cut by a symbolic bound `limit`)."""
    name: str
    kind: str
    source: Any  # Expr for set/seq; (lo, hi) for range
    elem: Type
    limit: Any = None  # Expr | None: range only, i < limit


@dataclass(frozen=True)
class Comp(Expr):
    """A comprehension over finite domains: kind all | any | set | map | sum | min |
    max | choose | count. `key` is the map key expression (map only)."""
    kind: str
    gens: tuple
    cond: Expr | None
    elt: Expr | None
    type: Type
    key: Expr | None = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DefCall(Expr):
    name: str
    params: tuple
    args: tuple
    body: Expr
    type: Type
    span: Span | None = field(default=None, compare=False)


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class Action:
    name: str
    params: tuple  # ((name, Type), ...)
    guard: Expr
    updates: tuple  # ((var, Expr), ...)
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Invariant:
    name: str
    expr: Expr
    text: str
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Property:
    """A temporal property: kind 'eventually' (args (P,): P holds in some state) or
    'leads_to' (args (P, Q): whenever P holds, Q holds then or later)."""
    name: str
    kind: str
    args: tuple  # (Expr,) or (Expr, Expr): state predicates
    text: str
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Fairness:
    """Weak fairness of a group of actions (TLA+'s WF_vars): if from some point on an
    action of the group could always change the state, one such step is eventually
    taken. `each`: one constraint per parameter value of the single action named
    (TLA+'s \\A p: WF(A(p))) instead of one for the whole group."""
    actions: tuple  # action names
    each: bool
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Constant:
    """A constant: a fixed `value`, or symbolic when `domain` lists the values it may
    take (then `value` is None and every configuration is checked)."""
    name: str
    type: Type
    value: Any
    domain: tuple | None = None

    @property
    def symbolic(self) -> bool:
        return self.domain is not None


@dataclass(frozen=True)
class Model:
    """A checked claim variant, ready for the engines."""
    name: str
    family: str
    title: str
    source: str
    statement: str
    bug: str
    expect: str  # holds | violated
    depth: int
    file: str
    constants: tuple  # (Constant, ...)
    variables: tuple  # ((name, Type), ...)
    init: tuple  # ((name, Expr), ...)
    actions: tuple  # (Action, ...)
    invariants: tuple  # (Invariant, ...)
    patch_text: str = ""
    deadlock: bool = False  # a reachable state with no enabled action is a violation
    properties: tuple = ()  # (Property, ...): checked on fair lassos (liveness)
    fairness: tuple = ()  # (Fairness, ...): weak fairness assumed by the properties
    unexercised: tuple = ()  # ((action or invariant name, reason), ...): coverage gaps the claim expects
    unproved: tuple = ()  # ((invariant or property name, reason), ...): held only to the bound, on purpose

    def var_type(self, name: str) -> Type:
        for vname, vtype in self.variables:
            if vname == name:
                return vtype
        raise KeyError(name)

    def constant(self, name: str) -> Constant:
        for c in self.constants:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def symbolic(self) -> tuple:
        """The symbolic constants, in declaration order."""
        return tuple(c for c in self.constants if c.symbolic)


def configurations(model: Model) -> list[dict]:
    """Every assignment of the symbolic constants (name -> value), in domain order: the
    first constant varies slowest. A model without symbolic constants has one, {}."""
    out = [{}]
    for c in model.symbolic:
        out = [{**config, c.name: v} for config in out for v in c.domain]
    return out


def with_constants(model: Model, config: dict) -> Model:
    """The model with the named symbolic constants fixed to the given values (one
    configuration); the checked expressions are unchanged."""
    unknown = [n for n in config if n not in {c.name for c in model.symbolic}]
    if unknown:
        raise KeyError(f"{unknown[0]} is not a symbolic constant of {model.name}")
    for c in model.symbolic:
        if c.name in config and config[c.name] not in c.domain:
            raise ValueError(f"{config[c.name]!r} is not in the domain of {c.name}")
    constants = tuple(replace(c, value=config[c.name], domain=None) if c.name in config else c
                      for c in model.constants)
    return replace(model, constants=constants)

# ---------------------------------------------------------------- premises (vacuity)


def premise(e: Expr) -> Expr | None:
    """The premise of an invariant: what must be true somewhere for the invariant to
    say anything. None when the invariant has no premise form. The rules:

    - `implies(a, b)`: `a` (and the premise of `b`, if it has one);
    - `not a or b` (an `or` of negated and plain operands): the negated operands'
      conjunction (and the premise of the single plain operand, if it has one);
    - `all(body for x in S if c)`: some binding exists that satisfies `c` and the
      premise of `body`, i.e. `any(c and premise(body) for x in S)`;
    - a call of a definition: the premise of its body, with the same arguments.

    An invariant whose premise is false in every reachable state holds vacuously."""
    if isinstance(e, DefCall):
        inner = premise(e.body)
        return None if inner is None else DefCall(e.name, e.params, e.args, inner, BOOL, span=e.span)
    if isinstance(e, Op) and e.op == "implies":
        return _conj([e.args[0], premise(e.args[1])])
    if isinstance(e, Op) and e.op == "or":
        negated = [a.args[0] for a in e.args if isinstance(a, Op) and a.op == "not"]
        plain = [a for a in e.args if not (isinstance(a, Op) and a.op == "not")]
        if not negated or not plain:
            return None
        return _conj(negated + [premise(plain[0]) if len(plain) == 1 else None])
    if isinstance(e, Comp) and e.kind == "all":
        body = premise(e.elt)
        return Comp("any", e.gens, e.cond, body if body is not None else Lit(True, BOOL), BOOL, span=e.span)
    return None


def premises(model: Model) -> dict:
    """Invariant name -> its premise, for the invariants that have one."""
    out = {}
    for inv in model.invariants:
        p = premise(inv.expr)
        if p is not None:
            out[inv.name] = p
    return out


def _conj(parts: list) -> Expr | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Op("and", tuple(parts), BOOL)
