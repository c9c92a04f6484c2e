"""The protocol ports (bench/protocols/*.yaml). By default, liveness: the exact decision
on the whole state graph (engines.graph_liveness, what `prove` runs when the states are
few) against the bounded SMT lasso engine at a few depths, each property's verdict
cross-checked by the independent evaluator (explicit.liveness). With `--tlc JAR`,
safety against TLC: every variant that has a cfg in bench/protocols/tla (our own TLA+
specs of the same models) is checked by TLC and by symcheck's explicit-state engine,
and their verdicts, distinct states and counterexample lengths are compared. Prints
a Markdown table; run `uptime` beside it, the machine's load moves the seconds.

    .venv/bin/python bench/protocols.py [--depths 4,8,12] [--timeout 60]
    .venv/bin/python bench/protocols.py --tlc /path/to/tla2tools.jar
"""
from __future__ import annotations

import argparse
import pathlib
import time

import symcheck
from symcheck.engines import explicit, graph_liveness
from symcheck.engines.liveness import check_lasso
from symcheck.explicit.constructs import within
from symcheck.explicit.evaluator import Evaluator
from symcheck.explicit.liveness import check_properties, reachable_graph

HERE = pathlib.Path(__file__).parent / "protocols"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="4,8,12")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per lasso-engine run")
    ap.add_argument("--tlc", metavar="JAR", help="compare safety with TLC (tla2tools.jar) instead")
    args = ap.parse_args()
    if args.tlc:
        against_tlc(pathlib.Path(args.tlc))
        return
    depths = [int(d) for d in args.depths.split(",")]
    print("| variant | property | states | exact verdict | exact s | evaluator agrees | "
          + " | ".join(f"lasso d={d} s" for d in depths) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(depths))
    for path in sorted(HERE.glob("*.yaml")):
        for model in symcheck.load_claims(str(path)):
            if not model.properties:
                continue
            expected = check_properties(model)
            for prop in model.properties:
                t0 = time.perf_counter()
                r = graph_liveness.run(model, only=prop.name)
                exact_s = time.perf_counter() - t0
                lasso = expected[prop.name]
                agrees = (r.proved and lasso is None) or (r.violated and lasso is not None and r.length == lasso.length)
                cells = []
                for d in depths:
                    t0 = time.perf_counter()
                    b = check_lasso(model, d, timeout=args.timeout, only=prop.name)
                    cells.append(f"{time.perf_counter() - t0:.2f} ({b.verdict})")
                verdict = r.verdict + (f", lasso of {r.length}" if r.violated else "")
                print(f"| {model.name} | {prop.name} | {r.states} | {verdict} | {exact_s:.3f} | "
                      f"{'yes' if agrees else 'NO'} | " + " | ".join(cells) + " |")


def against_tlc(jar: pathlib.Path) -> None:
    """Each variant with a cfg (tla/CLAIM.cfg for the green, tla/CLAIM-SUFFIX.cfg for a
    variant) against TLC on tla/CLAIM.tla. States beyond a state constraint are
    counted by symcheck, not by TLC: the table gives both counts."""
    from tlc import run_spec
    print("| variant | TLC verdict | symcheck verdict | TLC states | symcheck states (within the constraint) | "
          "TLC steps | symcheck steps | agree | TLC s | symcheck s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in sorted(HERE.glob("*.yaml")):
        for model in symcheck.load_claims(str(path)):
            cfg = HERE / "tla" / f"{model.name}.cfg"
            if not cfg.is_file():
                continue
            tlc = run_spec(jar, HERE / "tla" / f"{model.family}.tla", cfg, model.deadlock)
            t0 = time.perf_counter()
            r = explicit.run(model)
            seconds = time.perf_counter() - t0
            ev = Evaluator(model)
            graph = reachable_graph(model)
            inside = sum(within(model, ev, s) for s in graph.states)
            ours = "holds" if r.proved else "violated" if r.violated else r.verdict
            theirs = "holds" if tlc.outcome == "holds" else "violated" if tlc.outcome.startswith("violated") \
                else tlc.outcome
            same_states = ours == "violated" or tlc.distinct_states == inside
            same_steps = ours != "violated" or tlc.trace_steps == r.length
            agree = ours == theirs and same_states and same_steps
            shown = f"{r.states}" + (f" ({inside})" if inside != r.states else "")
            print(f"| {model.name} | {theirs} | {ours} | {tlc.distinct_states if theirs == 'holds' else '-'} | "
                  f"{shown if ours == 'holds' else '-'} | {tlc.trace_steps if theirs == 'violated' else '-'} | "
                  f"{r.length if ours == 'violated' else '-'} | {'yes' if agree else 'NO'} | {tlc.seconds:.1f} | "
                  f"{seconds:.2f} |")


if __name__ == "__main__":
    main()
