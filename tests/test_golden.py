"""Golden traces: the full text report of selected reds. Regenerate with
SYMCHECK_UPDATE_GOLDEN=1 pytest tests/test_golden.py and review the diff."""
import subprocess
import sys

import pytest

import symcheck
from conftest import ROOT, UPDATE_GOLDEN
from symcheck.report.text import text

GOLDEN = ["routing-isolation-negative", "nodes-pipeline-negative", "pairing-negative"]


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_trace(name):
    model = symcheck.load_claim(name)
    got = text(model, symcheck.prove(model))
    path = ROOT / "tests" / "golden" / f"{name}.txt"
    if UPDATE_GOLDEN:
        path.write_text(got)
    assert got == path.read_text()


def test_makefile_has_a_target_per_claim_variant():
    names = subprocess.run([sys.executable, "-m", "symcheck.cli", "list", "--names"], capture_output=True,
                           text=True, check=True).stdout.split()
    makefile = (ROOT / "Makefile").read_text()
    block = makefile[makefile.index("CLAIM_TARGETS :="):makefile.index("# END CLAIM TARGETS")]
    listed = [w for w in block.replace("\\", " ").split() if w not in ("CLAIM_TARGETS", ":=")]
    listed = listed[:listed.index(".PHONY:")]
    assert listed == names, "run `make targets` to regenerate the Makefile's claim targets"
