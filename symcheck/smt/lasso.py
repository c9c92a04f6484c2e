"""The lasso query of engines/liveness on the unrolled system, and its canonical
lasso: a path s0 .. sd closed by one more step from sd to s_l (l <= d), a transition of
the model or a stutter (sd repeats forever, l = d), weakly fair on its loop and
violating one property; fair on its loop to each group (weak: disabled in a loop
state or taken by a loop step; strong: disabled in every loop state or taken)."""
from __future__ import annotations

from dataclasses import dataclass

import z3

from symcheck.front.ir import Property
from symcheck.smt.solve import true_in
from symcheck.smt.unroll import GaveUp, Unroller, decode_trace, smallest
from symcheck.trace import Trace


@dataclass(frozen=True)
class Lasso:
    """The lasso's free choices at depth d: where the loop starts, and whether the
    closing step is a stutter."""
    d: int
    loop: z3.ArithRef
    stutter: z3.BoolRef


def fair_lasso(u: Unroller, groups: list[tuple[list[int], bool]], prop: Property, d: int) -> Lasso:
    """Constrain states 0 .. d+1 to a fair lasso violating prop; state d+1 is the closing
    step's target, equal to the state `loop` returns to. `groups`: the fairness groups
    (action instance indexes, strong?)."""
    enc = u.enc
    loop, stutter = z3.Int(f"loop@{d}"), z3.Bool(f"stutter@{d}")
    u.add(loop >= 0, loop <= d)
    u.add(*[z3.Implies(loop == s, enc.same_state(d + 1, s)) for s in range(d + 1)])
    u.add(z3.Implies(stutter, loop == d))
    u.add(z3.Or(stutter, z3.And(enc.trans(d), z3.Not(enc.step_bad(d)))))
    in_loop = [loop <= j for j in range(d + 1)]
    if prop.kind == "eventually":
        u.add(*[z3.Not(enc.holds_at(prop.args[0], j)) for j in range(d + 1)])
    else:  # some state has P, and Q is false from there on: on the loop too if it is reached
        p, q = prop.args
        not_q = [z3.Not(enc.holds_at(q, j)) for j in range(d + 1)]
        u.add(z3.Or([z3.And(enc.holds_at(p, i), *not_q[i:],
                            *[z3.Implies(in_loop[j], not_q[j]) for j in range(i)])
                     for i in range(d + 1)]))
    for group, strong in groups:  # step j leads from state j to j+1; step d is the closing one
        ok, off = [], []
        for j in range(d + 1):
            disabled = z3.Not(z3.Or([enc.changes(k, j) for k in group]))
            taken = z3.And(enc.selected(j, group), z3.Not(enc.same_state(j, j + 1)))
            ok.append(z3.And(in_loop[j], taken if strong else z3.Or(disabled, taken)))
            off.append(z3.Implies(in_loop[j], disabled))
        u.add(z3.Or(*ok, z3.And(off)) if strong else z3.Or(ok))
    return Lasso(d, loop, stutter)


def canonical_lasso(u: Unroller, lasso: Lasso) -> tuple[Trace, int]:
    """The canonical lasso of the query just found satisfiable: each path step takes the
    first action instance that keeps such a lasso, the closing step is a stutter when it
    can be, else the first instance that closes, and the loop starts as late as it can.
    Should the solver give up on the way (a time limit), the lasso of the model that
    showed the violation, just as real, only not canonical."""
    found = u.model()
    u.push()
    try:
        try:
            m = _canonical_model(u, lasso, found)
        except GaveUp:
            m = found
        return decode_lasso(u, m, lasso)
    finally:
        u.pop()


def decode_lasso(u: Unroller, m: z3.ModelRef, lasso: Lasso) -> tuple[Trace, int]:
    closes_by_stutter = z3.is_true(m.evaluate(lasso.stutter, model_completion=True))
    loop_start = m.evaluate(lasso.loop, model_completion=True).as_long()
    return decode_trace(u.enc, m, lasso.d + 1, stutter_last=closes_by_stutter), loop_start


def _canonical_model(u: Unroller, lasso: Lasso, found: z3.ModelRef) -> z3.ModelRef:
    """The found lasso's canonical model; each `smallest` starts from the model at hand,
    so a value that is already smallest costs no question."""
    enc, d, loop, stutter = u.enc, lasso.d, lasso.loop, lasso.stutter
    m = found
    for i in range(d):
        v, m = smallest(u, enc.selector(i), 0, m)
        u.add(enc.selector(i) == v)
    closes_by_stutter = true_in(m, stutter)
    if not closes_by_stutter:
        answer = u.check(stutter)
        if answer.unknown:
            raise GaveUp
        if answer.sat:
            closes_by_stutter, m = True, u.model()
    u.add(stutter if closes_by_stutter else z3.Not(stutter))
    if not closes_by_stutter:
        v, m = smallest(u, enc.selector(d), 0, m)
        u.add(enc.selector(d) == v)
    latest, m = smallest(u, -loop, -d, m)  # the latest loop start
    u.add(loop == -latest)
    return m
