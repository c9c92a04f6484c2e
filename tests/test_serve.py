"""`symcheck serve` over HTTP (starlette's TestClient): the catalog and a claim's page,
runs under the limits (413, 400 for depth and names, 503 with Retry-After, `unknown`
kept), located errors without a traceback, the Content-Security-Policy, share links
that reproduce a run, and explore mode replaying paths with the explicit evaluator.
Verdicts come from the engines through the API and are cross-checked with the explicit
evaluator; nothing here is a hard-coded verdict."""
import json
import re
import warnings

import jsonschema
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # starlette 1.x would rather have httpx2; httpx serves every version
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient  # noqa: E402

from conftest import CLAIMS  # noqa: E402
from symcheck.explicit.evaluator import search  # noqa: E402
from symcheck.report.artifacts import SCHEMA_FILE  # noqa: E402
from symcheck.serve import loading, share  # noqa: E402
from symcheck.serve.app import CSP, MAX_BODY, MAX_DEPTH, create_app  # noqa: E402

RESULT_SCHEMA = json.loads(SCHEMA_FILE.read_text())
pytestmark = pytest.mark.xdist_group("serve")  # one app for the module under make test's --dist loadgroup
BROKEN = "claim: broken\nvariables:\n  x: 0..3\ninit:\n  x: 0\nactions:\n  inc:\n    then: {x: x + }\n"
SMALL = """\
claim: lamp
title: a counter that must stay below a bound
constants:
  Limit: 3
variables:
  x: 0..5
init:
  x: 0
actions:
  inc:
    when: x < 5
    then: {x: x + 1}
invariants:
  below: x < Limit
expect: violated
depth: 6
"""


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(CLAIMS, workers=2, time_limit=20, memory_limit=1024)) as c:
        yield c


def error_of(response, status=400) -> dict:
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response.json()["error"]


def model(name, overrides=None, text=None):
    return loading.load(CLAIMS, name, text=text, overrides=overrides)


# ---------------------------------------------------------------- the page and the catalog


def test_the_page_and_its_files_come_from_the_package_under_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP and "script-src 'self'" in CSP
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), "no inline script"
    assert not re.search(r"\son[a-z]+=", page.text) and "style=" not in page.text
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        asset = client.get(src)
        assert asset.status_code == 200 and asset.headers["content-security-policy"] == CSP
        assert not re.search(r"https?://", asset.text), f"{src} loads nothing from elsewhere"
    assert client.get("/static/app.js").headers["content-type"].startswith(("text/javascript", "application/javascript"))


def test_the_catalog_lists_every_variant_with_its_expectation(client):
    families = client.get("/api/catalog").json()
    listed = {v["name"]: v["expect"] for f in families for v in f["variants"]}
    from symcheck.front.claims import catalog
    assert set(listed) == set(catalog(CLAIMS))
    pairing = next(f for f in families if f["family"] == "pairing")
    assert pairing["title"] and pairing["statement"]
    assert listed["pairing"] == model("pairing").expect and listed["pairing-negative"] == model("pairing-negative").expect


def test_a_claims_page_has_its_yaml_constants_and_variants(client):
    data = client.get("/api/claim/pairing-negative").json()
    assert data["text"] == (CLAIMS / "pairing.yaml").read_text()
    assert [c["name"] for c in data["constants"]] == [c.name for c in model("pairing-negative").constants]
    assert "pairing-negative" in [v["name"] for v in data["variants"]] and data["suffix"] == "negative"
    assert data["bug"]


@pytest.mark.parametrize("name", ["../claims/pairing", "pairing.yaml", "%2e%2e", "Pairing", "a" * 200])
def test_claim_names_are_checked_before_any_file_is_read(client, name):
    r = client.get(f"/api/claim/{name}")
    assert r.status_code in (400, 404)
    if r.status_code == 400:
        assert "bad claim name" in error_of(r)["message"]
    assert error_of(client.post("/api/run", json={"claim": name}))["message"].startswith(("bad claim name",
                                                                                          "no claim named"))


def test_an_unknown_claim_gets_a_suggestion(client):
    err = error_of(client.get("/api/claim/pairing-negativ"))
    assert "no claim named" in err["message"] and "pairing-negative" in err["hint"]


# ---------------------------------------------------------------- runs


def test_a_red_run_gives_the_engines_trace_explained_with_its_artifacts(client):
    out = client.post("/api/run", json={"claim": "pairing-negative"}).json()
    m = model("pairing-negative")
    found = search(m, m.depth)  # the independent cross-check
    assert out["verdict"] == "violated" and out["as_expected"]
    r = out["result"]["results"][0]
    assert (r["invariant"], r["length"]) == (found.invariant, found.depth)
    jsonschema.Draft202012Validator(RESULT_SCHEMA).validate(out["result"])
    assert out["itf"]["vars"] == [n for n, _ in m.variables] and len(out["itf"]["states"]) == len(r["trace"])
    assert out["explanation"] and out["violated"]["name"] == found.invariant
    assert out["violated"]["where"].startswith("claims/pairing.yaml:") and r["file"] == "claims/pairing.yaml"
    for prev, step in zip(r["trace"], r["trace"][1:]):  # the highlighted variables are the changed ones
        assert step["changed"] == [n for n in step["state"] if step["state"][n] != prev["state"][n]]
    assert out["labels"][0] is None and len(out["labels"]) == len(r["trace"])


def test_a_lasso_is_shown_with_its_loop_and_its_property(client):
    from symcheck.api import prove
    out = client.post("/api/run", json={"claim": "retry-termination-negative"}).json()
    direct = prove(model("retry-termination-negative"))
    r = out["result"]["results"][0]
    assert (out["verdict"], r["invariant"], r.get("loop_start")) == (direct.verdict, direct.invariant, direct.loop_start)
    if direct.loop_start is not None:
        assert f"looping back to state {direct.loop_start}" in out["meaning"]
        assert out["violated"]["name"] == direct.invariant and out["violated"]["where"].startswith("claims/")


def test_no_answer_shows_the_servers_own_paths(client):
    answers = [client.post("/api/run", json={"claim": "pairing-negative"}),
               client.post("/api/explore", json={"claim": "pairing-negative", "path": []}),
               client.post("/api/explore", json={"claim": "pairing-negative", "path": ["approve(ch=discord, s=a)"]}),
               client.post("/api/run", json={"claim": "pairing-negative", "overrides": {"MaxTime": "x"}})]
    assert str(CLAIMS.parent) not in "".join(a.text for a in answers)


def test_a_green_run_gives_the_proof_summary(client):
    out = client.post("/api/run", json={"claim": "pairing"}).json()
    m = model("pairing")
    assert search(m, m.depth).invariant is None
    assert out["verdict"] in ("proved", "holds") and out["as_expected"]
    if out["verdict"] == "proved":
        assert out["proof"] and "re-checked" in " ".join(out["proof"])


def test_overrides_change_the_model_the_engines_check(client):
    for limit in ("2", "5"):
        out = client.post("/api/run", json={"claim": "pairing-negative", "overrides": {"MaxTime": limit},
                                            "engine": "bmc"}).json()
        m = model("pairing-negative", {"MaxTime": limit})
        assert m.constant("MaxTime").value == int(limit)
        found = search(m, m.depth)
        assert (out["verdict"] == "violated") == (found.invariant is not None)
        assert ["MaxTime (overridden)", limit] in out["configuration"]


def test_a_pasted_claim_runs_and_its_variant_is_chosen_by_suffix(client):
    out = client.post("/api/run", json={"claim": "", "text": SMALL}).json()
    found = search(model(None, text=SMALL), 6)
    assert out["verdict"] == "violated" and out["result"]["results"][0]["length"] == found.depth
    text = (CLAIMS / "pairing.yaml").read_text()
    same = client.post("/api/run", json={"claim": "pairing-negative", "variant": "negative", "text": text}).json()
    assert same["headline"] == client.post("/api/run", json={"claim": "pairing-negative"}).json()["headline"]


def test_unknown_stays_unknown(client):
    with TestClient(create_app(CLAIMS, workers=1, time_limit=0.05)) as quick:
        out = quick.post("/api/run", json={"claim": "pairing-cap", "engine": "kind"}).json()  # BMC: seconds to depth 12
    assert out["verdict"] == "unknown" and not out["as_expected"] and "timeout after 0.05 s" in out["reason"]
    assert out["verdict"].upper() in out["headline"] and "neither holds nor violated" in out["meaning"]


# ---------------------------------------------------------------- limits and errors


def test_loading_and_exploring_happen_under_the_limits():
    import time

    from symcheck.errors import InputError
    from symcheck.serve.app import RunRequest, Settings, limited
    settings = Settings(CLAIMS, time_limit=0.2)
    req = RunRequest("pairing-negative", None, None, {}, None, "auto")
    assert limited(Settings(CLAIMS), req, lambda m: m.name, "loading").startswith("pairing-negative")
    t0 = time.monotonic()
    with pytest.raises(InputError, match="exploring stopped: timeout after 0.2 s"):
        limited(settings, req, lambda m: time.sleep(30), "exploring")
    assert time.monotonic() - t0 < 5
    with pytest.raises(InputError, match="memory limit"):
        limited(Settings(CLAIMS, memory_limit=64), req, lambda m: bytearray(200 << 20), "exploring")


def test_a_body_over_64_kb_is_refused_with_413(client):
    r = client.post("/api/run", json={"claim": "", "text": "#" * MAX_BODY})
    assert "larger than 64 KB" in error_of(r, 413)["message"]
    r = client.post("/api/run", content=b"{}", headers={"content-length": str(MAX_BODY + 1)})
    assert r.status_code == 413


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, -1, "3", 2.5, True])
def test_depth_is_at_most_30(client, depth):
    err = error_of(client.post("/api/run", json={"claim": "pairing-negative", "depth": depth}))
    assert f"from 0 to {MAX_DEPTH}" in err["message"]


def test_beyond_the_workers_the_answer_is_503_with_retry_after():
    app = create_app(CLAIMS, workers=1, time_limit=4)
    with TestClient(app) as c:
        app.state.settings.running = 1  # the one slot is taken by a run under way
        r = c.post("/api/run", json={"claim": "pairing-negative"})
        assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1
        assert r.headers["content-security-policy"] == CSP and "try again" in error_of(r, 503)["message"]
        assert c.post("/api/explore", json={"claim": "pairing-negative", "path": []}).status_code == 503
        app.state.settings.running = 0
        assert c.post("/api/run", json={"claim": "pairing-negative"}).status_code == 200
        assert app.state.settings.running == 0  # the slot is given back


@pytest.mark.parametrize("text, where", [
    (BROKEN, "<pasted>:8:"),  # a bad expression
    ("claim: x\nvariables: {a: 0..2\n", "<pasted>:3:"),  # YAML syntax
    ((CLAIMS / "groups.yaml").read_text(), "<pasted>:"),  # a data file: refused
    ("claim: x\nbogus: 1\n", "<pasted>:2:1"),  # an unknown key
])
def test_a_broken_pasted_claim_is_a_located_error(client, text, where):
    err = error_of(client.post("/api/run", json={"claim": "", "text": text}))
    assert err["where"].startswith(where) and err["text"].startswith(err["where"] + ": error: ")


def test_a_pasted_claim_may_not_read_data_files(client):
    err = error_of(client.post("/api/run", json={"claim": "", "text": (CLAIMS / "groups.yaml").read_text()}))
    assert "data file" in err["message"]


@pytest.mark.parametrize("overrides, expected", [
    ({"MaxTime": "[1,"}, "<override MaxTime>:1:"),
    ({"MaxTime": "abc"}, "<override MaxTime>:1:1"),
    ({"Nope": "1"}, "no constant 'Nope'"),
    ({"../x": "1"}, "not a constant name"),
    ({"MaxTime": "1\n2"}, "one line of YAML"),
])
def test_bad_overrides_are_located_errors(client, overrides, expected):
    err = error_of(client.post("/api/run", json={"claim": "pairing-negative", "overrides": overrides}))
    assert expected in err["text"]


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"claim": 3}', b'{"engine": "z3", "claim": "pairing"}'])
def test_malformed_requests_are_400_with_a_message(client, body):
    assert error_of(client.post("/api/run", content=body, headers={"content-type": "application/json"}))["message"]


def test_the_serve_command_checks_its_claims_directory_first(tmp_path):
    from click.testing import CliRunner

    from symcheck.cli import main
    result = CliRunner().invoke(main, ["serve", "--claims", str(tmp_path / "none")])
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output
    assert "--memory-limit" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_an_internal_error_is_a_message_not_a_traceback(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(loading, "load", fail)
    with TestClient(create_app(CLAIMS), raise_server_exceptions=False) as c:
        r = c.post("/api/run", json={"claim": "pairing-negative"})
    assert r.status_code == 500 and "secret" not in r.text and "Traceback" not in r.text
    assert r.json()["error"]["message"].startswith("internal error")


# ---------------------------------------------------------------- share links


def test_a_share_link_reproduces_the_run(client):
    request = {"claim": "pairing-negative", "overrides": {"MaxTime": "2"}, "depth": 8, "engine": "bmc"}
    first = client.post("/api/run", json=request).json()
    state = client.post("/api/unshare", json={"s": first["share"]}).json()
    assert state == request
    again = client.post("/api/run", json=state).json()
    assert again["result"]["results"][0]["trace"] == first["result"]["results"][0]["trace"]
    assert again["share"] == first["share"]


def test_a_share_link_carries_an_edited_claims_text(client):
    text = (CLAIMS / "pairing.yaml").read_text().replace("TTL: 1", "TTL: 2")
    first = client.post("/api/run", json={"claim": "pairing-negative", "variant": "negative", "text": text}).json()
    state = client.post("/api/unshare", json={"s": first["share"]}).json()
    assert state["text"] == text and state["variant"] == "negative"
    assert client.post("/api/run", json=state).json()["headline"] == first["headline"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", first["share"]) and len(first["share"]) < len(text)  # compressed, URL-safe


@pytest.mark.parametrize("token", ["", "!!!", share.encode({"claim": "pairing"})[:-3], "A" * 100])
def test_a_damaged_share_link_is_refused(client, token):
    err = error_of(client.post("/api/unshare", json={"s": token}))
    assert "damaged" in err["message"] or "bad claim name" in err["message"]


def test_a_share_link_cannot_inflate_past_the_size_limit():
    bomb = share.encode({"claim": "pairing", "text": "x" * (4 * MAX_BODY)})
    assert len(bomb) < MAX_BODY
    with pytest.raises(Exception, match="damaged"):
        share.decode(bomb)


# ---------------------------------------------------------------- explore mode


def test_explore_lists_the_enabled_actions_and_replays_a_path_to_the_violation(client):
    run = client.post("/api/run", json={"claim": "pairing-negative"}).json()
    path = run["labels"][1:]  # the engine's counterexample, replayed by hand
    start = client.post("/api/explore", json={"claim": "pairing-negative", "path": []}).json()
    assert path[0] in [a["label"] for a in start["enabled"]]
    assert start["violated"] is None and all(v is True for v in start["states"][0]["invariants"].values())
    out = client.post("/api/explore", json={"claim": "pairing-negative", "path": path}).json()
    assert out["violated"] == run["result"]["results"][0]["invariant"]
    assert out["states"][-1]["invariants"][out["violated"]] is False
    assert [s["state"] for s in out["states"]] == [s["state"] for s in run["result"]["results"][0]["trace"]]
    assert out["itf"]["vars"] == run["itf"]["vars"] and len(out["itf"]["states"]) == len(path) + 1
    back = client.post("/api/explore", json={"claim": "pairing-negative", "path": path[:-1]}).json()
    assert back["violated"] is None and path[-1] in [a["label"] for a in back["enabled"]]


def test_explore_refuses_an_action_that_is_not_enabled(client):
    err = error_of(client.post("/api/explore", json={"claim": "pairing-negative", "path": ["approve(ch=discord, s=a)"]}))
    assert "is not enabled in state 0" in err["message"]
    err = error_of(client.post("/api/explore", json={"claim": "pairing-negative", "path": ["tick()"] * (MAX_DEPTH + 1)}))
    assert "at most" in err["message"]


def test_explore_lists_at_most_the_cap_of_enabled_actions():
    from symcheck.serve.explore import explore
    m = model("pairing-cap")
    full = explore(m, [])
    capped = explore(m, [], cap=1)
    assert len(capped["enabled"]) == 1 and capped["enabled_total"] == full["enabled_total"] > 1
