"""Declarations of a claim: its named types (enums, records, aliases), its constants
(fixed or symbolic, with their domains), YAML data read as values of a type, and the
finiteness and size limits on the types a state may hold."""
from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

from symcheck.errors import InputError, Span, suggest
from symcheck.front.ir import (BOOL, INT, STR, BoolT, Constant, EnumT, IntT, MapT, RecordT, SeqT, SetT, SortT, StrT,
                               TupleT, Type)
from symcheck.front.strings import Strings, fits
from symcheck.front.overrides import Override
from symcheck.front.source import TypeSyntax, YMap, YNode, YScalar, YSeq, parse_type
from symcheck.front.values import MAX_DOMAIN, check_finite, domain, domain_size
from symcheck.front.variants import Variant, check_keys

MAX_ELEMS = 4096  # largest element domain of a set or key domain of a map
MAX_SEQ = 64  # longest sequence bound
MAX_CONFIGS = 4096  # configurations of the symbolic constants (the product of their domains)


def _describe(t: Type, symbolic: bool) -> str:
    """What kind of constant one of type t is, for an override's error: `an integer constant`."""
    if isinstance(t, BoolT):
        what = "a boolean constant"
    elif isinstance(t, IntT):
        what = "an integer constant" + (f" in {t.lo}..{t.hi}" if t.bounded else "")
    elif isinstance(t, EnumT):
        shown = ", ".join(t.members[:8]) + (", ..." if len(t.members) > 8 else "")
        what = f"a constant of enum {t.name} ({shown})"
    else:
        what = f"a constant of type {t}"
    return what + (" (symbolic: one value fixes it, a list gives its domain)" if symbolic else "")


def _value_kind(v) -> str | None:
    """What a YAML scalar in a domain list is: bool, int or name."""
    return "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "name" if isinstance(v, str) else None


class Declarations(Strings):
    """What a claim declares, resolved on demand (a type or constant may use one declared
    later); the base of the claim checker, which adds expressions and sections."""

    def __init__(self, variant: Variant, overrides: Mapping[str, Override] | None = None):
        self.variant = variant
        self.overrides: dict[str, Override] = dict(overrides or {})  # constants given from outside (--set)
        self.applied: dict[str, Constant] = {}  # the overridden constants, as checked
        self.doc = variant.doc
        self.file = variant.doc.span.file
        self.type_nodes: dict[str, YNode] = {}
        self.type_spans: dict[str, Span] = {}
        self.types: dict[str, Type] = {}
        self.const_nodes: dict[str, YNode] = {}
        self.const_spans: dict[str, Span] = {}
        self.consts: dict[str, Constant] = {}
        self.resolving: list[tuple[str, str]] = []  # ("type" or "const", name) being resolved
        self.enum_consts: set[str] = set()
        self.variables: dict[str, Type] = {}
        self.defs: dict[str, tuple] = {}  # name -> (params, YNode, key span)
        self.def_cache: dict = {}
        self.def_types: dict = {}  # name -> ({param: Type}, return Type | None)
        self.def_stack: list[str] = []
        self.member_index: dict[str, list[str]] = {}  # enum member -> the enums (types or constants) listing it

    def type_named(self, name: str, span: Span) -> Type:
        if name in self.types:
            return self.types[name]
        if name == "bool":
            return BOOL
        if name == "int":
            return INT
        if name == "str":
            return STR
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
            raise InputError(node.span,
                             f"type {name}: write {{enum: [...]}}, {{record: {{field: type}}}} or a type string")
        kind, body = next(iter(node.items.items()))
        kspan = node.keys[kind]
        if kind == "enum":
            if not isinstance(body, YSeq) or not body.items:
                raise InputError(body.span, f"enum {name} needs a non-empty list of members")
            members = []
            for m in body.items:
                if not isinstance(m, YScalar) or not isinstance(m.value, str):
                    shown = f" ({m.value!r} is {'a number' if isinstance(m.value, (int, float)) else 'not a name'})" \
                        if isinstance(m, YScalar) and not isinstance(m.value, bool) and m.value is not None else ""
                    raise InputError(m.span, f"enum {name}: members are names or strings{shown}",
                                     f"quote it ('{m.value}') to use it as a name" if shown else None)
                s = str(m.value)
                if s in members:
                    raise InputError(m.span, f"enum {name} lists {s!r} twice")
                members.append(s)
            if len(members) > MAX_ELEMS:
                raise InputError(body.span, f"enum {name} has more than {MAX_ELEMS} members")
            return EnumT(name, tuple(members))
        if kind == "sort":
            return SortT(str(body.value))
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

    def declare_sort(self, name: str, node: YMap) -> None:
        """`Senders: {sort: Sender}`: the sort `Sender` (members without names, any number
        of them) and the constant `Senders`, the set of all of them (also a type name)."""
        check_keys(node, ("sort",), f"constant {name}")
        body, span = node.items["sort"], node.keys["sort"]
        if not isinstance(body, YScalar) or not isinstance(body.value, str) or not body.value.isidentifier():
            raise InputError(body.span, f"constant {name}: write {{sort: Name}}, the name of the sort")
        if body.value == name or body.value in self.type_nodes:
            raise InputError(body.span, f"sort {body.value!r} clashes with a type or this constant's name")
        self.enum_consts.add(name)
        self.type_nodes[body.value] = node
        self.type_spans[body.value] = span

    def resolve_type(self, ts: TypeSyntax) -> Type:
        if ts.kind == "range" and ts.args[1] is None:  # `lo..`: every integer from lo on
            return IntT(self.int_value(ts.args[0], ts.span), None)
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
        if ts.name == "str" and ts.name not in self.type_nodes:
            return self.string_type(ts)
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
        """State variables, parameters and set elements need small types when finite;
        unbounded ones (`int`, `0..`, a sort, sets and maps over them) go to the SMT
        engines as Z3 integers and arrays."""
        if isinstance(t, SetT):
            self.check_storable(t.elem, span, what)
            if domain_size(t.elem) is not None:
                check_finite(t.elem, span, f"{what} (set elements)", MAX_ELEMS)
        elif isinstance(t, MapT):
            self.check_storable(t.key, span, what)
            self.check_storable(t.val, span, what)
            if domain_size(t.key) is not None:
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
            if name in self.overrides and name not in self.enum_consts:
                c = self._overridden(name, self.const_nodes[name], span, self.overrides[name])
            else:
                c = self._constant_from_node(name, self.const_nodes[name], span)
            if name in self.overrides:
                self.applied[name] = c
        finally:
            self.resolving.pop()
        self.consts[name] = c
        return c

    # ------------------------------------------------------------ overrides (--set)

    def override_enum_constants(self) -> None:
        """An enum constant (`Senders: {enum: [a, b, c]}`) overridden by a list of names
        gets those members, before any type is built from it."""
        for name, o in self.overrides.items():
            if name not in self.enum_consts:
                continue
            if not isinstance(o.node, YSeq) or not o.node.items:
                raise InputError(o.node.span, f"{name} is an enum constant (a set of names) of claim "
                                              f"{self.variant.name}: give a non-empty list of names",
                                 f"e.g. {name}=[a, b]")
            self.const_nodes[name] = YMap({"enum": o.node}, {"enum": o.span}, o.node.span)

    def _declared_type(self, name: str, node: YNode, span: Span) -> tuple[Type, bool]:
        """The type an override of constant `name` must have, and whether the claim's
        constant is symbolic. The type is as declared (`type:`), else as the claim's value
        implies it, except that an integer constant without a declared type (a number, or
        a domain such as 1..3 or [1, 2]) takes any integer: its range is the claim's
        choice, not a type. The claim's own value is not checked: the override replaces it."""
        if isinstance(node, YMap) and "type" in node.items:
            return self.resolve_type(parse_type(node.items["type"], f"constant {name}")), "domain" in node.items
        c = self._constant_from_node(name, node, span)
        return (INT if isinstance(c.type, IntT) else c.type), c.symbolic

    def _overridden(self, name: str, node: YNode, span: Span, o: Override) -> Constant:
        """Constant `name` with the override's value, checked against the constant's type.
        A bool, integer or enum constant takes one value (fixed) or a list of values, or
        for an integer a range `lo..hi` (symbolic over them, as `domain:` in a claim)."""
        t, symbolic = self._declared_type(name, node, span)
        kind = _describe(t, symbolic)
        claim = self.variant.name
        scalar = isinstance(t, (BoolT, IntT, EnumT))
        value = o.node

        def checked(n: YNode, as_type: Type):
            try:
                return self.data_value(n, as_type, name)
            except InputError as exc:
                problem = exc.message.removeprefix(f"{name}: ")
                if problem.startswith("expected ") and isinstance(n, YScalar):
                    problem = f"{problem.split(' for type ')[0]}, not {n.value!r}"
                raise InputError(exc.span, f"{name} is {kind} of claim {claim}; {problem}", exc.hint) from None
        if scalar and isinstance(value, YScalar) and isinstance(t, IntT) and isinstance(value.value, str) \
                and ".." in value.value:
            r = self.resolve_type(parse_type(value, f"the value of {name}"))
            if not isinstance(r, IntT) or (t.bounded and not (t.lo <= r.lo and r.hi <= t.hi)):
                raise InputError(value.span, f"{name} is {kind} of claim {claim}; {value.value} is not within it")
            return Constant(name, r, None, tuple(domain(r)))
        if scalar and isinstance(value, YSeq):
            if not value.items:
                raise InputError(value.span, f"{name} is {kind} of claim {claim}; give a value, or a non-empty "
                                             "list of values to check each")
            values: list = []
            for item in value.items:
                v = checked(item, t)
                if v in values:
                    raise InputError(item.span, f"the values given for {name} list {v!r} twice")
                values.append(v)
            if isinstance(t, IntT) and not t.bounded:
                t = IntT(min(values), max(values))
            return Constant(name, t, None, tuple(values))
        v = checked(value, t)
        if isinstance(t, IntT) and not t.bounded:
            return Constant(name, IntT(v, v), v)
        return Constant(name, t, v)

    def _constant_from_node(self, name: str, node: YNode, span: Span) -> Constant:
        if isinstance(node, YMap) and "enum" in node.items:
            t = self.type_named(name, span)
            return Constant(name, SetT(t), frozenset(t.members))
        if isinstance(node, YMap) and "sort" in node.items:  # the universe of the sort
            return Constant(name, SetT(self.type_named(name, span)), None)
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
            if isinstance(t, IntT) and not t.bounded or isinstance(t, SortT):  # `1..`, a sort: any value
                return Constant(name, t, None)
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
        if not isinstance(t, (BoolT, IntT, EnumT, StrT)) or isinstance(t, IntT) and not t.bounded:
            raise InputError(span, f"{what}: a symbolic constant is a bool, an integer, an enum member or a "
                                   f"string, not {t}")

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
            raise InputError(dnode.span, f"{what}: {which} all of these members",
                             "give its type: {type: T, domain: [...]}")
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
        def bad(expected: str) -> NoReturn:
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
        if isinstance(t, StrT):
            if not (isinstance(node, YScalar) and isinstance(node.value, str)):
                bad("a string (quote it)")
            if not fits(t, node.value):
                raise InputError(node.span, f"{what}: {node.value!r} is not a value of {t}")
            return node.value
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
            return tuple(self.data_value(n, et, what) for n, et in zip(node.items, t.elems, strict=False))
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
                key = k if not isinstance(t.key, IntT) else int(k) if k.lstrip("-").isdigit() else k
                kv = self.data_value(YScalar(key,
                                             node.keys[k]), t.key, what)
                given[kv] = self.data_value(vnode, t.val, what)
            missing = [k for k in keys if k not in given]
            if missing:
                raise InputError(node.span, f"{what}: the map gives no value for key {missing[0]!r}")
            return tuple((k, given[k]) for k in keys)
        raise InputError(node.span, f"{what}: unsupported type {t}")
