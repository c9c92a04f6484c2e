"""Explore mode: walk a claim's state space by hand. The page sends the path so far (the
labels of the actions taken from the initial state); the answer replays it with the
explicit evaluator and gives every state on it with its invariants' values, and the
actions enabled in the last state (at most `cap` of them listed). Stateless: going back
is sending a shorter path. The path exports as a trace (symcheck JSON and ITF)."""
from __future__ import annotations

from symcheck.errors import InputError, ModelError
from symcheck.explicit.constructs import initial_states
from symcheck.explicit.evaluator import Evaluator, successors, type_violations
from symcheck.front.actions import instances
from symcheck.front.ir import Model, configurations
from symcheck.front.values import render, to_json
from symcheck.report.itf import itf_trace
from symcheck.report.text import trace_json
from symcheck.trace import HOLDS, VIOLATED, Result, Step, Trace

MAX_PATH = 30  # the depth limit of a run
MAX_LISTED = 200  # enabled actions listed per state
EXPLORED = "explored path"  # the verdict an exported path carries: not holds, whatever it violates


def label(action: str, params: dict, types: dict) -> str:
    """How the page names an action instance, and how a path names its steps."""
    return f"{action}({', '.join(f'{p}={render(v, types[p])}' for p, v in params.items())})"


def explore(model: Model, path: list, cap: int = MAX_LISTED, source: str | None = None) -> dict:
    """`source`: the claim file as the page names it."""
    if not isinstance(path, list) or len(path) > MAX_PATH or not all(isinstance(s, str) for s in path):
        raise InputError(None, f"a path is a list of at most {MAX_PATH} action labels")
    config = configurations(model)[0]  # explore one configuration of symbolic constants: the first
    ev = Evaluator(model, config)
    insts = instances(model)
    try:
        starts = initial_states(model, ev)  # with several (`any(S)`, `where`), the page starts at the first
    except ModelError as exc:
        raise InputError(exc.span, f"the initial state is ill-formed: {exc.message}") from None
    if not starts:
        raise InputError(None, "the model has no initial state (its `where` holds in none)")
    state = starts[0]
    steps = [Step(None, (), state)]
    for i, wanted in enumerate(path, 1):
        nxt = next((s for lab, s in _enabled(model, ev, state, insts) if lab == wanted), None)
        if nxt is None:
            raise InputError(None, f"step {i}: {wanted} is not enabled in state {i - 1}",
                             "go back and pick one of the enabled actions")
        if isinstance(nxt, ModelError):
            raise InputError(nxt.span, f"step {i}: {wanted} is ill-formed: {nxt.message}")
        action, params = _parse(model, insts, wanted)
        steps.append(Step(action, params, nxt))
        state = nxt
    enabled = []
    for lab, nxt in _enabled(model, ev, state, insts):
        enabled.append({"label": lab, "error": nxt.message if isinstance(nxt, ModelError) else None})
    trace = Trace(tuple(steps))
    states = trace_json(model, trace)
    violated = None
    for i, s in enumerate(steps):
        states[i]["invariants"] = invariant_values(model, ev, s.state)
        states[i]["label"] = None if s.action is None else label(s.action, {p: v for p, v, _ in s.params},
                                                                {p: t for p, _, t in s.params})
        states[i]["rendered"] = {n: render(s.state[n], t) for n, t in model.variables}
        if violated is None:
            violated = next((name for name, ok in states[i]["invariants"].items() if ok is not True), None)
    r = Result(model.name, VIOLATED if violated else HOLDS, len(path), model.expect, invariant=violated, trace=trace,
               engine="explore", config=config or None, length=len(path) if violated else None)
    itf = itf_trace(model, r)
    itf["#meta"]["source"] = source or model.file
    itf["#meta"]["description"] = f"symcheck explore: a path of {len(path)} steps in {model.name}, chosen by hand" + (
        f", violating {violated}" if violated else ", violating nothing (an explored path, not a check of the claim)")
    if not violated:  # a path chosen by hand that violates nothing shows nothing about the claim
        itf["#meta"]["verdict"] = EXPLORED
    return {"claim": model.name, "kind": EXPLORED, "states": states, "enabled": enabled[:cap], "enabled_total": len(enabled),
            "violated": violated, "symbolic": {c.name: to_json(config[c.name], c.type) for c in model.symbolic},
            "itf": itf}


def _enabled(model: Model, ev: Evaluator, state: dict, insts):
    types = {a.name: dict(a.params) for a in model.actions}
    for (name, params), nxt in successors(model, ev, state, insts):
        yield label(name, params, types[name]), nxt


def _parse(model: Model, insts, wanted: str):
    for a, params in insts:
        types = dict(a.params)
        if label(a.name, params, types) == wanted:
            return a.name, tuple((p, v, types[p]) for p, v in params.items())
    raise InputError(None, f"no action instance {wanted}")


def invariant_values(model: Model, ev: Evaluator, state: dict) -> dict:
    """Each invariant's value in the state (an ill-formed one: its error), types first."""
    out: dict = {f"type({n})": False for n in type_violations(model, state)}
    for inv in model.invariants:
        try:
            out[inv.name] = bool(ev.evaluate(inv.expr, state, {}))
        except ModelError as exc:
            out[inv.name] = f"ill-formed: {exc.message}"
    return out
