"""Expression checking: the type rules of the claim language's operators (names,
literals, arithmetic, comparisons, sets, sequences, records), from Python syntax trees
to typed IR expressions. Calls and comprehensions are in `front.calls`."""
from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any, NoReturn

from symcheck.errors import InputError, suggest
from symcheck.front.declarations import MAX_SEQ, Declarations
from symcheck.front.ir import (BOOL, INT, STR, Comp, CompKind, DefCall, GenKind, EnumT, Expr, IntT, Lit, MapT, Op,
                               Opcode, RecordT, Ref, RefKind,
                               SeqT, StrT,
                               SetT, TupleT, Type)
from symcheck.front.source import PRIME, Located

_COMPARISONS = {ast.Eq: Opcode.EQUAL, ast.NotEq: Opcode.NOT_EQUAL, ast.Lt: Opcode.LESS, ast.LtE: Opcode.LESS_EQUAL,
                ast.Gt: Opcode.GREATER, ast.GtE: Opcode.GREATER_EQUAL}
# binary operators as the claim writes them, for messages ("operator + does not apply ...")
OPERATOR_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
                    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
                    ast.BitAnd: "&", ast.MatMult: "@"}


class NeedsType(InputError):
    """An expression whose type depends on its context (`{}`, `[]`, an ambiguous name)."""


def unify(a: Type, b: Type) -> Type | None:
    """The common type of two values compared or merged, or None when incompatible."""
    if a == b:
        return a
    if isinstance(a, IntT) and isinstance(b, IntT):
        if a.bounded and b.bounded:
            return IntT(min(a.lo, b.lo), max(a.hi, b.hi))
        return INT
    if isinstance(a, SetT) and isinstance(b, SetT):
        e = unify(a.elem, b.elem)
        return SetT(e) if e else None
    if isinstance(a, SeqT) and isinstance(b, SeqT):
        e = unify(a.elem, b.elem)
        return SeqT(e, max(a.maxlen, b.maxlen)) if e else None
    if isinstance(a, MapT) and isinstance(b, MapT) and a.key == b.key:
        v = unify(a.val, b.val)
        return MapT(a.key, v) if v else None
    if isinstance(a, TupleT) and isinstance(b, TupleT) and len(a.elems) == len(b.elems):
        es = [unify(x, y) for x, y in zip(a.elems, b.elems, strict=False)]
        return None if None in es else TupleT(tuple(es))
    if isinstance(a, RecordT) and isinstance(b, RecordT) and a.name == b.name:
        return a
    if isinstance(a, StrT) and isinstance(b, StrT):
        return STR
    return None


def assignable(src: Type, dst: Type) -> bool:
    """Can a value of type src be stored where dst is expected (ranges checked at run time)?"""
    if isinstance(src, IntT) and isinstance(dst, IntT):
        return True
    if isinstance(src, SetT) and isinstance(dst, SetT):
        return assignable(src.elem, dst.elem)
    if isinstance(src, SeqT) and isinstance(dst, SeqT):
        return assignable(src.elem, dst.elem)
    if isinstance(src, MapT) and isinstance(dst, MapT):
        return src.key == dst.key and assignable(src.val, dst.val)
    if isinstance(src, TupleT) and isinstance(dst, TupleT):
        return len(src.elems) == len(dst.elems) and all(assignable(a, b)
                                                        for a, b in zip(src.elems, dst.elems, strict=False))
    if isinstance(src, RecordT) and isinstance(dst, RecordT):
        return src.name == dst.name
    if isinstance(src, StrT) and isinstance(dst, StrT):  # length and alphabet checked at run time
        return True
    return src == dst


def after_step(e: Any) -> Any:
    """e read in the state after a step: each state variable `x` becomes `x'` (through
    definitions' bodies, comprehensions and generators)."""
    if isinstance(e, Ref):
        return replace(e, kind=RefKind.NEXT) if e.kind is RefKind.VAR else e
    if isinstance(e, Op):
        return replace(e, args=tuple(after_step(a) for a in e.args))
    if isinstance(e, DefCall):
        return replace(e, args=tuple(after_step(a) for a in e.args), body=after_step(e.body))
    if isinstance(e, Comp):
        gens = tuple(replace(g, source=g.source if g.kind is GenKind.RANGE else after_step(g.source),
                             limit=after_step(g.limit)) for g in e.gens)
        return replace(e, gens=gens, cond=after_step(e.cond), elt=after_step(e.elt), key=after_step(e.key))
    return e


def coerce(e: Expr, dst: Type) -> Expr:
    return e if e.type == dst else Op(Opcode.COERCE, (e,), dst, span=e.span)


class Scope:
    """What names mean while checking one expression."""

    def __init__(self, checker: Expressions, loc: Located, locals_: dict, state: bool, what: str,
                 step: bool = False):
        self.c = checker
        self.loc = loc
        self.locals = locals_
        self.state = state
        self.what = what
        self.step = step  # a step invariant: `x'` is the variable's value after the step

    def with_locals(self, extra: dict) -> Scope:
        return Scope(self.c, self.loc, {**self.locals, **extra}, self.state, self.what, self.step)


class Expressions(Declarations):
    """The expression checker: `check` against an expected type, `infer` a type; one
    `infer_<Node>` method per kind of syntax node."""

    def err(self, scope: Scope, node: ast.AST, msg: str, hint: str | None = None,
            cls: type[InputError] = InputError) -> NoReturn:
        raise cls(scope.loc.span_of(node), msg, hint)

    def check(self, node: ast.AST, expected: Type, scope: Scope) -> Expr:
        """Check node against an expected type (this is where `{}`, `[]` and enum
        literals get their type)."""
        sp = scope.loc.span_of(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and isinstance(expected, EnumT):
            if node.value not in expected.members:
                self.err(scope, node, f"{node.value!r} is not a member of {expected.name}",
                         suggest(node.value, expected.members))
            return Lit(node.value, expected, sp)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and isinstance(expected, StrT):
            return Lit(node.value, STR, sp)
        if isinstance(node, ast.Name) and isinstance(expected, EnumT) and node.id in expected.members \
                and not self._is_bound_name(node.id, scope):
            return Lit(node.id, expected, sp)
        if isinstance(node, ast.Dict) and not node.keys and isinstance(expected, SetT):
            return Lit(frozenset(), expected, sp)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set" \
                and not node.args and isinstance(expected, SetT):
            return Lit(frozenset(), expected, sp)
        if isinstance(node, ast.List) and isinstance(expected, SeqT):
            items = tuple(self.check(n, expected.elem, scope) for n in node.elts)
            return Op(Opcode.SEQ_LITERAL, tuple(coerce(i, expected.elem) for i in items),
                      SeqT(expected.elem, max(len(items), expected.maxlen)), span=sp)
        if isinstance(node, ast.Set) and isinstance(expected, SetT):
            items = tuple(coerce(self.check(n, expected.elem, scope), expected.elem) for n in node.elts)
            return Op(Opcode.SET_LITERAL, items, expected, span=sp)
        if isinstance(node, ast.Tuple) and isinstance(expected, TupleT) and len(node.elts) == len(expected.elems):
            items = tuple(coerce(self.check(n, t, scope), t) for n, t in zip(node.elts, expected.elems, strict=False))
            return Op(Opcode.TUPLE, items, expected, span=sp)
        if isinstance(node, ast.IfExp):
            cond = self.check(node.test, BOOL, scope)
            a = self.check(node.body, expected, scope)
            b = self.check(node.orelse, expected, scope)
            t = unify(a.type, b.type)
            if t is None:
                self.err(scope, node, f"the branches have different types: {a.type} and {b.type}")
            return Op(Opcode.IF, (cond, coerce(a, t), coerce(b, t)), t, span=sp)
        if isinstance(node, ast.ListComp) and isinstance(expected, SeqT):
            return self.comprehension(node, CompKind.SEQ, scope, elem_type=expected.elem)
        if isinstance(node, ast.SetComp) and isinstance(expected, SetT):
            return self.comprehension(node, CompKind.SET, scope, elem_type=expected.elem)
        if isinstance(node, ast.DictComp) and isinstance(expected, MapT):
            e = self.comprehension(node, CompKind.MAP, scope, elem_type=expected.val)
            if not assignable(e.type, expected):
                self.err(scope, node, f"type mismatch in {scope.what}: expected {expected}, found {e.type}")
            return e
        try:
            e = self.infer(node, scope)
        except NeedsType as exc:
            raise InputError(exc.span, exc.message.replace("NEEDS", f"{expected}")) from None
        if not assignable(e.type, expected):
            self.err(scope, node, f"type mismatch in {scope.what}: expected {expected}, found {e.type}")
        return e

    def _is_bound_name(self, name: str, scope: Scope) -> bool:
        return name in scope.locals or name in self.variables or name in self.defs or name in self.const_nodes

    def infer(self, node: ast.AST, scope: Scope) -> Expr:
        method = getattr(self, "infer_" + type(node).__name__, None)
        if method is None:
            self.err(scope, node, f"unsupported syntax in {scope.what}: {type(node).__name__}",
                     "see the claim language reference, docs/language.md")
        return method(node, scope)

    def infer_Constant(self, node, scope):
        sp = scope.loc.span_of(node)
        v = node.value
        if isinstance(v, bool):
            return Lit(v, BOOL, sp)
        if isinstance(v, int):
            if abs(v) > 10 ** 18:
                self.err(scope, node, "integer literal is too large")
            return Lit(v, INT, sp)
        if isinstance(v, str):
            member = self._enum_member(v, node, scope)
            if member is not None:
                return member
            return Lit(v, STR, sp)  # a string literal
        self.err(scope, node, f"unsupported literal {v!r}")

    def _enum_member(self, name: str, node: ast.AST, scope: Scope) -> Lit | None:
        """`name` as a member of the one enum that has it; None when no enum has it (an
        error, needing a typed context, when several have)."""
        owners = self.member_index.get(name, [])
        if len(owners) == 1:
            return Lit(name, self.type_named(owners[0], scope.loc.span_of(node)), scope.loc.span_of(node))
        if owners:
            self.err(scope, node, f"{name!r} is a member of several enums ({', '.join(owners)}); "
                                  "compare it with a typed value", cls=NeedsType)
        return None

    def infer_Name(self, node, scope):
        sp = scope.loc.span_of(node)
        name = node.id
        if name in scope.locals:
            return Ref(RefKind.LOCAL, name, scope.locals[name], sp)
        if name.endswith(PRIME):
            stem = name[:-1]
            if stem not in self.variables and not (stem in self.defs and not self.defs[stem][0]):
                self.err(scope, node, f"{stem}' is not a next value: {stem!r} is neither a variable nor a definition "
                                      "without parameters", suggest(stem, list(self.variables) + list(self.defs)))
            if not scope.step:
                self.err(scope, node, f"{scope.what} cannot use {stem}' (a next value)",
                         "x' may appear only in step_invariants")
            if stem in self.defs:  # a refinement mapping's value after the step
                return after_step(self.def_call(stem, [], ast.Name(stem, lineno=node.lineno, col_offset=node.col_offset),
                                                scope))
            return Ref(RefKind.NEXT, stem, self.variables[stem], sp)
        if name in self.variables:
            if not scope.state:
                self.err(scope, node, f"{scope.what} cannot use the variable {name!r}: "
                                      "it may use constants only", "a predicate over the initial states is init's `where:`"
                         if scope.what.startswith("the initial") else None)
            return Ref(RefKind.VAR, name, self.variables[name], sp)
        if name in self.defs:
            return self.def_call(name, [], node, scope)
        if name in self.const_nodes:
            c = self.constant(name)
            return Ref(RefKind.CONST, name, c.type, sp)
        if name in self.type_nodes:
            t = self.type_named(name, sp)
            if isinstance(t, EnumT):
                return Lit(frozenset(t.members), SetT(t), sp)
            self.err(scope, node, f"type {name} is not a value", f"build a record with {name}(...)")
        member = self._enum_member(name, node, scope)
        if member is not None:
            return member
        known = list(scope.locals) + list(self.variables) + list(self.defs) + list(self.const_nodes)
        hint = suggest(name, known)
        if name.lower() in ("true", "false"):  # YAML spells booleans in lower case; expressions are Python's
            hint = f"did you mean {name.capitalize()}?"
        self.err(scope, node, f"undefined name {name!r} in {scope.what}", hint)

    def infer_Attribute(self, node, scope):
        base = self.infer(node.value, scope)
        if not isinstance(base.type, RecordT):
            self.err(scope, node, f"{base.type} has no fields (.{node.attr})")
        ft = base.type.field_type(node.attr)
        if ft is None:
            self.err(scope, node, f"record {base.type.name} has no field {node.attr!r}",
                     suggest(node.attr, base.type.field_names))
        return Op(Opcode.FIELD, (base,), ft, attr=node.attr, span=scope.loc.span_of(node))

    def infer_Subscript(self, node, scope):
        sp = scope.loc.span_of(node)
        base = self.infer(node.value, scope)
        idx = node.slice
        if isinstance(idx, ast.Slice) and isinstance(base.type, SeqT):  # s[i:j]: items i .. j - 1
            if idx.step is not None:
                self.err(scope, idx.step, "a slice takes no step: s[i:j]")
            lo = self.check(idx.lower, INT, scope) if idx.lower is not None else Lit(0, INT)
            hi = self.check(idx.upper, INT, scope) if idx.upper is not None else Op(Opcode.LENGTH, (base,), INT)
            return Op(Opcode.SLICE, (base, lo, hi), base.type, span=sp)
        if isinstance(idx, ast.Slice):
            self.err(scope, node, f"{base.type} cannot be sliced; s[i:j] takes a sequence")
        if isinstance(base.type, SeqT):
            i = self.check(idx, INT, scope)
            return Op(Opcode.INDEX, (base, i), base.type.elem, span=sp)
        if isinstance(base.type, MapT):
            k = self.check(idx, base.type.key, scope)
            return Op(Opcode.MAP_GET, (base, coerce(k, base.type.key)), base.type.val, span=sp)
        if isinstance(base.type, TupleT):
            if not (isinstance(idx, ast.Constant) and isinstance(idx.value, int)) or not \
                    0 <= idx.value < len(base.type.elems):
                self.err(scope, idx, f"a tuple index must be a number from 0 to {len(base.type.elems) - 1}")
            return Op(Opcode.INDEX, (base, Lit(idx.value, INT)), base.type.elems[idx.value], span=sp)
        self.err(scope, node, f"{base.type} cannot be indexed")

    def infer_BoolOp(self, node, scope):
        op = Opcode.AND if isinstance(node.op, ast.And) else Opcode.OR
        args = tuple(self.check(v, BOOL, scope) for v in node.values)
        return Op(op, args, BOOL, span=scope.loc.span_of(node))

    def infer_UnaryOp(self, node, scope):
        sp = scope.loc.span_of(node)
        if isinstance(node.op, ast.Not):
            return Op(Opcode.NOT, (self.check(node.operand, BOOL, scope),), BOOL, span=sp)
        if isinstance(node.op, ast.USub):
            return Op(Opcode.NEGATE, (self.check(node.operand, INT, scope),), INT, span=sp)
        if isinstance(node.op, ast.UAdd):
            return self.check(node.operand, INT, scope)
        self.err(scope, node, "unsupported unary operator")

    def pair(self, a: ast.AST, b: ast.AST, scope: Scope) -> tuple[Expr, Expr]:
        """Infer two operands, letting one give its type to the other."""
        try:
            ea = self.infer(a, scope)
        except NeedsType:
            eb = self.infer(b, scope)
            return self.check(a, eb.type, scope), eb
        if self._weak(b):
            return ea, self.check(b, ea.type, scope)
        try:
            return ea, self.infer(b, scope)
        except NeedsType:
            return ea, self.check(b, ea.type, scope)

    def _weak(self, node) -> bool:
        return (isinstance(node, ast.Dict) and not node.keys) or isinstance(node, (ast.List, ast.Constant)) and \
            not (isinstance(node, ast.Constant) and not isinstance(node.value, str)) or \
            (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set" and not node.args)

    def infer_BinOp(self, node, scope):
        sp = scope.loc.span_of(node)
        arith = {ast.Add: Opcode.ADD, ast.Sub: Opcode.SUBTRACT, ast.Mult: Opcode.MULTIPLY,
                 ast.FloorDiv: Opcode.FLOOR_DIVIDE, ast.Mod: Opcode.MODULO}
        sets = {ast.BitOr: Opcode.UNION, ast.BitAnd: Opcode.INTERSECTION, ast.Sub: Opcode.DIFFERENCE}
        a, b = self.pair(node.left, node.right, scope)
        joined = self.string_binop(node, a, b, scope)
        if joined is not None:
            return joined
        if isinstance(a.type, IntT) and isinstance(b.type, IntT) and type(node.op) in arith:
            return Op(arith[type(node.op)], (a, b), INT, span=sp)
        if isinstance(a.type, SeqT) and isinstance(b.type, SeqT) and isinstance(node.op, ast.Add):
            elem = unify(a.type.elem, b.type.elem)
            if elem is None:
                self.err(scope, node, f"cannot join {a.type} and {b.type}: their items have different types")
            at, bt = SeqT(elem, a.type.maxlen), SeqT(elem, b.type.maxlen)
            if at.maxlen + bt.maxlen > MAX_SEQ:
                self.err(scope, node, f"s + t may have {at.maxlen + bt.maxlen} items, more than the longest supported "
                                      f"sequence ({MAX_SEQ})")
            return Op(Opcode.SEQ_CONCAT, (coerce(a, at), coerce(b, bt)), SeqT(elem, at.maxlen + bt.maxlen), span=sp)
        if isinstance(a.type, SetT) and isinstance(b.type, SetT) and type(node.op) in sets:
            t = unify(a.type, b.type)
            if t is None:
                self.err(scope, node, f"cannot combine {a.type} and {b.type}")
            return Op(sets[type(node.op)], (coerce(a, t), coerce(b, t)), t, span=sp)
        self.err(scope, node, f"operator {OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)} does not apply "
                              f"to {a.type} and {b.type}")

    def infer_Compare(self, node, scope):
        sp = scope.loc.span_of(node)
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=False):
            parts.append(self.compare(op, left, right, scope, node))
            left = right
        return parts[0] if len(parts) == 1 else Op(Opcode.AND, tuple(parts), BOOL, span=sp)

    def compare(self, op, left, right, scope, node) -> Expr:
        sp = scope.loc.span_of(node)
        if isinstance(op, (ast.In, ast.NotIn)):
            coll = self.infer(right, scope)
            if isinstance(coll.type, StrT):
                e = self.string_contains(left, coll, scope, node)
            elif isinstance(coll.type, (SetT, SeqT)):
                elem = self.check(left, coll.type.elem, scope)
                e = Op(Opcode.MEMBER, (elem, coll), BOOL, span=sp)
            else:
                self.err(scope, right, f"`in` needs a set or sequence, found {coll.type}")
            return Op(Opcode.NOT, (e,), BOOL, span=sp) if isinstance(op, ast.NotIn) else e
        if isinstance(op, (ast.Is, ast.IsNot)):
            self.err(scope, node, "use == and != instead of is")
        a, b = self.pair(left, right, scope)
        t = unify(a.type, b.type)
        if t is None:
            self.err(scope, node, f"cannot compare {a.type} with {b.type}")
        code = _COMPARISONS[type(op)]
        name = code.value  # the operator as written
        if name in ("<", "<=", ">", ">=") and isinstance(t, SetT):
            if name in (">", ">="):
                a, b = b, a
            sub = Op(Opcode.SUBSET, (coerce(a, t), coerce(b, t)), BOOL, span=sp)
            if name in ("<", ">"):
                strict = Op(Opcode.NOT_EQUAL, (coerce(a, t), coerce(b, t)), BOOL, span=sp)
                return Op(Opcode.AND, (sub, strict), BOOL, span=sp)
            return sub
        if name in ("<", "<=", ">", ">=") and not isinstance(t, IntT):
            self.err(scope, node, f"{name} compares integers or sets, not {t}")
        return Op(code, (coerce(a, t), coerce(b, t)), BOOL, span=sp)

    def infer_IfExp(self, node, scope):
        cond = self.check(node.test, BOOL, scope)
        a, b = self.pair(node.body, node.orelse, scope)
        t = unify(a.type, b.type)
        if t is None:
            self.err(scope, node, f"the branches have different types: {a.type} and {b.type}")
        return Op(Opcode.IF, (cond, coerce(a, t), coerce(b, t)), t, span=scope.loc.span_of(node))

    def infer_Set(self, node, scope):
        first = self.infer(node.elts[0], scope)
        items = [first] + [self.infer(n, scope) for n in node.elts[1:]]
        t = items[0].type
        for i in items[1:]:
            t = unify(t, i.type)
            if t is None:
                self.err(scope, node, "set elements have different types")
        if isinstance(t, IntT) and not t.bounded:
            if not all(isinstance(i, Lit) for i in items):
                self.err(scope, node, "cannot tell the range of this set's integers; compare or assign it "
                                      "to a typed set", cls=NeedsType)
            t = IntT(min(i.value for i in items), max(i.value for i in items))
        return Op(Opcode.SET_LITERAL, tuple(coerce(i, t) for i in items), SetT(t), span=scope.loc.span_of(node))

    def infer_Dict(self, node, scope):
        if not node.keys:
            self.err(scope, node, "the type of {} is not known here: compare or assign it to a typed set",
                     cls=NeedsType)
        self.err(scope, node, "map literals are not supported; build a map with {k: v for k in Keys}")

    def infer_List(self, node, scope):
        if not node.elts:
            self.err(scope, node, "the type of [] is not known here: compare or assign it to a typed sequence",
                     cls=NeedsType)
        items = [self.infer(n, scope) for n in node.elts]
        t = items[0].type
        for i in items[1:]:
            t = unify(t, i.type)
            if t is None:
                self.err(scope, node, "sequence items have different types")
        return Op(Opcode.SEQ_LITERAL, tuple(coerce(i, t) for i in items), SeqT(t, len(items)),
                  span=scope.loc.span_of(node))

    def infer_Tuple(self, node, scope):
        items = tuple(self.infer(n, scope) for n in node.elts)
        if not items:
            self.err(scope, node, "empty tuple")
        return Op(Opcode.TUPLE, items, TupleT(tuple(i.type for i in items)), span=scope.loc.span_of(node))

    def infer_SetComp(self, node, scope):
        return self.comprehension(node, CompKind.SET, scope)

    def infer_DictComp(self, node, scope):
        return self.comprehension(node, CompKind.MAP, scope)

    def infer_GeneratorExp(self, node, scope):
        self.err(scope, node, "a generator needs all(...), any(...), sum(...), min(...), max(...) or choose(...)")

    def infer_ListComp(self, node, scope):
        return self.comprehension(node, CompKind.SEQ, scope)

    # implemented by calls.Calls
    def comprehension(self, node, kind: CompKind, scope: Scope, elem_type: Type | None = None) -> Expr:
        raise NotImplementedError

    def def_call(self, name, args, node, scope) -> Expr:
        raise NotImplementedError
