"""resolveInboundMentionDecision against oc-ingress's mention."""
from __future__ import annotations

import itertools
import random

from conformance.spec import Check

KINDS = ["reply_to_bot", "quoted_bot", "bot_thread_participant", "native"]
KIND_SETS = [frozenset(c) for n in range(5) for c in itertools.combinations(KINDS, n)]
SMALL_KIND_SETS = [frozenset(), frozenset({"reply_to_bot"}), frozenset({"native"}),
                   frozenset({"quoted_bot", "bot_thread_participant"})]
# how the allowed kinds are given: not at all, as a list, or as implicitMentions config flags
ALLOWED_FORMS = ["absent", "list", "config"]


def case(bits, implicit, form, allowed, flags, any_mention) -> dict:
    is_group, require, detect, mentioned, text, control, authorized = bits
    return {"is_group": is_group, "require": require, "detect": detect, "mentioned": mentioned, "text": text,
            "control": control, "authorized": authorized, "implicit": implicit, "form": form, "allowed": allowed,
            "flags": flags, "any_mention": any_mention}


def cases():
    for bits in itertools.product([False, True], repeat=7):
        for implicit, form, any_mention in itertools.product(SMALL_KIND_SETS, ALLOWED_FORMS, [None, False, True]):
            allowed = frozenset({"reply_to_bot", "native"}) if form == "list" else frozenset()
            flags = (True, False, True) if form == "config" else None
            yield case(bits, implicit, form, allowed, flags, any_mention)


def random_case(rng: random.Random) -> dict:
    bits = tuple(rng.random() < 0.5 for _ in range(7))
    form = rng.choice(ALLOWED_FORMS)
    flags = tuple(rng.choice([True, False, None]) for _ in range(3)) if form == "config" else None
    return case(bits, rng.choice(KIND_SETS), form, rng.choice(KIND_SETS), flags, rng.choice([None, False, True]))


def allowed_kinds(c: dict) -> tuple[bool, frozenset]:
    """(kinds given, allowed kinds): config flags unset or true allow a kind; native always."""
    if c["form"] == "list":
        return True, c["allowed"]
    if c["form"] == "config":
        reply, quoted, thread = c["flags"]
        kinds = {k for k, on in (("reply_to_bot", reply), ("quoted_bot", quoted), ("bot_thread_participant", thread))
                 if on is not False}
        return True, frozenset(kinds | {"native"})
    return False, frozenset()


def to_js(c: dict) -> dict:
    out = {"isGroup": c["is_group"], "requireMention": c["require"], "canDetectMention": c["detect"],
           "wasMentioned": c["mentioned"], "allowTextCommands": c["text"], "hasControlCommand": c["control"],
           "commandAuthorized": c["authorized"], "implicitMentionKinds": sorted(c["implicit"])}
    if c["any_mention"] is not None:
        out["hasAnyMention"] = c["any_mention"]
    if c["form"] == "list":
        out["allowedImplicitMentionKinds"] = sorted(c["allowed"])
    elif c["form"] == "config":
        names = ("replyToBot", "quotedBot", "threadParticipation")
        out["implicitMentions"] = {n: v for n, v in zip(names, c["flags"], strict=True) if v is not None}
    return out


def expected(defs, c: dict) -> dict:
    given, allowed = allowed_kinds(c)
    implicit, effective, bypass, skip = defs.call(
        "mention", c["is_group"], c["require"], c["detect"], c["mentioned"], bool(c["any_mention"]), c["implicit"],
        given, allowed, c["text"], c["control"], c["authorized"])
    return {"implicit": implicit, "effective": effective, "bypass": bypass, "skip": skip}


CHECK = Check(name="resolveInboundMentionDecision", package="openclaw", adapter="mention_decision.mjs",
              claim="oc-ingress", definition="mention", cases=cases, random_case=random_case, to_js=to_js,
              expected=expected)
