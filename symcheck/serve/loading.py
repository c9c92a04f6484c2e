"""Claims as the web page asks for them: a catalog name, or pasted text with a variant,
with constant overrides from the form; loaded by the API (load_claim, load_text). The
one place the server turns a request into a Model.

A pasted claim may not read data files (`from:`; api.load_text refuses them): it has no
directory of its own, and the server's files are not the page's to read."""
from __future__ import annotations

import re
from pathlib import Path

from symcheck import api
from symcheck.errors import InputError, Span, suggest
from symcheck.front.claims import Entry, catalog
from symcheck.front.ir import Model
from symcheck.front.overrides import Override
from symcheck.front.source import YMap, YNode, YScalar, YSeq, parse_yaml
from symcheck.front.variants import Variant

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")  # a claim or variant name: no paths, no dots
CONSTANT = re.compile(r"[A-Za-z_][A-Za-z_0-9]{0,99}")
PASTED = "<pasted>"
MAX_OVERRIDES = 50
MAX_OVERRIDE_CHARS = 2000


def check_name(name: object, what: str = "claim") -> str:
    """A claim (or variant) name as the catalog spells them; anything else, a path
    above all, is refused before it reaches the file system."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise InputError(None, f"bad {what} name {str(name)[:60]!r}",
                         "a name is lowercase letters, digits and dashes, such as pairing-negative")
    return name


def entry(directory: Path, name: str) -> Entry:
    """The catalog entry of a variant named on the page."""
    table = catalog(directory)
    if check_name(name) not in table:
        raise InputError(None, f"no claim named {name!r}", suggest(name, table, n=3) or "open the catalog to see them")
    return table[name]


def load(directory: Path, name: str | None, text: str | None = None, overrides: dict | None = None) -> Model:
    """The checked variant `name` of the catalog, or of the pasted `text` (then `name`
    picks a variant of it: its full name or suffix; None: the green claim), with the
    constants in `overrides` (name -> YAML text, as the form gives them) replaced."""
    given = form_overrides(overrides or {})
    if text is None:
        e = entry(directory, check_name(name))
        return api.load_claim(str(e.file), variant=e.name, overrides=given)
    if name:
        check_name(name, "variant")
    return api.load_text(text, variant=name or None, overrides=given, name=PASTED)[0]


def form_overrides(overrides: dict) -> dict:
    """The form's values (YAML text, one line each) as the API's located overrides."""
    if not isinstance(overrides, dict) or len(overrides) > MAX_OVERRIDES:
        raise InputError(None, f"overrides must map at most {MAX_OVERRIDES} constant names to values")
    out = {}
    for cname, value in overrides.items():
        if not isinstance(cname, str) or not CONSTANT.fullmatch(cname):
            raise InputError(None, f"{str(cname)[:60]!r} is not a constant name")
        node = override_node(cname, value)
        out[cname] = Override(cname, node, node.span, f"the form's {cname}")
    return out


def override_node(cname: str, value: object) -> YNode:
    where = f"<override {cname}>"
    if isinstance(value, bool) or isinstance(value, int):
        return YScalar(value, Span(where, 1, 1))
    if not isinstance(value, str) or not value.strip() or "\n" in value or len(value) > MAX_OVERRIDE_CHARS:
        raise InputError(Span(where, 1, 1), f"the value of {cname} must be one line of YAML, such as 3 or "
                                            "{enum: [a, b]}")
    try:
        node = parse_yaml("value: " + value, where).items["value"]
    except InputError as exc:
        span = exc.span.shift(0, dcol=-len("value: ")) if exc.span and exc.span.col > len("value: ") else exc.span
        raise InputError(span, exc.message, exc.hint) from None
    return _shift(node, -len("value: "))


def _shift(node: YNode, dcol: int) -> YNode:
    """Spans of a one-line value parsed after a `value: ` prefix, as columns of the value."""
    span = node.span.shift(0, dcol=dcol)
    if isinstance(node, YScalar):
        return YScalar(node.value, span, node.style)
    if isinstance(node, YSeq):
        return YSeq([_shift(n, dcol) for n in node.items], span)
    return YMap({k: _shift(v, dcol) for k, v in node.items.items()}, {k: s.shift(0, dcol=dcol) for k, s in node.keys.items()},
                span)


def constants_form(variant: Variant) -> list[dict]:
    """The variant's constants as the page's form shows them: name and YAML text."""
    section = variant.doc.get("constants")
    if not isinstance(section, YMap):
        return []
    return [{"name": name, "value": flow(node)} for name, node in section.items.items()]


def flow(node: YNode) -> str:
    """A located YAML node back as one line of flow-style YAML."""
    if isinstance(node, YScalar):
        v = node.value
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, int):
            return str(v)
        return v if re.fullmatch(r"[A-Za-z_][A-Za-z_0-9.\- ]*", v) and v not in ("true", "false", "null") else \
            '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(node, YSeq):
        return "[" + ", ".join(flow(n) for n in node.items) + "]"
    return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in node.items.items()) + "}"
