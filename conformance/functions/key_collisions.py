"""Every collision class of oc-routing-strings replayed on the package: for each red variant
named finding-*, Z3's witness (two messages that get one session key, found by BMC over
every string and recorded in bench/strings/witnesses.json by `python bench/strings.py
--record`) is given to the package's buildAgentSessionKey (+ resolveThreadSessionKeys). The
check agrees when the package gives both messages the key the claim's `package_key`
derives, so the two keys are one. A recorded witness is used only while it is still a
counterexample of its variant (checked with the explicit evaluator on every load), so an
edited claim cannot keep a stale witness. conformance/findings.py asserts the same
collisions as the findings' reproducers."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from conformance.spec import Check

CLAIM = "oc-routing-strings"
CLAIMS = Path(__file__).resolve().parents[2] / "bench" / "strings"
WITNESSES = CLAIMS / "witnesses.json"


@functools.cache
def models() -> dict:
    """The claim's finding variants, by variant name (finding-...)."""
    from symcheck import api
    return {m.name.removeprefix(CLAIM + "-"): m for m in api.load_claims(str(CLAIMS / f"{CLAIM}.yaml"))
            if "-finding-" in m.name}


def still_a_witness(variant: str, messages) -> str | None:
    """Why `messages` is not (or no longer) a counterexample of the variant; None when it is:
    both messages are ones the variant's `arrive` admits, and no_shared_key fails on them."""
    from symcheck.explicit.evaluator import Definitions, Evaluator, check_state
    model = models().get(variant)
    if model is None:
        return f"{CLAIM} has no variant {variant}"
    msgs = tuple(tuple(m) for m in messages)
    defs = Definitions(CLAIM, variant=variant, claims=str(CLAIMS))
    if len(msgs) != 2 or not all(defs.call("in_scope", m) for m in msgs):
        return "a message the variant does not admit"
    if check_state(model, Evaluator(model), {"msgs": msgs}) != "no_shared_key":
        return "the two messages do not violate no_shared_key under the claim as it is now"
    return None


def package_keys(variant: str, messages) -> list[str]:
    """The claim's package_key (the package's derivation, as modelled) of each message,
    under the variant's dmScope and identity links."""
    from symcheck.explicit.evaluator import Definitions
    model = models()[variant]
    defs = Definitions(CLAIM, variant=variant, claims=str(CLAIMS))
    scope, links = model.constant("DmScope").value, model.constant("IdentityLinks").value
    return [defs.call("package_key", scope, links, tuple(m)) for m in messages]


@functools.cache
def recorded() -> dict:
    """The recorded witnesses that are still counterexamples of their variants, by variant;
    a stale one is an error that says how to record it again."""
    doc = json.loads(WITNESSES.read_text(encoding="utf-8")) if WITNESSES.is_file() else {"witnesses": {}}
    out = {}
    for variant, entry in doc["witnesses"].items():
        why = still_a_witness(variant, entry["messages"])
        if why is not None:
            raise RuntimeError(f"{WITNESSES}: {variant}: {why}; record it again with `python bench/strings.py "
                               f"--only {variant} --record`")
        out[variant] = entry
    return out


def to_input(variant: str, messages=None) -> dict:
    """The adapter's input (conformance/node/key_collision.mjs) for a variant's witness."""
    model = models()[variant]
    links = model.constant("IdentityLinks").value
    msgs = messages if messages is not None else recorded()[variant]["messages"]
    return {"dmScope": model.constant("DmScope").value,
            "identityLinks": {canonical: list(members) for canonical, members in links},
            "messages": [{"channel": ch, "kind": kind, "accountId": acct, "id": id_, "threadId": thread}
                         for ch, kind, acct, id_, thread in msgs]}


def cases():
    yield from sorted(recorded())


def expected(defs, variant: str) -> dict:
    keys = package_keys(variant, recorded()[variant]["messages"])
    return {"keys": keys, "same": keys[0] == keys[1]}


CHECK = Check(name="buildAgentSessionKey on each collision witness", package="openclaw", adapter="key_collision.mjs",
              claim=CLAIM, definition="package_key (both messages of each finding-* witness)", cases=cases,
              random_case=lambda rng: rng.choice(sorted(recorded())), to_js=to_input,
              expected=expected, claims=str(CLAIMS))
