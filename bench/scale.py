"""Scale benchmark: what a user gets with no options, as the claims grow, next to TLC in
the same run. Each configuration runs in a fresh Python process (its peak memory is
its own, the race's engine processes included). Run:

    python bench/scale.py [--quick] [--only TEXT[,TEXT...]] [--reference DIR] [--tlc-timeout S] [--no-tlc] [--no-bmc]

Table 1: pairing with |Senders| = 2..6 (Channels {discord}, TTL 2, MaxPending 3, MaxTime
4, MaxEvents 6) and nodes-pipeline with RequestIds 2..4 x MaxQueueLen = MaxExecLen 2..5,
the green claim with scaled constants checked as `symcheck prove` checks it with no
option (the explicit search's head start, then the race: engines/race.py): verdict,
engine, seconds, CPU seconds of the whole process tree, peak MB of its largest
process; then the same with `check --cross-check` (api.check_variant: the verdict
again from an engine that shares no code with the first); then TLC on the reference
suite's spec with the same constants (one JVM, `-workers 1`, as bench/tlc.py runs it):
its verdict, distinct states and seconds. The machine's load average (`uptime`) is
taken before each row. Target: proved, at least 2x faster than TLC, under 500 MB.
Table 2: each green seed claim with `--engine bmc` at depths 12, 24, 48 (`--no-bmc`
leaves it out)."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEED_GREENS = ["gateway-exposure-v2", "gateway-exposure-v2-protected", "nodes-pipeline", "approvals-token",
               "pairing", "pairing-cap", "ingress-gating", "routing-isolation"]
LETTERS = "abcdefgh"
TARGET_RATIO, TARGET_MB = 2.0, 500
# family -> the reference suite's make target whose cfg TLC runs with the scaled constants
TLC_TARGETS = {"pairing": "pairing", "nodes-pipeline": "nodes-pipeline"}


def _tla_set(items) -> str:
    return "{" + ",".join(f'"{x}"' for x in items) + "}"


def scaled_configs(quick: bool):
    """(label, claim family, constants for the claim, the same constants in TLA+)."""
    for n in (range(2, 4) if quick else range(2, 7)):
        senders = list(LETTERS[:n])
        yield (f"pairing |Senders|={n}", "pairing",
               {"Channels": {"enum": ["discord"]}, "Senders": {"enum": senders}, "TTL": 2, "MaxPending": 3,
                "MaxTime": 4, "MaxEvents": 6},
               {"Senders": _tla_set(senders), "TTL": "2", "MaxPending": "3", "MaxTime": "4", "MaxEvents": "6"})
    for rids in (range(2, 3) if quick else range(2, 5)):
        for qlen in (range(2, 4) if quick else range(2, 6)):
            ids = [f"r{i + 1}" for i in range(rids)]
            yield (f"nodes-pipeline RequestIds={rids} Len={qlen}", "nodes-pipeline",
                   {"RequestIds": {"enum": ids}, "MaxQueueLen": qlen, "MaxExecLen": qlen},
                   {"RequestIds": _tla_set(ids), "MaxQueueLen": str(qlen), "MaxExecLen": str(qlen)})


def run_one(spec: dict) -> dict:
    """In the child process: write the scaled green claim, check it with no option (or
    as `check --cross-check` checks it), report."""
    from symcheck.api import check_variant, load_claim, prove
    if "claim" in spec:  # a claim variant of the suite, as it is
        model = load_claim(spec["claim"])
        t0 = time.perf_counter()
        r = prove(model, depth=spec.get("depth"), engine=spec.get("engine", "auto"))
        return _report(r, time.perf_counter() - t0)
    doc = yaml.safe_load((ROOT / "claims" / f"{spec['family']}.yaml").read_text())
    doc.pop("variants", None)
    doc["constants"].update(spec.get("constants", {}))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{spec['family']}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        model = load_claim(str(path))
        t0 = time.perf_counter()
        if spec.get("cross"):
            r, _ = check_variant(model, cross=True, timeout=spec.get("timeout"))
        else:
            r = prove(model)
        secs = time.perf_counter() - t0
    return _report(r, secs)


def _report(r, secs: float) -> dict:
    # the race's engines run in forked processes: their CPU counts, and the peak is the largest process's
    me, engines = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cross = next((line for line in r.proof if line.startswith(("cross-checked", "not cross-checked"))), None)
    return {"verdict": r.verdict, "engine": r.engine, "k": r.k, "seconds": secs,
            "cpu": me.ru_utime + me.ru_stime + engines.ru_utime + engines.ru_stime,
            "peak_mb": max(me.ru_maxrss, engines.ru_maxrss) / 1024, "reason": r.reason, "cross": cross}


def measure(spec: dict) -> dict:
    p = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True, text=True,
                       cwd=ROOT)
    if p.returncode != 0:
        return {"verdict": "error", "engine": "-", "k": None, "seconds": 0, "cpu": 0, "peak_mb": 0,
                "reason": (p.stderr.strip().splitlines() or ["?"])[-1][:80], "cross": None}
    return json.loads(p.stdout)


def load() -> str:
    """The 1-minute load average, as `uptime` gives it."""
    return f"{os.getloadavg()[0]:.1f}"


def tlc_run(reference, make, family: str, constants: dict, timeout: float):
    import tlc
    return tlc.run_target(reference, make[TLC_TARGETS[family]], constants=constants, timeout=timeout)


def main(quick: bool, only: str | None, reference_dir: str | None, tlc_timeout: float, use_tlc: bool,
         bmc_table: bool) -> None:
    """`only`: just the rows of table 1 whose label contains one of its comma-separated
    parts. The cross-checked run gets the TLC timeout as its own limit."""
    from symcheck.report.text import table
    import tlc
    reference = tlc.reference_suite(reference_dir) if use_tlc else None
    why = tlc.missing_tools(reference) if use_tlc else "--no-tlc"
    make = tlc.targets(reference) if reference is not None and why is None else None
    print(f"uptime at the start: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if make is None:
        print(f"TLC: not run ({why})")
    rows = []
    for label, family, constants, tla in scaled_configs(quick):
        if only and not any(part in label for part in only.split(",")):
            continue
        at = load()
        out = measure({"family": family, "constants": constants})
        cross = measure({"family": family, "constants": constants, "cross": True, "timeout": tlc_timeout})
        run = tlc_run(reference, make, family, tla, tlc_timeout) if make is not None else None
        tlc_secs = run.seconds if run is not None else None
        ratio = tlc_secs / out["seconds"] if tlc_secs and out["seconds"] > 0 else None
        beyond = run is not None and run.outcome == "timeout"
        ok = out["verdict"] == "proved" and out["peak_mb"] < TARGET_MB and ratio is not None and ratio >= TARGET_RATIO
        agreed = ("agree" if (cross["cross"] or "").startswith("cross-checked") else
                  "not checked" if (cross["cross"] or "").startswith("not cross") else cross["verdict"])
        rows.append([label, at, out["verdict"], out["engine"], "-" if out["k"] is None else out["k"],
                     f"{out['seconds']:.2f}", f"{out['cpu']:.2f}", f"{out['peak_mb']:.0f}",
                     f"{cross['seconds']:.2f}", f"{cross['peak_mb']:.0f}", agreed,
                     "-" if run is None else (f"{run.distinct_states:,}" if run.distinct_states else "-"),
                     "-" if run is None else (f">{tlc_timeout:g}" if beyond else f"{tlc_secs:.1f}"),
                     "-" if ratio is None else (f">{ratio:.1f}x" if beyond else f"{ratio:.1f}x"),
                     "yes" if ok else "NO"])
        print(f"  [load {at}] {label}: {out['verdict']} ({out['engine']}) {out['seconds']:.2f} s, "
              f"{out['peak_mb']:.0f} MB; --cross-check {cross['seconds']:.2f} s ({cross['cross'] or cross['reason']}); "
              f"TLC {'-' if run is None else run.outcome} {'-' if tlc_secs is None else f'{tlc_secs:.1f} s'}",
              file=sys.stderr, flush=True)
    print("\nScaled claims, default options (`symcheck prove CLAIM --set ...`), then `check --cross-check`, then TLC "
          f"(-workers 1, timeout {tlc_timeout:g} s); target: proved, >= {TARGET_RATIO:g}x TLC, < {TARGET_MB} MB\n")
    print(table(rows, ["configuration", "load", "verdict", "engine", "k", "seconds", "CPU s", "peak MB",
                       "cross-check s", "cross MB", "cross-check", "TLC states", "TLC s", "TLC / symcheck",
                       "on target"]))
    print(f"uptime at the end: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if only or not bmc_table:
        return
    depths = [12, 24] if quick else [12, 24, 48]
    rows = []
    for name in SEED_GREENS:
        secs = []
        for d in depths:
            out = measure({"claim": name, "depth": d, "engine": "bmc"})
            if out["verdict"] != "holds":
                raise SystemExit(f"{name} at depth {d}: {out['verdict']} {out['reason']}")
            secs.append(out["seconds"])
        growth = secs[-1] / secs[0] if secs[0] > 0 else float("nan")
        rows.append([name, load(), *(f"{s:.2f}" for s in secs), f"{growth:.1f}x for {depths[-1] // depths[0]}x depth"])
    print("\nBMC seconds by depth (--engine bmc; the green seed claims)\n")
    print(table(rows, ["claim", "load", *(f"depth {d}" for d in depths), "growth"]))


def _option(name: str, default: str | None = None) -> str | None:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(json.loads(sys.argv[2]))))
    else:
        main("--quick" in sys.argv, _option("--only"), _option("--reference"), float(_option("--tlc-timeout", "300")),
             "--no-tlc" not in sys.argv, "--no-bmc" not in sys.argv)
