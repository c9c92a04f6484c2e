"""`symcheck serve` in a real browser: Playwright drives the system Chromium (the Debian
package `chromium`, which .ci/run installs when it is missing; Playwright downloads no
browser here) against a server started as `symcheck serve` in a subprocess.

The page is checked against what it claims to show: the highlighted variables of each
trace step are exactly those whose shown value changed; a share link opened in a new
page shows the same result; a broken claim shows its located error; a path built by
hand in explore mode (the explicit evaluator's shortest counterexample, clicked action
by action) reaches the violation. No page may break its Content-Security-Policy.

With SYMCHECK_SCREENSHOTS=1 the tests save the README's screenshots to docs/screenshots/."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CLAIMS, ROOT

CHROMIUM = Path(os.environ.get("SYMCHECK_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("SYMCHECK_SCREENSHOTS") == "1" else None
TIMEOUT_MS = 60_000  # a run on a loaded machine: the server's own limit is 10 s, plus the queue

if not CHROMIUM.exists() and os.environ.get("CI"):  # .ci/run installs it: missing there is a failure, not a skip
    pytest.fail(f"no Chromium at {CHROMIUM} although CI is set: .ci/run installs the Debian package `chromium`",
                pytrace=False)
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install the Debian package `chromium` (apt-get install -y chromium; "
                ".ci/run does) or set SYMCHECK_CHROMIUM to its path", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the `test` extra)")
pytest.importorskip("uvicorn", reason="pip install 'symcheck[serve]'")
expect = playwright_api.expect
pytestmark = pytest.mark.xdist_group("browser")  # one server and one browser for the module (make test's --dist loadgroup)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "symcheck", "serve", "--port", str(port), "--workers", "2",
                             "--claims", str(CLAIMS)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("symcheck serve exited: " + proc.stderr.read().decode(errors="replace"))
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.policy_violations = []
    pg.on("console", lambda m: "Content Security Policy" in m.text and pg.policy_violations.append(m.text))
    pg.on("pageerror", lambda e: pg.policy_violations.append(f"uncaught: {e}"))
    yield pg
    assert not pg.policy_violations, pg.policy_violations
    context.close()


def shot(pg, name: str, full_page: bool = False) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def open_claim(pg, server, name):
    pg.goto(f"{server}/#/claim/{name}")
    expect(pg.locator("#claim-name")).to_have_text(name)
    expect(pg.locator("#constants input").first).to_be_visible()


def run(pg):
    pg.click("#run")
    expect(pg.locator("#result")).to_be_visible()


def step_table(pg) -> dict:
    rows = pg.locator("#state tr")
    return {rows.nth(i).get_attribute("data-var"): rows.nth(i).locator("td").inner_text() for i in range(rows.count())}


def highlighted(pg) -> set:
    return set(pg.locator("#state tr.changed").evaluate_all("rows => rows.map(r => r.dataset.var)"))


def test_the_catalog_lists_every_claim(server, page):
    from symcheck.front.claims import catalog
    page.goto(server + "/")
    expect(page.locator("a.variant-link")).to_have_count(len(catalog(CLAIMS)))
    shot(page, "catalog")
    page.fill("#filter", "pairing")
    expect(page.locator("article.family:visible").first).to_contain_text("pairing")
    assert page.locator("article.family:visible").count() < page.locator("article.family").count()


def test_run_pairing_negative_and_step_through_its_trace(server, page):
    page.goto(server + "/")
    page.click("a.variant-link >> text='pairing-negative'")
    expect(page.locator("#claim-name")).to_have_text("pairing-negative")
    run(page)
    expect(page.locator("#verdict")).to_have_class("verdict verdict-violated")
    assert page.locator("#dl-itf").get_attribute("href").startswith("blob:")
    expect(page.locator("#why")).to_be_visible()
    last = int(page.locator("#step-label").inner_text().split()[-1])
    assert last >= 1
    previous = step_table(page)
    assert highlighted(page) == set()  # the initial state: nothing changed
    for i in range(1, last + 1):
        page.click("#next")
        expect(page.locator("#step-label")).to_have_text(f"state {i} of {last}")
        shown = step_table(page)
        changed = {name for name in shown if shown[name] != previous[name]}
        assert highlighted(page) == changed and changed, f"state {i}"
        if i == 1:
            shot(page, "trace", full_page=True)
        previous = shown
    expect(page.locator("#next")).to_be_disabled()


def test_a_share_link_opens_the_same_result_in_a_new_page(server, page, browser):
    open_claim(page, server, "pairing-negative")
    page.locator("#constants input[name=MaxTime]").fill("2")
    run(page)
    link = page.locator("#share").input_value()
    assert link.startswith(server + "/#s=")
    other = browser.new_page()
    other.set_default_timeout(TIMEOUT_MS)
    other.goto(link)
    expect(other.locator("#result")).to_be_visible()
    for selector in ("#verdict", "#headline", "#meaning", "#step-label", "#explanation"):
        assert other.locator(selector).inner_text() == page.locator(selector).inner_text(), selector
    assert other.locator("#constants input[name=MaxTime]").input_value() == "2"
    shot(other, "shared")
    other.close()


def test_a_broken_claim_shows_its_located_error(server, page):
    open_claim(page, server, "pairing-negative")
    text = (CLAIMS / "pairing.yaml").read_text()
    lines = text.splitlines()
    broken_line = next(i for i, line in enumerate(lines, 1) if "now: now + 1" in line)
    page.fill("#source", text.replace("now: now + 1", "now: now + * 1", 1))
    expect(page.locator("#edited")).to_be_visible()
    page.click("#run")
    expect(page.locator("#error")).to_be_visible()
    message = page.locator("#error-text").inner_text()
    assert message.startswith(f"<pasted>:{broken_line}:") and ": error: " in message
    assert "Traceback" not in message
    expect(page.locator("#highlight .error-line")).to_have_count(1)
    # the highlighted copy lies line for line under the text being edited
    assert page.locator("#highlight .line").count() == text.count("\n") + 1
    heights = [page.locator(s).evaluate("e => e.scrollHeight") for s in ("#highlight", "#source")]
    assert abs(heights[0] - heights[1]) <= 2, heights
    assert "now + * 1" in page.locator("#highlight .error-line").inner_text()
    shot(page, "error")
    page.fill("#source", "claim: x\nvariables: {a: 0..2\n")  # not even YAML
    page.click("#run")
    expect(page.locator("#error-text")).to_contain_text("<pasted>:3:")


def test_explore_by_hand_to_the_violation(server, page):
    from symcheck.explicit.evaluator import search
    from symcheck.serve.explore import label
    from symcheck.front.claims import catalog
    from symcheck.serve.loading import load
    model = load(catalog(CLAIMS)["pairing-negative"])
    found = search(model, model.depth)  # the shortest counterexample, found without the page
    types = {a.name: dict(a.params) for a in model.actions}
    path = [label(name, params, types[name]) for (name, params), _ in found.trace[1:]]
    open_claim(page, server, "pairing-negative")
    page.click("#explore")
    expect(page.locator("#explorer")).to_be_visible()
    expect(page.locator("#ex-back")).to_be_disabled()
    for i, step in enumerate(path, 1):
        expect(page.locator("#ex-violation")).to_be_hidden()
        page.click(f"#ex-actions button[data-label='{step}']")
        expect(page.locator("#ex-path li")).to_have_count(i + 1)
    expect(page.locator("#ex-violation")).to_contain_text(found.invariant)
    expect(page.locator(f"#ex-invariants li[data-invariant='{found.invariant}']")).to_have_class("inv-false")
    assert page.locator("#ex-itf").get_attribute("href").startswith("blob:")
    shot(page, "explore", full_page=True)
    page.click("#ex-back")  # going back leaves the violation
    expect(page.locator("#ex-path li")).to_have_count(len(path))
    expect(page.locator("#ex-violation")).to_be_hidden()
    page.click("#ex-path li >> nth=0")  # back to the initial state
    expect(page.locator("#ex-path li")).to_have_count(1)
    expect(page.locator("#ex-back")).to_be_disabled()


def test_a_busy_server_is_shown_with_its_retry_after(server, page):
    """The server's 503 (tests/test_serve.py makes a real one) as the page shows it."""
    import json
    open_claim(page, server, "pairing-negative")
    busy = {"error": {"message": "busy", "where": None, "hint": "retry after 7 s", "text": "error: busy"}}
    page.route("**/api/run", lambda route: route.fulfill(status=503, headers={"Retry-After": "7"},
                                                         content_type="application/json", body=json.dumps(busy)))
    page.click("#run")
    expect(page.locator("#busy")).to_be_visible()
    expect(page.locator("#busy")).to_contain_text("Retry after 7 s")
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#run")).to_be_enabled()
