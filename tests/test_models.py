"""What people porting TLA+ models reach for (issue 25): maps over ranges and constant
sets, definition parameter types with commas, and the explicit-state engine's state
cap message. Each verdict is the engines' and cross-checked by the explicit evaluator."""
import pytest

import symcheck
from symcheck.engines import explicit
from symcheck.errors import InputError
from symcheck.explicit.evaluator import search_configurations

MAPS = """\
claim: maps
constants:
  N: 3
variables:
  votes: map[1..N, bool]
  pair: map[1..2, 0..3]
init:
  votes: "{i: False for i in range(1, N + 1)}"
  pair: "{i: 0 for i in {1, 2}}"
defs:
  "count(m: map[1..N, bool], k: int) -> int": "len({i for i in range(1, N + 1) if m[i]}) + k"
actions:
  vote:
    params: {i: 1..N}
    when: not votes[i]
    then: {votes: "{j: votes[j] or j == i for j in range(1, N + 1)}", pair: "{i: pair[i] for i in {1, 2}}"}
invariants:
  bounded: count(votes, 0) <= LIMIT
expect: holds
"""


@pytest.mark.parametrize("limit, verdict, length", [("N", "proved", None), ("N - 1", "violated", 3)])
def test_maps_over_ranges_and_constant_sets_with_a_typed_map_parameter(write_claim, limit, verdict, length):
    model = symcheck.load_claim(str(write_claim(MAPS.replace("LIMIT", limit))))
    for engine in ("explicit", "bmc"):
        r = symcheck.prove(model, engine=engine)
        assert r.verdict == (verdict if engine == "explicit" or verdict == "violated" else "holds"), (engine, r)
        assert r.length == length
    found = search_configurations(model, 6)
    assert (found.invariant, found.depth if found.invariant else None) == (
        ("bounded", 3) if verdict == "violated" else (None, None))


@pytest.mark.parametrize("source", ["{i: 0 for i in {1, 3}}", "{i: 0 for i in {1, 2, 3} if i > 1}"])
def test_a_map_over_part_of_its_keys_is_still_refused(write_claim, source):
    text = MAPS.replace("LIMIT", "N").replace('"{i: 0 for i in {1, 2}}"', f'"{source}"').replace(
        "pair: map[1..2, 0..3]", "pair: map[1..3, 0..3]\n  x: 0..2").replace("  votes: \"{i: False", "  x: 0\n  votes: \"{i: False")
    with pytest.raises(InputError, match="a whole enum, a constant set or range"):
        symcheck.load_claim(str(write_claim(text)))


def test_the_state_cap_message_names_no_missing_option(write_claim):
    model = symcheck.load_claim(str(write_claim(MAPS.replace("LIMIT", "N"))))
    r = explicit.run(model, max_states=3)
    assert r.verdict == "unknown" and "max_states" not in r.reason and "--engine auto" in r.reason


STOPS = """\
claim: stops
variables: {x: 0..2}
init: {x: 0}
actions:
  step:
    when: x < 2
    then: {x: x + 1}
invariants:
  small: x <= 2
"""


def test_a_proof_warns_of_a_reachable_deadlock_unless_the_claim_says_deadlock(write_claim):
    r = symcheck.prove(symcheck.load_claim(str(write_claim(STOPS))))
    assert r.proved and any(line.startswith("warning: a state reached in 2 steps has no enabled action")
                            for line in r.proof)
    quiet = symcheck.prove(symcheck.load_claim(str(write_claim(STOPS + "deadlock: ignore\n"))))
    assert quiet.proved and not any("deadlock" in line for line in quiet.proof)
    red = symcheck.prove(symcheck.load_claim(str(write_claim(STOPS + "deadlock: check\n"))))
    assert red.violated and red.invariant == "deadlock" and red.length == 2
    assert search_configurations(symcheck.load_claim(str(write_claim(STOPS + "deadlock: check\n"))), 5).depth == 2
