"""Every collision class of oc-routing-strings replayed on the package: for each red variant
named finding-*, BMC finds two messages (Z3's strings) that get one session key; the
package's buildAgentSessionKey (+ resolveThreadSessionKeys) is run on both, and the check
agrees when the package gives the keys the claim derives, and the two are the same."""
from __future__ import annotations

import functools
from pathlib import Path

from conformance.spec import Check

CLAIM = "oc-routing-strings"
CLAIMS = Path(__file__).resolve().parents[2] / "claims"


@functools.cache
def witnesses() -> tuple:
    """(variant, dmScope, identityLinks, the two messages) per finding variant, from BMC."""
    from symcheck import api
    out = []
    for model in api.load_claims(CLAIM, claims=CLAIMS):
        if "-finding-" not in model.name:
            continue
        result = api.prove(model, engine="bmc", timeout=600)
        if not result.violated:
            raise RuntimeError(f"{model.name}: no witness ({result.verdict}: {result.reason})")
        msgs = result.trace.steps[-1].state["msgs"]
        scope = model.constant("DmScope").value
        links = model.constant("IdentityLinks").value
        out.append((model.name, scope, links, msgs))
    return tuple(out)


def cases():
    yield from range(len(witnesses()))


def to_js(i: int) -> dict:
    _, scope, links, msgs = witnesses()[i]
    return {"dmScope": scope, "identityLinks": {canonical: list(members) for canonical, members in links},
            "messages": [{"channel": ch, "kind": kind, "accountId": acct, "id": id_, "threadId": thread}
                         for ch, kind, acct, id_, thread in msgs]}


def expected(defs, i: int) -> dict:
    _, scope, links, msgs = witnesses()[i]
    keys = [defs.call("session_key", scope, links, m) for m in msgs]
    return {"keys": keys, "same": keys[0] == keys[1]}


CHECK = Check(name="buildAgentSessionKey on each collision witness", package="openclaw", adapter="key_collision.mjs",
              claim=CLAIM, definition="session_key (both messages of each finding-* witness)", cases=cases,
              random_case=lambda rng: rng.randrange(len(witnesses())), to_js=to_js,
              expected=expected)
