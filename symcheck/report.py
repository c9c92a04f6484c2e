"""Report stage: results as text for people and JSON for tools. Knows nothing of Z3."""
from __future__ import annotations

from .ir import Model
from .trace import HOLDS, UNKNOWN, VIOLATED, Coverage, Result, Trace
from .values import render, to_json

MARK = {True: "as expected", False: "NOT AS EXPECTED"}


def headline(model: Model, r: Result) -> str:
    if r.verdict == HOLDS:
        what = f"HOLDS to depth {r.depth} (no path of up to {r.depth} steps violates an invariant)"
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
    lines += trace_lines(model, r.trace)
    lines.append("")
    inv = next((i for i in model.invariants if i.name == r.invariant), None)
    if inv is not None:
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


def trace_lines(model: Model, trace: Trace) -> list:
    """State 0 in full, then per step the action and the variables it changed."""
    lines = []
    types = dict(model.variables)
    prev = None
    for i, step in enumerate(trace.steps):
        lines.append("")
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
    return lines


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
        out["configuration"] = {c.name: _json_value(c.value, c.type) for c in model.constants}
        out["trace"] = trace_json(model, r.trace)
        out["explanation"] = ["  " * indent + line for indent, line in r.explanation]
    if r.coverage is not None:
        out["coverage"] = coverage_json(r.coverage)
    if timings:
        out["seconds"] = {k: round(v, 4) for k, v in r.timings.items()}
    return out


def trace_json(model: Model, trace: Trace) -> list:
    types = dict(model.variables)
    return [{"step": i, "action": s.action,
             "params": {p: _json_value(v, t) for p, v, t in s.params},
             "state": {n: _json_value(s.state[n], types[n]) for n in types}}
            for i, s in enumerate(trace.steps)]


# ---------------------------------------------------------------- coverage and witnesses


def coverage_json(cov: Coverage) -> dict:
    return {"depth": cov.depth, "actions": cov.actions, "premises": cov.premises,
            "dead_actions": cov.dead, "vacuous_invariants": cov.vacuous, "reason": cov.reason}


def coverage_note(cov: Coverage | None) -> str:
    """One cell for the check table: `-` not computed, `ok`, or what is flagged."""
    if cov is None:
        return "-"
    if cov.reason:
        return "unknown"
    parts = []
    if cov.dead:
        parts.append("dead: " + ", ".join(cov.dead))
    if cov.vacuous:
        parts.append("vacuous: " + ", ".join(cov.vacuous))
    return "; ".join(parts) or "ok"


def coverage_text(cov: Coverage) -> str:
    """For `prove --coverage`: the first depth of every action and premise."""
    if cov.reason:
        return f"Coverage unknown: {cov.reason}\n"
    lines = [f"Coverage within {cov.depth} steps (first step an action fires, first state a premise is true):"]
    lines += [f"  action {a}: " + (f"step {d}" if d is not None else "never (dead)") for a, d in cov.actions.items()]
    lines += [f"  premise of {i}: " + (f"state {d}" if d is not None else "never (vacuous)")
              for i, d in cov.premises.items()]
    return "\n".join(lines) + "\n"


def witness_text(model: Model, kind: str, name: str, trace: Trace | None, depth: int) -> str:
    """A witness trace: to the first step firing an action, or to the first state where
    an invariant's premise is true."""
    from .explain import pretty
    from .ir import premises
    what = f"action {name}" if kind == "action" else f"the premise of invariant {name}"
    if trace is None:
        never = "fires" if kind == "action" else "is true"
        lines = [f"{model.name}: {what} never {never} within {depth} steps"]
    elif kind == "action":
        n = trace.length
        lines = [f"{model.name}: {what} first fires at step {n} (a witness of {n} step{'s' if n != 1 else ''})"]
    else:
        n = trace.length
        lines = [f"{model.name}: {what} is first true in state {n} (a witness of {n} step{'s' if n != 1 else ''})"]
    if kind == "premise":
        lines.append(f"  premise: {pretty(premises(model)[name])}")
    if trace is not None:
        lines += trace_lines(model, trace)
    return "\n".join(lines) + "\n"


def witness_json(model: Model, kind: str, name: str, trace: Trace | None, depth: int) -> dict:
    return {"claim": model.name, "target": {kind: name}, "found": trace is not None,
            "depth": trace.length if trace is not None else depth,
            "trace": trace_json(model, trace) if trace is not None else None}


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
    if model.patch_text:
        lines.append("\npatch against the green claim:")
        lines += ["  " + line for line in model.patch_text.splitlines()]
    return "\n".join(lines) + "\n"
