"""Several counterexamples: up to N violating traces that differ in their action
sequence, shortest first, grouped by the invariant they break. The search is bmc's
(one incremental solver, depths 0, 1, ..., k, the checks in bmc's order, canonical
traces), except that a found trace does not end the search: its action sequence is
blocked for that check at that depth and the same query is asked again. Once a check
is done at a depth, its state is required to pass it: so a trace counts only for the
first check it fails (in bmc's order), and a longer trace never passes through a
shorter counterexample: every trace ends at its first violation."""
from __future__ import annotations

from symcheck.front.ir import Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline, Formula
from symcheck.smt.unroll import Unroller, differs
from symcheck.trace import HOLDS, UNKNOWN, VIOLATED, Outcome


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int = 0, max_traces: int = 1) -> Outcome:
    """Up to `max_traces` violations, one violated Outcome each in `traces` (the first
    of them is the outcome's own verdict and trace); holds or unknown when there is none."""
    u = Unroller(encoding, deadline)
    found: list[Outcome] = []
    for d in u.depths(depth):
        for name, bad in u.checks(d):
            blocked: list[Formula] = []
            while len(found) < max_traces:
                answer = u.check(bad, *blocked)
                if answer.unsat:
                    break
                if answer.unknown:  # the traces found so far are real; the search is cut short
                    return _done(model, found, Outcome(model.name, UNKNOWN, d, model.expect,
                                                       reason=f"{answer.reason} at depth {d}"))
                config, trace = u.canonical(d, bad, *blocked)
                found.append(Outcome(model.name, VIOLATED, None, model.expect, invariant=name, trace=trace,
                                     config=config or None, length=d))
                blocked.append(differs(encoding, trace, config))
            if len(found) >= max_traces:
                return _done(model, found, None)
            u.block(bad)  # a trace counts for the first check it fails, and ends there
    return _done(model, found, Outcome(model.name, HOLDS, depth, model.expect))


def _done(model: Model, found: list[Outcome], otherwise: Outcome | None) -> Outcome:
    """Shortest first, grouped by invariant in the order the groups were first found."""
    if not found:
        assert otherwise is not None
        return otherwise
    order = list(dict.fromkeys(r.invariant for r in found))
    grouped = sorted(found, key=lambda r: order.index(r.invariant))
    first = grouped[0]
    return Outcome(model.name, VIOLATED, None, model.expect, invariant=first.invariant, trace=first.trace,
                   config=first.config, length=first.length, traces=grouped)


def check_bmc_traces(model: Model, depth: int, max_traces: int,
                     timeout: Deadline | float | None = None) -> list[Outcome]:
    """`run` for callers that want the list: the violated Outcomes, or the single holds
    or unknown one."""
    out = run(model, Encoding.of(model), Deadline.of(timeout), depth, max_traces)
    return out.traces or [out]
