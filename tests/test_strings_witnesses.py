"""The recorded collision witnesses of oc-routing-strings (bench/strings/witnesses.json):
each is still a counterexample of its finding variant under the claim as it is now
(explicit evaluator, no solver), its recorded key is the claim's package_key of both
messages, and every finding confirmed on the package has a reproducer that `make
conformance` runs (conformance/findings.py). The replay on the package itself is the
slow test below and `make conformance`."""
import json
import shutil
from pathlib import Path

import pytest

from conformance import findings, run
from conformance.functions import key_collisions as kc

ROOT = Path(__file__).resolve().parents[1]


def test_every_recorded_witness_is_still_a_counterexample_with_its_key():
    doc = json.loads(kc.WITNESSES.read_text(encoding="utf-8"))
    assert doc["witnesses"], "no witness recorded"
    for variant, entry in doc["witnesses"].items():
        assert kc.still_a_witness(variant, entry["messages"]) is None, variant
        keys = kc.package_keys(variant, entry["messages"])
        assert keys == [entry["key"], entry["key"]], variant


def test_a_pair_that_does_not_collide_is_no_witness():
    variant = "finding-case-folded-ids"
    assert kc.still_a_witness(variant, [["telegram", "direct", "", "Ab", ""], ["telegram", "direct", "", "aB", ""]]) is None
    assert kc.still_a_witness(variant, [["telegram", "direct", "", "Ab", ""], ["telegram", "direct", "", "ac", ""]])
    # the same two ids, but one message outside the variant's scope (a group)
    assert kc.still_a_witness(variant, [["telegram", "group", "", "Ab", ""], ["telegram", "direct", "", "aB", ""]])


def test_confirmed_string_findings_have_reproducers_and_open_ones_say_why():
    registered = {r.finding for r in findings.REPRODUCERS}
    for variant, model in kc.models().items():
        f = model.finding
        if f.status == "confirmed":
            assert f.reproducer == "conformance/node/key_collision.mjs" and model.name in registered, variant
            assert variant in kc.recorded(), variant
        else:
            assert f.status == "open", variant


@pytest.mark.slow
def test_every_recorded_witness_collides_on_the_package():
    pkg = run.PACKAGES["openclaw"]
    node = run.CACHE / "node24" / "node_modules" / "node" / "bin" / "node"
    if not (pkg.root / "package.json").is_file() or not (node.is_file() or shutil.which("node")):
        pytest.skip(f"{pkg.spec} is not installed (make conformance installs it)")
    for rep in findings.string_collisions():
        result = findings.run_reproducer(rep, str(node) if node.is_file() else "node")
        assert not result.failures, (rep.finding, result.failures)
