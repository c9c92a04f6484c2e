"""Check stage: resolve names, check types and finiteness, and build the typed IR
(`ir.Model`) of one claim variant from its located YAML document. The checker is built
in layers: `front.declarations` (types, constants), `front.expressions` (operators),
`front.calls` (calls, comprehensions); this module reads the sections and builds the
model, and `front.size` refuses one too large to encode."""
from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from symcheck.errors import InputError, Span, suggest
from symcheck.front.calls import BUILTINS, TEMPORAL, Calls
from symcheck.front.expressions import Scope, coerce
from symcheck.front.ir import BOOL, Action, SetT, ConstantOverride, Expr, Fairness, Invariant, Lit, Model, Property, Type
from symcheck.front.source import YMap, YScalar, YSeq, expr_text, parse_expr, parse_expr_text, primed, parse_type, parse_type_text
from symcheck.front.metadata import read_assumptions, read_finding, read_policy, registry_for
from symcheck.front import size
from symcheck.front.size import check_size
from symcheck.front.values import check_finite, contains, domain, domain_size
from symcheck.front.overrides import Override, is_flag
from symcheck.front.variants import Variant, check_keys, parse_def_key, render_patch

MAX_INSTANCES = 20_000  # action instances (an action times its parameter values)
MAX_DEPTH = 1000


class ClaimChecker(Calls):
    """Checks one claim variant: its sections, in dependency order, into an `ir.Model`."""

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
        self.declare_types_and_constants()
        self.declare_variables()
        self.declare_defs()
        for name, (params, node, _) in self.defs.items():
            if not params:  # check every constant-shaped definition, used or not
                self.def_call(name, [], ast.Name(name, lineno=1, col_offset=0),
                              Scope(self, parse_expr(node, f"definition {name}"), {}, True, f"definition {name}"))
        init, init_any, init_where = self.check_init()
        actions = self.check_actions()
        invariants = self.check_invariants(init, actions)
        properties = self.check_properties(invariants)
        lemmas = self.check_lemmas(invariants)
        step_invariants = self.check_step_invariants(invariants, properties)
        constraints = self.named_predicates("constraint", "state constraint", state=True)
        assumes = self.named_predicates("assume", "assumption", state=False)
        fairness = self.check_fairness(actions)
        expect, depth, deadlock = self.settings()
        if constraints and (deadlock or properties):
            what = "deadlock: check" if deadlock else "liveness properties"
            raise InputError(self.doc.keys["constraint"], f"a state constraint with {what} is not supported yet: "
                             "a state beyond the constraint has no successors here, where TLC leaves it out "
                             "of the state graph", "check the invariants with the constraint, the rest without")
        unexercised = self.check_unexercised(actions, invariants)
        unproved = self.check_unproved(invariants, properties)
        registry = registry_for(self.file)
        return Model(
            name=self.variant.name, family=self.text("claim"), title=self.text("title"),
            source=self.text("source"), statement=self.text("statement"), bug=self.variant.bug,
            expect=expect, depth=depth, file=self.file,
            constants=tuple(self.consts[n] for n in self.const_nodes),
            variables=tuple(self.variables.items()), init=init, actions=actions, invariants=invariants,
            patch_text=render_patch(self.variant.changes), deadlock=deadlock,
            deadlock_stated=self.doc.get("deadlock") is not None,
            properties=properties, fairness=fairness, lemmas=lemmas, unexercised=unexercised, unproved=unproved,
            overrides=tuple(ConstantOverride(self.applied[n], self.overrides[n].origin,
                                             "variant" if n in self.variant.changed_constants else "claim")
                            for n in self.const_nodes if n in self.applied),
            policy=read_policy(self.doc.get("policy"), registry),
            assumptions=read_assumptions(self.doc.get("assumptions"), registry),
            finding=read_finding(self.variant.finding, expect, self.variant.name),
            init_any=init_any, init_where=init_where, step_invariants=step_invariants, constraints=constraints,
            assumes=assumes)

    def declare_types_and_constants(self) -> None:
        """Record the declared names first, then resolve them: a type or constant may
        use one declared after it."""
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
            if isinstance(node, YMap) and "sort" in node.items:
                self.declare_sort(name, node)
        self.override_enum_constants()
        self.member_index = self._member_index()
        for name in self.type_nodes:
            self.type_named(name, self.type_spans[name])
        for name in self.const_nodes:
            self.constant(name)
        self._check_configurations()

    def declare_variables(self) -> None:
        variables = self.section("variables")
        for name, node in variables.items.items():
            span = variables.keys[name]
            self._check_name(name, span, "variable")
            if name in self.const_nodes or name in self.type_nodes:
                raise InputError(span, f"variable {name!r} has the name of a constant or type")
            t = self.resolve_type(parse_type(node, f"variable {name}"))
            self.check_storable(t, node.span, f"variable {name}")
            self.variables[name] = t

    def declare_defs(self) -> None:
        """Each definition's name, parameters and declared types (`name(a: T, b) -> R`);
        bodies are checked where they are called, once per argument types."""
        defs = self.section("defs")
        for key, node in defs.items.items():
            span = defs.keys[key]
            parsed = parse_def_key(key)
            if parsed is None or parsed.returns == "":
                raise InputError(span, f"bad definition name {key!r}: write name or name(a, b)")
            name, ret = parsed.name, parsed.returns
            plist, ptypes = self._def_params(name, parsed.params, span)
            if len(set(plist)) != len(plist):
                raise InputError(span, f"definition {name} repeats a parameter")
            if name in self.defs:
                raise InputError(span, f"definition {name!r} is defined twice")
            if name in self.variables or name in self.const_nodes or name in self.type_nodes or name in BUILTINS:
                raise InputError(span, f"definition {name!r} clashes with a variable, constant, type or builtin")
            rtype = self.resolve_type(parse_type_text(ret, span, span.col)) if ret else None
            self.def_types[name] = (ptypes, rtype)
            self.defs[name] = (plist, node, span)

    def _def_params(self, name: str, params: str | None, span: Span) -> tuple[tuple[str, ...], dict[str, Type]]:
        """The parameter names of `a: T, b`, in order, and the types of those typed."""
        plist, ptypes = [], {}
        for p in (split_top_level(params) if params and params.strip() else []):
            pname, _, ptype = p.partition(":")
            pname = pname.strip()
            if not pname.isidentifier():
                raise InputError(span, f"bad parameter {p.strip()!r} in definition {name}")
            if ptype.strip():
                ptypes[pname] = self.resolve_type(parse_type_text(ptype.strip(), span, span.col))
            plist.append(pname)
        return tuple(plist), ptypes

    def settings(self) -> tuple[str, int, bool]:
        """`expect` (holds or violated), `depth` (the bound) and `deadlock` (checked or not)."""
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
        return expect, depth, deadlock == "check"

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

    def check_init(self) -> tuple[tuple, tuple, Expr | None]:
        """Each variable's initial value; `any(S)` (a set expression, or a type such as
        `0..3`) lets it start at any member of S, and `where: P` keeps only the initial
        states where P holds (TLA+'s `x \\in S /\\ P` in Init)."""
        init = self.section("init")
        where_is_key = "where" not in self.variables
        for name, span in init.keys.items():
            if name not in self.variables and not (name == "where" and where_is_key):
                raise InputError(span, f"initial value for unknown variable {name!r}", suggest(name, self.variables))
        out, chosen = [], []
        for name, t in self.variables.items():
            if name not in init.items:
                raise InputError(self.doc.keys.get("init", self.doc.span), f"variable {name!r} has no initial value",
                                 f"write one, or any(S) to let it start at any member of a set S (say any({t}))")
            choice = self._init_choice(name, init.items[name], t)
            if choice is not None:
                chosen.append((name, choice))
                continue
            loc = parse_expr(init.items[name], f"init of {name}")
            scope = Scope(self, loc, {}, state=False, what=f"the initial value of {name}")
            e = self.check(loc.tree, t, scope)
            out.append((name, coerce(e, t)))
        where = None
        if where_is_key and "where" in init.items:
            loc = parse_expr(init.items["where"], "init's where")
            where = self.check(loc.tree, BOOL, Scope(self, loc, {}, True, "the initial states' `where`"))
        return tuple(out), tuple(chosen), where

    def _init_choice(self, name: str, node, t: Type) -> Expr | None:
        """`any(S)`: the set of x's initial values, or None when the value is not one.
        S is a type (`0..3`, `Node`, `set[Node]`) or a set expression over constants."""
        if not isinstance(node, YScalar) or not isinstance(node.value, str):
            return None
        text, span, offset, _ = expr_text(node, f"init of {name}")
        m = re.fullmatch(r"\s*any\s*\((.*)\)\s*", text, re.S)
        if m is None:
            return None
        inner = m.group(1)
        if inner.strip() not in self.const_nodes or inner.strip() in self.enum_consts:
            try:
                elem = self.resolve_type(parse_type_text(inner, span, offset + m.start(1)))
            except InputError:
                elem = None
            if elem is not None:
                return self._type_choice(name, elem, t, Span(span.file, span.line, offset + m.start(1)))
        loc = parse_expr(node, f"init of {name}")
        tree = loc.tree
        if not (isinstance(tree, ast.Call) and len(tree.args) == 1 and not tree.keywords
                and not isinstance(tree.args[0], ast.GeneratorExp)):
            return None
        scope = Scope(self, loc, {}, state=False, what=f"the initial values of {name}")
        return coerce(self.check(tree.args[0], SetT(t), scope), SetT(t))

    def _type_choice(self, name: str, elem: Type, t: Type, span: Span) -> Expr:
        """`any(T)`: every value of the finite type T, each one a value of x's type."""
        size_ = domain_size(elem)
        if size_ is None or size_ > MAX_INSTANCES:
            raise InputError(span, f"any({elem}): the initial values of {name} must be a finite type of at most "
                                   f"{MAX_INSTANCES:,} values", "use a smaller range or a set expression")
        values = domain(elem)
        outside = [v for v in values if not contains(t, v)]
        if outside:
            raise InputError(span, f"any({elem}) holds {outside[0]!r}, which is not a value of {name}'s type {t}",
                             f"choose from {t} or a part of it")
        return Lit(frozenset(values), SetT(t), span)

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
                    if domain_size(pt) is not None:  # else one instance, its value chosen per step
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

    def check_invariants(self, init: tuple, actions: tuple) -> tuple:
        """The invariants, type-checked; the encoding's estimated size is added up as they
        are read, so a claim with too many of them is refused as soon as it is too large
        (a 45,000-invariant claim, before most are read), naming them as the culprit."""
        invs = self.section("invariants")
        out = []
        budget = size.Budget(self.file, tuple(self.variables.items()), init, actions)
        for name, node in invs.items.items():
            span = invs.keys[name]
            self._check_name(name, span, "invariant")
            loc = parse_expr(node, f"invariant {name}")
            e = self.check(loc.tree, BOOL, Scope(self, loc, {}, True, f"invariant {name}"))
            out.append(Invariant(name, e, loc.text, span))
            budget.add_invariant(out[-1], unread=len(invs.items) - len(out))
        if not out and not self.section("properties").items and not self.section("step_invariants").items:
            raise InputError(self.doc.keys.get("invariants", self.doc.span),
                             "the claim has no invariants or properties to check")
        return tuple(out)

    def check_step_invariants(self, invariants: tuple, properties: tuple) -> tuple:
        """`step_invariants: {name: expr}` over x and x' (the value after the step): every
        step that changes the state must satisfy it (TLA+'s `[][A]_vars`; a step that
        changes nothing is a stutter, always allowed)."""
        node = self.section("step_invariants")
        taken = {i.name for i in invariants} | {p.name for p in properties}
        out = []
        for name, expr_node in node.items.items():
            span = node.keys[name]
            self._check_name(name, span, "step invariant")
            if name in taken:
                raise InputError(span, f"step invariant {name!r} has the name of an invariant or property")
            text, espan, offset, block = expr_text(expr_node, f"step invariant {name}")
            loc = parse_expr_text(primed(text), espan, offset, block)
            e = self.check(loc.tree, BOOL, Scope(self, loc, {}, True, f"step invariant {name}", step=True))
            out.append(Invariant(name, e, text.strip(), span))
        return tuple(out)

    def named_predicates(self, key: str, what: str, state: bool) -> tuple:
        """`key: {name: predicate}`: over the state (`constraint`) or the constants only
        (`assume`)."""
        node = self.section(key)
        out = []
        for name, expr_node in node.items.items():
            span = node.keys[name]
            self._check_name(name, span, what)
            loc = parse_expr(expr_node, f"{what} {name}")
            e = self.check(loc.tree, BOOL, Scope(self, loc, {}, state, f"{what} {name}"))
            out.append(Invariant(name, e, loc.text, span))
        return tuple(out)

    def check_lemmas(self, invariants: tuple) -> tuple:
        """`lemmas: {name: expr}`: state invariants an author adds to help the proof (a
        quantified fact the induction needs). Each is re-proved with the proof
        (initiation and consecution), never trusted; a false one is a counterexample."""
        node = self.section("lemmas")
        taken = {i.name for i in invariants}
        out = []
        for name, expr_node in node.items.items():
            span = node.keys[name]
            self._check_name(name, span, "lemma")
            if name in taken:
                raise InputError(span, f"lemma {name!r} has the name of an invariant")
            loc = parse_expr(expr_node, f"lemma {name}")
            e = self.check(loc.tree, BOOL, Scope(self, loc, {}, True, f"lemma {name}"))
            out.append(Invariant(name, e, loc.text, span))
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
            if fn not in TEMPORAL or not isinstance(tree, ast.Call):  # fn is None unless tree is a call
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
        """`fairness: {weak: [...], strong: [...]}`: a name alone is fair for each of its
        parameter values; a list is one constraint for the whole group; `{action: a,
        params: {p: value}}` is fair for the instances with those parameter values."""
        node = self.section("fairness")
        check_keys(node, ("weak", "strong"), "fairness")
        out: list[Fairness] = []
        for kind in ("weak", "strong"):
            entries = node.get(kind)
            if entries is None or (isinstance(entries, YScalar) and entries.value is None):
                continue
            if not isinstance(entries, YSeq):
                raise InputError(entries.span, f"`{kind}` must be a list of action names (or lists of them, "
                                               "one per group)")
            out += self._fairness_entries(entries, actions, kind == "strong")
        return tuple(out)

    def _fairness_entries(self, entries: YSeq, actions: tuple, strong: bool) -> list[Fairness]:
        names = [a.name for a in actions]
        out = []
        for item in entries.items:
            if isinstance(item, YMap):
                out.append(self._fairness_with_params(item, actions, strong))
                continue
            group = item.items if isinstance(item, YSeq) else [item]
            if not group:
                raise InputError(item.span, "an empty fairness group")
            for member in group:
                if not isinstance(member, YScalar) or not isinstance(member.value, str):
                    raise InputError(member.span, "a fairness entry is an action name or a list of action names")
                if member.value not in names:
                    raise InputError(member.span, f"fairness names unknown action {member.value!r}",
                                     suggest(member.value, names))
            out.append(Fairness(tuple(m.value for m in group), not isinstance(item, YSeq), item.span, strong))
        return out

    def _fairness_with_params(self, item: YMap, actions: tuple, strong: bool) -> Fairness:
        """`{action: a, params: {p: value}}`: the instances of a with those values."""
        check_keys(item, ("action", "params"), "a fairness entry")
        name = item.get("action")
        by_name = {a.name: a for a in actions}
        if not isinstance(name, YScalar) or not isinstance(name.value, str):
            raise InputError(item.span, "a fairness entry with parameters is {action: NAME, params: {p: value}}")
        if name.value not in by_name:
            raise InputError(name.span, f"fairness names unknown action {name.value!r}", suggest(name.value, list(by_name)))
        ptypes = dict(by_name[name.value].params)
        given = item.get("params")
        if given is not None and not isinstance(given, YMap):
            raise InputError(given.span, "`params` maps parameter names to values")
        chosen = []
        for p, vnode in (given.items.items() if isinstance(given, YMap) else []):
            if p not in ptypes:
                raise InputError(given.keys[p], f"action {name.value} has no parameter {p!r}",  # type: ignore[union-attr]
                                 suggest(p, list(ptypes), otherwise=f"its parameters: {', '.join(ptypes) or 'none'}"))
            chosen.append((p, self.data_value(vnode, ptypes[p], f"fairness of {name.value}, parameter {p}")))
        return Fairness((name.value,), True, item.span, strong, tuple(chosen))


def split_top_level(text: str) -> list[str]:
    """`text` split at the commas outside brackets: `m: map[K, bool], n` has two parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def check_variant(variant: Variant, overrides: Mapping[str, Override] | None = None, every_name: bool = True) -> Model:
    """The checked model of a variant, with its constants overridden as given (see
    front.overrides). With `every_name`, an override naming no constant of the variant
    is an error; without, it is left out (it may be for another variant of the run)."""
    overrides = dict(overrides or {})
    declared = variant.doc.get("constants")
    names = list(declared.items) if isinstance(declared, YMap) else []
    for name, o in list(overrides.items()):
        if name not in names:
            if every_name:
                raise unknown_constant(o, names, f"claim {variant.name} has no constant {name!r}")
            del overrides[name]
    try:
        model = ClaimChecker(variant, overrides).run()
        check_size(model)
    except InputError as exc:
        if not overrides or is_flag(exc.span) or (exc.span and exc.span.file in {o.span.file for o in overrides.values()}):
            raise
        note = "the claim was checked with its constants overridden (" + "; ".join(o.origin for o in overrides.values()) + ")"
        raise InputError(exc.span, exc.message, f"{exc.hint}; {note}" if exc.hint else note) from None
    return model


def unknown_constant(o: Override, names, message: str) -> InputError:
    """An override of a constant that is not there, with the closest name or the list."""
    return InputError(o.span, message, suggest(o.name, names, otherwise=f"the constants: {', '.join(names) or 'none'}"))
