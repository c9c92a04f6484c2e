"""Front-end fuzzing with Hypothesis: mutated claims, random YAML documents, random
expressions and type strings, and enormous domains only ever give a located InputError
(`file:line:col: error: ...`, exit 2) or a checkable model; never another exception,
a hang or runaway memory. Derandomized: every run tries the same 2,050 inputs."""
import resource
import signal
import string

import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from claimgen import claims
from conftest import examples
from symcheck.engines.bmc import check_bmc
from symcheck.front.check import check_variant
from symcheck.front.size import model_terms
from symcheck.errors import InputError
from symcheck.front.source import parse_yaml
from symcheck.front.variants import expand

FILE = "fuzz.yaml"
SECONDS = 20  # one input taking longer than this is a hang
HEADROOM = 2 << 30  # bytes of address space one input may add


def settings_for(n):
    return settings(max_examples=examples(n), derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


@pytest.fixture(autouse=True)
def bounded():
    """Each test runs with a cap on address space: runaway memory fails the test with a
    MemoryError instead of swapping the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as f:
        used = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    cap = used + HEADROOM if hard == resource.RLIM_INFINITY else min(used + HEADROOM, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


ENGINE_TERMS = 10_000  # models up to this size also go through the engine (bigger: front end only)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    _alarm.fired = True  # an exception raised inside a destructor is swallowed: remember
    raise Hang(f"an input took more than {SECONDS} s")


def outcome(text: str, in_hypothesis: bool = True) -> str:
    """'error' (a located InputError) or 'ok' (every variant checked to depth 1)."""
    if in_hypothesis:
        note(text[:4000])
    _alarm.fired = False
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        try:
            models = [check_variant(v) for v in expand(parse_yaml(text, FILE))]
        except InputError as exc:
            message = str(exc)
            assert exc.span is not None and exc.span.file == FILE, message
            assert exc.span.line >= 1 and exc.span.col >= 1, message
            assert message.startswith(f"{FILE}:{exc.span.line}:{exc.span.col}: error: "), message
            assert "Traceback" not in message
            return "error"
        for model in models:
            if sum(n for _, _, n in model_terms(model)) <= ENGINE_TERMS:
                r = check_bmc(model, min(model.depth, 1))
                assert r.verdict in ("holds", "violated"), r.reason
        return "ok"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        assert not _alarm.fired, f"an input took more than {SECONDS} s"


# ---------------------------------------------------------------- mutations of valid claims

TOKENS = ["x", "v0", "E", "R", "N", "{}", "[]", "True", "1", "-1", "len(", ")", ":", "[", "]", "set[", "seq[",
          ",", "and", "not", "'a'", "R(", "map[", "0..", "..", "99999999999", "9" * 5000, "null", "|", "&",
          "\n", "  ", "\t", "for x in E", "all(", "choose(", "head(", '"', "'", "#", "{", "}", "- ", "? ",
          "&anchor ", "*anchor", "!!python/object ", "!!binary ", "---\n", "...\n", "%YAML 1.1\n", "é", "𝔘",
          "\u202e", "\ufeff", "\x00", "\x85", "((((((((((", "-", "*", "//0", "**", "lambda: 0", "__import__",
          "1e400", "0x10", "1_000", ".inf", "~", "<<: ", "=", ";", "@", "!", "\\", "\r\n"]


@st.composite
def mutated(draw):
    text = draw(claims()).yaml()
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "dupline", "swaplines", "indent"]))
        pos = draw(st.integers(0, max(len(text) - 1, 0)))
        if op == "insert":
            text = text[:pos] + draw(st.sampled_from(TOKENS)) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)):]
        elif op == "replace":
            text = text[:pos] + draw(st.sampled_from(TOKENS)) + text[pos + draw(st.integers(1, 8)):]
        else:
            lines = text.split("\n")
            i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            if op == "dupline":
                lines.insert(i, lines[j])
            elif op == "swaplines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = draw(st.sampled_from(["", " ", "    ", "\t"])) + lines[i].lstrip()
            text = "\n".join(lines)
    return text


@pytest.mark.slow
@settings_for(900)
@given(mutated())
def test_mutated_claims_give_a_located_error_or_a_result(text):
    outcome(text)


# ---------------------------------------------------------------- random documents

KEYS = ["claim", "title", "statement", "types", "constants", "variables", "init", "defs", "actions", "invariants",
        "expect", "depth", "deadlock", "variants", "params", "when", "then", "enum", "record", "type", "value",
        "patch", "bug", "extends", "x", "y", "E", "N", "a", "R", "unknown_key", "élan", "🙂", "", " ", "1", "null",
        "true", "on", "<<"]
scalars = st.one_of(st.integers(-10, 10), st.integers(), st.just(10 ** 400), st.booleans(), st.none(),
                    st.floats(allow_nan=True), st.sampled_from(["bool", "0..3", "set[E]", "seq[bool, 2]", "E", "R",
                                                                 "x + 1", "{}", "[]", "True", "holds", "violated",
                                                                 "x == 'a'", "map[E, bool]", "0..N"]),
                    st.text(max_size=12), st.text(alphabet=string.printable, max_size=30))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner,
                                                 max_size=5)), max_leaves=30)


@st.composite
def random_documents(draw):
    doc = draw(st.dictionaries(st.sampled_from(KEYS), documents, min_size=1, max_size=9))
    if draw(st.booleans()):  # often enough a claim skeleton, so the checker gets further
        doc = {"claim": "c", "variables": {"x": "0..3"}, "init": {"x": 0},
               "invariants": {"i": "x < 3"}, **doc}
    style = draw(st.sampled_from(["block", "flow", "json"]))
    try:
        if style == "json":
            import json
            return json.dumps(doc, default=str)
        return yaml.safe_dump(doc, default_flow_style=style == "flow", allow_unicode=True)
    except (ValueError, OverflowError):
        return "claim: [unrepresentable"


@pytest.mark.slow
@settings_for(400)
@given(random_documents())
def test_random_documents_give_a_located_error_or_a_result(text):
    outcome(text)


# ---------------------------------------------------------------- expressions and types

ATOMS = ["x", "s", "r", "m", "b", "N", "E", "R", "'a'", "'b'", "'zz'", "a", "0", "1", "-1", "3", "10**400",
         str(10 ** 30), "9" * 4400, "True", "False", "None", "1.5", "'s'", "b'x'", "{}", "[]", "()", "set()",
         "len", "unknown", "__class__", "é", "...", "x.f", "r.f", "r.zz", "s[0]", "s[99]", "m['a']", "m['zz']"]
BINOPS = ["+", "-", "*", "//", "%", "**", "/", "@", "<<", "|", "&", "^", "==", "!=", "<", "<=", ">", ">=", "in",
          "not in", "is", "and", "or"]
CALLS = ["len", "all", "any", "sum", "min", "max", "choose", "head", "tail", "append", "implies", "replace",
         "range", "set", "R", "E", "print", "eval", "__import__", "lambda: 0", "x", "s.put", "m.put"]


def expressions():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(BINOPS), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
            st.tuples(st.sampled_from(["not ", "-", "+", "~", "*", "await ", "yield "]), inner).map("".join),
            st.tuples(st.sampled_from(CALLS), st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]} for i in {t[1]}"),
            st.tuples(st.sampled_from(["all", "any", "sum", "choose", "min"]), inner, inner, inner).map(
                lambda t: f"{t[0]}({t[1]} for i in {t[2]} if {t[3]})"),
            st.tuples(inner, inner).map(lambda t: "{" + f"{t[0]} for i in {t[1]}" + "}"),
            st.tuples(inner, inner).map(lambda t: "{" + f"i: {t[0]} for i in {t[1]}" + "}"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]}) if ({t[1]}) else ({t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"[{t[0]}, {t[1]}]"),
            st.tuples(inner, inner).map(lambda t: "{" + f"{t[0]}, {t[1]}" + "}"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}]"),
            st.tuples(inner, st.sampled_from(["f", "g", "zz", "put", "__dict__"])).map(lambda t: f"({t[0]}).{t[1]}"),
            st.tuples(inner, inner).map(lambda t: f"(i := {t[0]}) or {t[1]}"),
            st.tuples(inner, inner).map(lambda t: f"f'{{{t[0]}}}' == {t[1]}"),
            st.tuples(st.integers(1, 400), inner).map(lambda t: "(" * t[0] + t[1] + ")" * t[0]),
            st.tuples(st.integers(1, 3000), inner).map(lambda t: "not " * t[0] + t[1]),
            st.tuples(st.integers(1, 2000), inner).map(lambda t: f"{t[1]} + " * t[0] + "1"),
        )
    return st.recursive(st.sampled_from(ATOMS), extend, max_leaves=12)


TEMPLATE = """\
claim: c
constants:
  N: 2
types:
  E: {enum: [a, b]}
  R: {record: {f: 0..2, g: bool}}
variables:
  x: 0..3
  s: seq[E, 2]
  r: R
  m: map[E, bool]
  b: bool
init:
  x: 0
  s: "[]"
  r: R(0, False)
  m: "{k: False for k in E}"
  b: "False"
actions:
  go:
    params: {p: E}
    when: GUARD
    then:
      x: UPDATE
invariants:
  i: INVARIANT
"""


@pytest.mark.slow
@settings_for(500)
@given(expressions(), st.sampled_from(["GUARD", "UPDATE", "INVARIANT"]), st.sampled_from(["plain", "json", "block"]))
def test_random_expressions_give_a_located_error_or_a_result(expr, slot, style):
    if style == "json":
        import json
        value = json.dumps(expr)
    elif style == "block":
        value = "|\n" + "\n".join("      " + line for line in expr.split("\n"))
    else:
        value = expr
    text = TEMPLATE
    for s in ("GUARD", "UPDATE", "INVARIANT"):
        text = text.replace(s, value if s == slot else {"GUARD": "x < 3", "UPDATE": "x + 1", "INVARIANT": "x <= 3"}[s])
    outcome(text)


TYPE_PARTS = ["bool", "E", "R", "N", "int", "set", "seq", "map", "tuple", "[", "]", ",", "..", "0", "1", "-1",
              "3", "65535", "65536", "1048575", "9" * 30, "+", "-", " ", "é", "(", ")", "x", "64", "65", "100000"]


@st.composite
def type_strings(draw):
    if draw(st.booleans()):
        return "".join(draw(st.lists(st.sampled_from(TYPE_PARTS), min_size=1, max_size=14)))
    depth = draw(st.integers(0, 100))
    inner = draw(st.sampled_from(["bool", "E", "0..3", "0..N", "R"]))
    wrap = draw(st.sampled_from(["set[{}]", "seq[{}, 2]", "map[E, {}]", "tuple[{}, bool]", "seq[{}, 64]"]))
    t = inner
    for _ in range(depth):
        t = wrap.format(t)
    return t


@settings_for(100)
@given(type_strings(), st.sampled_from(["variable", "param", "field"]))
def test_random_type_strings_give_a_located_error_or_a_result(typ, where):
    quoted = '"' + typ.replace("\\", "\\\\").replace('"', '\\"') + '"'
    variable = f"  y: {quoted}\n" if where == "variable" else ""
    param = quoted if where == "param" else "E"
    field = quoted if where == "field" else "bool"
    text = (f"claim: c\nconstants:\n  N: 2\ntypes:\n  E: {{enum: [a, b]}}\n  R: {{record: {{f: 0..2, g: {field}}}}}\n"
            f"variables:\n  x: 0..3\n{variable}init:\n  x: 0\n" + ("  y: \"{}\"\n" if variable else "") +
            f"actions:\n  go:\n    params: {{p: {param}}}\n    then:\n      x: x\ninvariants:\n  i: x <= 3\n")
    outcome(text)


# ---------------------------------------------------------------- enormous domains

HUGE = [
    ("variables", "  big: set[0..1048575]\n", "  big: '{}'\n", "True"),
    ("variables", "  big: set[0..65535]\n", "  big: '{}'\n", "True"),
    ("variables", "  big: set[0..4095]\n", "  big: '{}'\n", "len(big) < 4096"),
    ("variables", "  big: set[set[0..20]]\n", "  big: '{}'\n", "True"),
    ("variables", "  big: seq[0..3, 64]\n", "  big: '[]'\n", "len(big) <= 64"),
    ("variables", "  big: seq[seq[seq[bool, 64], 64], 64]\n", "  big: '[]'\n", "True"),
    ("variables", "  big: map[0..65535, bool]\n", "  big: '{k: False for k in range(65536)}'\n", "True"),
    ("variables", "  big: map[E, set[0..60000]]\n", "  big: '{k: {} for k in E}'\n", "True"),
    ("variables", "  big: tuple[0..65535, 0..65535, 0..65535]\n", "  big: (0, 0, 0)\n", "big[0] >= 0"),
    ("invariants", "", "", "all(i >= 0 for i in range(65536))"),
    ("invariants", "", "", "all(i != j for i in range(65536) for j in range(65536))"),
    ("invariants", "", "", "all(all(i != j for j in range(65536)) for i in range(65536))"),
    ("invariants", "", "", "len({i for i in range(1048576)}) > 0"),
    ("invariants", "", "", "sum(i for i in range(999999999999)) > 0"),
    ("invariants", "", "", "x in range(10 ** 100)"),
]


@st.composite
def enormous(draw):
    section, var, init, inv = draw(st.sampled_from(HUGE))
    size = draw(st.sampled_from([2 ** 20, 2 ** 16, 5000, 70000, 10 ** 9, 10 ** 30]))
    members = draw(st.sampled_from([2, 3, 2, 3, 4100]))  # MAX_ELEMS is 4096
    param = draw(st.sampled_from(["E", f"0..{size}", "set[0..20]", "R", "seq[E, 30]", "map[E, 0..1000]"]))
    enum = "[" + ", ".join(f"m{i}" for i in range(members)) + "]"
    return (f"claim: c\ntypes:\n  E: {{enum: {enum}}}\n  R: {{record: {{f: 0..{size}, g: 0..{size}}}}}\n"
            f"variables:\n  x: 0..3\n{var}init:\n  x: 0\n{init}"
            f"actions:\n  go:\n    params: {{p: {param}}}\n    then:\n      x: x\ninvariants:\n  i: \"{inv}\"\n")


@pytest.mark.slow
@settings_for(150)
@given(enormous())
def test_enormous_domains_give_a_located_error_or_a_result(text):
    outcome(text)


# ---------------------------------------------------------------- what fuzzing found

LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9))
BASE = "claim: c\nvariables:\n  x: {}\ninit:\n  x: 0\nactions:\n  go:\n    params: {{p: {}}}\n" \
       "invariants:\n  i: \"{}\"\n"
FOUND = {  # each once crashed or hung the front end
    "YAML aliases expanding to 10^9 nodes (hang)": LAUGHS,
    "a 5,000-digit number in a type (ValueError)": BASE.format("0.." + "9" * 5000, "bool", "True"),
    "a type nested 3,000 deep (RecursionError)": BASE.format("0..3", "set[" * 3000 + "bool" + "]" * 3000, "True"),
    "nested maps as a parameter type (giant integers: hang, ValueError)":
        BASE.format("0..3", "map[E, " * 32 + "bool" + "]" * 32, "True").replace("claim: c\n",
                                                                                "claim: c\ntypes:\n  E: {enum: [a, b]}\n"),
    "quantifiers over 65,536 x 65,536 bindings (hang)":
        BASE.format("0..3", "bool", "all(i != j for i in range(65536) for j in range(65536))"),
    "a YAML tag on a key (ConstructorError)": "!!binary claim: c\nvariables: {}\n",
    "a type string ending in + (IndexError)": BASE.format("bool+", "bool", "True"),
}


@pytest.mark.parametrize("text", FOUND.values(), ids=FOUND.keys())
def test_inputs_found_by_fuzzing_give_a_located_error(text):
    assert outcome(text, in_hypothesis=False) == "error"
