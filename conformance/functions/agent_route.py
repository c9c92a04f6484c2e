"""resolveAgentRoute against oc-routing's route (binding tiers) and session_key."""
from __future__ import annotations

import itertools
import random

from conformance.functions._routing import (ACCOUNTS, CHANNELS, IDS, KINDS, SCOPES, links_js, links_value,
                                            random_links, render_key)
from conformance.spec import Check

GUILDS, TEAMS, ROLES = ["g1", "g2"], ["t1", "t2"], ["r1", "r2"]
ACCOUNT_FORMS = ["any", "unset", "default", "work"]           # accountId "*", absent, or a value
PEER_FORMS = [("none", "direct", "alice")] + [("exact", k, i) for k in KINDS for i in IDS] + \
    [("wildcard", k, "alice") for k in KINDS]
ROLE_SETS = [(), ("r1",), ("r2",), ("r1", "r2")]
TIER_NAMES = {"peer": "binding.peer", "parent": "binding.peer.parent", "wildcard": "binding.peer.wildcard",
              "guild-roles": "binding.guild+roles", "guild": "binding.guild", "team": "binding.team",
              "account": "binding.account", "channel": "binding.channel", "default": "default"}


def binding(agent, channel, account, peer, guild, roles, team) -> dict:
    return {"agent": agent, "channel": channel, "account": account, "peer": peer, "guild": guild, "roles": roles, "team": team}


def all_bindings():
    for agent, ch, acct, peer, guild, roles, team in itertools.product(
            ["work"], CHANNELS, ACCOUNT_FORMS, PEER_FORMS, [None] + GUILDS, ROLE_SETS, [None] + TEAMS):
        yield binding(agent, ch, acct, peer, guild, roles, team)


def random_binding(rng: random.Random) -> dict:
    return binding(rng.choice(["main", "work"]), rng.choice(CHANNELS), rng.choice(ACCOUNT_FORMS),
                   rng.choice(PEER_FORMS), rng.choice([None] + GUILDS), rng.choice(ROLE_SETS),
                   rng.choice([None] + TEAMS))


def random_message(rng: random.Random) -> dict:
    return {"channel": rng.choice(CHANNELS), "account": rng.choice(ACCOUNTS), "kind": rng.choice(KINDS), "id": rng.choice(IDS),
                "parent": rng.choice([None] + [(k, i) for k in KINDS for i in IDS]), "guild": rng.choice([None] + GUILDS),
                "team": rng.choice([None] + TEAMS), "roles": rng.choice(ROLE_SETS), "scope": rng.choice(SCOPES),
                "links": random_links(rng) if rng.random() < 0.3 else ()}


def aimed_message(rng: random.Random, b: dict | None) -> dict:
    """A random message; most of the time one that a binding's fields could match, so
    that every tier is reached (purely random messages mostly fall to the default)."""
    m = random_message(rng)
    if b is None or rng.random() < 0.2:
        return m
    m["channel"] = b["channel"]
    if b["account"] in ACCOUNTS:
        m["account"] = b["account"]
    form, kind, pid = b["peer"]
    if form != "none" and rng.random() < 0.8:
        if rng.random() < 0.3:
            m["parent"] = (kind, pid)
        else:
            m["kind"], m["id"] = kind, pid if form == "exact" else m["id"]
    m["guild"] = b["guild"] if rng.random() < 0.8 else m["guild"]
    m["team"] = b["team"] if rng.random() < 0.8 else m["team"]
    m["roles"] = tuple(sorted(set(m["roles"]) | set(b["roles"]))) if rng.random() < 0.7 else m["roles"]
    return m


def cases():
    """Every single binding (of agent `work`), each against one seeded message aimed at it."""
    rng = random.Random(7)
    for b in all_bindings():
        yield dict(bindings=[b], **aimed_message(rng, b))


def random_case(rng: random.Random) -> dict:
    bindings = [random_binding(rng) for _ in range(rng.randint(0, 3))]
    return dict(bindings=bindings, **aimed_message(rng, rng.choice(bindings) if bindings else None))


def binding_js(b: dict) -> dict:
    match: dict = {"channel": b["channel"]}
    if b["account"] != "unset":
        match["accountId"] = "*" if b["account"] == "any" else b["account"]
    form, kind, pid = b["peer"]
    if form != "none":
        match["peer"] = {"kind": kind, "id": "*" if form == "wildcard" else pid}
    if b["guild"]:
        match["guildId"] = b["guild"]
    if b["roles"]:
        match["roles"] = list(b["roles"])
    if b["team"]:
        match["teamId"] = b["team"]
    return {"agentId": b["agent"], "match": match}


def to_js(c: dict) -> dict:
    session = {"dmScope": c["scope"]}
    if c["links"]:
        session["identityLinks"] = links_js(c["links"], None)
    out = {"cfg": {"session": session, "bindings": [binding_js(b) for b in c["bindings"]]}, "channel": c["channel"],
           "accountId": c["account"], "peer": {"kind": c["kind"], "id": c["id"]}, "defaultAgentId": "main",
           "memberRoleIds": list(c["roles"])}
    if c["parent"]:
        out["parentPeer"] = {"kind": c["parent"][0], "id": c["parent"][1]}
    if c["guild"]:
        out["guildId"] = c["guild"]
    if c["team"]:
        out["teamId"] = c["team"]
    return out


def binding_value(b: dict) -> tuple:
    form, kind, pid = b["peer"]
    acct = b["account"]
    return (b["agent"], b["channel"], acct == "any", acct in ACCOUNTS, acct if acct in ACCOUNTS else "default",
            form, kind, pid, b["guild"] is not None, b["guild"] or "g1", frozenset(b["roles"]),
            b["team"] is not None, b["team"] or "t1")


def expected(defs, c: dict) -> dict:
    parent = c["parent"]
    scope = (c["kind"], c["id"], parent is not None, parent[0] if parent else "direct", parent[1] if parent else "alice",
             c["guild"] is not None, c["guild"] or "g1", c["team"] is not None, c["team"] or "t1", frozenset(c["roles"]))
    agent, tier = defs.call("route", tuple(binding_value(b) for b in c["bindings"]), "main", c["channel"], c["account"],
                            scope)
    key = defs.call("session_key", agent, links_value(c["links"]), c["scope"], "per-group", c["channel"], c["account"],
                    c["kind"], c["id"], "none")
    return {"agentId": agent, "matchedBy": TIER_NAMES[tier], "sessionKey": render_key(key)}


CHECK = Check(name="resolveAgentRoute", package="openclaw", adapter="agent_route.mjs", claim="oc-routing",
              definition="route, session_key", cases=cases, random_case=random_case, to_js=to_js, expected=expected)
