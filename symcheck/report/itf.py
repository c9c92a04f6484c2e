"""Counterexamples in the Informal Trace Format (ITF) of Apalache and Quint, so that
their trace viewers and model-based testing drivers read symcheck's traces.

One trace per file: `vars` names the variables, `states` holds each state's values,
`loop` the state a lasso returns to. Values follow the format's encoding: integers as
JSON numbers (beyond 2^53 as `{"#bigint": "..."}`), enum members as strings, sets as
`{"#set": [...]}`, maps as `{"#map": [[k, v], ...]}`, tuples as `{"#tup": [...]}`,
records as objects and sequences as arrays; strings, and a sort's members as the trace
names them (`Sender!0`), as JSON strings. The action (with its parameters) that led to
a state is in that state's `#meta`, which the format leaves free."""
from __future__ import annotations

from typing import Any, cast

from symcheck.front.ir import BoolT, EnumT, IntT, MapT, Model, RecordT, SeqT, SetT, SortT, StrT, TupleT, Type
from symcheck.front.values import sort_key
from symcheck.trace import Result, Trace

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
SAFE_INT = 2 ** 53 - 1  # beyond this a JSON number loses precision in many readers


def itf_value(v: Any, t: Type) -> Any:
    """A concrete value (see symcheck.front.values for its Python form) in ITF."""
    if isinstance(t, BoolT):
        return bool(v)
    if isinstance(t, IntT):
        return v if -SAFE_INT <= v <= SAFE_INT else {"#bigint": str(v)}
    if isinstance(t, (EnumT, StrT, SortT)):  # a sort's member as the trace names it: Sender!0
        return str(v)
    if isinstance(t, SetT):
        return {"#set": [itf_value(e, t.elem) for e in sorted(v, key=lambda e: sort_key(e, t.elem))]}
    if isinstance(t, SeqT):
        return [itf_value(e, t.elem) for e in v]
    if isinstance(t, RecordT):
        return {f: itf_value(x, ft) for (f, ft), x in zip(t.fields, v, strict=True)}
    if isinstance(t, TupleT):
        return {"#tup": [itf_value(x, et) for et, x in zip(t.elems, v, strict=True)]}
    if isinstance(t, MapT):
        return {"#map": [[itf_value(k, t.key), itf_value(x, t.val)] for k, x in v]}
    raise TypeError(f"no ITF encoding for {t!r}")


def itf_trace(model: Model, r: Result, trace: Trace | None = None, index: int | None = None) -> dict[str, Any]:
    """The ITF document of a result's counterexample (or of `trace`). `index` numbers
    the counterexample among several of one variant (`--max-traces`)."""
    trace = trace if trace is not None else r.trace
    if trace is None:
        raise ValueError(f"{model.name}: the result has no trace")
    types = dict(model.variables)
    config = {**{c.name: c.value for c in model.constants}, **(r.config or {})}
    meta: dict[str, Any] = {
        "format": "ITF",
        "format-description": FORMAT_DESCRIPTION,
        "source": model.file,
        "description": f"symcheck counterexample: {model.name} violates {r.invariant}",
        "claim": model.family,
        "variant": model.name,
        "invariant": r.invariant,
        "verdict": r.verdict,
        "expected": model.expect,
        "engine": r.engine,
        "constants": {c.name: itf_value(config[c.name], c.type) for c in model.constants
                      if config.get(c.name) is not None},
    }
    if model.source:
        meta["ports"] = model.source
    if model.overrides:  # the values are in `constants`; this says which were given from outside
        meta["overrides"] = [{"constant": o.constant.name, "from": o.origin, "replaces": o.replaces}
                             for o in model.overrides]
    if index is not None:
        meta["counterexample"] = index
    steps = trace.steps
    if r.loop_start is not None:  # the last step returns to state loop_start: ITF's `loop` says so
        steps = steps[:-1]
    states = []
    for i, step in enumerate(steps):
        state_meta: dict[str, Any] = {"index": i}
        if step.action is not None:
            state_meta["action"] = step.action
            state_meta["params"] = {p: itf_value(v, cast(Type, t)) for p, v, t in step.params}
        states.append({"#meta": state_meta, **{n: itf_value(step.state[n], t) for n, t in types.items()}})
    doc: dict[str, Any] = {"#meta": meta, "vars": list(types), "states": states}
    if r.loop_start is not None:
        doc["loop"] = r.loop_start
        back = trace.steps[-1]  # the step from the last state back to `loop` (or stuttering)
        states[-1]["#meta"]["loops_back_by"] = {"action": back.action,
                                                "params": {p: itf_value(v, cast(Type, t)) for p, v, t in back.params}}
    return doc


def itf_name(model: Model, index: int | None = None) -> str:
    """The file name of a variant's counterexample: `<variant>.itf.json`, numbered
    when it has several."""
    return f"{model.name}.itf.json" if index is None else f"{model.name}.{index}.itf.json"
