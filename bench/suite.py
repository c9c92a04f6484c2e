"""Benchmark: for every claim variant, seconds to load (parse and check), encode and
solve (BMC to the claim's depth, then the lasso engine for liveness properties), and the total. Run: python bench/suite.py [NAME...]
where a NAME is a variant or a family (all its variants)."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symcheck.engines.bmc import check_bmc  # noqa: E402
from symcheck.front.claims import catalog, load_model  # noqa: E402
from symcheck.engines.liveness import check_lasso  # noqa: E402
from symcheck.report.text import table  # noqa: E402


def main(names):
    entries = catalog(Path("claims"))
    chosen = [e for n, e in entries.items() if not names or n in names or e.variant.doc.get("claim").value in names]
    rows, totals = [], [0.0, 0.0, 0.0]
    for e in chosen:
        t0 = time.perf_counter()
        model = load_model(e)
        load = time.perf_counter() - t0
        r = check_bmc(model, model.depth)
        enc, solve = r.timings["encode"], r.timings["solve"]
        if model.properties and r.holds:  # then the lasso engine, as `prove` does
            live = check_lasso(model, model.depth)
            enc, solve = enc + live.timings["encode"], solve + live.timings["solve"]
            r = live if not live.holds else r
        totals = [totals[0] + load, totals[1] + enc, totals[2] + solve]
        rows.append([model.name, r.verdict, r.depth, f"{load:.3f}", f"{enc:.3f}", f"{solve:.3f}",
                     f"{load + enc + solve:.3f}"])
    rows.append(["TOTAL", "", "", *(f"{t:.3f}" for t in totals), f"{sum(totals):.3f}"])
    print(table(rows, ["variant", "verdict", "depth", "load s", "encode s", "solve s", "total s"]))


if __name__ == "__main__":
    main(sys.argv[1:])
