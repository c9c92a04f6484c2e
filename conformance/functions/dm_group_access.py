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


# a groupAllowFrom of blank entries counts as configured and is empty once trimmed: the
# group decision is then that of an empty list without fallback (oc-ingress notes, drift b)
BLANK_GROUP_DECISION = {"allowlist": ("block", "group_policy_empty_allowlist"),
                        "disabled": ("block", "group_policy_disabled"), "open": ("allow", "group_policy_allowed")}


def _same_dm_list(got: dict, want: dict) -> bool:
    return sorted(set(got["effectiveAllowFrom"])) == want["effectiveAllowFrom"]


def drift(c: dict, got, want) -> str | None:
    """Two documented drifts (oc-ingress notes), each accepted only when the decision is the
    one the notes predict: the package's effective DM list keeps a sender once per source,
    which the claim's sets cannot say (same decision); and a groupAllowFrom of blank entries
    only counts as set (no fallback to allowFrom) but is empty once trimmed (the decision of
    an empty list without fallback)."""
    if not isinstance(got, dict) or "decision" not in got:
        return None
    decision = (got["decision"], got["reasonCode"])
    group_js = to_js(c)["params"]["groupAllowFrom"]
    if group_js and not any(x.strip() for x in group_js) and c["fallback"] and got["effectiveGroupAllowFrom"] == [] \
            and _same_dm_list(got, want):
        predicted = BLANK_GROUP_DECISION[c["gp"]] if c["is_group"] else (want["decision"], want["reasonCode"])
        if decision == predicted:
            return "groupAllowFrom of blank entries only: no fallback to allowFrom, and empty after trimming"
        return None
    if decision == (want["decision"], want["reasonCode"]) and \
            got["effectiveGroupAllowFrom"] == want["effectiveGroupAllowFrom"] and _same_dm_list(got, want):
        return "effectiveAllowFrom repeats an id listed in allowFrom and approved by pairing (a list, not a set)"
    return None


CHECK = Check(name="resolveDmGroupAccessWithLists", package="openclaw", adapter="dm_group_access.mjs",
              claim="oc-ingress", definition="dm_access, group_access, dm_effective, group_effective", cases=cases,
              random_case=random_case, to_js=to_js, expected=expected, drift=drift)
