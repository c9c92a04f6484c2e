"""`symcheck check --cross-check`: each verdict again from an engine that shares no code
with the one that gave it, and the two must agree. The two sides are the explicit-state
engines (the compiled search, engines/explicit.py and engines/graph_liveness.py, or the
independent evaluator, symcheck/explicit/) and the SMT engines (BMC, the proof engines,
the lasso engine, all on the Z3 encoding):

- a violation found by one side: the other must find the same invariant (or property)
  violated at the same length (both give shortest traces);
- a proof by the explicit side: the evaluator re-explores the same states when they are
  at most EVALUATOR_STATES, else the SMT engines (BMC and the proof engines at once, as
  `auto.run`) must prove it, or at least find nothing to the depth;
- a proof by the SMT side: the explicit search must explore every state without a
  violation; a bounded `holds`: the explicit search to the same depth finds nothing;
- a claim's liveness properties the same way, between the whole-graph decision
  (graph_liveness) and the lasso engine.

A claim the explicit side cannot decide (strings, unbounded types) is not cross-checked
and says so; `unknown` from the second engine likewise (neither counts as agreeing)."""
from __future__ import annotations

from dataclasses import dataclass

from symcheck.front.ir import Model
from symcheck.smt.solve import Deadline
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Outcome

EVALUATOR_STATES = 20_000  # an explicit proof of at most this many states: the evaluator re-explores it


@dataclass(frozen=True)
class CrossCheck:
    """`agree`: True, False (a disagreement: an error), or None (not cross-checked);
    `first` and `second`: each engine's answer, in words."""
    agree: bool | None
    first: str
    second: str

    def text(self) -> str:
        what = {True: "cross-checked", False: "the engines disagree", None: "not cross-checked"}[self.agree]
        return f"{what}: {self.first}; {self.second}"


def _said(label: str, out: Outcome) -> str:
    if out.verdict == VIOLATED:
        return f"{label}: {out.invariant} violated at length {out.length}"
    if out.verdict == PROVED:
        return f"{label}: proved" + (f" ({_states(out.states)})" if out.states is not None else "")
    if out.verdict == HOLDS:
        return f"{label}: holds to depth {out.bound}"
    return f"{label}: unknown ({out.reason})"


def _states(n: int) -> str:
    return f"{n:,} state{'s' if n != 1 else ''}"


def _explicit_side(engine: str) -> bool:
    return engine.split("+")[0] == "explicit"


def cross_check(model: Model, result: Outcome, depth: int, deadline: Deadline) -> CrossCheck:
    """`result` (the verdict of `symcheck.prove` on `model`, checked to `depth`) against
    a second engine from the other side (see the module's docstring)."""
    from symcheck.engines.auto import LABELS, unsupported
    first = _said(LABELS.get(result.engine, result.engine), result)
    if result.verdict == UNKNOWN:
        return CrossCheck(None, first, "an unknown verdict is not cross-checked")
    if unsupported("explicit", model) is not None:
        return CrossCheck(None, first, f"no second engine: {unsupported('explicit', model)}")
    if result.violated and result.loop_start is not None:
        second = _liveness_violation(model, result, depth, deadline)
        return _compare_violation(result, first, second)
    if result.violated:
        second = _safety_violation(model, result, deadline)
        return _compare_violation(result, first, second)
    checks = [_safety_green(model, result, depth, deadline, first)]
    if model.properties:
        checks.append(_liveness_green(model, result, depth, deadline, first))
    for verdict in (False, None, True):  # a disagreement first, then what was not cross-checked
        found = next((c for c in checks if c.agree is verdict), None)
        if found is not None:
            return CrossCheck(verdict, first, "; ".join(c.second for c in checks))
    raise AssertionError("unreachable")


def _compare_violation(result: Outcome, first: str, second: tuple[str, Outcome]) -> CrossCheck:
    label, other = second
    said = _said(label, other)
    if other.verdict == UNKNOWN:
        return CrossCheck(None, first, said)
    same = other.violated and (other.invariant, other.length) == (result.invariant, result.length)
    return CrossCheck(same, first, said)


def _safety_violation(model: Model, result: Outcome, deadline: Deadline) -> tuple[str, Outcome]:
    from symcheck.engines import bmc, explicit
    from symcheck.smt.encode import Encoding
    if _explicit_side(result.engine):
        return "Z3 BMC", bmc.run(model, Encoding.of(model), deadline, result.length or 0)
    return "explicit-state search", explicit.run(model, None, deadline)


def _liveness_violation(model: Model, result: Outcome, depth: int, deadline: Deadline) -> tuple[str, Outcome]:
    from symcheck.engines import graph_liveness, liveness
    from symcheck.smt.encode import Encoding
    if _explicit_side(result.engine):
        return "lasso engine", liveness.run(model, Encoding.of(model), deadline, max(depth, result.length or 0))
    return "liveness on the whole state graph", graph_liveness.run(model, None, deadline)


def _safety_green(model: Model, result: Outcome, depth: int, deadline: Deadline, first: str) -> CrossCheck:
    """The invariants of a green verdict (proved, or holding to the bound)."""
    from symcheck.engines import explicit
    if _explicit_side(result.engine):
        if result.states is not None and result.states <= EVALUATOR_STATES:
            return _evaluator(model, result, first)
        from symcheck.engines.auto import run
        from symcheck.smt.encode import Encoding
        other = run(model, Encoding.of(model), deadline, depth)
        label = "SMT engines"
        agree = None if other.verdict == UNKNOWN else not other.violated
        return CrossCheck(agree, first, _said(label, other))
    bounded = result.verdict == HOLDS and not result.proved_invariants
    other = explicit.run(model, None, deadline, depth=result.bound) if bounded else explicit.run(model, None, deadline)
    agree = None if other.verdict == UNKNOWN else not other.violated
    return CrossCheck(agree, first, _said("explicit-state search", other))


def _evaluator(model: Model, result: Outcome, first: str) -> CrossCheck:
    from symcheck.explicit.evaluator import StateCapReached, search
    try:
        found = search(model, 10**9, max_states=EVALUATOR_STATES)
    except StateCapReached:
        return CrossCheck(False, first, f"the evaluator: more than {EVALUATOR_STATES:,} states")
    if found.invariant is not None:
        return CrossCheck(False, first, f"the evaluator: {found.invariant} violated at depth {found.depth}")
    agree = found.complete and found.states == result.states
    return CrossCheck(agree, first, f"the evaluator: no violation in the {_states(found.states)} reachable")


def _liveness_green(model: Model, result: Outcome, depth: int, deadline: Deadline, first: str) -> CrossCheck:
    """The properties of a green: decided on the whole graph (the explicit side) or by
    the lasso engine to the bound (the SMT side, engine `...+lasso`)."""
    from symcheck.engines import graph_liveness, liveness
    from symcheck.smt.encode import Encoding
    if not result.engine.endswith("+lasso"):  # the whole graph decided them: the lasso engine to the depth
        other = liveness.run(model, Encoding.of(model), deadline, depth)
        agree = None if other.verdict == UNKNOWN else not other.violated
        return CrossCheck(agree, first, _said("lasso engine (the properties)", other))
    other = graph_liveness.run(model, None, deadline)
    # a lasso longer than the bound is no disagreement with "holds to the bound"
    agree = None if other.verdict == UNKNOWN else not (other.violated and (other.length or 0) <= depth + 1)
    return CrossCheck(agree, first, _said("liveness on the whole state graph", other))
