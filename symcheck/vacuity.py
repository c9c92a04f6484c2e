"""Coverage (vacuity): within k steps, the first step at which each action can fire and
the first state in which each invariant's premise (`ir.premise`) can be true. A green
whose actions never fire, or whose invariant's premise is never true, holds without
saying much. One incremental solver, depths 0, 1, ..., k, like bmc: at each depth one
query asks whether any target not yet reached can be reached there, so a target that
is never reached costs one query per depth, not one per target. Paths are those of the
transition system with well-formed steps through well-typed states, whether or not they
satisfy the invariants. Witness traces are made canonical as bmc's counterexamples are."""
from __future__ import annotations

import z3

from .bmc import _canonical_trace, new_solver
from .encode import Encoding
from .ir import Model, premises
from .solve import Deadline, check
from .trace import Coverage

ACTION, PREMISE = "action", "premise"


def coverage(model: Model, depth: int, targets=None, traces: bool = False,
             timeout: Deadline | float | None = None) -> Coverage:
    """First depth of every action and premise (or only of `targets`, a list of
    (ACTION | PREMISE, name)); with `traces`, a canonical witness trace for each."""
    deadline = Deadline.of(timeout)
    enc = Encoding.of(model)
    prem = premises(model)
    if targets is None:
        targets = [(ACTION, a.name) for a in model.actions] + [(PREMISE, n) for n in prem]
    templates = {name: enc.state_template(prem[name]) for kind, name in targets if kind == PREMISE}
    first: dict = {t: None for t in targets}
    found_traces: dict = {}
    reason = None
    solver = new_solver()
    init, init_wf = enc.init()
    solver.add(init, init_wf, enc.config_constraint())
    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1), z3.Not(enc.step_bad(d - 1)))
        solver.add([z3.Not(enc.type_bad(n, d)) for n, _ in model.variables])
        goals = [(t, _goal(enc, templates, t, d)) for t in targets if first[t] is None]
        goals = [(t, g) for t, g in goals if g is not None]
        while goals and reason is None:
            answer = check(solver, deadline, z3.Or([g for _, g in goals]))
            if answer.unsat:
                solver.add(z3.Not(z3.Or([g for _, g in goals])))  # unreachable here: keep as a lemma
                break
            if answer.unknown:
                reason = f"{answer.reason} at depth {d}"
                break
            m = solver.model()
            hit = [(t, g) for t, g in goals if z3.is_true(m.evaluate(g, model_completion=True))]
            for t, g in hit:
                first[t] = d
                if traces:
                    solver.push()
                    solver.add(g)
                    found_traces[t] = _canonical_trace(solver, enc, d, m, deadline)
                    solver.pop()
            goals = [(t, g) for t, g in goals if first[t] is None]
        if reason is not None:
            break
    return Coverage(depth, {n: d for (k, n), d in first.items() if k == ACTION},
                    {n: d for (k, n), d in first.items() if k == PREMISE}, found_traces, reason)


def _goal(enc: Encoding, templates: dict, target, d: int):
    kind, name = target
    if kind == ACTION:
        return enc.fires(name, d - 1) if d > 0 else None
    return enc.at(templates[name], d)
