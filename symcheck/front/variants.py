"""Patch stage: expand a claim file into its variants. A variant is the green claim
with a merge patch applied (a mapping merges key by key, `null` deletes, anything else
replaces); patching a key that does not exist is an error. New definitions, actions,
invariants, variables (...) come in a separate `add:`, whose keys must not exist yet:
each of the two guards against typos in the other."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from symcheck.errors import InputError, suggest
from symcheck.front.source import YMap, YNode, YScalar, YSeq, load_data_file

CLAIM_KEYS = ("claim", "title", "source", "statement", "constants", "types", "variables", "init",
              "defs", "actions", "invariants", "expect", "depth", "deadlock", "variants", "notes",
              "properties", "fairness", "unexercised", "unproved", "policy", "assumptions", "lemmas",
              "step_invariants", "constraint", "assume")
VARIANT_KEYS = ("bug", "expect", "depth", "patch", "extends", "title", "notes", "add", "finding")
PATCHABLE = ("title", "statement", "constants", "types", "variables", "init", "defs", "actions",
             "invariants", "depth", "deadlock", "notes", "properties", "fairness", "unexercised", "unproved",
             "assumptions", "lemmas", "step_invariants", "constraint", "assume")
ADDABLE = ("constants", "types", "variables", "init", "defs", "actions", "invariants", "properties", "lemmas",
           "fairness", "step_invariants", "constraint", "assume")
# a definition's key: `name`, `name(params)` or either with `-> ReturnType`
_DEF_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*(?:\((.*)\))?\s*(?:->(.*))?$")
_RETURN_TYPE = re.compile(r"\s*(.+?)\s*")


@dataclass(frozen=True)
class Variant:
    name: str  # full claim id: family or family-suffix
    suffix: str  # "" for the green claim
    doc: YMap  # the patched claim document
    bug: str
    patch: YMap | None
    data: tuple = ()  # the data files it reads (`from:` as written, relative to the claim file)
    add: YMap | None = None
    changed_constants: frozenset = frozenset()  # constants its patch or `add:` (or a variant it extends) sets
    finding: YNode | None = None  # `finding:` of a red variant that is a finding in OpenClaw

    @property
    def changes(self) -> YMap | None:
        """What the variant changes against its base, for `show`: the patch, or `add:`
        and `patch:` when it adds something."""
        if self.add is None:
            return self.patch
        parts = {"add": self.add, "patch": self.patch}
        items = {k: v for k, v in parts.items() if v is not None}
        return YMap(items, {k: v.span for k, v in items.items()}, self.add.span)


def check_keys(node: YMap, allowed, what: str) -> None:
    for key, span in node.keys.items():
        if key not in allowed:
            raise InputError(span, f"unknown key {key!r} in {what}",
                             suggest(key, allowed, otherwise="allowed keys: " + ", ".join(allowed)))


@dataclass(frozen=True)
class DefKey:
    """A definition's key, parsed: the same parser serves variant patches (which match
    definitions by name) and the checker (which reads parameters and return type)."""
    name: str
    params: str | None  # the text between the parentheses, None without them
    returns: str | None  # the return type's text; "" after an `->` with nothing after it


def parse_def_key(key: str) -> DefKey | None:
    """The parts of `name(a: T, b) -> R`, or None when the key does not have that form."""
    m = _DEF_KEY.match(key)
    if not m:
        return None
    returns = m.group(3)
    if returns is not None:
        typed = _RETURN_TYPE.fullmatch(returns)
        returns = typed.group(1) if typed else ""
    return DefKey(m.group(1), m.group(2), returns)


def def_name(key: str) -> str:
    parsed = parse_def_key(key)
    return parsed.name if parsed else key


def merge(base: YNode, patch: YNode, where: str, by_def_name: bool = False) -> YNode:
    if not isinstance(patch, YMap) or not isinstance(base, YMap):
        return patch
    if is_data_ref(base) and not set(patch.items) <= {"from", "key"}:
        return patch  # a data reference is one value: a mapping literal replaces it
    items = dict(base.items)
    keys = dict(base.keys)
    for key, value in patch.items.items():
        span = patch.keys[key]
        target = key
        if by_def_name:
            matches = [k for k in items if def_name(k) == def_name(key)]
            target = matches[0] if matches else None
        if target is None or target not in items:
            raise InputError(span, f"the variant patches {where}.{def_name(key)}, which the claim does not have",
                             "a patch may only change, or delete with null, what the green claim defines; "
                             "put something new under the variant's `add:`")
        if isinstance(value, YScalar) and value.value is None:
            del items[target]
            del keys[target]
            continue
        sub_where = f"{where}.{def_name(key)}"
        merged = merge(items[target], value, sub_where)
        if by_def_name and target != key:  # a def whose parameters change
            del items[target]
            del keys[target]
            target = key
        items[target] = merged
        keys[target] = span
    return YMap(items, keys, base.span)


def expand(doc: YMap, read_data: bool = True) -> list[Variant]:
    """The green claim followed by each variant, patched, in file order. Without
    `read_data`, a data reference (`from: FILE`) is an error: the claim reads no other file."""
    check_keys(doc, CLAIM_KEYS, "a claim")
    name_node = doc.get("claim")
    if not isinstance(name_node, YScalar) or not isinstance(name_node.value, str):
        raise InputError(doc.span, "a claim file needs `claim: <name>` (the claim family id)")
    family = name_node.value
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", family):
        raise InputError(name_node.span, f"claim name {family!r} must be lowercase letters, digits and dashes")
    green_items = {k: v for k, v in doc.items.items() if k != "variants"}
    green_keys = {k: v for k, v in doc.keys.items() if k != "variants"}
    green = YMap(green_items, green_keys, doc.span)
    result = [Variant(family, "", green, "", None)]
    vnode = doc.get("variants")
    if vnode is None:
        return resolve_data(result, read_data)
    if not isinstance(vnode, YMap):
        raise InputError(vnode.span, "`variants` must map variant names to {bug, expect, patch}")
    done: dict[str, YMap] = {}
    for suffix, spec in vnode.items.items():
        span = vnode.keys[suffix]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", suffix):
            raise InputError(span, f"variant name {suffix!r} must be lowercase letters, digits and dashes")
        if not isinstance(spec, YMap):
            raise InputError(spec.span, f"variant {suffix!r} must be a mapping with bug, expect, patch")
        check_keys(spec, VARIANT_KEYS, f"variant {suffix!r}")
        base = green
        ext = spec.get("extends")
        if ext is not None:
            if not isinstance(ext, YScalar) or ext.value not in done:
                raise InputError(ext.span, f"variant {suffix!r} extends {getattr(ext, 'value', ext)!r}, "
                                           "which is not a variant defined above it")
            base = done[ext.value]
        patched = base
        add = spec.get("add")
        if add is not None:
            patched = add_sections(base, add, suffix)
        patch = spec.get("patch")
        if patch is not None:
            if not isinstance(patch, YMap):
                raise InputError(patch.span, "`patch` must be a mapping of claim sections")
            check_keys(patch, PATCHABLE, f"the patch of variant {suffix!r}")
            items, keys = dict(patched.items), dict(patched.keys)
            for section, value in patch.items.items():
                if section not in items and not isinstance(value, YMap):
                    items[section] = value
                    keys[section] = patch.keys[section]
                    continue
                if section not in items:
                    raise InputError(patch.keys[section],
                                     f"the variant patches {section}, which the claim does not have")
                items[section] = merge(items[section], value, section, by_def_name=(section == "defs"))
                keys[section] = patch.keys[section]
            patched = YMap(items, keys, base.span)
        for key in ("expect", "depth", "title"):
            if spec.get(key) is not None:
                patched = YMap({**patched.items, key: spec.get(key)}, {**patched.keys, key: spec.keys[key]},
                               patched.span)
        bug = spec.get("bug")
        bug_text = bug.value if isinstance(bug, YScalar) and isinstance(bug.value, str) else ""
        if not bug_text and (spec.get("expect") is not None and getattr(spec.get("expect"), "value", "") == "violated"):
            raise InputError(span, f"red variant {suffix!r} needs a one-line `bug:` description")
        done[suffix] = patched
        result.append(Variant(f"{family}-{suffix}", suffix, patched, bug_text, patch, add=add,
                              changed_constants=_changed_constants(green, patched), finding=spec.get("finding")))
    return resolve_data(result, read_data)


def _changed_constants(green: YMap, patched: YMap) -> frozenset:
    """The constants a variant sets itself (patched or added, here or in a variant it
    extends): an override of one of them replaces the variant's own value, not the claim's."""
    def section(doc: YMap) -> dict:
        node = doc.get("constants")
        return node.items if isinstance(node, YMap) else {}
    before, after = section(green), section(patched)
    return frozenset(n for n in after if before.get(n) is not after[n])


def add_sections(base: YMap, add: YNode, suffix: str) -> YMap:
    """The base claim with the variant's new entries appended to their sections; an
    entry that already exists is an error (change it with `patch:` instead), except an
    existing action, which may gain new assignments (`then:`), and fairness, whose
    lists gain new entries."""
    if not isinstance(add, YMap):
        raise InputError(add.span, "`add` must be a mapping of claim sections")
    check_keys(add, ADDABLE, f"the additions of variant {suffix!r}")
    items, keys = dict(base.items), dict(base.keys)
    for section, value in add.items.items():
        if section == "fairness":
            items[section] = _add_fairness(items.get(section), value)
            keys.setdefault(section, add.keys[section])
            continue
        if not isinstance(value, YMap):
            raise InputError(value.span, f"`add: {section}` must map names to their definitions")
        old = items.get(section)
        if old is not None and not isinstance(old, YMap):
            raise InputError(add.keys[section], f"the claim's {section} is not a mapping, so nothing can be added")
        merged = dict(old.items) if old is not None else {}
        merged_keys = dict(old.keys) if old is not None else {}
        names = {def_name(k) if section == "defs" else k for k in merged}
        for key, node in value.items.items():
            name = def_name(key) if section == "defs" else key
            if name in names and section == "actions" and isinstance(merged.get(key), YMap):
                merged[key] = _add_to_action(merged[key], node, name, suffix)
                continue
            if name in names:
                raise InputError(value.keys[key], f"variant {suffix!r} adds {section}.{name}, which the claim "
                                                  "already has", "change or delete it under `patch:` instead")
            names.add(name)
            merged[key] = node
            merged_keys[key] = value.keys[key]
        items[section] = YMap(merged, merged_keys, old.span if old is not None else value.span)
        keys.setdefault(section, add.keys[section])
    return YMap(items, keys, base.span)


def _add_to_action(action: YMap, node: YNode, name: str, suffix: str) -> YMap:
    """An existing action with new assignments (`add: {actions: {a: {then: {x: e}}}}`)."""
    if not isinstance(node, YMap) or set(node.items) != {"then"} or not isinstance(node.get("then"), YMap):
        raise InputError(node.span, f"variant {suffix!r} adds to the existing action {name}: only new assignments "
                                    "can be added, as {then: {variable: expression}}",
                         "change the action's guard or assignments under `patch:` instead")
    then = action.get("then")
    old = then if isinstance(then, YMap) else YMap({}, {}, node.span)
    new = node.get("then")
    for var in new.items:
        if var in old.items:
            raise InputError(new.keys[var], f"variant {suffix!r} adds an assignment to {var} in action {name}, "
                                            "which already assigns it", "change it under `patch:` instead")
    merged = YMap({**old.items, **new.items}, {**old.keys, **new.keys}, old.span)
    return YMap({**action.items, "then": merged}, {**action.keys, "then": action.keys.get("then", node.keys["then"])},
                action.span)


def _add_fairness(old: YNode | None, add: YNode) -> YMap:
    """The claim's fairness with the variant's entries appended to its `weak` and
    `strong` lists (a claim without fairness gains it)."""
    if not isinstance(add, YMap):
        raise InputError(add.span, "`add: fairness` must be {weak: [...], strong: [...]}")
    check_keys(add, ("weak", "strong"), "the added fairness")
    base = old if isinstance(old, YMap) else YMap({}, {}, add.span)
    items, keys = dict(base.items), dict(base.keys)
    for kind, entries in add.items.items():
        if not isinstance(entries, YSeq):
            raise InputError(entries.span, f"`{kind}` must be a list of action names (or lists of them, one per group)")
        before = items.get(kind)
        items[kind] = YSeq((before.items if isinstance(before, YSeq) else []) + entries.items, entries.span)
        keys.setdefault(kind, add.keys[kind])
    return YMap(items, keys, base.span)


def render_patch(node, indent: int = 0) -> str:
    """The patch of a variant as YAML text, for `symcheck show`."""
    if node is None:
        return ""
    pad = "  " * indent
    if isinstance(node, YMap):
        lines = []
        for key, value in node.items.items():
            if isinstance(value, YMap):
                lines.append(f"{pad}{key}:")
                lines.append(render_patch(value, indent + 1))
            else:
                lines.append(f"{pad}{key}: {render_patch(value)}")
        return "\n".join(lines)
    if isinstance(node, YScalar):
        return "null" if node.value is None else str(node.value)
    return "[" + ", ".join(render_patch(i) for i in node.items) + "]"


# ---------------------------------------------------------------- data references

# Where a claim holds YAML data rather than expressions, and so may read it from a file.
DATA_POSITIONS = (("constants", ("value", "enum")), ("types", ("enum",)))


def is_data_ref(node) -> bool:
    """`{from: FILE}` or `{from: FILE, key: K}`: the value is (part of) a data file."""
    return isinstance(node, YMap) and "from" in node.items and set(node.items) <= {"from", "key"}


def resolve_data(variants: list[Variant], read_data: bool = True) -> list[Variant]:
    """Replace every data reference by the data it names. Done after patching, so a
    variant may patch a reference (or replace it by a literal) like any other value."""
    cache: dict = {}
    out = []
    for v in variants:
        doc, used = _resolve_doc(v.doc, cache, read_data)
        out.append(replace(v, doc=doc, data=used) if used else v)
    return out


def _resolve_doc(doc: YMap, cache: dict, read_data: bool = True) -> tuple[YMap, tuple]:
    base = Path(doc.span.file).parent
    items = dict(doc.items)
    used: list[str] = []
    for section, fields in DATA_POSITIONS:
        sec = doc.get(section)
        if not isinstance(sec, YMap):
            continue
        entries = dict(sec.items)
        for name, node in sec.items.items():
            if not isinstance(node, YMap) or not any(is_data_ref(node.get(f)) for f in fields):
                continue
            sub = dict(node.items)
            for f in fields:
                if is_data_ref(node.get(f)) and not read_data:
                    ref = node.get(f)
                    raise InputError(ref.span, f"{section[:-1]} {name} reads data file {ref.items['from'].value!r}, "
                                               "but this claim is read from text and reads no other file",
                                     "write the values inline instead of `{from: ...}`")
                if is_data_ref(node.get(f)):
                    sub[f] = _read_ref(node.get(f), base, cache)
                    written = node.get(f).items["from"].value
                    if written not in used:
                        used.append(written)
            entries[name] = YMap(sub, node.keys, node.span)
        items[section] = YMap(entries, sec.keys, sec.span)
    if not used:
        return doc, ()
    return YMap(items, doc.keys, doc.span), tuple(used)


def data_file_path(written: YScalar, base: Path) -> Path:
    """The data file named by `from:`, relative to the claim file's directory and
    confined to it (no absolute paths, no `..` out of it)."""
    if not isinstance(written.value, str) or not written.value.strip():
        raise InputError(written.span, "`from:` names a data file relative to the claim file, "
                                       "such as data/tool-groups.yaml")
    try:
        root = base.resolve()
        path = (root / written.value).resolve()
        inside, exists = path.is_relative_to(root), path.is_file()
    except (OSError, ValueError) as exc:
        raise InputError(written.span, f"bad data file name {written.value!r}: {exc}") from None
    if not inside:
        raise InputError(written.span, f"data file {written.value!r} is outside the claims directory {base}",
                         "keep data files next to the claims, e.g. under data/")
    if not exists:
        raise InputError(written.span, f"data file {written.value!r} does not exist (looked for {path})")
    return path


def _read_ref(ref: YMap, base: Path, cache: dict) -> YNode:
    written = ref.items["from"]
    path = data_file_path(written, base)
    if path not in cache:
        try:
            cache[path] = load_data_file(path)
        except InputError as exc:
            raise InputError(exc.span, exc.message, exc.hint or f"the data file is read for {written.span}") from None
    node = cache[path]
    key = ref.get("key")
    if key is None:
        return node
    steps = key.items if isinstance(key, YSeq) else [key]
    walked: list[str] = []
    for step in steps:
        if not isinstance(step, YScalar) or step.value is None or isinstance(step.value, bool):
            raise InputError(step.span, "`key:` is a key of the data file, or a list of keys leading into it")
        where = f" under {'/'.join(walked)}" if walked else ""
        if isinstance(node, YMap):
            if str(step.value) not in node.items:
                hint = suggest(str(step.value), node.items, otherwise="keys there: " + ", ".join(node.items))
                raise InputError(step.span, f"data file {written.value} has no key {step.value!r}{where}", hint)
            node = node.items[str(step.value)]
        elif isinstance(node, YSeq) and isinstance(step.value, int) and 0 <= step.value < len(node.items):
            node = node.items[step.value]
        else:
            shape = f"a list of {len(node.items)} items" if isinstance(node, YSeq) else "a single value"
            raise InputError(step.span, f"data file {written.value} has nothing at {step.value!r}{where} "
                                        f"(it holds {shape} there, at {node.span})")
        walked.append(str(step.value))
    return node
