"""The conformance harness (conformance/): the claims' definitions against OpenClaw's real
functions. The sample tests run only where `make conformance` has already installed the
pinned packages and Node into the cache (they never install anything); elsewhere they
skip and say why."""
import dataclasses
import json
import shutil
import subprocess

import pytest

from conftest import ROOT
from conformance import run
from symcheck.errors import InputError
from symcheck.explicit.evaluator import Definitions

CHECKS = run.load_checks()
SAMPLE = 300


def _node() -> str | None:
    binary = run.CACHE / "node24" / "node_modules" / "node" / "bin" / "node"
    return str(binary) if binary.is_file() else shutil.which("node")


def _ready(check) -> str | None:
    """Why a check cannot run here, or None."""
    pkg = run.PACKAGES[check.package]
    manifest = pkg.root / "package.json"
    if not manifest.is_file() or json.loads(manifest.read_text()).get("version") != pkg.spec.rsplit("@", 1)[1]:
        return f"{pkg.spec} is not installed in {pkg.prefix} (make conformance installs it)"
    node = _node()
    if node is None:
        return "no node binary"
    major = subprocess.run([node, "-p", "process.versions.node.split('.')[0]"], capture_output=True, text=True)
    if check.adapter == "command_gate.mjs" and check.package == "openclaw" and int(major.stdout.strip() or 0) < 24:
        return "plugin-sdk/command-auth needs Node >= 24 (make conformance installs it)"
    return None


def test_definitions_evaluate_a_claim_definition_on_values():
    defs = Definitions("oc-routing", claims=str(ROOT / "claims"))
    links = (("owner", frozenset({(True, "telegram", "alice")})),)
    key = defs.call("session_key", "main", links, "per-channel-peer", "per-group", "telegram", "work", "direct",
                    "alice", "t1")
    assert key == ("main", "direct", True, "telegram", False, "default", "owner", "t1")
    # discord's alice is not linked: her own key
    assert defs.call("linked_id", links, "discord", "alice") == "alice"


def test_definitions_refuse_untyped_or_unknown_definitions():
    defs = Definitions("routing-isolation", claims=str(ROOT / "claims"))
    with pytest.raises(InputError, match="typed parameters"):
        defs.call("session_key", "alice")
    with pytest.raises(InputError, match="no definition"):
        defs.call("no_such_definition")


def test_inputs_are_distinct_combinations_then_seeded_random_ones():
    check = next(c for c in CHECKS if c.adapter == "command_gate.mjs" and c.package == "openclaw")
    combos = list(check.cases())
    full, draws = run.draw_inputs(check, 10_000, seed=1)
    assert draws == 10_000 and full[:len(combos)] == combos
    # the gate's whole domain is 512 inputs: every further draw repeats one and is dropped
    assert len(full) == len({run.input_key(check, c) for c in full}) == 512
    assert (full, draws) == run.draw_inputs(check, 10_000, seed=1)          # seeded
    sample = run.inputs_for(check, 100, seed=1)
    assert len(sample) <= 100 and all(c in combos for c in sample[:80])


def test_the_blank_group_list_drift_is_accepted_only_with_the_predicted_decision():
    from conformance.functions import dm_group_access as m
    c = {"is_group": True, "dm": "pairing", "gp": "allowlist", "allow": frozenset({"me"}), "group_allow": frozenset(),
         "store": frozenset(), "fallback": True, "noise": None}
    blank = next(dict(c, noise=n) for n in range(10_000)     # a seed whose group list is one blank entry
                 if m.to_js(dict(c, noise=n))["params"]["groupAllowFrom"] == ["  "])
    want = {"decision": "allow", "reasonCode": "group_policy_allowed", "effectiveAllowFrom": ["me"],
            "effectiveGroupAllowFrom": ["me"]}
    got = dict(want, decision="block", reasonCode="group_policy_empty_allowlist", effectiveGroupAllowFrom=[])
    assert m.drift(blank, got, want) is not None
    # the same lists but another decision: not the documented drift
    assert m.drift(blank, dict(got, decision="allow", reasonCode="group_policy_allowed"), want) is None


def test_hostile_strings_cover_the_classes_and_are_seeded():
    import random

    from conformance import strings
    rng = random.Random(4)
    ids = strings.hostile_ids(rng, 100)
    assert ids == strings.hostile_ids(random.Random(4), 100) and len(set(ids)) == 100
    assert "" in strings.ATOMS and any(len(i) >= strings.LONG for i in ids)
    assert any(ch in i for i in ids for ch in strings.UNUSUAL_CASE)
    assert any(i != i.strip() for i in ids) and any(":" in i for i in ids)
    # a rendering only changes case and padding
    assert all(strings.rendering(rng, "alice").strip().lower() == "alice" for _ in range(50))


def test_every_finding_names_its_reproducer_and_make_conformance_runs_it():
    """Each red variant with `finding:` status confirmed names a reproducer file that exists,
    and conformance/findings.py runs a reproducer for it with asserted outputs."""
    from conformance import findings
    from symcheck.api import load_claims
    registered = {r.finding for r in findings.REPRODUCERS}
    confirmed = []
    for claim in (m for path in sorted((ROOT / "claims").glob("oc-*.yaml")) for m in load_claims(str(path))):
        finding = claim.finding
        if finding is None or finding.status != "confirmed":
            continue
        confirmed.append(claim.name)
        assert (ROOT / finding.reproducer).is_file(), (claim.name, finding.reproducer)
        assert claim.name in registered, f"{claim.name}: no reproducer in conformance/findings.py"
    assert len(confirmed) >= 5
    for rep in findings.REPRODUCERS:
        assert (ROOT / "conformance" / "node" / rep.script).is_file() and rep.expect


@pytest.mark.slow
@pytest.mark.parametrize("name", [r.finding for r in __import__("conformance.findings").findings.REPRODUCERS])
def test_each_finding_reproduces_on_the_package(name):
    from conformance import findings
    rep = next(r for r in findings.REPRODUCERS if r.finding == name)
    pkg = run.PACKAGES[rep.package]
    if not (pkg.root / "package.json").is_file() or _node() is None:
        pytest.skip(f"{pkg.spec} is not installed (make conformance installs it)")
    result = findings.run_reproducer(rep, _node())
    assert not result.failures, result.failures


def test_every_check_names_a_callable_definition_and_an_adapter():
    for check in CHECKS:
        assert (ROOT / "conformance" / "node" / check.adapter).is_file()
        defs = Definitions(check.claim, variant=check.variant, claims=check.claims or str(ROOT / "claims"))
        case = next(iter(check.cases()))
        check.expected(defs, case)                                   # evaluates without error
        json.dumps(check.to_js(case))


@pytest.mark.parametrize("check", CHECKS, ids=[f"{c.package}-{c.name}" for c in CHECKS])
def test_a_sample_agrees_with_the_package(check):
    why = _ready(check)
    if why:
        pytest.skip(why)
    outcome = run.run_check(check, _node(), SAMPLE, seed=3)
    assert outcome.draws == SAMPLE and 0 < outcome.tried <= SAMPLE
    assert outcome.disagree == 0, run.table([outcome])


def test_a_planted_bug_in_the_claim_shows_as_disagreements():
    """The harness can fail: the red variant whose per-channel-peer key drops the channel
    disagrees with the package."""
    check = next(c for c in CHECKS if c.adapter == "session_key.mjs" and c.package == "openclaw")
    why = _ready(check)
    if why:
        pytest.skip(why)
    red = dataclasses.replace(check, variant="channel-peer-key-drops-channel")
    outcome = run.run_check(red, _node(), SAMPLE, seed=3)
    assert outcome.disagree > 0 and outcome.examples


def test_the_audit_sweep_separates_the_finding_the_drift_and_real_disagreements():
    from conformance import audit_runtime
    defs = Definitions("oc-gateway-auth", claims=str(ROOT / "claims"))

    def row(bind, host, wildcard, origins=True):
        return {"container": True, "address": False, "bind": bind, "tailscale": "off", "mode": "token",
                "secrets": ["token"], "origins": origins, "host": host, "wildcard": wildcard}
    rows = [row(None, "0.0.0.0", "warn"), row("auto", "0.0.0.0", "critical"), row("tailnet", "127.0.0.1", "critical"),
            row("custom", "refused", "critical"), row("lan", "refused", None, origins=False)]
    r = audit_runtime.compare(defs, rows)
    assert r["container"] and r["start_agree"] == 5 and r["started"] == 3 and r["host_agree"] == 3
    assert r["audit_seen"] == 4 and r["audit_agree"] == 4
    assert (r["audit_misses_exposure"], r["audit_over_reports"], r["undocumented"]) == (1, 1, [])
    # an explicit lan bind the audit rated as loopback: not what the claim says
    assert audit_runtime.compare(defs, rows + [row("lan", "0.0.0.0", "warn")])["undocumented"]
    # a refusal the claim does not make (a loopback token gateway starts)
    assert audit_runtime.compare(defs, rows + [row("loopback", "refused", "warn")])["undocumented"]
