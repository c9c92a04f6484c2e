"""resolveGatewayAuth's mode and start-up's ambiguity refusal (ensureGatewayStartupAuth)
against oc-gateway-auth's resolved_auth_mode and its ambiguity clause of `refused`."""
from __future__ import annotations

import itertools
import random

from conformance.spec import Check

MODES = ("mode_unset", "none", "token", "password", "trusted_proxy")
JS_MODE = {"none": "none", "token": "token", "password": "password", "trusted_proxy": "trusted-proxy"}
SECRETS = (None, "s3cret-value-long-enough-for-the-audit", "  padded-secret  ")


def cases():
    for mode, token, password in itertools.product(MODES, SECRETS, SECRETS):
        yield {"mode": mode, "token": token, "password": password}


def random_case(rng: random.Random) -> dict:
    def secret():
        return rng.choice([None, "".join(rng.choice("abcdef0123456789") for _ in range(rng.randrange(1, 48)))])
    return {"mode": rng.choice(MODES), "token": secret(), "password": secret()}


def to_js(c: dict) -> dict:
    auth = {} if c["mode"] == "mode_unset" else {"mode": JS_MODE[c["mode"]]}
    for key in ("token", "password"):
        if c[key] is not None:
            auth[key] = c[key]
    return {"auth": auth}


def expected(defs, c: dict) -> dict:
    mode = defs.call("resolved_auth_mode", c["mode"], c["password"] is not None)
    ambiguous = c["mode"] == "mode_unset" and c["token"] is not None and c["password"] is not None
    return {"mode": JS_MODE[mode], "startup": "refused-ambiguous" if ambiguous else "starts"}


def drift(c: dict, got, want) -> str | None:
    # start-up's other refusals (password mode without a password, trusted-proxy without its
    # config) are oc-gateway-auth's `refused`, which needs the whole configuration
    if got.get("mode") == want["mode"] and str(got.get("startup", "")).startswith("error:"):
        return "start-up refuses for another reason than ambiguity (modelled in refused)"
    return None


CHECK = Check(name="resolveGatewayAuth+ensureGatewayStartupAuth", package="openclaw", adapter="gateway_auth_mode.mjs",
              claim="oc-gateway-auth", definition="resolved_auth_mode", cases=cases, random_case=random_case,
              to_js=to_js, expected=expected, drift=drift)
