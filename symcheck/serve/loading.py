"""Claims as the web page asks for them: a catalog entry (from the catalog the server
read at start-up: nothing is read again), or pasted text with a variant, with constant
overrides from the form. The one place the server turns a request into a Model.

A pasted claim may not read data files (`from:`; api.load_text refuses them): it has no
directory of its own, and the server's files are not the page's to read."""
from __future__ import annotations

import re

from symcheck.errors import InputError, Span, suggest
from symcheck.front.claims import Entry, check_variants, load_model
from symcheck.front.ir import Model
from symcheck.front.overrides import Override
from symcheck.front.source import YMap, YNode, YScalar, YSeq, parse_yaml
from symcheck.front.variants import Variant, expand

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


def entry(entries: dict[str, Entry], name: str) -> Entry:
    """The catalog entry of a variant named on the page, from the catalog read at start-up."""
    if check_name(name) not in entries:
        raise InputError(None, f"no claim named {name!r}",
                         suggest(name, entries, n=3) or "open the catalog to see them")
    return entries[name]


def pasted(text: str, name: str | None) -> Variant:
    """The variant `name` (its full name or suffix; None: the green claim) of a pasted
    claim, which may read no file (a data reference is an error)."""
    if name:
        check_name(name, "variant")
    variants = expand(parse_yaml(text, PASTED), read_data=False)
    if not name:
        return variants[0]
    chosen = [v for v in variants if name in (v.suffix, v.name)]
    if not chosen:
        listing = ", ".join(v.suffix or f"{v.name} (the green claim)" for v in variants)
        hint = suggest(name, [v.suffix for v in variants if v.suffix] + [v.name for v in variants])
        raise InputError(None, f"{PASTED} has no variant {name!r}", (hint + " " if hint else "") + f"its variants: {listing}")
    return chosen[0]


def load(e: Entry | None, text: str | None = None, variant: str | None = None,
         overrides: dict | None = None) -> Model:
    """The checked catalog variant `e`, or the variant `variant` of the pasted `text`,
    with the constants in `overrides` (name -> YAML text, as the form gives them) replaced."""
    v = e.variant if text is None else pasted(text, variant)
    given = form_overrides(overrides or {}, v.doc.get("constants"))
    if e is not None and text is None:
        return load_model(e, given)
    return check_variants([v], given)[0]


def form_overrides(overrides: dict, declared: YNode | None = None) -> dict:
    """The form's values (YAML text, one line each) as the API's located overrides. A value
    may be written as the form shows it (`{enum: [a, b]}`, `{type: T, value: v}`): its
    value is taken, and the rest must stay as the claim declares it."""
    if not isinstance(overrides, dict) or len(overrides) > MAX_OVERRIDES:
        raise InputError(None, f"overrides must map at most {MAX_OVERRIDES} constant names to values")
    out = {}
    for cname, value in overrides.items():
        if not isinstance(cname, str) or not CONSTANT.fullmatch(cname):
            raise InputError(None, f"{str(cname)[:60]!r} is not a constant name")
        shown = declared.items.get(cname) if isinstance(declared, YMap) else None
        node = override_node(cname, value)
        if shown is not None and flow(node) == flow(shown):
            continue  # the claim's own value, as the form shows it
        node = value_of(cname, node, shown)
        out[cname] = Override(cname, node, node.span, f"the form's {cname}")
    return out


VALUE_KEYS = ("value", "enum", "domain")  # the key of a constant's declaration that holds its value


def value_of(cname: str, node: YNode, shown: YNode | None) -> YNode:
    """The value an edit in the declaration's own shape gives (`{enum: [a, b]}` -> `[a, b]`,
    `{type: T, value: v}` -> `v`); any other value as it is."""
    if not isinstance(node, YMap) or not isinstance(shown, YMap):
        return node
    key = next((k for k in VALUE_KEYS if k in node.items), None)
    if key is None or set(node.items) != set(shown.items):
        raise InputError(node.span, f"write {cname} as the form shows it, {flow(shown)}, with another value, "
                                    "or give the value alone")
    for k, sub in node.items.items():
        if k != key and flow(sub) != flow(shown.items[k]):
            raise InputError(sub.span, f"the {k} of {cname} is the claim's ({flow(shown.items[k])}): "
                                       f"only its {key} can change here", "edit the claim's text to change more")
    return node.items[key]


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
