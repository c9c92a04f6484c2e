"""Engine selection, the one place engines are chosen and combined. `auto` (the
default): the explicit-state engine first, in this process, for a head start of
`EXPLICIT_STATES` states (a claim whose reachable states are fewer is decided exactly,
as TLC decides it, without an encoding or a second process: nearly every claim of the
suite); then the race (engines/race.py): the explicit-state search again in a process
of its own, beside BMC and the proof engines (`PROOF_ENGINES`: k-induction with
generated lemmas, `engines/lemmas`, then plain k-induction and PDR), all at once, the
first decisive answer winning. Depth gates no proof. For a claim with liveness
properties, the properties follow: on the whole state graph when the explicit search
proved the invariants, else by the lasso engine.

In the race each engine runs in its own forked process (symcheck.limits), and the first
definitive answer wins (proved, or violated); the others are ended. `unknown`, or a
proof that fails its re-check, is never a win while another engine may still decide.
The first proof engine gets a head start (`HEAD_START`): a quick proof, the common
case, then costs no third process; BMC and the later engines run at a lower CPU
priority, so on a busy machine they do not halve the first engines' share.
`sequential` runs the same engines one after another in this process: the explicit
search to `EXPLICIT_STATES`, BMC, then each proof engine. A proof is reported only
after its independent re-check passes (in the engine's process: a solver's certificate
does not cross processes); an engine that finds a violation beyond the bound hands it
to BMC for the canonical shortest trace. Each engine is `run(model, encoding,
deadline) -> Outcome` on the one encoding built for it; the outcome says which engine
answered and why."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from symcheck.engines import bmc, explicit, graph_liveness, kind, lemmas, liveness, pdr, quantified, vacuity
from symcheck.engines.recheck import not_replayed, recheck, replay
from symcheck.errors import InputError, Span
from symcheck.front.unbounded import needs_smt, proved_for
from symcheck.smt.quantified import fragment_note
from symcheck.front.ir import Feature, Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.smt.unroll import Progress
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Engine, Outcome, engine_named

PROVE_TIMEOUT = 60.0  # seconds for the proof phase, by default (a safety net: proofs take seconds)
# The portfolio's first engine runs alone this long: most proofs take less, and those then
# cost no second process and name the same engine as a sequential run.
HEAD_START = 1.0
# The later engines run at this lower CPU priority (nice): with a free core they run at
# full speed, on a busy machine they leave the first engine its share.
LATER_NICENESS = 10
MAX_K = kind.MAX_K
# The explicit-state engine goes first (auto, sequential), in this process: a claim whose
# reachable states number fewer than this is decided exactly, as TLC decides it, without
# building an encoding; a larger one goes to the race (auto: the search starts again in a
# process of its own, without this cap) or to BMC and the proof engines (sequential).
# The head start pays on 2 cores: `symcheck check --strict` over the suite took 55.6 s of
# CPU with it and 109.8 s without (a race from the first state), in one run at load 13.
EXPLICIT_STATES = 300_000
EXPLICIT_SECONDS = 10.0  # at most this much of the run's time for the explicit search


@dataclass(frozen=True)
class ProofEngine:
    """One engine of the proof phase. `run` answers proved, violated (at `length` when it
    knows it; BMC then makes the trace) or unknown with the reason (a proof is reported
    only after `recheck.recheck` re-derives it); `explain` words a re-checked proof for
    the report, given the depth BMC covered; `supports`: the claim features it decides
    (its module's SUPPORTS)."""
    name: str
    run: Callable[[Model, Encoding, Deadline], Outcome]
    explain: Callable[[Outcome, int], list[str]]
    supports: frozenset[Feature]


def _kind_run(model: Model, enc: Encoding, deadline: Deadline) -> Outcome:
    return kind.run(model, enc, deadline, MAX_K)


def _lemmas_run(model: Model, enc: Encoding, deadline: Deadline) -> Outcome:
    return lemmas.prove(model, enc, deadline)


def _forall_explain(out: Outcome, depth: int) -> list[str]:
    return _kind_proof(out, depth) + out.proof


def _pdr_run(model: Model, enc: Encoding, deadline: Deadline) -> Outcome:
    return pdr.run(model, enc, deadline)


def _pdr_explain(out: Outcome, depth: int) -> list[str]:
    return (["PDR (Spacer) found an inductive invariant; re-checked initiation, consecution and safety:"]
            + ["  " + line for line in out.proof])


# The proof engines, in order of preference: `auto` runs them all at once, `sequential`
# one after another in this order, `--engine NAME` one alone. A new engine is one entry.
PROOF_ENGINES: dict[str, ProofEngine] = {
    "lemmas": ProofEngine("lemmas", _lemmas_run, lambda out, depth: _kind_proof(out, depth) + out.proof, lemmas.SUPPORTS),
    "kind": ProofEngine("kind", _kind_run, lambda out, depth: _kind_proof(out, depth), kind.SUPPORTS),
    "pdr": ProofEngine("pdr", _pdr_run, _pdr_explain, pdr.SUPPORTS),
    # claims beyond the bounds only (sorts, unbounded integers): Houdini over ∀-lemmas, then k-induction
    "forall": ProofEngine("forall", quantified.run, _forall_explain, quantified.SUPPORTS),
}
ENGINES = tuple(Engine)  # the one list of engine names (trace.Engine), for the CLI, the API and serve
LABELS = {"kind": "k-induction", "kind+lemmas": "k-induction with generated lemmas", "lemmas": "k-induction with generated lemmas",
          "pdr": "PDR", "explicit": "explicit-state search", "bmc": "bounded model checking", "lasso": "lasso engine",
          "coverage": "coverage engine", "forall": "k-induction with ∀-lemmas",
          "kind+forall": "k-induction with ∀-lemmas"}  # engine names in reasons
# What the other engines decide beyond finite types (their modules' SUPPORTS; a proof
# engine's is in its entry): a claim goes only to the engines that support all of its
# features (`Model.features`).
SUPPORTS: dict[str, frozenset[Feature]] = {
    "explicit": explicit.SUPPORTS, "bmc": bmc.SUPPORTS, "lasso": liveness.SUPPORTS, "coverage": vacuity.SUPPORTS,
}


def supports(engine: str) -> frozenset[Feature]:
    return PROOF_ENGINES[engine].supports if engine in PROOF_ENGINES else SUPPORTS[engine]


def unsupported(engine: str, model: Model) -> str | None:
    """Why `engine` is not used on `model` (the features of the claim it does not
    support), or None when it can decide the claim."""
    missing = model.features - supports(engine)
    beyond = needs_smt(model) if engine == "explicit" else None  # also constants of any value
    if beyond:
        return f"the {LABELS[engine]} is not used: {beyond}"
    if not missing:
        return None
    return f"the {LABELS[engine]} is not used: the claim has {', '.join(sorted(f.value for f in missing))}"


def check_engine(model: Model, engine: str) -> None:
    """An engine asked for by name that cannot decide the claim is a usage error (exit 2),
    before any work starts."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    named = [engine] if engine in SUPPORTS or engine in PROOF_ENGINES else []
    if model.properties and engine not in ("auto", "sequential"):
        named.append("lasso")
    for name in named:
        why = unsupported(name, model)
        if why:
            raise InputError(Span(model.file, 1, 1), f"--engine {engine} cannot check {model.name}: {why}",
                             "use --engine auto: it chooses the engines that decide this claim")


def _skipped(model: Model, names: list[str]) -> list[str]:
    return [why for why in (unsupported(n, model) for n in names) if why]


def _with_notes(out: Outcome, notes: list[str]) -> Outcome:
    """`notes` (engines skipped, and why) added where the report prints them: the proof
    lines of a proof, else the reason."""
    if notes and out.proved:
        out.proof = out.proof + notes
    elif notes and out.verdict in (HOLDS, UNKNOWN):
        out.reason = "; ".join(([out.reason] if out.reason else []) + notes)
    return out


def prove(model: Model, depth: int, engine: str = Engine.AUTO, timeout: Deadline | float | None = None,
          prove_timeout: float | None = None, progress: Progress | None = None, asked: bool = False) -> Outcome:
    """Safety, then the liveness properties when it holds, within one deadline: `timeout`
    (seconds, or the caller's Deadline) for everything. Safety is decided by the
    explicit-state search when the claim's states are few (no encoding is built for a
    violation or a proof without properties), else by the race (engines/race.py), or by
    `run` on one encoding. `asked`: the user gave `depth`; a proof then also says what
    covered that depth (`_covered`). Every violation it answers has had its trace
    replayed by the independent evaluator (`recheck.replay`; one that does not replay
    is answered `unknown`): where an engine found it, so that it does not win the race,
    and here again for any path that did not."""
    whole = Deadline.of(timeout)
    out = _prove(model, depth, engine, whole, prove_timeout, progress, asked)
    return _covered(model, out, depth, whole, progress) if asked and out.proved else replay(model, out)


def _covered(model: Model, out: Outcome, depth: int, whole: Deadline, progress: Progress | None) -> Outcome:
    """A proof, with what covered the depth the user asked for: BMC (Z3) to that depth
    (run now when the explicit-state search answered without it), then the proof for
    every depth. BMC finding a violation the proof missed is a disagreement between
    engines: unknown, never either answer. (An SMT proof says it already: `run`.)"""
    if out.states is None:
        return out
    d = f"depth {depth} (asked)"
    bounded = bmc.run(model, Encoding.of(model), whole, depth, progress)
    if bounded.violated:
        return Outcome(model.name, UNKNOWN, None, model.expect, engine=out.engine,
                       reason=f"the engines disagree: the explicit-state search proved every depth, Z3 BMC found "
                              f"{bounded.invariant} violated at depth {bounded.length}")
    what = (f"Z3 BMC found no violation in depths 0..{depth}" if bounded.verdict == HOLDS
            else f"Z3 BMC did not finish ({bounded.reason})")
    out.proof = out.proof + [f"{d}: {what}; the explicit-state search covered every depth (all reachable states, "
                             f"diameter {out.bound})"]
    out.timings = {k: out.timings.get(k, 0.0) + bounded.timings.get(k, 0.0) for k in {*out.timings, *bounded.timings}}
    return out


def _prove(model: Model, depth: int, engine: str, whole: Deadline, prove_timeout: float | None,
           progress: Progress | None, asked: bool = False) -> Outcome:
    check_engine(model, engine)
    engine = engine_named(engine)
    first = None
    combined = engine in ("auto", "sequential")
    skipped = _skipped(model, ["explicit", *PROOF_ENGINES]) if combined else []
    explicit_ok = unsupported("explicit", model) is None
    if engine == "explicit" or (combined and explicit_ok):
        first = _explicit_first(model, whole, engine == "explicit")
        if first.violated or (first.proved and not model.properties) or (engine == "explicit" and not first.proved):
            return first
    whole_graph = engine == "explicit"  # the state graph for the properties: capped as the search was
    if engine == "auto" and portfolio_supported() and not (first is not None and first.proved):
        from symcheck.engines.race import race  # everything at once: the first decisive answer wins
        raced = race(model, depth, whole, prove_timeout, progress, asked, explicit_ok, run)
        if raced.violated or not model.properties or not (raced.holds or raced.proved):
            return _with_notes(raced, skipped)
        if raced.states is None:  # the SMT engines answered: the lasso engine checks the properties
            return _with_notes(_with_liveness(model, Encoding.of(model), raced, depth, whole, progress), skipped)
        first, whole_graph = raced, True  # the explicit-state search proved the invariants: the properties next
    if first is not None and first.proved:  # the invariants are proved: the properties on the same state graph
        exact = _exact_liveness(model, first, whole, whole_graph)
        if exact.verdict != UNKNOWN:
            return _with_notes(exact, skipped)
    t0 = time.perf_counter()
    enc = Encoding.of(model)
    if first is not None and first.proved:  # too many states for the graph: the lasso engine checks the properties
        first.timings["encode"] = first.timings.get("encode", 0.0) + time.perf_counter() - t0
        return _with_liveness(model, enc, first, depth, whole, progress)
    t_enc = time.perf_counter() - t0
    result = run(model, enc, whole, depth, engine=engine, prove_timeout=prove_timeout, progress=progress, asked=asked)
    result.timings["encode"] = result.timings.get("encode", 0.0) + t_enc
    if model.properties and result.holds:
        result = _with_liveness(model, enc, result, depth, whole, progress)
    return _with_notes(result, skipped)


def _explicit_first(model: Model, whole: Deadline, alone: bool) -> Outcome:
    """The explicit-state search: every reachable state, breadth first (a violation gets the
    shortest trace, as TLC's; a bug deeper than the claim's depth is found too). In the
    portfolio it is capped at EXPLICIT_STATES states and EXPLICIT_SECONDS; alone, at the
    engine's own cap and the whole deadline. Unknown means: too big, use the SMT engines."""
    out = (explicit.run(model, None, whole) if alone
           else explicit.run(model, None, whole.within(EXPLICIT_SECONDS), max_states=EXPLICIT_STATES))
    if whole.expired():  # an answer past the run's limit is not taken: a limit gives unknown
        return Outcome(model.name, UNKNOWN, 0, model.expect, engine="explicit", reason=whole.timeout_text())
    if out.proved:
        out.proof = out.proof + ["engine choice: the reachable states are few enough to explore them all "
                                 f"(at most {EXPLICIT_STATES:,} are tried before the SMT engines)"]
    return recheck(model, out, whole, label=LABELS["explicit"])


def _exact_liveness(model: Model, safety: Outcome, whole: Deadline, alone: bool) -> Outcome:
    """The properties decided exactly on the whole state graph (engines.graph_liveness,
    as TLC decides them): proved or the shortest lasso; unknown when the graph is too
    big for the explicit-state budget (the bounded lasso engine then answers)."""
    live = (graph_liveness.run(model, None, whole) if alone else
            graph_liveness.run(model, None, whole.within(EXPLICIT_SECONDS), max_states=EXPLICIT_STATES))
    live.timings = {k: safety.timings.get(k, 0.0) + v for k, v in live.timings.items()}
    live = recheck(model, live, whole, label="liveness on the whole state graph", engine="graph_liveness")
    if live.proved:
        live.proof = [line for line in safety.proof if line != explicit.LIVENESS_UNCHECKED] + live.proof
        live.bound = safety.bound
    return live


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int = 0, engine: str = "auto",
        prove_timeout: float | None = None, progress: Progress | None = None, asked: bool = False) -> Outcome:
    """BMC to `depth` and (unless `engine` is "bmc") a proof within what is left of the
    deadline, at most `prove_timeout` seconds, so a hard limit never turns a bounded
    `holds` into `unknown`. "auto" (with fork and a second core) runs BMC and the proof
    engines at once, the first decisive answer winning; otherwise BMC runs first and the
    proof engines after it, one after another. `asked`: the user gave `depth`; a proof
    then says what BMC covered to it (and, when BMC ran beside the proof engines, waits
    for BMC to finish)."""
    enc, whole = encoding, deadline
    together = engine == "auto" and portfolio_supported()
    result: Outcome | None = None
    if not together:
        result = bmc.run(model, enc, whole, depth, progress)
        if result.verdict == HOLDS and engine == "bmc":  # a bounded green says why it is only bounded
            result.reason = "bounded only: --engine bmc tries no proof for every depth"
        if result.verdict != HOLDS or engine == "bmc":
            return result
    budget = PROVE_TIMEOUT if prove_timeout is None else prove_timeout
    if whole.seconds:  # keep a fifth of the limit for what follows the proof (liveness, coverage)
        left = whole.remaining() or 0.0
        budget = min(budget, 0.8 * whole.seconds - (whole.seconds - left))
        if budget <= 0.05:
            result = result or bmc.run(model, enc, whole, depth, progress)
            if result.verdict == HOLDS:
                result.reason = "not proved for every depth: no time left within --timeout for a proof"
            return result
    start = time.perf_counter()
    proof = whole.within(budget)
    names = ([n for n in PROOF_ENGINES if unsupported(n, model) is None] if engine in ("auto", "sequential")
             else [engine])
    if not names:
        result = result or bmc.run(model, enc, whole, depth, progress)
        if result.verdict == HOLDS:
            result.reason = "not proved for every depth: " + "; ".join(_skipped(model, list(PROOF_ENGINES)))
        return result
    beyond = needs_smt(model)
    if engine in ("auto", "sequential"):  # the ∀-lemma engine is for claims beyond the bounds only, and first there
        names = (["forall"] if "forall" in names and beyond else []) + [n for n in names if n != "forall"]
    if together:
        result, attempts = _race(model, enc, names, proof, whole, depth, progress, asked)
        if result.violated:
            return result
    else:
        attempts = _one_by_one(model, enc, names, proof, whole, depth)
    assert result is not None
    winner = next((a for a in attempts if a is not None and a.verdict in (PROVED, VIOLATED)), None)
    if winner is not None and winner.verdict == VIOLATED:
        return winner
    bogus = next((a for a in [result, *attempts] if not_replayed(a)), None)
    if winner is not None and bogus is not None:  # a proof beside a solver's path that is not one: neither
        return Outcome(model.name, UNKNOWN, None, model.expect, engine=winner.engine,
                       reason=f"the engines disagree: {LABELS.get(winner.engine, winner.engine)} proved every "
                              f"depth, and {bogus.reason}")
    if winner is not None:
        scope = [f"proved {proved_for(model)}", *fragment_note(model)] if beyond else []
        label = LABELS.get(winner.engine, winner.engine)
        covered = []
        if asked:
            what = (f"Z3 BMC found no violation in depths 0..{depth}" if result.verdict == HOLDS
                    else f"Z3 BMC did not finish ({result.reason})")
            covered = [f"depth {depth} (asked): {what}; {label} {'' if together else 'then '}proved every depth"]
        r = Outcome(result.claim, PROVED, depth, result.expected, engine=winner.engine, k=winner.k,
                    how=winner.how, proof=scope + winner.proof + _portfolio_note(names, winner.engine, together,
                                                                                 len(names) > 1) + covered)
        r.timings = {**result.timings, "prove": time.perf_counter() - start}
        return r
    notes = [n for n in dict.fromkeys(a.reason for a in attempts if a is not None and a.reason) if n != result.reason]
    if result.verdict == HOLDS:
        result.reason = "not proved for every depth: " + "; ".join(notes)
    else:
        result.reason = "; ".join([result.reason or "BMC gave no answer", *notes])
    result.timings["prove"] = time.perf_counter() - start
    return result


def portfolio_supported() -> bool:
    """Parallel processes pay off with a second core and need fork (not on Windows)."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def _portfolio_note(names: list[str], winner: str, together: bool, several: bool) -> list[str]:
    labels = [LABELS.get(n, n) for n in names]
    if together:
        alone = f" ({labels[0]} alone for {HEAD_START:g} s)" if several else ""
        return [f"engine choice: BMC and {', '.join(labels)} at once in parallel processes{alone}; "
                f"{LABELS.get(winner, winner)} answered first"]
    if not several:
        return []
    return [f"engine choice: {', '.join(labels)} one after another; {LABELS.get(winner, winner)} answered first"]


def _race(model: Model, enc: Encoding, names: list[str], proof: Deadline, whole: Deadline, depth: int,
          progress: Progress | None, asked: bool) -> tuple[Outcome, list[Outcome | None]]:
    """BMC and every proof engine, each in its own process at once: BMC's outcome (unknown
    when it was ended) and the engines' attempts. The first violation ends the rest, and
    so does the first proof (BMC then runs to the depth in this process, when the user
    asked for one and it had not finished); `unknown` never does. The first proof engine runs alone for HEAD_START seconds
    (BMC beside it); BMC and the later engines run at a lower priority. `progress` hears
    the bound again while they run, so a progress display stays live."""
    from symcheck.limits import run_parallel
    order = [names[0], "bmc", *names[1:]]
    jobs: list[Callable[[], Outcome]] = [partial(_niced, 0, partial(_attempt, PROOF_ENGINES[names[0]], model, enc, proof,
                                                                   whole, -1))]
    jobs.append(partial(_niced, LATER_NICENESS, partial(_bmc_replayed, model, enc, whole, depth)))
    jobs += [partial(_niced, LATER_NICENESS, partial(_attempt, PROOF_ENGINES[n], model, enc, proof, whole, -1))
             for n in names[1:]]

    def failed(i: int, why: str) -> Outcome:
        return Outcome(model.name, UNKNOWN, None, model.expect, engine=order[i],
                       reason=f"{LABELS.get(order[i], order[i])}: {why}")

    def stop(i: int, out: Outcome) -> bool:
        return out.verdict in (PROVED, VIOLATED)

    limit = whole.remaining()
    start = time.perf_counter()
    tick = None if progress is None else (lambda: progress(depth, time.perf_counter() - start))
    results = run_parallel(jobs, len(jobs), failed, timeout=limit, stop=stop, cut=lambda i, out: i != 1,
                           after=[0.0, 0.0] + [HEAD_START] * (len(jobs) - 2), tick=tick)
    attempts = [results[0], *results[2:]]
    bounded = results[1]
    if bounded is None and asked and any(a is not None and a.proved for a in attempts):
        bounded = bmc.run(model, enc, whole, depth, progress)  # what the user asked for: BMC to that depth
    if bounded is None:
        bounded = Outcome(model.name, UNKNOWN, None, model.expect, engine="bmc",
                          reason="BMC was ended when a proof engine answered")
    won = next((a for a in attempts if a is not None and a.proved), None)
    if bounded.violated and won is not None:  # a proof and a violation: never either answer
        return Outcome(model.name, UNKNOWN, None, model.expect, engine=won.engine,
                       reason=f"the engines disagree: {LABELS.get(won.engine, won.engine)} proved every depth, "
                              f"Z3 BMC found {bounded.invariant} violated at depth {bounded.length}"), []
    return bounded, attempts


def _bmc_replayed(model: Model, enc: Encoding, whole: Deadline, depth: int) -> Outcome:
    """BMC in the race: a violation whose trace does not replay is unknown, never a win."""
    return replay(model, bmc.run(model, enc, whole, depth))


def _niced(niceness: int, job: Callable[[], Outcome]) -> Outcome:
    """`job()` at a lower CPU priority (in its own process: the priority dies with it)."""
    if niceness:
        try:
            os.nice(niceness)
        except OSError:  # pragma: no cover - not allowed here: run at the same priority
            pass
    return job()


def _one_by_one(model: Model, enc: Encoding, names: list[str], proof: Deadline, whole: Deadline,
                depth: int) -> list[Outcome | None]:
    attempts: list[Outcome | None] = []
    for name in names:
        out = _attempt(PROOF_ENGINES[name], model, enc, proof, whole, depth)
        attempts.append(out)
        if _decisive(out):
            break
    return attempts


def _decisive(out: Outcome) -> bool:
    return out.verdict in (PROVED, VIOLATED)


def _attempt(engine: ProofEngine, model: Model, enc: Encoding, proof: Deadline, whole: Deadline,
             depth: int) -> Outcome:
    """One engine's answer, ready to report: a re-checked proof (worded, certificate
    dropped so it can cross processes), a violation with BMC's canonical trace, or
    unknown with a note naming the engine."""
    label = LABELS.get(engine.name, engine.name)

    def note(text: str) -> Outcome:
        return Outcome(model.name, UNKNOWN, None, model.expect, engine=engine.name, reason=text)

    out = engine.run(model, enc, proof)
    if out.verdict == VIOLATED:  # beyond the bound: BMC gives the canonical shortest trace
        # (a known length gets the whole run's time; a search to MAX_K only the proof's)
        deeper = (bmc.run(model, enc, whole, out.length) if out.length is not None
                  else bmc.run(model, enc, proof, MAX_K))
        if deeper.violated:
            return replay(model, deeper)
        return note(f"{label} reports a violation beyond the bound that BMC did not reach in time")
    if out.verdict == PROVED:
        out = recheck(model, out, proof, enc, label)
        if out.proved:
            out.proof, out.certificate = engine.explain(out, depth), None
        return out
    return note(f"{label}: {out.reason}")


def _kind_proof(out: Outcome, depth: int) -> list[str]:
    k = out.k or 0
    how = ("no simple path from an initial state is longer than "
           f"{k - 1} steps, and none of them reaches a bad state" if out.how == kind.DIAMETER
           else f"the property is {k}-inductive and " + (
               f"BMC covered depths 0..{depth}" if k <= depth else f"the base case covered depths 0..{k}"))
    return [f"k-induction at k = {k}: {how}", "re-checked: base case and step as fresh monolithic queries"]


def _with_liveness(model: Model, enc: Encoding, safety: Outcome, depth: int, deadline: Deadline,
                   progress: Progress | None) -> Outcome:
    """Safety held; now the lasso engine on the properties, to the same depth. When both
    hold, the verdict is `holds` to the bound: a safety proof does not prove the
    properties."""
    if deadline.expired():
        return Outcome(model.name, UNKNOWN, 0, model.expect, reason=deadline.timeout_text(), engine="lasso")
    live = liveness.run(model, enc, deadline, depth, progress)
    live.timings = {k: safety.timings.get(k, 0.0) + v for k, v in live.timings.items()}
    if not live.holds:
        return live
    if safety.proved:  # the invariants are proved; the properties only hold to the bound
        safety.proved_invariants = tuple(i.name for i in model.invariants)
        safety.reason = (f"the invariants are proved for every depth by {safety.engine}; the properties hold "
                         f"to depth {depth} (no fair lasso of up to {depth + 1} states violates one)")
        safety.verdict, safety.bound = HOLDS, depth
    safety.timings, safety.engine = live.timings, f"{safety.engine}+lasso"
    return safety
