"""Do Z3's models of string collision queries give witnesses that are real? Two checks
(docs/strings.md, the `"!0!"` witness):

- `--queries SECONDS`: small collision queries over lower()/strip() (two DMs whose keys
  `agent:main:telegram:<account id>:direct:<peer id>` collide, some collision classes of
  oc-routing-strings blocked), for seeds 0, 1, ...; each variable is decoded as BMC decodes
  it and the query's meaning is evaluated in Python on the values: a model that does not
  satisfy it is a wrong witness;
- `--round`: the class enumeration's second round (scope dm, class 2 blocked: the round that
  once gave the account "!0!"), asked of `symcheck prove --engine bmc` in this process;
  the witness and whether the evaluator replays it (every violation is replayed before it
  is reported: engines/recheck.py).

    python bench/witness_replay.py --queries 600
    python bench/witness_replay.py --round          # 10 to 20 minutes on a busy machine
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402
import z3  # noqa: E402

from symcheck.front import strings as py  # noqa: E402
from symcheck.front.ir import Opcode  # noqa: E402
from symcheck.smt import strings as zs  # noqa: E402

LOWER, STRIP = py.PYTHON[Opcode.LOWER], py.PYTHON[Opcode.STRIP]
EMPTY = z3.StringVal("")


def key(a, i, z: bool):
    """The DM key under per-account-channel-peer, as a Z3 term (z) or a Python string."""
    if z:
        acct = z3.If(zs.strip(a) == EMPTY, z3.StringVal("default"), zs.lower(zs.strip(a)))
        peer = zs.lower(zs.strip(z3.If(zs.strip(i) == EMPTY, z3.StringVal("unknown"), zs.strip(i))))
        return z3.Concat(z3.StringVal("agent:main:telegram:"), acct, z3.StringVal(":direct:"), peer)
    acct = "default" if STRIP(a) == "" else LOWER(STRIP(a))
    peer = LOWER(STRIP("unknown" if STRIP(i) == "" else STRIP(i)))
    return f"agent:main:telegram:{acct}:direct:{peer}"


# collision classes of bench/strings.py over (a1, i1, a2, i2), as Z3 terms and in Python
CLASSES = {
    0: (lambda a1, i1, a2, i2: z3.Or(zs.strip(i1) == EMPTY, zs.strip(i2) == EMPTY),
        lambda a1, i1, a2, i2: STRIP(i1) == "" or STRIP(i2) == ""),
    1: (lambda a1, i1, a2, i2: z3.And(i1 != i2, zs.strip(i1) == zs.strip(i2)),
        lambda a1, i1, a2, i2: i1 != i2 and STRIP(i1) == STRIP(i2)),
    2: (lambda a1, i1, a2, i2: z3.And(zs.strip(i1) != zs.strip(i2), zs.lower(zs.strip(i1)) == zs.lower(zs.strip(i2))),
        lambda a1, i1, a2, i2: STRIP(i1) != STRIP(i2) and LOWER(STRIP(i1)) == LOWER(STRIP(i2))),
    8: (lambda a1, i1, a2, i2: z3.And(a1 != a2, key(a1, EMPTY, True) == key(a2, EMPTY, True)),
        lambda a1, i1, a2, i2: a1 != a2 and key(a1, "", False) == key(a2, "", False)),
}
BLOCKINGS = ([2], [2, 0], [2, 1], [2, 0, 1], [8])


def query(seed: int, blocked: list[int], seconds: float) -> tuple[str, list[str] | None]:
    names = z3.Strings("a1 i1 a2 i2")
    s = z3.SolverFor("QF_SLIA")
    s.set("random_seed", seed)
    s.set("timeout", int(seconds * 1000))
    a1, i1, a2, i2 = names
    s.add(z3.Or(a1 != a2, i1 != i2), key(a1, i1, True) == key(a2, i2, True))
    s.add(*[z3.Not(CLASSES[c][0](*names)) for c in blocked])
    answer = s.check()
    if answer != z3.sat:
        return str(answer), None
    v = [zs.decode(s.model(), x) for x in names]
    real = (v[0] != v[2] or v[1] != v[3]) and key(v[0], v[1], False) == key(v[2], v[3], False) \
        and not any(CLASSES[c][1](*v) for c in blocked)
    return ("real" if real else "WRONG"), v


def queries(seconds: float, each: float = 20.0) -> None:
    end, counts = time.monotonic() + seconds, {"real": 0, "WRONG": 0, "unknown": 0, "unsat": 0}
    for seed in range(10**6):
        for blocked in BLOCKINGS:
            if time.monotonic() > end:
                print(f"{sum(counts.values())} queries: {counts}; load {os.getloadavg()[0]:.1f}")
                return
            t0 = time.monotonic()
            what, values = query(seed, blocked, each)
            counts[what] += 1
            print(f"seed {seed} blocked {blocked}: {what} in {time.monotonic() - t0:.1f} s {values or ''}", flush=True)


def enumeration_round() -> None:
    import collision_classes
    import strings as bench
    from symcheck import api
    doc = yaml.safe_load((ROOT / "bench" / "strings" / "oc-routing-strings.yaml").read_text(encoding="utf-8"))
    search = {**bench.SEARCH, "defs": {**bench.SEARCH["defs"], "in_scope(m: Msg) -> bool": bench.SCOPES["dm"]}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "oc-routing-strings.yaml"
        path.write_text(yaml.safe_dump(collision_classes.patched(doc, search, bench.ADD, bench.CLASSES, [2],
                                                                 "p: Msg, q: Msg"), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        model = api.load_claim(str(path), variant="enumerate")
        t0 = time.monotonic()
        r = api.prove(model, engine="bmc")
        took = time.monotonic() - t0
    shown = r.trace.steps[-1].state["msgs"] if r.violated and r.trace else r.reason
    print(f"round 2 (scope dm, class 2 blocked): {r.verdict} in {took:.1f} s, load {os.getloadavg()[0]:.1f}: {shown}")
    print(f"  {r.replayed or r.reason}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=float, metavar="SECONDS", help="small collision queries for this long")
    ap.add_argument("--round", action="store_true", help="the enumeration's second round, once")
    args = ap.parse_args(argv)
    if args.queries:
        queries(args.queries)
    if args.round:
        enumeration_round()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
