"""Bounded model checking: one incremental solver, depths 0, 1, ..., k. At each depth
the step well-formedness, then the type invariants, then the invariants in declaration
order are checked, so the first violation found is the shortest. A found trace is made
canonical: each step takes the first action instance (in declaration order) that still
reaches a violation of the same length."""
from __future__ import annotations

import time

from symcheck.front.ir import Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.smt.unroll import Progress, Unroller
from symcheck.trace import HOLDS, UNKNOWN, VIOLATED, Outcome

SUPPORTS: frozenset[Feature] = frozenset(Feature)  # the claim features it decides (the solver's theories)


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int = 0,
        progress: Progress | None = None) -> Outcome:
    """The shortest canonical violation within `depth` steps, or holds to `depth`."""
    start = time.perf_counter()
    u = Unroller(encoding, deadline)

    def done(verdict: str, bound: int | None, **kw: object) -> Outcome:
        res = Outcome(model.name, verdict, bound, model.expect, **kw)  # type: ignore[arg-type]
        res.timings = {"encode": 0.0, "solve": time.perf_counter() - start}
        return res

    for d in u.depths(depth, progress):
        for name, bad in u.checks(d):
            answer = u.check(bad)
            if answer.sat:
                config, trace = u.canonical(d, bad)
                return done(VIOLATED, None, invariant=name, trace=trace, config=config or None, length=d)
            if answer.unknown:  # bound: the depth it had reached
                return done(UNKNOWN, d, reason=f"{answer.reason} at depth {d}")
            u.lemma(bad)  # proved unreachable at this depth
    return done(HOLDS, depth)


def check_bmc(model: Model, depth: int, timeout: Deadline | float | None = None,
              progress: Progress | None = None, enc: Encoding | None = None) -> Outcome:
    """`run` for callers without an encoding or a deadline (tests, scripts): `timeout`
    in seconds or a Deadline; the encoding's time is counted in the timings."""
    t0 = time.perf_counter()
    enc = enc or Encoding.of(model)
    t_enc = time.perf_counter() - t0
    res = run(model, enc, Deadline.of(timeout), depth, progress)
    res.timings["encode"] = t_enc
    return res
