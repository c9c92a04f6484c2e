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
where the engine ran (a solver's certificate does not cross processes)."""
from __future__ import annotations

from collections.abc import Callable

from symcheck.engines import kind, pdr
from symcheck.front.ir import Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.trace import PROVED, UNKNOWN, Outcome

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
    (default: the outcome's engine)."""
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
