"""Engine selection: bounded model checking first (shortest, canonical traces), then,
when nothing is found, a proof for every depth by k-induction and/or PDR within a
time budget. A proof is reported only after its independent re-check passes; an
engine that finds a violation beyond the bound hands it back to BMC for the trace."""
from __future__ import annotations

import time

from . import kind, pdr
from .bmc import check_bmc
from .encode import Encoding
from .ir import Model
from .solve import Deadline
from .trace import HOLDS, PROVED, Result

ENGINES = ("auto", "bmc", "kind", "pdr")
PROVE_TIMEOUT = 60.0  # seconds for the proof phase, by default (a safety net: proofs take seconds)
MAX_K = kind.MAX_K


def run(model: Model, depth: int, engine: str = "auto", timeout: float | None = None,
        prove_timeout: float | None = None, progress=None) -> Result:
    """`timeout` bounds the whole run (the proof phase gets what is left of it, at most
    `prove_timeout`), so a hard limit never turns a bounded `holds` into `unknown`."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    t0 = time.perf_counter()
    whole = Deadline(timeout)
    enc = Encoding.of(model)
    t_enc = time.perf_counter() - t0
    result = check_bmc(model, depth, timeout=whole, progress=progress, enc=enc)
    result.timings["encode"] = result.timings.get("encode", 0.0) + t_enc
    if result.verdict != HOLDS or engine == "bmc":
        return result
    budget = PROVE_TIMEOUT if prove_timeout is None else prove_timeout
    if timeout:  # keep a fifth of the limit for what follows the proof (liveness, coverage)
        budget = min(budget, 0.8 * timeout - (time.perf_counter() - t0))
        if budget <= 0.05:
            result.reason = "not proved for every depth: no time left within --timeout for a proof"
            return result
    start = time.perf_counter()
    proof = whole.within(budget)
    notes = []
    if engine in ("auto", "kind"):
        out = kind.check_kind(model, MAX_K, timeout=proof, enc=enc)
        if out.status == "violated":  # deeper than the bound: BMC gives the canonical trace
            return check_bmc(model, out.k, timeout=whole)
        if out.status == "proved":
            if kind.recheck(model, out, timeout=proof, enc=enc):
                how = ("no simple path from an initial state is longer than "
                       f"{out.k - 1} steps, and none of them reaches a bad state" if out.how == kind.DIAMETER
                       else f"the property is {out.k}-inductive and " + (
                           f"BMC covered depths 0..{depth}" if out.k <= depth
                           else f"the base case covered depths 0..{out.k}"))
                return _proved(result, "kind", out.k, [f"k-induction at k = {out.k}: {how}",
                                                       "re-checked: base case and step as fresh monolithic queries"],
                               start)
            notes.append(f"k-induction claimed a proof at k = {out.k} that failed its re-check"
                         + (" (out of time)" if proof.expired() else ""))
        else:
            notes.append(f"k-induction: {out.reason or f'no proof up to k = {out.k}'}")
    if engine in ("auto", "pdr"):
        out = pdr.check_pdr(model, timeout=proof, enc=enc)
        if out.status == "violated":  # beyond the bound: search deeper for the trace
            deeper = check_bmc(model, MAX_K, timeout=proof)
            if deeper.violated:
                return deeper
            notes.append("PDR reports a violation beyond the bound that BMC did not reach in time")
        elif out.status == "proved":
            if pdr.recheck(model, out.invariant, timeout=proof, enc=enc):
                return _proved(result, "pdr", None, ["PDR (Spacer) found an inductive invariant; re-checked "
                                                     "initiation, consecution and safety:"]
                               + ["  " + line for line in out.lines], start)
            notes.append("PDR's invariant failed its re-check" + (" (out of time)" if proof.expired() else ""))
        else:
            notes.append(f"PDR: {out.reason}")
    result.reason = "not proved for every depth: " + "; ".join(notes)
    result.timings["prove"] = time.perf_counter() - start
    return result


def _proved(bmc_result: Result, engine: str, k: int | None, proof: list, start: float) -> Result:
    """Proved for every depth; `bound` stays the depth BMC covered, `k` is k-induction's."""
    r = Result(bmc_result.claim, PROVED, bmc_result.bound, bmc_result.expected, engine=engine, proof=proof, k=k)
    r.timings = {**bmc_result.timings, "prove": time.perf_counter() - start}
    return r
