"""Contracts the types enforce: verdicts and engine names are enums (`trace.Verdict`,
`trace.Engine`) that render as the plain strings the reports have always shown; one
engine list behind the CLI, the API, the orchestrator and `symcheck serve`; which
invariants a liveness green has proved is a field, not a reading of the engine's name."""
import json
import re

import pytest

import symcheck
from conftest import ROOT, stride_claim
from symcheck import cli
from symcheck.engines import auto
from symcheck.report.text import bounded_names
from symcheck.trace import HOLDS, PROVED, Engine, Outcome, Verdict

ENGINE_NAMES = ["auto", "sequential", "explicit", "bmc", "lemmas", "kind", "pdr", "forall"]


def test_verdicts_render_as_their_plain_names():
    assert [v.value for v in Verdict] == ["proved", "holds", "violated", "unknown"]
    for v in Verdict:
        assert str(v) == f"{v}" == f"{v:>0}" == v.value and json.dumps(v) == json.dumps(v.value)
        assert v == v.value and Verdict(v.value) is v


def test_one_engine_list_behind_the_cli_the_api_the_orchestrator_and_serve():
    assert [e.value for e in Engine] == ENGINE_NAMES
    assert list(cli.ENGINES) == ENGINE_NAMES and list(auto.ENGINES) == ENGINE_NAMES
    assert set(auto.PROOF_ENGINES) == {Engine.LEMMAS, Engine.KIND, Engine.PDR, Engine.FORALL}
    page = (ROOT / "symcheck" / "serve" / "static" / "index.html").read_text()
    select = re.search(r'<select id="engine">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([a-z]+)"', select) == ENGINE_NAMES


def test_serve_accepts_every_engine_and_nothing_else():
    pytest.importorskip("starlette")
    from symcheck.errors import InputError
    from symcheck.serve.app import run_request
    for name in ENGINE_NAMES:
        assert run_request({"claim": "pairing", "engine": name}).engine is Engine(name)
    for bad in ("z3", ["auto"], 3, "AUTO"):
        with pytest.raises(InputError, match="unknown engine"):
            run_request({"claim": "pairing", "engine": bad})


def test_the_api_names_the_choices_for_an_unknown_engine(write_claim):
    model = symcheck.load_claim(str(write_claim(stride_claim("stride", "not_three", "x != 3"))))
    with pytest.raises(ValueError, match="unknown engine 'z3'; choose one of auto, sequential, explicit"):
        symcheck.prove(model, engine="z3")
    assert symcheck.prove(model, depth=2, engine="bmc").verdict is Verdict.HOLDS


def test_which_invariants_are_proved_is_a_field_not_the_engine_name(write_claim):
    model = symcheck.load_claim(str(write_claim(stride_claim("stride", "not_three", "x != 3"))))
    named = Outcome(model.name, HOLDS, 4, model.expect, engine="kind+lasso")  # the name alone proves nothing
    assert bounded_names(named, model) == (["not_three"], [])
    marked = Outcome(model.name, HOLDS, 4, model.expect, engine="bmc+lasso", proved_invariants=("not_three",))
    assert bounded_names(marked, model) == ([], ["not_three"])
    assert bounded_names(Outcome(model.name, PROVED, 4, model.expect), model) == ([], ["not_three"])


# a request is answered after it arrives (weak fairness of serve); `one_state` holds at every depth
LIVE = """\
claim: serve
variables:
  waiting: bool
  served: bool
init:
  waiting: false
  served: false
actions:
  arrive:
    when: not waiting and not served
    then: {waiting: true}
  serve:
    when: waiting
    then: {waiting: false, served: true}
invariants:
  one_state: not (waiting and served)
properties:
  answered: leads_to(waiting, served)
fairness:
  weak: [serve]
"""


@pytest.mark.parametrize("engine", ["kind", "bmc"])  # (auto decides liveness on the state graph: proved)
def test_a_liveness_green_names_the_invariants_it_proved(write_claim, engine):
    r = symcheck.prove(symcheck.load_claim(str(write_claim(LIVE))), depth=4, engine=engine)
    assert r.verdict is Verdict.HOLDS and r.engine.endswith("+lasso")
    assert r.proved_invariants == (() if engine == "bmc" else ("one_state",))


# ---------------------------------------------------------------- test gates


def test_an_empty_parameter_list_fails_at_collection(request):
    """A parametrized test over a glob of a moved folder must not pass by running nothing."""
    assert request.config.getini("empty_parameter_set_mark") == "fail_at_collect"


PUBLIC = {"STR"}  # the IR's str type: the strings work builds on it


def test_every_module_constant_is_used_somewhere():
    """A module-level constant nothing reads is dead (errors.NOWHERE, trace.OUTCOMES and
    lemmas.SHARE were): each is named again in symcheck, the tests, bench, conformance or scripts."""
    import ast
    texts = {p: p.read_text() for d in ("symcheck", "tests", "bench", "conformance", "scripts")
             for p in (ROOT / d).rglob("*.py")}
    everything = "\n".join(texts.values())
    dead = []
    for path, text in texts.items():
        if path.parts[len(ROOT.parts)] != "symcheck":
            continue
        for node in ast.parse(text).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            for name in (t.id for t in targets if isinstance(t, ast.Name)):
                if re.fullmatch(r"[A-Z][A-Z0-9_]*", name) and name not in PUBLIC \
                        and len(re.findall(rf"\b{name}\b", everything)) < 2:
                    dead.append(f"{path.relative_to(ROOT)}: {name}")
    assert dead == []


def test_no_module_is_over_600_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "symcheck").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 600}
    assert long == {}
