"""The command line: exit codes 0 / 1 / 2, list, show, check, results."""
import json
import subprocess
import sys

from conftest import SEED_VARIANTS, stride_claim


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
    [data] = json.loads((tmp_path / "ingress-gating-negative.json").read_text())["results"]
    assert data["verdict"] == "violated" and data["trace"][1]["action"] == "step"
    assert "seconds" not in data
    assert "| ingress-gating |" in (tmp_path / "summary.md").read_text()


# --strict and greens that hold only to the bound (`unproved:`)
# in_range is k-inductive only for a k of several steps: a proof takes more than a millisecond
BOUNDED = stride_claim("lamp", "in_range", "x != 3")


def strict(path, *args):
    return cli("check", "--strict", "--claims", str(path.parent), *args)


def test_strict_fails_a_bounded_green_it_does_not_acknowledge(write_claim):
    path = write_claim(BOUNDED, "lamp.yaml")
    assert strict(path).returncode == 0  # proved: nothing to acknowledge
    p = strict(path, "--engine", "bmc")  # only bounded
    assert p.returncode == 1 and "FAIL" in p.stdout
    assert "bounded: not acknowledged (in_range)" in p.stdout and "flagged by the proof check" in p.stdout
    assert cli("check", "--claims", str(path.parent), "--engine", "bmc").returncode == 0  # not strict: a note only
    p = strict(path, "--engine", "kind", "--prove-timeout", "0.001")  # the proof runs out of time: bounded as well
    assert p.returncode == 1 and "bounded: not acknowledged (in_range)" in p.stdout


def test_strict_accepts_an_acknowledged_bounded_green_and_flags_a_stale_entry(write_claim):
    path = write_claim(BOUNDED + 'unproved:\n  in_range: "checked to the bound on purpose"\n', "lamp.yaml")
    p = strict(path, "--engine", "bmc", "--format", "json")
    assert p.returncode == 0, p.stdout
    [data] = json.loads(p.stdout)["results"]
    assert data["proof_check"] == {"note": "bounded: acknowledged"}
    p = strict(path)  # k-induction proves it: the acknowledgement is stale
    assert p.returncode == 1 and "proved after all: in_range" in p.stdout


def test_unknown_never_counts_as_holding_under_strict(write_claim):
    path = write_claim(BOUNDED + 'unproved:\n  in_range: "checked to the bound on purpose"\n', "lamp.yaml")
    p = strict(path, "--timeout", "0.001", "--engine", "kind", "--format", "json")  # BMC: more than a millisecond
    [data] = json.loads(p.stdout)["results"]
    assert p.returncode == 1 and data["verdict"] == "unknown" and "proof_check" not in data


def test_liveness_greens_are_proved_on_their_state_graph():
    p = cli("check", "--strict", "queue-drain", "retry-termination")
    assert p.returncode == 0, p.stdout
    assert "bounded" not in p.stdout and p.stdout.count("proved") >= 2
    p = cli("check", "--strict", "--engine", "kind", "queue-drain")  # the lasso engine is bounded
    assert p.returncode == 1 and "queue-drain: bounded: not acknowledged (eventually_empty)" in p.stdout


def test_unproved_names_must_exist_and_give_a_reason(write_claim):
    path = write_claim(BOUNDED + 'unproved:\n  in_rnge: "typo"\n', "lamp.yaml")
    p = cli("prove", str(path))
    assert p.returncode == 2
    assert p.stderr.startswith(f"{path}:14:3: error: unproved names 'in_rnge', which is neither an invariant "
                               "nor a property"), p.stderr
    assert "did you mean 'in_range'?" in p.stderr
    p = cli("prove", str(write_claim(BOUNDED + 'unproved:\n  in_range: ""\n', "lamp.yaml")))
    assert p.returncode == 2 and "unproved in_range: give the reason as a sentence" in p.stderr
    p = cli("prove", str(write_claim(BOUNDED + 'unproved: [in_range]\n', "lamp.yaml")))
    assert p.returncode == 2 and "`unproved` must map invariant or property names to a reason" in p.stderr


def test_a_variant_may_patch_unproved(write_claim):
    text = BOUNDED + ('unproved:\n  in_range: "bounded on purpose"\n'
                      'variants:\n  strict:\n    patch:\n      unproved: null\n')
    path = write_claim(text, "lamp.yaml")
    p = strict(path, "--engine", "bmc")
    assert p.returncode == 1
    assert "lamp-strict: bounded: not acknowledged (in_range)" in p.stdout and "lamp: " not in p.stdout
