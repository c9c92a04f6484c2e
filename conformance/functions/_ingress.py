"""Shared by the ingress checks: oc-ingress's values <-> the package's inputs."""
from __future__ import annotations

import itertools
import random

ENTRY_TEXT = {"me": "me", "other": "other", "star": "*"}
LISTS = [frozenset(c) for n in range(4) for c in itertools.combinations(["me", "other", "star"], n)]


def list_js(entries, rng: random.Random | None = None) -> list:
    """A list's JSON form; with rng, in random order, with blanks and padding the package trims."""
    out = [ENTRY_TEXT[e] for e in sorted(entries)]
    if rng:
        rng.shuffle(out)
        out = [f" {x} " if rng.random() < 0.2 else x for x in out]
        if rng.random() < 0.2:
            out.append("  ")
    return out


def list_value(js: list) -> frozenset:
    back = {v: k for k, v in ENTRY_TEXT.items()}
    return frozenset(back[x] for x in js)
