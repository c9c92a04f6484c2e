"""The unrolled transition system on one incremental solver, shared by every engine
that searches depth by depth (bmc, matrix, multitrace, vacuity, lasso): the per-depth
loop, the checks in the order every engine asks them, the canonical (shortest, first
in declaration order) trace of a found model, and decoding a model into a `Trace`."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import z3

from symcheck.front.ir import Feature, Model
from symcheck.front.unbounded import renumber
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline, Formula, Session, neg, true_in, value_in
from symcheck.trace import STUTTER, Config, Step, Trace

Progress = Callable[[int, float], None]


def depth_checks(model: Model, enc: Encoding, d: int, init_wf: Formula) -> list[tuple[str, Formula]]:
    """(name, bad) queries at depth d, in the order every engine asks them: the step
    into d (or the initial state) ill formed, the step breaking each step invariant in
    declaration order, a variable out of its type, each invariant
    in declaration order, then deadlock when checked. The first satisfiable one at the
    shallowest depth is the reported violation."""
    checks = [("well-formed", enc.ill_step(d - 1) if d > 0 else neg(init_wf))]
    checks += [(inv.name, enc.step_inv_bad(inv.name, d - 1)) for inv in model.step_invariants if d > 0]
    checks += [(f"type({n})", enc.type_bad(n, d)) for n, _ in model.variables]
    checks += [(inv.name, enc.inv_bad(inv.name, d)) for inv in model.invariants]
    if model.deadlock:
        checks.append(("deadlock", enc.deadlocked(d)))
    return checks


def bad_at(enc: Encoding, k: int) -> Formula:
    """Something goes wrong at depth k: the step into it is ill formed, or the state is bad."""
    return z3.Or(enc.bad_state(k), enc.step_bad(k - 1) if k > 0 else neg(enc.init()[1]))


def bad_after_step(enc: Encoding, k: int) -> Formula:
    """State k is bad or the step into it is ill formed (k-induction's step obligation:
    state 0 is any state, so it has no initial well-formedness)."""
    return z3.Or(enc.bad_state(k), enc.step_bad(k - 1)) if k > 0 else enc.bad_state(0)


def distinct_from_earlier(enc: Encoding, k: int) -> list[Formula]:
    """State k differs from every state before it (simple paths)."""
    return [neg(enc.same_state(j, k)) for j in range(k)]


class Unroller(Session):
    """Init (and the symbolic constants' domains) at depth 0, then one transition per
    depth. `well_formed`: paths of well-formed steps only (the initial state too);
    `typed`: through well-typed states only; `config`: constrain the symbolic constants
    to their domains."""

    def __init__(self, enc: Encoding, deadline: Deadline | None, well_formed: bool = False,
                 typed: bool = False, config: bool = True):
        super().__init__(deadline, enc.logic, fresh=enc.fresh_queries)
        self.enc, self.well_formed, self.typed = enc, well_formed, typed
        init, init_wf = enc.init()
        self.init_wf = init_wf
        self.add(init)
        if well_formed:
            self.add(init_wf)
        if config:
            self.add(enc.config_constraint())

    def depths(self, depth: int, progress: Progress | None = None) -> Iterator[int]:
        """Depths 0..depth, each with its transition added; `progress(d, seconds)` after
        each depth the caller finished."""
        start = time.perf_counter()
        for d in range(depth + 1):
            if d > 0:
                self.add(self.enc.trans(d - 1))
                if self.well_formed:
                    self.add(neg(self.enc.step_bad(d - 1)))
            if self.typed:
                self.add(*[neg(self.enc.type_bad(n, d)) for n, _ in self.enc.model.variables])
            yield d
            if progress:
                progress(d, time.perf_counter() - start)

    def checks(self, d: int) -> list[tuple[str, Formula]]:
        """`depth_checks` at depth d."""
        return depth_checks(self.enc.model, self.enc, d, self.init_wf)

    def block(self, bad: Formula) -> None:
        """Exclude `bad` from every later query (a found answer, say)."""
        self.add(neg(bad))

    def lemma(self, bad: Formula) -> None:
        """bad was just shown unsatisfiable: its negation helps an incremental solver; a
        fresh one (`fresh`) would only re-read it, so it is not kept there."""
        if not self.fresh:
            self.block(bad)

    def canonical(self, d: int, *query: Formula, configured: bool = True,
                  found: z3.ModelRef | None = None) -> tuple[Config, Trace]:
        """The canonical trace (and, with `configured`, the first violating configuration)
        of the query found satisfiable at depth d, in model `found` (default: the last
        query's); the solver is left as it was."""
        found = self.model() if found is None else found
        self.push()
        self.add(*query)
        config: Config = {}
        if configured:
            config, found = canonical_config(self, found)
        trace = canonical_trace(self, d, found)
        self.pop()
        return config, trace


def canonical_config(u: Unroller, found: z3.ModelRef) -> tuple[Config, z3.ModelRef]:
    """Fix the symbolic constants, first to last, each to its first domain value that
    keeps the query satisfiable: the first violating configuration in domain order.
    Returns it with a model of the query under it. Should the solver give up (a time
    limit), the constants not yet fixed take their values in the last model found: a
    real violating configuration, only not the first."""
    enc = u.enc
    config: Config = {}
    for c in enc.symbolic:
        values = c.domain or ()  # symbolic: a domain by definition
        for i, v in enumerate(values):
            fixed = enc.config_is({c.name: v})
            # no question where the model at hand already takes v (or v is the last value left)
            answer = u.check(fixed) if i < len(values) - 1 and not true_in(found, fixed) else None
            if answer is not None and answer.unknown:
                rest = {n: x for n, x in enc.decode_config(found).items() if n not in config}
                u.add(enc.config_is(rest))
                return {**config, **rest}, found
            if answer is None or answer.sat:
                if answer is not None:
                    found = u.model()
                config[c.name] = v
                u.add(fixed)
                break
    free = {n: x for n, x in enc.decode_config(found).items() if n not in config}  # any value: the model's
    if free:
        u.add(enc.config_is(free))
    return {**config, **free}, found


class GaveUp(Exception):
    """The solver gave up (a time limit) while a trace was being made canonical."""


def smallest(s: Session, term: z3.ArithRef, lo: int, m: z3.ModelRef) -> tuple[int, z3.ModelRef]:
    """The smallest value of term, at least lo, that keeps the query satisfiable, and a
    model of the query with term at that value; `m` is one already (its value of term
    bounds the search from above, so a model that is already smallest costs no query).
    Binary search; GaveUp when a query comes back unknown."""
    hi = value_in(m, term)
    while lo < hi:
        mid = (lo + hi) // 2
        answer = s.check(term <= mid)
        if answer.unknown:
            raise GaveUp
        if answer.sat:
            m = s.model()
            hi = value_in(m, term)  # at most mid
        else:
            lo = mid + 1
    return lo, m


def canonical_trace(u: Unroller, d: int, found: z3.ModelRef) -> Trace:
    """Fix each step's action instance to the smallest index that keeps the query
    satisfiable, making the trace independent of solver heuristics. Should the solver
    give up (a time limit), the trace of `found`, the model that showed the violation,
    is just as real, only not canonical."""
    enc = u.enc
    m = found
    try:
        for i in range(d):
            v, m = smallest(u, enc.selector(i), 0, m)
            u.add(enc.selector(i) == v)
    except GaveUp:
        return decode_trace(enc, found, d)
    return decode_trace(enc, m, d)


def decode_trace(enc: Encoding, m: z3.ModelRef, d: int, stutter_last: bool = False) -> Trace:
    """States 0..d of model m with the actions between them; `stutter_last`: the last
    step is a stutter (a lasso closed without an action)."""
    steps = []
    for i in range(d + 1):
        state = enc.decode_state(m, i)
        if i == 0:
            steps.append(Step(None, (), state))
        elif i == d and stutter_last:
            steps.append(Step(STUTTER, (), state))
        else:
            action, params = enc.decode_step(m, i - 1)
            steps.append(Step(action.name, tuple((p, params[p], t) for p, t in action.params), state))
    if Feature.SORTS in enc.model.features:
        steps = [Step(*s) for s in renumber(enc.model, [(s.action, s.params, s.state) for s in steps])]
    return Trace(tuple(steps))


def differs(enc: Encoding, trace: Trace, config: Config | None = None) -> Formula:
    """A path of the same length takes another action at some step; with symbolic
    constants, the next trace is in another configuration."""
    if config:
        return neg(enc.config_is(config))
    return z3.Or([neg(enc.fires(str(step.action), i)) for i, step in enumerate(trace.steps[1:])])
