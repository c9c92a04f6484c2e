"""State-count parity with the public TLA+ suite: with every invariant dropped, each
ported claim reaches exactly as many distinct states as TLC reaches on the reference
configuration (`reachable_states`, measured by bench/tlc_reference.py). Equal verdicts
do not show that a port models the same system; equal state counts catch a queue one
entry shorter, a missing action or a constant that differs from the cfg.

Accepted differences live in tests/data/state-parity-exceptions.tsv with both counts
and the reason; an exception whose counts are no longer what is measured fails, so it
cannot go stale."""
import dataclasses
import sys

import pytest

from conftest import CLAIMS, ROOT, tlc_reference
from symcheck.front.claims import catalog, load_model
from symcheck.explicit.evaluator import search

TLC = tlc_reference()
ENTRIES = catalog(CLAIMS)
MEASURED = [name for name in TLC if name in ENTRIES and TLC[name].get("reachable_states")]
EXCEPTIONS_FILE = ROOT / "tests" / "data" / "state-parity-exceptions.tsv"
SLOW_STATES = 20_000  # above this many states the explicit search takes tens of seconds


def read_exceptions() -> dict:
    lines = [ln for ln in EXCEPTIONS_FILE.read_text().splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = {}
    for number, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, line.split("\t")))
        assert set(row) == {"target", "symcheck_states", "tlc_states", "reason"} and row["reason"].strip(), \
            f"{EXCEPTIONS_FILE}:{number}: needs target, symcheck_states, tlc_states and a reason, tab-separated"
        rows[row["target"]] = row
    return rows


EXCEPTIONS = read_exceptions()


def reachable(name: str) -> str:
    """How many distinct states the explicit evaluator reaches with the invariants and
    the deadlock check dropped, or where the search stopped when it could not finish
    (a variable outgrowing its declared bound)."""
    model = load_model(ENTRIES[name])
    found = search(dataclasses.replace(model, invariants=(), deadlock=False), 10**6)
    if found.complete and found.invariant is None:
        return str(found.states)
    return f"stopped by {found.invariant} after {found.states}"


def _size(name: str) -> int:
    counts = [TLC[name]["reachable_states"], EXCEPTIONS.get(name, {}).get("symcheck_states", "0")]
    return max(int(c) if c.isdigit() else 0 for c in counts)


PARAMS = [pytest.param(n, marks=pytest.mark.slow) if _size(n) > SLOW_STATES else n for n in MEASURED]


@pytest.mark.parametrize("name", PARAMS)
def test_reachable_states_match_tlc(name):
    row = TLC[name]
    ours, theirs = reachable(name), row["reachable_states"]
    if name in EXCEPTIONS:
        known = EXCEPTIONS[name]
        assert (ours, theirs) == (known["symcheck_states"], known["tlc_states"]), (
            f"{name}: the accepted difference in {EXCEPTIONS_FILE.name} says symcheck {known['symcheck_states']} "
            f"vs TLC {known['tlc_states']}, measured symcheck {ours} vs TLC {theirs}: update or remove the line")
        return
    assert ours == theirs, (f"{name}: symcheck reaches {ours} distinct states, TLC {theirs} "
                            "(constants, bounds or actions differ from the reference cfg?)")
    if row["outcome"] == "holds":  # TLC explored everything while checking the invariants too
        assert ours == row["distinct_states"]


def test_exceptions_name_measured_targets():
    stale = [name for name in EXCEPTIONS if name not in MEASURED]
    assert not stale, f"{EXCEPTIONS_FILE.name} lists targets that are not measured ported targets: {stale}"


def test_every_ported_target_is_measured():
    missing = [name for name in TLC if name in ENTRIES and name not in MEASURED]
    assert not missing, f"no reachable_states for {missing}: run bench/tlc_reference.py"


# --- the TLC helpers of bench/tlc.py (no java needed) ----------------------------------

sys.path.insert(0, str(ROOT / "bench"))
import tlc  # noqa: E402


def test_cfg_without_checks_keeps_constants():
    cfg = ("SPECIFICATION Spec\nINVARIANTS\n  Inv_A \\* first\n  Inv_B\nPROPERTY Live_C\n"
           "CONSTANTS\n  N = 2\n  S = {\"a\"}\n")
    assert tlc.cfg_checks(cfg) == (["Inv_A", "Inv_B"], ["Live_C"])
    stripped = tlc.without_checks(cfg)
    assert tlc.cfg_checks(stripped) == ([], [])
    assert "SPECIFICATION Spec" in stripped and "N = 2" in stripped and 'S = {"a"}' in stripped


def test_tlc_output_is_parsed():
    violated = ("Error: Invariant Inv_NoReplay is violated.\nState 1: <Initial predicate>\nState 2: <Send>\n"
                "State 3: <Step>\n5 states generated, 5 distinct states found, 1 states left on queue.\n")
    run = tlc.parse_output(violated, [])
    assert (run.outcome, run.violated, run.trace_steps, run.distinct_states) == ("violated-invariant",
                                                                                 "Inv_NoReplay", 2, 5)
    constant = "Error: The invariant of Inv_DenyWins is equal to FALSE\n"
    run = tlc.parse_output(constant, [])
    assert (run.outcome, run.violated, run.trace_steps, run.constant_level) == ("violated-invariant",
                                                                               "Inv_DenyWins", 0, True)
    lasso = ("Error: Temporal properties were violated.\nState 1: <Initial predicate>\nState 2: <Fail>\n"
             "Back to state 1: <Fail>\n9 states generated, 4 distinct states found, 0 states left on queue.\n")
    run = tlc.parse_output(lasso, ["Live_Done"])
    assert (run.outcome, run.violated, run.trace_states, run.loop_start) == ("violated-temporal", "Live_Done", 2, 1)
    done = ("Model checking completed. No error has been found.\n"
            "301 states generated, 301 distinct states found, 0 states left on queue.\n")
    assert (tlc.parse_output(done, []).outcome, tlc.parse_output(done, []).distinct_states) == ("holds", 301)


def test_an_edit_must_locate_exactly_one_place():
    assert tlc.replace_once("a < b", "<", "<=", "x.tla") == "a <= b"
    with pytest.raises(tlc.TextNotFound, match="x.tla: the text `>` is not found"):
        tlc.replace_once("a < b", ">", "<", "x.tla")
    with pytest.raises(tlc.TextNotFound, match="found 2 times"):
        tlc.replace_once("a < b < c", "<", "<=", "x.tla")


# --- the mutation-parity table (bench/mutation-parity.yaml; no java needed) ------------

import mutation_parity  # noqa: E402

MUTANTS = mutation_parity.load_table(mutation_parity.TABLE)


def test_mutation_table_is_large_and_varied():
    assert len(MUTANTS) >= 40
    assert len({mutation_parity.family(m.target) for m in MUTANTS}) >= 12


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_every_claim_edit_still_applies(mutant):
    # a claim rewritten on another branch must not silently drop a mutant
    assert mutant.target in ENTRIES, f"{mutant.where}: no claim variant {mutant.target}"
    text = ENTRIES[mutant.target].file.read_text()
    tlc.replace_once(text, *mutant.claim, f"{mutant.where}: mutant {mutant.id}")


def test_mutation_parity_verdicts():
    plain = mutation_parity.Mutant("m", "t", "b", ("f", "o", "n"), ("o", "n"), None, "x:1:1")
    explained = dataclasses.replace(plain, expected_difference="TLA+ has no bounded sequences")
    Outcome = mutation_parity.Outcome
    bad, bad_later, ok = Outcome("violated", "inv", 2), Outcome("violated", "inv", 3), Outcome("holds", detail="proved")
    assert mutation_parity.compare(plain, bad, bad) == "agree"
    assert mutation_parity.compare(plain, bad, bad_later) == "DISAGREE"
    assert mutation_parity.compare(plain, Outcome("holds"), ok) == "agree"  # holds vs proved: same verdict
    assert mutation_parity.compare(explained, bad, ok).startswith("explained")
    assert not mutation_parity.passes(mutation_parity.compare(explained, bad, bad))  # a stale explanation fails
    assert mutation_parity.compare(plain, None, ok) == "TLC skipped"
    assert not mutation_parity.passes(mutation_parity.compare(plain, Outcome("error"), ok))


def test_mutation_table_errors_are_located(tmp_path):
    table = tmp_path / "t.yaml"
    table.write_text("mutants:\n  - id: a\n    target: pairing\n    bug: b\n    tla: {file: X.tla, old: o, new: n}\n")
    with pytest.raises(mutation_parity.TableError, match=r"t.yaml:2:5: mutant a needs both a `tla:` and a `claim:`"):
        mutation_parity.load_table(table)
    table.write_text("mutants:\n  - id: a\n    target: pairing\n    bugg: b\n")
    with pytest.raises(mutation_parity.TableError, match=r"t.yaml:4:5: mutant a: unknown field `bugg`"):
        mutation_parity.load_table(table)
    table.write_text("mutants: [\n")
    with pytest.raises(mutation_parity.TableError, match=r"t.yaml:2:1: not valid YAML"):
        mutation_parity.load_table(table)
