"""Trace validation of the exec-approvals store: the package's operator-approval store
(src/gateway/operator-approval-store.ts, the SQLite table the gateway's ExecApprovalManager
persists every exec approval in) driven from several Node processes at once, each logged
history checked against oc-exec-approvals's transition relation with the explicit
evaluator, constrained to the observed actions. Run by `python -m conformance.traces`
(conformance/traces.py drives the workers and prints the table).

A history is R rounds on three approval ids of its own. In a round the clock may move on
(0 to 3 ticks of 30 minutes), then every worker runs one random operation at the same
time: request (insert an approval for a device, timeout 2 ticks), decide (allow-once,
allow-always or deny), consume (redeem an allow-once within a window of 1 tick, as
node.invoke does), expire (the due sweep), get, or list the pending ones. After the round
one worker reads every id of the history (the contents after it).

Each store operation stands for at most one claim action, and its outcome says whether
the store took it: request/inserted is `request`, decide/resolved is `decide`, an outcome
or record `expired` is `time_out` (the store expires a due approval lazily on every read
and write), consume/consumed is `invoke` by the requesting device with the approval's own
node and binding. A refusal (existing, already-resolved, already-consumed,
redemption-expired, not-allow-once, not-found) must be one the claim makes too: its action
is not enabled in the claim's state. Every record the store returns must be the claim's
record of that id (state, device, expiry, decision time, used). What the store does not
see is not checked here: the device, node and binding checks live in node.invoke's
sanitizer (conformance and finding 7 cover them), and the ask fallback is process-local."""
from __future__ import annotations

import json
import random

from conformance.run import HERE
from conformance.traces import LOCKED, History, Round

WORKER = "approvals_worker.mjs"
CLAIM = "oc-exec-approvals"
LABEL = "exec approvals (operator-approval store, SQLite)"
TICK_MS = 30 * 60 * 1000            # one claim tick: 30 minutes
TIMEOUT, GRACE = 2, 1               # the claim's Timeout and Grace, in ticks
IDS = ("i1", "i2", "i3")
DEVICES = ("d1", "d2")
START = 1_767_225_600_000           # 2026-01-01T00:00:00Z
# the claim's approval state, as the store's (status, decision)
STATUS = {"pending": ("pending", None), "allow_once": ("allowed", "allow-once"),
          "allow_always": ("allowed", "allow-always"), "denied": ("denied", "deny"),
          "expired": ("expired", "deny")}
DECISIONS = {"allow-once": "allow_once", "allow-always": "allow_always", "deny": "denied"}


def claim_model(rounds: int, variant: str | None = None):
    """oc-exec-approvals (or a variant) with three ids and time for the history."""
    from symcheck.api import load_claims
    from symcheck.explicit.evaluator import Evaluator
    from symcheck.front.actions import instances
    name = CLAIM + (f"-{variant}" if variant else "")
    model = load_claims(name, claims=str(HERE.parent / "claims"),
                        overrides={"Ids": list(IDS), "MaxTime": 3 * rounds, "MaxExpiry": 3 * rounds + TIMEOUT,
                                   "ApprovalNode": {"i1": "n1", "i2": "n2", "i3": "n1"},
                                   "ApprovalArgv": {"i1": "ls_in_home", "i2": "rm_in_tmp", "i3": "rm_in_tmp"}})[0]
    ev = Evaluator(model)
    insts = {(action.name, tuple(sorted(params.items()))): (action, params) for action, params in instances(model)}
    return model, ev, insts, {}


# --- the histories -------------------------------------------------------------------

def random_op(rng: random.Random, asked: set, allowed: set) -> dict:
    """Requests mostly for fresh ids; decisions mostly about ids already requested in this
    history (`asked`), redemptions mostly about those allowed once (`allowed`), so that
    they meet live approvals and race each other."""
    pick, fresh = rng.random(), sorted(set(IDS) - asked)
    i = rng.choice(sorted(asked)) if asked and rng.random() < 0.85 else rng.choice(IDS)
    if pick < 0.25 or not asked:
        i = rng.choice(fresh) if fresh and rng.random() < 0.8 else rng.choice(IDS)
        return {"op": "request", "i": i, "device": rng.choice(DEVICES)}
    if pick < 0.5:
        return {"op": "decide", "i": i, "decision": rng.choice(["allow-once"] * 5 + ["allow-always"] * 2 + ["deny"] * 3)}
    if pick < 0.85:
        return {"op": "consume", "i": rng.choice(sorted(allowed)) if allowed and rng.random() < 0.7 else i}
    return {"op": rng.choice(["expire", "get", "pending"]), "i": i}


def run_history(workers, number: int, rounds: int, rng: random.Random):
    base = START + number * 100 * 3600 * 1000
    real = {i: f"h{number}.{i}" for i in IDS}
    history = History(number)
    now, asked, allowed = 0, set(), set()
    for _ in range(rounds):
        ticks = rng.choice([0, 0, 1, 2, 3]) if now + 3 <= 3 * rounds else 0
        now += ticks
        ops = [random_op(rng, asked, allowed) for _ in workers.procs]
        asked |= {op["i"] for op in ops if op["op"] == "request"}
        sent = [{**op, "id": real[op["i"]], "now": base + now * TICK_MS, "timeoutMs": TIMEOUT * TICK_MS,
                 "windowMs": GRACE * TICK_MS} for op in ops]
        results = [_mine(res, real) for res in workers.at_once(sent)]
        allowed |= {op["i"] for op, res in zip(ops, results, strict=True)
                    if op["op"] == "decide" and op["decision"] == "allow-once" and res.get("ok", {}).get("outcome") == "resolved"}
        snap = {"error": ""}
        for _ in range(20):                              # the read waits for the state lock
            snap = workers.call(0, {"op": "snapshot", "ids": [real[i] for i in IDS], "now": base + now * TICK_MS})
            if "ok" in snap:
                break
        if "ok" not in snap:
            raise RuntimeError(f"the store could not be read after round {len(history.rounds) + 1}: {snap['error']}")
        listed = {i: _ticks(r.get("record"), base) for i, r in zip(IDS, snap["ok"], strict=True)}
        history.rounds.append(Round(ticks, list(zip(ops, [_ticks_result(r, base) for r in results], strict=True)),
                                    listed))
    return history


def _mine(res: dict, real: dict) -> dict:
    """An expire or pending result keeps only this history's approvals (earlier histories'
    leftovers expire in it too)."""
    ok = res.get("ok")
    names = {v: k for k, v in real.items()}
    if isinstance(ok, dict) and "records" in ok:
        return {"ok": {**ok, "records": [r for r in ok["records"] if r["id"] in names]}}
    if isinstance(ok, list):
        return {"ok": [r for r in ok if r["id"] in names]}
    return res


def _ticks(record: dict | None, base: int) -> dict | None:
    """A store record with its times in claim ticks from the history's start (None when
    a time is not on a tick, which no claim record matches)."""
    if record is None:
        return None
    out = {k: v for k, v in record.items() if not k.endswith("AtMs")}
    out["id"] = record["id"].split(".")[-1]
    for key in ("createdAtMs", "expiresAtMs", "resolvedAtMs", "consumedAtMs"):
        ms = record[key]
        out[key[:-4]] = None if ms is None else ((ms - base) // TICK_MS if (ms - base) % TICK_MS == 0 else -1)
    return out


def _ticks_result(res: dict, base: int) -> dict:
    ok = res.get("ok")
    if isinstance(ok, list):
        return {"ok": [_ticks(r, base) for r in ok]}
    if isinstance(ok, dict) and "records" in ok:
        return {"ok": {**ok, "records": [_ticks(r, base) for r in ok["records"]]}}
    if isinstance(ok, dict):
        return {"ok": {**ok, "record": _ticks(ok.get("record"), base)}}
    return res


# --- the checker ---------------------------------------------------------------------

def _appr(state, i):
    return dict(state["appr"])[i]            # (state, device, expires, resolved_at, used)


def _step(claim, state, name: str, **params):
    """The claim's next state under one action instance, or None when it is not enabled
    (remembered: histories revisit the same few claim states)."""
    from symcheck.explicit.evaluator import freeze
    from symcheck.explicit.evaluator import successors
    model, ev, insts, memo = claim
    key = (freeze(model, state), name, tuple(sorted(params.items())))
    if key not in memo:
        memo[key] = next((nxt for _, nxt in successors(model, ev, state, [insts[key[1:]]])
                          if not isinstance(nxt, Exception)), None)
    return memo[key]


def _lazy_expire(claim, state, i):
    """The store expires a due pending approval before anything else it does with it."""
    return _step(claim, state, "time_out", i=i) or state


def _invoke(claim, state, i):
    """The redemption node.invoke asks the store for: the requesting device, the approval's
    own node and binding, no fallback."""
    consts = {c.name: c.value for c in claim[0].constants}
    device = _appr(state, i)[1]
    if device not in DEVICES:
        return None
    node, argv = dict(consts["ApprovalNode"])[i], dict(consts["ApprovalArgv"])[i]
    return _step(claim, state, "invoke", i=i, d=device, n=node, v=argv, fb=False)


def same(state, i, record) -> bool:
    """The store's record of i is the claim's (None: the store has none)."""
    st, device, expires, resolved, used = _appr(state, i)
    if record is None:
        return st == "none"
    if st == "none" or (record["status"], record["decision"]) != STATUS[st]:
        return False
    return (record["device"] == device and record["expires"] == expires
            and (st == "pending" or record["resolved"] == resolved) and (record["consumed"] is not None) == used)


def step_op(claim, state, op: dict, res: dict):
    """The claim state after `op` observed as `res`, or None when the claim cannot explain it."""
    if "error" in res:                                  # refused (another process holds the state lock)
        return state if LOCKED in res["error"] else None
    got, i = res["ok"], op.get("i")
    kind = op["op"]
    if kind in ("expire", "pending"):
        due = {j for j in IDS if _step(claim, state, "time_out", i=j) is not None}
        for j in due:
            state = _step(claim, state, "time_out", i=j)
        records = {r["id"]: r for r in (got["records"] if kind == "expire" else got)}
        # the sweep returns exactly the approvals it expired; the list, the pending ones after it
        want = due if kind == "expire" else {j for j in IDS if _appr(state, j)[0] == "pending"}
        if set(records) != want or not all(same(state, j, r) for j, r in records.items()):
            return None
        return state
    outcome, record = got["outcome"], got.get("record")
    if kind == "request":
        if outcome == "inserted":
            state = _step(claim, state, "request", i=i, r=op["device"])
        elif _step(claim, state, "request", i=i, r=op["device"]) is not None:
            return None                                 # the claim would have taken a fresh request
    elif kind == "decide":
        dec = DECISIONS[op["decision"]]
        if outcome == "resolved":
            state = _step(claim, state, "decide", i=i, dec=dec)
        else:
            state = _lazy_expire(claim, state, i)
            if outcome != "expired" and _step(claim, state, "decide", i=i, dec=dec) is not None:
                return None                             # refused a decision the claim takes
    elif kind == "consume":
        state = _lazy_expire(claim, state, i)
        if outcome == "consumed":
            state = _invoke(claim, state, i) if _appr(state, i)[0] == "allow_once" else None
        elif _appr(state, i)[0] == "allow_once" and _invoke(claim, state, i) is not None:
            return None                                 # refused a redemption the claim allows
    else:                                               # get
        state = _lazy_expire(claim, state, i)
    if state is None or (outcome == "not-found") != (_appr(state, i)[0] == "none"):
        return None
    if record is not None and not same(state, i, record):
        return None
    return state


def check_history(claim, history) -> tuple[bool, int]:
    """Whether some order of each round's operations is a run of the claim that shows the
    store's contents after every round; and at which round it stopped when none is."""
    import itertools

    from symcheck.explicit.evaluator import check_state, freeze
    model, ev = claim[0], claim[1]
    frontier = [{name: ev.evaluate(e, {}, {}) for name, e in model.init}]
    for number, rnd in enumerate(history.rounds):
        ticked = []
        for state in frontier:
            for _ in range(rnd.ticks):
                state = state and _step(claim, state, "tick")
            if state is not None:
                ticked.append(state)
        nxt, seen = [], set()
        for order in itertools.permutations(range(len(rnd.ops))):
            for state in ticked:
                for k in order:
                    state = state and step_op(claim, state, *rnd.ops[k])
                if state is None:
                    continue
                for i in IDS:                           # the read after the round expires due ones too
                    state = _lazy_expire(claim, state, i)
                key = freeze(model, state)
                if key not in seen and all(same(state, i, rnd.listed[i]) for i in IDS) \
                        and check_state(model, ev, state) is None:
                    seen.add(key)
                    nxt.append(state)
        if not nxt:
            return False, number
        frontier = nxt
    return True, len(history.rounds)


def show(history, stop: int) -> str:
    lines = [f"history {history.number} (rejected at round {stop + 1}):"]
    for n, rnd in enumerate(history.rounds[:stop + 1]):
        ops = "; ".join(f"{json.dumps(op)} -> {json.dumps(res)}" for op, res in rnd.ops)
        listed = ", ".join(f"{i}:{json.dumps(r)}" for i, r in rnd.listed.items())
        lines.append(f"  round {n + 1} (+{rnd.ticks} ticks): {ops}\n    read after: {listed}")
    return "\n".join(lines)
