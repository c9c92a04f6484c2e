"""Calls and comprehensions: builtins (len, min, append, ...), calls of definitions
(checked once per argument types) and record constructors; all/any/sum/min/max/choose
and set and map comprehensions, with their generators (`for x in S`, `range(...)`)."""
from __future__ import annotations

import ast

from symcheck.front.declarations import MAX_ELEMS, MAX_SEQ
from symcheck.front.expressions import Expressions, NeedsType, Scope, coerce
from symcheck.front.ir import (BOOL, INT, Comp, CompKind, DefCall, Expr, Gen, GenKind, IntT, Lit, MapT, Op, Opcode,
                               RecordT, Ref, RefKind, SeqT, SetT, StrT, Type)
from symcheck.front.strings import METHODS as STRING_METHODS
from symcheck.errors import suggest
from symcheck.front.source import parse_expr
from symcheck.front.values import MAX_DOMAIN, check_finite, domain, domain_size

BUILTINS = ("all", "any", "sum", "min", "max", "len", "implies", "append", "head", "tail", "remove", "set",
            "range", "choose", "replace", "eventually", "leads_to")
TEMPORAL = {"eventually": 1, "leads_to": 2}  # operator -> number of state predicates


class Calls(Expressions):
    """Calls and comprehensions, on top of the expression checker."""

    def infer_Call(self, node, scope):
        sp = scope.loc.span_of(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "put":
            return self._map_put(node, scope)
        if isinstance(node.func, ast.Attribute) and node.func.attr in STRING_METHODS:
            return self.string_method(node, scope)
        if not isinstance(node.func, ast.Name):
            self.err(scope, node, "only named functions can be called")
        fn = node.func.id
        if fn in scope.locals or fn in self.variables or fn in self.const_nodes:
            self.err(scope, node, f"{fn!r} is not a function")
        if fn in self.defs:
            if node.keywords:
                self.err(scope, node, f"definition {fn} takes positional arguments only")
            return self.def_call(fn, node.args, node, scope)
        if fn in self.type_nodes:
            return self.record_cons(fn, node, scope)
        if node.keywords and fn != "replace":
            self.err(scope, node, f"{fn}() takes no keyword arguments")
        args = node.args
        gen = args[0] if len(args) == 1 and isinstance(args[0], ast.GeneratorExp) else None
        if fn in ("all", "any", "sum", "choose") or (fn in ("min", "max") and gen is not None):
            if gen is None:
                self.err(scope, node, f"{fn}() takes a generator: {fn}(... for x in S)")
            return self.comprehension(gen, CompKind(fn), scope)
        if fn in ("min", "max"):
            if len(args) == 1:
                s = self.infer(args[0], scope)
                if not isinstance(s.type, SetT) or not isinstance(s.type.elem, IntT):
                    self.err(scope, node, f"{fn}(S) needs a set of integers")
                return Op(Opcode.SET_MIN if fn == "min" else Opcode.SET_MAX, (s,), INT, span=sp)
            if len(args) < 2:
                self.err(scope, node, f"{fn}() needs arguments")
            items = tuple(self.check(a, INT, scope) for a in args)
            return Op(Opcode.MIN if fn == "min" else Opcode.MAX, items, INT, span=sp)
        self._arity(fn, node, {"len": 1, "implies": 2, "append": 2, "head": 1, "tail": 1, "remove": 2, "set": 0,
                               "replace": 1}, scope)
        if fn == "len":
            s = self.infer(args[0], scope)
            if isinstance(s.type, StrT):
                return self.string_length(s, scope, node)
            if not isinstance(s.type, (SetT, SeqT)):
                self.err(scope, node, f"len() needs a set, sequence or string, found {s.type}")
            if isinstance(s.type, SetT) and domain_size(s.type.elem) is None:
                self.err(scope, node, f"len() of {s.type}: a set over an unbounded type has no size the proofs "
                                      "can reason about", "quantify with all/any, or keep a count in a variable")
            return Op(Opcode.LENGTH, (s,), INT, span=sp)
        if fn == "implies":
            return Op(Opcode.IMPLIES, tuple(self.check(a, BOOL, scope) for a in args), BOOL, span=sp)
        if fn in ("append", "head", "tail", "remove"):
            return self._sequence_call(fn, node, scope)
        if fn == "set":
            self.err(scope, node, "the type of set() is not known here: compare or assign it to a typed set",
                     cls=NeedsType)
        if fn == "replace":
            return self._replace_fields(node, scope)
        if fn == "range":
            self.err(scope, node, "range() may only appear after `in` in a generator")
        if fn in TEMPORAL:
            self.err(scope, node, f"{fn}() may only be a whole property under `properties:`",
                     "write it as `properties: {name: " + fn + "(...)}`; "
                     "invariants and definitions are state predicates")
        known = list(self.defs) + list(BUILTINS) + [n for n, t in self.types.items() if isinstance(t, RecordT)]
        self.err(scope, node, f"unknown function {fn!r}", suggest(fn, known))

    def _map_put(self, node, scope) -> Expr:
        m = self.infer(node.func.value, scope)
        if not isinstance(m.type, MapT) or len(node.args) != 2 or node.keywords:
            self.err(scope, node, "m.put(key, value) needs a map and two arguments")
        k = coerce(self.check(node.args[0], m.type.key, scope), m.type.key)
        v = coerce(self.check(node.args[1], m.type.val, scope), m.type.val)
        return Op(Opcode.MAP_PUT, (m, k, v), m.type, span=scope.loc.span_of(node))

    def _sequence_call(self, fn: str, node, scope) -> Expr:
        """append(s, x), head(s), tail(s), remove(s, i)."""
        sp = scope.loc.span_of(node)
        s = self.infer(node.args[0], scope)
        if not isinstance(s.type, SeqT):
            self.err(scope, node, f"{fn}() needs a sequence, found {s.type}")
        if fn == "head":
            return Op(Opcode.HEAD, (s,), s.type.elem, span=sp)
        if fn == "tail":
            return Op(Opcode.TAIL, (s,), s.type, span=sp)
        if fn == "remove":
            return Op(Opcode.REMOVE, (s, self.check(node.args[1], INT, scope)), s.type, span=sp)
        item = coerce(self.check(node.args[1], s.type.elem, scope), s.type.elem)
        if s.type.maxlen >= MAX_SEQ:
            self.err(scope, node, f"append would exceed the longest supported sequence ({MAX_SEQ})")
        return Op(Opcode.APPEND, (s, item), SeqT(s.type.elem, s.type.maxlen + 1), span=sp)

    def _replace_fields(self, node, scope) -> Expr:
        r = self.infer(node.args[0], scope)
        if not isinstance(r.type, RecordT):
            self.err(scope, node, "replace(r, field=value) needs a record")
        updates = []
        for kw in node.keywords:
            ft = r.type.field_type(kw.arg or "")
            if ft is None:
                self.err(scope, kw.value, f"record {r.type.name} has no field {kw.arg!r}")
            updates.append((kw.arg, coerce(self.check(kw.value, ft, scope), ft)))
        return Op(Opcode.REPLACE_FIELDS, (r,) + tuple(v for _, v in updates), r.type,
                  attr=tuple(k for k, _ in updates), span=scope.loc.span_of(node))

    def _arity(self, fn, node, table, scope):
        if fn in table and len(node.args) != table[fn]:
            n = table[fn]
            self.err(scope, node, f"{fn}() takes {n} argument{'s' if n != 1 else ''}, got {len(node.args)}")

    def record_cons(self, name, node, scope):
        sp = scope.loc.span_of(node)
        t = self.type_named(name, sp)
        if not isinstance(t, RecordT):
            self.err(scope, node, f"type {name} is not a record and cannot be called")
        if len(node.args) > len(t.fields):
            self.err(scope, node, f"record {name} has {len(t.fields)} fields, got {len(node.args)} arguments")
        values: dict = {}
        for (fname, ft), a in zip(t.fields, node.args, strict=False):
            values[fname] = coerce(self.check(a, ft, scope), ft)
        for kw in node.keywords:
            ft = t.field_type(kw.arg or "")
            if ft is None:
                self.err(scope, kw.value, f"record {name} has no field {kw.arg!r}",
                         suggest(kw.arg or "", t.field_names))
            if kw.arg in values:
                self.err(scope, kw.value, f"field {kw.arg} given twice")
            values[kw.arg] = coerce(self.check(kw.value, ft, scope), ft)
        missing = [f for f in t.field_names if f not in values]
        if missing:
            self.err(scope, node, f"record {name} misses field {missing[0]!r}")
        return Op(Opcode.RECORD, tuple(values[f] for f in t.field_names), t, span=sp)

    def def_call(self, name, args, node, scope) -> Expr:
        sp = scope.loc.span_of(node)
        params, body_node, dspan = self.defs[name]
        if len(args) != len(params):
            self.err(scope, node, f"{name} takes {len(params)} argument{'s' if len(params) != 1 else ''}, "
                                  f"got {len(args)}")
        ptypes, rtype = self.def_types[name]
        arg_exprs = tuple(coerce(self.check(a, ptypes[p], scope), ptypes[p]) if p in ptypes else self.infer(a, scope)
                          for p, a in zip(params, args, strict=False))
        key = (name, tuple(a.type for a in arg_exprs), scope.state)
        if key not in self.def_cache:
            if name in self.def_stack:
                self.err(scope, node, f"definition {name} is recursive ({' -> '.join(self.def_stack + [name])})")
            self.def_stack.append(name)
            try:
                loc = parse_expr(body_node, f"definition {name}")
                inner = Scope(self, loc, {p: a.type for p, a in zip(params, arg_exprs, strict=False)}, scope.state,
                              f"definition {name}")
                body = self.check(loc.tree, rtype, inner) if rtype else self.infer(loc.tree, inner)
                self.def_cache[key] = coerce(body, rtype) if rtype else body
            finally:
                self.def_stack.pop()
        body = self.def_cache[key]
        return DefCall(name, params, arg_exprs, body, body.type, sp)

    # ------------------------------------------------------------ comprehensions

    def comprehension(self, node, kind: CompKind, scope: Scope, elem_type: Type | None = None) -> Expr:
        sp = scope.loc.span_of(node)
        gens = []
        inner = scope
        conds = []
        for g in node.generators:
            if g.is_async:
                self.err(scope, g.target, "async generators are not supported")
            if not isinstance(g.target, ast.Name):
                self.err(scope, g.target, "bind one name per `for` (for x in S)")
            name = g.target.id
            gen = self.generator(name, g.iter, inner)
            gens.append(gen)
            inner = inner.with_locals({name: gen.elem})
            for cond in g.ifs:
                conds.append(self.check(cond, BOOL, inner))
        unbounded = [g for g in gens if g.kind is GenKind.SET and domain_size(g.elem) is None]
        if unbounded and kind not in (CompKind.ALL, CompKind.ANY, CompKind.SET, CompKind.MAP):
            self.err(scope, node, f"{kind}(...) over {unbounded[0].source.type}: a set over an unbounded type "
                                  "(a sort, an int without a range) is quantified over, not enumerated",
                     "use all/any, or keep a count in a variable")
        cond = None
        if conds:
            cond = conds[0] if len(conds) == 1 else Op(Opcode.AND, tuple(conds), BOOL)
        if kind in (CompKind.ALL, CompKind.ANY):
            elt = self.check(node.elt, BOOL, inner)
            return Comp(kind, tuple(gens), cond, elt, BOOL, span=sp)
        if kind in (CompKind.SUM, CompKind.MIN, CompKind.MAX):
            elt = self.check(node.elt, INT, inner)
            return Comp(kind, tuple(gens), cond, elt, INT, span=sp)
        if kind is CompKind.CHOOSE:
            elt = self.infer(node.elt, inner)
            return Comp(kind, tuple(gens), cond, elt, elt.type, span=sp)
        if kind is CompKind.SET:
            elt = self.check(node.elt, elem_type, inner) if elem_type else self.infer(node.elt, inner)
            et = elem_type or elt.type
            if isinstance(et, IntT) and not et.bounded:
                et = self._int_bound(elt, gens, scope, node)
            self.check_storable(et, sp, "set comprehension")
            if domain_size(et) is not None:  # else a filter of a set over a sort (a Z3 lambda)
                check_finite(et, sp, "set comprehension", MAX_ELEMS)
            return Comp(kind, tuple(gens), cond, coerce(elt, et), SetT(et), span=sp)
        if kind is CompKind.MAP:
            keyed_by_binding = isinstance(node.key, ast.Name) and node.key.id == gens[0].name if gens else False
            if len(gens) != 1 or cond is not None or not keyed_by_binding or not self._whole_domain(gens[0]):
                self.err(scope, node, "a map is built as {k: value for k in K}, "
                                      "where K is a whole enum, a constant set or range(lo, hi)")
            elt = self.check(node.value, elem_type, inner) if elem_type else self.infer(node.value, inner)
            vt = elem_type or elt.type
            return Comp(kind, tuple(gens), None, coerce(elt, vt), MapT(gens[0].elem, vt), span=sp)
        if kind is CompKind.SEQ:
            elt = self.check(node.elt, elem_type, inner) if elem_type else self.infer(node.elt, inner)
            longest = 1
            for g in gens:
                lo, hi = g.source if g.kind is GenKind.RANGE else (0, 0)
                longest *= hi - lo if g.kind is GenKind.RANGE else g.source.type.maxlen if g.kind is GenKind.SEQ \
                    else domain_size(g.elem) or 0
            if longest > MAX_SEQ:
                self.err(scope, node, f"the sequence may have {longest} items, more than the longest supported "
                                      f"({MAX_SEQ})", "iterate over fewer values")
            t = elem_type or elt.type
            return Comp(kind, tuple(gens), cond, coerce(elt, t), SeqT(t, max(longest, 0)), span=sp)
        raise AssertionError(kind)

    def _whole_domain(self, g: Gen) -> bool:
        """Does the generator meet every value of its element type, whatever the state
        (a map built over it has all its keys)? A whole enum or constant set, a set
        literal of constants such as {1, 2}, or a range with constant bounds."""
        if g.kind is GenKind.RANGE:
            lo, hi = g.source
            return g.limit is None and hi > lo
        if domain_size(g.elem) is None:  # over a sort: its universe constant
            return g.kind is GenKind.SET and isinstance(g.source, Ref) and g.source.kind is RefKind.CONST and \
                self.consts[g.source.name].free
        if g.kind is not GenKind.SET:
            return False
        src = g.source
        if isinstance(src, Lit) or isinstance(src, Ref) and src.kind is RefKind.CONST:
            value = src.value if isinstance(src, Lit) else self.consts[src.name].value
        elif isinstance(src, Op) and src.op is Opcode.SET_LITERAL:
            items = [a.args[0] if isinstance(a, Op) and a.op is Opcode.COERCE else a for a in src.args]
            if not all(isinstance(a, Lit) or isinstance(a, Ref) and a.kind is RefKind.CONST for a in items):
                return False
            value = frozenset(a.value if isinstance(a, Lit) else self.consts[a.name].value for a in items)
        else:
            return False
        return value == frozenset(domain(g.elem))

    def _int_bound(self, elt, gens, scope, node) -> Type:
        if isinstance(elt, Ref) and elt.kind is RefKind.LOCAL:
            for g in gens:
                if g.name == elt.name and isinstance(g.elem, IntT) and g.elem.bounded:
                    return g.elem
        self.err(scope, node, "cannot tell the range of this set's integers; assign it to a typed set")

    def generator(self, name: str, it: ast.AST, scope: Scope) -> Gen:
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" \
                and it.func.id not in self.defs:
            if not 1 <= len(it.args) <= 2:
                self.err(scope, it, "range() takes one or two arguments")
            bounds = [self.static_int(a, scope) for a in it.args]
            if len(it.args) == 1:
                lo, hi = 0, bounds[0]
            else:
                lo, hi = bounds
            for a, b in zip(it.args, bounds, strict=False):
                sym = self._symbolic_in(b) if isinstance(b, Expr) else None
                if sym:
                    self.err(scope, a, f"range() bound uses the symbolic constant {sym}: the values a generator "
                                       "ranges over must be fixed", f"give {sym} a single value")
            if isinstance(lo, Expr):
                self.err(scope, it.args[0], "the start of range() must be a constant")
            limit = None
            if isinstance(hi, Expr):
                limit = hi
                hi = self._static_max(hi, scope, it)
            if hi - lo > MAX_DOMAIN:
                self.err(scope, it, f"range() has more than {MAX_DOMAIN} values")
            t = IntT(lo, max(lo, hi - 1)) if hi > lo else IntT(lo, lo)
            return Gen(name, GenKind.RANGE, (lo, hi), t, limit)
        src = self.infer(it, scope)
        if isinstance(src.type, SetT):
            self.check_storable(src.type.elem, scope.loc.span_of(it), "quantified set")
            if domain_size(src.type.elem) is not None:  # else a quantifier of the SMT engines
                check_finite(src.type.elem, scope.loc.span_of(it), "quantified set", MAX_DOMAIN)
            return Gen(name, GenKind.SET, src, src.type.elem)
        if isinstance(src.type, SeqT):
            return Gen(name, GenKind.SEQ, src, src.type.elem)
        self.err(scope, it, f"cannot iterate over {src.type}; use a set, a sequence or range()")

    def _symbolic_in(self, e) -> str | None:
        """The first symbolic constant an expression reads, if any."""
        if isinstance(e, Ref):
            return e.name if e.kind is RefKind.CONST and self.consts[e.name].symbolic else None
        parts = list(e.args) + [e.body] if isinstance(e, DefCall) else list(e.args) if isinstance(e, Op) else []
        for p in parts:
            found = self._symbolic_in(p)
            if found:
                return found
        return None

    def static_int(self, node, scope):
        """A constant integer if the expression is one, else the checked expression."""
        e = self.check(node, INT, scope)
        v = self._fold(e)
        return v if v is not None else e

    def _fold(self, e):
        if isinstance(e, Lit) and isinstance(e.value, int):
            return e.value
        if isinstance(e, Ref) and e.kind is RefKind.CONST:
            return self.consts[e.name].value
        if isinstance(e, Op) and e.op in (Opcode.ADD, Opcode.SUBTRACT, Opcode.MULTIPLY):
            a, b = self._fold(e.args[0]), self._fold(e.args[1])
            if a is None or b is None:
                return None
            return a + b if e.op is Opcode.ADD else a - b if e.op is Opcode.SUBTRACT else a * b
        return None

    def _static_max(self, e, scope, node) -> int:
        if isinstance(e, Op) and e.op is Opcode.LENGTH:
            t = e.args[0].type
            return t.maxlen if isinstance(t, SeqT) else domain_size(t.elem)
        self.err(scope, node, "the end of range() must be a constant or len(s)")
