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


def test_inputs_are_every_combination_then_seeded_random_ones():
    check = next(c for c in CHECKS if c.adapter == "command_gate.mjs" and c.package == "openclaw")
    combos = list(check.cases())
    full = run.inputs_for(check, 10_000, seed=1)
    assert full[:len(combos)] == combos and len(full) == 10_000
    assert full == run.inputs_for(check, 10_000, seed=1)          # seeded
    sample = run.inputs_for(check, 100, seed=1)
    assert len(sample) == 100 and all(c in combos for c in sample[:80])


def test_every_check_names_a_callable_definition_and_an_adapter():
    for check in CHECKS:
        assert (ROOT / "conformance" / "node" / check.adapter).is_file()
        defs = Definitions(check.claim, claims=str(ROOT / "claims"))
        case = next(iter(check.cases()))
        check.expected(defs, case)                                   # evaluates without error
        json.dumps(check.to_js(case))


@pytest.mark.parametrize("check", CHECKS, ids=[f"{c.package}-{c.name}" for c in CHECKS])
def test_a_sample_agrees_with_the_package(check):
    why = _ready(check)
    if why:
        pytest.skip(why)
    outcome = run.run_check(check, _node(), SAMPLE, seed=3)
    assert outcome.tried == SAMPLE
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
