"""bench/protocols, our ports of public TLA+ models: every variant's safety verdict,
distinct states and shortest counterexample from the explicit-state engine, each
cross-checked by the independent evaluator (symcheck/explicit/evaluator.py, no code
shared with the engines) and compared with what TLC reported on our own TLA+ spec of
the same model (bench/protocols/tla/tlc.yaml, written by `bench/protocols.py --tlc JAR
--record`; CI has no Java). A short red's counterexample length is also BMC's (Z3). Variants
with more than SMALL states, and the scaled instances (`bakery-n3`: 1.2 million
states), are left to the benchmark."""
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import symcheck
from symcheck.engines import explicit
from symcheck.engines.bmc import check_bmc
from symcheck.explicit.constructs import within
from symcheck.explicit.evaluator import Evaluator, search
from symcheck.explicit.liveness import reachable_graph

HERE = Path(__file__).parent.parent / "bench" / "protocols"
TLC = yaml.safe_load((HERE / "tla" / "tlc.yaml").read_text())
SMALL = 20_000
SHORT = 8  # BMC (Z3) repeats the counterexamples up to this long (bakery-no-doorway's 18 steps take it a minute)


def _variants():
    for path in sorted(HERE.glob("*.yaml")):
        for model in symcheck.load_claims(str(path)):
            yield pytest.param(model, id=model.name)


VARIANTS = list(_variants())


def test_every_tla_config_has_a_port_and_a_recorded_tlc_result():
    """Each cfg in bench/protocols/tla names a variant of a port (CLAIM.cfg or
    CLAIM-SUFFIX.cfg) or a scaled instance of one recorded in tlc.yaml (`claim:`,
    `set:`), whose spec CLAIM.tla exists, and TLC's result for it is recorded; at least
    six public models are ported, each with a planted bug TLC agrees on."""
    families = {p.values[0].name: p.values[0].family for p in VARIANTS}
    families.update({name: e["claim"] for name, e in TLC.items() if "set" in e})
    cfgs = {cfg.stem for cfg in (HERE / "tla").glob("*.cfg")}
    assert cfgs <= set(families), cfgs - set(families)
    assert cfgs == set(TLC), cfgs ^ set(TLC)
    for name in cfgs:
        assert (HERE / "tla" / f"{families[name]}.tla").is_file(), name
    ported = {families[n] for n in cfgs}
    assert len(ported) >= 6, ported
    red = {families[n] for n in cfgs if TLC[n]["verdict"] == "violated"}
    assert red >= ported - {"dining"}, ported - red  # dining's planted bugs are about liveness


@pytest.mark.parametrize("model", VARIANTS)
def test_safety_verdict_states_and_trace_agree_with_the_evaluator_and_tlc(model):
    expected = TLC.get(model.name) or TLC[model.family]  # a liveness-only variant: the green's safety
    assert expected["verdict"] != "holds" or expected["states"] <= SMALL, "a big variant: make it a scaled instance"
    safety = replace(model, properties=(), fairness=())
    r = explicit.run(safety)
    found = search(safety, 10_000)
    assert found.complete or found.invariant is not None, model.name
    if expected["verdict"] == "holds":
        assert r.verdict == "proved" and found.invariant is None, (model.name, r.verdict, found.invariant)
        assert r.states == found.states, model.name
        ev = Evaluator(safety)
        inside = (sum(within(safety, ev, s) for s in reachable_graph(safety).states) if safety.constraints
                  else found.states)  # TLC counts only the states within a CONSTRAINT
        assert inside == expected["states"], model.name
    else:
        assert r.verdict == "violated" and (r.invariant, r.length) == (found.invariant, found.depth), model.name
        assert r.length == expected["steps"], model.name
        if r.length <= SHORT:
            bmc = check_bmc(safety, r.length)
            assert bmc.violated and (bmc.invariant, bmc.length) == (r.invariant, r.length), model.name
