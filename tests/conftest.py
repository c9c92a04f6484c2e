import functools
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"

SEED_VARIANTS = [
    "gateway-exposure-v2", "gateway-exposure-v2-protected", "gateway-exposure-v2-negative",
    "gateway-exposure-v2-protected-negative", "gateway-exposure-v2-unsafe-custom",
    "gateway-exposure-v2-unsafe-tailnet", "gateway-exposure-v2-unsafe-auto",
    "gateway-exposure-v2-protected-custom", "gateway-exposure-v2-protected-tailnet",
    "gateway-exposure-v2-protected-password", "gateway-exposure-v2-protected-auto",
    "nodes-pipeline", "nodes-pipeline-negative", "approvals-token", "approvals-token-negative",
    "pairing", "pairing-negative", "pairing-cap", "pairing-cap-negative",
    "ingress-gating", "ingress-gating-negative", "routing-isolation", "routing-isolation-negative",
]


@functools.lru_cache(maxsize=None)
def suite_result(name: str):
    """The default (auto engine) result of a claim variant of the suite, computed once
    per test run: the parity and cross-check tests both read it."""
    import symcheck
    from symcheck.front.claims import catalog, load_model
    return symcheck.prove(load_model(catalog(CLAIMS)[name]))


def tlc_reference() -> dict:
    """What TLC reported for each reference target (measured by running TLC 2.19 on
    the public suite): outcome, violated property, trace length in steps."""
    rows = {}
    lines = (ROOT / "tests" / "data" / "tlc-reference.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        rows[row["target"]] = row
    return rows


@pytest.fixture
def write_claim(tmp_path):
    """Write a claim file and return its path."""
    def write(text: str, name: str = "c.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


@pytest.fixture(autouse=True)
def _claims_env(monkeypatch):
    monkeypatch.setenv("SYMCHECK_CLAIMS", "claims")
    monkeypatch.chdir(ROOT)
    yield


UPDATE_GOLDEN = os.environ.get("SYMCHECK_UPDATE_GOLDEN") == "1"
