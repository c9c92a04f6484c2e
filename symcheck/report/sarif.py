"""Results as SARIF 2.1.0, the format code-scanning services annotate pull requests
with: each unexpected verdict is a result located in the claim file (a violated green
at the violated invariant, a red that holds at its first invariant, an unknown verdict
at the claim file), a counterexample is a code flow whose steps point at the actions'
lines. Written with the standard library."""
from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from symcheck.errors import Span
from symcheck.front.ir import Model, Type
from symcheck.front.values import render
from symcheck.report.text import text
from symcheck.trace import PROVED, STUTTER, UNKNOWN, VIOLATED, Result

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"

# One rule per way a verdict can miss its expectation.
RULES = {
    "green-violated": "A claim expected to hold is violated: the model has a counterexample.",
    "red-not-violated": "A variant that plants a bug is not violated: the check misses the planted bug.",
    "unknown-verdict": "The check gave no verdict (time, memory or solver limit).",
}


def rule_for(model: Model, r: Result) -> str:
    if r.verdict == UNKNOWN:
        return "unknown-verdict"
    if r.verdict == VIOLATED:
        return "green-violated"
    return "red-not-violated"


def sarif_log(results: list[tuple[Model, Result, float]], version: str = "0") -> dict[str, Any]:
    """results: (model, result, seconds) triples; only the unexpected verdicts become
    SARIF results (an empty list is a clean run)."""
    out = [_result(model, r) for model, r, _ in results if not r.as_expected]
    rules = [{"id": rid, "name": rid.replace("-", " "), "shortDescription": {"text": desc},
              "fullDescription": {"text": desc}, "defaultConfiguration": {"level": "error"}}
             for rid, desc in RULES.items()]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "symcheck", "version": version, "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
        "results": out,
    }
    overridden = run_overrides(results)
    if overridden:
        run["properties"] = {"overrides": overridden}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def run_overrides(results: list[tuple[Model, Result, float]]) -> list[dict[str, Any]]:
    """The constants overridden in the run (--set, --constants), each with the variants it applied to."""
    given: dict[tuple[object, ...], dict[str, Any]] = {}
    for model, _, _ in results:
        for o in model.overrides:
            entry = given.setdefault((o.constant.name, o.origin),
                                     {"constant": o.constant.name, "from": o.origin, "variants": []})
            entry["variants"].append(model.name)
    return list(given.values())


def artifact_location(file: str) -> dict[str, Any]:
    """A claim file relative to the checkout (%SRCROOT%, the working directory), as code
    scanning needs; a file outside it by its absolute file: URI."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return {"uri": path.as_uri()}
    return {"uri": path.as_posix(), "uriBaseId": "%SRCROOT%"}


def _location(span: Span | None, file: str, message: str | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact_location(file)}}
    if span is not None and span.line > 0:
        loc["physicalLocation"]["region"] = {"startLine": span.line, "startColumn": max(span.col, 1)}
    if message is not None:
        loc["message"] = {"text": message}
    return loc


def _invariant_span(model: Model, name: str | None) -> Span | None:
    for inv in model.invariants + model.step_invariants:
        if inv.name == name:
            return inv.span
    for prop in model.properties:
        if prop.name == name:
            return prop.span
    return None


def _result(model: Model, r: Result) -> dict[str, Any]:
    rule = rule_for(model, r)
    if rule == "green-violated":
        span = _invariant_span(model, r.invariant)
        what = f"{model.name}: {r.invariant} is violated" + (
            f" after {r.length} step{'s' if r.length != 1 else ''}" if r.length is not None else "")
    elif rule == "red-not-violated":
        span = model.invariants[0].span if model.invariants else None
        what = (f"{model.name}: expected violated (bug planted: {model.bug or 'see the claim'}), "
                f"but it {'is proved' if r.verdict == PROVED else 'holds to depth ' + str(r.bound)}")
    else:
        span = None
        what = f"{model.name}: no verdict: {r.reason}"
    res: dict[str, Any] = {
        "ruleId": rule,
        "level": "error",
        "message": {"text": what + f" [expected {model.expect}]"},
        "locations": [_location(span, model.file)],
        "partialFingerprints": {"symcheckVariant/v1": f"{model.name}:{rule}:{r.invariant or ''}"},
        "properties": {"claim": model.family, "variant": model.name, "verdict": r.verdict,
                       "expected": model.expect, "invariant": r.invariant, "report": text(model, r)},
    }
    if model.overrides:
        res["properties"]["overrides"] = {o.constant.name: o.origin for o in model.overrides}
    if r.trace is not None and r.verdict == VIOLATED:
        res["codeFlows"] = [{"message": {"text": f"counterexample to {r.invariant}"},
                             "threadFlows": [{"locations": _flow(model, r)}]}]
    return res


def _flow(model: Model, r: Result) -> list[dict[str, Any]]:
    """One thread-flow location per step: the initial state at the claim's `init`, each
    step at its action, and the violated invariant last."""
    assert r.trace is not None
    actions = {a.name: a.span for a in model.actions}
    init_span = next((getattr(e, "span", None) for _, e in model.init if getattr(e, "span", None)), None)
    types = dict(model.variables)
    steps = []
    prev = None
    for i, step in enumerate(r.trace.steps):
        if step.action is None:
            shown = ", ".join(f"{n} = {render(step.state[n], t)}" for n, t in types.items())
            loc = _location(init_span, model.file, f"State 0 (initial): {shown}")
        else:
            params = ", ".join(f"{p}={render(v, cast(Type, t))}" for p, v, t in step.params)
            changed = ", ".join(f"{n} = {render(step.state[n], t)}" for n, t in types.items()
                                if prev is not None and step.state[n] != prev[n]) or "no variable changed"
            label = "no action (stuttering)" if step.action == STUTTER else f"{step.action}({params})"
            closes_loop = r.loop_start is not None and i == len(r.trace.steps) - 1
            back = f" -> back to State {r.loop_start}" if closes_loop else ""
            loc = _location(actions.get(step.action), model.file, f"Step {i}: {label}{back}: {changed}")
        steps.append({"location": loc, "executionOrder": i, "nestingLevel": 0})
        prev = step.state
    steps.append({"location": _location(_invariant_span(model, r.invariant), model.file,
                                        f"{r.invariant} is false here"),
                  "executionOrder": len(steps), "nestingLevel": 0, "importance": "essential"})
    return steps
