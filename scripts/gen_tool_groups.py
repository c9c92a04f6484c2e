#!/usr/bin/env python3
"""Regenerate claims/data/tool-groups.yaml from an OpenClaw checkout or mirror.

    python scripts/gen_tool_groups.py --openclaw PATH [--rev REV] [--output FILE] [--check]

PATH is an OpenClaw work tree or a bare git directory (a mirror). The script reads the
TypeScript source that defines the tool groups, at REV (default: HEAD, or the files on
disk for a clean work tree), and writes the groups with the repository, file and
commit they came from. No network, no Node: the object literals are read by a small
parser of the literal subset of TypeScript that the definitions use.

OpenClaw has defined its groups in two ways, and both are understood:
  catalog  src/agents/tool-catalog.ts: CORE_TOOL_DEFINITIONS lists every core tool
           with a sectionId; group:<sectionId> holds the tools of that section, and
           group:openclaw the tools marked includeInOpenClawGroup (newer sources);
  literal  src/agents/tool-policy.ts (or tool-policy-shared.ts): an object literal
           TOOL_GROUPS from group name to tool list (older sources).
If neither is found, or the catalog no longer derives its groups as described, the
script stops and says so rather than guess.

A plain directory that is not a git repository (a copy of the sources) needs
--commit SHA, which is recorded as given. --check compares instead of writing and
exits 1 when the committed file is out of date.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = "openclaw/openclaw"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "claims" / "data" / "tool-groups.yaml"
CATALOG_FILE = "src/agents/tool-catalog.ts"
LITERAL_FILES = ("src/agents/tool-policy-shared.ts", "src/agents/tool-policy.ts")
# the catalog derivation this script reproduces; if the source stops saying this, stop
CATALOG_MARKERS = ("`group:${tool.sectionId}`", "includeInOpenClawGroup", '"group:openclaw"')


class GenError(Exception):
    """Something this script cannot read: printed without a traceback, exit 2."""


# ---------------------------------------------------------------- a TS literal reader

@dataclass(frozen=True)
class Ref:
    """A name used as a value (a variable, a call): kept, never evaluated."""
    name: str


_TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<spread>\.\.\.)
  | (?P<name>[A-Za-z_$][\w$.]*)
  | (?P<punct>[{}\[\]:,()])
""", re.S | re.X)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "0": "\0"}


def _tokens(text: str, pos: int):
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise GenError(f"unexpected {text[pos:pos + 20]!r} at {_where(text, pos)}")
        if m.lastgroup != "space":
            yield m.lastgroup, m.group(), m.start()
        pos = m.end()


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _unquote(tok: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), tok[1:-1])


def read_literal(text: str, pos: int):
    """The object/array/string/number/boolean literal starting at text[pos:]."""
    toks = _tokens(text, pos)

    def value(tok):
        kind, s, at = tok
        if kind == "string":
            return _unquote(s)
        if kind == "number":
            return float(s) if "." in s else int(s)
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(s, Ref(s))
        if s == "[":
            items = []
            while True:
                tok = next(toks)
                if tok[1] == "]":
                    return items
                items.append(value(tok))
                sep = next(toks)
                if sep[1] == "]":
                    return items
                if sep[1] != ",":
                    raise GenError(f"expected , or ] at {_where(text, sep[2])}")
        if s == "{":
            obj = {}
            while True:
                tok = next(toks)
                if tok[1] == "}":
                    return obj
                if tok[0] == "spread":
                    raise GenError(f"a spread (...) at {_where(text, tok[2])}: the groups are not a plain literal")
                if tok[0] not in ("string", "name"):
                    raise GenError(f"expected a key at {_where(text, tok[2])}")
                key = _unquote(tok[1]) if tok[0] == "string" else tok[1]
                colon = next(toks)
                if colon[1] != ":":
                    raise GenError(f"expected : after {key!r} at {_where(text, colon[2])}")
                obj[key] = value(next(toks))
                sep = next(toks)
                if sep[1] == "}":
                    return obj
                if sep[1] != ",":
                    raise GenError(f"expected , or }} at {_where(text, sep[2])}")
        raise GenError(f"unexpected {s!r} at {_where(text, at)}")

    try:
        return value(next(toks))
    except StopIteration:
        raise GenError("the source ends inside a literal") from None


def literal_of(text: str, name: str, file: str):
    """The literal assigned to `const NAME` (type annotation allowed) in text."""
    m = re.search(rf"\bconst\s+{name}\b[^=;]*=\s*", text)
    if not m:
        raise GenError(f"{file}: no `const {name} = ...` found")
    try:
        return read_literal(text, m.end())
    except GenError as exc:
        raise GenError(f"{file}: reading {name}: {exc}") from None


# ---------------------------------------------------------------- the two layouts

def _names(values, what: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise GenError(f"{what}: expected a list of tool names")
    return values


def groups_from_literal(text: str, file: str) -> tuple[dict, list]:
    """Groups written out as TOOL_GROUPS = {"group:x": [tools], ...}."""
    lit = literal_of(text, "TOOL_GROUPS", file)
    if not isinstance(lit, dict) or not lit:
        raise GenError(f"{file}: TOOL_GROUPS is not an object literal of groups")
    groups = {g: _names(tools, f"{file}: {g}") for g, tools in lit.items()}
    tools: list[str] = []
    for members in groups.values():
        tools += [t for t in members if t not in tools]
    return groups, tools


def groups_from_catalog(text: str, file: str) -> tuple[dict, list]:
    """Groups derived from CORE_TOOL_DEFINITIONS: group:openclaw (the tools marked
    includeInOpenClawGroup), then group:<sectionId> per section, in first-use order."""
    missing = [m for m in CATALOG_MARKERS if m not in text]
    if missing:
        raise GenError(f"{file}: the group derivation changed (no {missing[0]} in the source); "
                       "read it and update groups_from_catalog() in this script")
    defs = literal_of(text, "CORE_TOOL_DEFINITIONS", file)
    if not isinstance(defs, list) or not defs:
        raise GenError(f"{file}: CORE_TOOL_DEFINITIONS is not a list of tool definitions")
    tools, openclaw, sections = [], [], {}
    for d in defs:
        if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not isinstance(d.get("sectionId"), str):
            raise GenError(f"{file}: a tool definition without a string id and sectionId: {d!r}")
        tools.append(d["id"])
        sections.setdefault(f"group:{d['sectionId']}", []).append(d["id"])
        if d.get("includeInOpenClawGroup") is True:
            openclaw.append(d["id"])
    return {"group:openclaw": openclaw, **sections}, tools


# ---------------------------------------------------------------- reading OpenClaw

def _git(args: list[str]) -> str:
    try:
        proc = subprocess.run(["git", *args], capture_output=True, text=True)
    except FileNotFoundError:
        raise GenError("git is not installed") from None
    if proc.returncode != 0:
        raise GenError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


class Source:
    """Files of one OpenClaw revision: from git (a bare mirror or --rev), or from disk."""

    def __init__(self, path: Path, rev: str | None, commit: str | None):
        self.path = path
        if not path.is_dir():
            raise GenError(f"{path} is not a directory")
        bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
        work = (path / ".git").exists()
        if not bare and not work:
            if rev:
                raise GenError(f"{path} is not a git repository; --rev needs one")
            if not commit:
                raise GenError(f"{path} is not a git repository: pass --commit SHA to record where the sources are from")
            self.git, self.commit = None, commit
            return
        if commit:
            raise GenError("--commit is for a plain copy of the sources; a git repository names its own commit")
        self.git = ["--git-dir", str(path)] if bare else ["-C", str(path)]
        self.rev = rev or "HEAD"
        self.commit = _git([*self.git, "rev-parse", "--verify", f"{self.rev}^{{commit}}"]).strip()
        self.from_disk = work and rev is None

    def read(self, file: str) -> str | None:
        if self.git is None or self.from_disk:
            p = self.path / file
            if not p.is_file():
                return None
            if self.git is not None and _git([*self.git, "status", "--porcelain", "--", file]).strip():
                raise GenError(f"{p} has local changes: commit them, or pass --rev to read a commit")
            return p.read_text(encoding="utf-8")
        listed = _git([*self.git, "ls-tree", "--name-only", self.commit, "--", file]).strip()
        return _git([*self.git, "show", f"{self.commit}:{file}"]) if listed else None


def extract(source: Source) -> dict:
    """The tool groups of one OpenClaw revision, with where they came from."""
    text = source.read(CATALOG_FILE)
    if text is not None and "CORE_TOOL_DEFINITIONS" in text:
        file, layout = CATALOG_FILE, "catalog"
        groups, tools = groups_from_catalog(text, file)
    else:
        for file in LITERAL_FILES:
            text = source.read(file)
            if text is not None and re.search(r"\bconst\s+TOOL_GROUPS\b[^=;]*=\s*\{\s*(//[^\n]*\s*)*[\"']", text):
                layout = "literal"
                groups, tools = groups_from_literal(text, file)
                break
        else:
            raise GenError(f"no tool groups found: looked for CORE_TOOL_DEFINITIONS in {CATALOG_FILE} and "
                           f"a TOOL_GROUPS object literal in {' and '.join(LITERAL_FILES)}")
    return {"repo": REPO, "commit": source.commit, "path": file, "layout": layout,
            "groups": groups, "tools": tools}


LAYOUTS = {
    "catalog": "group:<sectionId> holds the tools of CORE_TOOL_DEFINITIONS with that sectionId; "
               "group:openclaw those marked includeInOpenClawGroup",
    "literal": "the TOOL_GROUPS object literal, as written",
}


def render(data: dict) -> str:
    """The data file: YAML written by hand (every string quoted, so no value is ever
    read as a number or a date), one group per line."""
    q = json.dumps
    lines = [
        "# OpenClaw's tool groups, generated by scripts/gen_tool_groups.py: do not edit by hand.",
        "# Regenerate with the command under source.command, PATH being an OpenClaw checkout",
        "# or mirror. Claims read `groups` and `tools` (see claims/groups.yaml).",
        "source:",
        f"  repo: {q(data['repo'])}",
        f"  commit: {q(data['commit'])}",
        f"  path: {q(data['path'])}",
        f"  layout: {q(data['layout'])}",
        f"  derivation: {q(LAYOUTS[data['layout']])}",
        f"  command: {q('python scripts/gen_tool_groups.py --openclaw PATH --rev ' + data['commit'])}",
        "# group name -> tool ids, in OpenClaw's order",
        "groups:",
    ]
    lines += [f"  {q(g)}: [{', '.join(map(q, tools))}]" for g, tools in data["groups"].items()]
    lines += ["# every tool id named by some group, each once",
              f"tools: [{', '.join(map(q, data['tools']))}]", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--openclaw", required=True, type=Path, metavar="PATH",
                    help="an OpenClaw work tree or bare git directory")
    ap.add_argument("--rev", default=None, help="the revision to read (default HEAD)")
    ap.add_argument("--commit", default=None, help="for a plain copy of the sources: the commit it is")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="default: claims/data/tool-groups.yaml")
    ap.add_argument("--check", action="store_true", help="compare with --output instead of writing")
    args = ap.parse_args(argv)
    try:
        text = render(extract(Source(args.openclaw, args.rev, args.commit)))
    except GenError as exc:
        print(f"gen_tool_groups: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date with {args.openclaw}; rerun without --check", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
