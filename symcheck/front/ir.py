"""The typed intermediate representation: frozen dataclasses for types, expressions
and checked models. Positions are carried but never compared. Knows nothing of Z3."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from collections.abc import Mapping, Sequence
from typing import Any

from symcheck.errors import Span

# ---------------------------------------------------------------- types


class Type:
    def __str__(self) -> str:  # pragma: no cover - overridden
        return type(self).__name__


@dataclass(frozen=True)
class BoolT(Type):
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True)
class IntT(Type):
    """An integer; `lo..hi` when bounded, `lo..` with only a lower bound, `int` with none
    (a clock in milliseconds: only the SMT engines, over linear integer arithmetic)."""
    lo: int | None = None
    hi: int | None = None

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def __str__(self) -> str:
        if self.bounded:
            return f"{self.lo}..{self.hi}"
        return f"{self.lo}.." if self.lo is not None else "int"


@dataclass(frozen=True)
class EnumT(Type):
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SetT(Type):
    elem: Type

    def __str__(self) -> str:
        return f"set[{self.elem}]"


@dataclass(frozen=True)
class SeqT(Type):
    elem: Type
    maxlen: int

    def __str__(self) -> str:
        return f"seq[{self.elem}, {self.maxlen}]"


@dataclass(frozen=True)
class MapT(Type):
    key: Type
    val: Type

    def __str__(self) -> str:
        return f"map[{self.key}, {self.val}]"


@dataclass(frozen=True)
class RecordT(Type):
    name: str
    fields: tuple[tuple[str, Type], ...]

    def field_type(self, name: str) -> Type | None:
        for fname, ftype in self.fields:
            if fname == name:
                return ftype
        return None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f for f, _ in self.fields)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class TupleT(Type):
    elems: tuple[Type, ...]

    def __str__(self) -> str:
        return "tuple[" + ", ".join(map(str, self.elems)) + "]"


@dataclass(frozen=True)
class StrT(Type):
    """A string (Z3's theory of strings): unbounded unless `maxlen` is given; `alphabet`,
    when given, is the set of characters it may contain."""
    maxlen: int | None = None
    alphabet: str | None = None

    def __str__(self) -> str:
        opts = [str(self.maxlen)] if self.maxlen is not None else []
        if self.alphabet is not None:
            opts.append(repr(self.alphabet))
        return "str" + (f"[{', '.join(opts)}]" if opts else "")


@dataclass(frozen=True)
class SortT(Type):
    """A sort of unspecified size: a finite set of any size whose members have no names
    (an uninterpreted sort in Z3; a proof over it holds for every size)."""
    name: str

    def __str__(self) -> str:
        return self.name


BOOL = BoolT()
INT = IntT()
STR = StrT()


class Feature(enum.Enum):
    """What a claim needs of an engine beyond finite types. Each engine declares the
    features it supports (`SUPPORTS`); the orchestrator hands a claim only to engines
    that support all of its features, and says why it skipped the others."""
    STRINGS = "strings"  # a `str` variable, constant or parameter
    UNBOUNDED_INT = "unbounded integers"  # an `int` without a range
    SORTS = "sorts of unspecified size"  # a `{sort: S}` constant and what ranges over it

    def __str__(self) -> str:
        return self.value


def type_features(t: Type) -> frozenset[Feature]:
    """The features a value of type `t` needs (through sets, sequences, maps, records)."""
    if isinstance(t, StrT):
        return frozenset({Feature.STRINGS})
    if isinstance(t, SortT):
        return frozenset({Feature.SORTS})
    if isinstance(t, IntT):
        return frozenset() if t.bounded else frozenset({Feature.UNBOUNDED_INT})
    if isinstance(t, (SetT, SeqT)):
        return type_features(t.elem)
    if isinstance(t, MapT):
        return type_features(t.key) | type_features(t.val)
    if isinstance(t, RecordT):
        return frozenset().union(*(type_features(ft) for _, ft in t.fields))
    if isinstance(t, TupleT):
        return frozenset().union(*(type_features(et) for et in t.elems))
    return frozenset()

# ---------------------------------------------------------------- expressions


class Expr:
    """An expression of the IR; every kind is a frozen dataclass with its `type`. (Not a
    dataclass itself: the annotations declare the attributes without adding fields.)"""
    type: Type
    span: Span | None


@dataclass(frozen=True)
class Lit(Expr):
    """A concrete value (see values.py for the representation of each type)."""
    value: Any
    type: Type
    span: Span | None = field(default=None, compare=False)


class RefKind(enum.Enum):
    """What a name refers to."""
    VAR = "var"  # a state variable
    CONST = "const"  # a constant
    LOCAL = "local"  # a bound name (generator, action parameter, definition parameter)
    NEXT = "next"  # a state variable's value after the step (`x'`, in a step invariant)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Ref(Expr):
    """A name: a state variable, a constant or a bound local (`kind`)."""
    kind: RefKind
    name: str
    type: Type
    span: Span | None = field(default=None, compare=False)

    def value_in(self, state: Mapping[str, Any], env: Mapping[str, Any], consts: Mapping[str, Any]) -> Any:
        """What the name stands for: a bound local, a state variable or a constant (the
        mappings hold concrete or symbolic values alike)."""
        if self.kind is RefKind.LOCAL:
            return env[self.name]
        if self.kind is RefKind.VAR:
            return state[self.name]
        if self.kind is RefKind.NEXT:  # a step's two states in one mapping: `x` before, `x'` after
            return state[self.name + "'"]
        return consts[self.name]


class Opcode(enum.Enum):
    """What an `Op` node does. The value is the operator's spelling in claims (or a
    short name where it has none); every stage dispatches on the member through a
    table keyed by opcode, and a test checks each table covers them all."""
    # Boolean connectives (and, or, implies and if are lazy: later operands are
    # evaluated only where the earlier ones leave the result open)
    NOT = "not"
    AND = "and"
    OR = "or"
    IMPLIES = "implies"
    IF = "if"
    # integer arithmetic
    NEGATE = "neg"
    ADD = "+"
    SUBTRACT = "-"
    MULTIPLY = "*"
    FLOOR_DIVIDE = "//"
    MODULO = "%"
    MIN = "min"  # of two or more integers
    MAX = "max"
    # comparisons
    EQUAL = "=="
    NOT_EQUAL = "!="
    LESS = "<"
    LESS_EQUAL = "<="
    GREATER = ">"
    GREATER_EQUAL = ">="
    # sets and sequences
    MEMBER = "in"
    SUBSET = "subset"
    UNION = "union"
    INTERSECTION = "inter"
    DIFFERENCE = "diff"
    LENGTH = "len"
    SET_MIN = "minset"  # the least element of a set of integers
    SET_MAX = "maxset"
    APPEND = "append"
    SEQ_CONCAT = "s + t"  # two sequences, one after the other
    SLICE = "s[i:j]"  # items i .. j - 1 (0 <= i <= j <= len(s), else ill formed)
    REMOVE = "remove"  # remove(s, i): without item i (0 <= i < len(s))
    HEAD = "head"
    TAIL = "tail"
    INDEX = "index"  # of a sequence or (by a literal) a tuple
    # maps and records
    MAP_GET = "get"
    MAP_PUT = "put"
    FIELD = "field"  # attr: the field name
    REPLACE_FIELDS = "replace"  # attr: the field names, in the order of args[1:]
    # building values
    RECORD = "record"
    TUPLE = "tuple"
    SET_LITERAL = "setlit"
    SEQ_LITERAL = "seqlit"
    COERCE = "coerce"  # change representation to `type` (widen or narrow ranges, resize)
    # strings (symcheck/front/strings.py has their rules and Python meaning)
    CONCAT = "concat"  # a + b
    LOWER = "lower"  # s.lower(): the character map front.strings.LOWER
    STRIP = "strip"  # s.strip(): JavaScript's trim() whitespace, both ends
    STARTS_WITH = "startswith"
    ENDS_WITH = "endswith"
    CONTAINS = "contains"  # t in s (substring)
    STR_LENGTH = "strlen"  # len(s)
    STR_REPLACE = "str.replace"  # s.replace(a, b): every occurrence, left to right
    BEFORE = "before"  # s.before(d): s.partition(d)[0]
    AFTER = "after"  # s.after(d): s.partition(d)[2]


@dataclass(frozen=True)
class Op(Expr):
    """An operator or builtin applied to arguments; `attr` carries a field name or names."""
    op: Opcode
    args: tuple[Expr, ...]
    type: Type
    attr: Any = None
    span: Span | None = field(default=None, compare=False)


class GenKind(enum.Enum):
    """What a generator ranges over."""
    SET = "set"  # the elements of a set value, in domain order
    SEQ = "seq"  # the items of a sequence, in order
    RANGE = "range"  # concrete integers lo..hi-1, optionally cut by a symbolic bound `limit`

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Gen:
    """`for name in source`: over a set, a sequence's items or a range (`kind`)."""
    name: str
    kind: GenKind
    source: Any  # Expr for set/seq; (lo, hi) for range
    elem: Type
    limit: Any = None  # Expr | None: range only, i < limit


class CompKind(enum.Enum):
    """What a comprehension computes from its bindings; the value is its spelling in claims."""
    ALL = "all"  # every selected binding makes `elt` true
    ANY = "any"  # some selected binding does
    SUM = "sum"  # the sum of `elt` over the selected bindings
    MIN = "min"  # the least `elt` (no binding: an ill-formed operation)
    MAX = "max"
    CHOOSE = "choose"  # `elt` at the first selected binding, in domain order
    SET = "set"  # the set of `elt` over the selected bindings
    MAP = "map"  # key -> `elt` for every binding of the one generator
    SEQ = "list"  # the sequence of `elt` over the selected bindings, in binding order

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Comp(Expr):
    """A comprehension over finite domains (`kind`). `key` is the map key expression
    (map only)."""
    kind: CompKind
    gens: tuple[Gen, ...]
    cond: Expr | None
    elt: Expr
    type: Type
    key: Expr | None = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DefCall(Expr):
    name: str
    params: tuple[str, ...]
    args: tuple[Expr, ...]
    body: Expr
    type: Type
    span: Span | None = field(default=None, compare=False)


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class Action:
    name: str
    params: tuple[tuple[str, Type], ...]
    guard: Expr
    updates: tuple[tuple[str, Expr], ...]
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
    args: tuple[Expr, ...]  # (P,) or (P, Q): state predicates
    text: str
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Fairness:
    """Weak fairness of a group of actions (TLA+'s WF_vars): if from some point on an
    action of the group could always change the state, one such step is eventually
    taken. `each`: one constraint per parameter value of the single action named
    (TLA+'s \\A p: WF(A(p))) instead of one for the whole group. `strong` (TLA+'s
    SF_vars): if the group can change the state infinitely often, such a step is taken
    infinitely often. `params`: only the instances with these parameter values (TLA+'s
    WF(A(p0))), one constraint per value of the other parameters."""
    actions: tuple[str, ...]  # action names
    each: bool
    span: Span | None = field(default=None, compare=False)
    strong: bool = False
    params: tuple[tuple[str, Any], ...] = ()  # (parameter, value): the chosen instances


@dataclass(frozen=True)
class Constant:
    """A constant: a fixed `value`, or symbolic when `domain` lists the values it may
    take (then `value` is None and every configuration is checked)."""
    name: str
    type: Type
    value: Any
    domain: tuple[Any, ...] | None = None

    @property
    def symbolic(self) -> bool:
        return self.domain is not None

    @property
    def free(self) -> bool:
        """Any value of its type (`{domain: "1.."}`, `{sort: S}`'s universe): a proof
        holds for every value; only the SMT engines take it."""
        return self.value is None and self.domain is None


@dataclass(frozen=True)
class ConstantOverride:
    """A constant whose value was given from outside the claim (`--set`, `--constants`,
    the API's `overrides=`): its new value, how it was given, and what it replaced."""
    constant: Constant  # as overridden
    origin: str  # `--set TTL=2`, `--constants FILE`, `overrides['TTL']`
    replaces: str  # "claim" (the green claim's value) or "variant" (a variant's patch or addition)


@dataclass(frozen=True)
class Finding:
    """A red variant that is a finding in OpenClaw: `confirmed` on `package` (by the
    `reproducer` that `make conformance` runs), a matter of `intent`, or `open`; and the
    configuration that avoids it."""
    status: str  # confirmed | intent | open
    package: str = ""
    reproducer: str = ""
    avoided_by: str = ""
    summary: str = ""


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
    constants: tuple[Constant, ...]
    variables: tuple[tuple[str, Type], ...]
    init: tuple[tuple[str, Expr], ...]  # the variables with one initial value
    actions: tuple[Action, ...]
    invariants: tuple[Invariant, ...]
    patch_text: str = ""
    deadlock: bool = False  # a reachable state with no enabled action is a violation
    deadlock_stated: bool = False  # the claim says `deadlock:` (else a proof warns of a reachable deadlock)
    properties: tuple[Property, ...] = ()  # checked on fair lassos (liveness)
    fairness: tuple[Fairness, ...] = ()  # weak fairness assumed by the properties
    unexercised: tuple[tuple[str, str], ...] = ()  # (action or invariant, reason): coverage gaps expected
    unproved: tuple[tuple[str, str], ...] = ()  # (invariant or property, reason): bounded on purpose
    overrides: tuple[ConstantOverride, ...] = ()  # constants given from outside the claim
    lemmas: tuple[Invariant, ...] = ()  # hand-written lemmas (`lemmas:`): each re-proved, then used by the proof
    policy: tuple[str, ...] = ()  # the security-case areas it argues (front.metadata)
    assumptions: tuple[tuple[str, str], ...] = ()  # (id, sentence): what it rests on
    finding: Finding | None = None  # a red variant that is a finding in OpenClaw
    init_any: tuple[tuple[str, Expr], ...] = ()  # (variable, set): it starts at any member (`any(S)`)
    init_where: Expr | None = None  # `init: {where: P}`: only the initial states where P holds
    step_invariants: tuple[Invariant, ...] = ()  # over x and x': every step that changes the state satisfies it
    constraints: tuple[Invariant, ...] = ()  # TLC's CONSTRAINT: a state breaking one is checked, not explored
    assumes: tuple[Invariant, ...] = ()  # TLC's ASSUME: predicates over the constants, checked before any search

    @property
    def nondeterministic_init(self) -> bool:
        """Several initial states may exist (TLA+'s `x \\in S` in Init, or a filter)."""
        return bool(self.init_any) or self.init_where is not None

    def initial_constraint(self) -> Expr | None:
        """What the chosen initial values satisfy, as one state predicate: each chosen
        variable is in its set, and `where` holds (None when the initial state is fixed)."""
        parts: list[Expr] = [Op(Opcode.MEMBER, (Ref(RefKind.VAR, n, self.var_type(n)), s), BOOL, span=s.span)
                             for n, s in self.init_any]
        if self.init_where is not None:
            parts.append(self.init_where)
        return _conj(parts)

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
    def features(self) -> frozenset[Feature]:
        """What this claim needs beyond finite types: from the types of its state
        variables, constants and action parameters."""
        types = [t for _, t in self.variables] + [c.type for c in self.constants]
        types += [t for a in self.actions for _, t in a.params]
        return frozenset().union(*(type_features(t) for t in types))

    @property
    def symbolic(self) -> tuple[Constant, ...]:
        """The symbolic constants, in declaration order."""
        return tuple(c for c in self.constants if c.symbolic)


def configurations(model: Model) -> list[dict[str, Any]]:
    """Every assignment of the symbolic constants (name -> value), in domain order: the
    first constant varies slowest. A model without symbolic constants has one, {}."""
    out: list[dict[str, Any]] = [{}]
    for c in model.symbolic:
        out = [{**config, c.name: v} for config in out for v in c.domain or ()]
    return out


def with_constants(model: Model, config: dict[str, Any]) -> Model:
    """The model with the named symbolic constants fixed to the given values (one
    configuration); the checked expressions are unchanged."""
    unknown = [n for n in config if n not in {c.name for c in model.constants if c.symbolic or c.free}]
    if unknown:
        raise KeyError(f"{unknown[0]} is not a symbolic constant of {model.name}")
    for c in model.symbolic:
        if c.name in config and config[c.name] not in (c.domain or ()):
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
    if isinstance(e, Op) and e.op is Opcode.IMPLIES:
        return _conj([e.args[0], premise(e.args[1])])
    if isinstance(e, Op) and e.op is Opcode.OR:
        negated = [a.args[0] for a in e.args if isinstance(a, Op) and a.op is Opcode.NOT]
        plain = [a for a in e.args if not (isinstance(a, Op) and a.op is Opcode.NOT)]
        if not negated or not plain:
            return None
        return _conj([*negated, premise(plain[0]) if len(plain) == 1 else None])
    if isinstance(e, Comp) and e.kind is CompKind.ALL and e.elt is not None:
        body = premise(e.elt)
        return Comp(CompKind.ANY, e.gens, e.cond, body if body is not None else Lit(True, BOOL), BOOL, span=e.span)
    return None


def premises(model: Model) -> dict[str, Expr]:
    """Invariant name -> its premise, for the invariants that have one."""
    out: dict[str, Expr] = {}
    for inv in model.invariants:
        p = premise(inv.expr)
        if p is not None:
            out[inv.name] = p
    return out


def _conj(parts: Sequence[Expr | None]) -> Expr | None:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else Op(Opcode.AND, tuple(present), BOOL)
