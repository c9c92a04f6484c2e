"""The security case's claim metadata: `policy:`, `assumptions:` and a red variant's
`finding:` are read into the model, and unknown ids or malformed entries are located errors."""
import pytest

from symcheck import api
from symcheck.errors import InputError
from symcheck.front import claims

BASE = """\
claim: demo
title: A demo
policy: {policy}
assumptions: {assumptions}
variables:
  x: 0..2
init:
  x: 0
actions:
  step:
    when: x < 2
    then: {{x: x + 1}}
invariants:
  small: x <= 2
variants:
  negative:
    bug: the bound is off by one
    expect: violated
    patch:
      invariants: {{small: x <= 1}}
{finding}"""

FINDING = """\
    finding:
      status: confirmed
      package: openclaw@2026.9.6
      avoided_by: "a configuration that avoids it"
"""


def load(policy="authorization", assumptions="[]", finding=""):
    return api.load_text(BASE.format(policy=policy, assumptions=assumptions, finding=finding))


def test_metadata_is_read_into_the_model():
    green, red = load(assumptions="[provider-authenticates-senders, {own-fact: The demo has its own fact.}]",
                      finding=FINDING)
    assert green.policy == ("authorization",) and red.policy == ("authorization",)
    assert green.assumptions[0][0] == "provider-authenticates-senders" and green.assumptions[0][1]
    assert green.assumptions[1] == ("own-fact", "The demo has its own fact.")
    assert green.finding is None
    assert red.finding.status == "confirmed" and red.finding.avoided_by == "a configuration that avoids it"


@pytest.mark.parametrize("kwargs, message, hint", [
    ({"policy": "authorisation"}, "unknown policy area 'authorisation'", "did you mean 'authorization'"),
    ({"assumptions": "[provider-authenticates-sender]"}, "unknown assumption 'provider-authenticates-sender'",
     "did you mean 'provider-authenticates-senders'"),
    ({"assumptions": "[clock-monotonic, clock-monotonic]"}, "assumption 'clock-monotonic' is listed twice", None),
    ({"assumptions": "{a: b}"}, "`assumptions` is a list", None),
    ({"assumptions": "[{clock-monotonic: again}]"}, "is declared in data/assumptions.yaml", None),
    ({"finding": FINDING.replace("confirmed", "confimed")}, "finding status must be one of", None),
    ({"finding": FINDING.replace("      package: openclaw@2026.9.6\n", "")}, "names the package", None),
    ({"finding": FINDING.replace("avoided_by", "avoided")}, "unknown key 'avoided' in finding", None),
])
def test_bad_metadata_is_a_located_error(kwargs, message, hint):
    with pytest.raises(InputError) as exc:
        load(**kwargs)
    assert message in exc.value.message
    assert exc.value.span is not None
    if hint:
        assert hint in (exc.value.hint or "")


def test_a_finding_on_a_green_is_refused():
    text = BASE.format(policy="authorization", assumptions="[]", finding="").replace(
        "    expect: violated\n", "    expect: holds\n") + FINDING
    with pytest.raises(InputError, match="must expect violated"):
        api.load_text(text)


def test_every_claim_family_names_its_policy_area_and_findings_are_reds():
    models = [claims.load_model(e) for e in claims.catalog(claims.claims_dir()).values()]
    assert all(m.policy for m in models), [m.name for m in models if not m.policy][:5]
    findings = [m for m in models if m.finding]
    assert findings and all(m.expect == "violated" for m in findings)
    assert all("-finding-" in m.name for m in findings)
