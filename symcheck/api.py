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
          memory: int | None = None) -> Result:
    """Check a claim with bounded model checking to `depth` (default: the claim's).
    `progress(depth, seconds)` is called after each depth. With a `timeout` (seconds) or
    a `memory` limit (megabytes) the check runs in a worker process under those limits
    (symcheck.limits): hitting one gives verdict unknown with the reason."""
    model = load_claim(claim) if isinstance(claim, str) else claim
    k = model.depth if depth is None else depth
    if timeout is None and memory is None:
        return _prove(model, k, None, progress)
    from .limits import run_limited
    return run_limited(lambda report: _prove(model, k, timeout, report), model, timeout, memory, progress)


def _prove(model: Model, depth: int, timeout: float | None, progress) -> Result:
    from .bmc import check_bmc
    from .explain import explain
    result = check_bmc(model, depth, timeout=timeout, progress=progress)
    if result.violated:
        result.explanation = explain(model, result)
    return result
