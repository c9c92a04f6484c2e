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
    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1))
        for name, bad in depth_checks(model, enc, d, init_wf):
            if timeout and time.perf_counter() - start > timeout:
                return _unknown(model, d, f"timeout after {timeout:g} s at depth {d}", t_enc, start)
            if timeout:  # each query gets the time that is left, not the whole limit
                solver.set("timeout", max(1, int((timeout - (time.perf_counter() - start)) * 1000)))
            r = solver.check(bad)
            if r == z3.sat:
                found = solver.model()
                solver.push()
                solver.add(bad)
                config = canonical_config(solver, enc)
                trace = _canonical_trace(solver, enc, d, found, start + timeout if timeout else None)
                solver.pop()
                res = Result(model.name, VIOLATED, d, model.expect, invariant=name, trace=trace,
                             config=config or None)
                res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
                return res
            if r == z3.unknown:
                why = solver.reason_unknown()
                if why == "canceled" and not _out_of_time(start + timeout if timeout else None):
                    raise KeyboardInterrupt  # Z3 answers Ctrl-C by cancelling the query
                if timeout and why in ("timeout", "canceled"):
                    return _unknown(model, d, f"timeout after {timeout:g} s at depth {d}", t_enc, start)
                return _unknown(model, d, f"solver returned unknown ({why}) at depth {d}", t_enc, start)
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


def check_within(solver: z3.Solver, deadline: float | None, *assumptions):
    """solver.check with the time left before `deadline` (unknown when none is left).
    Z3 answers Ctrl-C by cancelling the query: a cancelled query before the deadline
    is an interrupt, raised as KeyboardInterrupt, never an `unknown` verdict."""
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            return z3.unknown
        solver.set("timeout", max(1, int(left * 1000)))
    r = solver.check(*assumptions)
    if r == z3.unknown and solver.reason_unknown() == "canceled" and not _out_of_time(deadline):
        raise KeyboardInterrupt
    return r


def _out_of_time(deadline) -> bool:
    """Was a cancelled query the time limit (rather than Ctrl-C)? Z3's timer may fire a
    little before the deadline on our clock."""
    return deadline is not None and time.perf_counter() >= deadline - 0.05


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


def _canonical_trace(solver: z3.Solver, enc: Encoding, d: int, found: z3.ModelRef, deadline=None) -> Trace:
    """Fix each step's action instance to the smallest index that keeps the query
    satisfiable (binary search), making the trace independent of solver heuristics.
    Should the solver give up (a time limit), the trace of `found`, the model that
    showed the violation, is just as real, only not canonical."""
    def check(*assumptions):
        return check_within(solver, deadline, *assumptions)

    n = len(enc.insts)
    for i in range(d):
        sel = enc.selector(i)
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            r = check(sel <= mid)
            if r == z3.unknown:
                return _decode(enc, found, d)
            if r == z3.sat:
                hi = mid
            else:
                lo = mid + 1
        solver.add(sel == lo)
    r = check()
    if r == z3.unknown:
        return _decode(enc, found, d)
    assert r == z3.sat, "canonical trace lost satisfiability"
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
