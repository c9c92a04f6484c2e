"""The `str` type: each string operation's Z3 encoding against its Python meaning and
Python's own methods on random hostile strings (Hypothesis), the explicit evaluator
against BMC on a finite string claim, and free string parameters (BMC witnesses with
concrete strings; the explicit engine declines and says why)."""
import textwrap

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from symcheck import api
from symcheck.engines import explicit
from symcheck.front import strings
from symcheck.front.ir import Opcode
from symcheck.smt import strings as zstrings

# mixed case, Unicode with unusual case mappings, white space of both languages, delimiters
HOSTILE = "aAzZ09:_-. \t\n\u00a0\u2028\ufeff\x1c\u0085İıßẞÀàÞþ×÷ＡａKΣσ%\\\"'/@#"
texts = st.text(alphabet=st.sampled_from(HOSTILE) | st.characters(max_codepoint=0x2FFFF, exclude_categories=("Cs",)),
                max_size=8)


def z3_value(term, *given) -> object:
    """The value of a Z3 term, by asking a solver (its variables fixed by `given`)."""
    out = z3.Const("out", term.sort())
    s = z3.SolverFor("QF_SLIA")
    s.add(out == term, *given)
    assert s.check() == z3.sat
    m = s.model()
    if z3.is_string(term):
        return zstrings.decode(m, out)
    v = m.evaluate(out, model_completion=True)
    return z3.is_true(v) if z3.is_bool(term) else v.as_long()


@pytest.mark.parametrize("code", sorted(strings.PYTHON, key=lambda c: c.value))
@settings(max_examples=25, deadline=None)
@given(a=texts, b=texts, c=texts)
def test_z3_encoding_agrees_with_the_python_meaning(code, a, b, c):
    args = [a, b, c][:{Opcode.LOWER: 1, Opcode.STRIP: 1, Opcode.STR_LENGTH: 1, Opcode.STR_REPLACE: 3}.get(code, 2)]
    want = strings.PYTHON[code](*args)
    # each argument a variable equal to the literal: the solver computes the term (on a literal
    # itself, lower and strip are evaluated while the term is built: checked below)
    names = [z3.String(f"arg{i}") for i in range(len(args))]
    got = z3_value(zstrings.TERMS[code](*names), *[n == zstrings.lift(x) for n, x in zip(names, args, strict=True)])
    assert got == want, (code, args)
    assert z3_value(zstrings.TERMS[code](*[zstrings.lift(x) for x in args])) == want, (code, args)


@settings(max_examples=50, deadline=None)
@given(a=texts, b=texts, c=st.booleans())
def test_lower_and_strip_simplified_while_built_keep_their_meaning(a, b, c):
    """On a literal, over an if-then-else and applied twice, lower() and strip() are
    simplified before the solver sees them; the value is the Python meaning's."""
    x = z3.String("x")
    same = x == zstrings.lift(a)
    for code in (Opcode.LOWER, Opcode.STRIP):
        f, py = zstrings.TERMS[code], strings.PYTHON[code]
        assert z3_value(f(f(x)), same) == py(py(a)) == py(a)
        assert z3_value(f(z3.If(c, x, zstrings.lift(b))), same) == py(a if c else b)
        assert z3_value(f(z3.Concat(x, zstrings.lift(b))), same) == py(a + b)
    low, trim = zstrings.TERMS[Opcode.LOWER], zstrings.TERMS[Opcode.STRIP]
    assert z3_value(trim(low(trim(x))), same) == strings.strip(strings.lower(a))
    joined = z3.Concat(zstrings.lift(b), z3.StringVal(":"), trim(x))  # trimmed by its form only when b is
    assert z3_value(trim(joined), same) == strings.strip(b + ":" + strings.strip(a))


def test_strip_of_a_strip_is_one_strip_in_the_term():
    """The form that made oc-routing-strings' collision search time out: the solver gets
    one recursive strip, not a strip of a strip (nor of an if-then-else of strips)."""
    x = z3.String("x")
    trim = zstrings.TERMS[Opcode.STRIP]
    once = trim(x)
    assert trim(once).eq(once)
    unknown = z3.If(once == z3.StringVal(""), z3.StringVal("unknown"), once)
    assert trim(unknown).eq(z3.If(once == z3.StringVal(""), z3.StringVal("unknown"), once))
    key = z3.Concat(z3.StringVal("agent:"), once, z3.StringVal(":thread:"), unknown)
    assert trim(key).eq(key) and not trim(z3.Concat(z3.StringVal(" a"), once)).eq(z3.Concat(z3.StringVal(" a"), once))
    low = zstrings.TERMS[Opcode.LOWER]
    assert trim(low(key)).eq(low(key)) and low(low(x)).eq(low(x)) and low(zstrings.lift("AbÉ")).eq(zstrings.lift("abé"))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_lower_is_pythons_on_ascii_and_latin1_and_identity_elsewhere(s):
    for ch, low in zip(s, strings.lower(s), strict=True):
        if ord(ch) < 0x100 and ch not in "\u00d7ß":  # Python's lower() maps nothing else there
            assert low == ch.lower()
        elif low != ch:
            raise AssertionError(f"{ch!r} mapped to {low!r}")


@settings(max_examples=200, deadline=None)
@given(texts)
def test_strip_is_pythons_except_where_javascript_differs(s):
    differ = "\x1c\x1d\x1e\x1f\x85\ufeff"
    if not any(c in differ for c in s):
        assert strings.strip(s) == s.strip()


def test_decoding_keeps_backslashes_and_astral_characters():
    for s in ["a\\u{41}", "\U00020063", "\x00", "\\"]:
        assert z3_value(zstrings.lift(s) + z3.StringVal("")) == s


def _claim(tmp_path, body: str) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(textwrap.dedent(body))
    return str(path)


CASE_COLLISION = """\
    claim: case-collision
    title: two ids that differ only in case share a key
    source: test
    statement: test
    variables: {first: str, second: str, n: 0..2}
    init: {first: "''", second: "''", n: 0}
    defs:
      "key(id: str) -> str": "'agent:main:direct:' + id.strip().lower()"
    actions:
      arrive:
        params: {id: ID}
        when: n < 2
        then: {first: "id if n == 0 else first", second: "id if n == 1 else second", n: n + 1}
    invariants:
      distinct_keys: implies(n == 2 and first != second, key(first) != key(second))
    expect: violated
    depth: 3
    """


def test_bmc_finds_a_witness_over_free_strings_and_the_trace_quotes_them(tmp_path):
    model = api.load_claim(_claim(tmp_path, CASE_COLLISION.replace("ID}", "str}")))
    out = api.prove(model, engine="bmc")
    assert out.violated
    first, second = out.trace.steps[-1].state["first"], out.trace.steps[-1].state["second"]
    assert first != second and strings.lower(strings.strip(first)) == strings.lower(strings.strip(second))
    why = explicit.run(model)
    assert why.verdict == "unknown" and "unbounded string" in why.reason


def test_the_evaluator_and_bmc_agree_on_finite_strings(tmp_path):
    body = CASE_COLLISION.replace("ID}", "'str[1, Letters]'}").replace(
        "variables:", "constants: {Letters: {type: str, value: 'aA'}}\n    variables:")
    model = api.load_claim(_claim(tmp_path, body))
    by_explicit, by_bmc = explicit.run(model), api.prove(model, engine="bmc")
    assert by_explicit.violated and by_bmc.violated
    assert by_explicit.length == by_bmc.length == 2


@pytest.mark.slow
def test_bmc_finds_the_blank_id_collision_over_every_string_within_two_minutes():
    """oc-routing-strings' blank-id finding, every string free: unknown after 600 s when
    strip() of a strip was left to Z3's unfolding, about 10 s (load 5) with the terms
    simplified (docs/strings.md)."""
    from pathlib import Path
    claim = Path(__file__).resolve().parents[1] / "bench" / "strings" / "oc-routing-strings.yaml"
    model = api.load_claim(str(claim), variant="finding-blank-ids-share-main")
    out = api.prove(model, engine="bmc", timeout=120)
    assert out.violated, out.reason
    p, q = out.trace.steps[-1].state["msgs"]
    assert p[3] != q[3] and "" in (strings.strip(p[3]), strings.strip(q[3]))
