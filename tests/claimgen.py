"""Random well-typed claims for differential testing.

`any_claims()` mixes two strategies. `claims()` draws a small transition system:
variables of random types (bool, integer ranges, enums, sets, records, sequences),
integer and Boolean constants, definitions, actions with parameters and guards, and invariants.
It yields a `GenClaim`, rendered as claim YAML by `GenClaim.yaml()`, so every example
goes through the real front end (YAML, expression parser, type checker).

State spaces stay small (a few thousand states at most), so the explicit-state
evaluator explores them completely. The invariants are a mix of random formulas and
"this state is unreachable" targets, so some claims hold and others are violated at
various depths, including by ill-formed operations (division by zero, head of an
empty sequence, a set element outside its domain) and variables leaving their range;
and of laws, identities true in every state between two ways of writing one thing
(`Builder.law`), which an encoder slip on either side breaks. Formulas include
operations that would be ill-formed behind the condition that protects them, joined
lazily (`and`, `implies`, if, all() and any() stopping early).

Each constant records the other values it may take (`GenClaim.domains`): the claim is
well-typed for every one of them, so `GenClaim.yaml(constants={...})` renders the
same claim in another configuration (for symbolic-constant and matrix checks).

`shaped_claims()` assembles the shapes of the real suite (clocks and TTLs, bounded
queues, races between actors, tokens) so that counterexamples are long and holding
claims need more than 1-induction (see its section below)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml
from hypothesis import strategies as st

MAX_STATES = 3000  # product of the variables' domain sizes


@dataclass(frozen=True)
class Ty:
    """A type of the generated claim, with what the generator needs to know about it."""
    kind: str  # bool | int | enum | set | seq | rec | map | tup
    spelled: str  # as written in the claim: "0..N", "E", "set[E]", "seq[F, 2]"
    lo: int = 0  # int: bounds (with the constants' drawn values)
    hi: int = 0
    name: str = ""  # enum and record name
    members: tuple = ()  # enum members
    elem: Ty | None = None  # set and sequence element, map value
    bound: int = 0  # sequence bound
    fields: tuple = ()  # record: ((field, Ty), ...); tuple: ((index, Ty), ...)
    key: Ty | None = None  # map key (an enum)

    def size(self) -> int:
        if self.kind == "bool":
            return 2
        if self.kind == "int":
            return self.hi - self.lo + 1
        if self.kind == "enum":
            return len(self.members)
        if self.kind == "set":
            return 2 ** self.elem.size()
        if self.kind == "seq":
            return sum(self.elem.size() ** k for k in range(self.bound + 1))
        if self.kind == "map":
            return self.elem.size() ** self.key.size()
        total = 1
        for _, ft in self.fields:
            total *= ft.size()
        return total


def compatible(a: Ty, b: Ty) -> bool:
    """Can a value of b stand where a is expected (integer ranges are checked at run time)?"""
    if a.kind != b.kind:
        return False
    if a.kind in ("enum", "rec"):
        return a.name == b.name
    if a.kind in ("set", "seq"):
        return compatible(a.elem, b.elem)
    if a.kind == "map":
        return a.key.name == b.key.name and compatible(a.elem, b.elem)
    if a.kind == "tup":
        return len(a.fields) == len(b.fields) and all(compatible(x, y) for (_, x), (_, y) in zip(a.fields, b.fields))
    return True


BOOL = Ty("bool", "bool")


@dataclass
class GenClaim:
    """A generated claim: its document (plain data) and the constants' alternatives."""
    doc: dict
    domains: dict = field(default_factory=dict)  # constant -> every value it may take

    def yaml(self, constants: dict | None = None) -> str:
        """The claim file; `constants` replaces constant values (any YAML data)."""
        doc = dict(self.doc)
        if constants:
            doc["constants"] = {**doc.get("constants", {}), **constants}
        head = f"# domains: {json.dumps(self.domains)}\n" if self.domains else ""
        return head + yaml.safe_dump(doc, sort_keys=False, width=10_000, allow_unicode=True)

    @classmethod
    def from_text(cls, text: str) -> GenClaim:
        """Read back a claim written by `yaml()` (a regression file)."""
        domains = {}
        for line in text.splitlines():  # the header comment (a regression file's starts with how to run it)
            if not line.startswith("#"):
                break
            if line.startswith("# domains: "):
                domains = json.loads(line[len("# domains: "):])
        return cls(yaml.safe_load(text), domains)


class Scope:
    """Names an expression may use, with their types."""

    def __init__(self, names: dict, state: bool = True):
        self.names = names  # name -> Ty (variables, parameters, bound names, constants)
        self.state = state
        self.fresh = 0

    def bind(self, ty: Ty) -> tuple[str, Scope]:
        name = f"x{len([n for n in self.names if n.startswith('x')])}"
        inner = Scope({**self.names, name: ty}, self.state)
        return name, inner

    def of(self, ty: Ty) -> list:
        return [n for n, t in self.names.items() if compatible(ty, t)]

    def types(self, kind: str) -> list:
        return [t for t in self.names.values() if t.kind == kind]


INFER, WEAK, CHECK = "infer", "weak", "check"


class Builder:
    """Draws typed expressions. The `mode` follows how the checker types a position:
    CHECK against an expected type (an assignment, a record field, an `in` operand),
    WEAK as the second operand of a comparison or set operation (`{}`, `[]` and set
    literals take the other operand's type), or INFER with no context. Only CHECK
    positions may hold set comprehensions whose elements are integer arithmetic."""

    def __init__(self, draw, universe: dict, defs: dict):
        self.draw = draw
        self.universe = universe  # type name -> Ty (enums, the record)
        self.defs = defs  # def name -> (param Ty | None, result Ty)

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p: float) -> bool:
        """True with probability about p; False in the simplest example (what Hypothesis
        shrinks to)."""
        return self.draw(st.integers(0, 99)) >= 100 - p * 100

    # ---------------------------------------------------------------- literals

    def literal(self, ty: Ty, mode: str = CHECK, spread: bool = False) -> str:
        """A constant expression of type ty (no variables). `spread`: ints may fall
        outside the range."""
        typed = mode != INFER
        k = ty.kind
        if k == "bool":
            return self.pick(["True", "False"])
        if k == "int":
            if spread:
                return str(self.pick([ty.hi + 1, ty.lo - 1]))
            return str(ty.lo + self.draw(st.integers(0, ty.hi - ty.lo)))
        if k == "enum":
            return repr(self.pick(list(ty.members)))
        if k == "set":
            n = self.draw(st.integers(0 if typed else 1, 2))
            if n == 0:
                return "{}"
            items = sorted({self.literal(ty.elem) for _ in range(n)})
            return "{" + ", ".join(items) + "}"
        if k == "seq":
            n = self.draw(st.integers(0 if typed else 1, min(ty.bound, 2)))
            if n == 0:
                return "[]"
            return "[" + ", ".join(self.literal(ty.elem) for _ in range(n)) + "]"
        if k == "map":
            return f"{{k: {self.literal(ty.elem)} for k in {ty.key.name}}}"
        args = ", ".join(self.literal(ft) for _, ft in ty.fields)
        return f"({args})" if k == "tup" else f"{ty.name}({args})"

    def literals(self, ty: Ty) -> list:
        """Every value of a small type as a literal (WEAK: `{}` and `[]` allowed)."""
        k = ty.kind
        if k == "bool":
            return ["False", "True"]
        if k == "int":
            return [str(i) for i in range(ty.lo, ty.hi + 1)]
        if k == "enum":
            return [repr(m) for m in ty.members]
        if k == "set":
            elems = self.literals(ty.elem)
            subsets = [[e for i, e in enumerate(elems) if bits >> i & 1] for bits in range(2 ** len(elems))]
            return ["{" + ", ".join(sub) + "}" for sub in subsets]
        if k == "seq":
            out, level = ["[]"], [[]]
            for _ in range(ty.bound):
                level = [items + [e] for items in level for e in self.literals(ty.elem)]
                out += ["[" + ", ".join(items) + "]" for items in level]
            return out
        if k == "map":
            return [f"{{k: {x} for k in {ty.key.name}}}" for x in self.literals(ty.elem)]
        out = [""]
        for _, ft in ty.fields:
            out = [f"{o}, {x}" if o else x for o in out for x in self.literals(ft)]
        return [f"({o})" if k == "tup" else f"{ty.name}({o})" for o in out]

    def counter(self, var: str, ty: Ty, scope: Scope) -> tuple[str, str]:
        """A guarded step that keeps the variable in its type: (guard, update)."""
        k = ty.kind
        if k == "int":
            return f"{var} < {ty.spelled.split('..')[1]}", f"{var} + 1"
        if k == "seq":
            return f"len({var}) < {ty.bound}", f"append({var}, {self.literal(ty.elem)})"
        if k == "set":
            item = self.literal(ty.elem)
            return f"{item} not in {var}", f"{var} | {{{item}}}"
        if k == "rec":
            f, ft = ty.fields[0]
            return f"{var}.{f} < {ft.spelled.split('..')[1]}", f"replace({var}, {f}={var}.{f} + 1)"
        return "True", self.step(var, ty, scope)

    def step(self, var: str, ty: Ty, scope: Scope) -> str:
        """A small change to a variable (counting up, adding an element...), so that
        paths walk through the state space and violations happen at various depths."""
        k = ty.kind
        params = [p for p, t in scope.names.items() if p.startswith("p")]
        def item(t):
            ps = [p for p in params if compatible(t, scope.names[p])]
            return self.pick(ps) if ps and self.chance(0.5) else self.literal(t)
        if k == "bool":
            return f"not {var}"
        if k == "int":
            return self.pick([f"{var} + 1", f"{var} + 1", f"{var} - 1", f"min({var} + 1, {ty.hi})"])
        if k == "enum":
            return item(ty)
        if k == "set":
            return f"{var} {self.pick(['|', '|', '-'])} {{{item(ty.elem)}}}"
        if k == "seq":
            return self.pick([f"append({var}, {item(ty.elem)})", f"append({var}, {item(ty.elem)})",
                              f"tail({var})"])
        if k == "map":
            return f"{var}.put({item(ty.key)}, {self.pick([item(ty.elem), f'{var}[{item(ty.key)}]'])})"
        if k == "tup":
            (_, t0), (_, t1) = ty.fields
            return self.pick([f"({item(t0)}, {var}[1])", f"({var}[0], {item(t1)})"])
        f, ft = self.pick(list(ty.fields))
        if ft.kind == "int":
            return f"replace({var}, {f}={var}.{f} + 1)"
        if ft.kind == "seq":
            return f"replace({var}, {f}=append({var}.{f}, {item(ft.elem)}))"
        return f"replace({var}, {f}={item(ft)})"

    # ---------------------------------------------------------------- expressions

    def expr(self, ty: Ty, scope: Scope, depth: int, mode: str = INFER) -> str:
        names = scope.of(ty)
        forms = ["lit"] + (["name"] * 2 if names else [])
        if depth > 0:
            forms += self.compound_forms(ty, scope, mode) * 3
        form = self.pick(forms)
        if form == "lit":
            return self.literal(ty, mode)
        if form == "name":
            return self.pick(names)
        return getattr(self, "f_" + form)(ty, scope, depth - 1, mode)

    def compound_forms(self, ty: Ty, scope: Scope, mode: str = INFER) -> list:
        k = ty.kind
        forms = ["ite"]
        recs = [t for t in scope.names.values() if t.kind == "rec"]
        seqs = [t for t in scope.names.values() if t.kind == "seq" and compatible(ty, t.elem)]
        if recs and any(compatible(ty, ft) for _, ft in recs[0].fields):
            forms.append("field")
        if seqs:
            forms += ["head", "head", "head", "index"]
        if any(t.kind == "map" and compatible(ty, t.elem) for t in scope.names.values()):
            forms += ["get", "get", "get"]
        if any(t.kind == "tup" and any(compatible(ty, ft) for _, ft in t.fields) for t in scope.names.values()):
            forms += ["tindex"]
        if k == "bool":
            forms += ["not", "andor", "implies", "cmp_int", "cmp_int", "eq", "eq", "in", "in", "quant", "quant",
                      "protected", "protected"]
            forms += ["def0"] if "d0" in self.defs and scope.state else []
            forms += ["def1"] if "d1" in self.defs and self.defs["d1"][1].kind == "bool" and scope.state else []
        elif k == "int":
            forms += ["arith", "arith", "div", "div", "minmax", "len", "sum", "sum", "neg"]
            forms += ["def1"] if "d1" in self.defs and self.defs["d1"][1].kind == "int" and scope.state else []
            if any(t.kind == "set" and t.elem.kind == "int" for t in scope.names.values()):
                forms += ["setmin", "setmin", "setmin", "choose"]
        elif k == "enum":
            forms += ["choose", "choose"]
        elif k == "set":
            forms += ["setop", "setop", "setcomp"] + (["setlit"] if mode != INFER or ty.elem.kind != "int" else [])
        elif k == "seq":
            forms += ["append", "append", "tail", "seqlit"]
        elif k == "rec":
            forms += ["cons", "replace"]
        elif k == "map":
            forms += ["put", "put"]
        elif k == "tup":
            forms += ["tuple"]
        return forms

    def some_type(self, scope: Scope, kinds=("bool", "int", "enum", "set", "seq", "rec")) -> Ty:
        """A type that some name in scope has (so expressions of it can mention state)."""
        options = [t for t in scope.names.values() if t.kind in kinds]
        return self.pick(options) if options else self.universe["E"]

    # bool
    def f_not(self, ty, scope, d, mode):
        return f"not ({self.expr(BOOL, scope, d)})"

    def f_andor(self, ty, scope, d, mode):
        op = self.pick(["and", "or"])
        return f"({self.expr(BOOL, scope, d)}) {op} ({self.expr(BOOL, scope, d)})"

    def f_implies(self, ty, scope, d, mode):
        return f"implies({self.expr(BOOL, scope, d)}, {self.expr(BOOL, scope, d)})"

    def f_cmp_int(self, ty, scope, d, mode):
        i = Ty("int", "int", 0, 2)
        op = self.pick(["==", "!=", "<", "<=", ">", ">="])
        return f"({self.expr(i, scope, d)}) {op} ({self.expr(i, scope, d, mode=WEAK)})"

    def f_eq(self, ty, scope, d, mode):
        t = self.some_type(scope, ("enum", "set", "seq", "rec", "bool", "map", "tup"))
        ops = ["<=", "==", "<", "!=", ">="] if t.kind == "set" else ["==", "!="]
        return f"({self.expr(t, scope, d)}) {self.pick(ops)} ({self.expr(t, scope, d, mode=WEAK)})"

    def f_in(self, ty, scope, d, mode):
        seqs = [t for t in scope.names.values() if t.kind == "seq"]
        coll = self.pick(seqs) if seqs and self.chance(0.5) else self.some_type(scope, ("set", "seq"))
        if coll.kind not in ("set", "seq"):
            coll = Ty("set", "set[E]", elem=self.universe["E"])
        neg = self.pick(["in", "not in"])
        return f"({self.expr(coll.elem, scope, d, mode=CHECK)}) {neg} ({self.expr(coll, scope, d)})"

    def source(self, scope: Scope, d: int, elem: Ty | None = None) -> tuple[str, Ty]:
        """Something to iterate over: a set or sequence expression, an enum type, range()."""
        options = []
        for t in scope.names.values():
            if t.kind in ("set", "seq") and (elem is None or compatible(elem, t.elem)):
                options.append(("coll", t))
        for t in self.universe.values():
            if t.kind == "enum" and (elem is None or compatible(elem, t)):
                options.append(("enum", t))
        if elem is None or elem.kind == "int":
            options.append(("range", Ty("int", "0..2", 0, 2)))
        kind, t = self.pick(options)
        if kind == "coll":
            return f"({self.expr(t, scope, d)})", t.elem
        if kind == "enum":
            return t.name, t
        seqs = [n for n, s in scope.names.items() if s.kind == "seq"]
        if seqs and self.chance(0.3):
            s = self.pick(seqs)
            return f"range(len({s}))", Ty("int", "int", 0, scope.names[s].bound - 1)
        n = self.draw(st.integers(0, 3))
        return f"range({n})", Ty("int", "int", 0, max(n - 1, 0))

    def f_quant(self, ty, scope, d, mode):
        src, elem = self.source(scope, d)
        x, inner = scope.bind(elem)
        cond = f" if ({self.expr(BOOL, inner, d)})" if self.chance(0.3) else ""
        return f"{self.pick(['all', 'any'])}(({self.expr(BOOL, inner, d)}) for {x} in {src}{cond})"

    def f_def0(self, ty, scope, d, mode):
        return "d0"

    def f_def1(self, ty, scope, d, mode):
        param, _ = self.defs["d1"]
        return f"d1({self.expr(param, scope, d)})"

    def f_protected(self, ty, scope, d, mode):
        """An operation that may be ill-formed (division, index, head, map read) behind the
        condition that makes it well-formed, joined lazily: by `and`, `implies`, an
        if-expression, or all()/any() stopping at their first decisive binding. Such a
        formula is well-formed in every state only if the encoder is as lazy as the evaluator."""
        guard, risky = self.risky_operation(scope, d)
        form = self.pick(["and", "all", "implies", "ite", "all", "any"])
        if form == "and":
            return f"({guard}) and ({risky})"
        if form == "implies":
            return f"implies({guard}, {risky})"
        if form == "ite":
            return f"({risky}) if ({guard}) else ({self.expr(BOOL, scope, d)})"
        x, _ = scope.bind(Ty("int", "0..1", 0, 1))
        if form == "all":  # all() stops at the first false binding: the guard, then the operation
            return f"all(({guard}) if {x} == 0 else ({risky}) for {x} in range(2))"
        return f"any((not ({guard})) if {x} == 0 else ({risky}) for {x} in range(2))"

    def risky_operation(self, scope: Scope, d: int) -> tuple[str, str]:
        """(condition, Boolean formula with an operation that is well-formed when it holds)."""
        small = Ty("int", "int", 0, 2)
        ints = [n for n, t in scope.names.items() if t.kind == "int" and t.lo <= 0 <= t.hi and not n.startswith("x")]
        divisor = self.pick(ints) if ints and self.chance(0.7) else f"({self.expr(small, scope, d)})"
        options = [(f"{divisor} != 0", f"({self.expr(small, scope, d)}) {self.pick(['//', '%'])} {divisor} "
                                        f"{self.pick(['==', '>=', '<'])} {self.pick(['0', '1'])}")]
        for name, t in scope.names.items():
            if t.kind == "seq":
                j = self.draw(st.integers(0, t.bound - 1))
                item = self.literal(t.elem)
                options.append((f"len({name}) > 0", f"head({name}) {self.pick(['==', '!='])} {item}"))
                options.append((f"len({name}) > {j}", f"{name}[{j}] {self.pick(['==', '!='])} {item}"))
            elif t.kind == "map" and t.elem.kind == "int":  # a map read as the divisor
                read = f"{name}[{self.literal(t.key)}]"
                options.append((f"{read} != 0", f"({self.expr(small, scope, d)}) // {read} >= 1"))
        return self.pick(options)

    def law(self, scope: Scope) -> str:
        """An identity that holds in every state, between two ways of writing one thing: a
        sequence's membership and its slots up to its length (slots past the length hold
        stale values), a subset test and the for-all it abbreviates, a lazily protected
        operation and the same written with all(). An encoder that gets either side wrong
        breaks it somewhere."""
        laws = []
        for name, t in scope.names.items():
            if t.kind == "seq" and not name.startswith("x"):
                x = self.literal(t.elem)
                laws.append(f"({x} in {name}) == any({name}[i] == {x} for i in range(len({name})))")
                laws.append(f"({x} not in {name}) or len({name}) > 0")
            if t.kind == "set" and not name.startswith("x"):
                others = [n for n in scope.of(t) if n != name and not n.startswith("x")]
                other = self.pick(others) if others and self.chance(0.5) else \
                    f"({name} {self.pick(['|', '-'])} {{{self.literal(t.elem)}}})"
                a, b = (name, other) if self.chance(0.5) else (other, name)
                laws.append(f"({a} <= {b}) == all(y in {b} for y in {a})")
                laws.append(f"({a} >= {b}) == all(y in {a} for y in {b})")
        guard, risky = self.risky_operation(scope, 1)
        laws.append(f"(({guard}) and ({risky})) == all(({guard}) if i == 0 else ({risky}) for i in range(2))")
        return self.pick(laws)

    # int
    def f_arith(self, ty, scope, d, mode):
        i = Ty("int", "int", 0, 2)
        op = self.pick(["+", "-", "+", "-", "*"])
        return f"({self.expr(i, scope, d)}) {op} ({self.expr(i, scope, d)})"

    def f_div(self, ty, scope, d, mode):
        i = Ty("int", "int", 0, 2)
        divisor = self.pick(["2", "-2", "3", "-1"]) if not self.chance(0.3) else f"({self.expr(i, scope, d)})"
        numerator = self.expr(i, scope, d)
        if self.chance(0.5):
            numerator = f"({numerator}) - 2"
        return f"({numerator}) {self.pick(['//', '%'])} {divisor}"

    def f_minmax(self, ty, scope, d, mode):
        i = Ty("int", "int", 0, 2)
        return f"{self.pick(['min', 'max'])}({self.expr(i, scope, d)}, {self.expr(i, scope, d)})"

    def f_neg(self, ty, scope, d, mode):
        return f"-({self.expr(Ty('int', 'int', 0, 2), scope, d)})"

    def f_len(self, ty, scope, d, mode):
        t = self.some_type(scope, ("set", "seq"))
        if t.kind not in ("set", "seq"):
            t = Ty("set", "set[E]", elem=self.universe["E"])
        return f"len({self.expr(t, scope, d)})"

    def f_sum(self, ty, scope, d, mode):
        src, elem = self.source(scope, d)
        x, inner = scope.bind(elem)
        body = x if elem.kind == "int" and self.chance(0.5) else self.expr(Ty("int", "int", 0, 2), inner, d)
        kind = self.pick(["sum", "sum", "max", "min"])
        cond = f" if ({self.expr(BOOL, inner, d)})" if self.chance(0.3) else ""
        return f"{kind}(({body}) for {x} in {src}{cond})"

    def f_setmin(self, ty, scope, d, mode):
        sets = [t for t in scope.names.values() if t.kind == "set" and t.elem.kind == "int"]
        return f"{self.pick(['min', 'max'])}({self.expr(sets[0], scope, d)})"

    def f_choose(self, ty, scope, d, mode):
        src, elem = self.source(scope, d, elem=ty)
        x, inner = scope.bind(elem)
        cond = f" if ({self.expr(BOOL, inner, d)})" if self.chance(0.7) else ""
        return f"choose({x} for {x} in {src}{cond})"

    # any type
    def f_ite(self, ty, scope, d, mode):
        body = self.expr(ty, scope, d, CHECK if mode == CHECK else INFER)
        orelse = self.expr(ty, scope, d, CHECK if mode == CHECK else WEAK)
        return f"({body}) if ({self.expr(BOOL, scope, d)}) else ({orelse})"

    def f_field(self, ty, scope, d, mode):
        rec = [t for t in scope.names.values() if t.kind == "rec"][0]
        fields = [f for f, ft in rec.fields if compatible(ty, ft)]
        return f"({self.expr(rec, scope, d)}).{self.pick(fields)}"

    def f_head(self, ty, scope, d, mode):
        seq = self.pick([t for t in scope.names.values() if t.kind == "seq" and compatible(ty, t.elem)])
        return f"head({self.expr(seq, scope, d)})"

    def f_index(self, ty, scope, d, mode):
        seq = self.pick([t for t in scope.names.values() if t.kind == "seq" and compatible(ty, t.elem)])
        i = self.pick(["0", "1"]) if self.chance(0.6) else self.expr(Ty("int", "int", 0, 2), scope, d)
        return f"({self.expr(seq, scope, d)})[{i}]"

    # maps and tuples
    def f_get(self, ty, scope, d, mode):
        m = self.pick([t for t in scope.names.values() if t.kind == "map" and compatible(ty, t.elem)])
        return f"({self.expr(m, scope, d)})[{self.expr(m.key, scope, d, mode=CHECK)}]"

    def f_put(self, ty, scope, d, mode):
        return f"({self.expr(ty, scope, d)}).put({self.expr(ty.key, scope, d, CHECK)}, {self.expr(ty.elem, scope, d, CHECK)})"

    def f_tindex(self, ty, scope, d, mode):
        t = self.pick([t for t in scope.names.values() if t.kind == "tup" and any(compatible(ty, ft) for _, ft in t.fields)])
        i = self.pick([i for i, ft in t.fields if compatible(ty, ft)])
        return f"({self.expr(t, scope, d)})[{i}]"

    def f_tuple(self, ty, scope, d, mode):
        return "(" + ", ".join(self.expr(ft, scope, d, CHECK) for _, ft in ty.fields) + ")"

    # sets
    def f_setop(self, ty, scope, d, mode):
        return f"({self.expr(ty, scope, d)}) {self.pick(['|', '&', '-'])} ({self.expr(ty, scope, d, mode=WEAK)})"

    def f_setcomp(self, ty, scope, d, mode):
        # integer elements computed by arithmetic get their range from an expected type only
        free = mode == CHECK or ty.elem.kind != "int"
        src, elem = self.source(scope, d, elem=None if free else ty.elem)
        x, inner = scope.bind(elem)
        cond = f" if ({self.expr(BOOL, inner, d)})" if self.chance(0.6) else ""
        if not compatible(ty.elem, elem) or (free and self.chance(0.5)):
            body = self.expr(ty.elem, inner, d, mode=CHECK)
        else:
            body = x
        return "{" + f"({body}) for {x} in {src}{cond}" + "}"

    def f_setlit(self, ty, scope, d, mode):
        n = self.draw(st.integers(1, 2))
        return "{" + ", ".join(self.expr(ty.elem, scope, d, mode=CHECK) for _ in range(n)) + "}"

    # sequences
    def f_append(self, ty, scope, d, mode):
        return f"append({self.expr(ty, scope, d)}, {self.expr(ty.elem, scope, d, mode=CHECK)})"

    def f_tail(self, ty, scope, d, mode):
        return f"tail({self.expr(ty, scope, d)})"

    def f_seqlit(self, ty, scope, d, mode):
        return "[" + self.expr(ty.elem, scope, d, mode=CHECK) + "]"

    # records
    def f_cons(self, ty, scope, d, mode):
        args = [self.expr(ft, scope, d, mode=CHECK) for _, ft in ty.fields]
        if self.chance(0.5):
            return f"{ty.name}({', '.join(args)})"
        return f"{ty.name}(" + ", ".join(f"{f}={a}" for (f, _), a in zip(ty.fields, args)) + ")"

    def f_replace(self, ty, scope, d, mode):
        f, ft = self.pick(list(ty.fields))
        return f"replace({self.expr(ty, scope, d)}, {f}={self.expr(ft, scope, d, mode=CHECK)})"


@st.composite
def claims(draw, constants: bool = True, max_depth: int = 8) -> GenClaim:
    """A random well-typed claim (see the module docstring)."""
    doc: dict = {"claim": "generated"}
    consts: dict = {}
    domains: dict = {}
    if constants and draw(st.booleans()):
        consts["N"] = draw(st.integers(1, 3))
        domains["N"] = [1, 2, 3]
    if constants and draw(st.integers(0, 3)) == 0:
        consts["FLAG"] = draw(st.booleans())
        domains["FLAG"] = [False, True]
    e_members = ("a", "b", "c")[:draw(st.integers(2, 3))]
    E = Ty("enum", "E", name="E", members=e_members)
    F = Ty("enum", "F", name="F", members=("p", "q"))
    small = Ty("int", "0..2", 0, 2)
    f_field = Ty("int", "0..N", 0, consts["N"]) if "N" in consts and draw(st.booleans()) else \
        Ty("int", "0..1", 0, 1)
    g_field = draw(st.sampled_from([BOOL, F]))
    fields = (("f", f_field), ("g", g_field))
    if draw(st.integers(0, 3)) == 3:  # a sequence inside a record
        elem = draw(st.sampled_from([F, BOOL]))
        fields += (("s", Ty("seq", f"seq[{elem.spelled}, 1]", elem=elem, bound=1)),)
    R = Ty("rec", "R", name="R", fields=fields)
    universe = {"E": E, "F": F, "R": R}

    def draw_type(level: int = 0) -> Ty:
        kinds = ["bool", "int", "seq", "set", "enum", "int", "rec", "map", "tup", "seq", "set"] if level == 0 else \
            ["bool", "int", "enum"]
        k = draw(st.sampled_from(kinds))
        if k == "bool":
            return BOOL
        if k == "int":
            ranges = [(0, 3, "0..3"), (0, 4, "0..4"), (0, 2, "0..2"), (-1, 1, "-1..1"), (0, 1, "0..1")]
            if "N" in consts:
                ranges.append((0, consts["N"], "0..N"))
            lo, hi, spelled = draw(st.sampled_from(ranges))
            if level:  # elements of sets and sequences stay small
                lo, hi, spelled = (0, 2, "0..2") if hi > 2 else (lo, hi, spelled)
            return Ty("int", spelled, lo, hi)
        if k == "enum":
            return draw(st.sampled_from([E, F]))
        if k == "set":
            elem = draw(st.sampled_from([E, F, small]))
            return Ty("set", f"set[{elem.spelled}]", elem=elem)
        if k == "seq":
            elem = draw_type(1)
            bound = draw(st.integers(1, 3 if elem.size() <= 2 else 2))
            return Ty("seq", f"seq[{elem.spelled}, {bound}]", elem=elem, bound=bound)
        if k == "map":
            key = draw(st.sampled_from([F, E]))
            val = draw(st.sampled_from([Ty("int", "0..1", 0, 1), BOOL, small]))
            return Ty("map", f"map[{key.spelled}, {val.spelled}]", elem=val, key=key)
        if k == "tup":
            t0 = draw(st.sampled_from([BOOL, E, small]))
            t1 = draw(st.sampled_from([F, Ty("int", "0..1", 0, 1), BOOL]))
            return Ty("tup", f"tuple[{t0.spelled}, {t1.spelled}]", fields=((0, t0), (1, t1)))
        return R

    variables: dict = {}
    for i in range(draw(st.sampled_from([2, 3, 1]))):
        t = draw_type()
        size = 1
        for v in variables.values():
            size *= v.size()
        if variables and size * t.size() > MAX_STATES:
            break
        variables[f"v{i}"] = t

    const_scope = {"N": Ty("int", "int", consts["N"], consts["N"])} if "N" in consts else {}
    if "FLAG" in consts:
        const_scope["FLAG"] = BOOL
    state_scope = Scope({**const_scope, **variables})
    defs: dict = {}
    b = Builder(draw, universe, defs)
    def_texts = {}
    if draw(st.integers(0, 2)) == 0:
        def_texts["d0"] = b.expr(BOOL, state_scope, 2)
        defs["d0"] = (None, BOOL)
    if draw(st.integers(0, 2)) == 0:
        ptype = draw(st.sampled_from([small, E, BOOL]))
        rtype = draw(st.sampled_from([BOOL, Ty("int", "int", 0, 2)]))
        inner = Scope({**state_scope.names, "u": ptype})
        def_texts["d1(u)"] = b.expr(rtype, inner, 2)
        defs["d1"] = (ptype, rtype)

    if consts:
        doc["constants"] = dict(consts)
    doc["types"] = {"E": {"enum": list(e_members)}, "F": {"enum": ["p", "q"]},
                    "R": {"record": {f: ft.spelled for f, ft in R.fields}}}
    doc["variables"] = {n: t.spelled for n, t in variables.items()}
    init_scope = Scope(const_scope, state=False)
    doc["init"] = {n: (b.expr(t, init_scope, 1, mode=CHECK) if b.chance(0.2) else
                       b.literal(t, spread=b.chance(0.05))) for n, t in variables.items()}
    if def_texts:
        doc["defs"] = def_texts

    actions = {}
    for a in range(draw(st.sampled_from([2, 3, 1]))):
        params = {}
        for p in range(draw(st.integers(0, 2))):
            params[f"p{p}"] = draw(st.sampled_from([BOOL, E, F, small]))
        scope = Scope({**state_scope.names, **params})
        action: dict = {}
        if params:
            action["params"] = {p: t.spelled for p, t in params.items()}
        if b.chance(0.5):  # a counter: walks its variable through its type, one step at a time
            v = draw(st.sampled_from(sorted(variables)))
            action["when"], update = b.counter(v, variables[v], scope)
            action["then"] = {v: update}
            actions[f"act{a}"] = action
            continue
        if not b.chance(0.2):
            action["when"] = b.expr(BOOL, scope, draw(st.sampled_from([2, 1, 3])))
        targets = draw(st.lists(st.sampled_from(sorted(variables)), min_size=1, max_size=2, unique=True))
        action["then"] = {v: b.step(v, variables[v], scope) if b.chance(0.5) else
                          b.expr(variables[v], scope, draw(st.sampled_from([2, 3, 1])), mode=CHECK) for v in targets}
        actions[f"act{a}"] = action
    doc["actions"] = actions

    invariants = {}
    for i in range(draw(st.sampled_from([1, 2, 1]))):
        # "this state is unreachable", where the state differs from the initial one (when
        # the initial values are literals); or a random formula required only there
        picked = sorted(variables)
        if b.chance(0.4):
            picked = draw(st.lists(st.sampled_from(picked), min_size=1, max_size=len(picked), unique=True))
        targets = {v: [x for x in reversed(b.literals(variables[v])) if x != doc["init"][v]] or
                   [doc["init"][v]] for v in picked}
        target = " and ".join(f"{v} == {b.pick(targets[v])}" for v in picked)
        form = draw(st.sampled_from(["unreachable", "guarded", "unreachable", "random", "law"]))
        if form == "law":
            text = b.law(state_scope)
        elif form == "random":
            text = b.expr(BOOL, state_scope, 3)
        elif form == "guarded":
            text = f"implies({target}, {b.expr(BOOL, state_scope, 3)})"
        else:
            text = f"not ({target})"
        invariants[f"inv{i}"] = text
    doc["invariants"] = invariants
    doc["depth"] = max_depth - draw(st.integers(0, max_depth - 2))
    if draw(st.integers(0, 6)) == 0:
        doc["deadlock"] = "check"
    return GenClaim(doc, domains)


# ---------------------------------------------------------------- shaped claims
#
# Random formulas make shallow claims: most violations come within a step or two, and
# every holding claim is 1-inductive. `shaped_claims()` instead assembles the shapes of
# the real suite from a few modules, each with randomly drawn sizes, guards and planted
# bugs: a ticking clock, requests with a creation time and a TTL (pairing), a bounded
# queue that actors send to and a handler drains (approvals), a check-then-commit race
# between actors (pairing-race), and tokens issued and redeemed oldest first. Invariants
# are the modules' own safety claims (some hold without being 1-inductive, some are
# broken by the planted bug), "goal" invariants that fail only after several modules
# have made progress (deep counterexamples), and the modules' laws (identities such as
# membership in the queue, whose slots past its length hold stale values, against
# its positions). Some claims add liveness properties under
# drawn fairness. A Boolean constant FIXED may toggle a bug fix, for matrix checks.


@dataclass
class Shape:
    """What the modules of one shaped claim contribute, merged into one claim."""
    types: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    defs: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict)
    init: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    safety: list = field(default_factory=list)  # candidate invariant texts
    measures: list = field(default_factory=list)  # (expression, largest value it may reach)
    liveness: list = field(default_factory=list)  # (property text, actions that make it hold when fair)
    laws: list = field(default_factory=list)  # identities that hold in every state (see `Builder.law`)
    fixed: bool = False  # some guard reads the Boolean constant FIXED
    combined: bool = False  # more than one module: each keeps its state space smaller


def _lazily(draw, guard: str, risky: str) -> str:
    """`guard and risky`, where risky is well-formed only when guard holds: with `and`,
    or with all(), which stops at its first false binding."""
    if draw(st.booleans()):
        return f"({guard}) and ({risky})"
    return f"all(({guard}) if i == 0 else ({risky}) for i in range(2))"


def _same_lazily(guard: str, risky: str) -> str:
    """A law: the two lazy ways of writing `guard and risky` agree (both well-formed)."""
    return f"(({guard}) and ({risky})) == all(({guard}) if i == 0 else ({risky}) for i in range(2))"


def _fix(draw, shape: Shape, good: str, bad: str) -> str:
    """A guard that is right, planted wrong, or switched by the constant FIXED."""
    how = draw(st.sampled_from(["good", "good", "bad", "toggle"]))
    if how == "toggle":
        shape.fixed = True
        return f"({good}) if FIXED else ({bad})"
    return good if how == "good" else bad


def _clock(draw, s: Shape, actors: list) -> None:
    t = draw(st.integers(2, 3 if s.combined else 5 - len(actors) // 2))
    s.constants["MaxTime"] = t
    s.variables["now"] = "0..MaxTime"
    s.init["now"] = "0"
    s.actions["tick"] = {"when": "now < MaxTime", "then": {"now": "now + 1"}}
    s.measures += [("now", t), ("(0 - now) // -2", t // 2)]  # whole periods of two ticks (floor division)
    s.liveness.append(("eventually(now == MaxTime)", ["tick"]))
    s.laws.append(_same_lazily("now != 0", "MaxTime // now >= 1"))


def _requests(draw, s: Shape, actors: list) -> None:
    t = s.constants["MaxTime"]
    s.constants["TTL"] = draw(st.integers(1, 3))
    s.constants["Cap"] = cap = draw(st.integers(1, 2))
    s.types["Req"] = {"record": {"who": "Actor", "at": "0..MaxTime"}}
    s.defs["expired(r, t)"] = "t - r.at >= TTL"
    s.defs["live(t)"] = draw(st.sampled_from(["sum(1 for r in pending if not expired(r, t))",
                                              "len({r for r in pending if not expired(r, t)})"]))
    s.variables.update({"pending": "set[Req]", "approved": "set[Actor]"})
    s.init.update({"pending": "{}", "approved": "{}"})
    once = " and not any(r.who == a for r in pending)" if len(actors) > 1 or draw(st.booleans()) else ""
    s.actions["request"] = {"params": {"a": "Actor"},
                            "when": _fix(draw, s, "live(now) < Cap", "live(now) <= Cap") + once,
                            "then": {"pending": "pending | {Req(a, now)}"}}
    fresh = _fix(draw, s, "r.who == a and not expired(r, now)", "r.who == a")
    s.actions["approve"] = {"params": {"a": "Actor"}, "when": f"any({fresh} for r in pending)",
                            "then": {"approved": "approved | {a}",
                                     "pending": "{r for r in pending if r.who != a}"}}
    if draw(st.booleans()):
        s.actions["prune"] = {"when": "any(expired(r, now) for r in pending)",
                              "then": {"pending": "{r for r in pending if not expired(r, now)}"}}
    if draw(st.booleans()):
        s.actions["revoke"] = {"params": {"a": "Actor"}, "when": "a in approved",
                               "then": {"approved": "approved - {a}"}}
    s.safety += ["live(now) <= Cap", "all(r.at <= now for r in pending)"]
    s.laws += ["approved <= (approved | {r.who for r in pending})", "{r.who for r in pending} >= {r.who for r in pending if "
               "expired(r, now)}"]
    if "expired" in fresh and not s.combined:  # approvals only ever happen while a request is live
        s.variables["grants"] = "0..3"
        s.init["grants"] = "0"
        s.actions["approve"]["then"]["grants"] = "min(grants + 1, 3)"
        s.safety.append("len(approved) <= grants")
    s.measures += [("len(approved)", len(actors)), ("live(now)", cap + 1), ("len(pending)", min(t + 1, 4))]
    s.liveness.append(("leads_to(len(pending) > 0, len(pending) == 0)", ["approve", "prune"]))


def _queue(draw, s: Shape, actors: list) -> None:
    b = draw(st.integers(1, 2 if s.combined else 3))
    top = 2 if s.combined else 4
    s.constants["Bound"] = b
    s.variables.update({"queue": "seq[Actor, Bound]", "seen": "set[Actor]", "served": f"0..{top}"})
    s.init.update({"queue": "[]", "seen": "{}", "served": "0"})
    # the first position of x in the queue, or its length (later positions are out of range)
    s.defs["pos(x)"] = f"choose(i for i in range({b + 1}) if i == len(queue) or queue[i] == x)"
    once = draw(st.booleans())
    s.actions["send"] = {"params": {"a": "Actor"},
                         "when": "len(queue) < Bound" + (" and pos(a) == len(queue)" if once else ""),
                         "then": {"queue": "append(queue, a)"}}
    s.actions["handle"] = {"when": "len(queue) > 0",
                           "then": {"queue": "tail(queue)", "seen": "seen | {head(queue)}",
                                    "served": draw(st.sampled_from([f"min(served + 1, {top})", "served + 1"]))}}
    if draw(st.booleans()):  # an actor first in line withdraws its message, or notes that it is next
        effect = draw(st.sampled_from([{"queue": "tail(queue)"}, {"seen": "seen | {a}"}]))
        # planted bug: the guard reads the head of a queue that may be empty
        guard = _fix(draw, s, _lazily(draw, "len(queue) > 0", "head(queue) == a"), "head(queue) == a")
        s.actions["cancel" if "queue" in effect else "notice"] = {"params": {"a": "Actor"}, "when": guard, "then": effect}
    s.safety += ["all(pos(x) <= len(queue) for x in Actor)"]
    # slots past the queue's length keep stale values, which membership must ignore
    s.laws += ["all((x in queue) == (pos(x) < len(queue)) for x in Actor)",
               "len(queue) > 0 or all(x not in queue for x in Actor)",
               "seen <= (seen | {x for x in Actor if x in queue})",
               _same_lazily("len(queue) > 0", f"head(queue) == '{actors[-1]}'")]
    if once:
        s.safety.append(f"len(queue) <= {len(actors)}")
    s.measures += [("served", top), ("len(seen)", len(actors)), ("len(queue)", b)]
    s.liveness.append(("leads_to(len(queue) > 0, len(queue) == 0)", ["handle"]))


def _race(draw, s: Shape, actors: list) -> None:
    cap = draw(st.integers(1, 2))
    s.constants["Slots"] = cap
    s.types["Phase"] = {"enum": ["idle", "checked", "done"]}
    s.variables.update({"phase": "map[Actor, Phase]", "taken": draw(st.sampled_from(["0..Slots + 1", "0..3"]))})
    s.init.update({"phase": "{a: 'idle' for a in Actor}", "taken": "0"})
    style = draw(st.sampled_from(["locked", "unlocked", "reserve", "recheck"]))
    checked = "sum(1 for b in Actor if phase[b] == 'checked')"
    if style == "locked":
        s.actions["grab"] = {"params": {"a": "Actor"}, "when": "phase[a] == 'idle' and taken < Slots",
                             "then": {"phase": "phase.put(a, 'done')", "taken": "taken + 1"}}
    else:
        room = f"taken + {checked} < Slots" if style == "reserve" else "taken < Slots"
        s.actions["check"] = {"params": {"a": "Actor"}, "when": f"phase[a] == 'idle' and {room}",
                              "then": {"phase": "phase.put(a, 'checked')"}}
        again = _fix(draw, s, "taken < Slots", "True") if style == "recheck" else "True"
        s.actions["commit"] = {"params": {"a": "Actor"}, "when": f"phase[a] == 'checked' and {again}",
                               "then": {"phase": "phase.put(a, 'done')", "taken": "taken + 1"}}
        s.liveness.append(("leads_to(phase[a1] == 'checked', phase[a1] != 'checked')", ["commit"]))
    if draw(st.booleans()):
        s.actions["release"] = {"params": {"a": "Actor"}, "when": "phase[a] == 'done'",
                                "then": {"phase": "phase.put(a, 'idle')", "taken": "taken - 1"}}
    s.safety += ["taken <= Slots", "taken == sum(1 for a in Actor if phase[a] == 'done')"]
    s.laws += ["{a for a in Actor if phase[a] == 'done'} <= {a for a in Actor if phase[a] != 'idle'}",
               _same_lazily("taken != 0", "Slots // taken >= 1")]
    s.measures += [("taken", cap + 1), ("sum(1 for a in Actor if phase[a] != 'idle')", len(actors))]


def _tokens(draw, s: Shape, actors: list) -> None:
    k = draw(st.integers(2, 3))
    s.constants["Tokens"] = k
    s.variables.update({"issued": f"set[0..{k}]", "next_id": f"0..{k + 1}", "redeemed": f"0..{k + 1}"})
    s.init.update({"issued": "{}", "next_id": "0", "redeemed": "0"})
    s.actions["issue"] = {"when": "next_id <= Tokens",
                          "then": {"issued": "issued | {next_id}", "next_id": "next_id + 1"}}
    oldest = draw(st.sampled_from(["min(issued)", "min(issued)", "max(issued)"]))
    s.actions["redeem"] = {"when": "len(issued) > 0",
                           "then": {"issued": f"issued - {{{oldest}}}", "redeemed": "redeemed + 1"}}
    s.safety += ["all(t < next_id for t in issued)", "redeemed + len(issued) == next_id",
                 "len(issued) == 0 or min(issued) >= redeemed"]
    s.laws += ["(issued - {0}) <= issued", _same_lazily("next_id != 0", "redeemed // next_id <= 1")]
    s.measures += [("redeemed", k + 1), ("next_id", k + 1), ("max(t for t in issued) if len(issued) > 0 else 0", k)]


MODULES = {"requests": _requests, "queue": _queue, "race": _race, "tokens": _tokens}


@st.composite
def shaped_claims(draw, max_depth: int = 14) -> GenClaim:
    """A claim built from the modules above (see the section comment)."""
    names = draw(st.lists(st.sampled_from(sorted(MODULES)), min_size=1, max_size=2, unique=True))
    n = draw(st.integers(1, 3 if len(names) == 1 and names != ["requests"] else 2))
    actors = [f"a{i + 1}" for i in range(n)]
    s = Shape(types={"Actor": {"enum": actors}}, combined=len(names) > 1)
    if "requests" in names or draw(st.booleans()):
        _clock(draw, s, actors)
    for name in names:
        MODULES[name](draw, s, actors)
    doc: dict = {"claim": "shaped"}
    domains = {}
    if s.fixed:
        s.constants["FIXED"] = draw(st.booleans())
        domains["FIXED"] = [False, True]
    doc["constants"] = s.constants
    doc["types"] = s.types
    if s.defs:
        doc["defs"] = s.defs
    doc["variables"] = s.variables
    doc["init"] = s.init
    doc["actions"] = s.actions
    invariants = {}
    for i in range(draw(st.integers(1, 2))):
        if draw(st.booleans()) or not s.safety:  # a goal several measures must reach
            goals = draw(st.lists(st.sampled_from(s.measures), min_size=min(2, len(s.measures)), max_size=3,
                                  unique=True))
            text = " and ".join(f"({m}) >= {draw(st.integers(max(1, top // 2), top))}" for m, top in goals)
            invariants[f"goal{i}"] = f"not ({text})"
        else:
            invariants[f"safe{i}"] = draw(st.sampled_from(s.safety))
    if s.laws and draw(st.booleans()):
        invariants["law"] = draw(st.sampled_from(s.laws))
    doc["invariants"] = invariants
    if s.liveness and draw(st.integers(0, 2)) == 0:
        prop, helpers = draw(st.sampled_from(s.liveness))
        doc["properties"] = {"live": prop}
        fair = draw(st.lists(st.sampled_from(sorted(s.actions)), max_size=2, unique=True))
        if draw(st.booleans()):
            fair = sorted(set(fair) | {h for h in helpers if h in s.actions})
        doc["fairness"] = {"weak": fair}
    doc["depth"] = draw(st.integers(8, max_depth))
    if draw(st.integers(0, 9)) == 0:
        doc["deadlock"] = "check"
    return GenClaim(doc, domains)


def any_claims() -> st.SearchStrategy:
    """Random formulas (breadth of operators) for two claims in five, shaped claims
    (depth) for the other three."""
    return st.integers(0, 4).flatmap(lambda i: claims() if i < 2 else shaped_claims())
