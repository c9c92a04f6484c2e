"""oc-allowlist-strings (bench/allowlists/): its verdicts come from the engines and agree
with the independent explicit evaluator on finite instances of the claim itself, and its
recorded witnesses are still counterexamples of their variants.

A finite instance is the claim's own text with the action's two string parameters drawn
from short strings over small alphabets (case, a space, a colon and `*` in entries) and the long literals
shortened so that short strings reach them (the channel names 'telegram' and 'discord' as
't' and 'd', the blank peer id 'unknown' as 'a', in the pinned entry too): the explicit-state engine enumerates every
entry and sender there and must give each variant's expected verdict, the one the SMT
engines give for every string (BMC over those regular-expression-bounded strings does not
answer within minutes, so the finite instance is the evaluator's alone). The owner match's
variants (commands.ownerAllowFrom) need longer strings (`t:a` as a sender, `T :a` as an entry)
than the common instance has, so each is checked on instances of its own."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcheck import api
from symcheck.engines import explicit

ROOT = Path(__file__).resolve().parents[1]
CLAIM_FILE = ROOT / "bench" / "allowlists" / "oc-allowlist-strings.yaml"
SHORTEN = {"'telegram' if c == 'telegram' else 'discord'": "'t' if c == 'telegram' else 'd'",
           "p.lower() == 'tg'": "p.lower() == 'g'", "'unknown' if": "'a' if",
           "e == 'unknown'": "e == 'a'"}


def finite_instance(tmp_path: Path, entries: tuple[int, str] = (3, "aA:T *"), senders: tuple[int, str] = (2, "aA ")) -> Path:
    """The claim with entries of at most entries[0] characters from entries[1], senders likewise."""
    text = CLAIM_FILE.read_text(encoding="utf-8")
    for old, new in SHORTEN.items():
        assert old in text, f"the claim no longer has {old!r}: update SHORTEN"
        text = text.replace(old, new)
    params = "params: {c: Channels, e: str, s: str}"
    assert params in text
    text = text.replace(params, f"params: {{c: Channels, e: 'str[{entries[0]}, EntryChars]', s: 'str[{senders[0]}, SenderChars]'}}")
    text = text.replace("\ntypes:", f"\nconstants:\n  EntryChars: {{type: str, value: {json.dumps(entries[1])}}}\n"
                        f"  SenderChars: {{type: str, value: {json.dumps(senders[1])}}}\n\ntypes:", 1)
    path = tmp_path / "oc-allowlist-strings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _holds(result) -> bool:
    return result.verdict in ("holds", "proved")


def _owner(name: str) -> bool:
    return "-owner-" in name


# each owner variant's finite instances: (entries, senders) as finite_instance takes them; the greens
# get two, one with four-character entries, one with three-character senders (the term limit of the
# encoding allows no instance with both)
OWNER_INSTANCES = {
    "owner-fixed": [((4, "aT: "), (1, "at ")), ((3, "aT:"), (3, "at: "))],
    "finding-owner-case-folded": [((1, "aT"), (1, "at"))],
    "finding-owner-padded-sender": [((1, "a"), (2, "a "))],
    "finding-owner-prefixed-sender": [((1, "a"), (3, "ag:"))],
    "owner-classes-complete": [((4, "aT: "), (1, "at ")), ((3, "aT:"), (3, "at: "))],
}


def test_on_a_finite_instance_the_explicit_evaluator_gives_every_variant_its_expected_verdict(tmp_path):
    """Every entry and sender of the finite instance, searched exhaustively (the evaluator
    shares no code with the Z3 encoding): each finding variant is violated there too, and
    each green holds, as the SMT engines say for every string (the owner variants: below)."""
    models = api.load_claims(str(finite_instance(tmp_path)))
    assert [m.name for m in models] == [m.name for m in api.load_claims(str(CLAIM_FILE))]
    for model in models:
        if _owner(model.name):
            continue
        got = explicit.run(model)
        assert (got.verdict == "violated") if model.expect == "violated" else _holds(got), (model.name, got)


def test_the_owner_variants_on_finite_instances_of_their_own(tmp_path):
    """As above, for the owner match: each finding is violated on an instance its class fits
    in (a prefixed sender needs three characters, a loose entry four), and the fix and the
    classes-complete green hold on the widest instances the encoding takes."""
    names = sorted(m.name.removeprefix("oc-allowlist-strings-") for m in api.load_claims(str(CLAIM_FILE)) if _owner(m.name))
    assert names == sorted(OWNER_INSTANCES)
    for variant, instances in OWNER_INSTANCES.items():
        for entries, senders in instances:
            path = finite_instance(tmp_path, entries, senders)
            model = api.load_claim(str(path), variant=f"oc-allowlist-strings-{variant}")
            got = explicit.run(model)
            assert (got.verdict == "violated") if model.expect == "violated" else _holds(got), (variant, entries, senders, got)


def test_every_finding_has_a_recorded_witness_that_is_still_a_counterexample():
    from conformance.functions import allowlist_admissions as aa
    findings = sorted(aa.models())
    assert findings and sorted(aa.recorded()) == findings
    for variant, w in aa.recorded().items():
        assert aa.still_a_witness(variant, w["channel"], w["entry"], w["sender"]) is None
        assert w["found_by"].startswith("bmc"), (variant, w["found_by"])


def test_each_owner_witness_is_in_the_class_its_variant_names():
    """Each recorded owner witness is in the class its variant is named for (the evaluator decides)."""
    from conformance.functions import allowlist_admissions as aa
    from symcheck.explicit.evaluator import Definitions
    defs = Definitions(aa.CLAIM, claims=str(aa.CLAIMS))
    in_class = {
        "finding-owner-case-folded": lambda c, e, s: s.strip() == s and defs.call("lowered_names", c, e, s),
        "finding-owner-padded-sender": lambda c, e, s: s.strip() != s and defs.call("names", c, e, s.strip()),
        "finding-owner-prefixed-sender": lambda c, e, s: defs.call("owner_prefixed_sender", c, s)
        and defs.call("names", c, e, s.partition(":")[2]),
    }
    owners = {v: w for v, w in aa.recorded().items() if w["matcher"] == "owner"}
    assert sorted(owners) == sorted(in_class)
    for variant, w in owners.items():
        c, e, s = w["channel"], w["entry"], w["sender"]
        assert in_class[variant](c, e, s) and not defs.call("user_form", e), (variant, w)
        assert defs.call("owner_admits", c, e, s) and not defs.call("names", c, e, s), (variant, w)


@pytest.mark.parametrize("variant", ["", "-telegram-exact", "-owner-fixed"])
def test_the_fixes_and_telegrams_matcher_are_proved_for_every_string(variant):
    model = api.load_claim(str(CLAIM_FILE), variant=f"oc-allowlist-strings{variant}")
    out = api.prove(model, coverage=False, timeout=240, prove_timeout=200)
    assert out.proved, (model.name, out.verdict, out.reason)


@pytest.mark.slow
def test_bmc_finds_every_finding_over_every_string_and_the_evaluator_confirms_it():
    from conformance.functions import allowlist_admissions as aa
    for variant, model in aa.models().items():
        out = api.prove(model, engine="bmc", coverage=False, timeout=600)
        assert out.violated, (variant, out.verdict, out.reason)
        state = out.trace.steps[-1].state
        assert aa.still_a_witness(variant, state["ch"], state["entry"], state["sender"]) is None
