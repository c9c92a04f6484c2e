"""The ingress runtime (resolveStableChannelMessageIngress, the resolver the gateway's
channel runtime runs) against oc-ingress's runtime_preflight: every dmPolicy and
groupPolicy value including absent and unknown ones, access groups, useAccessGroups on
and off with every modeWhenAccessGroupsOff, command authorization (owners from the
pairing store), and mention gating, for two provider profiles (one detects mentions,
one cannot)."""
from __future__ import annotations

import itertools
import random

from conformance.spec import Check
from conformance.strings import SPACES, hostile_id, padded

DM = ["pairing", "allowlist", "open", "disabled", "dm_unknown", "dm_unset"]
GROUP = ["allowlist", "open", "disabled", "group_unknown", "group_unset"]
UNKNOWN = {"dm_unknown": "Pairing ", "group_unknown": "allow-list"}     # near misses of real values
ENTRY = {"me": "me", "other": "other", "star": "*", "grp_me": "accessGroup:team", "grp_other": "accessGroup:crew"}
ACCESS_GROUPS = {"team": {"type": "message.senders", "members": {"*": ["me"]}},
                 "crew": {"type": "message.senders", "members": {"*": ["other"]}}}
LISTS = [frozenset(c) for n in range(3) for c in itertools.combinations(sorted(ENTRY), n)]
SHORT_LISTS = [frozenset(), frozenset({"me"}), frozenset({"other"}), frozenset({"star"}), frozenset({"grp_me"}),
               frozenset({"grp_other"})]
STORES = [frozenset(), frozenset({"me"}), frozenset({"other"})]
MODES = [None, "allow", "deny", "configured"]      # None: modeWhenAccessGroupsOff absent (allow)
PROVIDERS = {"detects-mentions": "telegram", "no-mention-detection": "a2a"}
KINDS = ["reply_to_bot", "quoted_bot", "bot_thread_participant", "native"]
MENTIONS = ["none", "bot", "other"]


def case(**kw) -> dict:
    base = {"provider": "detects-mentions", "is_group": False, "dm": "pairing", "gp": "allowlist",
            "allow": frozenset(), "group_allow": frozenset(), "store": frozenset(), "fallback": None, "use": None,
            "mode": None, "text": True, "control": True, "require": False, "mentions": "none",
            "implicit": frozenset(), "noise": None}
    return {**base, **kw}


def cases():
    """Policies, lists, store, fallback and access-group settings, exhaustively over the
    short list shapes, for a control command that no mention gate holds up."""
    for is_group, dm, gp, allow, group_allow, store, fallback, use in itertools.product(
            [False, True], DM, GROUP, SHORT_LISTS, SHORT_LISTS, STORES, [None, False], [None, False]):
        yield case(is_group=is_group, dm=dm, gp=gp, allow=allow, group_allow=group_allow, store=store,
                   fallback=fallback, use=use)


def random_case(rng: random.Random) -> dict:
    return case(provider=rng.choice(sorted(PROVIDERS)), is_group=rng.random() < 0.5, dm=rng.choice(DM),
                gp=rng.choice(GROUP), allow=rng.choice(LISTS), group_allow=rng.choice(LISTS), store=rng.choice(STORES),
                fallback=rng.choice([None, True, False]), use=rng.choice([None, True, False]), mode=rng.choice(MODES),
                text=rng.random() < 0.8, control=rng.random() < 0.5, require=rng.random() < 0.5,
                mentions=rng.choice(MENTIONS), implicit=frozenset(k for k in KINDS if rng.random() < 0.2),
                noise=rng.randrange(1 << 30))


def _entries(entries, rng: random.Random | None) -> list:
    """A list's JSON form; with rng, padded entries, blank ones (the runtime drops both
    paddings and blanks), and, next to `other`, hostile ids that the exact-match identity
    never takes for the sender (so they are more of `other`)."""
    out = [ENTRY[e] for e in sorted(entries)]
    if rng is None:
        return out
    out = [padded(rng, x) if rng.random() < 0.2 else x for x in out]
    if rng.random() < 0.2:
        out.append(rng.choice(SPACES[:4]))
    if "other" in entries and rng.random() < 0.5:          # one more entry of the class `other`
        other = hostile_id(rng, "other")
        if other.strip() and other.strip() not in ("me", "*") and not other.strip().startswith("accessGroup:"):
            out.append(other)
    rng.shuffle(out)
    return out


def to_js(c: dict) -> dict:
    rng = random.Random(c["noise"]) if c["noise"] is not None else None
    out = {"channel": PROVIDERS[c["provider"]], "conv": "group" if c["is_group"] else "direct",
           "allowFrom": _entries(c["allow"], rng), "groupAllowFrom": _entries(c["group_allow"], rng),
           "store": _entries(c["store"], None), "accessGroups": ACCESS_GROUPS,
           "command": {"allowTextCommands": c["text"], "hasControlCommand": c["control"]},
           "activation": {"requireMention": c["require"], "allowTextCommands": c["text"]},
           "mention": {"canDetectMention": c["provider"] == "detects-mentions", "wasMentioned": c["mentions"] == "bot",
                       "hasAnyMention": c["mentions"] != "none", "implicitMentionKinds": sorted(c["implicit"])}}
    if c["dm"] != "dm_unset":
        out["dmPolicy"] = UNKNOWN.get(c["dm"], c["dm"])
    if c["gp"] != "group_unset":
        out["groupPolicy"] = UNKNOWN.get(c["gp"], c["gp"])
    if c["fallback"] is not None:
        out["fallback"] = c["fallback"]
    if c["use"] is not None:
        out["useAccessGroups"] = c["use"]
    if c["mode"] is not None:
        out["command"]["modeWhenAccessGroupsOff"] = c["mode"]
    return out


def expected(defs, c: dict) -> dict:
    fallback = c["fallback"] is not False
    use = c["use"] is not False
    admission, sender, authorized, skip = defs.call(
        "runtime_preflight", c["is_group"], c["dm"], c["gp"], c["allow"], c["group_allow"], c["store"], fallback, use,
        c["mode"] or "allow", c["text"], c["control"], c["require"], c["provider"] == "detects-mentions",
        c["mentions"] == "bot", c["mentions"] != "none", c["implicit"])
    return {"admission": admission, "sender": sender, "authorized": authorized, "skip": skip}


CHECK = Check(name="resolveStableChannelMessageIngress", package="openclaw", adapter="ingress_runtime.mjs",
              claim="oc-ingress", definition="runtime_preflight", cases=cases, random_case=random_case, to_js=to_js,
              expected=expected)
