"""Hostile strings: the ids, names and list entries that break string handling (case
folding that is not one-to-one, padding, delimiters, empty and very long values). One
generator, shared by the conformance checks (conformance/functions/) and the string
claims' tests, so that both try the same inputs.

Two kinds of use: `rendering(rng, text)` writes one id the way a user might type it
(the package should treat it as `text`, or the claim says why not); `hostile_id(rng)`
draws an id on its own, to probe collisions (two different strings, one key)."""
from __future__ import annotations

import random

# letters whose case mapping is not the ASCII one: Turkish dotted capital I and dotless
# small i, German sharp s (upper-cases to "SS"), the Kelvin sign (lower-cases to "k"),
# the long s (upper-cases to "S"), the ligature fi (upper-cases to "FI"), Greek final
# sigma, and full-width Latin letters (NFKC-fold to ASCII)
UNUSUAL_CASE = ["\u0130", "\u0131", "\u00df", "\u1e9e", "\u212a", "\u017f", "\ufb01", "\u03c2", "\u03a3",
                "\uff21", "\uff41", "\uff49"]
# characters that separate fields in keys and list entries somewhere in OpenClaw
DELIMITERS = [":", "/", "|", "@", "#", ",", "*", "accessGroup:"]
# whitespace the package trims (and some it may not: no-break space, zero-width space)
SPACES = [" ", "  ", "\t", "\n", "\u00a0", "\u200b", "\u3000"]
LONG = 4096

# fixed hostile values, each a class of its own
ATOMS = ["", " ", "*", ":", "::", "a:b", "A", "i", "I", "\u0130", "\u0131", "ss", "\u00df", "SS", "\u212a", "k",
         "\uff41\uff4c\uff49\uff43\uff45", "alice", "ALICE", " alice ", "telegram:alice", "accessGroup:ops",
         "x" * LONG]


def mixed_case(rng: random.Random, text: str) -> str:
    """The same id with random letter case: the package lowercases where it should."""
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def padded(rng: random.Random, text: str, spaces: list[str] | None = None) -> str:
    """`text` with leading and trailing whitespace (plain spaces unless `spaces` given)."""
    pool = spaces or [" ", "  "]
    return rng.choice(pool) + text + rng.choice(pool)


def rendering(rng: random.Random, text: str, *, case: bool = True, pad: bool = True) -> str:
    """One way a user writes `text`: mixed case and surrounding spaces, each half the time
    (only the transformations the package is documented to undo)."""
    out = mixed_case(rng, text) if case and rng.random() < 0.5 else text
    return padded(rng, out) if pad and rng.random() < 0.5 else out


def hostile_id(rng: random.Random, base: str = "alice") -> str:
    """A random hostile id: an atom, or `base` with unusual-case letters, delimiters,
    unusual whitespace, or made very long, in mixed case."""
    pick = rng.randrange(6)
    if pick == 0:
        return rng.choice(ATOMS)
    if pick == 1:
        at = rng.randrange(len(base) + 1)
        return base[:at] + rng.choice(UNUSUAL_CASE) + base[at:]
    if pick == 2:
        d = rng.choice(DELIMITERS)
        return rng.choice([base + d, d + base, base + d + base])
    if pick == 3:
        return padded(rng, base, SPACES)
    if pick == 4:
        return (base * (LONG // max(1, len(base)) + 1))[:LONG + rng.randrange(3)]
    return mixed_case(rng, base)


def hostile_ids(rng: random.Random, n: int, base: str = "alice") -> list[str]:
    """Up to `n` distinct hostile ids (fewer when the generator has no more: about 200
    for a five-letter base), from at most 50 * n draws."""
    seen: dict[str, None] = {}
    for _ in range(50 * n):
        if len(seen) == n:
            break
        seen.setdefault(hostile_id(rng, base))
    return list(seen)
