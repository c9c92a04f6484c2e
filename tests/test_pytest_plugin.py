"""The pytest plugin: `pytest claims/` collects every variant of every claim file, a
green passes when it holds or is proved, a red when it is violated, and a failure's
report is the readable trace."""
import subprocess
import sys

import pytest
from conftest import CLAIMS, ROOT, stride_claim
from symcheck.front.claims import catalog


def run_pytest(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_each_variant_of_a_claim_file_is_a_passing_test():
    p = run_pytest(str(CLAIMS / "routing-isolation.yaml"), str(CLAIMS / "ingress-gating.yaml"), "-v")
    assert p.returncode == 0, p.stdout + p.stderr
    for name in ("routing-isolation", "routing-isolation-negative", "ingress-gating", "ingress-gating-negative"):
        assert f"::{name} PASSED" in p.stdout, p.stdout
    assert "4 passed" in p.stdout


def test_an_unexpected_verdict_fails_with_the_trace(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "lamp.yaml").write_text(stride_claim("lamp", "small", "x < 4"))  # violated, expected to hold
    (claims / "data").mkdir()
    (claims / "data" / "values.yaml").write_text("not: a claim\n")  # data beside claims is not collected
    p = run_pytest(str(claims), "--symcheck-depth", "3", cwd=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "1 failed" in p.stdout and "VIOLATED: small fails after 2 steps" in p.stdout, p.stdout
    assert "Step 2: step()" in p.stdout and "Traceback" not in p.stdout, p.stdout


def test_a_broken_claim_file_is_a_located_collection_error(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "bad.yaml").write_text("claim: bad\nvariables:\n  x: 0..3\ninit:\n  x: y\n")
    p = run_pytest(str(claims), cwd=tmp_path)
    assert p.returncode != 0
    assert "bad.yaml:5:" in p.stdout and "undefined name 'y'" in p.stdout, p.stdout


@pytest.mark.slow
def test_the_whole_suite_under_two_workers():
    p = run_pytest(str(CLAIMS), "-n", "2")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    assert f"{len(catalog(CLAIMS))} passed" in p.stdout, p.stdout[-500:]
