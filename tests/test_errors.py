"""Bad input gives `file:line:col: error: message` (golden messages) and exit 2 with
no traceback; an update leaving its declared range is a violation with a trace."""
import subprocess
import sys

import pytest

import symcheck
from symcheck.errors import InputError

BASE = """\
claim: demo
constants:
  Peers: {enum: [alice, bob]}
  Max: 2
variables:
  count: 0..Max
  seen: set[Peers]
init:
  count: 0
  seen: "{}"
actions:
  add:
    params: {p: Peers}
    when: count < Max
    then:
      count: count + 1
      seen: "seen | {p}"
invariants:
  bounded: count <= Max
"""

CASES = [
    ("yaml syntax", BASE.replace("  Max: 2\n", "  Max: [2\n"),
     "c.yaml:5:10: error: YAML syntax: expected ',' or ']', but got ':'"),
    ("unknown top-level key", BASE + "invariant:\n  x: True\n",
     "c.yaml:20:1: error: unknown key 'invariant' in a claim"),
    ("misspelt variable", BASE.replace("count: count + 1", "count: cuont + 1"),
     "c.yaml:16:14: error: undefined name 'cuont' in the update of count in add"),
    ("wrong arity", BASE + "defs:\n  twice(x): x + x\n".replace("x + x", "x + x") and
     BASE.replace("bounded: count <= Max", "bounded: twice(count, 1) <= Max") + "defs:\n  twice(x): x + x\n",
     "c.yaml:19:12: error: twice takes 1 argument, got 2"),
    ("type mismatch", BASE.replace("bounded: count <= Max", "bounded: count == 'alice'"),
     "c.yaml:19:21: error: type mismatch in invariant bounded: expected 0..2, found Peers"),
    ("size of an unbounded set", BASE.replace("bounded: count <= Max", "bounded: len(big) <= Max")
     .replace("  seen: set[Peers]\n", "  seen: set[Peers]\n  big: set[int]\n").replace("  seen: \"{}\"\n",
                                                                                   "  seen: \"{}\"\n  big: \"{}\"\n"),
     "c.yaml:21:12: error: len() of set[int]: a set over an unbounded type has no size"),
    ("empty domain", BASE.replace("count: 0..Max", "count: 3..1"),
     "c.yaml:6:10: error: empty range 3..1"),
    ("assignment to unknown variable", BASE.replace("      seen: \"seen | {p}\"", "      sen: \"seen | {p}\""),
     "c.yaml:17:7: error: action add assigns unknown variable 'sen'"),
    ("variant patches nothing", BASE + "variants:\n  negative:\n    bug: b\n    expect: violated\n"
                                       "    patch:\n      actions:\n        remove: null\n",
     "c.yaml:26:9: error: the variant patches actions.remove, which the claim does not have"),
    ("unknown type", BASE.replace("seen: set[Peers]", "seen: set[Peer]"),
     "c.yaml:7:13: error: unknown type 'Peer'"),
    ("missing init", BASE.replace("  seen: \"{}\"\n", ""),
     "c.yaml:8:1: error: variable 'seen' has no initial value"),
    ("guard not boolean", BASE.replace("when: count < Max", "when: count + 1"),
     "c.yaml:14:11: error: type mismatch in the guard of add: expected bool, found int"),
    ("unknown field", BASE.replace("bounded: count <= Max", "bounded: count.size <= Max"),
     "c.yaml:19:12: error: 0..2 has no fields (.size)"),
    ("duplicate key", BASE.replace("  Max: 2\n", "  Max: 2\n  Max: 3\n"),
     "c.yaml:5:3: error: duplicate key 'Max' (first at"),
    ("expression syntax", BASE.replace("bounded: count <= Max", "bounded: count <= "),
     "c.yaml:19:20: error: syntax error in expression: the expression ends too early"),
    ("not an enum member", BASE.replace("bounded: count <= Max", "bounded: \"'carol' in seen\""),
     "c.yaml:19:13: error: 'carol' is not a member of Peers"),
    ("eval is never used", BASE.replace("bounded: count <= Max", "bounded: __import__('os') == 1"),
     "c.yaml:19:12: error: unknown function '__import__'"),
    ("lower-case boolean", BASE.replace("when: count < Max", "when: count < Max and true"),
     "c.yaml:14:27: error: undefined name 'true' in the guard of add\nc.yaml:14:27: note: did you mean True?"),
    ("lower-case false", BASE.replace("bounded: count <= Max", "bounded: (count <= Max) == false"),
     "c.yaml:19:30: error: undefined name 'false' in invariant bounded\nc.yaml:19:30: note: did you mean False?"),
    ("unquoted YAML mapping", BASE.replace('  seen: "{}"\n', "  seen: {}\n"),
     "c.yaml:10:9: error: init of seen: expected an expression, found a YAML mapping\n"
     'c.yaml:10:9: note: quote the expression so YAML keeps it as text: "{}"'),
    ("unquoted YAML mapping with items", BASE.replace('  seen: "{}"\n', "  seen: {alice: 1}\n"),
     "c.yaml:10:9: error: init of seen: expected an expression, found a YAML mapping\n"
     'c.yaml:10:9: note: quote the expression so YAML keeps it as text: "{...}"'),
]


@pytest.mark.parametrize("what,text,message", CASES, ids=[c[0] for c in CASES])
def test_golden_error_message(write_claim, what, text, message):
    path = write_claim(text)
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    got = str(exc.value).replace(str(path.parent) + "/", "")
    assert got.startswith(message), got


def test_cli_reports_error_with_exit_2_and_no_traceback(write_claim):
    path = write_claim(BASE.replace("count: count + 1", "count: cuont + 1"))
    proc = subprocess.run([sys.executable, "-m", "symcheck.cli", "prove", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{path}:16:14: error: undefined name 'cuont'" in proc.stderr
    assert "did you mean 'count'?" in proc.stderr


def test_update_leaving_its_range_is_a_violation_with_trace(write_claim):
    path = write_claim(BASE.replace("when: count < Max", "when: True"))
    result = symcheck.prove(symcheck.load_claim(str(path)))
    assert result.violated
    assert result.invariant == "type(count)"
    assert result.depth == 3 and result.trace.steps[-1].state["count"] == 3
    assert "count = 3 is outside its declared type 0..2" in result.explanation[0][1]


def test_set_element_outside_its_domain_is_a_well_formedness_violation(write_claim):
    text = BASE.replace("seen: set[Peers]", "seen: set[0..1]").replace('seen: "seen | {p}"', 'seen: "seen | {count + 1}"')
    path = write_claim(text)
    result = symcheck.prove(symcheck.load_claim(str(path)))
    assert result.violated and result.invariant == "well-formed" and result.depth == 2
    assert "outside 0..1" in result.explanation[0][1]
