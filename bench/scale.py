"""Scale benchmark: how proof cost grows with the size of three seed claims, and how
BMC cost grows with depth. Each configuration runs in a fresh Python process so that
its peak memory (max RSS) is its own. Run: python bench/scale.py [--quick] [--only TEXT]

Table 1: the green claim with scaled constants, default engine with BMC to depth 1
(the proof covers every depth): verdict, engine, k, seconds, CPU seconds of the whole
process (start-up included; on a busy machine closer to the work than the wall clock),
peak MB. Pairing's two
invariants speak about its request and approval logs, and neither is inductive on its
own: the argument needs "every pending request is logged and not from the future".
The scaled pairing rows (the constants of issue 11) add no lemma by hand: the default
engine generates that one (and a few more) and proves the claim 1-inductive with them.
Table 2: each green seed claim with `--engine bmc` at depths 12, 24, 48."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED_GREENS = ["gateway-exposure-v2", "gateway-exposure-v2-protected", "nodes-pipeline", "approvals-token",
               "pairing", "pairing-cap", "ingress-gating", "routing-isolation"]
LETTERS = "abcdefgh"
PEERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"]


def scaled_configs(quick: bool):
    """(label, claim file, constants to override, invariants to add) for the scale table."""
    senders = range(2, 4) if quick else range(2, 7)

    def pairing(n):
        return {"Channels": {"enum": ["discord"]}, "Senders": {"enum": list(LETTERS[:n])}, "TTL": 2,
                "MaxPending": 3, "MaxTime": 4, "MaxEvents": 6}
    for n in senders:
        yield f"pairing |Senders|={n} TTL=2 MaxPending=3 MaxTime=4 MaxEvents=6", "pairing", pairing(n), {}
    for rids in (range(2, 3) if quick else range(2, 5)):
        for qlen in (range(2, 4) if quick else range(2, 6)):
            yield (f"nodes-pipeline RequestIds={rids} MaxQueueLen=MaxExecLen={qlen}", "nodes-pipeline",
                   {"RequestIds": {"enum": [f"r{i + 1}" for i in range(rids)]}, "MaxQueueLen": qlen,
                    "MaxExecLen": qlen}, {})
    for n in (range(2, 4) if quick else range(2, 8)):
        yield f"routing-isolation |Peers|={n}", "routing-isolation", {"Peers": {"enum": PEERS[:n]}}, {}


def run_one(spec: dict) -> dict:
    """In the child process: write the scaled green claim, check it, report."""
    from symcheck.api import load_claim, prove
    if "claim" in spec:  # a claim variant of the suite, as it is
        model = load_claim(spec["claim"])
        t0 = time.perf_counter()
        r = prove(model, depth=spec.get("depth"), engine=spec.get("engine", "auto"))
        return _report(r, time.perf_counter() - t0)
    doc = yaml.safe_load((ROOT / "claims" / f"{spec['family']}.yaml").read_text())
    doc.pop("variants", None)
    doc["constants"].update(spec.get("constants", {}))
    doc["invariants"].update(spec.get("invariants", {}))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{spec['family']}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        model = load_claim(str(path))
        t0 = time.perf_counter()
        r = prove(model, depth=spec.get("depth"), engine=spec.get("engine", "auto"))
        secs = time.perf_counter() - t0
    return _report(r, secs)


def _report(r, secs: float) -> dict:
    strength = (f"proved ({r.engine}" + (f", k={r.k})" if r.k is not None else ")")) if r.proved else \
        f"holds to {r.bound}" if r.holds else r.verdict
    # the portfolio's engines run in forked processes: their CPU counts, and the peak is the largest process's
    me, engines = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"verdict": r.verdict, "strength": strength, "engine": r.engine, "k": r.k, "seconds": secs,
            "cpu": me.ru_utime + me.ru_stime + engines.ru_utime + engines.ru_stime,
            "peak_mb": max(me.ru_maxrss, engines.ru_maxrss) / 1024}


def measure(spec: dict) -> dict:
    p = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True, text=True,
                       cwd=ROOT)
    if p.returncode != 0:
        return {"verdict": "error", "strength": p.stderr.strip().splitlines()[-1][:60], "engine": "-", "k": None,
                "seconds": 0, "cpu": 0, "peak_mb": 0}
    return json.loads(p.stdout)


def main(quick: bool, only: str | None = None) -> None:
    """`only`: just the rows of table 1 whose label contains it (no table 2)."""
    from symcheck.report.text import table
    rows = []
    for label, family, constants, invariants in scaled_configs(quick):
        if only and only not in label:
            continue
        out = measure({"family": family, "constants": constants, "invariants": invariants, "depth": 1})
        ok = out["verdict"] == "proved" and out["seconds"] < 5 and out["peak_mb"] < 500
        rows.append([label, out["verdict"], out["engine"], "-" if out["k"] is None else out["k"],
                     f"{out['seconds']:.2f}", f"{out['cpu']:.2f}", f"{out['peak_mb']:.0f}", "yes" if ok else "NO"])
        print(f"  {label}: {out['strength']} {out['seconds']:.2f} s", file=sys.stderr, flush=True)
    print("Scaled claims (default engine: the explicit-state search up to 300,000 states, else BMC to depth 1, "
          "then k-induction with generated lemmas, k-induction, PDR within 60 s); "
          "target: proved, < 5 s, < 500 MB\n")
    print(table(rows, ["configuration", "verdict", "engine", "k", "seconds", "CPU s", "peak MB", "on target"]))
    if only:
        return
    depths = [12, 24] if quick else [12, 24, 48]
    rows = []
    for name in SEED_GREENS:
        secs = []
        for d in depths:
            out = measure({"claim": name, "depth": d, "engine": "bmc"})
            if out["verdict"] != "holds":
                raise SystemExit(f"{name} at depth {d}: {out['verdict']} {out['strength']}")
            secs.append(out["seconds"])
        growth = secs[-1] / secs[0] if secs[0] > 0 else float("nan")
        rows.append([name, *(f"{s:.2f}" for s in secs), f"{growth:.1f}x for {depths[-1] // depths[0]}x depth"])
        print(f"  {name}: {' '.join(f'{s:.2f}' for s in secs)}", file=sys.stderr, flush=True)
    print("\nBMC seconds by depth (--engine bmc; the green seed claims)\n")
    print(table(rows, ["claim", *(f"depth {d}" for d in depths), "growth"]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(json.loads(sys.argv[2]))))
    else:
        only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
        main("--quick" in sys.argv, only)
