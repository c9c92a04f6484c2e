"""The Python API used by tests and scripts: load a claim, prove it."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from symcheck.front import claims as front_claims
from symcheck.front.claims import Entry, claims_dir, resolve, variant_in
from symcheck.front.overrides import Override, command_line, from_mapping
from symcheck.errors import InputError, suggest
from symcheck.front.ir import Model, premises
from symcheck.explicit.evaluator import check_assumptions
from symcheck.trace import UNKNOWN, Coverage, Engine, Result, Trace


def load_claim(name_or_path: str, claims: str | Path | None = None, variant: str | None = None,
               overrides: Mapping[str, object] | None = None) -> Model:
    """One checked claim variant: by name (`pairing-negative`), by `FILE:VARIANT`, or by a
    claim (a name or a file) and `variant=` (`negative` or `pairing-negative`). A file
    that defines several variants, given without one, is an InputError rather than
    silently its green claim: pass `variant=`, or use `load_claims` for all of them.
    `overrides` maps constant names to new values (Python data as YAML reads it:
    `{"TTL": 2, "Senders": ["a", "b"]}`), type-checked like `--set`; they win over the
    variant's own patch of a constant, and `model.overrides` records them."""
    given = from_mapping(overrides)
    entries = resolve(str(name_or_path), Path(claims) if claims else claims_dir())
    if variant is not None:
        return load_model(variant_in(entries[0].file, variant), given)
    if len(entries) > 1:
        names = ", ".join(e.name for e in entries)
        raise InputError(None, f"{name_or_path} defines {len(entries)} variants ({names})",
                         f"pass variant= (e.g. load_claim({str(name_or_path)!r}, variant={entries[1].variant.suffix!r})), "
                         "or use load_claims for every variant")
    return load_model(entries[0], given)


def load_model(entry: Entry, overrides: Mapping[str, Override] | None = None) -> Model:
    """A catalog entry's checked model (front.claims.load_model), its assumptions (TLC's
    ASSUME) checked before any search: a false one is a located InputError."""
    return _assumed([front_claims.load_model(entry, overrides)])[0]


def load_models(entries: list[Entry], overrides: Mapping[str, Override] | None = None) -> list[Model]:
    """As load_model, for several entries (front.claims.load_models)."""
    return _assumed(front_claims.load_models(entries, overrides))


def _assumed(models: list[Model]) -> list[Model]:
    for model in models:
        check_assumptions(model)
    return models


def _checked(claim: Model | str) -> Model:
    """The model of a claim (loaded when named), its assumptions (TLC's ASSUME) checked
    before any search: a false one is a located InputError."""
    model = load_claim(claim) if isinstance(claim, str) else claim
    check_assumptions(model)
    return model


def load_claims(name_or_path: str, claims: str | Path | None = None,
                overrides: Mapping[str, object] | None = None) -> list[Model]:
    """Every variant named by a claim name or file; an override applies to each variant
    that declares the constant (one that none declares is an InputError)."""
    entries = resolve(str(name_or_path), Path(claims) if claims else claims_dir())
    return load_models(entries, from_mapping(overrides))


def load_text(text: str, variant: str | None = None, overrides: Mapping[str, object] | None = None,
              name: str = "<pasted>") -> list[Model]:
    """The checked variants of a claim given as YAML text (every variant, or the one
    named by its suffix or full name), read without touching any file: a data
    reference (`from: FILE`) is an InputError. `name` stands for the file in error
    locations and in `model.file`."""
    from symcheck.front.source import parse_yaml
    from symcheck.front.variants import expand
    variants = expand(parse_yaml(text, name), read_data=False)
    if variant is not None:
        chosen = [v for v in variants if variant and variant in (v.suffix, v.name)]
        if not chosen:
            listing = ", ".join(v.suffix or f"{v.name} (the green claim)" for v in variants)
            hint = suggest(variant, [v.suffix for v in variants if v.suffix] + [v.name for v in variants])
            raise InputError(None, f"{name} has no variant {variant!r}", (hint + " " if hint else "") + f"its variants: {listing}")
        variants = chosen
    return _assumed(front_claims.check_variants(variants, from_mapping(overrides)))


def parse_overrides(sets: Sequence[str] = (), constants_file: str | Path | None = None) -> dict[str, Override]:
    """Overrides as the command line gives them: `NAME=VALUE` strings (YAML values, as
    `--set`) and a `--constants` YAML file; a setting wins over the file. The result can
    be passed as `overrides=`."""
    return command_line(sets, constants_file)


def prove(claim: Model | str, depth: int | None = None, timeout: float | None = None, progress=None,
          engine: Engine | str = Engine.AUTO, prove_timeout: float | None = None, coverage: bool = False,
          memory: int | None = None, start: str = "fork") -> Result:
    """Check a claim with bounded model checking to `depth` (default: the claim's), then,
    unless `engine` is "bmc", try to prove it for every depth ("auto": k-induction, then
    PDR; or "kind" / "pdr" alone) within `prove_timeout` seconds.
    `progress(depth, seconds)` is called after each BMC depth. With `coverage`, the
    result also gets `result.coverage` (see `cover`), unless it is unknown. With a
    `timeout` (seconds) or a `memory` limit (megabytes) the check runs in a worker
    process under those limits (symcheck.limits): hitting one gives verdict unknown
    with the reason; `start="forkserver"` makes that worker in a caller with threads
    (`symcheck serve`)."""
    from symcheck.engines.auto import check_engine
    model = _checked(claim)
    check_engine(model, engine)  # an engine that cannot decide the claim: a usage error before any work
    bound = model.depth if depth is None else depth
    work = partial(_prove, model, bound, timeout, engine=engine, prove_timeout=prove_timeout, coverage=coverage,
                   asked=depth is not None)  # picklable: a forkserver's worker gets it
    if timeout is None and memory is None:
        return work(progress)
    from symcheck.limits import run_limited
    return run_limited(work, model, timeout, memory, progress, start=start)


def _prove(model: Model, bound: int, timeout: float | None, progress, engine: Engine, prove_timeout: float | None,
           coverage: bool, asked: bool = False) -> Result:
    from symcheck.engines.auto import prove as run_engines
    from symcheck.report.explain import explain, explain_lasso
    from symcheck.smt.solve import Deadline
    deadline = Deadline(timeout)  # one limit for the whole run: each phase gets what is left
    result = run_engines(model, bound, engine=engine, timeout=deadline, prove_timeout=prove_timeout, progress=progress,
                         asked=asked)
    if result.violated:
        result.explanation = explain_lasso(model, result) if result.loop_start is not None else explain(model, result)
    if coverage and result.verdict != UNKNOWN:
        result.coverage = cover(model, bound, timeout=deadline)
    return result


def check_variant(model: Model, depth: int | None = None, timeout: float | None = None, engine: Engine | str = Engine.AUTO,
                  prove_timeout: float | None = None, memory: int | None = None, coverage: bool = False,
                  cross: bool = False) -> tuple[Result, float]:
    """One variant as `symcheck check` checks it: its result (with the coverage of a
    green that holds, when `coverage`) and seconds. With `cross` the verdict is
    cross-checked (`cross_check`): a disagreement makes it unknown with both answers in
    its reason; otherwise the result's proof lines say how it was cross-checked."""
    import time
    t0 = time.perf_counter()
    r = prove(model, depth=depth, timeout=timeout, memory=memory, engine=engine, prove_timeout=prove_timeout)
    if cross:
        checked = cross_check(model, r, depth, timeout)
        if checked.agree is False:
            r = Result(model.name, UNKNOWN, None, model.expect, engine=r.engine, reason=checked.text())
        else:
            r.proof = r.proof + [checked.text()]
    if coverage and model.expect == "holds" and r.holds:
        r.coverage = cover(model, model.depth if depth is None else depth, timeout=timeout)
    return r, time.perf_counter() - t0


def cross_check(claim: Model | str, result: Result, depth: int | None = None, timeout: float | None = None):
    """`result` (a verdict of `prove` on the claim) again from an engine that shares no
    code with the one that gave it, and whether they agree (an
    `engines.crosscheck.CrossCheck`; see that module for which engine checks what)."""
    from symcheck.engines.crosscheck import cross_check as second_opinion
    from symcheck.smt.solve import Deadline
    model = load_claim(claim) if isinstance(claim, str) else claim
    return second_opinion(model, result, model.depth if depth is None else depth, Deadline.of(timeout))


def check_matrix(claim: Model | str, depth: int | None = None, timeout: float | None = None, prover=None,
                 prove_timeout: float | None = None):
    """Every configuration of the claim's symbolic constants with its verdict (a
    `trace.Matrix`); see symcheck/matrix.py."""
    from symcheck.engines.matrix import matrix
    model = _checked(claim)
    return matrix(model, depth, timeout=timeout, prover=prover, prove_timeout=prove_timeout)


def counterexamples(claim: Model | str, max_traces: int, depth: int | None = None,
                    timeout: float | None = None) -> list[Result]:
    """Up to `max_traces` counterexamples that differ in their action sequence, shortest
    first, grouped by invariant; a single holds (or unknown) Result when there is none."""
    from symcheck.engines.multitrace import check_bmc_traces
    from symcheck.report.explain import explain
    model = _checked(claim)
    results = check_bmc_traces(model, model.depth if depth is None else depth, max_traces, timeout=timeout)
    for r in results:
        if r.violated:
            r.explanation = explain(model, r)
    return results


def cover(claim: Model | str, depth: int | None = None, timeout=None) -> Coverage:
    """Which actions can fire, and which invariant premises can be true, within `depth`
    steps (default: the claim's), with the first depth of each."""
    from symcheck.engines import explicit
    from symcheck.engines.auto import EXPLICIT_SECONDS, EXPLICIT_STATES, unsupported
    from symcheck.engines.vacuity import coverage
    from symcheck.smt.solve import Deadline
    model = _checked(claim)
    bound = model.depth if depth is None else depth
    whole = Deadline.of(timeout)  # the explicit search first, as for the verdict; the SMT engine when it is too big
    found = (explicit.coverage(model, bound, whole.within(EXPLICIT_SECONDS), max_states=EXPLICIT_STATES)
             if unsupported("explicit", model) is None else None)
    return found if found is not None else coverage(model, bound, timeout=whole)


def witness(claim: Model | str, action: str | None = None, premise: str | None = None,
            depth: int | None = None) -> Trace | None:
    """The canonical shortest trace whose last step fires `action`, or whose last state
    makes the premise of invariant `premise` true; None when there is none within
    `depth` steps. An unknown action or invariant, or one without a premise, is an
    InputError."""
    from symcheck.engines.vacuity import ACTION, PREMISE, coverage
    model = _checked(claim)
    if (action is None) == (premise is None):
        raise InputError(None, "name either an action or an invariant's premise")
    target = (ACTION, action) if action is not None else (PREMISE, str(premise))
    _check_target(model, *target)
    cov = coverage(model, model.depth if depth is None else depth, targets=[target], traces=True)
    return cov.traces.get(target)


def _check_target(model: Model, kind: str, name: str) -> None:
    names = [a.name for a in model.actions] if kind == "action" else [i.name for i in model.invariants]
    if name not in names:
        what = "action" if kind == "action" else "invariant"
        hint = suggest(name, names, otherwise=f"its {what}s: {', '.join(names) or 'none'}")
        raise InputError(None, f"claim {model.name} ({model.file}) has no {what} {name!r}", hint)
    if kind == "premise" and name not in premises(model):
        inv = next(i for i in model.invariants if i.name == name)
        raise InputError(inv.span, f"invariant {name} has no premise",
                         "a premise is the `a` of implies(a, b) or `not a or b`, or the bindings of an all(...)")
