"""The IR as Python source for the explicit-state engine (`engines/compiled.py` checks
and compiles it): one function for every successor of a state, one for the first
violation of a state, one for coverage's premises (`compiled` adds the initial states
and the step invariants' check).

The generated text never contains text from a claim: state variables, parameters and
bound names become generated identifiers (`v0`, `p1`, `b2`), symbolic constants `S0`,
integers and booleans are written as numbers, and every other value (enum members,
sets, records, locations) is a reference to a pool of values (`K3`). The claim
language's expressions were parsed and type-checked by the front end; this module only
walks the IR.

States are tuples of values in the order of `model.variables`, with the value
representation of `front.values`. The semantics follow the IR's (and the independent
evaluator's, which this module must not share code with): `and`, `or`, `implies` and
`if` are lazy, other operators evaluate every operand in order, and an ill-formed
operation raises ModelError. Operators are written by `OPERATORS`, one rule per opcode."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symcheck.front.strings import PYTHON as STRING_OPERATIONS
from symcheck.engines.runtime import HELPERS, coercer, holds_sets, member_test, within
from symcheck.front.ir import (BOOL, Comp, CompKind, DefCall, Expr, Gen, GenKind, IntT, Lit, MapT, Model, Op, Opcode,
                               RecordT, Ref, RefKind, SeqT, SetT, TupleT, Type, premises)
from symcheck.front.values import contains, domain

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
        if isinstance(e, Lit) or (isinstance(e, Ref) and e.kind is RefKind.CONST):
            values = [e.value] if isinstance(e, Lit) else self.constant_values(e.name)
            if isinstance(e.type, IntT) and all(type(v) is int for v in values):
                return IntT(min(values), max(values))  # an integer literal's type is any int
            return e.type if all(contains(e.type, v) for v in values) else None
        if isinstance(e, Ref):
            if e.kind is RefKind.LOCAL:
                return env[e.name].known
            if e.kind is RefKind.NEXT:
                return None  # the state after a step may have left its type
            return self.model.var_type(e.name)
        if isinstance(e, DefCall):
            return self.known(e.body, self.def_env(e, env, texts=None))
        if isinstance(e, Comp):
            if e.kind in (CompKind.ALL, CompKind.ANY):
                return BOOL
            if e.kind is CompKind.SET:
                return e.type
            inner = self.bind(e.gens, env)
            if e.kind is CompKind.MAP:
                return e.type if self.fits(e.elt, e.type.val, inner) else None  # type: ignore[attr-defined]
            if e.kind is CompKind.CHOOSE:
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
            if e.kind in (CompKind.MIN, CompKind.MAX, CompKind.CHOOSE) or (
                    e.kind is CompKind.SET and not self.fits(e.elt, e.type.elem, inner)):  # type: ignore[attr-defined]
                return True
            sources = [g.source if g.kind is not GenKind.RANGE else g.limit for g in e.gens]
            return any(self.may_raise(x, inner) for x in [e.cond, e.elt, *sources])
        if not isinstance(e, Op):
            return True
        o = e.op
        if o in (Opcode.FLOOR_DIVIDE, Opcode.MODULO, Opcode.SET_MIN, Opcode.SET_MAX, Opcode.HEAD, Opcode.TAIL,
                 Opcode.MAP_PUT, Opcode.SLICE, Opcode.REMOVE):
            return True
        if o is Opcode.INDEX and not (isinstance(e.args[0].type, TupleT) and isinstance(e.args[1], Lit)):
            return True
        if o is Opcode.MAP_GET and not self.safe_lookup(e, env):
            return True
        if o is Opcode.SET_LITERAL and not all(self.fits(x, e.type.elem, env) for x in e.args):  # type: ignore
            return True
        if o is Opcode.COERCE and holds_sets(e.type):
            return True
        return any(self.may_raise(a, env) for a in e.args)

    def bind(self, gens: tuple[Gen, ...], env: Env, texts: list[str] | None = None) -> Env:
        """The environment inside a comprehension's generators (with the names' texts
        when generating code)."""
        inner = dict(env)
        for i, g in enumerate(gens):
            if g.kind is GenKind.RANGE:
                elem: Type | None = g.elem
            else:
                k = self.known(g.source, inner)
                elem = k.elem if isinstance(k, (SetT, SeqT)) else g.elem if g.kind is GenKind.SET else None
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
            if e.kind is RefKind.LOCAL:
                return env[e.name].text
            if e.kind is RefKind.VAR:
                return f"v{self.var_slot[e.name]}"
            if e.kind is RefKind.NEXT:  # in step_check: the state after the step
                return f"w{self.var_slot[e.name]}"
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
        """Every operand in order, then the operator's rule (`OPERATORS`)."""
        return OPERATORS[e.op](self, e, [self.expr(x, env) for x in e.args], self.span(e), env)

    def checked_set(self, elems: str, elem: Type, sp: str) -> str:
        ok = self.pool(member_test(elem), "test")
        what = self.pool(str(elem), "text")
        return f"_checked_set({elems}, {ok}, {what}, {sp})"

    def comp(self, e: Comp, env: Env) -> str:
        names = [self.name("b") for _ in e.gens]
        inner = self.bind(e.gens, env, names)
        ordered = e.kind in (CompKind.CHOOSE, CompKind.MAP, CompKind.SEQ) or (e.kind in (CompKind.ALL, CompKind.ANY) and any(
            self.may_raise(x, inner) for x in [e.cond, e.elt, *(
                g.source if g.kind is not GenKind.RANGE else g.limit for g in e.gens[1:])]))
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
        if k is CompKind.MAP:
            return f"tuple(({names[0]}, {self.expr(e.elt, inner)}) {loops})"
        elt = self.expr(e.elt, inner)
        if k in (CompKind.ALL, CompKind.ANY, CompKind.SUM):
            return f"{k.value}({elt} {loops})"
        if k is CompKind.MIN:
            return f"_least(({elt} {loops}), {sp})"
        if k is CompKind.MAX:
            return f"_greatest(({elt} {loops}), {sp})"
        if k is CompKind.CHOOSE:
            return f"_choose(({elt} {loops}), {sp})"
        if k is CompKind.SEQ:
            return f"tuple({elt} {loops})"
        if k is CompKind.SET:
            elem = e.type.elem  # type: ignore[attr-defined]
            if self.fits(e.elt, elem, inner):
                return f"frozenset({elt} {loops})"
            return self.checked_set(f"({elt} {loops})", elem, sp)
        raise TypeError(f"unhandled comprehension {k!r}")

    def gen_source(self, g: Gen, env: Env, ordered: bool) -> str:
        """A set is met in its element type's domain order where that matters, and only
        its elements in that domain are met (always all of them, for a set of known
        type); a set that is a constant is put in order once, here."""
        if g.kind is GenKind.SET:
            source = self.expr(g.source, env)
            rank = {v: i for i, v in enumerate(domain(g.elem))}
            if isinstance(g.source, Lit) or (isinstance(g.source, Ref) and g.source.kind is RefKind.CONST
                                             and g.source.name not in self.symbolic):
                value = g.source.value if isinstance(g.source, Lit) else self.fixed[g.source.name]
                return self.pool(tuple(sorted((x for x in value if x in rank), key=rank.__getitem__)), "ordered")
            if not ordered and self.fits(g.source, SetT(g.elem), env):
                return source
            return f"_in_order({source}, {self.pool(rank, 'rank')})"
        if g.kind is GenKind.SEQ:
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
        if self.model.constraints:  # TLC's CONSTRAINT: a state beyond it is checked, not explored
            within = " and ".join(f"({self.expr(c.expr, {})})" for c in self.model.constraints)
            lines += ["    try:", f"        if not {within}:", "            return None", "    except ModelError:",
                      "        return None"]
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
            lines.append(f"{body}out.append((i, ({state})))")
            if self.model.step_invariants:  # the step just appended breaks one: report it after any ill-formed step
                known, k = self.pool(tuple(inv.name for inv in self.model.step_invariants), "names"), self.name("u")
                lines += [f"{body}{k} = step_check(s, out[-1][1])", f"{body}if {k} >= 0:",
                          f"{body}    error = _earlier(error, (i, StepViolation({known}[{k}], {k} + 1, out[-1][1])))"]
            lines += [f"{pad}except ModelError as exc:",
                      f"{pad}    error = _earlier(error, (i, exc))"]
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

    def residual_check(self, var: str, t: Type) -> str:
        """What a new state must test of `var`: "none" when every assignment to it
        (initial and by every action) lies in its type by construction, "length" when
        only appending may overflow a sequence, else "full"."""
        assigned: list[tuple[Expr, Env]] = [(e, {}) for name, e in self.model.init if name == var]
        if any(name == var for name, _ in self.model.init_any):
            return "full"  # a chosen initial value: tested like any other
        for action in self.model.actions:
            env = {p: Local("", pt) for p, pt in action.params}
            assigned += [(e, env) for name, e in action.updates if name == var]
        worst = "none"
        for e, env in assigned:
            while isinstance(e, Op) and e.op is Opcode.COERCE and not holds_sets(e.type):
                e = e.args[0]  # a change of representation that checks nothing
            if self.fits(e, t, env):
                continue
            if isinstance(e, Op) and e.op is Opcode.APPEND and isinstance(t, SeqT) and \
                    self.fits(e.args[0], SeqT(t.elem, UNLIMITED), env) and self.fits(e.args[1], t.elem, env):
                worst = "length"
                continue
            return "full"
        return worst


def _state_reads(e: Any) -> set[str]:
    """The state variables an expression reads (through definitions too)."""
    if isinstance(e, Ref):
        return {e.name} if e.kind is RefKind.VAR else set()
    if isinstance(e, Op):
        return set().union(*(_state_reads(a) for a in e.args))
    if isinstance(e, DefCall):
        return _state_reads(e.body).union(*(_state_reads(a) for a in e.args))
    if isinstance(e, Comp):
        out = _state_reads(e.cond) | _state_reads(e.elt) | _state_reads(e.key)
        for g in e.gens:
            out |= _state_reads(g.source) if g.kind is not GenKind.RANGE else _state_reads(g.limit)
        return out
    return set()


def _reads(e: Any) -> set[str]:
    """The local names an expression reads (a definition's body reads only its own)."""
    if isinstance(e, Ref):
        return {e.name} if e.kind is RefKind.LOCAL else set()
    if isinstance(e, Op):
        return set().union(*(_reads(a) for a in e.args))
    if isinstance(e, DefCall):
        return set().union(*(_reads(a) for a in e.args))
    if isinstance(e, Comp):
        out = _reads(e.cond) | _reads(e.elt) | _reads(e.key)
        for g in e.gens:
            out |= _reads(g.source) if g.kind is not GenKind.RANGE else _reads(g.limit)
        return out - {g.name for g in e.gens}
    return set()


# ---------------------------------------------------------------- operators
# One rule per opcode (tests/test_opcodes.py checks the table covers them all): the
# compiler, the node, its operands' texts (evaluated in order), its location's text and
# the environment give the operator's Python text.
Rule = Callable[[Compiler, Op, list[str], str, Env], str]


def _infix(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    return f"({a[0]} {INFIX[e.op]} {a[1]})"


def _infix_plus(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    return f"({a[0]} + {a[1]})"


def _call(helper: str, with_span: bool = True) -> Rule:
    """A call of a runtime helper (or a builtin) on the operands (and the location)."""
    return lambda c, e, a, sp, env: f"{helper}({', '.join([*a, sp] if with_span else a)})"


def _index(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    first, index = e.args
    if isinstance(first.type, TupleT) and isinstance(index, Lit):
        return f"{a[0]}[{int(index.value)}]"
    return f"_index({a[0]}, {a[1]}, {sp})"


def _map_get(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    key_type = e.args[0].type.key  # type: ignore[attr-defined]
    slots = c.pool({k: i for i, k in enumerate(domain(key_type))}, "slots")
    if c.safe_lookup(e, env):
        return f"{a[0]}[{slots}[{a[1]}]][1]"
    return f"_map_get({a[0]}, {a[1]}, {slots}, {sp})"


def _map_put(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    if c.safe_lookup(e, env):
        slots = c.pool({k: i for i, k in enumerate(domain(e.type.key))}, "slots")  # type: ignore[attr-defined]
        return f"_map_set({a[0]}, {slots}[{a[1]}], {a[2]})"
    return f"_map_put({a[0]}, {a[1]}, {a[2]}, {sp})"


def _field(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    return f"{a[0]}[{e.args[0].type.field_names.index(e.attr)}]"  # type: ignore[attr-defined]


def _replace_fields(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    names = e.args[0].type.field_names  # type: ignore[attr-defined]
    if len(e.attr) == 1:
        return f"_replace_one({a[0]}, {names.index(e.attr[0])}, {a[1]})"
    slots = repr(tuple(names.index(f) for f in e.attr))
    return f"_replace({a[0]}, {slots}, ({''.join(x + ', ' for x in a[1:])}))"


def _tuple(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    return "(" + "".join(x + ", " for x in a) + ")"


def _set_literal(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    elems = "(" + "".join(x + ", " for x in a) + ")"
    elem = e.type.elem  # type: ignore[attr-defined]
    if all(c.fits(x, elem, env) for x in e.args):
        return f"frozenset({elems})"
    return c.checked_set(elems, elem, sp)


def _coerce(c: Compiler, e: Op, a: list[str], sp: str, env: Env) -> str:
    if not holds_sets(e.type):
        return a[0]
    return f"{c.pool(coercer(e.type, e.span), 'coerce')}({a[0]})"


def _string_call(c: Any, e: Op, a: list[str], sp: str, env: Env) -> str:
    """A string operation: the meaning front.strings gives it, as a pooled function."""
    return f"{c.pool(STRING_OPERATIONS[e.op], 'string')}({', '.join(a)})"

OPERATORS: dict[Opcode, Rule] = {
    Opcode.NOT: lambda c, e, a, sp, env: f"(not {a[0]})",
    Opcode.AND: lambda c, e, a, sp, env: "(" + " and ".join(a) + ")",
    Opcode.OR: lambda c, e, a, sp, env: "(" + " or ".join(a) + ")",
    Opcode.IMPLIES: lambda c, e, a, sp, env: f"(not {a[0]} or {a[1]})",
    Opcode.IF: lambda c, e, a, sp, env: f"({a[1]} if {a[0]} else {a[2]})",
    Opcode.NEGATE: lambda c, e, a, sp, env: f"(-{a[0]})",
    **dict.fromkeys(INFIX, _infix),
    Opcode.FLOOR_DIVIDE: _call("_divide"),
    Opcode.MODULO: _call("_modulo"),
    Opcode.MIN: _call("min", with_span=False),
    Opcode.MAX: _call("max", with_span=False),
    Opcode.LENGTH: _call("len", with_span=False),
    Opcode.SET_MIN: _call("_set_min"),
    Opcode.SET_MAX: _call("_set_max"),
    Opcode.APPEND: lambda c, e, a, sp, env: f"({a[0]} + ({a[1]},))",
    Opcode.HEAD: _call("_head"),
    Opcode.SEQ_CONCAT: _infix_plus,
    Opcode.SLICE: _call("_slice"),
    Opcode.REMOVE: _call("_remove"),
    Opcode.TAIL: _call("_tail"),
    Opcode.INDEX: _index,
    Opcode.MAP_GET: _map_get,
    Opcode.MAP_PUT: _map_put,
    Opcode.FIELD: _field,
    Opcode.REPLACE_FIELDS: _replace_fields,
    Opcode.RECORD: _tuple,
    Opcode.TUPLE: _tuple,
    Opcode.SEQ_LITERAL: _tuple,
    Opcode.SET_LITERAL: _set_literal,
    Opcode.COERCE: _coerce,
    # strings: the meaning front.strings gives each operation, as a pooled function
    **dict.fromkeys(STRING_OPERATIONS, _string_call),
}
