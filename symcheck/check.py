"""Check stage: resolve names, check types and finiteness, and build the typed IR
(`ir.Model`) of one claim variant from its located YAML document."""
from __future__ import annotations

import ast
import re

from .errors import InputError, Span, suggest
from .ir import (BOOL, INT, Action, BoolT, Comp, Constant, DefCall, EnumT, Expr, Fairness, Gen, IntT,
                 Invariant, Lit, MapT, Model, Op, Property, RecordT, Ref, SeqT, SetT, TupleT, Type)
from .source import (Located, TypeSyntax, YMap, YNode, YScalar, YSeq, parse_expr, parse_type, parse_type_text)
from .values import MAX_DOMAIN, check_finite, contains, domain, domain_size
from .variants import Variant, check_keys, def_name

MAX_ELEMS = 4096  # largest element domain of a set or key domain of a map
MAX_SEQ = 64  # longest sequence bound
MAX_INSTANCES = 20_000  # action instances (an action times its parameter values)
MAX_DEPTH = 1000
MAX_CONFIGS = 4096  # configurations of the symbolic constants (the product of their domains)
_DEF_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*(?:\((.*)\))?\s*(?:->\s*(.+?))?\s*$")
BUILTINS = ("all", "any", "sum", "min", "max", "len", "implies", "append", "head", "tail", "set",
            "range", "choose", "replace", "eventually", "leads_to")
TEMPORAL = {"eventually": 1, "leads_to": 2}  # operator -> number of state predicates


class NeedsType(InputError):
    """An expression whose type depends on its context (`{}`, `[]`, an ambiguous name)."""


def _value_kind(v) -> str | None:
    """What a YAML scalar in a domain list is: bool, int or name."""
    return "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "name" if isinstance(v, str) else None


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
        es = [unify(x, y) for x, y in zip(a.elems, b.elems)]
        return None if None in es else TupleT(tuple(es))
    if isinstance(a, RecordT) and isinstance(b, RecordT) and a.name == b.name:
        return a
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
        return len(src.elems) == len(dst.elems) and all(assignable(a, b) for a, b in zip(src.elems, dst.elems))
    if isinstance(src, RecordT) and isinstance(dst, RecordT):
        return src.name == dst.name
    return src == dst


def coerce(e: Expr, dst: Type) -> Expr:
    return e if e.type == dst else Op("coerce", (e,), dst, span=e.span)


class Scope:
    """What names mean while checking one expression."""

    def __init__(self, checker: "ClaimChecker", loc: Located, locals_: dict, state: bool, what: str):
        self.c = checker
        self.loc = loc
        self.locals = locals_
        self.state = state
        self.what = what

    def with_locals(self, extra: dict) -> "Scope":
        return Scope(self.c, self.loc, {**self.locals, **extra}, self.state, self.what)


class ClaimChecker:
    def __init__(self, variant: Variant):
        self.variant = variant
        self.doc = variant.doc
        self.file = variant.doc.span.file
        self.type_nodes: dict[str, YNode] = {}
        self.type_spans: dict[str, Span] = {}
        self.types: dict[str, Type] = {}
        self.const_nodes: dict[str, YNode] = {}
        self.const_spans: dict[str, Span] = {}
        self.consts: dict[str, Constant] = {}
        self.resolving: list[str] = []
        self.enum_consts: set[str] = set()
        self.variables: dict[str, Type] = {}
        self.defs: dict[str, tuple] = {}  # name -> (params, YNode, key span)
        self.def_cache: dict = {}
        self.def_types: dict = {}  # name -> ({param: Type}, return Type | None)
        self.def_stack: list[str] = []

    # ------------------------------------------------------------ top level

    def section(self, key: str) -> YMap:
        node = self.doc.get(key)
        if node is None:
            return YMap({}, {}, self.doc.span)
        if isinstance(node, YScalar) and node.value is None:
            return YMap({}, {}, node.span)
        if not isinstance(node, YMap):
            raise InputError(node.span, f"`{key}` must be a mapping")
        return node

    def text(self, key: str, default: str = "") -> str:
        node = self.doc.get(key)
        if node is None:
            return default
        if not isinstance(node, YScalar) or not isinstance(node.value, str):
            raise InputError(node.span, f"`{key}` must be a string")
        return node.value.strip()

    def run(self) -> Model:
        for name, node in self.section("types").items.items():
            self._check_name(name, self.section("types").keys[name], "type")
            self.type_nodes[name] = node
            self.type_spans[name] = self.section("types").keys[name]
        for name, node in self.section("constants").items.items():
            span = self.section("constants").keys[name]
            self._check_name(name, span, "constant")
            if name in self.type_nodes:
                raise InputError(span, f"{name!r} is both a type and a constant")
            self.const_nodes[name] = node
            self.const_spans[name] = span
            if isinstance(node, YMap) and "enum" in node.items:
                self.enum_consts.add(name)
        self.member_index = self._member_index()
        for name in self.type_nodes:
            self.type_named(name, self.type_spans[name])
        for name in self.const_nodes:
            self.constant(name)
        self._check_configurations()
        variables = self.section("variables")
        for name, node in variables.items.items():
            span = variables.keys[name]
            self._check_name(name, span, "variable")
            if name in self.const_nodes or name in self.type_nodes:
                raise InputError(span, f"variable {name!r} has the name of a constant or type")
            t = self.resolve_type(parse_type(node, f"variable {name}"))
            self.check_storable(t, node.span, f"variable {name}")
            self.variables[name] = t
        defs = self.section("defs")
        for key, node in defs.items.items():
            span = defs.keys[key]
            m = _DEF_KEY.match(key)
            if not m:
                raise InputError(span, f"bad definition name {key!r}: write name or name(a, b)")
            name, params, ret = m.group(1), m.group(2), m.group(3)
            plist, ptypes = [], {}
            for p in (params.split(",") if params and params.strip() else []):
                pname, _, ptype = p.partition(":")
                pname = pname.strip()
                if not pname.isidentifier():
                    raise InputError(span, f"bad parameter {p.strip()!r} in definition {name}")
                if ptype.strip():
                    ptypes[pname] = self.resolve_type(parse_type_text(ptype.strip(), span, span.col))
                plist.append(pname)
            plist = tuple(plist)
            if len(set(plist)) != len(plist):
                raise InputError(span, f"definition {name} repeats a parameter")
            if name in self.defs:
                raise InputError(span, f"definition {name!r} is defined twice")
            if name in self.variables or name in self.const_nodes or name in self.type_nodes or name in BUILTINS:
                raise InputError(span, f"definition {name!r} clashes with a variable, constant, type or builtin")
            rtype = self.resolve_type(parse_type_text(ret, span, span.col)) if ret else None
            self.def_types[name] = (ptypes, rtype)
            self.defs[name] = (plist, node, span)
        for name, (params, node, span) in self.defs.items():
            if not params:  # check every constant-shaped definition, used or not
                self.def_call(name, [], ast.Name(name, lineno=1, col_offset=0),
                              Scope(self, parse_expr(node, f"definition {name}"), {}, True, f"definition {name}"))
        init = self.check_init()
        actions = self.check_actions()
        invariants = self.check_invariants()
        properties = self.check_properties(invariants)
        fairness = self.check_fairness(actions)
        expect = self.text("expect", "holds")
        if expect not in ("holds", "violated"):
            raise InputError(self.doc.get("expect").span, f"expect must be holds or violated, not {expect!r}")
        depth_node = self.doc.get("depth")
        depth = 12
        if depth_node is not None:
            if not isinstance(depth_node, YScalar) or isinstance(depth_node.value, bool) or not isinstance(
                    depth_node.value, int) or not 0 <= depth_node.value <= MAX_DEPTH:
                raise InputError(depth_node.span, f"depth must be an integer from 0 to {MAX_DEPTH}")
            depth = depth_node.value
        deadlock = self.text("deadlock", "ignore")
        if deadlock not in ("check", "ignore"):
            raise InputError(self.doc.get("deadlock").span, f"deadlock must be check or ignore, not {deadlock!r}")
        unexercised = self.check_unexercised(actions, invariants)
        unproved = self.check_unproved(invariants, properties)
        from .variants import render_patch
        return Model(
            name=self.variant.name, family=self.text("claim"), title=self.text("title"),
            source=self.text("source"), statement=self.text("statement"), bug=self.variant.bug,
            expect=expect, depth=depth, file=self.file,
            constants=tuple(self.consts[n] for n in self.const_nodes),
            variables=tuple(self.variables.items()), init=init, actions=actions, invariants=invariants,
            patch_text=render_patch(self.variant.changes), deadlock=deadlock == "check",
            properties=properties, fairness=fairness, unexercised=unexercised, unproved=unproved)

    def check_unexercised(self, actions, invariants) -> tuple:
        """`unexercised: {name: reason}`: actions the claim expects never to fire and
        invariants whose premise it expects never to be true (coverage acknowledges
        them instead of flagging; one that is exercised after all is flagged)."""
        known = {a.name for a in actions} | {i.name for i in invariants}
        return self._reasons("unexercised", known, ("action", "invariant"))

    def check_unproved(self, invariants, properties) -> tuple:
        """`unproved: {name: reason}`: invariants and liveness properties the claim
        expects to hold only to the bound, not proved for every depth (`check
        --strict` accepts such a green; an entry that is proved after all is flagged)."""
        known = {i.name for i in invariants} | {p.name for p in properties}
        return self._reasons("unproved", known, ("invariant", "property"))

    def _reasons(self, key: str, known: set, kinds: tuple) -> tuple:
        """A `key: {name: reason}` mapping over the names in `known`, as ((name, reason), ...)."""
        node = self.doc.get(key)
        if node is None or (isinstance(node, YScalar) and node.value is None):  # absent, or deleted by a patch
            return ()
        if not isinstance(node, YMap):
            raise InputError(node.span, f"`{key}` must map {kinds[0]} or {kinds[1]} names to a reason")
        out = []
        for name, reason in node.items.items():
            span = node.keys[name]
            if name not in known:
                a, b = (("an " if k[0] in "aeiou" else "a ") + k for k in kinds)
                raise InputError(span, f"{key} names {name!r}, which is neither {a} nor {b}",
                                 suggest(name, sorted(known)))
            if not isinstance(reason, YScalar) or not isinstance(reason.value, str) or not reason.value.strip():
                raise InputError(reason.span, f"{key} {name}: give the reason as a sentence")
            out.append((name, " ".join(reason.value.split())))
        return tuple(out)

    def _check_name(self, name: str, span: Span, what: str) -> None:
        if not name.isidentifier() or name in ("True", "False", "None"):
            raise InputError(span, f"{what} name {name!r} is not an identifier")

    def _member_index(self) -> dict:
        index: dict[str, list[str]] = {}
        for name, node in list(self.type_nodes.items()) + list(self.const_nodes.items()):
            if isinstance(node, YMap) and "enum" in node.items:
                members = node.items["enum"]
                if isinstance(members, YSeq):
                    for m in members.items:
                        if isinstance(m, YScalar) and m.value is not None:
                            index.setdefault(str(m.value), []).append(name)
        return index

    # ------------------------------------------------------------ types

    def type_named(self, name: str, span: Span) -> Type:
        if name in self.types:
            return self.types[name]
        if name == "bool":
            return BOOL
        if name == "int":
            return INT
        node = self.type_nodes.get(name)
        if node is None and name in self.enum_consts:
            node = self.const_nodes[name]
        if node is None:
            known = list(self.type_nodes) + list(self.enum_consts) + ["bool"]
            raise InputError(span, f"unknown type {name!r}", suggest(name, known))
        if ("type", name) in self.resolving:
            raise InputError(span, f"type {name!r} is defined in terms of itself")
        self.resolving.append(("type", name))
        try:
            t = self._type_from_node(name, node)
        finally:
            self.resolving.pop()
        self.types[name] = t
        return t

    def _type_from_node(self, name: str, node: YNode) -> Type:
        if isinstance(node, YScalar):
            return self.resolve_type(parse_type(node, f"type {name}"))
        if not isinstance(node, YMap) or len(node.items) != 1:
            raise InputError(node.span, f"type {name}: write {{enum: [...]}}, {{record: {{field: type}}}} or a type string")
        kind, body = next(iter(node.items.items()))
        kspan = node.keys[kind]
        if kind == "enum":
            if not isinstance(body, YSeq) or not body.items:
                raise InputError(body.span, f"enum {name} needs a non-empty list of members")
            members = []
            for m in body.items:
                if not isinstance(m, YScalar) or m.value is None or isinstance(m.value, bool):
                    raise InputError(m.span, f"enum {name}: members are names or strings")
                s = str(m.value)
                if s in members:
                    raise InputError(m.span, f"enum {name} lists {s!r} twice")
                members.append(s)
            if len(members) > MAX_ELEMS:
                raise InputError(body.span, f"enum {name} has more than {MAX_ELEMS} members")
            return EnumT(name, tuple(members))
        if kind == "record":
            if not isinstance(body, YMap) or not body.items:
                raise InputError(body.span, f"record {name} needs fields: {{field: type, ...}}")
            fields = []
            for fname, fnode in body.items.items():
                if not fname.isidentifier():
                    raise InputError(body.keys[fname], f"record field {fname!r} is not an identifier")
                fields.append((fname, self.resolve_type(parse_type(fnode, f"field {name}.{fname}"))))
            return RecordT(name, tuple(fields))
        raise InputError(kspan, f"unknown type form {kind!r}", "use enum or record, or a type string")

    def resolve_type(self, ts: TypeSyntax) -> Type:
        if ts.kind == "range":
            lo, hi = (self.int_value(a, ts.span) for a in ts.args)
            if lo > hi:
                raise InputError(ts.span, f"empty range {lo}..{hi}")
            if hi - lo + 1 > MAX_DOMAIN:
                raise InputError(ts.span, f"range {lo}..{hi} has more than {MAX_DOMAIN} values")
            return IntT(lo, hi)
        if ts.kind == "int":
            raise InputError(ts.span, "expected a type, found a number")
        args = ts.args
        if ts.name in ("set", "seq", "map", "tuple"):
            want = {"set": 1, "seq": 2, "map": 2}.get(ts.name)
            if want is not None and len(args) != want:
                form = {"set": "set[T]", "seq": "seq[T, N]", "map": "map[K, V]"}[ts.name]
                raise InputError(ts.span, f"{ts.name} takes {want} argument{'s' if want > 1 else ''}: {form}")
            if ts.name == "set":
                return SetT(self.resolve_type(args[0]))
            if ts.name == "seq":
                n = self._seq_bound(args[1])
                return SeqT(self.resolve_type(args[0]), n)
            if ts.name == "map":
                return MapT(self.resolve_type(args[0]), self.resolve_type(args[1]))
            if not args:
                raise InputError(ts.span, "tuple needs element types: tuple[A, B]")
            return TupleT(tuple(self.resolve_type(a) for a in args))
        if args:
            raise InputError(ts.span, f"type {ts.name} takes no arguments")
        return self.type_named(ts.name, ts.span)

    def _seq_bound(self, ts: TypeSyntax) -> int:
        if ts.kind == "int":
            n = self.int_value(ts.value, ts.span)
        elif ts.kind == "name" and not ts.args:
            n = self.int_value(("name", ts.name, ts.span), ts.span)
        else:
            raise InputError(ts.span, "the bound of seq[T, N] must be a number or an integer constant")
        if not 0 <= n <= MAX_SEQ:
            raise InputError(ts.span, f"sequence bound {n} is outside 0..{MAX_SEQ}")
        return n

    def int_value(self, e, span: Span) -> int:
        if e[0] == "lit":
            return e[1]
        if e[0] == "name":
            name, nspan = e[1], e[2]
            if name not in self.const_nodes:
                raise InputError(nspan, f"unknown integer constant {name!r}", suggest(name, self.const_nodes))
            c = self.constant(name)
            if c.symbolic:
                raise InputError(nspan, f"constant {name} is symbolic (one of {len(c.domain)} values), but a type "
                                        "or sequence bound needs one fixed number",
                                 f"give {name} a single value, or write a number here")
            if not isinstance(c.type, IntT):
                raise InputError(nspan, f"constant {name} is {c.type}, not an integer")
            return c.value
        a, b = self.int_value(e[1], span), self.int_value(e[2], span)
        return a + b if e[0] == "+" else a - b

    def check_storable(self, t: Type, span: Span, what: str) -> None:
        """State variables, parameters and set elements need finite, small types."""
        if isinstance(t, IntT) and not t.bounded:
            raise InputError(span, f"{what}: int is unbounded; give a range such as 0..5")
        if isinstance(t, SetT):
            self.check_storable(t.elem, span, what)
            check_finite(t.elem, span, f"{what} (set elements)", MAX_ELEMS)
        elif isinstance(t, MapT):
            self.check_storable(t.key, span, what)
            self.check_storable(t.val, span, what)
            check_finite(t.key, span, f"{what} (map keys)", MAX_ELEMS)
        elif isinstance(t, SeqT):
            self.check_storable(t.elem, span, what)
        elif isinstance(t, RecordT):
            for _, ft in t.fields:
                self.check_storable(ft, span, what)
        elif isinstance(t, TupleT):
            for et in t.elems:
                self.check_storable(et, span, what)

    # ------------------------------------------------------------ constants

    def constant(self, name: str) -> Constant:
        if name in self.consts:
            return self.consts[name]
        span = self.const_spans[name]
        if ("const", name) in self.resolving:
            raise InputError(span, f"constant {name!r} is defined in terms of itself")
        self.resolving.append(("const", name))
        try:
            c = self._constant_from_node(name, self.const_nodes[name], span)
        finally:
            self.resolving.pop()
        self.consts[name] = c
        return c

    def _constant_from_node(self, name: str, node: YNode, span: Span) -> Constant:
        if isinstance(node, YMap) and "enum" in node.items:
            t = self.type_named(name, span)
            return Constant(name, SetT(t), frozenset(t.members))
        if isinstance(node, YMap) and "domain" in node.items:
            return self._symbolic_constant(name, node)
        if isinstance(node, YMap):
            check_keys(node, ("type", "value"), f"constant {name}")
            if "type" not in node.items or "value" not in node.items:
                raise InputError(node.span, f"constant {name}: give both type and value, or {{enum: [...]}}")
            t = self.resolve_type(parse_type(node.items["type"], f"constant {name}"))
            return Constant(name, t, self.data_value(node.items["value"], t, f"constant {name}"))
        if isinstance(node, YScalar):
            v = node.value
            if isinstance(v, bool):
                return Constant(name, BOOL, v)
            if isinstance(v, int):
                return Constant(name, IntT(v, v), v)
            if isinstance(v, str):
                owners = self.member_index.get(v, [])
                if len(owners) == 1:
                    t = self.type_named(owners[0], span)
                    return Constant(name, t, v)
                if owners:
                    raise InputError(node.span, f"{v!r} is a member of several enums ({', '.join(owners)}); "
                                                f"write {{type: ..., value: {v}}}")
                if v.strip() == "bool" or ".." in v:  # shorthand for {domain: bool}, {domain: lo..hi}
                    return self._symbolic_constant(name, YMap({"domain": node}, {"domain": node.span}, node.span))
                raise InputError(node.span, f"constant {name}: {v!r} is not a member of any enum",
                                 "declare its type: {type: T, value: ...}")
        raise InputError(node.span, f"constant {name}: write a number, true/false, an enum member, "
                                    "{enum: [...]} or {type: T, value: ...}")

    def _symbolic_constant(self, name: str, node: YMap) -> Constant:
        """A constant given as a domain: `{domain: [v, ...]}` (the type inferred from the
        values, or given as `type: T`), or `{domain: T}` for every value of a bool, range
        or enum type T."""
        check_keys(node, ("type", "domain"), f"constant {name}")
        what = f"the domain of {name}"
        dnode = node.items["domain"]
        declared = None
        if "type" in node.items:
            declared = self.resolve_type(parse_type(node.items["type"], f"constant {name}"))
        if isinstance(dnode, YScalar) and isinstance(dnode.value, str):
            t = self.resolve_type(parse_type(dnode, what))
            if declared is not None and declared != t:
                raise InputError(dnode.span, f"{what} is {t}, but its type is given as {declared}")
            self._scalar_domain_type(t, dnode.span, what)
            return Constant(name, t, None, tuple(domain(t)))
        if not isinstance(dnode, YSeq) or not dnode.items:
            raise InputError(dnode.span, f"{what}: write a non-empty list of values [a, b], or a type "
                                         "(bool, lo..hi, an enum)")
        t = declared if declared is not None else self._infer_domain_type(dnode, what)
        self._scalar_domain_type(t, (node.items.get("type") or dnode).span, what)
        values = []
        for item in dnode.items:
            v = self.data_value(item, t, what)
            if v in values:
                raise InputError(item.span, f"{what} lists {item.value!r} twice")
            values.append(v)
        return Constant(name, t, None, tuple(values))

    def _scalar_domain_type(self, t: Type, span: Span, what: str) -> None:
        if not isinstance(t, (BoolT, IntT, EnumT)) or isinstance(t, IntT) and not t.bounded:
            raise InputError(span, f"{what}: a symbolic constant is a bool, an integer or an enum member, not {t}")

    def _infer_domain_type(self, dnode: YSeq, what: str) -> Type:
        """bools -> bool; integers -> min..max; enum members -> the one enum having them all."""
        first = dnode.items[0]
        kind = _value_kind
        for item in dnode.items:
            if not isinstance(item, YScalar) or kind(item.value) is None:
                raise InputError(item.span, f"{what}: values are enum members, integers or true/false")
            if kind(item.value) != kind(first.value):
                raise InputError(item.span, f"{what} mixes {kind(first.value)} and {kind(item.value)} values")
        if kind(first.value) == "bool":
            return BOOL
        if kind(first.value) == "int":
            return IntT(min(i.value for i in dnode.items), max(i.value for i in dnode.items))
        owners = None
        for item in dnode.items:
            mine = set(self.member_index.get(item.value, []))
            if not mine:
                raise InputError(item.span, f"{what}: {item.value!r} is not a member of any enum",
                                 suggest(item.value, self.member_index))
            owners = mine if owners is None else owners & mine
        if len(owners) != 1:
            which = "no enum has" if not owners else f"several enums ({', '.join(sorted(owners))}) have"
            raise InputError(dnode.span, f"{what}: {which} all of these members", "give its type: {type: T, domain: [...]}")
        return self.type_named(owners.pop(), dnode.span)

    def _check_configurations(self) -> None:
        count = 1
        for c in self.consts.values():
            count *= len(c.domain) if c.symbolic else 1
        if count > MAX_CONFIGS:
            raise InputError(self.doc.keys.get("constants", self.doc.span),
                             f"the symbolic constants have {count} configurations, more than the limit "
                             f"{MAX_CONFIGS}", "give some of them a single value")

    def data_value(self, node: YNode, t: Type, what: str):
        """A YAML data value (not an expression) read as a value of type t."""
        def bad(expected: str):
            raise InputError(node.span, f"{what}: expected {expected} for type {t}")
        if isinstance(t, BoolT):
            if not (isinstance(node, YScalar) and isinstance(node.value, bool)):
                bad("true or false")
            return node.value
        if isinstance(t, IntT):
            if not (isinstance(node, YScalar) and isinstance(node.value, int) and not isinstance(node.value, bool)):
                bad("an integer")
            if t.bounded and not t.lo <= node.value <= t.hi:
                raise InputError(node.span, f"{what}: {node.value} is outside {t}")
            return node.value
        if isinstance(t, EnumT):
            if not (isinstance(node, YScalar) and node.value is not None and not isinstance(node.value, bool)):
                bad("an enum member")
            if str(node.value) not in t.members:
                raise InputError(node.span, f"{what}: {node.value!r} is not a member of {t.name}",
                                 suggest(str(node.value), t.members))
            return str(node.value)
        if isinstance(t, (SetT, SeqT, TupleT)):
            if not isinstance(node, YSeq):
                bad("a list")
            if isinstance(t, SetT):
                self.check_storable(t.elem, node.span, what)
                return frozenset(self.data_value(n, t.elem, what) for n in node.items)
            if isinstance(t, SeqT):
                if len(node.items) > t.maxlen:
                    raise InputError(node.span, f"{what}: {len(node.items)} items exceed the bound {t.maxlen}")
                return tuple(self.data_value(n, t.elem, what) for n in node.items)
            if len(node.items) != len(t.elems):
                bad(f"a list of {len(t.elems)} items")
            return tuple(self.data_value(n, et, what) for n, et in zip(node.items, t.elems))
        if isinstance(t, RecordT):
            if not isinstance(node, YMap):
                bad("a mapping of fields")
            check_keys(node, t.field_names, f"{what} (record {t.name})")
            missing = [f for f in t.field_names if f not in node.items]
            if missing:
                raise InputError(node.span, f"{what}: record {t.name} misses field {missing[0]}")
            return tuple(self.data_value(node.items[f], ft, what) for f, ft in t.fields)
        if isinstance(t, MapT):
            if not isinstance(node, YMap):
                bad("a mapping")
            check_finite(t.key, node.span, what, MAX_ELEMS)
            keys = domain(t.key)
            given = {}
            for k, vnode in node.items.items():
                kv = self.data_value(YScalar(k if not isinstance(t.key, IntT) else int(k) if k.lstrip("-").isdigit() else k,
                                             node.keys[k]), t.key, what)
                given[kv] = self.data_value(vnode, t.val, what)
            missing = [k for k in keys if k not in given]
            if missing:
                raise InputError(node.span, f"{what}: the map gives no value for key {missing[0]!r}")
            return tuple((k, given[k]) for k in keys)
        raise InputError(node.span, f"{what}: unsupported type {t}")

    # ------------------------------------------------------------ sections

    def check_init(self) -> tuple:
        init = self.section("init")
        for name, span in init.keys.items():
            if name not in self.variables:
                raise InputError(span, f"initial value for unknown variable {name!r}", suggest(name, self.variables))
        out = []
        for name, t in self.variables.items():
            if name not in init.items:
                raise InputError(self.doc.keys.get("init", self.doc.span), f"variable {name!r} has no initial value")
            loc = parse_expr(init.items[name], f"init of {name}")
            scope = Scope(self, loc, {}, state=False, what=f"the initial value of {name}")
            e = self.check(loc.tree, t, scope)
            out.append((name, coerce(e, t)))
        return tuple(out)

    def check_actions(self) -> tuple:
        actions = self.section("actions")
        out = []
        total = 0
        for name, node in actions.items.items():
            span = actions.keys[name]
            self._check_name(name, span, "action")
            if isinstance(node, YScalar) and node.value is None:
                node = YMap({}, {}, span)
            if not isinstance(node, YMap):
                raise InputError(node.span, f"action {name} must be a mapping with params, when, then")
            check_keys(node, ("params", "when", "then", "doc"), f"action {name}")
            params = []
            pnode = node.get("params")
            count = 1
            if pnode is not None:
                if not isinstance(pnode, YMap):
                    raise InputError(pnode.span, f"params of {name} must map names to types")
                for pname, ptnode in pnode.items.items():
                    pspan = pnode.keys[pname]
                    self._check_name(pname, pspan, "parameter")
                    if pname in self.variables:
                        raise InputError(pspan, f"parameter {pname!r} hides the variable of the same name")
                    pt = self.resolve_type(parse_type(ptnode, f"parameter {pname}"))
                    self.check_storable(pt, ptnode.span, f"parameter {pname}")
                    check_finite(pt, ptnode.span, f"parameter {pname}", MAX_INSTANCES)
                    count *= domain_size(pt)
                    params.append((pname, pt))
            total += count
            if total > MAX_INSTANCES:
                raise InputError(span, f"the actions have more than {MAX_INSTANCES} parameter combinations; "
                                       "use smaller parameter types")
            local = dict(params)
            guard: Expr = Lit(True, BOOL)
            if node.get("when") is not None:
                loc = parse_expr(node.get("when"), f"guard of {name}")
                guard = self.check(loc.tree, BOOL, Scope(self, loc, local, True, f"the guard of {name}"))
            updates = []
            then = node.get("then")
            if then is not None and not (isinstance(then, YScalar) and then.value is None):
                if not isinstance(then, YMap):
                    raise InputError(then.span, f"`then` of {name} must map variables to new values")
                for var, enode in then.items.items():
                    vspan = then.keys[var]
                    if var not in self.variables:
                        raise InputError(vspan, f"action {name} assigns unknown variable {var!r}",
                                         suggest(var, self.variables))
                    loc = parse_expr(enode, f"update of {var}")
                    t = self.variables[var]
                    e = self.check(loc.tree, t, Scope(self, loc, local, True, f"the update of {var} in {name}"))
                    updates.append((var, coerce(e, t)))
            out.append(Action(name, tuple(params), guard, tuple(updates), span))
        return tuple(out)

    def check_invariants(self) -> tuple:
        invs = self.section("invariants")
        out = []
        for name, node in invs.items.items():
            span = invs.keys[name]
            self._check_name(name, span, "invariant")
            loc = parse_expr(node, f"invariant {name}")
            e = self.check(loc.tree, BOOL, Scope(self, loc, {}, True, f"invariant {name}"))
            out.append(Invariant(name, e, loc.text, span))
        if not out and not self.section("properties").items:
            raise InputError(self.doc.keys.get("invariants", self.doc.span),
                             "the claim has no invariants or properties to check")
        return tuple(out)

    def check_properties(self, invariants: tuple) -> tuple:
        """`name: eventually(P)` or `name: leads_to(P, Q)`; P and Q are state predicates.
        A temporal operator is the whole property: it cannot be nested or negated."""
        props = self.section("properties")
        taken = {i.name for i in invariants}
        out = []
        for name, node in props.items.items():
            span = props.keys[name]
            self._check_name(name, span, "property")
            if name in taken:
                raise InputError(span, f"property {name!r} has the name of an invariant")
            loc = parse_expr(node, f"property {name}")
            tree = loc.tree
            fn = tree.func.id if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) else None
            if fn not in TEMPORAL:
                raise InputError(loc.span_of(tree), f"property {name} must be eventually(P) or leads_to(P, Q)",
                                 "a state predicate that must hold in every state is an invariant")
            if tree.keywords or len(tree.args) != TEMPORAL[fn]:
                n = TEMPORAL[fn]
                raise InputError(loc.span_of(tree), f"{fn}() takes {n} state predicate{'s' if n > 1 else ''}")
            scope = Scope(self, loc, {}, True, f"property {name}")
            args = tuple(self.check(a, BOOL, scope) for a in tree.args)
            out.append(Property(name, fn, args, loc.text, span))
        return tuple(out)

    def check_fairness(self, actions: tuple) -> tuple:
        """`fairness: {weak: [a, [b, c]]}`: a name alone is weakly fair for each of its
        parameter values; a list is one constraint for the whole group."""
        node = self.section("fairness")
        if "strong" in node.items:
            raise InputError(node.keys["strong"], "strong fairness is not supported", "use weak fairness: weak: [...]")
        check_keys(node, ("weak",), "fairness")
        weak = node.get("weak")
        if weak is None or (isinstance(weak, YScalar) and weak.value is None):
            return ()
        if not isinstance(weak, YSeq):
            raise InputError(weak.span, "`weak` must be a list of action names (or lists of them, one per group)")
        names = [a.name for a in actions]
        out = []
        for item in weak.items:
            group = item.items if isinstance(item, YSeq) else [item]
            if not group:
                raise InputError(item.span, "an empty fairness group")
            for member in group:
                if not isinstance(member, YScalar) or not isinstance(member.value, str):
                    raise InputError(member.span, "a fairness entry is an action name or a list of action names")
                if member.value not in names:
                    raise InputError(member.span, f"fairness names unknown action {member.value!r}",
                                     suggest(member.value, names))
            out.append(Fairness(tuple(m.value for m in group), not isinstance(item, YSeq), item.span))
        return tuple(out)

    # ------------------------------------------------------------ expressions

    def err(self, scope: Scope, node: ast.AST, msg: str, hint: str | None = None, cls=InputError):
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
            return Op("seqlit", tuple(coerce(i, expected.elem) for i in items),
                      SeqT(expected.elem, max(len(items), expected.maxlen)), span=sp)
        if isinstance(node, ast.Set) and isinstance(expected, SetT):
            items = tuple(coerce(self.check(n, expected.elem, scope), expected.elem) for n in node.elts)
            return Op("setlit", items, expected, span=sp)
        if isinstance(node, ast.Tuple) and isinstance(expected, TupleT) and len(node.elts) == len(expected.elems):
            items = tuple(coerce(self.check(n, t, scope), t) for n, t in zip(node.elts, expected.elems))
            return Op("tuple", items, expected, span=sp)
        if isinstance(node, ast.IfExp):
            cond = self.check(node.test, BOOL, scope)
            a = self.check(node.body, expected, scope)
            b = self.check(node.orelse, expected, scope)
            t = unify(a.type, b.type)
            if t is None:
                self.err(scope, node, f"the branches have different types: {a.type} and {b.type}")
            return Op("if", (cond, coerce(a, t), coerce(b, t)), t, span=sp)
        if isinstance(node, ast.SetComp) and isinstance(expected, SetT):
            return self.comprehension(node, "set", scope, elem_type=expected.elem)
        if isinstance(node, ast.DictComp) and isinstance(expected, MapT):
            e = self.comprehension(node, "map", scope, elem_type=expected.val)
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
                     "see the claim-language reference in README.md")
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
            owners = self.member_index.get(v, [])
            if len(owners) == 1:
                return Lit(v, self.type_named(owners[0], sp), sp)
            if owners:
                self.err(scope, node, f"{v!r} is a member of several enums ({', '.join(owners)}); "
                                      "compare it with a typed value", cls=NeedsType)
            self.err(scope, node, f"{v!r} is not a member of any enum",
                     suggest(v, self.member_index))
        self.err(scope, node, f"unsupported literal {v!r}")

    def infer_Name(self, node, scope):
        sp = scope.loc.span_of(node)
        name = node.id
        if name in scope.locals:
            return Ref("local", name, scope.locals[name], sp)
        if name in self.variables:
            if not scope.state:
                self.err(scope, node, f"{scope.what} cannot use the variable {name!r}: "
                                      "initial values may use constants only")
            return Ref("var", name, self.variables[name], sp)
        if name in self.defs:
            return self.def_call(name, [], node, scope)
        if name in self.const_nodes:
            c = self.constant(name)
            return Ref("const", name, c.type, sp)
        if name in self.type_nodes:
            t = self.type_named(name, sp)
            if isinstance(t, EnumT):
                return Lit(frozenset(t.members), SetT(t), sp)
            self.err(scope, node, f"type {name} is not a value", f"build a record with {name}(...)")
        owners = self.member_index.get(name, [])
        if len(owners) == 1:
            return Lit(name, self.type_named(owners[0], sp), sp)
        if owners:
            self.err(scope, node, f"{name!r} is a member of several enums ({', '.join(owners)}); "
                                  "compare it with a typed value", cls=NeedsType)
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
        return Op("field", (base,), ft, attr=node.attr, span=scope.loc.span_of(node))

    def infer_Subscript(self, node, scope):
        sp = scope.loc.span_of(node)
        base = self.infer(node.value, scope)
        idx = node.slice
        if isinstance(base.type, SeqT):
            i = self.check(idx, INT, scope)
            return Op("index", (base, i), base.type.elem, span=sp)
        if isinstance(base.type, MapT):
            k = self.check(idx, base.type.key, scope)
            return Op("get", (base, coerce(k, base.type.key)), base.type.val, span=sp)
        if isinstance(base.type, TupleT):
            if not (isinstance(idx, ast.Constant) and isinstance(idx.value, int)) or not \
                    0 <= idx.value < len(base.type.elems):
                self.err(scope, idx, f"a tuple index must be a number from 0 to {len(base.type.elems) - 1}")
            return Op("index", (base, Lit(idx.value, INT)), base.type.elems[idx.value], span=sp)
        self.err(scope, node, f"{base.type} cannot be indexed")

    def infer_BoolOp(self, node, scope):
        op = "and" if isinstance(node.op, ast.And) else "or"
        args = tuple(self.check(v, BOOL, scope) for v in node.values)
        return Op(op, args, BOOL, span=scope.loc.span_of(node))

    def infer_UnaryOp(self, node, scope):
        sp = scope.loc.span_of(node)
        if isinstance(node.op, ast.Not):
            return Op("not", (self.check(node.operand, BOOL, scope),), BOOL, span=sp)
        if isinstance(node.op, ast.USub):
            return Op("neg", (self.check(node.operand, INT, scope),), INT, span=sp)
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
        arith = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}
        sets = {ast.BitOr: "union", ast.BitAnd: "inter", ast.Sub: "diff"}
        a, b = self.pair(node.left, node.right, scope)
        if isinstance(a.type, IntT) and isinstance(b.type, IntT) and type(node.op) in arith:
            return Op(arith[type(node.op)], (a, b), INT, span=sp)
        if isinstance(a.type, SetT) and isinstance(b.type, SetT) and type(node.op) in sets:
            t = unify(a.type, b.type)
            if t is None:
                self.err(scope, node, f"cannot combine {a.type} and {b.type}")
            return Op(sets[type(node.op)], (coerce(a, t), coerce(b, t)), t, span=sp)
        self.err(scope, node, f"operator {type(node.op).__name__} does not apply to {a.type} and {b.type}")

    def infer_Compare(self, node, scope):
        sp = scope.loc.span_of(node)
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            parts.append(self.compare(op, left, right, scope, node))
            left = right
        return parts[0] if len(parts) == 1 else Op("and", tuple(parts), BOOL, span=sp)

    def compare(self, op, left, right, scope, node) -> Expr:
        sp = scope.loc.span_of(node)
        if isinstance(op, (ast.In, ast.NotIn)):
            coll = self.infer(right, scope)
            if isinstance(coll.type, (SetT, SeqT)):
                elem = self.check(left, coll.type.elem, scope)
                e = Op("in", (elem, coll), BOOL, span=sp)
            else:
                self.err(scope, right, f"`in` needs a set or sequence, found {coll.type}")
            return Op("not", (e,), BOOL, span=sp) if isinstance(op, ast.NotIn) else e
        if isinstance(op, (ast.Is, ast.IsNot)):
            self.err(scope, node, "use == and != instead of is")
        a, b = self.pair(left, right, scope)
        t = unify(a.type, b.type)
        if t is None:
            self.err(scope, node, f"cannot compare {a.type} with {b.type}")
        name = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
        if name in ("<", "<=", ">", ">=") and isinstance(t, SetT):
            if name in (">", ">="):
                a, b = b, a
            sub = Op("subset", (coerce(a, t), coerce(b, t)), BOOL, span=sp)
            if name in ("<", ">"):
                return Op("and", (sub, Op("!=", (coerce(a, t), coerce(b, t)), BOOL, span=sp)), BOOL, span=sp)
            return sub
        if name in ("<", "<=", ">", ">=") and not isinstance(t, IntT):
            self.err(scope, node, f"{name} compares integers or sets, not {t}")
        return Op(name, (coerce(a, t), coerce(b, t)), BOOL, span=sp)

    def infer_IfExp(self, node, scope):
        cond = self.check(node.test, BOOL, scope)
        a, b = self.pair(node.body, node.orelse, scope)
        t = unify(a.type, b.type)
        if t is None:
            self.err(scope, node, f"the branches have different types: {a.type} and {b.type}")
        return Op("if", (cond, coerce(a, t), coerce(b, t)), t, span=scope.loc.span_of(node))

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
        return Op("setlit", tuple(coerce(i, t) for i in items), SetT(t), span=scope.loc.span_of(node))

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
        return Op("seqlit", tuple(coerce(i, t) for i in items), SeqT(t, len(items)), span=scope.loc.span_of(node))

    def infer_Tuple(self, node, scope):
        items = tuple(self.infer(n, scope) for n in node.elts)
        if not items:
            self.err(scope, node, "empty tuple")
        return Op("tuple", items, TupleT(tuple(i.type for i in items)), span=scope.loc.span_of(node))

    def infer_SetComp(self, node, scope):
        return self.comprehension(node, "set", scope)

    def infer_DictComp(self, node, scope):
        return self.comprehension(node, "map", scope)

    def infer_GeneratorExp(self, node, scope):
        self.err(scope, node, "a generator needs all(...), any(...), sum(...), min(...), max(...) or choose(...)")

    def infer_ListComp(self, node, scope):
        self.err(scope, node, "list comprehensions are not supported; use a set comprehension {...}")

    # ------------------------------------------------------------ calls

    def infer_Call(self, node, scope):
        sp = scope.loc.span_of(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "put":
            m = self.infer(node.func.value, scope)
            if not isinstance(m.type, MapT) or len(node.args) != 2 or node.keywords:
                self.err(scope, node, "m.put(key, value) needs a map and two arguments")
            k = coerce(self.check(node.args[0], m.type.key, scope), m.type.key)
            v = coerce(self.check(node.args[1], m.type.val, scope), m.type.val)
            return Op("put", (m, k, v), m.type, span=sp)
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
            return self.comprehension(gen, fn, scope)
        if fn in ("min", "max"):
            if len(args) == 1:
                s = self.infer(args[0], scope)
                if not isinstance(s.type, SetT) or not isinstance(s.type.elem, IntT):
                    self.err(scope, node, f"{fn}(S) needs a set of integers")
                return Op(fn + "set", (s,), INT, span=sp)
            if len(args) < 2:
                self.err(scope, node, f"{fn}() needs arguments")
            items = tuple(self.check(a, INT, scope) for a in args)
            return Op(fn, items, INT, span=sp)
        self._arity(fn, node, {"len": 1, "implies": 2, "append": 2, "head": 1, "tail": 1, "set": 0,
                               "replace": 1}, scope)
        if fn == "len":
            s = self.infer(args[0], scope)
            if not isinstance(s.type, (SetT, SeqT)):
                self.err(scope, node, f"len() needs a set or sequence, found {s.type}")
            return Op("len", (s,), INT, span=sp)
        if fn == "implies":
            return Op("implies", tuple(self.check(a, BOOL, scope) for a in args), BOOL, span=sp)
        if fn in ("append", "head", "tail"):
            s = self.infer(args[0], scope)
            if not isinstance(s.type, SeqT):
                self.err(scope, node, f"{fn}() needs a sequence, found {s.type}")
            if fn == "head":
                return Op("head", (s,), s.type.elem, span=sp)
            if fn == "tail":
                return Op("tail", (s,), s.type, span=sp)
            item = coerce(self.check(args[1], s.type.elem, scope), s.type.elem)
            if s.type.maxlen >= MAX_SEQ:
                self.err(scope, node, f"append would exceed the longest supported sequence ({MAX_SEQ})")
            return Op("append", (s, item), SeqT(s.type.elem, s.type.maxlen + 1), span=sp)
        if fn == "set":
            self.err(scope, node, "the type of set() is not known here: compare or assign it to a typed set",
                     cls=NeedsType)
        if fn == "replace":
            r = self.infer(args[0], scope)
            if not isinstance(r.type, RecordT):
                self.err(scope, node, "replace(r, field=value) needs a record")
            updates = []
            for kw in node.keywords:
                ft = r.type.field_type(kw.arg or "")
                if ft is None:
                    self.err(scope, kw.value, f"record {r.type.name} has no field {kw.arg!r}")
                updates.append((kw.arg, coerce(self.check(kw.value, ft, scope), ft)))
            return Op("replace", (r,) + tuple(v for _, v in updates), r.type,
                      attr=tuple(k for k, _ in updates), span=sp)
        if fn == "range":
            self.err(scope, node, "range() may only appear after `in` in a generator")
        if fn in TEMPORAL:
            self.err(scope, node, f"{fn}() may only be a whole property under `properties:`",
                     "write it as `properties: {name: " + fn + "(...)}`; invariants and definitions are state predicates")
        known = list(self.defs) + list(BUILTINS) + [n for n, t in self.types.items() if isinstance(t, RecordT)]
        self.err(scope, node, f"unknown function {fn!r}", suggest(fn, known))

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
        for (fname, ft), a in zip(t.fields, node.args):
            values[fname] = coerce(self.check(a, ft, scope), ft)
        for kw in node.keywords:
            ft = t.field_type(kw.arg or "")
            if ft is None:
                self.err(scope, kw.value, f"record {name} has no field {kw.arg!r}", suggest(kw.arg or "", t.field_names))
            if kw.arg in values:
                self.err(scope, kw.value, f"field {kw.arg} given twice")
            values[kw.arg] = coerce(self.check(kw.value, ft, scope), ft)
        missing = [f for f in t.field_names if f not in values]
        if missing:
            self.err(scope, node, f"record {name} misses field {missing[0]!r}")
        return Op("record", tuple(values[f] for f in t.field_names), t, span=sp)

    def def_call(self, name, args, node, scope) -> Expr:
        sp = scope.loc.span_of(node)
        params, body_node, dspan = self.defs[name]
        if len(args) != len(params):
            self.err(scope, node, f"{name} takes {len(params)} argument{'s' if len(params) != 1 else ''}, "
                                  f"got {len(args)}")
        ptypes, rtype = self.def_types[name]
        arg_exprs = tuple(coerce(self.check(a, ptypes[p], scope), ptypes[p]) if p in ptypes else self.infer(a, scope)
                          for p, a in zip(params, args))
        key = (name, tuple(a.type for a in arg_exprs), scope.state)
        if key not in self.def_cache:
            if name in self.def_stack:
                self.err(scope, node, f"definition {name} is recursive ({' -> '.join(self.def_stack + [name])})")
            self.def_stack.append(name)
            try:
                loc = parse_expr(body_node, f"definition {name}")
                inner = Scope(self, loc, {p: a.type for p, a in zip(params, arg_exprs)}, scope.state,
                              f"definition {name}")
                body = self.check(loc.tree, rtype, inner) if rtype else self.infer(loc.tree, inner)
                self.def_cache[key] = coerce(body, rtype) if rtype else body
            finally:
                self.def_stack.pop()
        body = self.def_cache[key]
        return DefCall(name, params, arg_exprs, body, body.type, sp)

    # ------------------------------------------------------------ comprehensions

    def comprehension(self, node, kind: str, scope: Scope, elem_type: Type | None = None) -> Expr:
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
        cond = None
        if conds:
            cond = conds[0] if len(conds) == 1 else Op("and", tuple(conds), BOOL)
        if kind in ("all", "any"):
            elt = self.check(node.elt, BOOL, inner)
            return Comp(kind, tuple(gens), cond, elt, BOOL, span=sp)
        if kind in ("sum", "min", "max"):
            elt = self.check(node.elt, INT, inner)
            return Comp(kind, tuple(gens), cond, elt, INT, span=sp)
        if kind == "choose":
            elt = self.infer(node.elt, inner)
            return Comp(kind, tuple(gens), cond, elt, elt.type, span=sp)
        if kind == "set":
            elt = self.check(node.elt, elem_type, inner) if elem_type else self.infer(node.elt, inner)
            et = elem_type or elt.type
            if isinstance(et, IntT) and not et.bounded:
                et = self._int_bound(elt, gens, scope, node)
            self.check_storable(et, sp, "set comprehension")
            check_finite(et, sp, "set comprehension", MAX_ELEMS)
            return Comp(kind, tuple(gens), cond, coerce(elt, et), SetT(et), span=sp)
        if kind == "map":
            src = gens[0].source if gens else None
            whole = isinstance(src, Lit) and src.value == frozenset(domain(gens[0].elem)) or \
                isinstance(src, Ref) and src.kind == "const" and \
                self.consts[src.name].value == frozenset(domain(gens[0].elem))
            if len(gens) != 1 or cond is not None or not (isinstance(node.key, ast.Name) and node.key.id == gens[0].name) \
                    or gens[0].kind != "set" or not whole:
                self.err(scope, node, "a map is built as {k: value for k in K}, where K is a whole enum or range")
            elt = self.check(node.value, elem_type, inner) if elem_type else self.infer(node.value, inner)
            vt = elem_type or elt.type
            return Comp(kind, tuple(gens), None, coerce(elt, vt), MapT(gens[0].elem, vt), span=sp)
        raise AssertionError(kind)

    def _int_bound(self, elt, gens, scope, node) -> Type:
        if isinstance(elt, Ref) and elt.kind == "local":
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
            limits = [b for b in bounds if isinstance(b, Expr)]
            if len(it.args) == 1:
                lo, hi = 0, bounds[0]
            else:
                lo, hi = bounds
            for a, b in zip(it.args, bounds):
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
            return Gen(name, "range", (lo, hi), t, limit)
        src = self.infer(it, scope)
        if isinstance(src.type, SetT):
            self.check_storable(src.type.elem, scope.loc.span_of(it), "quantified set")
            check_finite(src.type.elem, scope.loc.span_of(it), "quantified set", MAX_DOMAIN)
            return Gen(name, "set", src, src.type.elem)
        if isinstance(src.type, SeqT):
            return Gen(name, "seq", src, src.type.elem)
        self.err(scope, it, f"cannot iterate over {src.type}; use a set, a sequence or range()")

    def _symbolic_in(self, e) -> str | None:
        """The first symbolic constant an expression reads, if any."""
        if isinstance(e, Ref):
            return e.name if e.kind == "const" and self.consts[e.name].symbolic else None
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
        if isinstance(e, Ref) and e.kind == "const":
            return self.consts[e.name].value
        if isinstance(e, Op) and e.op in ("+", "-", "*"):
            a, b = self._fold(e.args[0]), self._fold(e.args[1])
            if a is None or b is None:
                return None
            return a + b if e.op == "+" else a - b if e.op == "-" else a * b
        return None

    def _static_max(self, e, scope, node) -> int:
        if isinstance(e, Op) and e.op == "len":
            t = e.args[0].type
            return t.maxlen if isinstance(t, SeqT) else domain_size(t.elem)
        self.err(scope, node, "the end of range() must be a constant or len(s)")


def check_variant(variant: Variant) -> Model:
    model = ClaimChecker(variant).run()
    check_size(model)
    return model


# ---------------------------------------------------------------- encoded size

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
    if g.kind == "range":
        return _capped(g.source[1] - g.source[0])
    if g.kind == "seq":
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
    parts = [("the state", None, state)]
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
