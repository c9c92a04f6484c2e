"""Front-end fuzz soak: the strategies of tests/test_fuzz_inputs.py with many more
inputs and a seed of your choice (the tests always try the same 2,050).

    python bench/fuzz_soak.py [--examples 4000] [--seed 0]

Each strategy gets --examples inputs; a failure is shrunk and printed. Exit status 0
when every input gave a located error or a result."""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_fuzz_inputs as fuzz  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=4000, help="inputs per strategy")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    tests = {
        "mutated claims": (fuzz.mutated(), lambda text: fuzz.outcome(text)),
        "random documents": (fuzz.random_documents(), lambda text: fuzz.outcome(text)),
        "expressions": (st.tuples(fuzz.expressions(), st.sampled_from(["GUARD", "UPDATE", "INVARIANT"]),
                                  st.sampled_from(["plain", "json", "block"])),
                        lambda t: fuzz.test_random_expressions_give_a_located_error_or_a_result.hypothesis.inner_test(*t)),
        "type strings": (st.tuples(fuzz.type_strings(), st.sampled_from(["variable", "param", "field"])),
                         lambda t: fuzz.test_random_type_strings_give_a_located_error_or_a_result.hypothesis.inner_test(*t)),
        "enormous domains": (fuzz.enormous(), lambda text: fuzz.outcome(text)),
    }
    failed = 0
    total = 0
    t0 = time.perf_counter()
    for name, (strategy, check) in tests.items():
        counts = {"error": 0, "ok": 0}
        original = fuzz.outcome

        def counting(text, in_hypothesis=True):
            result = original(text, in_hypothesis)
            counts[result] += 1
            return result

        fuzz.outcome = counting

        @seed(args.seed)
        @settings(max_examples=args.examples, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def run(x):
            check(x)

        start = time.perf_counter()
        try:
            run()
            status = "ok"
        except Exception:  # noqa: BLE001 - a crash or hang, shrunk by Hypothesis
            status = "FAILED"
            failed += 1
            traceback.print_exc(limit=6)
        finally:
            fuzz.outcome = original
        total += counts["error"] + counts["ok"]
        print(f"  {name:<18} {counts['error'] + counts['ok']:>6} inputs: {counts['error']:>6} located errors, "
              f"{counts['ok']:>5} checked models  {time.perf_counter() - start:6.0f} s  {status}", flush=True)
    print(f"front-end fuzz soak: {total} inputs (seed {args.seed}), {failed} strategies failed, "
          f"{time.perf_counter() - t0:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
