"""What a model ported from TLA+ adds to states and invariants, on concrete values
for the independent evaluator (no Z3): its initial states (`any(S)`, `where`), its
step invariants over x and x' and its state constraints (TLC's CONSTRAINT). (Its
assumptions, TLC's ASSUME, are checked by `evaluator.check_assumptions`.)"""
from __future__ import annotations

from typing import Any, Protocol

from symcheck.errors import ModelError
from symcheck.front.ir import Model
from symcheck.front.values import domain


class Evaluator(Protocol):
    """What these functions need of `evaluator.Evaluator` (which imports this module)."""

    def evaluate(self, e: Any, state: dict, env: dict) -> Any: ...


def initial_states(model: Model, ev: Evaluator) -> list[dict]:
    """Every initial state: the chosen variables (`any(S)`) take each member of their set
    in domain order, the first chosen variable varying slowest, and only the states
    where `where` holds are kept. Raises ModelError when a value, a set or `where` is
    ill formed."""
    fixed = {name: ev.evaluate(e, {}, {}) for name, e in model.init}
    states = [fixed]
    for name, chosen in model.init_any:
        values = ev.evaluate(chosen, {}, {})
        members = [v for v in domain(chosen.type.elem) if v in values]  # type: ignore[attr-defined]
        states = [{**st, name: v} for st in states for v in members]
    states = [{n: st[n] for n, _ in model.variables} for st in states]
    if model.init_where is None:
        return states
    return [st for st in states if ev.evaluate(model.init_where, st, {})]


def step_violation(model: Model, ev: Evaluator, state: dict, nxt: dict) -> str | None:
    """The first step invariant (declaration order) that a step from `state` to `nxt`
    breaks or is ill formed for; None when it changes nothing (a stutter) or keeps all."""
    if nxt == state:
        return None
    both = {**state, **{f"{n}'": v for n, v in nxt.items()}}
    for inv in model.step_invariants:
        try:
            if not ev.evaluate(inv.expr, both, {}):
                return inv.name
        except ModelError:
            return inv.name
    return None


def within(model: Model, ev: Evaluator, state: dict) -> bool:
    """The state meets every state constraint (TLC's CONSTRAINT; ill formed: it does not)."""
    try:
        return all(ev.evaluate(c.expr, state, {}) for c in model.constraints)
    except ModelError:
        return False
