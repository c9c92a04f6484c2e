"""Trace validation of the exec-approvals store (conformance/traces_approvals.py): logged
histories of the operator-approval store checked against oc-exec-approvals. The checker is
tested on histories written here (no Node needed), with the green and with planted wrong
readings of the store (red variants of the claim) that must reject them; the run on the
real package is `make trace-validation`, and a short one runs here (slow tier) when the
package is cached."""
import shutil

import pytest

from conformance import run, traces
from conformance import traces_approvals as ap
from conformance.traces import History, Round

ROUNDS = 4


def record(i, status, decision=None, device="d1", expires=2, resolved=None, consumed=None):
    return {"id": i, "status": status, "decision": decision, "device": device, "created": expires - 2,
            "expires": expires, "resolved": resolved, "consumed": consumed}


def answer(outcome, rec=None):
    return {"ok": {"outcome": outcome, "record": rec}}


def read(**records):
    return {i: records.get(i) for i in ap.IDS}


PENDING = record("i1", "pending")
ONCE = record("i1", "allowed", "allow-once", resolved=0)
USED = record("i1", "allowed", "allow-once", resolved=0, consumed=0)
REQUEST = ({"op": "request", "i": "i1", "device": "d1"}, answer("inserted", PENDING))

# i1 is requested, allowed once, and two redemptions race: one consumes it, one is refused
RACE = History(0, [
    Round(0, [REQUEST], read(i1=PENDING)),
    Round(0, [({"op": "consume", "i": "i1"}, answer("already-consumed", USED)),
              ({"op": "decide", "i": "i1", "decision": "allow-once"}, answer("resolved", ONCE)),
              ({"op": "consume", "i": "i1"}, answer("consumed", USED))], read(i1=USED)),
])
# two operators decide i1 at once: the first decision stands, the second is refused
OVERWRITE = History(1, [
    Round(0, [REQUEST], read(i1=PENDING)),
    Round(0, [({"op": "decide", "i": "i1", "decision": "allow-once"}, answer("resolved", ONCE)),
              ({"op": "decide", "i": "i1", "decision": "deny"}, answer("already-resolved", ONCE))], read(i1=ONCE)),
])
# an allow-once redeemed a tick (30 minutes) after the decision: outside the window
LATE = History(2, [
    Round(0, [REQUEST, ({"op": "decide", "i": "i1", "decision": "allow-once"}, answer("resolved", ONCE))],
          read(i1=ONCE)),
    Round(1, [({"op": "consume", "i": "i1"}, answer("redemption-expired", ONCE))], read(i1=ONCE)),
])


@pytest.fixture(scope="module")
def green():
    return ap.claim_model(ROUNDS)


@pytest.mark.parametrize("history", [RACE, OVERWRITE, LATE], ids=["race", "overwrite", "late"])
def test_histories_of_the_store_are_accepted_by_the_claim(green, history):
    assert ap.check_history(green, history) == (True, len(history.rounds))


@pytest.mark.parametrize(("variant", "history"), [("allow-once-replay", RACE), ("decision-overwritten", OVERWRITE),
                                                  ("no-window", LATE)])
def test_a_planted_wrong_reading_rejects_the_store_history(variant, history):
    """Each red variant reads the store wrongly (allow-once redeemable again, a decision
    overwritable, no redemption window): the store's refusal is not a behaviour of it."""
    assert ap.check_history(ap.claim_model(ROUNDS, variant), history) == (False, len(history.rounds) - 1)


def test_histories_the_claim_forbids_are_rejected(green):
    twice = History(3, [Round(0, [REQUEST], read(i1=PENDING)),
                        Round(0, [({"op": "decide", "i": "i1", "decision": "allow-once"}, answer("resolved", ONCE)),
                                  ({"op": "consume", "i": "i1"}, answer("consumed", USED)),
                                  ({"op": "consume", "i": "i1"}, answer("consumed", USED))], read(i1=USED))])
    assert ap.check_history(green, twice) == (False, 1)
    # a decision accepted after the approval's expiry (two ticks)
    late = History(4, [Round(0, [REQUEST], read(i1=PENDING)),
                       Round(2, [({"op": "decide", "i": "i1", "decision": "allow-always"},
                                  answer("resolved", record("i1", "allowed", "allow-always", resolved=2)))],
                             read(i1=record("i1", "allowed", "allow-always", resolved=2)))])
    assert ap.check_history(green, late) == (False, 1)
    # a read that still shows the approval pending after its expiry
    stale = History(5, [Round(0, [REQUEST], read(i1=PENDING)), Round(3, [], read(i1=PENDING))])
    assert ap.check_history(green, stale) == (False, 1)
    # the expired approval, as the store shows it, is accepted
    expired = History(6, [Round(0, [REQUEST], read(i1=PENDING)),
                          Round(3, [], read(i1=record("i1", "expired", "deny", resolved=3)))])
    assert ap.check_history(green, expired) == (True, 2)


def test_only_the_state_lock_is_a_refusal(green):
    locked = ({"op": "decide", "i": "i1", "decision": "deny"}, {"error": "another OpenClaw process owns state-lifecycle"})
    assert ap.check_history(green, History(7, [Round(0, [REQUEST, locked], read(i1=PENDING))])) == (True, 1)
    broken = ({"op": "consume", "i": "i1"}, {"error": "operator approval consumer id must not be empty"})
    assert ap.check_history(green, History(8, [Round(0, [REQUEST, broken], read(i1=PENDING))])) == (False, 0)


@pytest.mark.slow
def test_concurrent_histories_of_the_real_store_are_accepted_and_a_variant_rejected(capsys):
    pkg = run.PACKAGES["openclaw"]
    node = run.CACHE / "node24" / "node_modules" / "node" / "bin" / "node"
    if not (pkg.root / "package.json").is_file() or not (node.is_file() or shutil.which("node")):
        pytest.skip(f"{pkg.spec} is not installed (make conformance installs it)")
    assert traces.main(["--store", "approvals", "--histories", "12", "--seed", "5"]) == 0
    assert "| 12 | 0 |" in capsys.readouterr().out
    assert traces.main(["--store", "approvals", "--histories", "60", "--seed", "2",
                        "--variant", "decision-overwritten"]) == 1
