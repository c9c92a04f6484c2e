"""Constant overrides, like a TLC cfg: `--set NAME=VALUE` (the value is YAML),
`--constants FILE.yaml` (a mapping of names to values) and the API's `overrides=`
mapping. This module only reads them into located YAML nodes; the checker
(`front.declarations`) type-checks each against the constant it replaces.

An override applies to the variant as patched: it wins over the claim's value and over
a variant's patch of it (the result records which one it replaced)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from symcheck.errors import InputError, Span
from symcheck.front.source import YMap, YNode, YScalar, YSeq, _compose, _convert, read_text


class FlagSpan(Span):
    """The place of a value given on the command line or through the API: printed as the
    flag itself (`--set TTL=x: error: ...`), not as file:line:col."""

    def __str__(self) -> str:
        return self.file


@dataclass(frozen=True)
class Override:
    """One constant's new value, located where it was given."""
    name: str
    node: YNode  # the value
    span: Span  # where the name was given: a FlagSpan, or file:line:col in a constants file
    origin: str  # how it was given, for the reports: `--set TTL=2`, `--constants c.yaml`, `overrides['TTL']`


def parse_set(text: str) -> Override:
    """`NAME=VALUE` of one `--set`; the value is read as YAML (`[a, b]`, `2`, `true`)."""
    flag = FlagSpan(f"--set {text}", 1, 1)
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq or not name:
        raise InputError(flag, "write --set NAME=VALUE (the value in YAML, e.g. --set 'Senders=[a, b]')")
    _check_name(name, flag)
    if not value.strip():
        raise InputError(flag, f"no value for {name}", f"write --set {name}=VALUE")
    try:
        node = _convert(_compose(value, str(flag), "the value", "the value"), str(flag))
    except InputError as exc:
        raise InputError(flag, exc.message, exc.hint) from None
    return Override(name, _relocate(node, flag), flag, f"--set {name}={value.strip()}")


def parse_sets(texts: Iterable[str]) -> dict[str, Override]:
    """Every `--set`, by name; a later one for the same name wins."""
    out: dict[str, Override] = {}
    for text in texts:
        o = parse_set(text)
        out[o.name] = o
    return out


def load_constants_file(path: str | Path) -> dict[str, Override]:
    """A `--constants FILE.yaml`: a mapping of constant names to values, located in the file."""
    file, text = read_text(path, "constants ")
    tree = _convert(_compose(text, file, "the constants file", "the constants file"), file)
    if not isinstance(tree, YMap):
        raise InputError(tree.span, "a constants file maps constant names to values (TTL: 2, Senders: [a, b])")
    out = {}
    for name, node in tree.items.items():
        _check_name(name, tree.keys[name])
        out[name] = Override(name, node, tree.keys[name], f"--constants {file}")
    return out


def command_line(sets: Iterable[str] = (), constants_file: str | Path | None = None) -> dict[str, Override]:
    """The overrides of `--constants FILE` and `--set`; `--set` wins over the file."""
    out = load_constants_file(constants_file) if constants_file else {}
    out.update(parse_sets(sets))
    return out


def from_mapping(overrides: Mapping[str, object] | None) -> dict[str, Override]:
    """The API's `overrides=`: name -> value as Python data (what yaml.safe_load gives:
    bool, int, str, lists, dicts), or an `Override` as `parse_set` makes."""
    out: dict[str, Override] = {}
    for name, value in (overrides or {}).items():
        if isinstance(value, Override):
            out[name] = value
            continue
        flag = FlagSpan(f"overrides[{name!r}]", 1, 1)
        if not isinstance(name, str):
            raise InputError(flag, "a constant's name is a string")
        _check_name(name, flag)
        out[name] = Override(name, _node_of(value, flag), flag, f"overrides[{name!r}]")
    return out


def _check_name(name: str, span: Span) -> None:
    if not name.isidentifier():
        raise InputError(span, f"{name!r} is not a constant name", "write NAME=VALUE, e.g. TTL=2")


def _node_of(value: object, span: Span) -> YNode:
    if value is None or isinstance(value, (bool, int, str)):
        return YScalar(value, span)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return YSeq([_node_of(v, span) for v in items], span)
    if isinstance(value, Mapping):
        return YMap({str(k): _node_of(v, span) for k, v in value.items()}, {str(k): span for k in value}, span)
    raise InputError(span, f"unsupported value {value!r}: use a boolean, an integer, a string, a list or a mapping")


def _relocate(node: YNode, span: Span) -> YNode:
    """The same value, every node placed at `span` (a flag has no lines to point into)."""
    if isinstance(node, YScalar):
        return YScalar(node.value, span, node.style)
    if isinstance(node, YSeq):
        return YSeq([_relocate(n, span) for n in node.items], span)
    return YMap({k: _relocate(v, span) for k, v in node.items.items()}, dict.fromkeys(node.items, span), span)


def is_flag(span: Span | None) -> bool:
    return isinstance(span, FlagSpan)
