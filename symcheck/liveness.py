"""The lasso engine: bounded search, on one incremental Z3 solver, for a fair lasso that
violates a liveness property (`eventually`, `leads_to`; semantics in
`explicit_liveness`). At depth d a path s0 .. sd is closed by one more step from sd to
s_l (l <= d): a transition of the model, or a stutter (sd repeats forever, l = d). The
loop s_l .. sd repeats forever, so weak fairness is judged on it: each fairness group is
disabled in some loop state or taken by some loop step that changes the state. Depths
go 0, 1, ..., k and, at each, the properties in declaration order, so the first lasso
found has the fewest states. It is made canonical, as BMC traces are: each path step
takes the first action instance that keeps such a lasso, the closing step is a stutter
when it can be, else the first instance that closes, and the loop starts as late as it
can."""
from __future__ import annotations

import time

import z3

from .bmc import new_solver
from .encode import Encoding
from .explicit_liveness import fair_groups
from .ir import Model, Property
from .solve import Deadline, check
from .trace import HOLDS, STUTTER, UNKNOWN, VIOLATED, Result, Step, Trace


def check_lasso(model: Model, depth: int, timeout: Deadline | float | None = None, progress=None,
                only: str | None = None) -> Result:
    """Search lassos of up to depth + 1 states for every property (or only the one named).
    `timeout`: seconds or a Deadline."""
    t0 = time.perf_counter()
    deadline = Deadline.of(timeout)
    enc = Encoding(model)
    groups = [g for _, g in fair_groups(model, enc.insts)]
    t_enc = time.perf_counter() - t0
    solver = new_solver()
    start = time.perf_counter()
    init, init_wf = enc.init()
    solver.add(init, init_wf)
    props = [p for p in model.properties if only is None or p.name == only]

    def done(verdict, d, **kw) -> Result:
        res = Result(model.name, verdict, d, model.expect, engine="lasso", **kw)  # d: the bound (or None)
        res.timings = {"encode": t_enc, "solve": time.perf_counter() - start}
        return res

    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1), z3.Not(enc.step_bad(d - 1)))
        for prop in props:
            solver.push()
            loop, stutter = _lasso(solver, enc, groups, prop, d)
            answer = check(solver, deadline)
            if answer.sat:
                trace, loop_start = _canonical_lasso(solver, enc, d, loop, stutter, deadline)
                solver.pop()
                return done(VIOLATED, None, invariant=prop.name, trace=trace, loop_start=loop_start, length=d + 1)
            solver.pop()
            if answer.unknown:
                return done(UNKNOWN, d, reason=f"{answer.reason} at lasso depth {d}")
        if progress:
            progress(d, time.perf_counter() - start)
    return done(HOLDS, depth)


def _lasso(solver: z3.Solver, enc: Encoding, groups: list, prop: Property, d: int):
    """Constrain states 0 .. d+1 to a fair lasso violating prop; state d+1 is the closing
    step's target, equal to the state `loop` returns to."""
    loop, stutter = z3.Int(f"loop@{d}"), z3.Bool(f"stutter@{d}")
    solver.add(loop >= 0, loop <= d)
    solver.add([z3.Implies(loop == l, enc.same_state(d + 1, l)) for l in range(d + 1)])
    solver.add(z3.Implies(stutter, loop == d))
    solver.add(z3.Or(stutter, z3.And(enc.trans(d), z3.Not(enc.step_bad(d)))))
    in_loop = [loop <= j for j in range(d + 1)]
    if prop.kind == "eventually":
        solver.add([z3.Not(enc.holds_at(prop.args[0], j)) for j in range(d + 1)])
    else:  # some state has P, and Q is false from there on: on the loop too if it is reached
        p, q = prop.args
        not_q = [z3.Not(enc.holds_at(q, j)) for j in range(d + 1)]
        solver.add(z3.Or([z3.And(enc.holds_at(p, i), *not_q[i:],
                                 *[z3.Implies(in_loop[j], not_q[j]) for j in range(i)])
                          for i in range(d + 1)]))
    for group in groups:  # step j leads from state j to j+1; step d is the closing one
        ok = []
        for j in range(d + 1):
            disabled = z3.Not(z3.Or([enc.changes(k, j) for k in group]))
            taken = z3.And(enc.selected(j, group), z3.Not(enc.same_state(j, j + 1)))
            ok.append(z3.And(in_loop[j], z3.Or(disabled, taken)))
        solver.add(z3.Or(ok))
    return loop, stutter


class _GaveUp(Exception):
    """The solver gave up (a time limit) while a lasso was being made canonical."""


def _smallest(solver: z3.Solver, term, lo: int, hi: int, deadline: Deadline | None) -> int:
    """The smallest value of term in lo..hi that keeps the query satisfiable."""
    while lo < hi:
        mid = (lo + hi) // 2
        answer = check(solver, deadline, term <= mid)
        if answer.unknown:
            raise _GaveUp
        if answer.sat:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _canonical_lasso(solver: z3.Solver, enc: Encoding, d: int, loop, stutter, deadline: Deadline | None = None):
    """The canonical lasso; should the solver give up on the way (a time limit), the
    lasso of the model that showed the violation, just as real, only not canonical."""
    found = solver.model()
    solver.push()
    try:
        try:
            m = _canonical_model(solver, enc, d, loop, stutter, deadline)
        except _GaveUp:
            m = found
        return _decode_lasso(enc, m, d, loop, stutter)
    finally:
        solver.pop()


def _decode_lasso(enc: Encoding, m, d: int, loop, stutter):
    closes_by_stutter = z3.is_true(m.evaluate(stutter, model_completion=True))
    loop_start = m.evaluate(loop, model_completion=True).as_long()
    steps = [Step(None, (), enc.decode_state(m, 0))]
    for i in range(1, d + 2):
        state = enc.decode_state(m, i)
        if i == d + 1 and closes_by_stutter:
            steps.append(Step(STUTTER, (), state))
            continue
        action, params = enc.decode_step(m, i - 1)
        steps.append(Step(action.name, tuple((p, params[p], t) for p, t in action.params), state))
    return Trace(tuple(steps)), loop_start


def _canonical_model(solver: z3.Solver, enc: Encoding, d: int, loop, stutter, deadline):
    n = len(enc.insts)
    for i in range(d):
        solver.add(enc.selector(i) == _smallest(solver, enc.selector(i), 0, n - 1, deadline))
    answer = check(solver, deadline, stutter)
    if answer.unknown:
        raise _GaveUp
    closes_by_stutter = answer.sat
    solver.add(stutter if closes_by_stutter else z3.Not(stutter))
    if not closes_by_stutter:
        solver.add(enc.selector(d) == _smallest(solver, enc.selector(d), 0, n - 1, deadline))
    loop_start = -_smallest(solver, -loop, -d, 0, deadline)
    solver.add(loop == loop_start)
    answer = check(solver, deadline)
    if answer.unknown:
        raise _GaveUp
    assert answer.sat, "canonical lasso lost satisfiability"
    return solver.model()
