"""Encode stage: the transition system of a model as Z3 templates over a current and a
next state (init, transition, invariants, types, deadlock), instantiated per step by
substitution; decoding models back into states. Symbolic values live in
`smt.symbolic`, the expression encoder in `smt.expr`, the room a state needs in
`smt.capacity`."""
from __future__ import annotations

import z3

from symcheck.front.actions import instances
from symcheck.front.ir import Expr, Feature, Model, SetT, SortT
from symcheck.smt.arrays import arrayed
from symcheck.smt.capacity import capacities
from symcheck.smt.expr import Context
from symcheck.smt.symbolic import (decode, eq, fresh, labels, leaf_enums, leaves, lift, member, type_ok, universe,
                                   well_shaped)

_LAST: list = []  # [(model, its Encoding)], see Encoding.of


class Encoding:
    """The transition system of a model: state vectors per step, and templates for
    init, transition, invariants and type invariants over a current and next state."""

    def __init__(self, model: Model, consts: dict | None = None):
        """`consts` fixes constants by name (symbolic ones included); every other
        symbolic constant becomes one fresh term shared by all steps."""
        self.model = model
        values = {c.name: c.value for c in model.constants if not c.symbolic and not c.free}
        values.update(consts or {})
        self.const_types = {c.name: c.type for c in model.constants}
        self.consts = {n: lift(v, self.const_types[n]) for n, v in values.items()}
        self.symbolic = [c for c in model.symbolic if c.name not in values]
        for c in self.symbolic:
            self.consts[c.name] = fresh(f"{c.name}@const", c.type)
        # free constants: any value of their type (every TTL >= 1), a sort's universe
        self.free = [c for c in model.constants if c.free and c.name not in values]
        for c in self.free:
            whole = isinstance(c.type, SetT) and isinstance(c.type.elem, SortT)
            self.consts[c.name] = universe(c.type) if whole else fresh(f"{c.name}@const", c.type)
        self.chosen_cur: dict = {}  # (instance, parameter) -> its value, for parameters chosen per step
        self._chosen: dict[int, dict] = {}
        self.insts = instances(model)
        self.room = capacities(model)  # state variables' shapes: room for overflowing sequences
        self.cur = self._state_vars("cur")
        self.nxt = self._state_vars("nxt")
        self.sel_cur = z3.Int("act@cur")
        self._states: dict[int, dict] = {}
        self.init_t = self._init_template()
        self.trans_t, self.ill_step_t, self.dead_t = self._trans_template()
        if model.constraints:  # TLC's CONSTRAINT: a state that breaks one is reached and checked, never left
            within = z3.And([self.state_template(c.expr) for c in model.constraints])
            self.trans_t, self.ill_step_t, self.dead_t = (z3.And(within, t) for t in (self.trans_t, self.ill_step_t,
                                                                                    self.dead_t))
        self.step_inv_t = {inv.name: self._step_inv_template(inv) for inv in model.step_invariants}
        # a bad step: ill formed, or (taken and changing the state) breaking a step invariant
        self.step_bad_t = z3.Or(self.ill_step_t, *self.step_inv_t.values()) if self.step_inv_t else self.ill_step_t
        self.inv_t = {inv.name: self._inv_template(inv) for inv in model.invariants}
        self.type_t = {n: type_ok(self.cur[n], t) for n, t in model.variables}
        self.shape_t = z3.And([well_shaped(self.cur[n], t) for n, t in model.variables])
        self.bad_t = self._bad_state_template()

    @property
    def logic(self) -> str:
        """The solvers' logic: linear integer arithmetic, or (with sorts, arrays and
        quantifiers) every theory: a quantifier-free solver would answer wrongly."""
        if Feature.SORTS in self.model.features or any(arrayed(t) for _, t in self.model.variables):
            return "ALL"
        return "QF_SLIA" if Feature.STRINGS in self.model.features else "QF_LIA"

    @property
    def fresh_queries(self) -> bool:
        """Each query on a solver of its own (Session's `fresh`): string claims, which Z3
        solves far faster without incremental state and which are shallow."""
        return Feature.STRINGS in self.model.features

    @classmethod
    def of(cls, model: Model) -> Encoding:
        """The encoding of a model with its constants' values, shared by the engines that
        check the same model one after the other (bmc, then coverage): encoding is
        often the larger part of their time. Only the last model's is kept."""
        if _LAST and _LAST[0][0] is model:
            return _LAST[0][1]
        enc = cls(model)
        _LAST[:] = [(model, enc)]
        return enc

    def _state_vars(self, tag: str) -> dict:
        return {n: fresh(f"{n}@{tag}", self.room[n]) for n, t in self.model.variables}

    def state(self, i: int) -> dict:
        if i not in self._states:
            self._states[i] = self._state_vars(str(i))
        return self._states[i]

    def selector(self, i: int):
        return z3.Int(f"act@{i}")

    def _subst_pairs(self, i: int):
        pairs = []
        for n, _ in self.model.variables:
            pairs += list(zip(leaves(self.cur[n]), leaves(self.state(i)[n]), strict=False))
            pairs += list(zip(leaves(self.nxt[n]), leaves(self.state(i + 1)[n]), strict=False))
        pairs.append((self.sel_cur, self.selector(i)))
        for key, v in self.chosen_cur.items():
            pairs += list(zip(leaves(v), leaves(self.chosen(i)[key]), strict=False))
        return pairs

    def param_env(self, k: int, action, params: dict) -> tuple[dict, object]:
        """The parameters of action instance k: lifted values, or for a parameter of
        unbounded type (a sort's member, `1..`) a term the solver chooses at each step;
        and the condition that those lie in their types (part of the guard)."""
        env, ok = {}, []
        for (p, t), v in zip(action.params, params.values(), strict=False):
            if v is None:
                env[p] = self.chosen_cur.setdefault((k, p), fresh(f"{p}@{k}@cur", t))
                ok.append(type_ok(env[p], t))
            else:
                env[p] = lift(v, t)
        return env, z3.And(ok)

    def chosen(self, i: int) -> dict:
        """The per-step parameter values of step i (from state i to i + 1)."""
        if i not in self._chosen:
            types = {(k, p): t for k, (a, _) in enumerate(self.insts) for p, t in a.params}
            self._chosen[i] = {key: fresh(f"{key[1]}@{key[0]}@{i}", types[key]) for key in self.chosen_cur}
        return self._chosen[i]

    def at(self, template, i: int):
        """Instantiate a template over (cur, nxt, act) at step i."""
        return z3.substitute(template, *self._subst_pairs(i))

    # -- templates
    def _init_template(self):
        ctx = Context(self.model, self.consts)
        parts = []
        for name, e in self.model.init:
            parts.append(eq(self.cur[name], ctx.enc(e, {}, {}), self.model.var_type(name)))
        chosen = self.model.initial_constraint()  # `any(S)` and `where`: a predicate over the first state
        if chosen is not None:
            parts.append(ctx.enc(chosen, self.cur, {}))
        shape = [well_shaped(self.cur[n], t) for n, t in self.model.variables]
        wf = z3.And([c for c, _ in ctx.obligations])
        return z3.And(parts + shape), wf

    def _trans_template(self):
        sel = self.sel_cur
        options, bads, enabled = [], [], []
        for k, (action, params) in enumerate(self.insts):
            ctx = Context(self.model, self.consts)
            env, chosen_ok = self.param_env(k, action, params)
            guard = z3.And(chosen_ok, ctx.enc(action.guard, self.cur, env))
            guard_wf = z3.And([c for c, _ in ctx.obligations])
            ctx.obligations = []
            assigned = {}
            with ctx.under(guard):
                for var, e in action.updates:
                    assigned[var] = ctx.enc(e, self.cur, env)
            upd_wf = z3.And([c for c, _ in ctx.obligations])
            frame = []
            for n, t in self.model.variables:
                value = assigned.get(n, self.cur[n])
                frame.append(eq(self.nxt[n], value, t))
            bad = z3.Or(z3.Not(guard_wf), z3.And(guard, z3.Not(upd_wf)))
            options.append(z3.And(sel == k, z3.Or(z3.And(guard, *frame), bad)))
            bads.append(z3.And(sel == k, bad))
            enabled.append(z3.Or(guard, z3.Not(guard_wf)))
        shape = [well_shaped(self.nxt[n], t) for n, t in self.model.variables]
        trans = z3.And(z3.Or(options) if options else z3.BoolVal(False), *shape)
        return trans, (z3.Or(bads) if bads else z3.BoolVal(False)), z3.Not(z3.Or(enabled))

    def _inv_template(self, inv):
        ctx = Context(self.model, self.consts)
        value = ctx.enc(inv.expr, self.cur, {})
        wf = z3.And([c for c, _ in ctx.obligations])
        return z3.Or(z3.Not(wf), z3.Not(value))  # "bad": violated or ill-formed

    def _step_inv_template(self, inv):
        """A step taken from cur to nxt that changes the state and breaks (or is ill
        formed for) the step invariant; `x'` reads nxt."""
        ctx = Context(self.model, self.consts)
        both = {**self.cur, **{f"{n}'": self.nxt[n] for n, _ in self.model.variables}}
        value = ctx.enc(inv.expr, both, {})
        wf = z3.And([c for c, _ in ctx.obligations])
        same = z3.And([eq(self.nxt[n], self.cur[n], t) for n, t in self.model.variables])
        return z3.And(self.trans_t, z3.Not(same), z3.Or(z3.Not(wf), z3.Not(value)))

    def _bad_state_template(self):
        """A state that breaks a type, an invariant or (when checked) deadlock freedom."""
        parts = [z3.Not(t) for t in self.type_t.values()] + list(self.inv_t.values())
        if self.model.deadlock:
            parts.append(self.dead_t)
        return z3.Or(parts) if parts else z3.BoolVal(False)

    # -- instantiated queries
    def init(self):
        body, wf = self.init_t
        return self.at(body, 0), self.at(wf, 0)

    def trans(self, i: int):
        return self.at(self.trans_t, i)

    def step_bad(self, i: int):
        return self.at(self.step_bad_t, i)

    def ill_step(self, i: int):
        """Step i is ill formed (step invariants aside)."""
        return self.at(self.ill_step_t, i)

    def step_inv_bad(self, name: str, i: int):
        """Step i changes the state and breaks the step invariant."""
        return self.at(self.step_inv_t[name], i)

    def inv_bad(self, name: str, i: int):
        return self.at(self.inv_t[name], i)

    def deadlocked(self, i: int):
        return self.at(self.dead_t, i)

    def type_bad(self, var: str, i: int):
        return z3.Not(self.at(self.type_t[var], i))

    def shape(self, i: int):
        """The representation of state i is well formed (for states not reached from init)."""
        return self.at(self.shape_t, i)

    def bad_state(self, i: int):
        return self.at(self.bad_t, i)

    def leaves(self, tag: str = "cur") -> list:
        """The Z3 variables of the current (or next) state template, in a fixed order."""
        vec = self.cur if tag == "cur" else self.nxt
        return [x for n, _ in self.model.variables for x in leaves(vec[n])]

    def leaf_labels(self) -> list:
        """Readable names for `leaves("cur")`, in model terms (`now`, `"a" in pending`)."""
        return [lbl for n, _ in self.model.variables for lbl in labels(n, self.room[n])]

    def leaf_enums(self) -> list:
        """For `leaf_labels() + const_labels()`: each enum leaf's type, else None."""
        return ([x for n, _ in self.model.variables for x in leaf_enums(self.room[n])]
                + [x for c in self.symbolic for x in leaf_enums(c.type)])

    # -- symbolic constants
    def config_constraint(self):
        """Every symbolic constant takes a value of its domain, every free one a value of its
        type (holds at every step)."""
        return z3.And([z3.Or([self.config_is({c.name: v}) for v in c.domain]) for c in self.symbolic]
                      + [type_ok(self.consts[c.name], c.type) for c in self.free]
                      + [self.state_template(a.expr) for a in self.model.assumes])  # over constants only

    def config_is(self, config: dict):
        """The named symbolic constants have the given values (a blocking clause is its negation)."""
        return z3.And([member(self.consts[n], v, self.const_types[n]) for n, v in config.items()])

    def const_leaves(self) -> list:
        """The Z3 terms of the symbolic constants, in a fixed order."""
        return [x for c in self.symbolic for x in leaves(self.consts[c.name])]

    def const_labels(self) -> list:
        return [lbl for c in self.symbolic for lbl in labels(c.name, c.type)]

    def decode_config(self, m) -> dict:
        config = {c.name: decode(m, self.consts[c.name], c.type) for c in self.symbolic}
        config.update({c.name: decode(m, self.consts[c.name], c.type) for c in self.free
                       if not arrayed(c.type) and not isinstance(c.type, SortT)})  # a member has no literal
        return config

    # -- coverage: does an action fire, is a formula true
    def action_range(self, name: str) -> tuple:
        """The selector values (first, last) of an action's instances."""
        ks = [k for k, (a, _) in enumerate(self.insts) if a.name == name]
        return ks[0], ks[-1]

    def fires(self, name: str, i: int):
        """Step i takes an instance of the action (its well-formedness is asked apart)."""
        lo, hi = self.action_range(name)
        sel = self.selector(i)
        return z3.And(sel >= lo, sel <= hi)

    def state_template(self, e: Expr):
        """Template: boolean e is true, and well-formed, in the current state."""
        ctx = Context(self.model, self.consts)
        value = ctx.enc(e, self.cur, {})
        return z3.And(z3.And([c for c, _ in ctx.obligations]), value)

    # -- decoding
    def decode_state(self, m, i: int) -> dict:
        return {n: decode(m, self.state(i)[n], t) for n, t in self.model.variables}

    def decode_step(self, m, i: int):
        k = m.evaluate(self.selector(i), model_completion=True).as_long()
        action, params = self.insts[k]
        if None in params.values():
            types = dict(action.params)
            params = {p: decode(m, self.chosen(i)[(k, p)], types[p]) if v is None else v for p, v in params.items()}
        return action, params

    # -- liveness: templates for the lasso engine
    def _cached(self, key, build):
        cache = self.__dict__.setdefault("_lasso_cache", {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def same_state(self, i: int, j: int):
        """States i and j hold equal values, spare sequence slots ignored (a lasso's loop
        closes on an equal state; k-induction asks for distinct states)."""
        return z3.And([eq(self.state(i)[n], self.state(j)[n], t) for n, t in self.model.variables])

    def selected(self, i: int, indexes):
        """Step i is taken by one of the given action instances."""
        return z3.Or([self.selector(i) == k for k in sorted(indexes)])

    def changes(self, k: int, i: int):
        """Action instance k is enabled in state i and its step changes the state (TLA+'s
        ENABLED <A>_vars: what weak fairness looks at; a step that changes nothing is a
        stutter)."""
        return self.at(self._cached(("changes", k), lambda: self._changes_template(k)), i)

    def _changes_template(self, k: int):
        action, params = self.insts[k]
        ctx = Context(self.model, self.consts)
        env, chosen_ok = self.param_env(k, action, params)
        guard = z3.And(chosen_ok, ctx.enc(action.guard, self.cur, env))
        with ctx.under(guard):
            assigned = {var: ctx.enc(e, self.cur, env) for var, e in action.updates}
        wf = z3.And([c for c, _ in ctx.obligations])
        changed = [z3.Not(eq(v, self.cur[var], self.model.var_type(var))) for var, v in assigned.items()]
        return z3.And(guard, wf, z3.Or(changed))

    def holds_at(self, expr: Expr, i: int):
        """A state predicate (a property's P or Q) in state i; false where ill-formed."""
        def build():
            ctx = Context(self.model, self.consts)
            value = ctx.enc(expr, self.cur, {})
            return z3.And(value, *[c for c, _ in ctx.obligations])
        return self.at(self._cached(("holds", id(expr)), build), i)
