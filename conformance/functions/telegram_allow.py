"""Telegram's own allow-list matching (normalizeAllowFrom + isSenderAllowed in the bundled
Telegram channel, extensions/telegram/src/bot-access.ts) against oc-ingress's
telegram_allows. The ingress checks drive the SDK's stable exact-match identity; Telegram
runs this normaliser instead. Senders are numeric ids, as Telegram sends them (the claim's
assumption provider-authenticates-senders); entries are the sender's id written every way a
user might (padded, with a telegram: or tg: prefix in any case, with a space after the
prefix), other ids, `*` in and out of a prefix, @usernames, negative group ids, blanks, and
the shared hostile strings (conformance/strings.py) around the id."""
from __future__ import annotations

import itertools
import random

from conformance.spec import Check
from conformance.strings import SPACES, hostile_id, mixed_case

SENDER = "123456789"


def _spellings(rng: random.Random, sender: str) -> list[str]:
    """Entries around one sender id (some name it, some only look as if they did)."""
    prefix = rng.choice(["telegram:", "tg:", "TG:", "Telegram:", "tElEgRaM:", "tg: ", "telegram:tg:", "tele:"])
    return [sender, f" {sender} ", prefix + sender, rng.choice(SPACES) + prefix + sender, "*", " * ", prefix + "*",
            str(int(sender) + 1), "-100" + sender, "@user" + sender[-3:], "", " ", mixed_case(rng, "telegram:") + sender,
            hostile_id(rng, sender)]


def cases():
    rng = random.Random(0)
    pool = _spellings(rng, SENDER)
    for n in (0, 1, 2):
        for entries in itertools.combinations(pool, n):
            yield {"sender": SENDER, "allowFrom": list(entries)}


def random_case(rng: random.Random) -> dict:
    sender = str(rng.randrange(1, 10 ** rng.randrange(1, 12)))
    pool = _spellings(rng, sender)
    return {"sender": sender, "allowFrom": rng.sample(pool, rng.randrange(0, 6))}


def to_js(c: dict) -> dict:
    return {"senderId": c["sender"], "allowFrom": c["allowFrom"]}


def expected(defs, c: dict) -> dict:
    return {"allowed": defs.call("telegram_allows", tuple(c["allowFrom"]), c["sender"])}


CHECK = Check(name="normalizeAllowFrom+isSenderAllowed (Telegram)", package="openclaw", adapter="telegram_allow.mjs",
              claim="oc-ingress", definition="telegram_allows", cases=cases, random_case=random_case, to_js=to_js,
              expected=expected)
