"""Trace validation (conformance/traces.py): logged histories of the pairing store checked
against oc-pairing-code's transition relation. The checker is tested on histories written
here (no Node needed); the run on the real package is `make trace-validation`, and a short
one runs here when the package is cached."""
import shutil

import pytest

from conformance import run, traces
from conformance.traces import History, Round

ROUNDS = 4


def request(sender, code, created):
    return ({"op": "request", "sender": sender}, {"ok": {"code": code, "created": created}})


def listed(*entries):
    return [{"id": s, "code": c, "tick": t, "createdAt": 0, "account": "h0a"} for s, c, t in entries]


# a1 asks, asks again a tick later (same code, createdAt kept), b1 asks; the operator approves a1
REFRESH = History(0, [
    Round(0, [request("a1", "CODEA111", True)], listed(("a1", "CODEA111", 0))),
    Round(1, [request("a1", "CODEA111", False), request("b1", "CODEB222", True)],
          listed(("a1", "CODEA111", 0), ("b1", "CODEB222", 1))),
    Round(0, [({"op": "approve", "code": "CODEA111"}, {"ok": "a1"})], listed(("b1", "CODEB222", 1))),
])


@pytest.fixture(scope="module")
def green():
    return traces.claim_model(ROUNDS)


def test_a_history_of_the_store_is_accepted_by_the_claim(green):
    assert traces.check_history(green, REFRESH) == (True, 3)


def test_a_red_variant_rejects_the_same_history():
    """refresh-resets-created says a repeated request restarts createdAt: the listed tick
    0 after the refresh at tick 1 is not a behaviour of it."""
    assert traces.check_history(traces.claim_model(ROUNDS, "refresh-resets-created"), REFRESH) == (False, 1)


def test_histories_the_claim_forbids_are_rejected(green):
    # a second request that is told it created a new code while its request is live
    twice = History(1, [Round(0, [request("a1", "X1", True), request("a1", "X2", True)], listed(("a1", "X2", 0)))])
    assert traces.check_history(green, twice)[0] is False
    # an approval that admits after the request expired (TTL 2 ticks; 3 ticks later)
    late = History(2, [Round(0, [request("a2", "Y1", True)], listed(("a2", "Y1", 0))),
                       Round(3, [({"op": "approve", "code": "Y1"}, {"ok": "a2"})], listed())])
    assert traces.check_history(green, late)[0] is False
    # the fourth request of an account stored beside three others (cap 3)
    cap = History(3, [Round(0, [request(s, f"Z{s}", True) for s in ("a1", "a2", "a3")],
                            listed(*((s, f"Z{s}", 0) for s in ("a1", "a2", "a3")))),
                      Round(0, [request("b1", "ZB", True)], listed(*((s, f"Z{s}", 0) for s in ("a1", "a2", "a3")),
                                                                    ("b1", "ZB", 0)))])
    assert traces.check_history(green, cap) == (True, 2)
    three = [request(s, f"Z{s}", True) for s in ("a1", "a2", "a3")]
    over = History(4, [Round(0, three, listed(*((s, f"Z{s}", 0) for s in ("a1", "a2", "a3")))),
                       Round(0, [request("a1", "Za1", False)], listed(("a1", "Za1", 0)))])
    assert traces.check_history(green, over)[0] is False      # the listing lost two live requests


def test_a_refused_operation_changes_nothing(green):
    refused = History(5, [Round(0, [request("a1", "Q1", True), ({"op": "request", "sender": "b1"},
                                                                 {"error": "another OpenClaw process owns state-lifecycle"})],
                                listed(("a1", "Q1", 0)))])
    assert traces.check_history(green, refused) == (True, 1)


@pytest.mark.slow
def test_concurrent_histories_of_the_real_store_are_accepted(capsys):
    pkg = run.PACKAGES["openclaw"]
    node = run.CACHE / "node24" / "node_modules" / "node" / "bin" / "node"
    if not (pkg.root / "package.json").is_file() or not (node.is_file() or shutil.which("node")):
        pytest.skip(f"{pkg.spec} is not installed (make conformance installs it)")
    assert traces.main(["--store", "pairing", "--histories", "12", "--seed", "5"]) == 0
    assert "| 12 | 0 |" in capsys.readouterr().out
