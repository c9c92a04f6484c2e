"""The Python API used by tests and scripts: load a claim, prove it."""
from __future__ import annotations

from pathlib import Path

from .claims import claims_dir, load_model, resolve
from .ir import Model
from .trace import Result


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
    return result


def check_matrix(claim: Model | str, depth: int | None = None, timeout: float | None = None, prover=None,
                 prove_timeout: float | None = None):
    """Every configuration of the claim's symbolic constants with its verdict (a
    `trace.Matrix`); see symcheck/matrix.py."""
    from .matrix import matrix
    model = load_claim(claim) if isinstance(claim, str) else claim
    return matrix(model, depth, timeout=timeout, prover=prover, prove_timeout=prove_timeout)
