"""Engine selection, the one place engines are chosen and combined: bounded model
checking first (shortest, canonical traces), then, when nothing is found, a proof for
every depth by k-induction (first with generated lemmas, `engines/lemmas`) and/or PDR
within a time budget, then, for a claim with liveness properties, the lasso engine. A proof is reported only after its independent
re-check passes; an engine that finds a violation beyond the bound hands it back to BMC
for the trace. Each engine is `run(model, encoding, deadline, ...) -> Outcome` on the
one encoding built here; the outcome says which engine answered and why."""
from __future__ import annotations

import time

from symcheck.engines import bmc, kind, lemmas, liveness, pdr
from symcheck.front.ir import Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.smt.unroll import Progress
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Outcome

ENGINES = ("auto", "bmc", "kind", "pdr")
PROVE_TIMEOUT = 60.0  # seconds for the proof phase, by default (a safety net: proofs take seconds)
MAX_K = kind.MAX_K


def prove(model: Model, depth: int, engine: str = "auto", timeout: Deadline | float | None = None,
          prove_timeout: float | None = None, progress: Progress | None = None) -> Outcome:
    """Safety (`run`), then the liveness properties when it holds, on one encoding and
    one deadline: `timeout` (seconds, or the caller's Deadline) for everything."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    whole = Deadline.of(timeout)
    t0 = time.perf_counter()
    enc = Encoding.of(model)
    t_enc = time.perf_counter() - t0
    result = run(model, enc, whole, depth, engine=engine, prove_timeout=prove_timeout, progress=progress)
    result.timings["encode"] = result.timings.get("encode", 0.0) + t_enc
    if model.properties and result.holds:
        result = _with_liveness(model, enc, result, depth, whole, progress)
    return result


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int = 0, engine: str = "auto",
        prove_timeout: float | None = None, progress: Progress | None = None) -> Outcome:
    """BMC to `depth`, then (unless `engine` is "bmc") a proof within what is left of
    the deadline, at most `prove_timeout` seconds, so a hard limit never turns a bounded
    `holds` into `unknown`."""
    enc, whole = encoding, deadline
    result = bmc.run(model, enc, whole, depth, progress)
    if result.verdict != HOLDS or engine == "bmc":
        return result
    budget = PROVE_TIMEOUT if prove_timeout is None else prove_timeout
    if whole.seconds:  # keep a fifth of the limit for what follows the proof (liveness, coverage)
        left = whole.remaining() or 0.0
        budget = min(budget, 0.8 * whole.seconds - (whole.seconds - left))
        if budget <= 0.05:
            result.reason = "not proved for every depth: no time left within --timeout for a proof"
            return result
    start = time.perf_counter()
    proof = whole.within(budget)
    notes: list[str] = []
    if engine in ("auto", "kind"):
        proved = lemmas.prove(model, enc, proof.within(budget * lemmas.SHARE), notes)
        if proved is not None:
            return _proved(result, proved.engine, proved.k, _kind_proof(proved, depth) + proved.proof, start)
        out = kind.run(model, enc, proof, MAX_K)
        if out.verdict == VIOLATED:  # deeper than the bound: BMC gives the canonical trace
            return bmc.run(model, enc, whole, out.length or 0)
        if out.verdict == PROVED:
            if kind.recheck(model, out, timeout=proof, enc=enc):
                return _proved(result, "kind", out.k, _kind_proof(out, depth), start)
            notes.append(f"k-induction claimed a proof at k = {out.k} that failed its re-check"
                         + (" (out of time)" if proof.expired() else ""))
        else:
            notes.append(f"k-induction: {out.reason}")
    if engine in ("auto", "pdr"):
        out = pdr.run(model, enc, proof)
        if out.verdict == VIOLATED:  # beyond the bound: search deeper for the trace
            deeper = bmc.run(model, enc, proof, MAX_K)
            if deeper.violated:
                return deeper
            notes.append("PDR reports a violation beyond the bound that BMC did not reach in time")
        elif out.verdict == PROVED:
            if pdr.recheck(model, out.certificate, timeout=proof, enc=enc):
                return _proved(result, "pdr", None, ["PDR (Spacer) found an inductive invariant; re-checked "
                                                     "initiation, consecution and safety:"]
                               + ["  " + line for line in out.proof], start)
            notes.append("PDR's invariant failed its re-check" + (" (out of time)" if proof.expired() else ""))
        else:
            notes.append(f"PDR: {out.reason}")
    result.reason = "not proved for every depth: " + "; ".join(notes)
    result.timings["prove"] = time.perf_counter() - start
    return result


def _kind_proof(out: Outcome, depth: int) -> list[str]:
    k = out.k or 0
    how = ("no simple path from an initial state is longer than "
           f"{k - 1} steps, and none of them reaches a bad state" if out.how == kind.DIAMETER
           else f"the property is {k}-inductive and " + (
               f"BMC covered depths 0..{depth}" if k <= depth else f"the base case covered depths 0..{k}"))
    return [f"k-induction at k = {k}: {how}", "re-checked: base case and step as fresh monolithic queries"]


def _proved(bmc_result: Outcome, engine: str, k: int | None, proof: list[str], start: float) -> Outcome:
    """Proved for every depth; `bound` stays the depth BMC covered, `k` is k-induction's."""
    r = Outcome(bmc_result.claim, PROVED, bmc_result.bound, bmc_result.expected, engine=engine, proof=proof, k=k)
    r.timings = {**bmc_result.timings, "prove": time.perf_counter() - start}
    return r


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
        safety.reason = (f"the invariants are proved for every depth by {safety.engine}; the properties hold "
                         f"to depth {depth} (no fair lasso of up to {depth + 1} states violates one)")
        safety.verdict, safety.bound = HOLDS, depth
    safety.timings, safety.engine = live.timings, f"{safety.engine}+lasso"
    return safety
