"""The explicit-state engine's compact storage (symcheck/engines/fingerprints.py): the
fingerprint set against a plain set, the packed levels and the parent arrays; and the
engine on top of them: with fingerprints from the first state it still agrees with the
independent evaluator (verdicts, counts, shortest traces), a proof that rests on
fingerprints says so, forced collisions are visible in that report, a model whose
variables hold -1 and -2 keeps exact storage, and the memory budget gives unknown."""
import random

import pytest

from differential import load
from test_explicit_engine import COUNTER, ENTRIES, assert_agree, evaluator_says, replays
from symcheck.engines import explicit, fingerprints
from symcheck.engines.fingerprints import Level, OverBudget, Parents, Visited, collision_chance
from symcheck.front.claims import load_model


def random_states(n, seed=0):
    rng = random.Random(seed)
    return [(rng.randrange(50), frozenset(rng.sample("abcdefgh", rng.randrange(4))), (rng.randrange(9), "x"))
            for _ in range(n)]


@pytest.mark.parametrize("exact", [None, 0, 100])
def test_visited_answers_as_a_set(exact):
    """Whatever the storage (exact, fingerprints in the recent set, in the table, the
    table grown twice), `add` is True exactly for the states a plain set has not seen."""
    seen = set()
    visited = Visited(exact, recent=64)
    for s in random_states(6_000):
        assert visited.add(s) == (s not in seen), s
        seen.add(s)
    assert visited.fingerprinted == (exact is not None)
    if exact is not None:
        assert visited.stored + len(visited.recent) == len(seen)
        assert len(visited.table) == 1 << 20 and visited.stored > 0


def test_the_table_grows_and_keeps_what_it_holds(monkeypatch):
    monkeypatch.setattr(fingerprints, "MAX_LOAD", 0.001)  # 1,048 fingerprints fill a first table
    visited = Visited(0, recent=256)
    states = [(i, "s") for i in range(5_000)]
    assert all(visited.add(s) for s in states)
    assert len(visited.table) > 1 << 20
    assert not any(visited.add(s) for s in states)


def test_a_fingerprint_table_beyond_the_budget_is_refused():
    visited = Visited(0, budget=fingerprints.rss() + (1 << 20), recent=16)  # 1 MB more: the first table needs 8
    with pytest.raises(OverBudget, match="fingerprint table of 8 MB"):
        for i in range(100):
            visited.add((i,))


def test_minus_one_and_minus_two_share_a_fingerprint():
    """Why a model that may hold both keeps exact storage (`explicit.run`)."""
    fingerprinted, exact = Visited(0), Visited(None)
    assert fingerprinted.add((-1, "a")) and not fingerprinted.add((-2, "a"))
    assert exact.add((-1, "a")) and exact.add((-2, "a"))


@pytest.mark.parametrize("pack", [False, True])
def test_a_level_gives_back_its_states_in_order(pack, monkeypatch):
    monkeypatch.setattr(fingerprints, "PACKED_AFTER", 100)
    states = random_states(100 + 2 * fingerprints.CHUNK + 17, seed=1)
    level = Level(pack)
    for s in states:
        level.append(s)
    assert len(level) == len(states) and list(level) == states and list(level) == states  # twice: unchanged
    assert len(level.chunks) == (2 if pack else 0)
    assert list(level.drain()) == states and list(level) == []  # once, freeing as it goes


def test_parents_give_the_actions_of_a_path():
    parents = Parents(3)
    parents.add(0, 0)  # the initial state
    a, b = parents.add(0, 2), parents.add(0, 1)
    c = parents.add(b, 0)
    assert (parents.actions_to(0), parents.actions_to(a), parents.actions_to(c)) == ([], [2], [1, 0])
    assert Parents(1 << 16).action.itemsize == 4


def test_the_collision_chance_grows_with_the_square_of_the_states():
    assert collision_chance(1000, 1000) == 0
    assert collision_chance(10_000_000, 0) == pytest.approx(1e14 / 2 ** 65)
    assert collision_chance(10_000_000, 200_000) < collision_chance(10_000_000, 0) < 3e-6


# ---------------------------------------------------------------- the engine on fingerprints


@pytest.mark.parametrize("variant", ["pairing-negative", "attacker-negative", "gateway-exposure-matrix-negative",
                                     "retry-termination", "approvals-token", "pairing"])
def test_fingerprints_from_the_first_state_keep_verdicts_counts_and_shortest_traces(variant):
    model = load_model(ENTRIES[variant])
    r = explicit.run(model, exact=0)
    assert_agree(model, r, evaluator_says(model, max_states=20_000))
    if r.proved:
        assert "stored as 64-bit fingerprints" in r.proof[1] and "collision" in r.proof[1]


def test_symmetry_on_fingerprints_keeps_the_shortest_real_trace():
    model = load_model(ENTRIES["pairing-cap-negative"])
    plain = explicit.run(model)
    reduced = explicit.run(model, symmetry=["Senders"], exact=0)
    assert (reduced.verdict, reduced.invariant, reduced.length) == (plain.verdict, plain.invariant, plain.length)
    replays(model, reduced)


def test_a_proof_on_exact_storage_says_nothing_of_fingerprints():
    r = explicit.run(load_model(ENTRIES["pairing"]))
    assert r.proved and not any("fingerprint" in line for line in r.proof)


def test_forced_collisions_lose_states_and_the_proof_says_it_rests_on_fingerprints(monkeypatch):
    """Every fingerprint made equal (a hash that collides always): the search misses
    states, and its proof says that it rests on fingerprints and how likely a
    collision was; with exact storage the same hash changes nothing."""
    model = load_model(ENTRIES["pairing"])
    truth = explicit.run(model)
    monkeypatch.setattr(fingerprints, "hash", lambda state: 7, raising=False)
    assert explicit.run(model).states == truth.states  # below `exact`: states compared, not hashed
    forced = explicit.run(model, exact=10)
    assert forced.states < truth.states
    assert forced.verdict == "proved" and "beyond 10 states" in forced.proof[1]
    assert "stored as 64-bit fingerprints" in forced.proof[1] and "collision" in forced.proof[1]


SIGNED = """\
claim: signed
variables:
  x: -3..3
  n: 0..9
init:
  x: 0
  n: 0
actions:
  down:
    when: x > -3 and n < 9
    then:
      x: x - 1
      n: n + 1
  up:
    when: x < 3 and n < 9
    then:
      x: x + 1
      n: n + 1
invariants:
  bounded: x >= -3
"""


STEPS_BELOW = """\
claim: below
variables:
  x: -1..3
init:
  x: 0
actions:
  down:
    when: True
    then:
      x: x - 1
  up:
    when: x < 3
    then:
      x: x + 1
invariants:
  bounded: x <= 3
"""


@pytest.mark.parametrize("text", [SIGNED, STEPS_BELOW], ids=["both", "one"])
def test_a_model_holding_minus_one_or_minus_two_keeps_exact_storage(text):
    """Both: two reachable states would share a fingerprint. One of them (x: -1..3,
    stepping down to -2): the ill-typed state would hide behind the well-typed one,
    and the search would prove what is violated."""
    model = load(text)
    r = explicit.run(model, exact=0)
    assert_agree(model, r, evaluator_says(model))
    assert r.violated if text == STEPS_BELOW else not any("fingerprint" in line for line in r.proof)


def test_the_memory_budget_gives_unknown_never_a_verdict():
    model = load_model(ENTRIES["pairing-cap"])
    r = explicit.run(model, max_memory=1 << 20)  # 1 MB: less than the interpreter itself
    assert r.verdict == "unknown" and not r.holds and "memory budget of 1 MB" in r.reason
    assert "--engine auto" in r.reason


@pytest.mark.parametrize("edit", [
    {"log: append(log, x)": "x: head(log)"},  # head of an empty sequence: well-formed
    {"small: x <= Limit": "small: x <= 9", "      log: append(log, x)\n": "      log: log\n",
     "when: len(log) < 3": "when: False"},  # a deadlock
    {"when: len(log) < 3": "when: True"},  # a sequence overflows its bound: type(log)
])
def test_ill_formed_steps_and_deadlocks_on_fingerprints(edit):
    text = COUNTER
    for old, new in edit.items():
        text = text.replace(old, new)
    if "when: False" in text:
        text += "deadlock: check\n"
    model = load(text)
    assert_agree(model, explicit.run(model, exact=0), evaluator_says(model))
