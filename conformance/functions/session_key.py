"""buildAgentSessionKey (+ resolveThreadSessionKeys) against oc-routing's session_key."""
from __future__ import annotations

import random

from conformance.functions._routing import (ACCOUNTS, AGENTS, CHANNELS, GROUP_SCOPES, IDS, KINDS, SCOPES, THREADS,
                                            all_key_inputs, links_js, links_value, random_links, render_key)
from conformance.spec import Check, mixed_case

FIELDS = ("agent", "links", "scope", "group_scope", "channel", "account", "kind", "id", "thread")


def cases():
    for values in all_key_inputs():
        yield dict(zip(FIELDS, values), casing=None)


def random_case(rng: random.Random) -> dict:
    return {"agent": rng.choice(AGENTS), "links": random_links(rng), "scope": rng.choice(SCOPES),
                "group_scope": rng.choice(GROUP_SCOPES), "channel": rng.choice(CHANNELS), "account": rng.choice(ACCOUNTS),
                "kind": rng.choice(KINDS), "id": rng.choice(IDS), "thread": rng.choice(THREADS), "casing": rng.randrange(1 << 30)}


def to_js(c: dict) -> dict:
    rng = random.Random(c["casing"]) if c["casing"] is not None else None
    cased = (lambda s: mixed_case(rng, s)) if rng else (lambda s: s)
    params = {"agentId": cased(c["agent"]), "channel": cased(c["channel"]), "accountId": cased(c["account"]),
              "peer": {"kind": c["kind"], "id": cased(c["id"])}, "dmScope": c["scope"], "groupScope": c["group_scope"]}
    if c["links"] or (rng and rng.random() < 0.5):
        params["identityLinks"] = links_js(c["links"], rng)
    return {"params": params, "threadId": None if c["thread"] == "none" else cased(c["thread"])}


def expected(defs, c: dict) -> str:
    key = defs.call("session_key", c["agent"], links_value(c["links"]), c["scope"], c["group_scope"], c["channel"],
                    c["account"], c["kind"], c["id"], c["thread"])
    return render_key(key)


CHECK = Check(name="buildAgentSessionKey+resolveThreadSessionKeys", package="openclaw", adapter="session_key.mjs",
              claim="oc-routing", definition="session_key", cases=cases, random_case=random_case, to_js=to_js,
              expected=expected)
