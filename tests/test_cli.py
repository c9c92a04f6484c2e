"""The command line: exit codes 0 / 1 / 2, list, show, check, results."""
import json
import subprocess
import sys

from conftest import SEED_VARIANTS


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], capture_output=True, text=True, **kw)


def test_prove_green_exits_0():
    p = cli("prove", "routing-isolation", "--depth", "12")
    assert p.returncode == 0
    assert "PROVED for every depth" in p.stdout
    p = cli("prove", "routing-isolation", "--depth", "12", "--engine", "bmc")
    assert p.returncode == 0
    assert "HOLDS to depth 12" in p.stdout


def test_prove_red_exits_0_when_violated_as_expected_and_prints_trace():
    p = cli("prove", "routing-isolation-negative")
    assert p.returncode == 0
    assert "VIOLATED: no_unlinked_collapse" in p.stdout
    assert "counterexample: p1 = alice, p2 = bob" in p.stdout


def test_unexpected_verdict_exits_1(write_claim):
    path = write_claim("claim: c\nvariables: {x: bool}\ninit: {x: 'False'}\n"
                       "actions: {flip: {then: {x: 'not x'}}}\ninvariants: {never: not x}\n")
    p = cli("prove", str(path))
    assert p.returncode == 1
    assert "NOT AS EXPECTED" in p.stdout


def test_unknown_claim_exits_2_with_suggestion():
    p = cli("prove", "routing-isolaton")
    assert p.returncode == 2
    assert "no claim named 'routing-isolaton'" in p.stderr and "routing-isolation" in p.stderr


def test_bad_option_exits_2():
    assert cli("prove", "pairing", "--depth", "-3").returncode == 2
    assert cli("frobnicate").returncode == 2


def test_list_shows_every_seed_variant():
    p = cli("list")
    assert p.returncode == 0
    for name in SEED_VARIANTS:
        assert name in p.stdout


def test_show_prints_a_variants_patch():
    p = cli("show", "pairing-negative")
    assert p.returncode == 0
    assert "patch against the green claim" in p.stdout and "expired(r, t): False" in p.stdout


def test_check_table_and_results(tmp_path):
    p = cli("check", "ingress-gating", "routing-isolation", "--results", str(tmp_path))
    assert p.returncode == 0
    assert "4 variants checked, 4 as expected" in p.stdout
    data = json.loads((tmp_path / "ingress-gating-negative.json").read_text())
    assert data["verdict"] == "violated" and data["trace"][1]["action"] == "step"
    assert "seconds" not in data
    assert "| ingress-gating |" in (tmp_path / "summary.md").read_text()
