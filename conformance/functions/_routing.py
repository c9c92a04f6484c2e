"""Shared by the routing checks: the claim oc-routing's values <-> the package's strings."""
from __future__ import annotations

import itertools
import random

from conformance.spec import mixed_case

AGENTS = ["main", "work"]
CHANNELS = ["telegram", "discord"]
ACCOUNTS = ["default", "work"]
IDS = ["alice", "bob", "owner"]
SCOPES = ["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]
GROUP_SCOPES = ["per-group", "main"]
KINDS = ["direct", "group", "channel"]
THREADS = ["none", "t1", "t2"]
ENTRIES = [(False, "telegram", i) for i in IDS] + [(True, c, i) for c in CHANNELS for i in IDS]

# a few link configurations for the exhaustive part (canonical, entries), in config order
LINK_SETS = [
    (),
    (("owner", ((True, "telegram", "alice"), (True, "discord", "bob"))),),
    (("bob", ((False, "telegram", "alice"),)),),
    (("owner", ((True, "discord", "alice"),)), ("alice", ((False, "telegram", "bob"), (True, "telegram", "alice")))),
    (("alice", ((True, "telegram", "bob"),)), ("owner", ((True, "telegram", "bob"), (False, "telegram", "alice")))),
]


def random_links(rng: random.Random) -> tuple:
    """Up to two lists under distinct canonical names (a JSON object has one key per name)."""
    names = rng.sample(IDS, rng.randint(0, 2))
    return tuple((n, tuple(rng.sample(ENTRIES, rng.randint(0, 3)))) for n in names)


def links_value(links) -> tuple:
    return tuple((name, frozenset(entries)) for name, entries in links)


def links_js(links, rng: random.Random | None):
    def cased(s):
        return mixed_case(rng, s) if rng else s
    return {cased(name): [cased(f"{c}:{i}" if scoped else i) for scoped, c, i in entries] for name, entries in links}


def render_key(key) -> str:
    """The key string of a claim SessionKey record."""
    agent, kind, has_channel, channel, has_account, account, peer, thread = key
    if kind == "main":
        text = f"agent:{agent}:main"
    elif kind == "direct":
        text = f"agent:{agent}:" + (f"{channel}:" if has_channel else "") + (f"{account}:" if has_account else "") + \
            f"direct:{peer}"
    else:
        text = f"agent:{agent}:{channel}:{kind}:{peer}"
    return text if thread == "none" else f"{text}:thread:{thread}"


def all_key_inputs():
    for links in LINK_SETS:
        yield from itertools.product(AGENTS, [links], SCOPES, GROUP_SCOPES, CHANNELS, ACCOUNTS, KINDS, IDS, THREADS)
