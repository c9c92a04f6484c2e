"""What the page shows, as JSON: the security case (the front door), the catalog (one
entry per claim family, with its policy areas, variants and findings), a claim's page,
the findings in OpenClaw, and a run's result. Built from the catalog the server read once at start-up, and from results."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from symcheck.errors import InputError
from symcheck.front.claims import Entry
from symcheck.front.ir import Invariant, Model, Property
from symcheck.front.metadata import read_finding, read_policy, registry_for
from symcheck.front.source import YMap, YScalar
from symcheck.front.values import render
from symcheck.front.variants import Variant, render_patch
from symcheck.report.itf import itf_trace
from symcheck.report.text import as_json, constant_text, headline, result_document
from symcheck.serve import loading, share
from symcheck.serve.explore import label
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Result

MAX_DEPTH = 30


def text(doc: YMap, key: str) -> str:
    node = doc.get(key)
    return " ".join(str(node.value).split()) if node is not None and node.value is not None else ""


def expect(v: Variant) -> str:
    return text(v.doc, "expect") or HOLDS


def policy(e: Entry) -> list[dict]:
    """The policy areas a claim argues (`policy:`), with their titles; none when unset."""
    registry = registry_for(str(e.file))
    try:
        ids = read_policy(e.variant.doc.get("policy"), registry)
    except InputError:
        ids = ()
    return [{"id": i, "title": registry.policies.get(i, i)} for i in ids]


def finding(e: Entry) -> dict | None:
    """A red variant's `finding:`, or for a variant named `-finding-` that has none yet,
    a finding whose standing on the package is not recorded."""
    node = getattr(e.variant, "finding", None)
    if node is not None:
        try:
            f = read_finding(node, expect(e.variant), e.name)
        except InputError:
            f = None
        if f is not None:
            return asdict(f)
    if "finding-" in e.variant.suffix:
        return {"status": "open", "package": "", "reproducer": "", "avoided_by": "", "summary": ""}
    return None


def areas(entries: dict[str, Entry]) -> list[dict]:
    """Every policy area the catalog's claims name, in the registry's order."""
    seen: dict[str, dict] = {}
    registry = registry_for(str(next(iter(entries.values())).file)) if entries else None
    order = list(registry.policies) if registry else []
    for e in entries.values():
        for p in policy(e):
            seen.setdefault(p["id"], p)
    return sorted(seen.values(), key=lambda p: (order.index(p["id"]) if p["id"] in order else len(order), p["id"]))


def catalog_json(entries: dict[str, Entry]) -> dict:
    families: dict = {}
    for name, e in entries.items():
        doc = e.variant.doc
        family = str(doc.get("claim").value)
        if family not in families:
            families[family] = {"family": family, "title": text(doc, "title"), "statement": text(doc, "statement"),
                                "file": e.file.name, "policy": policy(e), "variants": []}
        families[family]["variants"].append({"name": name, "suffix": e.variant.suffix, "bug": e.variant.bug,
                                             "title": text(doc, "title"), "expect": expect(e.variant),
                                             "finding": finding(e)})
    return {"families": list(families.values()), "areas": areas(entries)}


def claim_json(e: Entry, entries: dict[str, Entry], source: str) -> dict:
    """A catalog claim's page: `source` is its file's text."""
    out = variant_json(e.variant, source, catalog=True)
    out["file"] = e.file.name
    out["policy"] = policy(e)
    out["finding"] = finding(e)
    out["variants"] = [{"name": x.name, "suffix": x.variant.suffix} for x in entries.values() if x.file == e.file]
    return out


def variant_json(v: Variant, source: str, catalog: bool) -> dict:
    """What the claim's page shows of a variant: of the catalog's, or of a pasted text
    (`catalog` false: the page marks it as not the catalog's claim)."""
    doc = v.doc
    depth = doc.get("depth")
    return {"name": v.name, "suffix": v.suffix, "family": str(doc.get("claim").value), "title": text(doc, "title"),
            "statement": text(doc, "statement"), "bug": v.bug, "expect": expect(v),
            "depth": min(int(depth.value), MAX_DEPTH) if isinstance(depth, YScalar) and isinstance(depth.value, int)
            else None, "text": source, "constants": loading.constants_form(v), "catalog": catalog,
            "policy": [], "finding": None, "variants": [{"name": v.name, "suffix": v.suffix}]}


def findings_json(entries: dict[str, Entry]) -> list[dict]:
    """Each finding: its metadata, its claim, and the configuration that avoids it (the
    `avoided_by` sentence and the constants the finding's variant sets otherwise than
    its green claim, which holds)."""
    out = []
    for name, e in entries.items():
        f = finding(e)
        if f is None:
            continue
        family = str(e.variant.doc.get("claim").value)
        green = entries.get(family)
        changed = []
        if green is not None:
            mine, theirs = _constants(e.variant), _constants(green.variant)
            changed = [{"name": c, "finding": mine[c], "green": theirs.get(c)} for c in mine
                       if mine[c] != theirs.get(c)]
        out.append({"name": name, "family": family, "title": text(e.variant.doc, "title"), "bug": e.variant.bug,
                    "finding": f, "policy": policy(e), "green": family if green is not None else None,
                    "green_expect": expect(green.variant) if green is not None else None, "constants": changed,
                    "patch": render_patch(e.variant.changes).rstrip() if e.variant.changes is not None else ""})
    return out


def _constants(v: Variant) -> dict[str, str]:
    return {c["name"]: c["value"] for c in loading.constants_form(v)}


# ---------------------------------------------------------------- the security case


def case_file(claims: Path) -> Path:
    """The committed case of the claims' project (`make results` writes it there)."""
    return claims.resolve().parent / "results" / "case.json"


def case_json(path: Path, entries: dict[str, Entry]) -> dict:
    """The security case as the page shows it (the front door): the committed case, the
    claims it names that the catalog has (the page links those), and for each finding
    in the catalog the share token of its run (a link that shows its trace)."""
    from symcheck.report.case import SCHEMA
    missing = {"case": None, "why": "no security case beside the claims (results/case.json): `make results` "
                                    "writes it from a full check"}
    try:
        case = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return missing
    if not isinstance(case, dict) or case.get("schema") != SCHEMA:
        return {**missing, "why": f"results/case.json is not a case of schema {SCHEMA}: `make results` rewrites it"}
    named = {f.get("name") for f in case.get("findings", [])} | {f.get("claim") for f in case.get("findings", [])}
    for area in case.get("areas", []):
        named |= {c.get("claim") for c in area.get("claims", [])}
        named |= {x.get("claim") for s in area.get("statements", []) for x in s.get("argued_by", [])}
    for a in case.get("assumptions", []):
        named |= set(a.get("claims", []))
    traces = {f["name"]: share.encode({"claim": f["name"]}) for f in case.get("findings", []) if f.get("name") in entries}
    return {"case": case, "linked": sorted(n for n in named if n in entries), "traces": traces}


# ---------------------------------------------------------------- a run's result


def result_json(model: Model, r: Result, depth: int, req, public, limits: str, catalog: bool) -> dict:
    """The page's view of a result; `public` turns a server path into the page's
    (claims/NAME.yaml), `catalog` says whether the run was the catalog's claim."""
    doc = result_document([as_json(model, r)])
    out: dict = {"headline": headline(model, r), "verdict": r.verdict, "meaning": meaning(r),
                 "as_expected": r.as_expected, "result": doc,
                 "configuration": configuration(model, r, depth, req, limits),
                 "explanation": ["  " * indent + line for indent, line in r.explanation],
                 "proof": list(r.proof), "reason": r.reason, "share": share.encode(asdict(req)),
                 "claim": {"name": model.name, "family": model.family, "title": model.title,
                           "statement": " ".join(model.statement.split()), "expect": model.expect,
                           "catalog": catalog}}
    doc["results"][0]["file"] = public(model.file)
    checked: list[Invariant | Property] = [*model.invariants, *model.properties]
    inv = next((i for i in checked if i.name == r.invariant), None)
    if inv is not None:
        out["violated"] = {"name": inv.name, "text": inv.text, "where": public(str(inv.span)) if inv.span else None}
    if r.trace is not None:
        out["rendered"] = [{n: render(step.state[n], t) for n, t in model.variables} for step in r.trace.steps]
        out["labels"] = [None if step.action is None else label(step.action, {p: v for p, v, _ in step.params},
                                                               {p: t for p, _, t in step.params})
                         for step in r.trace.steps]
    if r.trace is not None and r.violated:
        itf = itf_trace(model, r)
        itf["#meta"]["source"] = public(model.file)
        out["itf"] = itf
    return out


def meaning(r: Result) -> str:
    if r.verdict == PROVED:
        return ("No reachable state violates an invariant, at any depth: the engine found a proof, and "
                "symcheck re-checked it.")
    if r.verdict == HOLDS:
        return (f"No path of up to {r.bound} steps violates an invariant. Longer paths were not checked, or "
                "the proof did not finish within the limits: this is a bounded result.")
    if r.verdict == VIOLATED and r.loop_start is not None:
        return (f"{r.invariant} fails on an infinite behaviour: the trace below ends by looping back to state "
                f"{r.loop_start}, and repeats that loop forever.")
    if r.verdict == VIOLATED:
        steps = "the initial state" if r.length == 0 else f"a path of {r.length} step{'s' if r.length != 1 else ''}"
        return f"{r.invariant} is false in {steps}: the trace below reaches it."
    return (f"symcheck could not decide within the limits ({r.reason}). Unknown is neither holds nor "
            "violated: lower the depth, or run symcheck locally without these limits.")


def configuration(model: Model, r: Result, depth: int, req, limits: str) -> list:
    config = r.config or {}
    rows = [["depth", str(depth)], ["engine", r.engine if r.verdict != UNKNOWN else req.engine], ["limits", limits]]
    for c in model.constants:
        value = render(config[c.name], c.type) if c.name in config else constant_text(c)
        rows.append([c.name + (" (overridden)" if c.name in req.overrides else ""), value])
    return rows


def public_path(claims: Path, text: str) -> str:
    """A claim file's place as the page shows it: under `claims/`, never the server's own path."""
    return text.replace(str(claims).rstrip("/") + "/", "claims/", 1) if text else text
