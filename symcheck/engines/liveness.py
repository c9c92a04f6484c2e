"""The lasso engine: bounded search, on one incremental Z3 solver, for a fair lasso that
violates a liveness property (`eventually`, `leads_to`; semantics in
`explicit/liveness`), for claims whose state graph is too big for `graph_liveness`.
At depth d a path s0 .. sd is closed by one more step from sd to s_l (l <= d): a
transition of the model, or a stutter (sd repeats forever, l = d). The loop s_l .. sd
repeats forever, so weak fairness is judged on it: each fairness group is disabled in
some loop state or taken by some loop step that changes the state. Depths go 0, 1,
..., k and, at each, the properties in declaration order, so the first lasso found has
the fewest states. It is made canonical, as BMC traces are: each path step takes the
first action instance that keeps such a lasso, the closing step is a stutter when it
can be, else the first instance that closes, and the loop starts as late as it can.
The query and its canonical lasso are built in smt/lasso."""
from __future__ import annotations

import time

from symcheck.front.actions import fair_groups
from symcheck.front.ir import Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.lasso import canonical_lasso, fair_lasso
from symcheck.smt.solve import Deadline
from symcheck.smt.unroll import Progress, Unroller
from symcheck.trace import HOLDS, UNKNOWN, VIOLATED, Outcome

SUPPORTS: frozenset[Feature] = frozenset(Feature)  # the claim features it decides (the solver's theories)


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int = 0,
        progress: Progress | None = None, only: str | None = None) -> Outcome:
    """Search lassos of up to depth + 1 states for every property (or only the one named)."""
    start = time.perf_counter()
    groups = [(sorted(g.insts), g.strong) for g in fair_groups(model, encoding.insts)]
    u = Unroller(encoding, deadline, well_formed=True, config=False)
    props = [p for p in model.properties if only is None or p.name == only]

    def done(verdict: str, d: int | None, **kw: object) -> Outcome:
        res = Outcome(model.name, verdict, d, model.expect, engine="lasso", **kw)  # type: ignore[arg-type]
        res.timings = {"encode": 0.0, "solve": time.perf_counter() - start}
        return res

    for d in u.depths(depth, progress):
        for prop in props:
            u.push()
            lasso = fair_lasso(u, groups, prop, d)
            answer = u.check()
            if answer.sat:
                trace, loop_start = canonical_lasso(u, lasso)
                u.pop()
                return done(VIOLATED, None, invariant=prop.name, trace=trace, loop_start=loop_start, length=d + 1)
            u.pop()
            if answer.unknown:
                return done(UNKNOWN, d, reason=f"{answer.reason} at lasso depth {d}")
    return done(HOLDS, depth)


def check_lasso(model: Model, depth: int, timeout: Deadline | float | None = None,
                progress: Progress | None = None, only: str | None = None) -> Outcome:
    """`run` for callers without an encoding or a deadline: `timeout` in seconds or a
    Deadline; the encoding's time is counted in the timings."""
    t0 = time.perf_counter()
    enc = Encoding.of(model)
    t_enc = time.perf_counter() - t0
    res = run(model, enc, Deadline.of(timeout), depth, progress, only)
    res.timings["encode"] = t_enc
    return res
