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
from .trace import HOLDS, UNKNOWN, VIOLATED, Result, Step, Trace

SEED = 0


def new_solver(timeout_ms: int | None = None) -> z3.Solver:
    s = z3.SolverFor("QF_LIA")
    s.set("random_seed", SEED)
    if timeout_ms:
        s.set("timeout", int(timeout_ms))
    return s


def check_bmc(model: Model, depth: int, timeout: float | None = None, progress=None,
              enc: Encoding | None = None) -> Result:
    """`enc`: an encoding of `model` to reuse (the engines share one)."""
    t0 = time.perf_counter()
    enc = enc or Encoding.of(model)
    t_enc = time.perf_counter() - t0
    solver = new_solver(timeout * 1000 if timeout else None)
    start = time.perf_counter()
    init, init_wf = enc.init()
    solver.add(init)
    solver.add(enc.config_constraint())
    checks = []
    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1))
            checks = [("well-formed", enc.step_bad(d - 1))]
        else:
            checks = [("well-formed", z3.Not(init_wf))]
        checks += [(f"type({n})", enc.type_bad(n, d)) for n, _ in model.variables]
        checks += [(inv.name, enc.inv_bad(inv.name, d)) for inv in model.invariants]
        if model.deadlock:
            checks.append(("deadlock", enc.deadlocked(d)))
        for name, bad in checks:
            if timeout and time.perf_counter() - start > timeout:
                return _unknown(model, d, f"timeout after {timeout:g} s at depth {d}", t_enc, start)
            r = solver.check(bad)
            if r == z3.sat:
                solver.push()
                solver.add(bad)
                config = canonical_config(solver, enc)
                trace = _canonical_trace(solver, enc, d)
                solver.pop()
                res = Result(model.name, VIOLATED, d, model.expect, invariant=name, trace=trace,
                             config=config or None)
                res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
                return res
            if r == z3.unknown:
                return _unknown(model, d, f"solver returned unknown ({solver.reason_unknown()}) at depth {d}",
                                t_enc, start)
            solver.add(z3.Not(bad))  # proved unreachable at this depth: keep as a lemma
        if progress:
            progress(d, time.perf_counter() - start)
    res = Result(model.name, HOLDS, depth, model.expect)
    res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
    return res


def _unknown(model, d, reason, t_enc, start) -> Result:
    res = Result(model.name, UNKNOWN, d, model.expect, reason=reason)
    res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
    return res


def canonical_config(solver: z3.Solver, enc: Encoding) -> dict:
    """Fix the symbolic constants, first to last, each to its first domain value that
    keeps the query satisfiable: the first violating configuration in domain order."""
    config = {}
    for c in enc.symbolic:
        for i, v in enumerate(c.domain):
            if i == len(c.domain) - 1 or solver.check(enc.config_is({c.name: v})) == z3.sat:
                config[c.name] = v
                solver.add(enc.config_is({c.name: v}))
                break
    return config


def _canonical_trace(solver: z3.Solver, enc: Encoding, d: int) -> Trace:
    """Fix each step's action instance to the smallest index that keeps the query
    satisfiable (binary search), making the trace independent of solver heuristics."""
    n = len(enc.insts)
    for i in range(d):
        sel = enc.selector(i)
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if solver.check(sel <= mid) == z3.sat:
                hi = mid
            else:
                lo = mid + 1
        solver.add(sel == lo)
    r = solver.check()
    assert r == z3.sat, "canonical trace lost satisfiability"
    m = solver.model()
    steps = []
    for i in range(d + 1):
        state = enc.decode_state(m, i)
        if i == 0:
            steps.append(Step(None, (), state))
            continue
        action, params = enc.decode_step(m, i - 1)
        steps.append(Step(action.name, tuple((p, params[p], t) for p, t in action.params), state))
    return Trace(tuple(steps))
