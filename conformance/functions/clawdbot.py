"""The same checks against clawdbot@2026.1.24, the era the TLA+ suite modelled, where its
modules exist (clawdbot has no plugin-SDK entries for them: its unbundled dist modules are
driven). Disagreements are the drift between that era and the current claims."""
from __future__ import annotations

import dataclasses

from conformance.functions import command_gate, mention_decision, session_key


def session_key_drift(c: dict, got, want) -> str | None:
    if not isinstance(got, str):
        return None
    if got.replace(":dm:", ":direct:") == want:
        return "clawdbot names DM keys ':dm:' (now ':direct:')"
    if c["scope"] == "per-account-channel-peer" and c["kind"] == "direct":
        return "clawdbot has no dmScope per-account-channel-peer: such DMs fall back to the main session"
    if c["group_scope"] == "main" and c["kind"] != "direct":
        return "clawdbot has no groupScope: groups keep their own session under groupScope main"
    return None


def mention_cases():
    """clawdbot takes one implicit-mention flag: only inputs without allowed kinds apply."""
    return (c for c in mention_decision.cases() if c["form"] == "absent")


def mention_random(rng):
    c = mention_decision.random_case(rng)
    return {**c, "form": "absent", "flags": None}


CHECKS = [
    dataclasses.replace(session_key.CHECK, package="clawdbot", drift=session_key_drift),
    dataclasses.replace(mention_decision.CHECK, name="resolveMentionGatingWithBypass", package="clawdbot",
                        cases=mention_cases, random_case=mention_random),
    dataclasses.replace(command_gate.CHECK, package="clawdbot"),
]
