"""Claims beyond the bounds: integers without a range, free constants (`{domain: "1.."}`),
sorts of unspecified size (`{sort: S}`) with sets over them as arrays and all/any as
quantifiers. Verdicts come from the engines; the finite instances are cross-checked
by the explicit engine in test_unbounded_crosscheck.py."""
from __future__ import annotations

import pytest

from symcheck import api
from symcheck.errors import InputError
from symcheck.front.ir import Feature, IntT, SortT

CLAIM = """\
claim: demo
constants:
  Senders: {sort: Sender}
  TTL: {domain: "1.."}
variables:
  now: 0..
  seen: set[Senders]
  last: map[Senders, int]
init:
  now: 0
  seen: "{}"
  last: "{s: 0 for s in Senders}"
actions:
  hello:
    params: {s: Senders}
    when: s not in seen
    then:
      seen: "seen | {s}"
      last: last.put(s, now)
  tick:
    params: {d: "1.."}
    then:
      now: now + d
invariants:
  nothing_from_the_future: all(last[s] <= now for s in Senders)
depth: 4
"""


def test_the_front_end_reads_unbounded_types_and_sorts(write_claim):
    m = api.load_claim(str(write_claim(CLAIM)))
    assert m.features == {Feature.SORTS, Feature.UNBOUNDED_INT}
    assert m.var_type("now") == IntT(0, None) and str(m.var_type("now")) == "0.."
    assert m.constant("Senders").type.elem == SortT("Sender") and m.constant("Senders").free
    assert m.constant("TTL").free and m.constant("TTL").type == IntT(1, None)


def test_a_claim_over_a_sort_is_proved_for_every_size(write_claim):
    m = api.load_claim(str(write_claim(CLAIM)))
    r = api.prove(m, coverage=False)
    assert r.proved, r.reason
    assert r.engine != "explicit"
    assert "proved for every number of Sender members, every TTL ≥ 1, every value of now" in r.proof
    assert any("explicit search" in line for line in r.proof)  # why the explicit engine was not used


def test_its_red_has_a_witness_with_numbered_members(write_claim):
    red = CLAIM.replace("last: last.put(s, now)", "last: last.put(s, now + 1)")
    m = api.load_claim(str(write_claim(red)))
    r = api.prove(m, coverage=False)
    assert r.violated and r.invariant == "nothing_from_the_future"
    assert r.trace.steps[1].params[0][1] == "Sender!0"  # the solver's universe, renumbered
    assert r.trace.steps[1].state["seen"] == frozenset({"Sender!0"})


def test_the_explicit_engine_says_why_it_does_not_take_the_claim(write_claim):
    m = api.load_claim(str(write_claim(CLAIM)))
    with pytest.raises(InputError, match="cannot cover every size"):  # a usage error, before any work
        api.prove(m, engine="explicit", coverage=False)


@pytest.mark.parametrize("expr,message", [
    ("len(seen) <= 3", "len() of set[Sender]: a set over an unbounded type has no size"),
    ("sum(1 for s in seen) <= 3", "sum(...) over set[Sender]"),
])
def test_sizes_of_unbounded_sets_are_clean_errors(write_claim, expr, message):
    path = write_claim(CLAIM.replace("all(last[s] <= now for s in Senders)", expr))
    with pytest.raises(InputError) as exc:
        api.load_claim(str(path))
    assert message in exc.value.message


def test_pairing_unbounded_green_proved_red_witnessed():
    green, red = api.load_claims("claims/pairing-unbounded.yaml")
    r = api.prove(green, coverage=False)
    assert r.proved and any("Account, Channel and Sender" in line for line in r.proof)
    r = api.prove(red, coverage=False)
    assert r.violated and r.trace.length == 2
    reqs = r.trace.steps[-1].state["pending"]
    assert {x[2] for x in reqs} == {"Sender!0"} and len(reqs) == 2


CTI_DEMO = "tests/data/cti-demo.yaml"
LEMMA = "lemmas:\n  used_was_approved: all(stage[i] == 2 for i in used)\n"


def test_without_the_lemma_the_report_shows_the_counterexample_to_induction():
    r = api.prove(api.load_claim(CTI_DEMO), coverage=False, prove_timeout=15)
    assert r.holds and not r.proved
    assert "counterexample to induction" in r.reason and "breaks used_was_issued" in r.reason
    a, b = r.reason.split("state A:")[1].split("state B:")
    assert "used = {" in a and "stage = {" in b  # two readable states


def test_a_hand_written_lemma_is_re_proved_and_gives_the_proof(write_claim):
    text = open(CTI_DEMO).read().replace("depth: 4\n", "depth: 4\n" + LEMMA)
    r = api.prove(api.load_claim(str(write_claim(text))), coverage=False)
    assert r.proved and r.engine == "kind+forall"
    assert any("(1 written by hand)" in line for line in r.proof)
    assert any("used_was_approved: all(stage[i] == 2 for i in used)" in line for line in r.proof)


def test_a_false_lemma_never_proves_anything(write_claim):
    wrong = LEMMA.replace("== 2", "== 1")  # false once a token is redeemed
    text = open(CTI_DEMO).read().replace("depth: 4\n", "depth: 4\n" + wrong)
    r = api.prove(api.load_claim(str(write_claim(text))), coverage=False, prove_timeout=15)
    assert not r.proved
    assert "the lemma used_was_approved is not inductive (dropped)" in r.reason


UNBOUNDED_CLAIMS = ["pairing-unbounded", "oc-pairing-code-unbounded", "approvals-token-unbounded",
                    "nodes-pipeline-unbounded", "routing-unbounded"]


@pytest.mark.parametrize("family", UNBOUNDED_CLAIMS)
def test_each_green_is_proved_for_every_size_and_each_red_has_a_witness(family):
    green, *reds = api.load_claims(f"claims/{family}.yaml")
    assert Feature.SORTS in green.features
    r = api.prove(green, coverage=False)
    assert r.proved, r.reason
    assert r.proof[0].startswith("proved for every number of ")
    assert reds
    for red in reds:
        r = api.prove(red, coverage=False)
        assert r.violated and r.trace is not None and r.trace.length >= 1


def test_the_real_world_ttl_is_one_of_the_values_proved():
    """TTL fixed at OpenClaw's 3,600,000 ms (the claim proves every TTL >= 1 at once)."""
    green, red = api.load_claims("claims/pairing-unbounded.yaml", overrides={"TTL": 3_600_000})
    assert green.constant("TTL").value == 3_600_000
    assert api.prove(green, coverage=False).proved
    assert api.prove(red, coverage=False).violated
