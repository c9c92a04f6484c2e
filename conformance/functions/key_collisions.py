"""Every collision class of oc-routing-strings replayed on the package: for each red variant
named finding-*, BMC finds two messages (Z3's strings) that get one session key; the
package's buildAgentSessionKey (+ resolveThreadSessionKeys) is run on both, and the check
agrees when the package gives the keys the claim derives, and the two are the same.
Run on demand (`python -m conformance.run --only key_collisions`): it asks BMC for each
finding's witness first, minutes per finding on 2 cores, too long for `make conformance`."""
from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from conformance.spec import Check

ON_DEMAND = True  # see the docstring: load_checks skips it unless named
CLAIM = "oc-routing-strings"
CLAIMS = Path(__file__).resolve().parents[2] / "bench" / "strings"
CACHE = Path(os.environ.get("SYMCHECK_CACHE") or Path.home() / ".cache" / "symcheck")


def _witness(model) -> tuple:
    """(dmScope, identityLinks, the two messages) of one finding variant, from BMC; kept in
    the cache folder under the claim file's hash (make conformance computes them once)."""
    from symcheck import api
    text = (CLAIMS / f"{CLAIM}.yaml").read_text()
    path = CACHE / "witnesses" / f"{model.name}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    if path.is_file():
        msgs = [tuple(m) for m in json.loads(path.read_text())]
    else:
        result = api.prove(model, engine="bmc", timeout=900)
        if not result.violated:
            raise RuntimeError(f"{model.name}: no witness ({result.verdict}: {result.reason})")
        msgs = list(result.trace.steps[-1].state["msgs"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(msgs))
    return (model.name, model.constant("DmScope").value, model.constant("IdentityLinks").value, tuple(msgs))


@functools.cache
def _models() -> tuple:
    from symcheck import api
    return tuple(m for m in api.load_claims(str(CLAIMS / f"{CLAIM}.yaml")) if "-finding-" in m.name)


_found: dict[int, tuple] = {}


def witness(i: int) -> tuple:
    if i not in _found:
        _found[i] = _witness(_models()[i])
    return _found[i]


def cases():
    yield from range(len(_models()))


def to_js(i: int) -> dict:
    _, scope, links, msgs = witness(i)
    return {"dmScope": scope, "identityLinks": {canonical: list(members) for canonical, members in links},
            "messages": [{"channel": ch, "kind": kind, "accountId": acct, "id": id_, "threadId": thread}
                         for ch, kind, acct, id_, thread in msgs]}


def expected(defs, i: int) -> dict:
    _, scope, links, msgs = witness(i)
    keys = [defs.call("session_key", scope, links, m) for m in msgs]
    return {"keys": keys, "same": keys[0] == keys[1]}


CHECK = Check(name="buildAgentSessionKey on each collision witness", package="openclaw", adapter="key_collision.mjs",
              claim=CLAIM, definition="session_key (both messages of each finding-* witness)", cases=cases,
              random_case=lambda rng: rng.randrange(len(_models())), to_js=to_js,
              expected=expected, claims=str(CLAIMS))
