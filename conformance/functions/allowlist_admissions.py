"""The allow-list and identity-link matchers of oc-allowlist-strings against the package:
each matcher (Telegram's, the SDK's lower-casing one, the ingress runtime's stable identity,
identityLinks, the commands.ownerAllowFrom owner match) on every finding's witness (Z3's entry and sender, recorded in
bench/allowlists/witnesses.json by `python bench/allowlists.py --record`) and on hostile
entry/sender pairs (conformance/strings.py), against the claim's definition of that
matcher. A recorded witness is used only while it is still a counterexample of its variant
(the explicit evaluator checks it on every load). Telegram's inputs have numeric senders, as
Telegram sends them: the claim keeps the entries the package drops for not being numeric,
which can only admit a sender with another id. conformance/findings.py asserts each
witness's admission as the finding's reproducer."""
from __future__ import annotations

import functools
import json
import random
import re
from pathlib import Path

from conformance.spec import Check
from conformance.strings import SPACES, UNUSUAL_CASE, hostile_id, mixed_case

CLAIM = "oc-allowlist-strings"
CLAIMS = Path(__file__).resolve().parents[2] / "bench" / "allowlists"
WITNESSES = CLAIMS / "witnesses.json"
MATCHERS = {"telegram": "telegram_admits", "sdk_lower": "sdk_lower_admits", "stable": "stable_admits",
            "link": "link_admits", "owner": "owner_admits"}
CHANNELS = ["telegram", "discord"]
# the owner entries the package drops (resolveOwnerAllowFromList, for a chat channel's prefix)
USER_FORM = re.compile(r"^[^:]+:user:[^:\s*]+$", re.IGNORECASE)


def matcher_of(variant: str) -> str:
    """The package matcher a finding variant checks, by its name (finding-<matcher>-...)."""
    for prefix, matcher in (("finding-sdk-lower-", "sdk_lower"), ("finding-stable-", "stable"),
                            ("finding-link-", "link"), ("finding-owner-", "owner"), ("telegram-", "telegram")):
        if variant.startswith(prefix):
            return matcher
    raise KeyError(f"{CLAIM}: no matcher for variant {variant}")


@functools.cache
def models() -> dict:
    from symcheck import api
    return {m.name.removeprefix(CLAIM + "-"): m for m in api.load_claims(str(CLAIMS / f"{CLAIM}.yaml"))
            if "-finding-" in m.name}


def still_a_witness(variant: str, channel: str, entry: str, sender: str) -> str | None:
    """Why (channel, entry, sender) is not a counterexample of the variant; None when it is:
    the variant's check admits it, and admits_only_named fails in the state it reaches."""
    from symcheck.explicit.evaluator import Definitions, Evaluator, check_state
    model = models().get(variant)
    if model is None:
        return f"{CLAIM} has no finding variant {variant}"
    defs = Definitions(CLAIM, variant=variant, claims=str(CLAIMS))
    if not defs.call("in_scope", channel, entry, sender):
        return "an input the variant does not look at"
    admitted = defs.call("admits", channel, entry, sender)
    state = {"checked": True, "ch": channel, "entry": entry, "sender": sender, "admitted": admitted}
    if check_state(model, Evaluator(model), state) != "admits_only_named":
        return "the entry does not admit a sender it does not name under the claim as it is now"
    return None


@functools.cache
def recorded() -> dict:
    """The recorded witnesses that are still counterexamples, by variant; a stale one is an
    error that says how to record it again."""
    doc = json.loads(WITNESSES.read_text(encoding="utf-8")) if WITNESSES.is_file() else {"witnesses": {}}
    for variant, w in doc["witnesses"].items():
        why = still_a_witness(variant, w["channel"], w["entry"], w["sender"])
        if why is not None:
            raise RuntimeError(f"{WITNESSES}: {variant}: {why}; record it again with `python bench/allowlists.py "
                               f"--only {variant} --record`")
    return doc["witnesses"]


def witness_input(variant: str) -> dict:
    """The adapter's input (conformance/node/allowlist_match.mjs) for a variant's witness."""
    w = recorded()[variant]
    return {"matcher": matcher_of(variant), "channel": w["channel"], "entry": w["entry"], "sender": w["sender"]}


def _pair(rng: random.Random, matcher: str) -> dict:
    """One hostile entry and sender for a matcher: the sender's id written another way
    (case, padding, a channel prefix, unusual white space), or an unrelated hostile id."""
    channel = "telegram" if matcher == "telegram" else rng.choice(CHANNELS)
    base = str(rng.randrange(1, 10 ** rng.randrange(1, 12))) if matcher == "telegram" else rng.choice(
        ["alice", "Bob", "u" + str(rng.randrange(1000)), "\u00c9lise", "k" + rng.choice(UNUSUAL_CASE)])
    sender = base if matcher == "telegram" or rng.random() < 0.6 else rng.choice(
        [mixed_case(rng, base), rng.choice(SPACES) + base, base + rng.choice(SPACES), "", " ", hostile_id(rng, base)])
    prefix = rng.choice(["", "", channel + ":", channel.upper() + ":", "tg:", "TG:", "discord:", "x:", " "]
                        + ([channel + ": ", channel + " :", "telegram:tg:", "tg:telegram:", channel + ":user:"]
                           if matcher == "owner" else []))
    if matcher == "owner" and rng.random() < 0.3:
        sender = rng.choice(["tg:", "TG:", "telegram:", "Telegram: ", "discord:"]) + sender
    entry = rng.choice([base, mixed_case(rng, base), prefix + base, prefix + mixed_case(rng, base), "*", " * ",
                        prefix + "*", rng.choice(SPACES) + base, "unknown", hostile_id(rng, base), ""])
    return {"matcher": matcher, "channel": channel, "entry": entry, "sender": sender}


def cases():
    for variant in sorted(recorded()):
        yield witness_input(variant)
    rng = random.Random(0)
    for matcher in MATCHERS:
        for _ in range(40):
            yield _pair(rng, matcher)


def random_case(rng: random.Random) -> dict:
    return _pair(rng, rng.choice(sorted(MATCHERS)))


def expected(defs, case: dict) -> dict:
    m = case["matcher"]
    args = (case["channel"], case["entry"], case["sender"]) if m in ("link", "owner") else (case["entry"], case["sender"])
    return {"admitted": defs.call(MATCHERS[m], *args)}


def drift(case: dict, got, want) -> str | None:
    """The documented approximations: the claim's lower() folds only ASCII and Latin-1
    capitals (docs/strings.md); JavaScript folds more (the Kelvin sign, full-width, Greek).
    The owner match keeps the channel:user:id entries the package drops (it admits more)."""
    from symcheck.front import strings
    lowers = case["matcher"] in ("sdk_lower", "link") or (case["matcher"] == "owner" and case["channel"] == "telegram")
    if lowers and any(strings.lower(x) != x.lower() for x in (case["entry"], case["sender"])):
        return "JavaScript's toLowerCase folds a letter beyond Latin-1 (the claim's lower() keeps it)"
    if case["matcher"] == "owner" and want["admitted"] and not got["admitted"] and USER_FORM.match(case["entry"].strip()):
        return "the package drops a <channel>:user:<id> owner entry (the claim keeps it)"
    return None


CHECK = Check(name="allow-list, identity-link and owner matchers (Telegram, SDK, stable identity, identityLinks, ownerAllowFrom)",
              package="openclaw", adapter="allowlist_match.mjs", claim=CLAIM,
              definition="telegram_admits, sdk_lower_admits, stable_admits, link_admits, owner_admits", cases=cases,
              random_case=random_case, to_js=lambda c: c, expected=expected, drift=drift, claims=str(CLAIMS))
