"""The `str` type: its type rules (`Strings`, a layer of the claim checker) and the meaning
of each string operation on Python strings, which the explicit evaluator and the compiled
engine share (the SMT encoding in smt/strings.py is written apart from it, and the two are
tested against each other and against Python's own methods).

The operations follow the JavaScript the OpenClaw package runs, where that differs from
Python's: `lower()` is a fixed character map (ASCII and Latin-1 upper-case letters mapped,
every other character kept; see `LOWER`), `strip()` removes JavaScript's `trim()` white
space, `s.replace(a, b)` replaces the first occurrence (JavaScript's `replace` with a
string pattern)."""
from __future__ import annotations

import ast

from symcheck.front.ir import BOOL, INT, STR, Expr, Op, Opcode, StrT, Type

# lower(): A-Z and the Latin-1 capitals U+00C0..U+00DE (but U+00D7, the multiplication
# sign) map to the character 0x20 above; every other character is kept. JavaScript's
# toLowerCase agrees on these and differs elsewhere: it also maps Greek, Cyrillic,
# full-width Latin (U+FF21..) and more, maps U+0130 (capital I with dot) to two characters
# ("i" and U+0307), and U+212A (Kelvin sign) to "k"; here those are kept as they are.
LOWER = {chr(c): chr(c + 32) for c in [*range(0x41, 0x5B), *range(0xC0, 0xDF)] if c != 0xD7}

# strip(): the characters JavaScript's String.prototype.trim removes (WhiteSpace and
# LineTerminator of ECMA-262): Python's str.strip() differs on U+001C..U+001F, U+0085
# (Python strips them) and U+FEFF (JavaScript strips it).
WHITESPACE = "\t\n\v\f\r \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + \
    "\u2028\u2029\u202f\u205f\u3000\ufeff"

METHODS = {"lower": 0, "strip": 0, "startswith": 1, "endswith": 1, "replace": 2, "before": 1, "after": 1}


def is_free(t: Type) -> bool:
    """A string type with infinitely many values (no maximum length, or no alphabet)."""
    return isinstance(t, StrT) and (t.maxlen is None or t.alphabet is None)


def unbounded(model) -> str | None:
    """The first action parameter that ranges over every string, or None: a model with one
    is for the SMT engines (the explicit ones enumerate parameter values; a `str` state
    variable is fine there, it only ever holds the strings the actions build)."""
    for a in model.actions:
        for p, t in a.params:
            if is_free(t):
                return f"parameter {p} of {a.name}"
    return None


# ---------------------------------------------------------------- meaning on Python strings


def lower(s: str) -> str:
    return "".join(LOWER.get(c, c) for c in s)


def strip(s: str) -> str:
    return s.strip(WHITESPACE)


def replace(s: str, a: str, b: str) -> str:
    """The first occurrence of `a` replaced by `b` (an empty `a` occurs at 0)."""
    return s.replace(a, b, 1)


def before(s: str, d: str) -> str:
    """What precedes the first `d` (all of `s` when it has none; "" for an empty `d`)."""
    i = s.find(d)
    return s if i < 0 else s[:i]


def after(s: str, d: str) -> str:
    """What follows the first `d` ("" when `s` has none; all of `s` for an empty `d`)."""
    i = s.find(d)
    return "" if i < 0 else s[i + len(d):]


PYTHON = {
    Opcode.CONCAT: lambda a, b: a + b,
    Opcode.LOWER: lower,
    Opcode.STRIP: strip,
    Opcode.STARTS_WITH: lambda s, p: s.startswith(p),
    Opcode.ENDS_WITH: lambda s, p: s.endswith(p),
    Opcode.CONTAINS: lambda s, t: t in s,
    Opcode.STR_LENGTH: len,
    Opcode.STR_REPLACE: replace,
    Opcode.BEFORE: before,
    Opcode.AFTER: after,
}
"""Each string opcode's meaning on concrete strings (arguments in the Op's order)."""


def fits(t: StrT, s: str) -> bool:
    """Is `s` a value of the string type `t` (its length bound and alphabet)?"""
    return (t.maxlen is None or len(s) <= t.maxlen) and (t.alphabet is None or all(c in t.alphabet for c in s))


# ---------------------------------------------------------------- type rules


class Strings:
    """The string rules of the claim checker (mixed into `front.calls.Calls`): string
    literals where a `str` is expected, `+`, `in`, `len` and the methods of `METHODS`."""

    def string_type(self, ts) -> StrT:
        """`str`, `str[N]` (at most N characters) or `str[N, C]` (and only the characters
        of the string constant C)."""
        from symcheck.errors import InputError
        if not ts.args:
            return STR
        if len(ts.args) > 2:
            raise InputError(ts.span, "str takes at most two arguments: str[N] or str[N, ALPHABET]")
        n = self._seq_bound(ts.args[0])  # type: ignore[attr-defined]
        if len(ts.args) == 1:
            return StrT(n)
        a = ts.args[1]
        if a.kind != "name" or a.args or a.name not in self.const_nodes:  # type: ignore[attr-defined]
            raise InputError(a.span, "the alphabet of str[N, ALPHABET] must name a string constant")
        c = self.constant(a.name)  # type: ignore[attr-defined]
        if not isinstance(c.type, StrT) or c.symbolic or not c.value:
            raise InputError(a.span, f"constant {a.name} must be one fixed, non-empty string (the alphabet)")
        return StrT(n, "".join(dict.fromkeys(c.value)))

    def string_binop(self, node, a: Expr, b: Expr, scope) -> Expr | None:
        """`a + b` on strings; None when neither operand is a string."""
        if not (isinstance(a.type, StrT) or isinstance(b.type, StrT)):
            return None
        if not isinstance(node.op, ast.Add) or not (isinstance(a.type, StrT) and isinstance(b.type, StrT)):
            self.err(scope, node, f"on strings only + applies (concatenation), not to {a.type} and {b.type}")  # type: ignore
        return Op(Opcode.CONCAT, (a, b), STR, span=scope.loc.span_of(node))

    def string_method(self, node, scope) -> Expr:
        """`s.lower()`, `s.strip()`, `s.startswith(p)`, `s.endswith(p)`, `s.replace(a, b)`,
        `s.before(d)`, `s.after(d)`."""
        sp = scope.loc.span_of(node)
        name = node.func.attr
        base = self.check(node.func.value, STR, scope)  # type: ignore[attr-defined]
        if node.keywords or len(node.args) != METHODS[name]:
            n = METHODS[name]
            self.err(scope, node, f"s.{name}() takes {n} positional argument{'s' if n != 1 else ''}")  # type: ignore
        args = tuple(self.check(a, STR, scope) for a in node.args)  # type: ignore[attr-defined]
        code, result = {"lower": (Opcode.LOWER, STR), "strip": (Opcode.STRIP, STR),
                        "startswith": (Opcode.STARTS_WITH, BOOL), "endswith": (Opcode.ENDS_WITH, BOOL),
                        "replace": (Opcode.STR_REPLACE, STR), "before": (Opcode.BEFORE, STR),
                        "after": (Opcode.AFTER, STR)}[name]
        return Op(code, (base, *args), result, span=sp)

    def string_contains(self, left, coll: Expr, scope, node) -> Expr:
        """`t in s`: s has t as a substring."""
        return Op(Opcode.CONTAINS, (coll, self.check(left, STR, scope)), BOOL,  # type: ignore[attr-defined]
                  span=scope.loc.span_of(node))

    def string_length(self, s: Expr, scope, node) -> Expr:
        return Op(Opcode.STR_LENGTH, (s,), INT, span=scope.loc.span_of(node))
