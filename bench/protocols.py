"""The protocol ports (bench/protocols/*.yaml). By default, liveness: the exact decision
on the whole state graph (engines.graph_liveness, what `prove` runs when the states are
few) against the bounded SMT lasso engine at a few depths, each property's verdict
cross-checked by the independent evaluator (explicit.liveness). With `--tlc JAR`,
safety against TLC: every variant that has a cfg in bench/protocols/tla (our own TLA+
specs of the same models), and the scaled instances tla/tlc.yaml names, is checked by
TLC and by each of symcheck's engines (explicit, bmc, kind, lemmas, pdr), and their
verdicts, distinct states, counterexample lengths and seconds are compared in one
table (docs/protocols.md). Prints Markdown; run `uptime` beside it, the machine's load
moves the seconds.

    .venv/bin/python bench/protocols.py [--depths 4,8,12] [--timeout 60]
    .venv/bin/python bench/protocols.py --tlc /path/to/tla2tools.jar [--engine-timeout 120] [--only NAME] [--record]
"""
from __future__ import annotations

import argparse
import pathlib
import re
import time
from dataclasses import replace

import yaml

import symcheck
from symcheck.engines import graph_liveness
from symcheck.engines.liveness import check_lasso
from symcheck.explicit.constructs import within
from symcheck.explicit.evaluator import Evaluator
from symcheck.explicit.liveness import check_properties, reachable_graph
from symcheck.trace import HOLDS, PROVED, UNKNOWN, Result

HERE = pathlib.Path(__file__).parent / "protocols"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="4,8,12")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per lasso-engine run")
    ap.add_argument("--tlc", metavar="JAR", help="compare safety with TLC (tla2tools.jar) and every engine instead")
    ap.add_argument("--engine-timeout", type=float, default=120.0, help="seconds per engine and variant (with --tlc)")
    ap.add_argument("--only", help="with --tlc: only the variants whose name contains this")
    ap.add_argument("--record", action="store_true", help="with --tlc: write TLC's answers to tla/tlc.yaml")
    args = ap.parse_args()
    if args.tlc:
        against_tlc(pathlib.Path(args.tlc), args.engine_timeout, args.only, args.record)
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


ENGINES = ("explicit", "bmc", "kind", "lemmas", "pdr")
RECORD = HERE / "tla" / "tlc.yaml"


def instances(only: str | None) -> list[tuple[str, object]]:
    """(name, model) of every variant with a cfg (tla/CLAIM.cfg for the green,
    tla/CLAIM-SUFFIX.cfg for a variant), then the scaled instances tla/tlc.yaml names
    (`claim:` and `set:`, the constants overridden). A claim with liveness properties is
    taken for its invariants only, as its cfg asks TLC."""
    out = []
    for path in sorted(HERE.glob("*.yaml")):
        for model in symcheck.load_claims(str(path)):
            if (HERE / "tla" / f"{model.name}.cfg").is_file():
                out.append((model.name, model))
    for name, entry in yaml.safe_load(RECORD.read_text()).items():
        if "set" in entry:
            scaled = symcheck.load_claims(str(HERE / f"{entry['claim']}.yaml"), overrides=entry["set"])
            out.append((name, next(m for m in scaled if m.name == entry["claim"])))
    return [(n, replace(m, properties=(), fairness=())) for n, m in out if not only or only in n]


def against_tlc(jar: pathlib.Path, timeout: float, only: str | None = None, record: bool = False) -> None:
    """Every instance (`instances`) by TLC on tla/CLAIM.tla with tla/NAME.cfg and by each
    of symcheck's safety engines, one table: verdicts, distinct states (TLC's against the
    explicit-state search's), counterexample lengths and seconds. Each engine runs
    through the API with its default options, in a worker of its own under `timeout`
    seconds (a limit reached is `timeout`, never a green): explicit and bmc as `prove
    --engine E` (bmc to the claim's depth), the proof engines as `prove --depth 0
    --engine E` with the proof phase given the whole limit, so their seconds are the
    engine's own. `record`: write TLC's answers to tla/tlc.yaml (tests/test_protocols.py
    checks against them)."""
    from tlc import run_spec
    recorded = yaml.safe_load(RECORD.read_text())
    print(f"per-engine limit: {timeout:g} s; bmc to each claim's depth; TLC: one worker, its own JVM per run")
    print("| variant | TLC | TLC states | explicit states | TLC steps | explicit steps | TLC s | explicit | "
          "bmc | kind | lemmas | pdr | agree |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, model in instances(only):
        tlc = run_spec(jar, HERE / "tla" / f"{model.family}.tla", HERE / "tla" / f"{name}.cfg", model.deadlock)
        theirs = "holds" if tlc.outcome == "holds" else "violated" if tlc.outcome.startswith("violated") \
            else tlc.outcome
        runs = {e: run_engine(model, e, timeout) for e in ENGINES}
        ex = runs["explicit"][0]
        states = "-"
        if ex.verdict == PROVED:
            inside = within_constraint(model) if model.constraints else ex.states
            states = f"{ex.states:,}" + (f" ({inside:,} within the constraint)" if inside != ex.states else "")
        agree = agreement(theirs, tlc.distinct_states, tlc.trace_steps, runs, model)
        print(f"| {name} | {theirs} | {_num(tlc.distinct_states) if theirs == 'holds' else '-'} | {states} | "
              f"{tlc.trace_steps if theirs == 'violated' else '-'} | {ex.length if ex.violated else '-'} | "
              f"{tlc.seconds:.1f} | " + " | ".join(cell(*runs[e], timeout, model.depth, e) for e in ENGINES)
              + f" | {agree} |", flush=True)
        entry = recorded.setdefault(name, {})
        entry.pop("states", None), entry.pop("steps", None)
        entry.update({"verdict": theirs, **({"states": tlc.distinct_states} if theirs == "holds" else
                                           {"steps": tlc.trace_steps})})
    if record:
        head = "".join(line + "\n" for line in RECORD.read_text().splitlines() if line.startswith("#"))
        body = "".join(f"{n}: {yaml.safe_dump(e, default_flow_style=True, sort_keys=False).strip()}\n"
                       for n, e in sorted(recorded.items()))
        RECORD.write_text(head + body)


def run_engine(model, engine: str, timeout: float) -> tuple[Result, float]:
    """One engine on the model, through the API, in a worker under the limit. The proof
    engines get depth 0 (no BMC before them) and the whole limit for the proof phase
    (the API keeps a fifth of a hard limit for what follows a proof, so the hard limit
    is a quarter above)."""
    t0 = time.perf_counter()
    if engine in ("explicit", "bmc"):
        r = symcheck.prove(model, engine=engine, timeout=timeout)
    else:
        r = symcheck.prove(model, depth=0, engine=engine, timeout=timeout / 0.8, prove_timeout=timeout)
    return r, time.perf_counter() - t0


def cell(r: Result, seconds: float, limit: float, depth: int, engine: str) -> str:
    """An engine's answer in a few words: the verdict, what it reached, the seconds. A
    proof engine that did not prove says where it stopped (its `holds` is only BMC's
    depth 0); one stopped by the limit is `timeout`, whatever it said. The lemmas engine
    first tries plain k-induction up to k = 1: a proof there needed no lemma."""
    reason = r.reason or ""
    if r.violated:
        return f"violated after {r.length}, {seconds:.2f} s"
    if r.verdict == PROVED:
        what = "proved"
        if r.k is not None:
            n = next((m.group(1) for line in r.proof if (m := re.search(r"assumes (\d+) generated lemmas", line))), None)
            what += f" k = {r.k}" + (f" with {n} lemmas" if n else "") + (" (diameter)" if r.how == "diameter" else "")
            what += " (plain: no lemma needed)" if engine == "lemmas" and r.engine == "kind" else ""
        return f"{what}, {seconds:.2f} s"
    if engine == "bmc" and r.verdict == HOLDS:
        return f"holds to {depth}, {seconds:.2f} s"
    stopped = seconds >= limit or "timeout" in reason or "ran out of time" in reason
    return f"{'timeout' if stopped else 'unknown'} ({_gave_up(reason)}), {seconds:.1f} s"


def _gave_up(reason: str) -> str:
    """The engine's own words, shortened to where it stopped."""
    found = re.findall(r"(with \d+ generated lemmas: [^;]*?k = \d+|no candidate lemma is inductive|"
                       r"no proof up to k = \d+|[^;:]*at k = \d+|timeout after [\d.]+ s)", reason)
    return "; ".join(dict.fromkeys(f.strip() for f in found)) or reason[:100]


def agreement(theirs: str, tlc_states: int | None, tlc_steps: int | None, runs: dict[str, tuple[Result, float]],
              model) -> str:
    """`yes` when every engine that decided agrees with TLC (verdict, the explicit
    search's states, every counterexample's length), `NO` otherwise; undecided engines
    are named."""
    bad, undecided = [], []
    for engine, (r, _) in runs.items():
        if r.verdict == UNKNOWN or (r.verdict == HOLDS and engine != "bmc"):  # a proof engine's holds: BMC's depth 0
            undecided.append(engine)
        elif ("violated" if r.violated else "holds") != theirs:
            bad.append(f"{engine}: {r.verdict}")
        elif r.violated and r.length != tlc_steps:
            bad.append(f"{engine}: {r.length} steps")
    ex = runs["explicit"][0]
    if theirs == "holds" and ex.verdict == PROVED:
        inside = within_constraint(model) if model.constraints else ex.states
        if inside != tlc_states:
            bad.append(f"explicit: {inside} states")
    text = "NO (" + ", ".join(bad) + ")" if bad else "yes"
    return text + (f"; undecided: {', '.join(undecided)}" if undecided else "")


def within_constraint(model) -> int:
    """The reachable states inside the state constraint, as TLC counts them (by the
    evaluator's own state graph)."""
    ev = Evaluator(model)
    return sum(within(model, ev, s) for s in reachable_graph(model).states)


def _num(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


if __name__ == "__main__":
    main()
