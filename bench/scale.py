"""Scale benchmark: how proof cost grows with the size of three seed claims, and how
BMC cost grows with depth. Each configuration runs in a fresh Python process so that
its peak memory (max RSS) is its own. Run: python bench/scale.py [--quick]

Table 1: the green claim with scaled constants, default engine with BMC to depth 1
(the proof covers every depth): strength, seconds, peak MB. Pairing's two invariants
speak about its request and approval logs, and neither is inductive on its own: the
argument needs "every pending request is logged and not from the future". The scaled
pairing rows add that lemma as a third invariant (`pending_logged`, itself checked);
one row shows pairing without it.
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


PAIRING_LEMMA = {"pending_logged": "all(r in request_log and r.createdAt <= now for r in pending)"}


def scaled_configs(quick: bool):
    """(label, claim file, constants to override, invariants to add) for the scale table."""
    senders = range(2, 4) if quick else range(2, 7)

    def pairing(n):
        return {"Channels": {"enum": ["discord"]}, "Senders": {"enum": list(LETTERS[:n])}, "TTL": 2,
                "MaxPending": 3, "MaxTime": 4, "MaxEvents": 6}
    yield "pairing |Senders|=2, no lemma", "pairing", pairing(2), {}
    for n in senders:
        yield f"pairing |Senders|={n} + lemma", "pairing", pairing(n), PAIRING_LEMMA
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
    strength = (f"proved ({r.engine}" + (f", k={r.depth})" if r.engine == "kind" else ")")) if r.proved else \
        f"holds to {r.depth}" if r.holds else r.verdict
    return {"verdict": r.verdict, "strength": strength, "seconds": secs,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(spec: dict) -> dict:
    p = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True, text=True,
                       cwd=ROOT)
    if p.returncode != 0:
        return {"verdict": "error", "strength": p.stderr.strip().splitlines()[-1][:60], "seconds": 0, "peak_mb": 0}
    return json.loads(p.stdout)


def main(quick: bool) -> None:
    from symcheck.report.text import table
    rows = []
    for label, family, constants, invariants in scaled_configs(quick):
        out = measure({"family": family, "constants": constants, "invariants": invariants, "depth": 1})
        ok = out["verdict"] == "proved" and out["seconds"] < 5 and out["peak_mb"] < 500
        rows.append([label, out["strength"], f"{out['seconds']:.2f}", f"{out['peak_mb']:.0f}",
                     "yes" if ok else "NO"])
        print(f"  {label}: {out['strength']} {out['seconds']:.2f} s", file=sys.stderr, flush=True)
    print("Scaled claims (default engine: BMC to depth 1, then k-induction / PDR within 60 s); "
          "target: proved, < 5 s, < 500 MB\n")
    print(table(rows, ["configuration", "strength", "seconds", "peak MB", "on target"]))
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
        main("--quick" in sys.argv)
