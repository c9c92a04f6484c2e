"""`symcheck serve` over HTTP (starlette's TestClient): the catalog and a claim's page,
runs under the limits (413, 400 for depth and names, 503 with Retry-After, `unknown`
kept), located errors without a traceback, the Content-Security-Policy, share links
that reproduce a run, and explore mode replaying paths with the explicit evaluator.
Verdicts come from the engines through the API and are cross-checked with the explicit
evaluator; nothing here is a hard-coded verdict."""
import base64
import json
import os
import re
import warnings
import zlib

import jsonschema
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # starlette 1.x would rather have httpx2; httpx serves every version
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient  # noqa: E402

from conftest import CLAIMS  # noqa: E402
from symcheck.explicit.evaluator import search  # noqa: E402
from symcheck.front.claims import catalog  # noqa: E402
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


ENTRIES = catalog(CLAIMS)
LOCAL = "http://localhost"  # the Host the page is opened by (Host: testserver would be refused)


def local(app, **kwargs) -> TestClient:
    return TestClient(app, base_url=LOCAL, **kwargs)


@pytest.fixture(scope="module")
def client():
    with local(create_app(CLAIMS, workers=2, time_limit=20, memory_limit=1024)) as c:
        yield c


def error_of(response, status=400) -> dict:
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response.json()["error"]


def model(name, overrides=None, text=None):
    """A catalog variant, or (with `text`) the variant `name` of a pasted claim, as the server loads it."""
    return loading.load(None if text else ENTRIES[name], text, name if text else None, overrides)


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
    families = client.get("/api/catalog").json()["families"]
    listed = {v["name"]: v["expect"] for f in families for v in f["variants"]}
    assert set(listed) == set(ENTRIES)
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
    with local(create_app(CLAIMS, workers=1, time_limit=0.05)) as quick:
        out = quick.post("/api/run", json={"claim": "pairing-cap", "engine": "kind"}).json()  # BMC: seconds to depth 12
    assert out["verdict"] == "unknown" and not out["as_expected"] and "timeout after 0.05 s" in out["reason"]
    assert out["verdict"].upper() in out["headline"] and "neither holds nor violated" in out["meaning"]


# ---------------------------------------------------------------- limits and errors


def test_the_case_is_served_as_committed_with_links_into_the_catalog(client, tmp_path):
    """The front door: results/case.json as committed, the claims it names that the
    catalog has (the page links them), and each finding's run as a share token."""
    case = json.loads((CLAIMS.parent / "results" / "case.json").read_text(encoding="utf-8"))
    out = client.get("/api/case").json()
    assert out["case"] == case and set(out["linked"]) <= set(ENTRIES)
    assert {c["claim"] for a in case["areas"] for c in a["claims"]} <= set(out["linked"])
    findings = {f["name"] for f in case["findings"]}
    assert findings and set(out["traces"]) == findings & set(ENTRIES)
    for name, token in out["traces"].items():
        assert share.decode(token) == {"claim": name}
    for bad in ("", "{", json.dumps({"schema": "other/1"})):  # a missing or foreign file: said, no server path
        (tmp_path / "case.json").write_text(bad)
        with local(create_app(CLAIMS, case=tmp_path / "case.json")) as c:
            got = c.get("/api/case").json()
        assert got["case"] is None and "make results" in got["why"] and str(tmp_path) not in got["why"]


def _name(model):
    return model.name


def _sleep(model):
    import time
    time.sleep(30)


def _allocate(model):
    return len(bytearray(200 << 20))


def test_loading_and_exploring_happen_under_the_limits():
    import time

    from symcheck.errors import InputError
    from symcheck.serve.app import RunRequest, Settings, limited
    settings = Settings(CLAIMS, time_limit=0.2)
    req = RunRequest("pairing-negative", None, None, {}, None, "auto")
    assert limited(Settings(CLAIMS), req, _name, "loading", entries=ENTRIES).startswith("pairing-negative")
    t0 = time.monotonic()
    with pytest.raises(InputError, match="exploring stopped: timeout after 0.2 s"):
        limited(settings, req, _sleep, "exploring", entries=ENTRIES)
    assert time.monotonic() - t0 < 5
    with pytest.raises(InputError, match="memory limit"):
        limited(Settings(CLAIMS, memory_limit=64), req, _allocate, "exploring", entries=ENTRIES)


def test_the_servers_threads_never_fork(monkeypatch):
    """Issue 19: a fork of a thread-pool thread may inherit a lock another thread holds.
    Every worker of a run, a pasted claim's page and an exploration is made by a
    forkserver (a clean single-threaded process), under the same limits."""
    import threading

    forks: list[str] = []
    real_fork = os.fork

    def fork():
        if threading.current_thread() is not threading.main_thread():
            forks.append(threading.current_thread().name)
        return real_fork()
    monkeypatch.setattr(os, "fork", fork)
    with local(create_app(CLAIMS, workers=1, time_limit=20)) as c:
        run = c.post("/api/run", json={"claim": "pairing-negative"}).json()
        assert run["verdict"] == "violated" and run["labels"]
        assert c.post("/api/explore", json={"claim": "pairing-negative", "path": run["labels"][1:]}).json()["violated"]
        assert c.post("/api/pasted", json={"claim": "", "text": SMALL}).json()["name"] == "lamp"
        assert c.post("/api/run", json={"claim": "", "text": SMALL}).json()["verdict"] == "violated"
        assert error_of(c.post("/api/run", json={"claim": "", "text": BROKEN}))["where"].startswith("<pasted>:8:")
    assert forks == []


def test_a_body_over_64_kb_is_refused_with_413(client):
    r = client.post("/api/run", json={"claim": "", "text": "#" * MAX_BODY})
    assert "larger than 64 KB" in error_of(r, 413)["message"]
    r = client.post("/api/run", content=b"{}", headers={"content-length": str(MAX_BODY + 1),
                                                        "content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, -1, "3", 2.5, True])
def test_depth_is_at_most_30(client, depth):
    err = error_of(client.post("/api/run", json={"claim": "pairing-negative", "depth": depth}))
    assert f"from 0 to {MAX_DEPTH}" in err["message"]


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
    from symcheck.serve import views

    def fail(*args, **kwargs):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(views, "result_json", fail)  # in the server (a worker is a forkserver's, unpatched)
    with local(create_app(CLAIMS), raise_server_exceptions=False) as c:
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


# ---------------------------------------------------------------- a public service (issue 20)
# Each test below reproduces a fault found by an outside attack run on 127.0.0.1.


CAP = 24  # the live server's connection cap


@pytest.fixture(scope="module")
def live():
    """`symcheck serve` as it runs (the guarded uvicorn server) on a free port, in a thread;
    a request must arrive within 1 s, and at most 24 connections are open at once."""
    import socket
    import threading
    import time

    import uvicorn

    from symcheck.serve import guard
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(guard.config(create_app(CLAIMS, workers=2, time_limit=20), "127.0.0.1", port,
                                         connections=CAP, request_seconds=1.0))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", port
    server.should_exit = True
    thread.join(10)


def fetch(url, data=None, headers=None, timeout=30):
    """(status, seconds) of one request; an HTTP error is an answer too."""
    import time
    import urllib.error
    import urllib.request
    t0 = time.perf_counter()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - t0


def test_unknown_claim_lookups_do_not_stall_the_catalog(live):
    """Fault 1: each lookup of an unknown claim re-read the whole catalog on the event loop
    (0.5-0.7 s): with 16 in flight the catalog took 8-9 s. Lookups now come from the catalog
    read at start-up, and the catalog answers within 100 ms while they run."""
    import statistics
    import time
    from concurrent.futures import ThreadPoolExecutor
    url, _ = live
    fetch(url + "/api/catalog")  # a first connection, warm
    def later(seconds):
        time.sleep(seconds)
        return fetch(url + "/api/catalog")[1]
    with ThreadPoolExecutor(21) as pool:
        lookups = [pool.submit(fetch, f"{url}/api/claim/no-such-claim-{i}") for i in range(16)]
        samples = [pool.submit(later, 0.02 * k) for k in range(1, 6)]  # while the lookups are in flight
        catalog_times = [f.result() for f in samples]
        answers = [f.result() for f in lookups]
    assert {status for status, _ in answers} == {400}
    assert statistics.median(catalog_times) < 0.1, catalog_times


def test_a_slow_client_is_cut_off(live):
    """Fault 1: a client sending a byte a second held its connection for ever. Headers, a
    body, or a first request on a new connection must arrive within the request time."""
    import socket
    import time
    _, port = live
    for opening in (b"GET / HTTP/1.1\r\nHost: localhost\r\n",  # headers, never finished
                    b"POST /api/run HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100\r\n\r\n{",  # a body, never finished
                    b""):  # nothing at all
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            t0 = time.monotonic()
            s.sendall(opening)
            answer = b""
            try:
                while time.monotonic() - t0 < 8:
                    s.sendall(b"x" if opening.startswith(b"POST") else b"X-A: b\r\n" if opening else b"")
                    s.settimeout(0.3)
                    try:
                        chunk = s.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    answer += chunk
            except (BrokenPipeError, ConnectionResetError):
                pass
            took = time.monotonic() - t0
        assert took < 5, (opening, took)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:80]


def test_connections_beyond_the_cap_are_refused_at_once(live):
    """Fault 1: no connection cap. Beyond it, a connection is answered 503 and closed."""
    import socket
    import time
    url, port = live
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(CAP)]
    try:
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as extra:
            assert extra.recv(100).startswith(b"HTTP/1.1 503")
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    assert fetch(url + "/api/catalog")[0] == 200  # the cap counts open connections only


def test_a_cross_site_request_cannot_start_a_run(client, monkeypatch):
    """Fault 2 (CSRF): another site's text/plain POST started a run. Every POST must carry
    application/json (a cross-site page cannot send it without asking first) and, when
    the browser names its Origin, come from the server's own."""
    from symcheck.serve import app as app_module
    ran = []
    monkeypatch.setattr(app_module, "check", lambda *a: ran.append(a))
    body = json.dumps({"claim": "pairing-negative"})
    cross = error_of(client.post("/api/run", content=body, headers={"content-type": "text/plain",
                                                                    "origin": "http://evil.example"}), 403)
    assert "another site" in cross["message"]
    assert error_of(client.post("/api/run", content=body, headers={"content-type": "application/json",
                                                                   "origin": "http://evil.example"}), 403)
    assert error_of(client.post("/api/run", content=body, headers={"origin": "null",
                                                                   "content-type": "application/json"}), 403)
    plain = error_of(client.post("/api/run", content=body, headers={"content-type": "text/plain"}), 415)
    assert "application/json" in plain["message"]
    form = client.post("/api/run", data={"claim": "pairing-negative"})  # an HTML form's encoding
    assert form.status_code == 415
    assert ran == []
    token = share.encode({"claim": "pairing"})
    same = client.post("/api/unshare", json={"s": token}, headers={"origin": LOCAL})
    assert same.status_code == 200 and same.json() == {"claim": "pairing"}


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.",
                                  "0.0.0.0:8000", ""])
def test_a_foreign_host_is_refused(client, host):
    """Fault 2 (DNS rebinding): `Host: evil.example` was answered, so any page a user
    visits could reach the server through a name that resolves to 127.0.0.1."""
    for r in (client.get("/", headers={"host": host}), client.get("/api/catalog", headers={"host": host}),
              client.post("/api/unshare", json={"s": "x"}, headers={"host": host})):
        err = error_of(r, 400)
        assert "does not answer for the host" in err["message"] and "--allow-host" in err["hint"]
        assert r.headers["content-security-policy"] == CSP


def test_the_hosts_it_answers_for():
    from symcheck.serve.guard import host_name, host_names
    for name in ("localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:9", "[::1]:8000", "[::1]", "LOCALHOST"):
        assert host_name(name) in host_names("127.0.0.1"), name
    assert host_name("10.0.0.5:8000") in host_names("10.0.0.5")  # the bound address
    assert host_name("10.0.0.5:8000") not in host_names("127.0.0.1")
    assert host_name("box.lan:8000") in host_names("0.0.0.0", ["box.lan"])  # the allow list
    assert "0.0.0.0" not in host_names("0.0.0.0") and "::" not in host_names("::")
    with local(create_app(CLAIMS, host="0.0.0.0", allow_hosts=["box.lan"])) as c:
        assert c.get("/api/catalog", headers={"host": "box.lan:8000"}).status_code == 200
        assert c.get("/api/catalog", headers={"host": "other.lan"}).status_code == 400


def test_the_serve_command_takes_an_allow_list():
    from click.testing import CliRunner

    from symcheck.cli import main
    assert "--allow-host" in CliRunner().invoke(main, ["serve", "--help"]).output


def deep(n: int) -> str:
    return "[" * n + "]" * n


@pytest.mark.parametrize("body", [
    '{"claim": "pairing", "overrides": ' + deep(10_000) + "}",  # nested 10,000 deep
    deep(10_000),
    '{"claim": "pairing-negative", "path": ["\\ud800"]}',  # a lone surrogate in an explore path
    '{"claim": "pairing-refresh", "overrides": {"Senders": "{enum: [\\"\\ud800\\"]}"}}',  # ... in an enum member
    '{"claim": "pairing-refresh", "overrides": {"Senders": "[\\ud800]"}}',
    '{"claim": "", "text": "claim: x\\ud800"}',
])
def test_hostile_bodies_are_400_not_500(client, body):
    """Fault 3: a body nested 10,000 deep (RecursionError), or a lone surrogate
    (UnicodeEncodeError in the error handler), was answered 500."""
    for route in ("/api/run", "/api/explore", "/api/unshare", "/api/pasted"):
        err = error_of(client.post(route, content=body.encode(), headers={"content-type": "application/json"}))
        assert err["message"]


def test_a_share_link_inflating_to_deep_json_is_refused(client):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    token = base64.urlsafe_b64encode(packer.compress(deep(20_000).encode()) + packer.flush()).decode().rstrip("=")
    assert "damaged" in error_of(client.post("/api/unshare", json={"s": token}))["message"]


def test_a_claim_whose_text_holds_a_lone_surrogate_is_answered(client):
    """A YAML escape can put a lone surrogate into an enum member without any in the JSON:
    the answer is still JSON (an escape), never a 500."""
    text = SMALL.replace("claim: lamp", 'claim: lamp\ntypes:\n  Names: {enum: [a, "\\ud800"]}')
    text = text.replace("  x: 0..5\n", "  x: 0..5\n  who: Names\n").replace("  x: 0\n", '  x: 0\n  who: "\'\\ud800\'"\n')
    r = client.post("/api/run", json={"claim": "", "text": text})
    assert r.status_code in (200, 400), r.text
    assert r.content.isascii() and "Traceback" not in r.text


def test_a_share_link_with_another_claims_text_shows_that_claim(client):
    """Fault 4: a link with `claim: pairing` and the text of another claim showed pairing's
    title, statement and constants beside the other claim's verdict. A run and a pasted
    claim's page name the claim that was run, and say it is not the catalog's."""
    text = (CLAIMS / "approvals.yaml").read_text()
    out = client.post("/api/run", json={"claim": "pairing", "text": text}).json()
    approvals = model("approvals")
    assert out["claim"]["name"] == "approvals" and out["claim"]["catalog"] is False
    assert out["claim"]["title"] == approvals.title and out["result"]["results"][0]["claim"] == "approvals"
    page = client.post("/api/pasted", json={"claim": "pairing", "text": text}).json()
    assert (page["name"], page["catalog"], page["text"]) == ("approvals", False, text)
    assert [c["name"] for c in page["constants"]] == [c.name for c in approvals.constants]
    assert client.post("/api/run", json={"claim": "pairing"}).json()["claim"]["catalog"] is True
    assert client.get("/api/claim/pairing").json()["catalog"] is True


def test_a_pasted_claims_page_is_read_under_the_limits(client):
    err = error_of(client.post("/api/pasted", json={"claim": "", "text": BROKEN.replace("then: {x: x + }", "then: [")}))
    assert err["where"].startswith("<pasted>:")
    assert "data file" in error_of(client.post("/api/pasted", json={"claim": "", "text": (CLAIMS / "groups.yaml")
                                                                    .read_text()}))["message"]


@pytest.mark.parametrize("value", ["{enum: [a, b]}", "[a, b]"])  # as the form shows it (the case), or the value
def test_the_constants_form_accepts_what_it_shows(client, value):
    """Fault 5: the form showed `Senders` as `{enum: [a]}` but refused `{enum: [a, b]}`."""
    shown = {c["name"]: c["value"] for c in client.get("/api/claim/pairing-refresh").json()["constants"]}
    assert shown["Senders"] == "{enum: [a]}"
    assert model("pairing-refresh", {"Senders": value}).constant("Senders").value == {"a", "b"}
    out = client.post("/api/run", json={"claim": "pairing-refresh", "overrides": {"Senders": value},
                                        "engine": "bmc"}).json()
    assert out["verdict"] in ("holds", "violated"), out
    assert ["Senders (overridden)", "{a, b}"] in out["configuration"], out["configuration"]


def test_every_constant_shown_in_the_form_is_accepted_back():
    """Each family's constants, sent back as the form shows them, load as the claim does."""
    families = {e.variant.doc.get("claim").value: e for e in ENTRIES.values() if not e.variant.suffix}
    for name, e in families.items():
        form = loading.constants_form(e.variant)
        if not any(c["value"].startswith("{") for c in form):
            continue
        plain = loading.load(e)
        again = loading.load(e, overrides={c["name"]: c["value"] for c in form})
        assert [(c.name, c.value, c.symbolic) for c in again.constants] == \
            [(c.name, c.value, c.symbolic) for c in plain.constants], name


@pytest.mark.parametrize("value, message", [
    ('{type: "set[Peers]", enum: [a]}', "as the form shows it"),
    ("{enum: [a], extra: 1}", "as the form shows it"),
])
def test_an_edit_that_changes_a_declaration_is_a_located_error(client, value, message):
    err = error_of(client.post("/api/run", json={"claim": "pairing-refresh", "overrides": {"Senders": value}}))
    assert message in err["message"] and err["where"].startswith("<override Senders>:1:")


def test_a_type_shown_in_the_form_cannot_be_changed_there():
    e = next(e for e in ENTRIES.values() if any(c["value"].startswith("{type:") and "value:" in c["value"]
                                                for c in loading.constants_form(e.variant)))
    c = next(c for c in loading.constants_form(e.variant) if c["value"].startswith("{type:") and "value:" in c["value"])
    from symcheck.errors import InputError
    with pytest.raises(InputError, match="only its value can change here"):
        loading.load(e, overrides={c["name"]: c["value"].replace("{type: ", "{type: Other", 1)})


def test_a_busy_server_queues_briefly_then_tells_the_truth(monkeypatch):
    """Fault 6: `Retry-After: 1` was sent while a run held its slot for about 12 s. A
    request now waits for a slot a few seconds; beyond that, Retry-After is when the
    check under way must have ended, by its limits."""
    import threading
    import time

    from symcheck.serve import app as app_module
    release = threading.Event()

    def held(settings, entries, req):
        release.wait(30)
        return {"verdict": "holds", "claim": req.claim}
    monkeypatch.setattr(app_module, "check", held)
    app = create_app(CLAIMS, workers=1, time_limit=10, wait=0.3)
    with local(app) as c:
        first = threading.Thread(target=lambda: c.post("/api/run", json={"claim": "pairing"}))
        first.start()
        time.sleep(0.5)
        busy = c.post("/api/run", json={"claim": "pairing-negative"})
        seconds = int(busy.headers["retry-after"])
        bound = app.state.settings.bound(2)
        assert busy.status_code == 503 and busy.json()["error"]["retry_after"] == seconds
        assert bound - 2 <= seconds <= bound, (seconds, bound)  # the check's limits end it by then
        assert f"free within {seconds} s" in busy.json()["error"]["hint"]
        queued = threading.Thread(target=lambda: answers.append(c.post("/api/run", json={"claim": "approvals"})))
        answers: list = []
        queued.start()
        time.sleep(0.1)
        release.set()  # the first check ends while the next one waits: it is served, not refused
        queued.join(30)
        first.join(30)
        assert answers and answers[0].status_code == 200, answers
        assert app.state.slots[0].ends == [] and app.state.slots[0].waiting == 0


def test_an_explored_path_is_not_exported_as_a_verdict(client):
    """Fault 6: a path explored by hand that violates nothing was exported as `holds`."""
    out = client.post("/api/explore", json={"claim": "pairing-negative", "path": []}).json()
    assert out["violated"] is None and out["kind"] == "explored path"
    assert out["itf"]["#meta"]["verdict"] == "explored path" and "holds" not in json.dumps(out["itf"]["#meta"])
    run = client.post("/api/run", json={"claim": "pairing-negative"}).json()
    bad = client.post("/api/explore", json={"claim": "pairing-negative", "path": run["labels"][1:]}).json()
    assert bad["itf"]["#meta"]["verdict"] == "violated" and bad["violated"]


def json_values():
    from hypothesis import strategies as st
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                                             inner, max_size=4),
                        max_leaves=12)


def test_any_json_body_is_answered_without_a_500(client):
    """Never a 500 for bad input: random JSON in every field of every POST (claim names
    that are not the catalog's, so no check runs), and random bytes as the body."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    fields = st.fixed_dictionaries({}, optional={k: json_values() for k in
                                                 ("claim", "variant", "text", "overrides", "depth", "engine", "path", "s")})
    bodies = st.one_of(fields.map(lambda d: json.dumps({**d, "claim": "x-" + str(d.get("claim"))[:20]}).encode()),
                       st.binary(max_size=200), json_values().map(lambda v: json.dumps(v).encode()))

    @settings(max_examples=40)  # a pasted text is read in a worker: a fork each
    @given(body=bodies, route=st.sampled_from(["/api/run", "/api/explore", "/api/unshare", "/api/pasted"]))
    def answered(body, route):
        r = client.post(route, content=body, headers={"content-type": "application/json"})
        assert r.status_code in (200, 400, 413), (route, body, r.text)
        assert "Traceback" not in r.text and r.content.isascii()
    answered()
