"""`--depth` means what the user asked for: a proof given a depth says what covered that
depth and by which engine, Z3's BMC included, even when the explicit-state search
answered; without a depth nothing is said of one."""
from __future__ import annotations

import subprocess
import sys

import symcheck
from conftest import stride_claim
from symcheck.engines import bmc
from symcheck.trace import PROVED, UNKNOWN, VIOLATED, Outcome

STRIDE = stride_claim("stride", "not_three", "x != 3")  # holds: x visits 0, 2, 4, 6


def test_a_depth_answered_by_the_explicit_search_is_covered_by_z3_bmc_too():
    p = subprocess.run([sys.executable, "-m", "symcheck", "prove", "routing-isolation", "--depth", "12"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "PROVED for every depth by explicit-state search" in p.stdout
    assert ("depth 12 (asked): Z3 BMC found no violation in depths 0..12; the explicit-state search covered every "
            "depth") in p.stdout


def test_no_depth_asked_says_nothing_of_one(write_claim):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = symcheck.prove(model)
    assert r.proved and not any("(asked)" in line for line in r.proof)
    r = symcheck.prove(model, depth=5)
    assert r.proof[-1].startswith("depth 5 (asked): Z3 BMC found no violation in depths 0..5")


def test_a_depth_before_an_smt_proof_names_bmc_and_the_prover(write_claim):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    r = symcheck.prove(model, depth=3, engine="kind")
    assert r.verdict == PROVED
    assert "depth 3 (asked): Z3 BMC found no violation in depths 0..3; k-induction then proved every depth" in r.proof


def test_bmc_disagreeing_with_an_explicit_proof_is_unknown(write_claim, monkeypatch):
    model = symcheck.load_claim(str(write_claim(STRIDE)))
    monkeypatch.setattr(bmc, "run", lambda model, enc, deadline, depth, progress=None: Outcome(
        model.name, VIOLATED, None, model.expect, invariant="not_three", length=2))
    r = symcheck.prove(model, depth=4)
    assert r.verdict == UNKNOWN and "the engines disagree" in r.reason and "not_three violated at depth 2" in r.reason
