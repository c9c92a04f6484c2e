"""Differential soak: thousands of random claims (tests/claimgen.py: random formulas and
shaped claims), each checked by every property and every engine of
tests/differential.py against the explicit-state evaluator. Seeded and reproducible;
prints what the claims came out as, a table of what each engine decided and whether
the evaluator agreed, and histograms of counterexample length and of the k at which
k-induction proved the holding claims.

    python bench/soak.py [--examples 5000] [--seed 0] [--jobs 2]

Exit status 0 when no property failed. A failure is shrunk by Hypothesis and written
as a claim file under tests/regressions/ (its header says how to reproduce it),
where tests/test_differential.py keeps it as a regression test."""
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

from claimgen import any_claims  # noqa: E402
from differential import (ENGINES, HOLDS, PROPERTIES, PROVED, UNDECIDED, VIOLATED,  # noqa: E402
                          check_case, make_case, outcome)

REGRESSIONS = ROOT / "tests" / "regressions"
DECIDED = (PROVED, VIOLATED, HOLDS)


def tally(case, stats: dict) -> None:
    """Add one checked case to the counts."""
    stats["runs"] += 1
    stats["kinds"][outcome(case)] += 1
    for name, run in case.runs.items():
        stats["engines"][(name, run.decided)] += 1
        if run.decided in DECIDED and run.confirmed:
            stats["engines"][(name, "confirmed")] += 1
    full = case.reachable
    if full is not None and full.invariant is not None:
        stats["lengths"][full.depth] += 1
    elif case.bmc.violated:
        stats["lengths"][case.bmc.length] += 1
    elif full is not None:  # holds at every depth: which engine proves it, at which k
        k, p = case.runs["kind"], case.runs["pdr"]
        stats["induct"][f"k = {k.k}" if k.decided == PROVED else
                        "PDR only" if p.decided == PROVED else "bounded only"] += 1
        if k.decided == PROVED and k.how == "diameter":
            stats["notes"]["k-induction proofs by the recurrence diameter"] += 1
    if "matrix rows" in case.notes:
        stats["notes"]["matrix rows compared with single runs"] += case.notes["matrix rows"]


def run_job(job: tuple) -> dict:
    """One seeded Hypothesis run of `examples` claims; counts what they came out as."""
    examples, job_seed, shrink = job
    stats = {"runs": 0, "kinds": Counter(), "engines": Counter(), "lengths": Counter(), "induct": Counter(),
             "notes": Counter(), "failure": None, "error": None}
    last = {}

    @seed(job_seed)
    @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
              phases=list(Phase) if shrink else [Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(any_claims())
    def soak(claim):
        last["claim"] = claim
        case = make_case(claim)
        check_case(case)
        tally(case, stats)

    try:
        soak()
    except Exception:  # noqa: BLE001 - a disagreement (or a crash), shrunk by Hypothesis
        stats["error"] = traceback.format_exc(limit=8)
        stats["failure"] = last["claim"].yaml() if "claim" in last else None
    return stats


def _numbered_job(numbered: tuple) -> tuple:
    i, job = numbered
    return i, run_job(job)


def engine_table(engines: Counter) -> list[str]:
    """engine x what it decided x how many the explicit evaluator confirmed."""
    cols = ("ran", PROVED, VIOLATED, "holds (bound)", UNDECIDED, "agreed", "confirmed")
    lines = [f"    {'engine':<10}" + "".join(f"{c:>14}" for c in cols)]
    for name in ENGINES:
        n = {d: engines[(name, d)] for d in (PROVED, VIOLATED, HOLDS, UNDECIDED)}
        ran = sum(n.values())
        if not ran:
            continue
        agreed = n[PROVED] + n[VIOLATED] + n[HOLDS]  # every decided verdict passed its comparison
        row = (ran, n[PROVED], n[VIOLATED], n[HOLDS], n[UNDECIDED], agreed, engines[(name, "confirmed")])
        lines.append(f"    {name:<10}" + "".join(f"{v:>14}" for v in row))
    return lines


def histogram(counts: Counter, key=lambda k: k) -> str:
    return ", ".join(f"{k}: {n}" for k, n in sorted(counts.items(), key=lambda kv: key(kv[0])))


def save_failure(text: str, error: str, job_seed: int, total: int, jobs: int) -> Path:
    """The shrunk claim as a regression file (never over an earlier one) whose header says
    what failed, how to reproduce it alone, and which soak found it."""
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    path = REGRESSIONS / f"soak-{job_seed}.yaml"
    n = 1
    while path.exists():
        n += 1
        path = REGRESSIONS / f"soak-{job_seed}-{n}.yaml"
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# domains:"))
    domains = [line for line in text.splitlines() if line.startswith("# domains:")]
    failed = [line.strip() for line in error.strip().splitlines() if line.strip()][-1:]
    head = ["# Found by the differential soak and shrunk by Hypothesis:",
            f"#   python bench/soak.py --examples {total} --seed {job_seed // 1000} --jobs {jobs}"
            f"  (job seed {job_seed})",
            f"# Failed: {failed[0][:200] if failed else '?'}",
            "# Reproduce:",
            f"#   pytest tests/test_differential.py -k {path.stem}",
            "# Describe the bug here once it is understood (a `# known bug: ...` line keeps it as a strict xfail"
            " until fixed)."] + domains
    path.write_text("\n".join(head) + "\n" + body + "\n")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=5000, help="claims in all (default 5000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes, each with its own seed")
    ap.add_argument("--no-shrink", action="store_true", help="report a failure as found, without shrinking it")
    ap.add_argument("--fail-fast", action="store_true",
                    help="stop every job at the first failure (the mutant bench: only whether it fails counts)")
    args = ap.parse_args()
    jobs = [(args.examples // args.jobs + (1 if j < args.examples % args.jobs else 0), args.seed * 1000 + j,
             not args.no_shrink) for j in range(args.jobs)]
    t0 = time.perf_counter()
    if args.jobs == 1:
        results = [(jobs[0], run_job(jobs[0]))]
    else:
        done = {}
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            for i, r in pool.imap_unordered(_numbered_job, list(enumerate(jobs))):
                done[i] = r
                if args.fail_fast and r["error"]:  # the other jobs' claims no longer matter
                    pool.terminate()
                    break
        results = [(jobs[i], done[i]) for i in sorted(done)]
    seconds = time.perf_counter() - t0
    kinds, engines, lengths, induct, notes = Counter(), Counter(), Counter(), Counter(), Counter()
    runs = 0
    failures = []
    for (examples, job_seed, _), r in results:
        runs += r["runs"]
        for total, part in ((kinds, "kinds"), (engines, "engines"), (lengths, "lengths"), (induct, "induct"),
                            (notes, "notes")):
            total.update(r[part])
        if r["error"]:
            failures.append((job_seed, examples, r))
    holds = sum(n for k, n in kinds.items() if k.startswith("holds"))
    violated = runs - holds
    print(f"differential soak: {runs} claims checked (seed {args.seed}, {args.jobs} jobs) in {seconds:.0f} s")
    print(f"  properties on each claim: {', '.join(p.__name__ for p in PROPERTIES)}")
    print(f"  disagreements: {len(failures)}")
    print(f"  holds to the bound {holds} ({100 * holds / max(runs, 1):.0f}%), violated {violated} "
          f"({100 * violated / max(runs, 1):.0f}%)")
    for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"    {k:<48} {n}")
    print("  engines (agreed: every decided verdict matched the evaluator; confirmed: the evaluator")
    print("  could check it, which for a proof needs the whole state space):")
    print("\n".join(engine_table(engines)))
    bad = sum(lengths.values())
    deep = sum(n for d, n in lengths.items() if d >= 4)
    print(f"  counterexample length (steps; violated at any depth, {bad} claims; "
          f"{100 * deep / max(bad, 1):.0f}% need >= 4, {sum(n for d, n in lengths.items() if d >= 10)} need >= 10):")
    print("    " + histogram(lengths))
    proved = sum(induct.values())
    shallow = sum(n for k, n in induct.items() if k in ("k = 0", "k = 1"))
    print(f"  inductiveness (claims that hold at every depth, {proved}; "
          f"{100 * (proved - shallow) / max(proved, 1):.0f}% are not 1-inductive):")
    print("    " + histogram(induct, key=lambda k: (0, int(k[4:])) if k.startswith("k = ") else (1, k)))
    for k, n in sorted(notes.items()):
        print(f"  {k:<50} {n}")
    for job_seed, _examples, r in failures:
        print(f"\nFAILURE (job seed {job_seed}):\n{r['error']}")
        if r["failure"] and not args.no_shrink:
            path = save_failure(r["failure"], r["error"], job_seed, args.examples, args.jobs)
            print(f"shrunk claim written to {path.relative_to(ROOT)} (kept as a regression test)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
