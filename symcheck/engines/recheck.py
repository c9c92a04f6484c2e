"""The re-check policy, in one place: no engine's proof is reported before a second,
independent derivation agrees. `recheck` takes any engine's outcome and returns what
may be reported: the proof with a line saying how it was re-checked, or `unknown`
saying why it was not accepted. Every other verdict passes through unchanged.

- k-induction, with or without lemmas (`kind`, `kind+lemmas`, `kind+forall`): fresh
  solvers configured differently, one monolithic query per obligation, the lemmas
  re-proved inductive first (`kind.recheck`);
- PDR: its inductive invariant re-checked for initiation, consecution and safety
  (`pdr.recheck`);
- the explicit-state search: the independent evaluator (symcheck/explicit/, which
  shares no code with the compiled engine) explores the same states, when they are at
  most RECHECK_STATES; a larger proof says it was not re-checked this way (the tests
  cross-check the two on every claim of the suite);
- liveness decided on the whole state graph (`graph_liveness`, which names its
  outcome's engine `explicit`; its caller asks for this re-check by name): the
  evaluator's own fair-lasso search (symcheck/explicit/liveness.py) finds no lasso on
  the same states, when they are at most RECHECK_STATES, as above.

A proof from an engine without a re-check here is never reported. The re-check runs
where the engine ran (a solver's certificate does not cross processes).

A violation is re-checked too (`replay`, which `recheck` applies to a violated outcome):
its trace is replayed by the independent evaluator, so no engine reports a path that is
not a path (a solver's model read back wrongly, say). A trace that does not replay
becomes `unknown` saying where it parts from the evaluator; one with something the
evaluator cannot evaluate keeps its verdict and says it was not replayed."""
from __future__ import annotations

from collections.abc import Callable

from typing import Any

from symcheck.engines import kind, pdr
from symcheck.errors import ModelError
from symcheck.front.ir import Expr, Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.trace import PROVED, STUTTER, UNKNOWN, VIOLATED, Outcome

RECHECK_STATES = 500  # the evaluator re-explores an explicit proof of up to this many states (a second at most)

# A re-check returns None when the proof is not re-derived, else the line the proof
# gets ("" when the engine's own wording already says how it was re-checked).
Recheck = Callable[[Model, Outcome, Deadline, "Encoding | None"], "str | None"]


def _kind(model: Model, out: Outcome, deadline: Deadline, enc: Encoding | None) -> str | None:
    return "" if kind.recheck(model, out, timeout=deadline, enc=enc) else None


def _pdr(model: Model, out: Outcome, deadline: Deadline, enc: Encoding | None) -> str | None:
    return "" if pdr.recheck(model, out.certificate, timeout=deadline, enc=enc) else None


def _explicit(model: Model, out: Outcome, deadline: Deadline, enc: Encoding | None) -> str | None:
    """The independent evaluator's search must find the same states and no violation."""
    from symcheck.explicit.evaluator import StateCapReached, search
    if (out.states or 0) > RECHECK_STATES:
        return (f"not re-checked by a second search (more than {RECHECK_STATES:,} states); the tests cross-check "
                "this engine against the independent evaluator on every claim of the suite")
    try:
        again = search(model, 10**9, max_states=RECHECK_STATES)
    except StateCapReached:  # more states than the engine explored: the re-check fails
        return None
    if again.invariant is None and again.complete and again.states == out.states:
        return f"re-checked: the independent evaluator explored the same {again.states:,} states"
    return None


def _graph_liveness(model: Model, out: Outcome, deadline: Deadline, enc: Encoding | None) -> str | None:
    """The evaluator's fair-lasso search, configuration by configuration, must find no
    lasso for any property, on as many states."""
    from symcheck.explicit.evaluator import StateCapReached
    from symcheck.explicit.liveness import find_lasso, reachable_graph
    from symcheck.front.ir import configurations
    if (out.states or 0) > RECHECK_STATES:
        return (f"not re-checked by a second search (more than {RECHECK_STATES:,} states); the tests cross-check "
                "this engine against the independent evaluator on every claim of the suite")
    states = 0
    for config in configurations(model):
        try:
            graph = reachable_graph(model, config or None, max_states=RECHECK_STATES)
        except StateCapReached:
            return None
        states += len(graph.states)
        if any(find_lasso(model, graph, p, config or None) is not None for p in model.properties):
            return None
    if states != out.states:
        return None
    return f"re-checked: the independent evaluator's fair-lasso search found no lasso on the same {states:,} states"


# engine name of a proved outcome (or the name its caller asks for) -> its re-check
RECHECKS: dict[str, Recheck] = {
    "kind": _kind, "kind+lemmas": _kind, "kind+forall": _kind, "pdr": _pdr, "explicit": _explicit,
    "graph_liveness": _graph_liveness,
}


def recheck(model: Model, out: Outcome, deadline: Deadline, enc: Encoding | None = None,
            label: str | None = None, engine: str | None = None) -> Outcome:
    """`out` as it may be reported (see the module's docstring). `label` names the engine
    in the reason of a proof that failed its re-check; `engine` chooses the re-check
    (default: the outcome's engine). A violation is replayed (`replay`)."""
    if out.verdict == VIOLATED:
        return replay(model, out)
    if out.verdict != PROVED:
        return out
    check = RECHECKS.get(engine or out.engine)
    line = check(model, out, deadline, enc) if check is not None else None
    if line is None:
        what = label or out.engine
        at = f" at k = {out.k}" if out.k is not None else f" ({out.states:,} states)" if out.states is not None else ""
        why = ("no re-check is known for it" if check is None
               else "out of time" if deadline.expired() else None)
        failed = Outcome(model.name, UNKNOWN, None, model.expect, engine=out.engine,
                         reason=f"{what} claimed a proof{at} that failed its re-check" + (f" ({why})" if why else ""))
        failed.timings = out.timings
        return failed
    if line:
        out.proof = out.proof + [line]
    return out


# ---------------------------------------------------------------- violations

REPLAYED = "replayed by the independent evaluator (no solver): the initial state, every step and the violation"
REPLAYED_LASSO = ("replayed by the independent evaluator (no solver): the initial state, every step, the loop's "
                  "return, the property's violation and the loop's fairness")


class Unreplayable(Exception):
    """The evaluator cannot evaluate something the trace needs: the violation is kept,
    marked as not replayed."""


def replay(model: Model, out: Outcome) -> Outcome:
    """A violation as it may be reported: its trace replayed by the independent evaluator
    under the outcome's configuration (`out.replayed` says so), else `unknown` saying
    where the two part. Any other verdict, or a violation already replayed, passes
    through unchanged. Cheap: a few evaluations per step of a short trace."""
    if out.verdict != VIOLATED or out.trace is None or out.replayed is not None:
        return out
    try:
        why = _replay(model, out)
    except Unreplayable as exc:
        out.replayed = f"not replayed by the independent evaluator: {exc}"
        return out
    if why is None:
        out.replayed = REPLAYED if out.loop_start is None else REPLAYED_LASSO
        return out
    whose = "the explicit-state search's" if out.engine.split("+")[0] == "explicit" else "the solver's"
    failed = Outcome(model.name, UNKNOWN, None, model.expect, engine=out.engine,
                     reason=f"{whose} counterexample does not replay in the evaluator: {why}")
    failed.timings, failed.replayed = out.timings, f"does not replay: {why}"
    return failed


def not_replayed(out: Outcome | None) -> bool:
    """`out` is an engine's counterexample that did not replay (`replay` made it unknown):
    no other engine's proof is reported beside it."""
    return out is not None and out.verdict == UNKNOWN and out.replayed is not None


def _replay(model: Model, out: Outcome) -> str | None:
    """Where the trace parts from the evaluator (None: nowhere). Raises Unreplayable for
    what the evaluator cannot evaluate (an exception other than an ill-formed operation)."""
    from symcheck.explicit.evaluator import Evaluator
    assert out.trace is not None
    if Feature.SORTS in model.features:  # its sets and maps take only values of known types
        raise Unreplayable("the claim has sorts of unspecified size, and the evaluator takes no member of one")
    consts = dict(out.config or {})
    try:
        return _steps(model, Evaluator(model, consts), out, consts)
    except (TypeError, KeyError, ValueError, AttributeError, IndexError, NotImplementedError, RecursionError) as exc:
        raise Unreplayable(f"it cannot evaluate this trace ({type(exc).__name__}: {exc})") from None


def _holds(ev: Any, e: Expr, state: dict[str, Any]) -> bool:
    """The predicate is true in the state (ill formed: false, as the engines read it)."""
    try:
        return bool(ev.evaluate(e, state, {}))
    except ModelError:
        return False


def _differs(model: Model, want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    return [n for n, _ in model.variables if n not in got or want.get(n) != got[n]]


def _steps(model: Model, ev: Any, out: Outcome, consts: dict[str, Any]) -> str | None:
    from symcheck.explicit.constructs import within
    from symcheck.front.values import contains
    assert out.trace is not None
    steps, ill = out.trace.steps, out.invariant == "well-formed"
    last = len(steps) - 1
    names = {n for n, _ in model.variables}
    if ill and last == 0:
        return None if _ill_formed_start(model, ev, steps[0].state) else "the initial state is well formed in it"
    why = _initial(model, ev, steps[0].state)
    if why is not None:
        return why
    for i in range(1, last + 1):
        prev, step = steps[i - 1].state, steps[i]
        if not (ill and i == last) and set(step.state) != names:
            return f"state {i} does not have the claim's variables"
        if step.action == STUTTER:
            if i != last or out.loop_start is None:
                return f"step {i} is a stutter, which only closes a lasso"
            if step.state != prev:
                return f"step {i} is a stutter but its state differs in {', '.join(_differs(model, prev, step.state))}"
            continue
        if model.constraints and not within(model, ev, prev):
            return f"state {i - 1} is outside the state constraints, and no step leaves such a state"
        action = next((a for a in model.actions if a.name == step.action), None)
        if action is None:
            return f"step {i} takes {step.action!r}, no action of the claim"
        params = {p: v for p, v, _ in step.params}
        if set(params) != {p for p, _ in action.params}:
            return f"step {i} ({action.name}) does not give its parameters"
        outside = [p for p, t in action.params if not contains(t, params[p])]
        if outside:
            return f"step {i} ({action.name}) has {outside[0]} = {params[outside[0]]!r}, outside its type"
        try:
            enabled = ev.evaluate(action.guard, prev, params) is True
            nxt = dict(prev)
            for var, e in action.updates if enabled else ():
                nxt[var] = ev.evaluate(e, prev, params)
        except ModelError as exc:
            if ill and i == last:
                return None  # the ill-formed step the violation names
            return f"step {i} ({action.name}) is ill formed in it: {exc.message}"
        if not enabled:
            return f"step {i}'s action {action.name} is not enabled in state {i - 1}"
        if ill and i == last:
            return f"step {i} ({action.name}) is well formed in it"
        if nxt != step.state:
            return f"step {i}'s state differs in {', '.join(_differs(model, nxt, step.state))}"
    return _lasso(model, ev, out, consts) if out.loop_start is not None else _broken(model, ev, out)


def _ill_formed_start(model: Model, ev: Any, state: dict[str, Any]) -> bool:
    try:
        for _, e in model.init + model.init_any:
            ev.evaluate(e, {}, {})
        if model.init_where is not None:
            ev.evaluate(model.init_where, state, {})
    except ModelError:
        return True
    return False


def _initial(model: Model, ev: Any, state: dict[str, Any]) -> str | None:
    """Why `state` is not an initial state (None: it is one)."""
    if set(state) != {n for n, _ in model.variables}:
        return "the initial state does not have the claim's variables"
    try:
        wrong = [n for n, e in model.init if state[n] != ev.evaluate(e, {}, {})]
        wrong += [n for n, chosen in model.init_any if state[n] not in ev.evaluate(chosen, {}, {})]
        if wrong:
            return f"the initial state differs in {', '.join(wrong)}"
        if model.init_where is not None and ev.evaluate(model.init_where, state, {}) is not True:
            return "the initial state does not meet the claim's `where`"
    except ModelError as exc:
        return f"the initial state is ill formed in it: {exc.message}"
    return None


def _broken(model: Model, ev: Any, out: Outcome) -> str | None:
    """Why the reported safety violation is not one in the trace's last state (or step)."""
    from symcheck.explicit.evaluator import successors, type_violations
    from symcheck.front.actions import instances
    assert out.trace is not None
    steps, name = out.trace.steps, out.invariant or ""
    last = steps[-1].state
    if name == "well-formed":
        return None  # the last step (or the initial state) was found ill formed above
    if name == "deadlock":
        insts = instances(model)
        if any(None in params.values() for _, params in insts):
            raise Unreplayable("a deadlock over parameters of unbounded type is not enumerated")
        enabled = next((label for label, _ in successors(model, ev, last, insts)), None)
        return None if enabled is None else f"{enabled[0]} is enabled in the last state: no deadlock"
    if name.startswith("type("):
        var = name[len("type("):-1]
        return None if var in type_violations(model, last) else f"{var} lies in its type in the last state"
    step = next((i for i in model.step_invariants if i.name == name), None)
    if step is not None:
        if len(steps) < 2:
            return f"{name} is a step invariant and the trace has no step"
        both = {**steps[-2].state, **{f"{n}'": v for n, v in last.items()}}
        return None if steps[-2].state != last and not _holds(ev, step.expr, both) else f"the last step keeps {name}"
    inv = next((i for i in model.invariants if i.name == name), None)
    if inv is None:
        raise Unreplayable(f"the claim has no invariant {name!r}")
    return None if not _holds(ev, inv.expr, last) else f"{name} holds in the last state"


def _lasso(model: Model, ev: Any, out: Outcome, consts: dict[str, Any]) -> str | None:
    """Why the lasso is not a fair behaviour violating its property (None: it is one)."""
    from symcheck.explicit.liveness import fairness_witnesses
    assert out.trace is not None and out.loop_start is not None
    steps, lp = out.trace.steps, out.loop_start
    last = len(steps) - 1
    if not 0 <= lp < last:
        return f"its loop starts at state {lp}, not a state before the last"
    if steps[last].state != steps[lp].state:
        return f"its last step does not return to state {lp}: they differ in " \
               f"{', '.join(_differs(model, steps[lp].state, steps[last].state))}"
    prop = next((p for p in model.properties if p.name == out.invariant), None)
    if prop is None:
        raise Unreplayable(f"the claim has no property {out.invariant!r}")
    states = [s.state for s in steps[:last]]
    if prop.kind == "eventually":
        broken = not any(_holds(ev, prop.args[0], s) for s in states)
    else:
        p, q = prop.args
        broken = any(_holds(ev, p, states[i]) and not any(_holds(ev, q, s) for s in states[min(i, lp):])
                     for i in range(last))
    if not broken:
        return f"{prop.name} holds on the lasso"
    unfair = [label for label, how, _ in fairness_witnesses(model, out.trace, lp, consts) if how is None]
    return f"its loop is not fair to {unfair[0]}" if unfair else None
