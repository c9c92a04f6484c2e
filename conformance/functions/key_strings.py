"""oc-routing-strings' session_key against the package on hostile single ids: mixed case,
Unicode whose case mapping is unusual (dotted and dotless i, sharp s, full-width letters,
Greek, the Kelvin sign), both languages' white space, delimiters, empty and long ids. Where
the package lower-cases a character that the claim's lower() keeps (beyond Latin-1: the
documented approximation, docs/strings.md), the disagreement is counted as documented drift."""
from __future__ import annotations

import random
import re

from conformance.functions.key_collisions import CLAIM, CLAIMS
from conformance.spec import Check
from symcheck.front.strings import WHITESPACE

PIECES = ["alice", "Alice", "ALICE", "İ", "ı", "i̇", "ß", "ẞ", "Σ", "σ", "ς", "Ａｂ", "K", "k", "É", "é", "Þ", "×",
          " ", "\t", "\u00a0", "\u2028", "\ufeff", "\u0085", "\x1c", ":", "::", ":thread:", "%", "\\", "@u:matrix.org",
          "1001", "telegram:1001", ""]
SCOPES = ["per-peer", "per-channel-peer", "per-account-channel-peer"]
CHANNELS = ["telegram", "discord", "signal"]


def _case(scope: str, ch: str, kind: str, acct: str, id_: str, thread: str) -> tuple:
    return (scope, (ch, kind, acct, id_, thread))


def cases():
    for piece in PIECES:
        for scope in SCOPES:
            yield _case(scope, "telegram", "direct", "", piece, "")
        yield _case("per-channel-peer", "telegram", "direct", piece, "bob", "")
        yield _case("per-account-channel-peer", "telegram", "direct", piece, "bob", "")
        yield _case("per-channel-peer", "discord", "group", "", piece, "")
        yield _case("per-channel-peer", "signal", "group", "", piece, "")
        yield _case("per-channel-peer", "telegram", "direct", "", "bob", piece)


def random_case(rng: random.Random) -> tuple:
    def text() -> str:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4))) + ("x" * rng.choice([0, 0, 300]))
    return _case(rng.choice(SCOPES), rng.choice(CHANNELS), rng.choice(["direct", "group"]), text(), text(), text())


def to_js(case: tuple) -> dict:
    scope, (ch, kind, acct, id_, thread) = case
    m = {"channel": ch, "kind": kind, "accountId": acct, "id": id_, "threadId": thread}
    return {"dmScope": scope, "identityLinks": {}, "messages": [m, m]}


def expected(defs, case: tuple) -> dict:
    scope, m = case
    key = defs.call("package_key", scope, (), m)  # the package's derivation (the green is the fix)
    return {"keys": [key, key], "same": True}


def drift(case: tuple, got, want) -> str | None:
    scope, (_, kind, acct, _, _) = case
    if scope == "per-account-channel-peer" and kind == "direct" and \
            not re.fullmatch(r"[a-z0-9_-]{0,64}", acct.strip(WHITESPACE).lower()):
        return "account id outside [a-z0-9_-]{0,64}: normalizeAccountId's regular expression and cut are not modelled"
    def folded(s: str) -> str:  # by character; a final sigma (toLowerCase looks at its context) as sigma
        return "".join(c.lower() for c in s).replace("\u03c2", "\u03c3")
    if "keys" in got and folded(got["keys"][0]) == folded(want["keys"][0]) and \
            any(ord(c) > 0xFF for c in "".join(case[1][2:])):
        return "lower() keeps letters beyond Latin-1 that toLowerCase maps (documented approximation)"
    return None


CHECK = Check(name="buildAgentSessionKey on hostile ids", package="openclaw", adapter="key_collision.mjs",
              claim=CLAIM, definition="package_key", cases=cases, random_case=random_case, to_js=to_js,
              expected=expected, drift=drift, claims=str(CLAIMS))
