"""Bounded model checking: one incremental solver, depths 0, 1, ..., k. At each depth
the step well-formedness, then the type invariants, then the invariants in declaration
order are checked, so the first violation found is the shortest. A found trace is made
canonical: each step takes the first action instance (in declaration order) that still
reaches a violation of the same length."""
from __future__ import annotations

import time

import z3

from .encode import Encoding
from .ir import Model
from .solve import Deadline, check
from .trace import HOLDS, UNKNOWN, VIOLATED, Result, Step, Trace

SEED = 0


def new_solver() -> z3.Solver:
    """Every query's time limit is set by solve.check from its deadline."""
    s = z3.SolverFor("QF_LIA")
    s.set("random_seed", SEED)
    return s


def check_bmc(model: Model, depth: int, timeout: Deadline | float | None = None, progress=None,
              enc: Encoding | None = None) -> Result:
    """`timeout`: seconds or a Deadline for the whole search; `enc`: an encoding of
    `model` to reuse (the engines share one)."""
    t0 = time.perf_counter()
    deadline = Deadline.of(timeout)
    enc = enc or Encoding.of(model)
    t_enc = time.perf_counter() - t0
    solver = new_solver()
    start = time.perf_counter()
    init, init_wf = enc.init()
    solver.add(init)
    solver.add(enc.config_constraint())
    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1))
        for name, bad in depth_checks(model, enc, d, init_wf):
            answer = check(solver, deadline, bad)
            if answer.sat:
                found = solver.model()
                solver.push()
                solver.add(bad)
                config, found = canonical_config(solver, enc, found, deadline)
                trace = _canonical_trace(solver, enc, d, found, deadline)
                solver.pop()
                res = Result(model.name, VIOLATED, None, model.expect, invariant=name, trace=trace,
                             config=config or None, length=d)
                res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
                return res
            if answer.unknown:
                return _unknown(model, d, f"{answer.reason} at depth {d}", t_enc, start)
            solver.add(z3.Not(bad))  # proved unreachable at this depth: keep as a lemma
        if progress:
            progress(d, time.perf_counter() - start)
    res = Result(model.name, HOLDS, depth, model.expect)
    res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
    return res


def depth_checks(model: Model, enc: Encoding, d: int, init_wf) -> list:
    """(name, bad) queries at depth d, in the order every engine asks them: the step
    into d (or the initial state) ill formed, a variable out of its type, each invariant
    in declaration order, then deadlock when checked. The first satisfiable one at the
    shallowest depth is the reported violation."""
    checks = [("well-formed", enc.step_bad(d - 1) if d > 0 else z3.Not(init_wf))]
    checks += [(f"type({n})", enc.type_bad(n, d)) for n, _ in model.variables]
    checks += [(inv.name, enc.inv_bad(inv.name, d)) for inv in model.invariants]
    if model.deadlock:
        checks.append(("deadlock", enc.deadlocked(d)))
    return checks


def _unknown(model, d, reason, t_enc, start) -> Result:
    res = Result(model.name, UNKNOWN, d, model.expect, reason=reason)  # bound: the depth it had reached
    res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
    return res


def canonical_config(solver: z3.Solver, enc: Encoding, found: z3.ModelRef,
                     deadline: Deadline | None = None) -> tuple[dict, z3.ModelRef]:
    """Fix the symbolic constants, first to last, each to its first domain value that
    keeps the query satisfiable: the first violating configuration in domain order.
    Returns it with a model of the query under it. Should the solver give up (a time
    limit), the constants not yet fixed take their values in the last model found: a
    real violating configuration, only not the first."""
    config = {}
    for c in enc.symbolic:
        for i, v in enumerate(c.domain):
            fixed = enc.config_is({c.name: v})
            answer = check(solver, deadline, fixed) if i < len(c.domain) - 1 else None
            if answer is not None and answer.unknown:
                rest = {n: x for n, x in enc.decode_config(found).items() if n not in config}
                solver.add(enc.config_is(rest))
                return {**config, **rest}, found
            if answer is None or answer.sat:
                if answer is not None:
                    found = solver.model()
                config[c.name] = v
                solver.add(fixed)
                break
    return config, found


def _canonical_trace(solver: z3.Solver, enc: Encoding, d: int, found: z3.ModelRef,
                     deadline: Deadline | None = None) -> Trace:
    """Fix each step's action instance to the smallest index that keeps the query
    satisfiable (binary search), making the trace independent of solver heuristics.
    Should the solver give up (a time limit), the trace of `found`, the model that
    showed the violation, is just as real, only not canonical."""
    n = len(enc.insts)
    for i in range(d):
        sel = enc.selector(i)
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            answer = check(solver, deadline, sel <= mid)
            if answer.unknown:
                return _decode(enc, found, d)
            if answer.sat:
                hi = mid
            else:
                lo = mid + 1
        solver.add(sel == lo)
    answer = check(solver, deadline)
    if answer.unknown:
        return _decode(enc, found, d)
    assert answer.sat, "canonical trace lost satisfiability"
    return _decode(enc, solver.model(), d)


def _decode(enc: Encoding, m: z3.ModelRef, d: int) -> Trace:
    steps = []
    for i in range(d + 1):
        state = enc.decode_state(m, i)
        if i == 0:
            steps.append(Step(None, (), state))
            continue
        action, params = enc.decode_step(m, i - 1)
        steps.append(Step(action.name, tuple((p, params[p], t) for p, t in action.params), state))
    return Trace(tuple(steps))
