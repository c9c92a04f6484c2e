"""Report stage: results as text for people and JSON for tools. Knows nothing of Z3."""
from __future__ import annotations

from .ir import Model
from .trace import HOLDS, STUTTER, UNKNOWN, VIOLATED, Result
from .values import render, to_json

MARK = {True: "as expected", False: "NOT AS EXPECTED"}


def headline(model: Model, r: Result) -> str:
    if r.verdict == HOLDS:
        lasso = f"; no fair lasso of up to {r.depth + 1} states violates a property" if model.properties else ""
        what = f"HOLDS to depth {r.depth} (no path of up to {r.depth} steps violates an invariant{lasso})"
    elif r.verdict == VIOLATED and r.loop_start is not None:
        last = r.trace.length - 1
        back = (f"State {last} repeats forever" if r.trace.steps[-1].action == STUTTER
                else f"State {last} loops back to State {r.loop_start}")
        what = f"VIOLATED: {r.invariant} fails on a lasso of {last + 1} state{'s' if last else ''} ({back})"
    elif r.verdict == VIOLATED:
        steps = "in the initial state" if r.depth == 0 else f"after {r.depth} step{'s' if r.depth != 1 else ''}"
        what = f"VIOLATED: {r.invariant} fails {steps}"
    else:
        what = f"UNKNOWN: {r.reason}"
    return f"{model.name}: {what} [expected {model.expect}: {MARK[r.as_expected]}]"


def text(model: Model, r: Result) -> str:
    lines = [headline(model, r)]
    if model.bug:
        lines.append(f"  bug planted: {model.bug}")
    if r.verdict != VIOLATED or r.trace is None:
        return "\n".join(lines) + "\n"
    if model.constants:
        lines.append("")
        lines.append("Configuration:")
        for c in model.constants:
            lines.append(f"  {c.name} = {render(c.value, c.type)}")
    types = dict(model.variables)
    prev = None
    for i, step in enumerate(r.trace.steps):
        lines.append("")
        if r.loop_start is not None:
            _lasso_step(lines, model, r, i, prev)
            prev = step.state
            continue
        if step.action is None:
            lines.append("State 0 (initial):")
            if not types:
                lines.append("  (the claim has no variables)")
            for name, t in model.variables:
                lines.append(f"  {name} = {_show(step.state[name], t)}")
        else:
            params = ", ".join(f"{p}={render(v, t)}" for p, v, t in step.params)
            lines.append(f"Step {i}: {step.action}({params})")
            changed = [n for n, _ in model.variables if step.state[n] != prev[n]]
            if not changed:
                lines.append("  (no variable changed)")
            for name in changed:
                lines.append(f"  {name} = {_show(step.state[name], types[name])}")
        prev = step.state
    lines.append("")
    inv = next((i for i in model.invariants if i.name == r.invariant), None)
    prop = next((p for p in model.properties if p.name == r.invariant), None)
    if prop is not None:
        lines.append(f"Violated property {prop.name} ({prop.span}):")
        lines.append(f"  {' '.join(prop.text.split())}")
    elif inv is not None:
        lines.append(f"Violated invariant {inv.name} ({inv.span}):")
        for src in inv.text.splitlines():
            lines.append(f"  {src.rstrip()}")
    else:
        lines.append(f"Violated: {r.invariant}")
    if r.explanation:
        lines.append("Why it is false:")
        for indent, line in r.explanation:
            lines.append("  " + "  " * indent + line)
    return "\n".join(lines) + "\n"


def _lasso_step(lines: list, model: Model, r: Result, i: int, prev) -> None:
    """One state of a lasso: numbered, the loop's first state marked, the last step
    saying where it returns to."""
    step, last = r.trace.steps[i], r.trace.length
    here = "  <- the loop starts here" if i == r.loop_start else ""
    if step.action is None:
        lines.append(f"State 0 (initial):{here}")
        for name, t in model.variables:
            lines.append(f"  {name} = {_show(step.state[name], t)}")
        return
    first = f"State {r.loop_start}" if r.loop_start == last - 1 else f"States {r.loop_start} .. {last - 1}"
    if step.action == STUTTER:
        lines.append(f"Step {i}: no action (stuttering): State {last - 1} repeats forever")
        return
    params = ", ".join(f"{p}={render(v, t)}" for p, v, t in step.params)
    if i == last:
        lines.append(f"Step {i}: {step.action}({params}) -> back to State {r.loop_start}; "
                     f"the loop ({first}) repeats forever")
    else:
        lines.append(f"Step {i}: {step.action}({params}) -> State {i}{here}")
    changed = [n for n, _ in model.variables if step.state[n] != prev[n]]
    if not changed:
        lines.append("  (no variable changed)")
    for name in changed:
        lines.append(f"  {name} = {_show(step.state[name], dict(model.variables)[name])}")


def _show(v, t) -> str:
    try:
        return render(v, t)
    except Exception:  # noqa: BLE001 - a value outside its declared type
        return repr(v)


def _json_value(v, t):
    try:
        return to_json(v, t)
    except Exception:  # noqa: BLE001 - a value outside its declared type
        return repr(v)


def as_json(model: Model, r: Result, timings: bool = True) -> dict:
    out = {
        "claim": model.name,
        "family": model.family,
        "file": model.file,
        "expected": model.expect,
        "verdict": r.verdict,
        "as_expected": r.as_expected,
        "depth": r.depth,
        "engine": r.engine,
        "invariant": r.invariant,
        "reason": r.reason,
    }
    if model.bug:
        out["bug"] = model.bug
    if r.trace is not None:
        types = dict(model.variables)
        out["configuration"] = {c.name: _json_value(c.value, c.type) for c in model.constants}
        out["trace"] = [
            {"step": i, "action": s.action,
             "params": {p: _json_value(v, t) for p, v, t in s.params},
             "state": {n: _json_value(s.state[n], types[n]) for n in types}}
            for i, s in enumerate(r.trace.steps)]
        out["explanation"] = ["  " * indent + line for indent, line in r.explanation]
        if r.loop_start is not None:
            out["loop_start"] = r.loop_start
    if timings:
        out["seconds"] = {k: round(v, 4) for k, v in r.timings.items()}
    return out


def table(rows: list, headers: list) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*map(str, r)) for r in rows]
    return "\n".join(out)


def markdown_table(rows: list, headers: list) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(out)


def describe(model: Model) -> str:
    """The model in brief, for `symcheck show`."""
    from .explain import pretty
    lines = [f"{model.name}: {model.title}", f"  file: {model.file}"]
    if model.source:
        lines.append(f"  ports: {model.source}")
    lines.append(f"  expect: {model.expect}, depth {model.depth}, deadlock {'checked' if model.deadlock else 'ignored'}")
    if model.bug:
        lines.append(f"  bug: {model.bug}")
    if model.statement:
        lines.append("")
        lines.append("  " + model.statement)
    if model.constants:
        lines.append("\nconstants:")
        lines += [f"  {c.name}: {c.type} = {render(c.value, c.type)}" for c in model.constants]
    if model.variables:
        lines.append("\nvariables:")
        init = dict(model.init)
        lines += [f"  {n}: {t}   (initially {pretty(init[n])})" for n, t in model.variables]
    if model.actions:
        lines.append("\nactions:")
        for a in model.actions:
            params = ", ".join(f"{p}: {t}" for p, t in a.params)
            lines.append(f"  {a.name}({params})")
            lines.append(f"    when {pretty(a.guard)}")
            for v, e in a.updates:
                lines.append(f"    {v} := {pretty(e)}")
    lines.append("\ninvariants:")
    lines += [f"  {i.name}: {' '.join(i.text.split())}" for i in model.invariants]
    if model.properties:
        lines.append("\nproperties:")
        lines += [f"  {p.name}: {' '.join(p.text.split())}" for p in model.properties]
        fair = ", ".join(("each " if f.each else "") + " | ".join(f.actions) for f in model.fairness)
        lines.append(f"  weak fairness: {fair or 'none (a behaviour may stop anywhere)'}")
    if model.patch_text:
        lines.append("\npatch against the green claim:")
        lines += ["  " + line for line in model.patch_text.splitlines()]
    return "\n".join(lines) + "\n"
