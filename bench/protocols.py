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
    .venv/bin/python bench/protocols.py --induction [--cap 200000]
    .venv/bin/python bench/protocols.py --bmc FILE[:VARIANT] [--depth 14] [--deadline S] [--every-query]

`--induction` enumerates every typed state of each green to show why k-induction needs
the k it needs; `--bmc` times BMC depth by depth (the sequence encoding against
bench/protocols/studies/alternatingbit-flat.yaml, a solver timeout set per query or not).
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
    ap.add_argument("--induction", action="store_true",
                    help="instead: how far unreachable good states are from bad ones (a lower bound on k-induction's k)")
    ap.add_argument("--cap", type=int, default=200_000, help="with --induction: most typed states enumerated")
    ap.add_argument("--bmc", metavar="FILE[:VARIANT]", help="instead: BMC's cost depth by depth on one variant")
    ap.add_argument("--depth", type=int, default=14, help="with --bmc: the depth")
    ap.add_argument("--deadline", type=float, help="with --bmc: a deadline (seconds)")
    ap.add_argument("--every-query", action="store_true", help="with --bmc: set Z3's timeout before every query")
    args = ap.parse_args()
    if args.bmc:
        bmc_profile(args.bmc, args.depth, args.deadline, args.every_query)
        return
    if args.induction:
        induction_depths(args.cap)
        return
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


def induction_depths(cap: int) -> None:
    """Why k-induction needs the k it needs, by the evaluator alone: every well-typed
    state of each green (the product of its variables' types, at most `cap`), which of
    them are reachable, and, among the good ones (types, invariants, no deadlock when it
    is checked), how many steps the nearest bad state or bad step is (backward breadth
    first through good states). A good state m steps from a bad one is the start of a
    simple path of good states that k-induction's step case cannot rule out below
    k = m, so m is a lower bound on the k a plain proof needs (no lemma). The bound is
    for unreachable states only: a reachable state of a green never reaches a bad one."""
    from itertools import product
    from symcheck.explicit.constructs import initial_states, step_violation
    from symcheck.explicit.evaluator import ModelError, check_state, freeze, successors
    from symcheck.front.actions import instances as action_instances
    from symcheck.front.values import domain
    print("| claim | typed states | reachable | good, unreachable | good with a path to a bad state | "
          "nearest bad state from the farthest (steps) | largest cycle among them (states) | "
          "longest simple path to a bad state (steps) | largest cycle of reachable states | "
          "longest simple path from an initial state (steps) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in sorted(HERE.glob("*.yaml")):
        model = replace(symcheck.load_claims(str(path))[0], properties=(), fairness=())
        domains = [list(domain(t)) for _, t in model.variables]
        total = 1
        for d in domains:
            total *= len(d)
        ev, insts = Evaluator(model), action_instances(model)
        names = [n for n, _ in model.variables]
        good: dict[tuple, bool] = {}
        succ: dict[tuple, list[tuple]] = {}
        near: set[tuple] = set()  # good states with a bad successor or a bad step
        every = total <= cap  # else only the reachable states: the last columns
        states = (dict(zip(names, values, strict=True)) for values in product(*domains)) if every else \
            (s for s in reachable_graph(model).states)
        for state in states:
            key = tuple(state[n] for n in names)
            nxt = list(successors(model, ev, state, insts))
            ok = check_state(model, ev, state) is None and not (model.deadlock and not nxt)
            good[key] = ok
            succ[key] = []
            for _, t in nxt:
                if isinstance(t, ModelError) or step_violation(model, ev, state, t) is not None:
                    near.add(key)
                else:
                    succ[key].append(freeze(model, t))
        for key, targets in succ.items():
            if good[key] and any(not good.get(t, check_state(model, ev, dict(zip(names, t, strict=True))) is None)
                                 for t in targets):
                near.add(key)
        reach = {freeze(model, s) for s in initial_states(model, ev)}
        frontier = list(reach)
        while frontier:
            frontier = [t for s in frontier for t in succ.get(s, []) if t not in reach and not reach.add(t)]
        preds: dict[tuple, list[tuple]] = {}
        for key, targets in succ.items():
            if good[key]:
                for t in targets:
                    preds.setdefault(t, []).append(key)
        dist = {k: 1 for k in near if good[k]}
        frontier = list(dist)
        while frontier:
            frontier = [p for s in frontier for p in preds.get(s, []) if p not in dist and not dist.__setitem__(p, dist[s] + 1)]
        unreachable = sum(1 for k, ok in good.items() if ok and k not in reach)
        region = {k: [t for t in succ[k] if t in dist and t != k] for k in dist}
        cycle, lo, hi = path_bounds(region, {k: 1 for k in near if k in dist})
        to_bad = max(lo.values(), default=0), max(hi.values(), default=0)
        graph = {k: [t for t in succ[k] if t != k] for k in reach}
        cycle_r, lo_r, hi_r = path_bounds(graph, dict.fromkeys(reach, 0))
        starts = {freeze(model, s) for s in initial_states(model, ev)}
        diameter = max(lo_r[k] for k in starts), max(hi_r[k] for k in starts)
        unreached = (f"{unreachable:,} | {len(dist):,} | {max(dist.values(), default=0)} | {cycle:,} | {_bounds(to_bad)}"
                     if every else f"more than --cap {cap:,}: not enumerated | | | |")
        print(f"| {model.name} | {total:,} | {len(reach):,} | {unreached} | {cycle_r:,} | {_bounds(diameter)} |",
              flush=True)


def path_bounds(graph: dict[tuple, list[tuple]], ends: dict[tuple, int]) -> tuple[int, dict, dict]:
    """The largest cycle (strongly connected component) of `graph` (node -> successors,
    no self-loops), and per node the longest simple path from it to an end (steps;
    an end scores its value): at least `lo` (a component counted as one state), at most
    `hi` (as all its states); equal when the graph is acyclic."""
    components = graph_liveness.strongly_connected(list(graph), lambda v: graph[v])
    comp_of = {k: i for i, comp in enumerate(components) for k in comp}
    lo: list[int] = []
    hi: list[int] = []
    for i, comp in enumerate(components):  # successors' components first (Tarjan's order)
        after = [comp_of[t] for k in comp for t in graph[k] if comp_of[t] != i]
        base = [ends[k] for k in comp if k in ends]
        lo.append(max(base + [lo[j] + 1 for j in after], default=0))
        hi.append(max(base + [hi[j] + 1 for j in after], default=0) + len(comp) - 1)
    return (max((len(c) for c in components), default=0), {k: lo[comp_of[k]] for k in graph},
            {k: hi[comp_of[k]] for k in graph})


def _bounds(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]} to {pair[1]}"


def bmc_profile(target: str, depth: int, limit: float | None, every_query: bool) -> None:
    """BMC depth by depth on one variant (FILE or FILE:VARIANT): the seconds of each
    depth, its slowest query, and Z3's conflicts so far. `limit`: a deadline of that
    many seconds (Z3's timeout is then set on the solver); `every_query`: set it before
    every query, as symcheck did before (Z3 then redoes work in proportion to what the
    solver holds)."""
    from symcheck.smt import solve
    from symcheck.smt.encode import Encoding
    from symcheck.smt.unroll import Unroller
    file, _, variant = target.partition(":")
    models = symcheck.load_claims(file)
    model = next(m for m in models if m.name == variant) if variant else models[0]
    if every_query:
        def limit_always(solver, left):
            solver.set("timeout", solve.NO_LIMIT if left is None else max(1, int(left * 1000)))
        solve._limit = limit_always
    u = Unroller(Encoding.of(model), solve.Deadline(limit))
    start = time.perf_counter()
    print(f"{model.name}: BMC to depth {depth}, deadline {limit} s, timeout set "
          f"{'before every query' if every_query else 'when it must change'}")
    for d in u.depths(depth):
        t0, slowest = time.perf_counter(), ("", 0.0)
        for name, bad in u.checks(d):
            t1 = time.perf_counter()
            answer = u.check(bad)
            slowest = max(slowest, (name, time.perf_counter() - t1), key=lambda x: x[1])
            if not answer.unsat:
                print(f"depth {d}: {answer.status} ({name}); total {time.perf_counter() - start:.1f} s")
                return
            u.block(bad)
        stats = u.solver.statistics()
        conflicts = stats.get_key_value("conflicts") if "conflicts" in stats.keys() else 0
        print(f"depth {d}: {time.perf_counter() - t0:.2f} s (slowest: {slowest[0]} {slowest[1]:.2f} s), "
              f"{conflicts} conflicts so far", flush=True)
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
