"""How far the explicit-state engine goes within its memory budget: pairing scaled by
its number of senders (the constants of bench/scale.py), each row searched by
`--engine explicit` alone in a fresh Python process, so that its peak resident size
is its own. Prints a table: verdict, distinct states, seconds, states per second,
peak RSS (and per state, the interpreter included), the chance of a fingerprint
collision the proof states ("-": exact storage), and the machine's load average (from
`os.getloadavg`, as `uptime` prints it) before and after the row.

Run: python bench/explicit_memory.py [--senders 2,3,4,5] [--max-memory MB] [--events N] [--timeout S]"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LETTERS = "abcdefgh"


def constants(senders: int, events: int) -> dict[str, object]:
    return {"Channels": ["discord"], "Senders": list(LETTERS[:senders]), "TTL": 2, "MaxPending": 3, "MaxTime": 4,
            "MaxEvents": events}


def run_one(spec: dict[str, int]) -> dict[str, object]:
    """In the child process: one search, and what it cost."""
    from symcheck.api import load_claim
    from symcheck.engines import explicit
    model = load_claim("pairing", overrides=constants(spec["senders"], spec["events"]))
    t0 = time.perf_counter()
    from symcheck.smt.solve import Deadline
    deadline = Deadline(spec["timeout"]) if spec.get("timeout") else None
    r = explicit.run(model, None, deadline, max_memory=spec["max_memory"] << 20)
    secs = time.perf_counter() - t0
    fingerprints = next((line.rsplit(" ", 1)[-1] for line in r.proof or [] if "fingerprints" in line), "-")
    return {"verdict": r.verdict, "states": r.states or 0, "seconds": secs, "fingerprints": fingerprints,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "reason": r.reason or "",
            "proof": (r.proof or [""])[-1]}


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--senders", default="2,3,4", help="comma-separated numbers of senders")
    ap.add_argument("--events", type=int, default=6, help="MaxEvents")
    ap.add_argument("--max-memory", type=int, default=1024, help="the engine's budget in MB (resident)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per row (unknown after them, with the states "
                    "explored by then)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))))
        return
    from symcheck.report.text import table
    rows = []
    for n in (int(x) for x in args.senders.split(",")):
        before = load()
        spec = {"senders": n, "events": args.events, "max_memory": args.max_memory, "timeout": args.timeout}
        p = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True, text=True,
                           cwd=ROOT)
        if p.returncode != 0:
            raise SystemExit(p.stderr)
        out = json.loads(p.stdout)
        rows.append([f"pairing |Senders|={n} MaxEvents={args.events}", out["verdict"], f"{out['states']:,}",
                     out["fingerprints"], f"{out['seconds']:.1f}", f"{out['states'] / out['seconds']:,.0f}",
                     f"{out['peak_mb']:.0f}", f"{out['peak_mb'] * 2 ** 20 / max(1, out['states']):.0f}",
                     f"{before} / {load()}"])
        print(f"  {rows[-1][0]}: {out['verdict']} {out['reason'] or out['proof']}", file=sys.stderr, flush=True)
    print(f"The explicit-state engine alone (--engine explicit), memory budget {args.max_memory} MB resident; "
          f"TTL=2 MaxPending=3 MaxTime=4; {os.cpu_count()} cores\n")
    print(table(rows, ["configuration", "verdict", "states", "collision chance", "seconds", "states/s", "peak RSS MB",
                       "bytes/state", "load 1/5/15 min before / after"]))


if __name__ == "__main__":
    main()
