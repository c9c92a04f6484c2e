"""The race behind `--engine auto`: once the explicit-state search has had its head start
in this process (`auto.EXPLICIT_STATES` states; most claims end there, without a
second process), it starts again in a process of its own, beside the SMT engines in
another (the encoding built once, then BMC and the proof engines at once, each in its
own process: `auto.run`), as Kind 2 runs its engines. Depth gates nothing: a proof
engine starts when BMC does. The first decisive answer wins and the others are ended:

- a proof (re-checked where it was found: engines/recheck.py) or a violation;
- `unknown`, or a bounded `holds`, never wins: the race goes on while an engine may
  still decide, and only when none can is the SMT side's answer (BMC's bounded `holds`,
  or `unknown`) reported, with every engine's reason.

A violation keeps a shortest trace whichever side finds it: the explicit-state
search's breadth-first trace, or BMC's canonical one (a proof engine that finds a
violation beyond the bound hands its length to BMC).

The search in its own process is bounded by time and by `RACE_MEMORY`, not by the head
start's state count. The head start pays on a machine with
few cores: see `auto.EXPLICIT_STATES`."""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from symcheck.front.ir import Model
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline
from symcheck.smt.unroll import Progress
from symcheck.trace import PROVED, UNKNOWN, VIOLATED, Outcome

RACE_STATES: int | None = None  # the explicit-state search's state cap in the race (None: the engine's own limits)
# Its memory budget in the race (resident bytes of its process): beside the SMT engines a
# check stays under half a gigabyte; past it the search gives up (unknown) and the SMT
# engines decide. `--engine explicit` alone has the engine's own budget (explicit.MAX_MEMORY).
RACE_MEMORY = 450 << 20


SEARCH = "explicit-state search"
# the SMT side: `auto.run` (BMC and the proof engines at once on one encoding), passed in
SmtRun = Callable[..., Outcome]


def race(model: Model, depth: int, whole: Deadline, prove_timeout: float | None, progress: Progress | None,
         asked: bool, explicit_ok: bool, run: SmtRun) -> Outcome:
    """Safety decided by the race (see the module's docstring): the winner's outcome, or
    the SMT side's bounded answer with every engine's reason. `explicit_ok`: the
    explicit-state search supports the claim (it races only then); `run`: `auto.run`."""
    smt = partial(_smt, run, model, depth, whole, prove_timeout, asked)
    if not explicit_ok or RACE_STATES == 0:
        return smt(progress)
    from symcheck.limits import run_parallel
    names = ["explicit", "SMT engines"]

    def failed(i: int, why: str) -> Outcome:
        return Outcome(model.name, UNKNOWN, None, model.expect, engine="explicit" if i == 0 else "bmc",
                       reason=f"{names[i]}: {why}")

    start = time.perf_counter()
    tick = None if progress is None else (lambda: progress(depth, time.perf_counter() - start))
    found = run_parallel([partial(_explicit, model, whole), partial(smt, None)], 2, failed, timeout=whole.remaining(),
                         stop=lambda i, out: out.verdict in (PROVED, VIOLATED), tick=tick)
    searched, solved = found
    if searched is not None and searched.verdict in (PROVED, VIOLATED):
        if searched.proved:
            searched.proof = searched.proof + [
                f"engine choice: the {SEARCH} and the SMT engines raced in parallel processes (the "
                "search had a head start in this process); the explicit-state search answered first"]
        return searched
    assert solved is not None
    if searched is not None and searched.reason and solved.verdict not in (PROVED, VIOLATED):
        solved.reason = "; ".join(filter(None, [solved.reason, f"{SEARCH}: {searched.reason}"]))
    return solved


def _explicit(model: Model, whole: Deadline) -> Outcome:
    """The explicit-state search in its own process, to the end of its own limits (a
    proof re-checked there)."""
    from symcheck.engines import explicit
    from symcheck.engines.recheck import recheck
    out = explicit.run(model, None, whole, max_states=RACE_STATES, max_memory=RACE_MEMORY)
    return recheck(model, out, whole, label=SEARCH)


def _smt(run: SmtRun, model: Model, depth: int, whole: Deadline, prove_timeout: float | None, asked: bool,
         progress: Progress | None) -> Outcome:
    """The SMT side: one encoding, then BMC and the proof engines at once (`auto.run`)."""
    t0 = time.perf_counter()
    enc = Encoding.of(model)
    t_enc = time.perf_counter() - t0
    out = run(model, enc, whole, depth, engine="auto", prove_timeout=prove_timeout, progress=progress, asked=asked)
    out.timings["encode"] = out.timings.get("encode", 0.0) + t_enc
    return out
