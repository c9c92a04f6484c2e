"""Strings as Z3 terms: `str` values are Z3 strings (sequences of Unicode characters) and
each string operation is a Z3 term of its arguments, written apart from the Python meaning
in front.strings (the two are tested against each other and against Python's methods).

`lower()` is Z3's seq.map of a character function, which moves the character codes
front.strings documents (ASCII and Latin-1 capitals) by 0x20; `strip()` is a pair of
recursive definitions that Z3 unfolds on demand. Both are simplified while the term is
built, where the result is known without the solver: on a literal they are evaluated, over
an if-then-else they go into both branches, and strip() of a string that by its form has
no white space at either end (a strip(), a concatenation of stripped strings and literals)
is that string. Z3 does none of this itself (it does not unfold a recursive definition
while simplifying); a strip of `'unknown' if s.strip() == '' else s.strip()` left to the
solver's unfolding made a session-key collision search time out after ten minutes where it
now takes seconds (docs/strings.md)."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import z3

from symcheck.front.ir import Opcode, StrT

# the characters lower() changes, as (first, last) code ranges, and those strip() removes:
# written from the documentation in front.strings (LOWER, WHITESPACE), not imported
_UPPER_RANGES = ((0x41, 0x5A), (0xC0, 0xD6), (0xD8, 0xDE))
_TRIMMED = ((0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
            (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF))

_cache: dict[Any, Any] = {}  # per-process Z3 functions and decoded characters, built once


def _lower_map():
    """lower as Z3's seq.map of one character function (a lambda over the character's code):
    the solver reasons about it per character, with no recursion to unfold. Z3's models leave
    seq.map applied to a literal unevaluated; `decode` applies the map itself."""
    if "lower" not in _cache:
        c = z3.Const("c", z3.CharSort())
        code = z3.CharToInt(c)
        upper = z3.Or([z3.And(code >= lo, code <= hi) for lo, hi in _UPPER_RANGES])
        _cache["lower"] = z3.Lambda([c], z3.If(upper, z3.CharFromBv(z3.CharToBv(c) + 0x20), c))
    return _cache["lower"]


def _space(one):
    """The one-character string is white space strip() removes."""
    code = z3.StrToCode(one)
    return z3.And(code <= 0xFEFF, code >= 0x09,
                  z3.Or([code == lo if lo == hi else z3.And(code >= lo, code <= hi) for lo, hi in _TRIMMED]))


def _strip_functions():
    """ltrim and rtrim as recursive definitions on strings."""
    if "ltrim" not in _cache:
        s = z3.String("s")
        ltrim = z3.RecFunction("str.ltrim", z3.StringSort(), z3.StringSort())
        rtrim = z3.RecFunction("str.rtrim", z3.StringSort(), z3.StringSort())
        n = z3.Length(s)
        z3.RecAddDefinition(ltrim, [s], z3.If(z3.And(n > 0, _space(z3.SubString(s, 0, 1))),
                                              ltrim(z3.SubString(s, 1, n - 1)), s))
        z3.RecAddDefinition(rtrim, [s], z3.If(z3.And(n > 0, _space(z3.SubString(s, n - 1, 1))),
                                              rtrim(z3.SubString(s, 0, n - 1)), s))
        _cache["ltrim"], _cache["rtrim"] = ltrim, rtrim
    return _cache["ltrim"], _cache["rtrim"]


def _lower_text(text: str) -> str:
    return "".join(chr(c + 0x20) if any(lo <= c <= hi for lo, hi in _UPPER_RANGES) else chr(c) for c in map(ord, text))


def _strip_text(text: str) -> str:
    return text.strip("".join(chr(c) for lo, hi in _TRIMMED for c in range(lo, hi + 1)))


def _applied(s, f) -> bool:
    """s is f applied to one argument (f a Z3 function declaration)."""
    return z3.is_app(s) and s.num_args() == 1 and s.decl().eq(f)


def lower(s):
    """seq.map of the character map; evaluated on a literal, into both branches of an
    if-then-else, once on a lower()ed string (the map's results are not capitals)."""
    if z3.is_string_value(s):
        return lift(_lower_text(_value(s)))
    if z3.is_app_of(s, z3.Z3_OP_ITE):
        c, a, b = s.children()
        return z3.If(c, lower(a), lower(b))
    if z3.is_app_of(s, z3.Z3_OP_SEQ_MAP) and s.children()[0].eq(_lower_map()):
        return s
    return z3.SeqMap(_lower_map(), s)


def strip(s):
    """rtrim(ltrim(s)); evaluated on a literal, into both branches of an if-then-else, and
    the string itself when it is known to neither start nor end with white space."""
    ltrim, rtrim = _strip_functions()
    if z3.is_string_value(s):
        return lift(_strip_text(_value(s)))
    if z3.is_app_of(s, z3.Z3_OP_ITE):
        c, a, b = s.children()
        return z3.If(c, strip(a), strip(b))
    if _trimmed(s):
        return s
    return rtrim(ltrim(s))


def _trimmed(s) -> bool:
    """s neither starts nor ends with white space, by its form: a literal without it at
    either end, a strip(), lower() of one (the map does not touch white space), a choice
    between two, a concatenation of them (its first and last characters are those of
    its first and last non-empty parts)."""
    ltrim, rtrim = _strip_functions()
    if z3.is_string_value(s):
        return _strip_text(_value(s)) == _value(s)
    if _applied(s, rtrim):
        return _applied(s.arg(0), ltrim)
    if z3.is_app_of(s, z3.Z3_OP_SEQ_MAP):
        return s.children()[0].eq(_lower_map()) and _trimmed(s.children()[1])
    if z3.is_app_of(s, z3.Z3_OP_ITE):
        return _trimmed(s.arg(1)) and _trimmed(s.arg(2))
    if z3.is_app_of(s, z3.Z3_OP_SEQ_CONCAT):
        return all(_trimmed(part) for part in s.children())
    return False


def before(s, d):
    i = z3.IndexOf(s, d, 0)
    return z3.If(i < 0, s, z3.SubString(s, 0, i))


def after(s, d):
    i = z3.IndexOf(s, d, 0)
    return z3.If(i < 0, z3.StringVal(""), z3.SubString(s, i + z3.Length(d), z3.Length(s)))


def replace_first(s, a, b):
    return z3.Replace(s, a, b)


TERMS: dict[Opcode, Callable[..., Any]] = {
    Opcode.CONCAT: lambda a, b: z3.Concat(a, b),
    Opcode.LOWER: lower,
    Opcode.STRIP: strip,
    Opcode.STARTS_WITH: lambda s, p: z3.PrefixOf(p, s),
    Opcode.ENDS_WITH: lambda s, p: z3.SuffixOf(p, s),
    Opcode.CONTAINS: lambda s, t: z3.Contains(s, t),
    Opcode.STR_LENGTH: z3.Length,
    Opcode.STR_REPLACE: replace_first,
    Opcode.BEFORE: before,
    Opcode.AFTER: after,
}
"""Each string opcode as a Z3 term of its arguments' terms (in the Op's order)."""


def fresh(name: str):
    return z3.String(name)


def lift(v: str):
    """A Python string as a Z3 string value (Z3 reads \\u{..} in its input as an escape:
    a backslash goes in escaped)."""
    return z3.StringVal(v.replace("\\", "\\u{5c}"))


def type_ok(v, t: StrT):
    """The string lies in its type: at most `maxlen` characters, from the alphabet."""
    parts = []
    if t.maxlen is not None:
        parts.append(z3.Length(v) <= t.maxlen)
    if t.alphabet is not None:
        parts.append(z3.InRe(v, z3.Star(z3.Union([z3.Re(z3.StringVal(c)) for c in t.alphabet]))
                             if len(t.alphabet) > 1 else z3.Star(z3.Re(z3.StringVal(t.alphabet)))))
    return z3.And(parts) if parts else z3.BoolVal(True)


_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")


def decode(m: z3.ModelRef, v) -> str:
    """The Python string a Z3 model gives a string term."""
    return _value(m.evaluate(v, model_completion=True))


def _apply(f, ch: str) -> str:
    """A character function (a lambda) applied to one character: neither Z3's simplifier nor
    its models fold character conversions, but a solver bounding a fresh integer by the
    result's code from both sides must give it the value (an equation would be solved away
    into the unevaluated term). Remembered per function and character, the function kept
    with its answer: a model's lambda is an AST of its own (Z3 rewrites ours), and Z3 gives
    the id of a freed AST to the next one it makes, so an id alone could name another
    function by the next decode."""
    key = ("apply", f.get_id(), ch)
    known = _cache.get(key)
    if known is None or not known[0].eq(f):
        code, result = z3.Int("code"), z3.CharToInt(f[z3.CharVal(ch)])
        solver = z3.Solver()
        solver.add(code <= result, code >= result)
        if solver.check() != z3.sat:
            raise ValueError(f"no value for {f} at {ch!r}")
        known = _cache[key] = (f, chr(solver.model()[code].as_long()))
    return str(known[1])


def _value(term) -> str:
    """A ground string term as a Python string: a literal (Z3 prints characters outside
    printable ASCII as \\u{hex}), a concatenation, or seq.map applied to one, which Z3's
    models leave unevaluated: the map's function is applied to each character here."""
    if z3.is_string_value(term):
        return _ESCAPE.sub(lambda g: chr(int(g.group(1), 16)), term.as_string())
    if z3.is_app_of(term, z3.Z3_OP_SEQ_CONCAT):
        return "".join(_value(a) for a in term.children())
    if z3.is_app_of(term, z3.Z3_OP_SEQ_MAP):
        f, arg = term.children()
        return "".join(_apply(f, ch) for ch in _value(arg))
    reduced = z3.simplify(term)
    if reduced.eq(term):
        raise ValueError(f"no string value for {term}")
    return _value(reduced)
