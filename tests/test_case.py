"""The security case: built from the claims' metadata and verdicts, rendered, and held to
its committed baseline so that a weaker argument fails CI (planted weakenings below)."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from symcheck.report.case import STRENGTHS, compare

CLAIM = """\
claim: tiny
title: A counter stays in range
policy: tool-gating
assumptions: [clock-monotonic, {tiny-own: The tiny claim has an assumption of its own.}]
variables:
  x: 0..3
init:
  x: 0
actions:
  step:
    when: x < 3
    then: {x: x + 1}
invariants:
  in_range: x <= 3
variants:
  negative:
    bug: the range check is off by one
    expect: violated
    patch:
      invariants: {in_range: x <= 2}
"""


def symcheck(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture
def tiny(tmp_path):
    claims = tmp_path / "claims"
    (claims / "data").mkdir(parents=True)
    for name in ("policy.yaml", "assumptions.yaml"):
        (claims / "data" / name).write_text((ROOT / "claims" / "data" / name).read_text())
    (claims / "tiny.yaml").write_text(CLAIM)
    return tmp_path


def test_case_of_a_claim_names_its_area_strength_assumptions_and_gaps(tiny):
    p = symcheck("case", "--claims", "claims", "--format", "json", "--jobs", "1", cwd=tiny)
    assert p.returncode == 0, p.stderr
    case = json.loads(p.stdout)
    assert case["schema"] == "symcheck-case/1"
    area = next(a for a in case["areas"] if a["id"] == "tool-gating")
    (claim,) = area["claims"]
    assert claim["claim"] == "tiny" and claim["strength"] == "proved"
    assert claim["bugs_caught"] == 1 == claim["bugs_planted"]
    assert claim["assumptions"] == ["clock-monotonic", "tiny-own"]
    assert "session-isolation/distinct-peers-distinct-sessions" in case["gaps"]["statements"]
    assert "tiny-own" in case["gaps"]["assumptions"]
    md = symcheck("case", "--claims", "claims", "--jobs", "1", cwd=tiny).stdout
    assert "## Tool gating" in md and "`tiny` | proved" in md and "**GAP**" in md


def test_a_proof_turned_bounded_fails_the_baseline(tiny):
    """The planted weakening: the same claim checked by BMC alone holds only to a depth."""
    baseline = tiny / "baseline.json"
    p = symcheck("case", "--claims", "claims", "--format", "json", "-o", str(baseline), "--jobs", "1", cwd=tiny)
    assert p.returncode == 0, p.stderr
    same = symcheck("case", "--claims", "claims", "--baseline", str(baseline), "--jobs", "1", cwd=tiny)
    assert same.returncode == 0 and "matches its baseline" in same.stderr
    weak = symcheck("case", "--claims", "claims", "--baseline", str(baseline), "--engine", "bmc", "--jobs", "1",
                    cwd=tiny)
    assert weak.returncode == 1
    assert "weaker than the baseline: claim tiny: proved -> holds to a depth" in weak.stderr


def _doc(strength="proved", caught=1, status="argued", conformance=None, reproduced=True, exercised=("r",)):
    return {"areas": [{"id": "a", "statements": [{"id": "s", "status": status}],
                       "claims": [{"claim": "c", "strength": strength, "detail": "d", "bugs_caught": caught}]}],
            "findings": [{"name": "f", "violated": True, "reproduced": reproduced}],
            "assumptions": [{"id": "x", "exercised_by": list(exercised)}],
            "conformance": conformance}


@pytest.mark.parametrize("change, says", [
    ({"strength": "holds to a depth"}, "claim c: proved -> holds to a depth"),
    ({"strength": "unknown"}, "claim c: proved -> unknown"),
    ({"caught": 0}, "catches 0 planted bugs"),
    ({"status": "gap"}, "statement a/s is no longer argued"),
    ({"reproduced": False}, "finding f no longer reproduces"),
    ({"exercised": ()}, "assumption x lost its test"),
    ({"conformance": {"checks": [{"name": "k", "inputs": 10, "agree": 9}]}}, "agreement 90.00% < 100.00%"),
    ({"conformance": {"checks": [{"name": "k", "inputs": 10, "agree": 10, "undocumented": 1}]}},
     "1 undocumented disagreements"),
    ({"conformance": None}, "conformance evidence is missing"),
])
def test_every_kind_of_weakening_is_caught(change, says):
    base = _doc(conformance={"checks": [{"name": "k", "inputs": 10, "agree": 10, "undocumented": 0}]})
    weaker, _ = compare(base, _doc(**{"conformance": base["conformance"], **change}))
    assert any(says in w for w in weaker), weaker


def test_a_stronger_case_is_reported_too():
    weaker, stronger = compare(_doc(strength="holds to a depth"), _doc(strength="proved for every size"))
    assert not weaker and stronger == ["claim c: holds to a depth -> proved for every size"]
    assert STRENGTHS["proved for every size"] > STRENGTHS["proved"] > STRENGTHS["holds to a depth"]


@pytest.mark.slow
def test_the_committed_case_is_the_argument_the_claims_make(tmp_path):
    """What CI runs: today's verdicts against the committed baseline (results/case.json)."""
    p = symcheck("check", "--results", str(tmp_path), "--no-coverage")
    assert (tmp_path / "results.json").is_file(), p.stderr[-2000:]
    case = symcheck("case", "--results", str(tmp_path), "--baseline", "results/case.json", "-o", str(tmp_path / "c"))
    assert case.returncode == 0, case.stderr[-3000:]


def test_the_readmes_excerpt_is_the_generated_case():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme[readme.index("<!-- case summary -->") + 21:readme.index("<!-- end case summary -->")].strip()
    case = (ROOT / "results" / "case.md").read_text(encoding="utf-8")
    assert excerpt and excerpt in case, "regenerate the case (make results) and copy its summary table"
