"""Telegram's own allow-list matching against oc-ingress's telegram_allows
(conformance/functions/telegram_allow.py): the claim's definition on written inputs, and
the check's power to fail: a reading that keeps the telegram: prefix disagrees with the
package (when the package is cached)."""
import dataclasses
import random
import shutil

import pytest

from conformance import run
from conformance.functions import telegram_allow as tg
from symcheck.explicit.evaluator import Definitions

ROOT = run.HERE.parent


@pytest.fixture(scope="module")
def defs():
    return Definitions("oc-ingress", claims=str(ROOT / "claims"))


@pytest.mark.parametrize(("entries", "allowed"), [
    ((), True), ((" ", ""), True),                                 # no entry: the DM policy decided
    (("123",), True), ((" TG:123 ",), True), (("telegram:123",), True),
    (("tg: 123",), False), (("telegram:tg:123",), False),          # one prefix, no second trim
    ((" * ",), True), (("tg:*",), False), (("124", "@user123"), False),
])
def test_the_claims_reading_of_telegram_entries(defs, entries, allowed):
    assert defs.call("telegram_allows", entries, "123") is allowed


def test_the_inputs_name_the_sender_in_every_way_and_repeat_little():
    cases = list(tg.cases())
    assert {"sender": tg.SENDER, "allowFrom": []} in cases and len(cases) > 50
    rng = random.Random(3)
    drawn = [tg.random_case(rng) for _ in range(200)]
    assert len({run.input_key(tg.CHECK, c) for c in drawn}) > 190


def test_a_wrong_reading_disagrees_with_the_package():
    pkg = run.PACKAGES["openclaw"]
    node = run.CACHE / "node24" / "node_modules" / "node" / "bin" / "node"
    if not (pkg.root / "package.json").is_file() or not (node.is_file() or shutil.which("node")):
        pytest.skip(f"{pkg.spec} is not installed (make conformance installs it)")
    node_bin = str(node) if node.is_file() else "node"
    assert run.run_check(tg.CHECK, node_bin, 300, seed=2).disagree == 0

    def keeps_prefix(defs, c):   # entries compared trimmed, the prefix kept: not what Telegram does
        return {"allowed": not any(e.strip() for e in c["allowFrom"]) or
                any(e.strip() in ("*", c["sender"]) for e in c["allowFrom"])}
    wrong = dataclasses.replace(tg.CHECK, expected=keeps_prefix)
    assert run.run_check(wrong, node_bin, 300, seed=2).disagree > 0
