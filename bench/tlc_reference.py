"""Measure with TLC how many distinct states each reference target can reach when no
invariant or property is checked (the cfg's INVARIANT/PROPERTY sections removed,
-deadlock, one worker), and store it as the `reachable_states` column of
tests/data/tlc-reference.tsv. tests/test_state_parity.py compares it with the states
symcheck's explicit evaluator reaches in the ported claim: a port whose constants or
actions differ from the cfg's usually reaches a different number of states even when
its verdict agrees.

    python bench/tlc_reference.py [--reference DIR] [TARGET ...]

The other columns and the rows are kept as they are. A target TLC cannot finish
within --timeout seconds (a red whose log grows without bound once its invariant no
longer stops the search) is written as `timeout`. Without the reference suite or
java it prints "skipped: ..." and exits 0."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tlc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TSV = ROOT / "tests" / "data" / "tlc-reference.tsv"
COLUMN = "reachable_states"


def read_tsv(path: Path) -> tuple[list[str], list[dict]]:
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    return header, [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]


def write_tsv(path: Path, header: list[str], rows: list[dict]) -> None:
    lines = ["\t".join(header)] + ["\t".join(row.get(col, "") for col in header) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", help="the reference suite checkout (default: $SYMCHECK_REFERENCE, else /work/ref)")
    ap.add_argument("--tsv", type=Path, default=TSV, help="the table to update (default: %(default)s)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per target (default: %(default)s)")
    ap.add_argument("only", nargs="*", metavar="TARGET", help="measure only these targets (default: every row)")
    args = ap.parse_args(argv)
    reference = tlc.reference_suite(args.reference)
    why = tlc.missing_tools(reference)
    if why:
        print(f"skipped: {why}")
        return 0
    header, rows = read_tsv(args.tsv)
    if COLUMN not in header:
        header.append(COLUMN)
    make = tlc.targets(reference)
    names = {row["target"] for row in rows}
    unknown = [n for n in args.only if n not in names]
    if unknown:
        print(f"error: {', '.join(unknown)}: not a row of {args.tsv}", file=sys.stderr)
        return 2
    failed = 0
    for row in rows:
        name = row["target"]
        if args.only and name not in args.only:
            continue
        if name not in make:
            print(f"  {name}: no TLC rule in {reference / 'Makefile'}; left as is")
            continue
        run = tlc.run_target(reference, make[name], drop_checks=True, check_deadlock=False, timeout=args.timeout)
        if run.outcome == "timeout":  # without its invariant a red may grow a log forever
            row[COLUMN] = "timeout"
            print(f"  {name}: no count after {args.timeout:g} s (a state space without bound?); written as timeout")
            write_tsv(args.tsv, header, rows)
            continue
        if run.outcome != "holds" or run.distinct_states is None:
            failed += 1
            print(f"  {name}: TLC did not finish cleanly ({run.outcome}); left as is\n{run.output[-2000:]}")
            continue
        row[COLUMN] = str(run.distinct_states)
        print(f"  {name}: {run.distinct_states} reachable states ({run.seconds:.1f} s)", flush=True)
        write_tsv(args.tsv, header, rows)  # after each target: an interrupted run keeps what it measured
    write_tsv(args.tsv, header, rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
