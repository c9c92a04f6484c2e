"""Differential soak: thousands of random claims, each checked by every property of
tests/differential.py (BMC against the explicit-state evaluator). Seeded and
reproducible; prints how many claims held and were violated, how, and at which depth.

    python bench/soak.py [--examples 5000] [--seed 0] [--jobs 2]

Exit status 0 when no property failed. A failure is shrunk by Hypothesis and written as
claim YAML (bench/soak-failure-<seed>.yaml): move it to tests/data/differential/ to keep
it as a regression test."""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from claimgen import claims  # noqa: E402
from differential import PROPERTIES, check_case, kind, make_case  # noqa: E402


def run_job(job: tuple) -> dict:
    """One seeded Hypothesis run of `examples` claims; counts what they came out as."""
    examples, job_seed, shrink = job
    stats = {"runs": 0, "kinds": Counter(), "depths": Counter(), "notes": Counter(), "failure": None, "error": None}
    last = {}

    @seed(job_seed)
    @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
              phases=list(Phase) if shrink else [Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(claims())
    def soak(claim):
        last["claim"] = claim
        case = make_case(claim)
        check_case(case)
        stats["runs"] += 1
        stats["kinds"][kind(case)] += 1
        if case.bmc.violated:
            stats["depths"][case.bmc.depth] += 1
        stats["notes"][f"default engine: {case.notes['proof']}"] += 1
        if "matrix rows" in case.notes:
            stats["notes"]["matrices compared row by row"] += 1
            stats["notes"]["matrix rows compared with single runs"] += case.notes["matrix rows"]

    try:
        soak()
    except Exception:  # noqa: BLE001 - a disagreement (or a crash), shrunk by Hypothesis
        stats["error"] = traceback.format_exc(limit=8)
        stats["failure"] = last["claim"].yaml() if "claim" in last else None
    return stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=5000, help="claims in all (default 5000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes, each with its own seed")
    ap.add_argument("--no-shrink", action="store_true", help="report a failure as found, without shrinking it")
    args = ap.parse_args()
    jobs = [(args.examples // args.jobs + (1 if j < args.examples % args.jobs else 0), args.seed * 1000 + j,
             not args.no_shrink) for j in range(args.jobs)]
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        results = pool.map(run_job, jobs)
    seconds = time.perf_counter() - t0
    kinds, depths, notes = Counter(), Counter(), Counter()
    runs = 0
    failures = []
    for (_, job_seed, _), r in zip(jobs, results):
        runs += r["runs"]
        kinds.update(r["kinds"])
        depths.update(r["depths"])
        notes.update(r["notes"])
        if r["error"]:
            failures.append((job_seed, r))
    holds = sum(n for k, n in kinds.items() if k.startswith("holds"))
    violated = runs - holds
    print(f"differential soak: {runs} claims checked (seed {args.seed}, {args.jobs} jobs) in {seconds:.0f} s")
    print(f"  properties on each claim: {', '.join(p.__name__ for p in PROPERTIES)}")
    print(f"  disagreements: {len(failures)}")
    print(f"  holds {holds} ({100 * holds / max(runs, 1):.0f}%), violated {violated} "
          f"({100 * violated / max(runs, 1):.0f}%)")
    for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"    {k:<32} {n}")
    print("  counterexample length (steps): " + ", ".join(f"{d}: {n}" for d, n in sorted(depths.items())))
    for k, n in sorted(notes.items()):
        print(f"  {k:<42} {n}")
    for job_seed, r in failures:
        print(f"\nFAILURE (job seed {job_seed}):\n{r['error']}")
        if r["failure"] and not args.no_shrink:
            path = ROOT / "bench" / f"soak-failure-{job_seed}.yaml"
            path.write_text(r["failure"])
            print(f"shrunk claim written to {path.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
