"""Liveness on the protocol ports (bench/protocols/*.yaml): the exact decision on the
whole state graph (engines.graph_liveness, what `prove` runs when the states are few)
against the bounded SMT lasso engine at a few depths, each property's verdict
cross-checked by the independent evaluator (explicit.liveness). Prints a Markdown
table; run `uptime` beside it, the machine's load moves the seconds.

    .venv/bin/python bench/protocols.py [--depths 4,8,12] [--timeout 60]
"""
from __future__ import annotations

import argparse
import pathlib
import time

import symcheck
from symcheck.engines import graph_liveness
from symcheck.engines.liveness import check_lasso
from symcheck.explicit.liveness import check_properties

HERE = pathlib.Path(__file__).parent / "protocols"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="4,8,12")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per lasso-engine run")
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
