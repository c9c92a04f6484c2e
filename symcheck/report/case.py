"""The security case (`symcheck case`): the argument the claims make for OpenClaw's
security policy, assembled per policy area from the claims' metadata (`policy:`,
`assumptions:`, `finding:`), their verdicts, and the conformance evidence against the
package; with the gaps named (statements no claim argues, security entry points no
conformance check drives, assumptions no test exercises). Also the comparison with a
committed baseline, so that CI fails when the argument weakens. Works on the versioned
JSON of each verdict (`report.text.as_json`): knows nothing of engines or Z3."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from symcheck.front.ir import Feature, Model
from symcheck.front.metadata import Registry

SCHEMA = "symcheck-case/1"
# How strongly a green holds, strongest first; the rank is what the baseline compares.
STRENGTHS = {
    "proved for every size": 5,  # proved over unbounded ints, strings or sorts
    "proved": 4,  # proved for every depth, for the claim's constants
    "holds to a depth": 2,  # bounded: no violation up to the depth searched
    "unknown": 1,
    "violated": 0,  # a green that is broken
}
UNBOUNDED = {Feature.SORTS, Feature.UNBOUNDED_INT, Feature.STRINGS}


def strength(model: Model, result: Mapping[str, Any]) -> str:
    """How strongly a green claim holds, from its verdict and its types."""
    verdict = result.get("verdict")
    if verdict == "proved":
        return "proved for every size" if model.features & UNBOUNDED else "proved"
    if verdict == "holds":
        return "holds to a depth"
    if verdict == "violated":
        return "violated"
    return "unknown"


def _detail(result: Mapping[str, Any]) -> str:
    verdict = result.get("verdict")
    if verdict == "holds":
        return f"no violation in {result.get('bound')} steps"
    if verdict == "unknown":
        return str(result.get("reason") or "no answer")
    proof = result.get("proof") or []
    return str(proof[0]) if proof else str(result.get("engine") or "")


def adapters_in(root: Path | None) -> dict[str, list[str]] | None:
    """The plugin-SDK entry points each conformance adapter drives (entry -> adapters),
    read from the imports of conformance/node/*.mjs; None where there are no adapters."""
    folder = root / "conformance" / "node" if root else None
    if folder is None or not folder.is_dir():
        return None
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.mjs")):
        for entry in sorted(set(re.findall(r"openclaw/plugin-sdk/([a-z0-9-]+)", path.read_text(encoding="utf-8")))):
            out.setdefault(entry, []).append(path.name)
    return out


def assemble(models: list[Model], verdicts: Mapping[str, Mapping[str, Any]], claims: Path,
             conformance_file: str | None = None) -> dict[str, Any]:
    """The case of the claims in `claims`, reading what lies beside them: the registry
    (`data/`), the package's security surface (`data/package-surface.yaml`), the
    conformance evidence (`conformance/evidence.json` beside the claims directory, or the
    file given) and the conformance adapters' imports."""
    import yaml
    from symcheck.front.metadata import registry_for
    surface_file = claims / "data" / "package-surface.yaml"
    surface = yaml.safe_load(surface_file.read_text(encoding="utf-8")) if surface_file.is_file() else None
    root = claims.resolve().parent
    evidence_file = Path(conformance_file) if conformance_file else root / "conformance" / "evidence.json"
    evidence = json.loads(evidence_file.read_text(encoding="utf-8")) if evidence_file.is_file() else None
    return build(models, verdicts, registry_for(str(claims / "case.yaml")), surface, evidence, adapters_in(root))


def build(models: Iterable[Model], results: Mapping[str, Mapping[str, Any]], registry: Registry,
          surface: Mapping[str, Any] | None = None, conformance: Mapping[str, Any] | None = None,
          adapters: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """The case as a JSON-ready document (deterministic: no timings, sorted where unordered)."""
    models = list(models)
    by_family: dict[str, list[Model]] = {}
    for m in models:
        by_family.setdefault(m.family, []).append(m)
    checks = list((conformance or {}).get("checks", []))
    reproduced = {f.get("variant"): f.get("reproduced") for f in (conformance or {}).get("findings", [])}
    claims: dict[str, dict[str, Any]] = {}
    for family, variants in by_family.items():
        green = next((m for m in variants if m.name == family), variants[0])
        r = results.get(green.name, {})
        reds = [m for m in variants if m.expect == "violated" and m.finding is None]
        claims[family] = {
            "claim": family, "title": green.title, "policy": list(green.policy),
            "strength": strength(green, r) if r else "not checked", "engine": r.get("engine"),
            "detail": _detail(r) if r else "not checked",
            "assumptions": [a for a, _ in green.assumptions],
            "bugs_caught": sum(1 for m in reds if results.get(m.name, {}).get("verdict") == "violated"),
            "bugs_planted": len(reds),
            "conformance": sorted(c["name"] for c in checks if family in _as_list(c.get("claim"))),
            "findings": [m.name for m in variants if m.finding],
        }
    findings: list[dict[str, Any]] = []
    for m in models:
        if m.finding is None:
            continue
        findings.append({
            "name": m.name, "claim": m.family, "policy": list(m.policy), "summary": m.finding.summary or m.bug,
            "status": m.finding.status, "package": m.finding.package, "reproducer": m.finding.reproducer,
            "avoided_by": m.finding.avoided_by,
            "violated": results.get(m.name, {}).get("verdict") == "violated",
            "reproduced": reproduced.get(m.name),
        })
    areas: list[dict[str, Any]] = []
    for area in registry.areas:
        statements: list[dict[str, Any]] = []
        for st in area.statements:
            argued = [{"claim": f, "strength": claims[f]["strength"]} for f in st.argued_by if f in claims]
            good = [a for a in argued if STRENGTHS.get(a["strength"], -1) >= STRENGTHS["holds to a depth"]]
            statements.append({"id": st.id, "text": st.text, "argued_by": argued,
                               "status": "argued" if good else "gap"})
        areas.append({"id": area.id, "title": area.title, "statement": area.statement, "statements": statements,
                      "claims": [c for c in claims.values() if area.id in c["policy"]],
                      "findings": [f for f in findings if area.id in f["policy"]]})
    assumptions = _assumptions(models, registry, results)
    entries = dict((surface or {}).get("entries", {}))
    exports = [{"entry": name, "area": spec.get("area"), "decides": spec.get("decides"),
                "covered_by": list((adapters or {}).get(name, [])) if adapters is not None else None}
               for name, spec in entries.items()]
    gaps = {
        "statements": [f"{a['id']}/{s['id']}" for a in areas for s in a["statements"] if s["status"] == "gap"],
        "package_entries": [e["entry"] for e in exports if not e["covered_by"]],
        "assumptions": [a["id"] for a in assumptions if not a["exercised_by"]],
        "unproved_claims": sorted(c["claim"] for c in claims.values()
                                  if STRENGTHS.get(c["strength"], -1) < STRENGTHS["proved"]),
    }
    return {"schema": SCHEMA, "package": (surface or {}).get("package"), "areas": areas,
            "findings": findings, "assumptions": assumptions,
            "conformance": _conformance(conformance), "package_surface": exports, "gaps": gaps}


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _assumptions(models: list[Model], registry: Registry, results: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    used: dict[str, dict[str, Any]] = {}
    for m in models:
        if m.name != m.family:
            continue
        for aid, text in m.assumptions:
            entry = used.setdefault(aid, {"id": aid, "text": text, "shared": aid in registry.assumptions,
                                          "claims": [], "exercised_by": []})
            entry["claims"].append(m.family)
    for aid, text in registry.assumptions.items():
        used.setdefault(aid, {"id": aid, "text": text, "shared": True, "claims": [], "exercised_by": []})
    for aid, entry in used.items():
        entry["exercised_by"] = [v for v in (registry.tests or {}).get(aid, ())
                                 if results.get(v, {}).get("verdict") == "violated"]
    return sorted(used.values(), key=lambda e: e["id"])


def _conformance(conformance: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not conformance:
        return None
    keep = ("name", "claim", "functions", "inputs", "distinct", "agree", "documented", "undocumented")
    return {"package": conformance.get("package"), "date": conformance.get("date"),
            "checks": [{k: c.get(k) for k in keep if k in c} for c in conformance.get("checks", [])]}


# ---------------------------------------------------------------- the baseline


def compare(baseline: Mapping[str, Any], case: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(weaker, stronger): each way the case argues less, or more, than the baseline."""
    weaker: list[str] = []
    stronger: list[str] = []

    def claims_of(doc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        return {c["claim"]: c for a in doc.get("areas", []) for c in a.get("claims", [])}

    old, new = claims_of(baseline), claims_of(case)
    for name, c in old.items():
        if name not in new:
            weaker.append(f"claim {name} is gone (it was {c['strength']})")
            continue
        a, b = STRENGTHS.get(c["strength"], -1), STRENGTHS.get(new[name]["strength"], -1)
        if b < a:
            weaker.append(f"claim {name}: {c['strength']} -> {new[name]['strength']} ({new[name]['detail']})")
        elif b > a:
            stronger.append(f"claim {name}: {c['strength']} -> {new[name]['strength']}")
        if new[name]["bugs_caught"] < c["bugs_caught"]:
            weaker.append(f"claim {name}: catches {new[name]['bugs_caught']} planted bugs, not {c['bugs_caught']}")
    stronger += [f"claim {n} is new ({new[n]['strength']})" for n in new if n not in old]
    old_st = {(a["id"], s["id"]): s["status"] for a in baseline.get("areas", []) for s in a["statements"]}
    for a in case.get("areas", []):
        for s in a["statements"]:
            before = old_st.get((a["id"], s["id"]))
            if before == "argued" and s["status"] == "gap":
                weaker.append(f"statement {a['id']}/{s['id']} is no longer argued")
            elif before == "gap" and s["status"] == "argued":
                stronger.append(f"statement {a['id']}/{s['id']} is now argued")
    weaker += _compare_conformance(baseline.get("conformance"), case.get("conformance"), stronger)
    new_findings = {f["name"]: f for f in case.get("findings", [])}
    for f in baseline.get("findings", []):
        now = new_findings.get(f["name"])
        if now is None:
            weaker.append(f"finding {f['name']} is gone")
        elif f["violated"] and not now["violated"]:
            weaker.append(f"finding {f['name']}: its red variant is no longer violated")
        elif f.get("reproduced") and not now.get("reproduced"):
            weaker.append(f"finding {f['name']} no longer reproduces on the package")
    old_tests = {a["id"]: set(a["exercised_by"]) for a in baseline.get("assumptions", [])}
    for a in case.get("assumptions", []):
        lost = old_tests.get(a["id"], set()) - set(a["exercised_by"])
        if lost:
            weaker.append(f"assumption {a['id']} lost its test ({', '.join(sorted(lost))})")
        elif a["exercised_by"] and not old_tests.get(a["id"]):
            stronger.append(f"assumption {a['id']} is now exercised")
    return weaker, stronger


def _compare_conformance(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None,
                         stronger: list[str]) -> list[str]:
    if not old:
        if new:
            stronger.append("conformance evidence is now recorded")
        return []
    if not new:
        return ["the conformance evidence is missing (run `make conformance`)"]
    weaker = []
    now = {c["name"]: c for c in new.get("checks", [])}
    for c in old.get("checks", []):
        n = now.get(c["name"])
        if n is None:
            weaker.append(f"conformance check {c['name']} is gone")
            continue
        if _rate(n) < _rate(c):
            weaker.append(f"conformance check {c['name']}: agreement {_rate(n):.2%} < {_rate(c):.2%}")
        if (n.get("undocumented") or 0) > (c.get("undocumented") or 0):
            weaker.append(f"conformance check {c['name']}: {n.get('undocumented')} undocumented disagreements")
    stronger += [f"conformance check {n} is new" for n in now if n not in {c["name"] for c in old.get("checks", [])}]
    return weaker


def _rate(check: Mapping[str, Any]) -> float:
    inputs = check.get("inputs") or 0
    return (check.get("agree") or 0) / inputs if inputs else 0.0


# ---------------------------------------------------------------- Markdown


def markdown(case: Mapping[str, Any]) -> str:
    """The case for a reader: a summary, then each area's statements, claims and findings."""
    out = [f"# The security case for OpenClaw ({case.get('package') or 'the claims'})", "",
           "Generated by `symcheck case` from the claims, their verdicts and the conformance evidence. "
           "Strength of a claim: *proved for every size* (unbounded types), *proved* (every depth, the claim's "
           "constants), *holds to a depth* (bounded), *unknown*, *violated*.", "",
           "| area | statements argued | claims | proved | bounded or worse | planted bugs caught | findings |",
           "|---|---|---|---|---|---|---|"]
    for a in case["areas"]:
        argued = sum(1 for s in a["statements"] if s["status"] == "argued")
        proved = sum(1 for c in a["claims"] if STRENGTHS.get(c["strength"], -1) >= STRENGTHS["proved"])
        caught = sum(c["bugs_caught"] for c in a["claims"])
        planted = sum(c["bugs_planted"] for c in a["claims"])
        out.append(f"| {a['title']} | {argued} of {len(a['statements'])} | {len(a['claims'])} | {proved} | "
                   f"{len(a['claims']) - proved} | {caught} of {planted} | {len(a['findings'])} |")
    for a in case["areas"]:
        out += ["", f"## {a['title']}", "", a["statement"], "", "Statements:", ""]
        for s in a["statements"]:
            by = ", ".join(f"`{x['claim']}` ({x['strength']})" for x in s["argued_by"]) or "no claim"
            mark = "argued" if s["status"] == "argued" else "**GAP**"
            out.append(f"- {mark}: {s['text']} ({s['id']}; {by})")
        out += ["", "| claim | strength | how | bugs caught | assumptions | conformance |", "|---|---|---|---|---|---|"]
        for c in a["claims"]:
            out.append(f"| `{c['claim']}` | {c['strength']} | {_cell(c['detail'])} | {c['bugs_caught']} of "
                       f"{c['bugs_planted']} | {', '.join(c['assumptions']) or '-'} | "
                       f"{', '.join(c['conformance']) or '-'} |")
        if a["findings"]:
            out += ["", "Findings:", ""]
            out += [f"- `{f['name']}` ({f['status']}{', reproduced on ' + f['package'] if f.get('reproduced') else ''}"
                    f"): {f['summary']}. Avoided by {f['avoided_by']}." for f in a["findings"]]
    out += ["", "## Assumptions", "", "| id | assumption | claims | exercised by |", "|---|---|---|---|"]
    for x in case["assumptions"]:
        out.append(f"| {x['id']} | {_cell(x['text'])} | {len(x['claims'])} | "
                   f"{', '.join(x['exercised_by']) or '**no test**'} |")
    conf = case.get("conformance")
    out += ["", "## Conformance evidence", ""]
    if conf:
        out += [f"Package {conf.get('package')}, run {conf.get('date')}.", "",
                "| check | claim | inputs | distinct | agree | undocumented |", "|---|---|---|---|---|---|"]
        out += [f"| {c.get('name')} | {', '.join(_as_list(c.get('claim'))) or '-'} | {c.get('inputs')} | "
                f"{c.get('distinct', '-')} | {c.get('agree')} | {c.get('undocumented', 0)} |" for c in conf["checks"]]
    else:
        out.append("No conformance evidence recorded (`make conformance` writes conformance/evidence.json).")
    surface = case.get("package_surface") or []
    covered = [e for e in surface if e["covered_by"]]
    out += ["", "## The package's security entry points", "",
            f"{len(covered)} of {len(surface)} security-relevant plugin-SDK entry points are driven by a "
            "conformance check.", "", "| entry point | area | decides | conformance |", "|---|---|---|---|"]
    out += [f"| `plugin-sdk/{e['entry']}` | {e['area']} | {e['decides']} | "
            f"{', '.join(e['covered_by']) if e['covered_by'] else ('**none**' if e['covered_by'] is not None else 'unknown')} |"
            for e in surface]
    gaps = case["gaps"]
    out += ["", "## Gaps", "",
            f"- policy statements no claim argues: {', '.join(gaps['statements']) or 'none'}",
            f"- security entry points no conformance check drives: {len(gaps['package_entries'])}",
            f"- assumptions no test exercises: {', '.join(gaps['assumptions']) or 'none'}",
            f"- claims not proved for every depth: {', '.join(gaps['unproved_claims']) or 'none'}", ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
