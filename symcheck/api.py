"""The Python API used by tests and scripts: load a claim, prove it."""
from __future__ import annotations

from pathlib import Path

from .claims import claims_dir, load_model, resolve
from .ir import Model
from .trace import HOLDS, UNKNOWN, Result


def load_claim(name_or_path: str, claims: str | Path | None = None) -> Model:
    """A checked claim variant by name (`pairing-negative`) or file (its green claim)."""
    entries = resolve(str(name_or_path), Path(claims) if claims else claims_dir())
    return load_model(entries[0])


def load_claims(name_or_path: str, claims: str | Path | None = None) -> list[Model]:
    """Every variant named by a claim name or file."""
    return [load_model(e) for e in resolve(str(name_or_path), Path(claims) if claims else claims_dir())]


def prove(claim: Model | str, depth: int | None = None, timeout: float | None = None, progress=None,
          engine: str = "auto", prove_timeout: float | None = None) -> Result:
    """Check a claim with bounded model checking to `depth` (default: the claim's), then,
    unless `engine` is "bmc", try to prove it for every depth ("auto": k-induction, then
    PDR; or "kind" / "pdr" alone) within `prove_timeout` seconds.
    `progress(depth, seconds)` is called after each BMC depth."""
    from .engine import run
    from .explain import explain
    model = load_claim(claim) if isinstance(claim, str) else claim
    result = run(model, model.depth if depth is None else depth, engine=engine, timeout=timeout,
                 prove_timeout=prove_timeout, progress=progress)
    if result.violated:
        result.explanation = explain(model, result)
    elif model.properties and result.holds:
        result = _prove_liveness(model, result, model.depth if depth is None else depth, timeout, progress)
    return result


def check_matrix(claim: Model | str, depth: int | None = None, timeout: float | None = None, prover=None,
                 prove_timeout: float | None = None):
    """Every configuration of the claim's symbolic constants with its verdict (a
    `trace.Matrix`); see symcheck/matrix.py."""
    from .matrix import matrix
    model = load_claim(claim) if isinstance(claim, str) else claim
    return matrix(model, depth, timeout=timeout, prover=prover, prove_timeout=prove_timeout)


def _prove_liveness(model: Model, safety: Result, depth: int, timeout: float | None, progress) -> Result:
    """Safety first, then the lasso engine on the properties, to the same depth. When
    both hold, the verdict is `holds` to the bound: a safety proof does not prove the
    properties."""
    from .explain import explain_lasso
    from .liveness import check_lasso
    spent = sum(safety.timings.values())
    if timeout and spent >= timeout:
        return Result(model.name, UNKNOWN, 0, model.expect, reason=f"timeout after {timeout:g} s", engine="lasso")
    live = check_lasso(model, depth, timeout=timeout - spent if timeout else None, progress=progress)
    live.timings = {k: safety.timings.get(k, 0.0) + v for k, v in live.timings.items()}
    if live.violated:
        live.explanation = explain_lasso(model, live)
    if not live.holds:
        return live
    if safety.proved:  # the invariants are proved; the properties only hold to the bound
        safety.reason = (f"the invariants are proved for every depth by {safety.engine}; the properties hold "
                         f"to depth {depth} (no fair lasso of up to {depth + 1} states violates one)")
        safety.verdict, safety.depth = HOLDS, depth
    safety.timings, safety.engine = live.timings, f"{safety.engine}+lasso"
    return safety
