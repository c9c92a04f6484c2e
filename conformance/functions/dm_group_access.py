"""resolveDmGroupAccessWithLists against oc-ingress's dm_access / group_access and the
effective lists (dm_effective, group_effective)."""
from __future__ import annotations

import itertools
import random

from conformance.functions._ingress import LISTS, list_js
from conformance.spec import Check

DM_POLICIES = ["pairing", "allowlist", "open", "disabled"]
GROUP_POLICIES = ["allowlist", "open", "disabled"]
STORES = [s for s in LISTS if "star" not in s]


def cases():
    for is_group, dm, gp, allow, group_allow, store, fallback in itertools.product(
            [False, True], DM_POLICIES, GROUP_POLICIES, LISTS, LISTS, STORES, [True, False]):
        yield {"is_group": is_group, "dm": dm, "gp": gp, "allow": allow, "group_allow": group_allow, "store": store,
                   "fallback": fallback, "noise": None}


def random_case(rng: random.Random) -> dict:
    return {"is_group": rng.random() < 0.5, "dm": rng.choice(DM_POLICIES), "gp": rng.choice(GROUP_POLICIES),
                "allow": rng.choice(LISTS), "group_allow": rng.choice(LISTS), "store": rng.choice(STORES),
                "fallback": rng.random() < 0.5, "noise": rng.randrange(1 << 30)}


def to_js(c: dict) -> dict:
    rng = random.Random(c["noise"]) if c["noise"] is not None else None
    params = {"isGroup": c["is_group"], "dmPolicy": c["dm"], "groupPolicy": c["gp"],
              "allowFrom": list_js(c["allow"], rng), "groupAllowFrom": list_js(c["group_allow"], rng),
              "storeAllowFrom": list_js(c["store"], rng)}
    if not c["fallback"]:
        params["groupAllowFromFallbackToAllowFrom"] = False
    elif rng and rng.random() < 0.5:
        params["groupAllowFromFallbackToAllowFrom"] = True
    return {"params": params, "senderId": "me"}


def expected(defs, c: dict) -> dict:
    if c["is_group"]:
        decision, reason = defs.call("group_access", c["gp"], c["allow"], c["group_allow"], c["fallback"])
    else:
        decision, reason = defs.call("dm_access", c["dm"], c["allow"], c["store"])
    dm_list = defs.call("dm_effective", c["dm"], c["allow"], c["store"])
    group_list = defs.call("group_effective", c["allow"], c["group_allow"], c["fallback"])
    return {"decision": decision, "reasonCode": reason, "effectiveAllowFrom": sorted(list_js(dm_list)),
            "effectiveGroupAllowFrom": sorted(list_js(group_list))}


def drift(c: dict, got, want) -> str | None:
    """Two documented drifts (oc-ingress notes): the package's effective DM list keeps a
    sender once per source, which the claim's sets cannot say; and a groupAllowFrom of blank
    entries only counts as set (no fallback to allowFrom) but is empty once trimmed."""
    group_js = to_js(c)["params"]["groupAllowFrom"]
    if group_js and not any(x.strip() for x in group_js) and c["fallback"] and isinstance(got, dict) \
            and got["effectiveGroupAllowFrom"] == []:
        return "groupAllowFrom of blank entries only: no fallback to allowFrom, and empty after trimming"
    if isinstance(got, dict) and {k: v for k, v in got.items() if k != "effectiveAllowFrom"} == \
            {k: v for k, v in want.items() if k != "effectiveAllowFrom"} and \
            sorted(set(got["effectiveAllowFrom"])) == want["effectiveAllowFrom"]:
        return "effectiveAllowFrom repeats an id listed in allowFrom and approved by pairing (a list, not a set)"
    return None


CHECK = Check(name="resolveDmGroupAccessWithLists", package="openclaw", adapter="dm_group_access.mjs",
              claim="oc-ingress", definition="dm_access, group_access, dm_effective, group_effective", cases=cases,
              random_case=random_case, to_js=to_js, expected=expected, drift=drift)
