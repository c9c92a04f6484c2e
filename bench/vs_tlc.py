"""symcheck against TLC, in one run: `symcheck check` over the suite (its own code path,
`--jobs` variants at once, by default every core), then TLC over the reference targets
the same variants port (one JVM per target, `-workers 1`, one after the other as the
reference Makefile runs them). Prints a table per variant (symcheck: verdict, engine,
seconds, peak MB; TLC: verdict, seconds) and the totals with their ratio.

    python bench/vs_tlc.py [--only NAME ...] [--jobs N] [--engine E] [--markdown] [--reference DIR]

NAME is what `symcheck check` takes (a family, a variant or a file). Without the
reference suite ($SYMCHECK_REFERENCE, else /work/ref) or java, TLC is skipped with the
reason and only symcheck is measured. Every variant runs in its own forked process,
whose peak resident memory (its engine processes included) is the variant's peak MB.
The verdicts are compared: a variant whose symcheck and TLC verdicts disagree is
listed, and the exit status is 1."""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tlc  # noqa: E402

from symcheck.cli import _check_one, _select, preload  # noqa: E402  (the check command's own steps)
from symcheck.errors import InputError  # noqa: E402
from symcheck.front.claims import claims_dir, load_model  # noqa: E402
from symcheck.limits import run_parallel  # noqa: E402
from symcheck.report.text import markdown_table, table  # noqa: E402
from symcheck.trace import UNKNOWN, Result  # noqa: E402

TSV = ROOT / "tests" / "data" / "tlc-reference.tsv"


def peak_mb() -> float:
    """The largest resident set of this process and of the processes it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


def _measured(check_one, model) -> tuple:
    r, secs = check_one(model)
    return r, secs, peak_mb()


def run_symcheck(names: list[str], jobs: int, engine: str, coverage: bool = True) -> tuple[list, float]:
    """[(model, result, seconds, peak MB)] in the selection order, and the wall seconds
    (loading the claims included), as `symcheck check NAMES --jobs N --engine E` runs them."""
    start = time.perf_counter()
    models = [load_model(e) for e in _select(names, claims_dir(None))]
    check_one = partial(_check_one, depth=None, timeout=None, engine=engine, prove_timeout=None, memory=None,
                        coverage=coverage)

    def failed(i: int, why: str) -> tuple:
        return Result(models[i].name, UNKNOWN, 0, models[i].expect, reason=why), 0.0, 0.0

    def done(i: int, outcome: tuple) -> None:
        r, secs, mb = outcome
        print(f"  symcheck {models[i].name}: {r.verdict} ({r.engine}, {secs:.1f} s, {mb:.0f} MB)",
              file=sys.stderr, flush=True)

    preload()
    outcomes = run_parallel([partial(_measured, check_one, m) for m in models], jobs, failed, done=done)
    wall = time.perf_counter() - start
    return [(m, *o) for m, o in zip(models, outcomes) if o is not None], wall


def tlc_rows() -> list[str]:
    """The reference targets, as tests/data/tlc-reference.tsv lists them."""
    return [line.split("\t")[0] for line in TSV.read_text().splitlines()[1:] if line]


def run_tlc(reference: Path, variants: list[str], timeout: float) -> tuple[dict, float]:
    """{target: TlcRun} for the variants that are reference targets, one JVM at a time,
    and the wall seconds."""
    make = tlc.targets(reference)
    chosen = [n for n in tlc_rows() if n in variants and n in make]
    start = time.perf_counter()
    runs = {}
    for n, name in enumerate(chosen, 1):
        runs[name] = tlc.run_target(reference, make[name], timeout=timeout)
        print(f"  TLC [{n}/{len(chosen)}] {name}: {runs[name].outcome} ({runs[name].seconds:.1f} s)",
              file=sys.stderr, flush=True)
    return runs, time.perf_counter() - start


def tlc_verdict(run) -> str:
    return {"holds": "holds", "violated-invariant": "violated", "violated-temporal": "violated",
            "deadlock": "violated"}.get(run.outcome, run.outcome)


def agrees(symcheck_verdict: str, tlc: str) -> bool:
    """A proof or a bounded `holds` agrees with TLC's exhaustive `holds`."""
    return {"proved": "holds"}.get(symcheck_verdict, symcheck_verdict) == tlc


def report(checked: list, sym_wall: float, runs: dict, tlc_wall: float | None, jobs: int, markdown: bool,
           skipped: str | None) -> tuple[str, list[str]]:
    headers = ["variant", "expected", "symcheck", "engine", "s", "peak MB", "TLC", "TLC s"]
    rows, disagree = [], []
    for model, r, secs, mb in checked:
        run = runs.get(model.name)
        theirs = tlc_verdict(run) if run else "-"
        if run and not agrees(r.verdict, theirs):
            disagree.append(model.name)
        rows.append([model.name, model.expect, r.verdict, r.engine, f"{secs:.2f}", f"{mb:.0f}", theirs,
                     f"{run.seconds:.2f}" if run else "-"])
    lines = [(markdown_table if markdown else table)(rows, headers), ""]
    summed = sum(secs for _, _, secs, _ in checked)
    peak = max((mb for *_, mb in checked), default=0.0)
    lines.append(f"symcheck check: {len(checked)} variants, {sym_wall:.1f} s wall with --jobs {jobs} "
                 f"({summed:.1f} s summed over variants), peak {peak:.0f} MB per variant")
    if skipped:
        lines.append(f"TLC skipped: {skipped}")
    elif runs:
        tlc_sum = sum(run.seconds for run in runs.values())
        lines.append(f"TLC: {len(runs)} targets, one JVM each with -workers 1, {tlc_sum:.1f} s summed, "
                     f"{tlc_wall:.1f} s wall ({len(checked) - len(runs)} of symcheck's variants are no target)")
        shared = sum(secs for model, _, secs, _ in checked if model.name in runs)
        lines.append(f"ratio: TLC wall / symcheck wall = {tlc_wall / sym_wall:.1f}x; on the {len(runs)} variants "
                     f"both check, TLC summed / symcheck summed = {tlc_sum:.1f} / {shared:.1f} s = "
                     f"{tlc_sum / max(shared, 1e-9):.1f}x")
    if disagree:
        lines.append("verdicts that disagree with TLC: " + ", ".join(disagree))
    return "\n".join(lines), disagree


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", default=[], metavar="NAME",
                    help="measure only these families, variants or files (default: the whole suite)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="variants at once (default: the core count)")
    ap.add_argument("--engine", default="auto", help="symcheck's engine (default: %(default)s)")
    ap.add_argument("--reference", help="the reference suite (default: $SYMCHECK_REFERENCE, else /work/ref)")
    ap.add_argument("--tlc-timeout", type=float, default=600, help="seconds per TLC target (default: %(default)s)")
    ap.add_argument("--no-tlc", action="store_true", help="measure symcheck only")
    ap.add_argument("--no-coverage", action="store_true",
                    help="skip check's coverage of the greens (TLC checks no coverage either)")
    ap.add_argument("--markdown", action="store_true", help="the table as Markdown (for the README)")
    args = ap.parse_args(argv)
    try:
        checked, sym_wall = run_symcheck(args.only, args.jobs, args.engine, coverage=not args.no_coverage)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    reference = tlc.reference_suite(args.reference)
    skipped = "--no-tlc" if args.no_tlc else tlc.missing_tools(reference)
    runs, tlc_wall = ({}, None) if skipped else run_tlc(reference, [m.name for m, *_ in checked], args.tlc_timeout)
    text, disagree = report(checked, sym_wall, runs, tlc_wall, args.jobs, args.markdown, skipped)
    print(text)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
