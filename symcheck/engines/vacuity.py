"""Coverage (vacuity): within k steps, the first step at which each action can fire and
the first state in which each invariant's premise (`ir.premise`) can be true. A green
whose actions never fire, or whose invariant's premise is never true, holds without
saying much. One incremental solver, depths 0, 1, ..., k, like bmc: at each depth one
query asks whether any target not yet reached can be reached there, so a target that
is never reached costs one query per depth, not one per target. Paths are those of the
transition system with well-formed steps through well-typed states, whether or not they
satisfy the invariants. Witness traces are made canonical as bmc's counterexamples are."""
from __future__ import annotations

from symcheck.front.ir import Feature, Model, premises
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline, Formula, any_of, true_in
from symcheck.smt.unroll import Unroller
from symcheck.trace import HOLDS, UNKNOWN, Coverage, Outcome, Trace

SUPPORTS: frozenset[Feature] = frozenset(Feature)  # the claim features it decides (the solver's theories)
ACTION, PREMISE = "action", "premise"
Target = tuple[str, str]  # (ACTION | PREMISE, name)


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int = 0,
        targets: list[Target] | None = None, traces: bool = False) -> Outcome:
    """First depth of every action and premise (or only of `targets`) in the outcome's
    `coverage`; with `traces`, a canonical witness trace for each. The verdict is
    unknown when the search stopped early (the coverage says why), else holds."""
    cov = _coverage(model, encoding, deadline, depth, targets, traces)
    if cov.reason:
        return Outcome(model.name, UNKNOWN, depth, model.expect, reason=cov.reason, coverage=cov)
    return Outcome(model.name, HOLDS, depth, model.expect, coverage=cov)


def _coverage(model: Model, enc: Encoding, deadline: Deadline, depth: int,
              targets: list[Target] | None, traces: bool) -> Coverage:
    prem = premises(model)
    if targets is None:
        targets = [(ACTION, a.name) for a in model.actions] + [(PREMISE, n) for n in prem]
    templates = {name: enc.state_template(prem[name]) for kind, name in targets if kind == PREMISE}
    first: dict[Target, int | None] = dict.fromkeys(targets)
    found_traces: dict[Target, Trace] = {}
    reason = None
    u = Unroller(enc, deadline, well_formed=True, typed=True)
    for d in u.depths(depth):
        goals = [(t, _goal(enc, templates, t, d)) for t in targets if first[t] is None]
        live = [(t, g) for t, g in goals if g is not None]
        while live and reason is None:
            answer = u.check(any_of([g for _, g in live]))
            if answer.unsat:
                u.lemma(any_of([g for _, g in live]))  # unreachable here
                break
            if answer.unknown:
                reason = f"{answer.reason} at depth {d}"
                break
            m = u.model()
            for t, g in [(t, g) for t, g in live if true_in(m, g)]:
                first[t] = d
                if traces:
                    _, found_traces[t] = u.canonical(d, g, configured=False, found=m)
            live = [(t, g) for t, g in live if first[t] is None]
        if reason is not None:
            break
    return Coverage(depth, {n: d for (k, n), d in first.items() if k == ACTION},
                    {n: d for (k, n), d in first.items() if k == PREMISE}, found_traces, reason)


def _goal(enc: Encoding, templates: dict[str, Formula], target: Target, d: int) -> Formula | None:
    kind, name = target
    if kind == ACTION:
        return enc.fires(name, d - 1) if d > 0 else None
    return enc.at(templates[name], d)


def coverage(model: Model, depth: int, targets: list[Target] | None = None, traces: bool = False,
             timeout: Deadline | float | None = None) -> Coverage:
    """`run`'s coverage, for callers without an encoding or a deadline."""
    cov = run(model, Encoding.of(model), Deadline.of(timeout), depth, targets, traces).coverage
    assert cov is not None
    return cov
