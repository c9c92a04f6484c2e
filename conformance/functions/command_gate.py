"""resolveControlCommandGate against oc-ingress's command_gate."""
from __future__ import annotations

import itertools
import random

from conformance.spec import Check

MODES = [None, "allow", "deny", "configured"]   # None: modeWhenAccessGroupsOff unset (means allow)


def cases():
    for use, mode, *bits in itertools.product([False, True], MODES, *[[False, True]] * 6):
        yield {"use": use, "mode": mode, "bits": tuple(bits)}


def random_case(rng: random.Random) -> dict:
    return {"use": rng.random() < 0.5, "mode": rng.choice(MODES), "bits": tuple(rng.random() < 0.5 for _ in range(6))}


def to_js(c: dict) -> dict:
    oc, oa, gc, ga, text, control = c["bits"]
    out = {"useAccessGroups": c["use"], "authorizers": [{"configured": oc, "allowed": oa},
                                                         {"configured": gc, "allowed": ga}],
           "allowTextCommands": text, "hasControlCommand": control}
    if c["mode"] is not None:
        out["modeWhenAccessGroupsOff"] = c["mode"]
    return out


def expected(defs, c: dict) -> dict:
    authorized, block = defs.call("command_gate", c["use"], c["mode"] or "allow", *c["bits"])
    return {"authorized": authorized, "block": block}


CHECK = Check(name="resolveControlCommandGate", package="openclaw", adapter="command_gate.mjs", claim="oc-ingress",
              definition="command_gate", cases=cases, random_case=random_case, to_js=to_js, expected=expected)
