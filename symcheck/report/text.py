"""Report stage: results as text for people and JSON for tools. Knows nothing of Z3."""
from __future__ import annotations

from symcheck.front.ir import Model
from symcheck.trace import HOLDS, PROVED, STUTTER, UNKNOWN, VIOLATED, Coverage, Result, Trace
from symcheck.front.values import render, to_json
from symcheck.report.table import table  # noqa: F401  (the plain-text table; bench/ imports it from here)

MARK = {True: "as expected", False: "NOT AS EXPECTED"}
ENGINE_NAMES = {"kind": "k-induction", "kind+lemmas": "k-induction with generated lemmas", "pdr": "PDR", "bmc": "BMC",
                "explicit": "explicit-state search"}


def headline(model: Model, r: Result) -> str:
    if r.verdict == PROVED:
        what = f"PROVED for every depth by {ENGINE_NAMES.get(r.engine, r.engine)}" + (
            f" (k = {r.k})" if r.k is not None else "")
    elif r.verdict == HOLDS:
        lasso = f"; no fair lasso of up to {r.bound + 1} states violates a property" if model.properties else ""
        what = f"HOLDS to depth {r.bound} (no path of up to {r.bound} steps violates an invariant{lasso})"
    elif r.verdict == VIOLATED and r.loop_start is not None:
        last = r.trace.length - 1
        back = (f"State {last} repeats forever" if r.trace.steps[-1].action == STUTTER
                else f"State {last} loops back to State {r.loop_start}")
        what = f"VIOLATED: {r.invariant} fails on a lasso of {last + 1} state{'s' if last else ''} ({back})"
    elif r.verdict == VIOLATED:
        steps = "in the initial state" if r.length == 0 else f"after {r.length} step{'s' if r.length != 1 else ''}"
        what = f"VIOLATED: {r.invariant} fails {steps}"
    else:
        what = f"UNKNOWN: {r.reason}"
    return f"{model.name}: {what} [expected {model.expect}: {MARK[r.as_expected]}]"


def text(model: Model, r: Result) -> str:
    lines = [headline(model, r)]
    if model.bug:
        lines.append(f"  bug planted: {model.bug}")
    lines += overrides_lines(model)
    if r.verdict == PROVED:
        lines += ["  " + line for line in r.proof]
    elif r.verdict == HOLDS and r.reason:
        lines.append(f"  {r.reason}")
    if model.symbolic and r.holds:
        lines.append(f"  in every one of the {configuration_count(model)} configurations of "
                     + ", ".join(c.name for c in model.symbolic))
    if r.verdict != VIOLATED or r.trace is None:
        return "\n".join(lines) + "\n"
    if model.constants:
        lines.append("")
        lines.append("Configuration:")
        overridden = {o.constant.name: o for o in model.overrides}
        for c in model.constants:
            if c.symbolic and r.config and c.name in r.config:
                lines.append(f"  {c.name} = {render(r.config[c.name], c.type)}   "
                             f"(symbolic: one of {domain_text(c)})")
            elif c.free and r.config and c.name in r.config:  # any value: the witness's
                lines.append(f"  {c.name} = {render(r.config[c.name], c.type)}   (any {c.type}: this witness's)")
            else:
                lines.append(f"  {c.name} = {constant_text(c)}")
            if c.name in overridden:
                lines[-1] += f"   (overridden: {overridden[c.name].origin})"
    lines += trace_lines(model, r.trace, r)
    lines.append("")
    inv = next((i for i in model.invariants if i.name == r.invariant), None)
    prop = next((p for p in model.properties if p.name == r.invariant), None)
    step = next((i for i in model.step_invariants if i.name == r.invariant), None)
    if step is not None:  # broken by the last step: x before it, x' after
        lines.append(f"Violated step invariant {step.name} ({step.span}), by the last step:")
        lines.append(f"  {' '.join(step.text.split())}")
    elif prop is not None:
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
    if r.replayed:  # the trace checked by the evaluator (engines/recheck.replay), or why it was not
        lines.append(r.replayed[:1].upper() + r.replayed[1:] + ".")
    return "\n".join(lines) + "\n"


def overrides_lines(model: Model) -> list[str]:
    """One line per constant overridden from outside the claim (`--set`, `--constants`),
    saying when it replaces the variant's own value (its patch) rather than the claim's."""
    lines = []
    for o in model.overrides:
        over = ", over the variant's own value" if o.replaces == "variant" else ""
        lines.append(f"  constant overridden: {o.constant.name} = {constant_text(o.constant)} ({o.origin}{over})")
    return lines


def overrides_summary(models) -> list[str]:
    """For `check` and summary.md: each override given, the variants it applied to, and those where it
    replaced the variant's own (patched) value."""
    given: dict[str, tuple[str, list, list]] = {}
    for m in models:
        for o in m.overrides:
            origin, applied, over_patch = given.setdefault(o.constant.name, (o.origin, [], []))
            applied.append(m.name)
            if o.replaces == "variant":
                over_patch.append(m.name)
    lines = []
    for name, (origin, applied, over_patch) in given.items():
        lines.append(f"constant {name} overridden ({origin}) in {len(applied)} of {len(models)} variants"
                     + (f"; over the variant's own value in {', '.join(over_patch)}" if over_patch else ""))
    return lines


def overrides_json(model: Model) -> list[dict]:
    """The overridden constants for the JSON results: the value (or the domain of one
    made symbolic), how it was given, and whether it replaced the claim's or the variant's value."""
    out = []
    for o in model.overrides:
        c = o.constant
        value = {"domain": [to_json(v, c.type) for v in c.domain]} if c.symbolic else {"value": to_json(c.value, c.type)}
        out.append({"constant": c.name, **value, "from": o.origin, "replaces": o.replaces})
    return out


def trace_lines(model: Model, trace: Trace, r: Result | None = None) -> list:
    """State 0 in full, then per step the action and the variables it changed; a lasso
    (r.loop_start set) marks its loop."""
    lines = []
    types = dict(model.variables)
    prev = None
    for i, step in enumerate(trace.steps):
        lines.append("")
        if r is not None and r.loop_start is not None:
            _lasso_step(lines, model, r, i, prev)
            prev = step.state
            continue
        if step.action is None:
            lines.append("State 0 (initial):")
            if not types:
                lines.append("  (the claim has no variables)")
            for name, t in model.variables:
                lines.append(f"  {name} = {render(step.state[name], t)}")
        else:
            params = ", ".join(f"{p}={render(v, t)}" for p, v, t in step.params)
            lines.append(f"Step {i}: {step.action}({params})")
            lines += _changes(model, prev, step.state)
        prev = step.state
    return lines


def configuration_count(model: Model) -> int:
    count = 1
    for c in model.symbolic:
        count *= len(c.domain)
    return count


def domain_text(c) -> str:
    return ", ".join(render(v, c.type) for v in c.domain)


def constant_text(c) -> str:
    """A constant's value, or the domain of a symbolic constant."""
    if c.free:  # a sort's universe, or any integer of its type
        return f"every member of {c.type.elem}, any number of them" if hasattr(c.type, "elem") else f"any {c.type}"
    return f"one of {domain_text(c)}" if c.symbolic else render(c.value, c.type)


def _changes(model: Model, prev: dict, state: dict) -> list:
    """The variables a step changed, one line each (or a line saying none did)."""
    changed = [(n, t) for n, t in model.variables if state[n] != prev[n]]
    return [f"  {n} = {render(state[n], t)}" for n, t in changed] or ["  (no variable changed)"]


def _lasso_step(lines: list, model: Model, r: Result, i: int, prev) -> None:
    """One state of a lasso: numbered, the loop's first state marked, the last step
    saying where it returns to."""
    step, last = r.trace.steps[i], r.trace.length
    here = "  <- the loop starts here" if i == r.loop_start else ""
    if step.action is None:
        lines.append(f"State 0 (initial):{here}")
        for name, t in model.variables:
            lines.append(f"  {name} = {render(step.state[name], t)}")
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
    lines += _changes(model, prev, step.state)


def as_json(model: Model, r: Result, timings: bool = True) -> dict:
    out = {
        "claim": model.name,
        "family": model.family,
        "file": model.file,
        "expected": model.expect,
        "verdict": r.verdict,
        "as_expected": r.as_expected,
        "bound": r.bound,  # holds, proved: no violation at depths 0..bound; unknown: the depth reached
        "length": r.length,  # violated: the trace's steps (a lasso: its states)
        "k": r.k,  # proved by k-induction: the induction depth
        "engine": r.engine,
        "invariant": r.invariant,
        "reason": r.reason,
    }
    if model.bug:
        out["bug"] = model.bug
    if model.overrides:
        out["overrides"] = overrides_json(model)
    if r.proof:
        out["proof"] = list(r.proof)
    if model.symbolic:
        out["symbolic_constants"] = {c.name: [to_json(v, c.type) for v in c.domain] for c in model.symbolic}
    if r.trace is not None:
        config = {**{c.name: c.value for c in model.constants}, **(r.config or {})}
        out["configuration"] = {c.name: to_json(config[c.name], c.type) for c in model.constants
                                if config[c.name] is not None}
        out["trace"] = trace_json(model, r.trace)
        out["explanation"] = ["  " * indent + line for indent, line in r.explanation]
        if r.loop_start is not None:
            out["loop_start"] = r.loop_start
        if r.replayed:
            out["replayed"] = r.replayed
    if r.coverage is not None:
        out["coverage"] = coverage_json(r.coverage)
    if model.expect == HOLDS and r.holds:
        out["proof_check"] = {"note": proof_note(r, model), **proof_flags(r, model)}
    if timings:
        out["seconds"] = {k: round(v, 4) for k, v in r.timings.items()}
    return out


def trace_json(model: Model, trace: Trace) -> list:
    """Each state in full, with the action and parameters that led to it and the
    variables that action changed (state 0: none)."""
    types = dict(model.variables)
    out, prev = [], None
    for i, s in enumerate(trace.steps):
        changed: list[str] = [] if prev is None else [n for n in types if s.state[n] != prev[n]]
        out.append({"step": i, "action": s.action,
                    "params": {p: to_json(v, t) for p, v, t in s.params},
                    "changed": changed,
                    "state": {n: to_json(s.state[n], types[n]) for n in types}})
        prev = s.state
    return out


# The one top-level shape of every JSON result symcheck writes (prove, check,
# --max-traces, --results): versioned so that tools can tell which fields to expect.
# The JSON Schema is symcheck/report/schemas/result-1.json.
RESULT_SCHEMA = "symcheck-result/1"


def result_document(results: list) -> dict:
    """Wrap result objects (from `as_json`) in the versioned top-level shape."""
    return {"schema": RESULT_SCHEMA, "results": list(results)}


# ---------------------------------------------------------------- coverage and witnesses


def coverage_json(cov: Coverage) -> dict:
    return {"depth": cov.depth, "actions": cov.actions, "premises": cov.premises,
            "dead_actions": cov.dead, "vacuous_invariants": cov.vacuous, "reason": cov.reason}


def coverage_flags(cov: Coverage | None, model: Model | None = None) -> dict:
    """What the coverage check flags: dead actions and vacuous invariants the claim
    does not acknowledge (`unexercised:`), and acknowledgements that are stale (the
    action fires, the premise is true, within the bound)."""
    if cov is None or cov.reason:
        return {}
    known = dict(model.unexercised) if model is not None else {}
    flags = {"dead": [a for a in cov.dead if a not in known],
             "vacuous": [i for i in cov.vacuous if i not in known],
             "exercised after all": [n for n in known if cov.actions.get(n) is not None
                                     or cov.premises.get(n) is not None]}
    return {k: v for k, v in flags.items() if v}


def depth_cell(r: Result) -> str:
    """The check table's `depth` cell: the number the verdict is about, named."""
    if r.verdict == VIOLATED:
        return f"length {r.length}"
    if r.verdict == PROVED:
        return f"k {r.k}" if r.k is not None else "-"
    return f"bound {r.bound}" if r.bound is not None else "-"


def bounded_names(r: Result, model: Model) -> tuple[list, list]:
    """(bounded, proved): the invariants and properties of a green that holds only to
    the bound, and those proved for every depth. The lasso engine never proves a
    property; a liveness green whose safety part is proved names its invariants in
    `proved_invariants`."""
    invariants = [i.name for i in model.invariants]
    properties = [p.name for p in model.properties]
    if r.verdict == PROVED:
        return [], invariants + properties
    if r.verdict != HOLDS:
        return [], []
    proved = [i for i in invariants if i in r.proved_invariants]
    return [i for i in invariants if i not in proved] + properties, proved


def proof_flags(r: Result, model: Model) -> dict:
    """What the proof check flags for a green that holds: invariants and properties
    held only to the bound that the claim does not acknowledge (`unproved:`), and
    acknowledgements that are stale (proved after all)."""
    if model.expect != HOLDS or not r.holds:
        return {}
    known = dict(model.unproved)
    bounded, proved = bounded_names(r, model)
    flags = {"not acknowledged": [n for n in bounded if n not in known],
             "proved after all": [n for n in known if n in proved]}
    return {k: v for k, v in flags.items() if v}


def proof_note(r: Result, model: Model) -> str:
    """One cell for the check table: `-` (not a green that holds), `proved`, or
    `bounded: acknowledged` / `bounded: not acknowledged (...)`, and stale entries."""
    if model.expect != HOLDS or not r.holds:
        return "-"
    flags = proof_flags(r, model)
    bounded, _ = bounded_names(r, model)
    parts = []
    if bounded:
        missing = flags.get("not acknowledged")
        parts.append(f"bounded: not acknowledged ({', '.join(missing)})" if missing else "bounded: acknowledged")
    else:
        parts.append("proved")
    if "proved after all" in flags:
        parts.append("proved after all: " + ", ".join(flags["proved after all"]))
    return "; ".join(parts)


def coverage_note(cov: Coverage | None, model: Model | None = None) -> str:
    """One cell for the check table: `-` not computed, `ok`, or what is flagged
    (acknowledged gaps are listed as such, not flagged)."""
    if cov is None:
        return "-"
    if cov.reason:
        return "unknown"
    parts = [f"{k}: " + ", ".join(v) for k, v in coverage_flags(cov, model).items()]
    if model is not None and model.unexercised:
        acknowledged = [n for n, _ in model.unexercised if n in cov.dead or n in cov.vacuous]
        if acknowledged:
            parts.append("acknowledged: " + ", ".join(acknowledged))
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
    from symcheck.report.explain import pretty
    from symcheck.front.ir import premises
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
    lines += overrides_lines(model)
    if kind == "premise":
        lines.append(f"  premise: {pretty(premises(model)[name])}")
    if trace is not None:
        lines += trace_lines(model, trace)
    return "\n".join(lines) + "\n"


WITNESS_SCHEMA = "symcheck-witness/1"  # schemas/witness-1.json


def witness_json(model: Model, kind: str, name: str, trace: Trace | None, depth: int) -> dict:
    """A witness (see witness_text) as one result of the versioned shape."""
    out = {"claim": model.name, "family": model.family, "file": model.file, "target": {kind: name},
           "found": trace is not None, "depth": trace.length if trace is not None else depth,
           "trace": trace_json(model, trace) if trace is not None else None}
    if model.overrides:
        out["overrides"] = overrides_json(model)
    return {"schema": WITNESS_SCHEMA, "results": [out]}


def markdown_table(rows: list, headers: list) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(out)


def describe(model: Model) -> str:
    """The model in brief, for `symcheck show`."""
    from symcheck.report.explain import pretty
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
        lines += [f"  {c.name}: {c.type} = {constant_text(c)}" for c in model.constants]
    if model.variables:
        lines.append("\nvariables:")
        init = {n: pretty(e) for n, e in model.init} | {n: f"any of {pretty(s)}" for n, s in model.init_any}
        lines += [f"  {n}: {t}   (initially {init[n]})" for n, t in model.variables]
        if model.init_where is not None:
            lines.append(f"  initially where {pretty(model.init_where)}")
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
    for title, named in (("step invariants (over x and x', every step that changes the state)", model.step_invariants),
                         ("state constraints (a state that breaks one is checked, not explored)", model.constraints),
                         ("assumptions over the constants", model.assumes)):
        if named:
            lines.append(f"\n{title}:")
            lines += [f"  {i.name}: {' '.join(i.text.split())}" for i in named]
    if model.properties:
        lines.append("\nproperties:")
        lines += [f"  {p.name}: {' '.join(p.text.split())}" for p in model.properties]
        fair = ", ".join(("each " if f.each else "") + " | ".join(f.actions) for f in model.fairness)
        lines.append(f"  weak fairness: {fair or 'none (a behaviour may stop anywhere)'}")
    if model.patch_text:
        lines.append("\npatch against the green claim:")
        lines += ["  " + line for line in model.patch_text.splitlines()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- configuration matrix


def matrix_headline(m) -> str:
    """One line: how many configurations have each verdict, and whether that is expected."""
    labels = ((VIOLATED, "violated"), (PROVED, "proved"), (HOLDS, f"hold to depth {m.depth}"), (UNKNOWN, "unknown"))
    counts = ", ".join(f"{m.count(v)} {label}" for v, label in labels if m.count(v))
    n = len(m.rows)
    return f"{m.claim}: {n} configuration{'s' if n != 1 else ''}, {counts} [expected {m.expected}: {MARK[m.as_expected]}]"


def matrix_table(m) -> tuple[list, list]:
    """(rows, headers): a column per symbolic constant, then the verdict."""
    engines = any(r.engine != "bmc" for r in m.rows)
    headers = [c.name for c in m.constants] + ["verdict", "depth", "invariant"] + (["engine"] if engines else [])
    rows = [[render(r.config[c.name], c.type) for c in m.constants] + [r.verdict, r.depth, r.invariant or "-"]
            + ([r.engine] if engines else []) for r in m.rows]
    return rows, headers


def matrix_text(m, fmt: str = "table", model: Model | None = None) -> str:
    """The matrix as a table; with the model, its overridden constants under the headline."""
    rows, headers = matrix_table(m)
    notes = [line.strip() for line in overrides_lines(model)] if model is not None else []
    if fmt == "markdown":
        bullets = "".join(f"- {n}\n" for n in notes) + ("\n" if notes else "")
        return f"**{matrix_headline(m)}**\n\n{bullets}{markdown_table(rows, headers)}\n"
    return f"{matrix_headline(m)}\n" + "".join(f"  {n}\n" for n in notes) + f"\n{table(rows, headers)}\n"


MATRIX_SCHEMA = "symcheck-matrix/1"  # schemas/matrix-1.json


def matrix_document(matrices: list) -> dict:
    """Matrix results (from `matrix_json`) in the versioned top-level shape."""
    return {"schema": MATRIX_SCHEMA, "results": list(matrices)}


def matrix_json(m, timings: bool = True, model: Model | None = None) -> dict:
    """One configuration matrix; with the model, also its family, file and overrides."""
    types = {c.name: c.type for c in m.constants}
    out = {
        "claim": m.claim,
        "expected": m.expected,
        "verdict": m.verdict,
        "as_expected": m.as_expected,
        "depth": m.depth,
        "constants": {c.name: [to_json(v, c.type) for v in c.domain] for c in m.constants},
        "counts": {v: m.count(v) for v in (VIOLATED, PROVED, HOLDS, UNKNOWN)},
        "rows": [{"config": {n: to_json(v, types[n]) for n, v in r.config.items()}, "verdict": r.verdict,
                  "depth": r.depth, "invariant": r.invariant, "engine": r.engine, "reason": r.reason}
                 for r in m.rows],
    }
    if model is not None:
        out.update({"family": model.family, "file": model.file})
        if model.overrides:
            out["overrides"] = overrides_json(model)
    if timings:
        out["seconds"] = {k: round(v, 4) for k, v in m.timings.items()}
    return out
