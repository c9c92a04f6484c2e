"""resolveExecApprovalsFromFile against oc-exec-policy's file_security and file_ask: the
approvals file's defaults, agents."*" and agents.main layers, each field missing, valid
(with spaces around it) or invalid (drawn from many spellings and types), misspelt keys,
and the config's policy as the overrides."""
from __future__ import annotations

import itertools
import random

from conformance.spec import Check
from conformance.strings import padded

SEC = ["sec_missing", "sec_invalid", "sec_deny", "sec_allowlist", "sec_full"]
ASK = ["ask_missing", "ask_invalid", "ask_off", "ask_on_miss", "ask_always"]
VALUE = {"sec_deny": "deny", "sec_allowlist": "allowlist", "sec_full": "full", "ask_off": "off",
         "ask_on_miss": "on-miss", "ask_always": "always"}
CONFIG_SEC = {"cfg_unset": "full", "cfg_deny": "deny", "cfg_allowlist": "allowlist", "cfg_full": "full"}
CONFIG_ASK = {"cfg_ask_unset": "off", "cfg_off": "off", "cfg_on_miss": "on-miss", "cfg_always": "always"}
# invalid values: wrong case, unknown words, near misses, empty, wrong types (null is missing)
INVALID = ["Deny", "DENY", "Full", "allow-list", "allowList", "strict", "none", "", " ", "onmiss", "on_miss", "ON-MISS",
           "Always", "ask", 0, 1, True, False, [], ["deny"], {}, {"security": "deny"}, "den y", "deny\u200b", "\uff44eny"]
MISSPELT = {"security": ["securty", "Security", "sec", "security "], "ask": ["Ask", "asks", "ask "]}
LAYERS = ("defaults", "*", "main")


def cases():
    for sec, ask in itertools.product(itertools.product(SEC, repeat=3), [("ask_missing",) * 3, ("ask_invalid",) * 3,
                                                                        ("ask_off", "ask_missing", "ask_always")]):
        for cfg_sec, cfg_ask in [("cfg_unset", "cfg_ask_unset"), ("cfg_allowlist", "cfg_on_miss")]:
            yield {"sec": sec, "ask": ask, "cfg_sec": cfg_sec, "cfg_ask": cfg_ask, "noise": None}


def random_case(rng: random.Random) -> dict:
    return {"sec": tuple(rng.choice(SEC) for _ in LAYERS), "ask": tuple(rng.choice(ASK) for _ in LAYERS),
            "cfg_sec": rng.choice(sorted(CONFIG_SEC)), "cfg_ask": rng.choice(sorted(CONFIG_ASK)),
            "noise": rng.randrange(1 << 30)}


def _write(layer: dict, key: str, form: str, rng: random.Random | None) -> None:
    if form.endswith("_missing"):
        if rng is not None and rng.random() < 0.3:          # a misspelt key, or null: still no field
            if rng.random() < 0.5:
                layer[rng.choice(MISSPELT[key])] = VALUE["sec_deny" if key == "security" else "ask_always"]
            else:
                layer[key] = None
        return
    if form.endswith("_invalid"):
        layer[key] = rng.choice(INVALID) if rng is not None else "Deny" if key == "security" else "Always"
        return
    layer[key] = padded(rng, VALUE[form]) if rng is not None and rng.random() < 0.3 else VALUE[form]


def to_js(c: dict) -> dict:
    rng = random.Random(c["noise"]) if c["noise"] is not None else None
    layers: dict = {name: {} for name in LAYERS}
    for name, sec, ask in zip(LAYERS, c["sec"], c["ask"], strict=True):
        _write(layers[name], "security", sec, rng)
        _write(layers[name], "ask", ask, rng)
    file = {"version": 1, "defaults": layers["defaults"], "agents": {"*": layers["*"], "main": layers["main"]}}
    return {"file": file, "overrides": {"security": CONFIG_SEC[c["cfg_sec"]], "ask": CONFIG_ASK[c["cfg_ask"]]}}


def expected(defs, c: dict) -> dict:
    security = defs.call("file_security", *c["sec"], defs.call("config_security", c["cfg_sec"]))
    ask = defs.call("file_ask", *c["ask"], defs.call("config_ask", c["cfg_ask"]))
    return {"security": security, "ask": {"on_miss": "on-miss"}.get(ask, ask)}


CHECK = Check(name="resolveExecApprovalsFromFile", package="openclaw", adapter="exec_policy.mjs",
              claim="oc-exec-policy", definition="file_security, file_ask", cases=cases, random_case=random_case,
              to_js=to_js, expected=expected)
