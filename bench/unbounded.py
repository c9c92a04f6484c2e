"""Proofs beyond the bounds against TLC's largest finite instance.

For each claim over sorts and unbounded integers (claims/*-unbounded.yaml): symcheck's
proof of the green (seconds, peak memory of the process and its engine processes, what
it covers) and its red's witness; next to it, the reference suite's TLA+ spec of the
same claim run by TLC at growing sizes (each run under --tlc-timeout seconds, default
600), and the largest size that finished, with its time.

    .venv/bin/python bench/unbounded.py [--reference DIR] [--tlc-timeout S] [--no-tlc]

The reference suite: a checkout of vignesh07/clawdbot-formal-models (--reference,
$SYMCHECK_REFERENCE, or /work/ref). TLC runs on a scratch copy, one worker."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from tlc import missing_tools, reference_suite, run_target, targets  # noqa: E402


def _set(names: list[str]) -> str:
    return "{" + ", ".join(f'"{n}"' for n in names) + "}"


def _names(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(1, n + 1)]


# family -> (reference make target, the TLA+ constants at size n, what grows)
SCALED = {
    "pairing-unbounded": ("pairing-cap", lambda n: {"Senders": _set(_names("s", n)), "TTL": str(n),
                                                       "MaxTime": str(n), "MaxEvents": str(n + 2)},
                          "senders = TTL = clock bound = n, events n + 2, one channel"),
    "oc-pairing-code-unbounded": (None, None, "no TLA+ spec in the reference suite (the claim follows the package)"),
    "approvals-token-unbounded": ("approvals-token", lambda n: {"RequestIds": _set(_names("r", n)),
                                                                   "MaxQueueLen": str(n), "MaxExecLen": str(n)},
                                  "request ids = queue length = log length = n"),
    "nodes-pipeline-unbounded": ("nodes-pipeline", lambda n: {"RequestIds": _set(_names("r", n)),
                                                                 "MaxQueueLen": str(n), "MaxExecLen": str(n)},
                                 "request ids = queue length = log length = n"),
    "routing-unbounded": ("routing-isolation", lambda n: {"Peers": _set(_names("p", n))}, "peers = n"),
}
SIZES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 64, 128, 256, 512)

PROVE = """
import json, resource, sys, time
from symcheck import api
green, *reds = api.load_claims(sys.argv[1])
t = time.perf_counter()
r = api.prove(green, coverage=False)
seconds = time.perf_counter() - t
w = [api.prove(red, coverage=False) for red in reds]
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"verdict": r.verdict, "engine": r.engine, "seconds": seconds, "mb": peak / 1024,
                  "what": r.proof[0] if r.proof else r.reason,
                  "reds": [(x.verdict, x.trace.length if x.trace else None) for x in w]}))
"""


def symcheck_proof(family: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROVE, f"claims/{family}.yaml"], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def tlc_largest(reference: Path, target_name: str, scale, timeout: float) -> tuple[int | None, float | None, str]:
    """The largest size TLC finished within `timeout`, its seconds, and the first size it did not."""
    target = targets(reference)[target_name]
    best: tuple[int | None, float | None] = (None, None)
    for n in SIZES:
        run = run_target(reference, target, constants=scale(n), timeout=timeout)
        print(f"  TLC {target_name} at size {n}: {run.outcome} in {run.seconds:.1f} s"
              f" ({run.distinct_states} states)", file=sys.stderr, flush=True)
        if run.outcome != "holds":
            return best[0], best[1], f"size {n}: {run.outcome} after {run.seconds:.0f} s"
        best = (n, run.seconds)
    return best[0], best[1], f"every size up to {SIZES[-1]} finished"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=None)
    ap.add_argument("--tlc-timeout", type=float, default=600.0)
    ap.add_argument("--no-tlc", action="store_true")
    args = ap.parse_args()
    reference = reference_suite(args.reference)
    why = "--no-tlc" if args.no_tlc else missing_tools(reference)
    rows = []
    for family, (target, scale, grows) in SCALED.items():
        p = symcheck_proof(family)
        reds = ", ".join(f"{v} in {n} steps" for v, n in p["reds"])
        tlc = "-"
        if target is None:
            tlc = grows
        elif why is None:
            assert reference is not None
            n, secs, stop = tlc_largest(reference, target, scale, args.tlc_timeout)
            tlc = (f"size {n} ({grows}) in {secs:.1f} s; {stop}" if n is not None else f"no size finished ({stop})")
        else:
            tlc = f"skipped: {why}"
        rows.append((family, f"{p['verdict']} ({p['engine']})", f"{p['seconds']:.1f}", f"{p['mb']:.0f}",
                     p["what"], reds, tlc))
    head = ("claim", "green", "seconds", "peak MB", "what was proved", "red", "TLC's largest finite instance")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
