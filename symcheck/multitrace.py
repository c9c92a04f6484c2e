"""Several counterexamples: up to N violating traces that differ in their action
sequence, shortest first, grouped by the invariant they break. The search is bmc's
(one incremental solver, depths 0, 1, ..., k, the checks in bmc's order, canonical
traces), except that a found trace does not end the search: its action sequence is
blocked for that check at that depth and the same query is asked again. Once a check
is done at a depth, its state is required to pass it: so a trace counts only for the
first check it fails (in bmc's order), and a longer trace never passes through a
shorter counterexample: every trace ends at its first violation."""
from __future__ import annotations

import z3

from .bmc import _canonical_trace, canonical_config, depth_checks, new_solver
from .encode import Encoding
from .ir import Model
from .solve import Deadline, check
from .trace import HOLDS, UNKNOWN, VIOLATED, Result, Trace


def check_bmc_traces(model: Model, depth: int, max_traces: int,
                     timeout: Deadline | float | None = None) -> list[Result]:
    """Up to `max_traces` violated Results (one per trace); a single holds or unknown
    Result when there is none."""
    deadline = Deadline.of(timeout)
    enc = Encoding.of(model)
    solver = new_solver()
    init, init_wf = enc.init()
    solver.add(init, enc.config_constraint())
    found: list[Result] = []
    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1))
        for name, bad in depth_checks(model, enc, d, init_wf):
            blocked: list = []
            while len(found) < max_traces:
                answer = check(solver, deadline, bad, *blocked)
                if answer.unsat:
                    break
                if answer.unknown:  # the traces found so far are real; the search is cut short
                    return _done(model, found, d, f"{answer.reason} at depth {d}")
                found_model = solver.model()
                solver.push()
                solver.add(bad, *blocked)
                config, found_model = canonical_config(solver, enc, found_model, deadline)
                trace = _canonical_trace(solver, enc, d, found_model, deadline)
                solver.pop()
                found.append(Result(model.name, VIOLATED, None, model.expect, invariant=name, trace=trace,
                                    config=config or None, length=d))
                blocked.append(differs(enc, trace, config))
            if len(found) >= max_traces:
                return _grouped(found)
            solver.add(z3.Not(bad))  # a trace counts for the first check it fails, and ends there
    return _grouped(found) if found else [Result(model.name, HOLDS, depth, model.expect)]


def differs(enc: Encoding, trace: Trace, config: dict | None = None):
    """Z3 condition: a path of the same length takes another action at some step; with
    symbolic constants, the next trace is in another configuration."""
    if config:
        return z3.Not(enc.config_is(config))
    return z3.Or([z3.Not(enc.fires(step.action, i)) for i, step in enumerate(trace.steps[1:])])


def _grouped(found: list) -> list:
    """Shortest first, grouped by invariant in the order the groups were first found."""
    order = list(dict.fromkeys(r.invariant for r in found))
    return sorted(found, key=lambda r: order.index(r.invariant))


def _done(model, found, d, reason) -> list:
    return _grouped(found) if found else [Result(model.name, UNKNOWN, d, model.expect, reason=reason)]
