"""Trace validation of the stateful stores: the package's real pairing store (here) and
exec-approvals store (conformance/traces_approvals.py) driven from several Node processes
at once, each logged history checked against its claim's transition relation (oc-pairing-code,
oc-exec-approvals) with the explicit evaluator (symcheck.explicit), constrained to the
observed actions (the approach of trace validation against TLA+ specs, and of Jepsen's
checkers).

    python -m conformance.traces [--store pairing|approvals] [--histories N] [--workers W]
                                 [--rounds R] [--seed S] [--variant V] [--progress N]

Prints a progress line every N histories (plain lines: readable in CI logs) and one table
row per store.

The pairing store:
A history is R rounds. In a round the clock may move on (0 to 3 ticks of 30 minutes),
then every worker process runs one random operation at the same time (request, a
repeated request, approve by a live, expired or made-up code, list); the store's SQLite
transactions order them in some way nobody logs. After the round, one worker lists the
store (the contents after it). The checker keeps every claim state consistent with the
history so far: for each order of the round's operations (a linearization), each
operation must be an enabled claim action with the observed result, and the state after
the round must show the listed contents. A history with no consistent state is rejected,
and printed. Each history has its own two accounts (cap and approvals are per account,
codes unique per channel) and starts 100 hours after the previous one, on one state
directory per run."""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field

from conformance.run import HERE, PACKAGES, Skip, ensure_node, ensure_package

TICK_MS = 30 * 60 * 1000            # one claim tick: 30 minutes (TTL one hour = 2 ticks)
SENDERS = {"a1": "a", "a2": "a", "a3": "a", "b1": "b"}
START = 1_767_225_600_000           # 2026-01-01T00:00:00Z
LOCKED = "another OpenClaw process owns"  # the state database's lock, held by another worker: a refusal


def claim_model(rounds: int, variant: str | None = None):
    """oc-pairing-code (or one of its variants) at the package's scale: cap 3 per account,
    TTL 2 ticks, enough codes for every stored request plus one, time for the history."""
    from symcheck.api import load_claims
    from symcheck.explicit.evaluator import Evaluator
    from symcheck.front.actions import instances
    name = "oc-pairing-code" + (f"-{variant}" if variant else "")
    model = load_claims(name, claims=str(HERE.parent / "claims"),
                        overrides={"Cap": 3, "TTL": 2, "MaxTime": 3 * rounds,
                                   "Codes": [f"c{i}" for i in range(1, 6)]})[0]
    ev = Evaluator(model)
    insts: dict[str, list] = {}
    for action, params in instances(model):
        insts.setdefault(action.name, []).append((action, params))
    return model, ev, insts


class Workers:
    """W Node processes running one store's worker script (conformance/node/) on one state
    directory."""

    def __init__(self, node: str, root, count: int, state_dir: str, script: str = "pairing_worker.mjs"):
        env = {**os.environ, "OPENCLAW_STATE_DIR": state_dir, "HOME": state_dir}
        self.procs = [subprocess.Popen([node, str(HERE / "node" / script), str(root)], env=env,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       text=True, bufsize=1) for _ in range(count)]
        for p in self.procs:
            if json.loads(p.stdout.readline() or "{}").get("ready") is not True:
                raise RuntimeError(f"a {script} worker did not start")
        self.pool = ThreadPoolExecutor(count)

    def call(self, i: int, op: dict) -> dict:
        p = self.procs[i]
        p.stdin.write(json.dumps(op) + "\n")
        p.stdin.flush()
        return json.loads(p.stdout.readline())

    def at_once(self, ops: list[dict]) -> list[dict]:
        return list(self.pool.map(lambda io: self.call(*io), enumerate(ops)))

    def close(self) -> None:
        for p in self.procs:
            p.stdin.close()
            p.wait(timeout=30)
        self.pool.shutdown()


@dataclass
class Round:
    ticks: int                       # claim ticks the clock moved before the round
    ops: list                        # (operation, observed result), one per worker
    listed: list                     # the store's requests of this history after the round


@dataclass
class History:
    number: int
    rounds: list = field(default_factory=list)


def random_op(rng: random.Random, codes: dict) -> dict:
    """A request (new or repeated: the store decides), an approval by a code some sender
    was given (live or not) or by a made-up one, or a list."""
    pick = rng.random()
    if pick < 0.5 or not codes:
        return {"op": "request", "sender": rng.choice(sorted(SENDERS))}
    if pick < 0.85:
        return {"op": "approve", "code": rng.choice(sorted(codes.values())) if rng.random() < 0.9 else "ZZZZZZZZ"}
    return {"op": "list"}


def run_history(workers: Workers, number: int, rounds: int, rng: random.Random) -> History:
    base = START + number * 100 * 3600 * 1000
    accounts = {"a": f"h{number}a", "b": f"h{number}b"}
    history = History(number)
    now = 0
    codes: dict[str, str] = {}           # the last code each sender was given (what it could show)
    for _ in range(rounds):
        ticks = rng.choice([0, 0, 1, 2, 3]) if now + 3 <= 3 * rounds else 0
        now += ticks
        ops = [random_op(rng, codes) for _ in workers.procs]
        sent = []
        for op in ops:
            out = {**op, "now": base + now * TICK_MS}
            if op["op"] == "request":
                out["account"] = accounts[SENDERS[op["sender"]]]
            sent.append(out)
        results = workers.at_once(sent)
        listed = workers.call(0, {"op": "list", "now": base + now * TICK_MS})
        mine = [r for r in listed.get("ok", []) if r["account"] in accounts.values()]
        for op, res in zip(ops, results, strict=True):
            if op["op"] == "request" and res.get("ok", {}).get("code"):
                codes[op["sender"]] = res["ok"]["code"]
        history.rounds.append(Round(ticks, [(op, res) for op, res in zip(ops, results, strict=True)],
                                    [{**r, "tick": (r["createdAt"] - base) // TICK_MS} for r in mine]))
    return history


# --- the checker: claim states consistent with the history ------------------------

_STEPS: dict = {}


def successors(model, ev, state, insts):
    """symcheck.explicit's successors, remembered per (state, action instance): histories
    revisit the same few claim states, and the evaluator is the checker's cost."""
    from symcheck.explicit.evaluator import freeze
    from symcheck.explicit.evaluator import successors as step
    key = freeze(model, state)
    for inst in insts:
        k = (model.name, key, inst[0].name, tuple(sorted(inst[1].items())))
        if k not in _STEPS:
            _STEPS[k] = list(step(model, ev, state, [inst]))
        yield from _STEPS[k]

def _entry(state, sender):
    return dict(state["req"])[sender]        # (present, code, created)


def _live(state, sender, ttl=2) -> bool:
    present, _, created = _entry(state, sender)
    return present and state["now"] - created <= ttl


def _code_of(codes: dict, real: str) -> str | None:
    return next((c for c, r in codes.items() if r == real), None)


def _matches(model, ev, insts, state, codes, op, res):
    """The claim states (with the real code of each claim code) after `op` observed as `res`."""
    if "error" in res:                             # refused (another process holds the state lock): no change
        return [(state, codes)] if LOCKED in res["error"] else []
    got = res["ok"]
    out = []
    if op["op"] == "list":
        return [(state, codes)]                    # a list only prunes, which the claim's states already say
    if op["op"] == "request":
        s = op["sender"]
        if got["created"]:
            if got["code"] in codes.values() and any(_live(state, x) and codes.get(_entry(state, x)[1]) == got["code"]
                                                     for x in SENDERS):
                return []                          # a code another live request holds
            for (_name, params), nxt in successors(model, ev, state, insts["request_new"]):
                if params["s"] == s and not isinstance(nxt, Exception) and _entry(nxt, s)[0]:
                    c = params["c"]
                    if any(_live(state, x) and _entry(state, x)[1] == c for x in SENDERS):
                        continue
                    out.append((nxt, {**codes, c: got["code"]}))
                    break                          # codes are interchangeable: one free code stands for all
            return out
        if got["code"] == "":                      # rejected at the cap: nothing stored for s
            for _, nxt in successors(model, ev, state, [i for i in insts["request_new"] if i[1]["s"] == s]):
                if not isinstance(nxt, Exception) and not _entry(nxt, s)[0]:
                    return [(nxt, codes)]
            return []
        for _, nxt in successors(model, ev, state, [i for i in insts["request_again"] if i[1]["s"] == s]):
            if not isinstance(nxt, Exception) and codes.get(_entry(nxt, s)[1]) == got["code"]:
                out.append((nxt, codes))
        return out
    # approve: the store admits the sender whose live request holds the code, or nobody
    claim_code = _code_of(codes, op["code"])
    if got is None:
        holder = [x for x in SENDERS if _live(state, x) and _entry(state, x)[1] == claim_code]
        return [] if holder and claim_code is not None else [(state, codes)]
    for (_name, params), nxt in successors(model, ev, state, insts["operator_approves"]):
        if isinstance(nxt, Exception) or _entry(state, params["s"])[1] != claim_code:
            continue
        if _entry(state, got)[0] and not _entry(nxt, got)[0]:
            out.append((nxt, codes))
    return out


def _shows(state, codes, listed) -> bool:
    """The state's live requests are the listed ones, with their codes and creation ticks."""
    live = {x: _entry(state, x) for x in SENDERS if _live(state, x)}
    seen = {r["id"]: r for r in listed}
    if set(live) != set(seen):
        return False
    return all(codes.get(code) == seen[x]["code"] and created == seen[x]["tick"] for x, (_, code, created) in live.items())


def check_history(claim, history: History) -> tuple[bool, int]:
    """Whether some sequence of claim actions explains the history; and at which round it
    stopped when none does."""
    from symcheck.explicit.evaluator import check_state, freeze
    model, ev, insts = claim
    init = {name: ev.evaluate(e, {}, {}) for name, e in model.init}
    frontier = [(init, {})]
    for number, rnd in enumerate(history.rounds):
        ticked = []
        for state, codes in frontier:
            for _ in range(rnd.ticks):
                state = next((nxt for _, nxt in successors(model, ev, state, insts["tick"])), None)
                if state is None:
                    break
            if state is not None:
                ticked.append((state, codes))
        nxt_frontier, seen = [], set()
        for order in itertools.permutations(range(len(rnd.ops))):
            for start in ticked:
                level = [start]
                for i in order:
                    op, res = rnd.ops[i]
                    level = [m for state, codes in level for m in _matches(model, ev, insts, state, codes, op, res)]
                for state, codes in level:
                    key = (freeze(model, state), tuple(sorted(codes.items())))
                    if key not in seen and _shows(state, codes, rnd.listed) and check_state(model, ev, state) is None:
                        seen.add(key)
                        nxt_frontier.append((state, codes))
        if not nxt_frontier:
            return False, number
        frontier = nxt_frontier
    return True, len(history.rounds)


def show(history: History, stop: int) -> str:
    lines = [f"history {history.number} (rejected at round {stop + 1}):"]
    for n, rnd in enumerate(history.rounds[:stop + 1]):
        ops = "; ".join(f"{json.dumps(op)} -> {json.dumps(res)}" for op, res in rnd.ops)
        listed = ", ".join(f"{r['id']}:{r['code']}@{r['tick']}" for r in rnd.listed) or "nothing"
        lines.append(f"  round {n + 1} (+{rnd.ticks} ticks): {ops}\n    listed after: {listed}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Store:
    """One store's trace validation: its worker, its claim, its histories and their checker."""
    name: str
    label: str
    claim: str
    worker: str
    claim_model: Callable
    run_history: Callable
    check_history: Callable
    show: Callable
    refusals: Callable = lambda history: sum(1 for r in history.rounds for _, res in r.ops if "error" in res)


def stores() -> dict[str, Store]:
    from conformance import traces_approvals as ap
    return {
        "pairing": Store("pairing", "pairing (SQLite state database)", "oc-pairing-code", "pairing_worker.mjs",
                         claim_model, run_history, check_history, show),
        "approvals": Store("approvals", ap.LABEL, ap.CLAIM, ap.WORKER, ap.claim_model, ap.run_history,
                           ap.check_history, ap.show),
    }


@dataclass
class Tally:
    histories: int = 0
    operations: int = 0
    refused: int = 0
    rejected: list = field(default_factory=list)
    seconds: float = 0.0


def validate(store: Store, node: str, root, args) -> Tally:
    """Run and check args.histories histories of one store, printing progress."""
    start = time.monotonic()
    claim = store.claim_model(args.rounds, args.variant)
    rng = random.Random(args.seed)
    tally = Tally()
    every = args.progress or max(1, args.histories // 10)
    with tempfile.TemporaryDirectory() as state_dir:
        workers = Workers(node, root, args.workers, state_dir, store.worker)
        try:
            # the workers run history n + 1 while this process checks history n
            with ThreadPoolExecutor(1) as runner:
                pending = runner.submit(store.run_history, workers, 0, args.rounds, rng)
                for number in range(args.histories):
                    history = pending.result()
                    if number + 1 < args.histories:
                        pending = runner.submit(store.run_history, workers, number + 1, args.rounds, rng)
                    tally.histories += 1
                    tally.operations += sum(len(r.ops) + 1 for r in history.rounds)
                    tally.refused += store.refusals(history)
                    ok, stop = store.check_history(claim, history)
                    if not ok:
                        tally.rejected.append((history, stop))
                    if tally.histories % every == 0 or tally.histories == args.histories:
                        print(f"trace validation: {store.name} {tally.histories}/{args.histories} histories, "
                              f"{len(tally.rejected)} rejected, {time.monotonic() - start:.0f} s", flush=True)
        finally:
            workers.close()
    tally.seconds = time.monotonic() - start
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m conformance.traces", description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", choices=["pairing", "approvals"], action="append",
                    help="the store to validate (repeatable; default: both)")
    ap.add_argument("--histories", type=int, default=1000, help="histories per store")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variant", help="check against a red variant of the store's claim instead (it should reject)")
    ap.add_argument("--progress", type=int, default=0, help="a progress line every N histories (default: a tenth)")
    args = ap.parse_args(argv)
    try:
        node = ensure_node()
        root = ensure_package(PACKAGES["openclaw"])
    except Skip as why:
        print(f"SKIP trace validation: {why}")
        return 0
    chosen = [stores()[name] for name in (args.store or ["pairing", "approvals"])]
    tallies = [(store, validate(store, node, root, args)) for store in chosen]
    for _store, tally in tallies:
        for history, stop in tally.rejected[:3]:
            print(_store.show(history, stop))
    print("| store | claim | processes | histories | operations | refused by the state lock | accepted | rejected "
          "| seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for store, t in tallies:
        claim = store.claim + (f"-{args.variant}" if args.variant else "")
        print(f"| {store.label} | {claim} | {args.workers} | {t.histories} | {t.operations} | {t.refused} | "
              f"{t.histories - len(t.rejected)} | {len(t.rejected)} | {t.seconds:.0f} |")
    return 1 if any(t.rejected for _, t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
