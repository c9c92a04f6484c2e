"""Action instances and fairness groups, numbered in declaration and domain order.
Every engine and the explicit evaluator number action instances the same way, so a
trace names the same instance whichever engine found it."""
from __future__ import annotations

import itertools
from typing import Any, NamedTuple

from symcheck.front.ir import Action, Model
from symcheck.front.values import domain, domain_size, render

Instance = tuple[Action, dict[str, Any]]  # an action and its parameter values


def instances(model: Model) -> list[Instance]:
    """Every (action, parameter values) pair, in declaration and domain order. A parameter
    of unbounded type (a sort, an int without a range) is None: one instance whose value
    the SMT encoding chooses afresh at every step."""
    out: list[Instance] = []
    for a in model.actions:
        names = [p for p, _ in a.params]
        for combo in itertools.product(*(domain(t) if domain_size(t) is not None else [None] for _, t in a.params)):
            out.append((a, dict(zip(names, combo, strict=False))))
    return out


class FairGroup(NamedTuple):
    """One fairness constraint: its label, the action instances (indexes) it is about,
    and whether it is strong (else weak)."""
    label: str
    insts: frozenset
    strong: bool


def fair_groups(model: Model, insts) -> list[FairGroup]:
    """Each fairness constraint, in declaration order (weak ones first, as written)."""
    out = []
    for f in model.fairness:
        chosen = dict(f.params)
        if f.each:
            for k, (a, params) in enumerate(insts):
                if a.name == f.actions[0] and all(params[p] == v for p, v in chosen.items()):
                    args = ", ".join(f"{p}={render(params[p], t)}" for p, t in a.params)
                    out.append(FairGroup(f"{a.name}({args})" if a.params else a.name, frozenset({k}), f.strong))
        else:
            out.append(FairGroup(" | ".join(f.actions),
                                 frozenset(k for k, (a, _) in enumerate(insts) if a.name in f.actions), f.strong))
    return out
