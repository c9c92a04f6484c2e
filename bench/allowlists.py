"""The allow-list search of oc-allowlist-strings: every variant decided over every string,
with the time each takes. A finding variant (BMC) gives Z3's entry and sender, the admission
of a sender the entry does not name; a green (the fixed matcher, Telegram's matcher, and
each matcher's classes-complete variant) is proved for every string (k-induction) or said
to be unknown.

    python bench/allowlists.py [--timeout SECONDS] [--only VARIANT] [--record]

Prints a table with the machine's load (uptime). --record writes each finding's witness to
bench/allowlists/witnesses.json, which `make conformance` replays on the package
(conformance/functions/allowlist_admissions.py and the findings' reproducers)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from symcheck import api  # noqa: E402
from witnesses import write_witness  # noqa: E402

CLAIM = "oc-allowlist-strings"
FILE = ROOT / "bench" / "allowlists" / f"{CLAIM}.yaml"


def record(variant: str, state: dict, seconds: float) -> None:
    """Add one finding's witness (checked to be one) to bench/allowlists/witnesses.json."""
    from conformance.functions import allowlist_admissions as aa
    channel, entry, sender = state["ch"], state["entry"], state["sender"]
    why = aa.still_a_witness(variant, channel, entry, sender)
    if why is not None:
        raise SystemExit(f"{variant}: BMC's witness is not one: {why}")
    write_witness(aa.WITNESSES, CLAIM, "bench/allowlists.py", variant,
                  {"matcher": aa.matcher_of(variant), "channel": channel, "entry": entry, "sender": sender}, seconds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per variant (default 300)")
    ap.add_argument("--only", help="one variant (its name without the claim's)")
    ap.add_argument("--record", action="store_true", help="write each witness to bench/allowlists/witnesses.json")
    args = ap.parse_args(argv)
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores")
    print("| variant | verdict | seconds | load | channel, entry, sender |\n|---|---|---:|---:|---|")
    total = 0.0
    for model in api.load_claims(str(FILE)):
        variant = model.name.removeprefix(CLAIM).removeprefix("-") or "(green)"
        if args.only and args.only != variant:
            continue
        red = variant.startswith("finding-")
        start = time.perf_counter()
        out = api.prove(model, engine="bmc" if red else "auto", timeout=args.timeout, coverage=False,
                    prove_timeout=None if red else args.timeout)
        took = time.perf_counter() - start
        total += took
        verdict = ("proved" if out.proved else out.verdict) if not out.violated else "violated"
        shown = ""
        if out.violated:
            state = out.trace.steps[-1].state
            shown = ", ".join(json.dumps(state[k], ensure_ascii=True) for k in ("ch", "entry", "sender"))
            if args.record:
                record(variant, state, took)
        elif out.verdict == "unknown":
            shown = out.reason or ""
        print(f"| {variant} | {verdict} | {took:.1f} | {os.getloadavg()[0]:.1f} | {shown} |", flush=True)
    print(f"all variants: {total:.1f} s; load now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
