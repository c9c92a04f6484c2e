"""Claim metadata for the security case: the policy area a claim argues (`policy:`), the
environmental assumptions it rests on (`assumptions:`), and a red variant's standing as a
finding in OpenClaw (`finding:`). Policy areas and shared assumptions are declared once,
in `data/policy.yaml` and `data/assumptions.yaml` beside the claims (else the bundled
claims' files); an id that is declared nowhere is an error with a did-you-mean."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from symcheck.errors import InputError, Span, suggest
from symcheck.front.ir import Finding
from symcheck.front.source import YMap, YNode, YScalar, YSeq, load_data_file

FINDING_STATUSES = ("confirmed", "intent", "open")
FINDING_KEYS = ("status", "package", "reproducer", "avoided_by", "summary")
_ID = "lowercase letters, digits and dashes"


@dataclass(frozen=True)
class Statement:
    """A policy statement the case must argue, and the claim families that argue it."""
    id: str
    text: str
    argued_by: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    """A policy area of the security case: its title, what it promises, its statements."""
    id: str
    title: str
    statement: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Registry:
    """The declared policy areas (id -> title) and shared assumptions (id -> sentence);
    `areas` in full, and `tests`: for each assumption, the red variants that model it failing."""
    policies: dict[str, str]
    assumptions: dict[str, str]
    areas: tuple[Area, ...] = ()
    tests: dict[str, tuple[str, ...]] | None = None


def registry_for(claim_file: str) -> Registry:
    """The registry beside a claim file (its directory's `data/`), else the bundled one."""
    here = Path(claim_file).parent / "data" if claim_file and not claim_file.startswith("<") else None
    if here is not None and (here / "policy.yaml").is_file():
        return _load(str(here.resolve()))
    bundled = Path(__file__).resolve().parent.parent.parent / "claims" / "data"
    packaged = Path(__file__).resolve().parent.parent / "claims" / "data"
    for candidate in (packaged, bundled):
        if (candidate / "policy.yaml").is_file():
            return _load(str(candidate))
    return Registry({}, {})


@lru_cache(maxsize=8)
def _load(directory: str) -> Registry:
    policy = _section(Path(directory) / "policy.yaml", "areas")
    assumptions = _section(Path(directory) / "assumptions.yaml", "assumptions")
    areas = tuple(Area(aid, _field(node, "title", aid), _field(node, "statement", aid, ""),
                       tuple(Statement(sid, _field(snode, "text", sid), _names(snode.get("argued_by")))
                             for sid, snode in _entries(node.get("statements")).items()))
                  for aid, node in policy.items())
    return Registry({a.id: a.title for a in areas}, {k: _field(v, "text", k) for k, v in assumptions.items()},
                    areas, {k: _names(v.get("exercised_by")) for k, v in assumptions.items()})


def _section(path: Path, section: str) -> dict[str, YMap]:
    """`section: {id: {...}}` from a registry file ({} when the file is absent)."""
    if not path.is_file():
        return {}
    doc = load_data_file(path)
    node = doc.get(section) if isinstance(doc, YMap) else None
    if not isinstance(node, YMap):
        raise InputError(doc.span, f"{path.name} must map `{section}:` to entries of id: {{...}}")
    return _entries(node)


def _entries(node: YNode | None) -> dict[str, YMap]:
    if node is None:
        return {}
    if not isinstance(node, YMap) or not all(isinstance(v, YMap) for v in node.items.values()):
        raise InputError(node.span, "expected a mapping of ids to mappings")
    return dict(node.items)


def _field(node: YMap, key: str, owner: str, default: str | None = None) -> str:
    value = node.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, YScalar) or not isinstance(value.value, str):
        raise InputError(node.span, f"entry {owner!r} needs `{key}:` (one sentence)")
    return " ".join(value.value.split())


def _names(node: YNode | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node, YSeq) or not all(isinstance(i, YScalar) and isinstance(i.value, str) for i in node.items):
        raise InputError(node.span, "expected a list of names")
    return tuple(i.value for i in node.items)


def read_policy(node: YNode | None, registry: Registry) -> tuple[str, ...]:
    """`policy: area` or `policy: [area, ...]`: the areas of the security case it argues."""
    if node is None or (isinstance(node, YScalar) and node.value is None):
        return ()
    items = node.items if isinstance(node, YSeq) else [node]
    out = []
    for item in items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            raise InputError(item.span, "`policy` names a policy area (or a list of them)",
                             "areas: " + ", ".join(registry.policies))
        if item.value not in registry.policies:
            raise InputError(item.span, f"unknown policy area {item.value!r}",
                             suggest(item.value, list(registry.policies),
                                     otherwise="areas (data/policy.yaml): " + ", ".join(registry.policies)))
        out.append(item.value)
    return tuple(out)


def read_assumptions(node: YNode | None, registry: Registry) -> tuple[tuple[str, str], ...]:
    """`assumptions:` a list of shared ids, or of `{id: sentence}` for one of the claim's own."""
    if node is None or (isinstance(node, YScalar) and node.value is None):
        return ()
    if not isinstance(node, YSeq):
        raise InputError(node.span, "`assumptions` is a list: shared ids, or `id: one sentence` for the claim's own")
    out: dict[str, str] = {}
    for item in node.items:
        if isinstance(item, YScalar) and isinstance(item.value, str):
            if item.value not in registry.assumptions:
                raise InputError(item.span, f"unknown assumption {item.value!r}",
                                 suggest(item.value, list(registry.assumptions),
                                         otherwise="declare it in data/assumptions.yaml, or write `- "
                                                   f"{item.value}: <one sentence>` for this claim alone"))
            _add(out, item.value, registry.assumptions[item.value], item.span)
        elif isinstance(item, YMap) and len(item.items) == 1:
            (aid, text), = item.items.items()
            if not isinstance(text, YScalar) or not isinstance(text.value, str) or not text.value.strip():
                raise InputError(text.span, f"assumption {aid!r}: give it as one sentence")
            if aid in registry.assumptions:
                raise InputError(item.keys[aid], f"assumption {aid!r} is declared in data/assumptions.yaml",
                                 "refer to it by its id alone")
            _add(out, aid, " ".join(text.value.split()), item.keys[aid])
        else:
            raise InputError(item.span, "an assumption is a shared id, or `id: one sentence`")
    return tuple(out.items())


def _add(out: dict[str, str], aid: str, text: str, span: Span | None) -> None:
    if not _is_id(aid):
        raise InputError(span, f"assumption id {aid!r} must be {_ID}")
    if aid in out:
        raise InputError(span, f"assumption {aid!r} is listed twice")
    out[aid] = text


def _is_id(text: str) -> bool:
    return bool(text) and text[0].isalnum() and all(c.islower() or c.isdigit() or c == "-" for c in text)


def read_finding(node: YNode | None, expect: str, variant: str) -> Finding | None:
    """A red variant's `finding:` {status, package, reproducer, avoided_by, summary}."""
    if node is None:
        return None
    if not isinstance(node, YMap):
        raise InputError(node.span, "`finding` is a mapping: status, package, reproducer, avoided_by")
    for key, span in node.keys.items():
        if key not in FINDING_KEYS:
            raise InputError(span, f"unknown key {key!r} in finding",
                             suggest(key, FINDING_KEYS, otherwise="keys: " + ", ".join(FINDING_KEYS)))
    if expect != "violated":
        raise InputError(node.span, f"variant {variant} is a finding, so it must expect violated")
    text = {k: _text(node, k) for k in FINDING_KEYS}
    if text["status"] not in FINDING_STATUSES:
        raise InputError(node.get("status").span if node.get("status") else node.span,
                         f"finding status must be one of {', '.join(FINDING_STATUSES)}")
    if text["status"] == "confirmed" and not text["package"]:
        raise InputError(node.span, "a confirmed finding names the package it was confirmed on",
                         "e.g. package: openclaw@2026.9.6")
    if not text["avoided_by"]:
        raise InputError(node.span, "a finding says which configuration avoids it (`avoided_by:`)")
    return Finding(text["status"], text["package"], text["reproducer"], text["avoided_by"], text["summary"])


def _text(node: YMap, key: str) -> str:
    value = node.get(key)
    if value is None:
        return ""
    if not isinstance(value, YScalar) or not isinstance(value.value, str):
        raise InputError(value.span, f"finding {key} must be a string")
    return " ".join(value.value.split())
