"""`symcheck serve` in a real browser: Playwright drives the system Chromium (the Debian
package `chromium`, which .ci/run installs when it is missing; Playwright downloads no
browser here) against a server started as `symcheck serve` in a subprocess.

The page is checked against what it claims to show: its front door is the security
case, one section per policy area with its gaps, linking into the claims and the
findings' traces; the trace table has one column per
state and one row per variable, and its highlighted cells (like the stepper's
variables) are exactly those whose shown value changed; the catalog has one row per
family, statements that expand, and filters by policy area and verdict; the findings
page shows each finding's trace, what avoids it and how it was confirmed; a share link
opened in a new page shows the same result, and one carrying another claim's text shows
that claim, marked as not the catalog's; a broken claim shows its located error; a
path built by hand in explore mode (the explicit evaluator's shortest counterexample,
clicked action by action) reaches the violation. No page may break its
Content-Security-Policy.

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
expect.set_options(timeout=TIMEOUT_MS)  # a run on a loaded machine takes seconds
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
                             "--time-limit", "60",  # a loaded machine: the page shows the verdicts, not the limits
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


def test_the_front_door_is_the_security_case_with_links_into_claims_and_traces(server, page):
    """The page opens on the committed case (results/case.json): one summary row and one
    section per policy area, the gaps named, every claim the catalog has linked to its
    page, and each finding linked to its run, whose trace shows the violation."""
    import json
    case = json.loads((ROOT / "results" / "case.json").read_text(encoding="utf-8"))
    page.goto(server + "/")
    expect(page.locator("#case-view")).to_be_visible()
    expect(page.locator("#case-title")).to_have_text(f"The security case for OpenClaw ({case['package']})")
    expect(page.locator("#case-summary tbody tr")).to_have_count(len(case["areas"]))
    expect(page.locator("section.case-area")).to_have_count(len(case["areas"]))
    for a in case["areas"]:
        section = page.locator(f"section.case-area[data-area='{a['id']}']")
        expect(section.locator("li[data-statement]")).to_have_count(len(a["statements"]))
        expect(section.locator("tr[data-claim]")).to_have_count(len(a["claims"]))
        for s in a["statements"]:
            if s["status"] != "argued":
                expect(section.locator(f"li[data-statement='{s['id']}'] .mark")).to_have_text("GAP")
    gaps = page.locator("#case-gaps li[data-gap='statements']")
    for gap in case["gaps"]["statements"]:
        expect(gaps).to_contain_text(gap)
    shot(page, "case")
    # the summary's area link scrolls to its section
    area = case["areas"][-1]["id"]
    page.click(f"#case-summary tr[data-area='{area}'] a")
    expect(page.locator(f"section.case-area[data-area='{area}'] h2")).to_be_in_viewport()
    # a claim of the case opens its page
    first = case["areas"][0]["claims"][0]["claim"]
    page.locator(f"section.case-area tr[data-claim='{first}'] a.case-claim").click()
    expect(page.locator("#claim-name")).to_have_text(first)
    # a finding's trace: its run, violated, with the trace table
    page.goto(server + "/")
    finding = next(f["name"] for a in case["areas"] for f in a["findings"])
    page.locator(f"li[data-finding='{finding}'] a.trace-link").first.click()
    expect(page.locator("#claim-name")).to_have_text(finding)
    expect(page.locator("#verdict")).to_have_class("verdict verdict-violated", timeout=TIMEOUT_MS)
    expect(page.locator("#trace-table thead th.state-head").first).to_be_visible()


def test_the_catalog_is_one_row_per_family_with_filters(server, page):
    from symcheck.front.claims import catalog
    entries = catalog(CLAIMS)
    families = {e.variant.doc.get("claim").value for e in entries.values()}
    page.goto(server + "/#/claims")
    expect(page.locator("a.variant-link")).to_have_count(len(entries))
    expect(page.locator("#catalog tr.family")).to_have_count(len(families))
    shot(page, "catalog")
    row = page.locator("#catalog tr.family[data-family='pairing']")
    expect(row.locator("a.variant-link")).to_have_count(sum(1 for e in entries.values() if e.file.name == "pairing.yaml"))
    statement = " ".join(str(entries["pairing"].variant.doc.get("statement").value).split())
    details = row.locator("details")
    if details.count():  # a long statement expands instead of being cut mid-sentence
        assert not details.evaluate("d => d.open")
        details.locator("summary").click()
        expect(details.locator(".full")).to_have_text(statement)
    else:
        expect(row.locator("td.statement")).to_have_text(statement)
    page.select_option("#policy-filter", "session-isolation")
    visible = page.locator("#catalog tr.family:visible")
    assert 0 < visible.count() < len(families)
    for i in range(visible.count()):
        assert "session-isolation" in visible.nth(i).get_attribute("data-policy").split()
    page.select_option("#policy-filter", "")
    page.select_option("#verdict-filter", "finding")
    findings = [n for n in entries if "finding" in n and entries[n].variant.suffix.startswith("finding-")]
    expect(page.locator("#catalog tr.family:visible a.chip-finding")).to_have_count(len(findings))
    page.select_option("#verdict-filter", "")
    page.fill("#filter", "pairing")
    expect(page.locator("#catalog tr.family:visible").first).to_contain_text("pairing")
    assert page.locator("#catalog tr.family:visible").count() < len(families)


def test_run_pairing_negative_and_read_its_trace_as_a_table(server, page):
    page.goto(server + "/#/claims")
    page.click("a.variant-link[data-name='pairing-negative']")
    expect(page.locator("#claim-name")).to_have_text("pairing-negative")
    run(page)
    expect(page.locator("#verdict")).to_have_class("verdict verdict-violated")
    assert page.locator("#dl-itf").get_attribute("href").startswith("blob:")
    expect(page.locator("#why")).to_be_visible()
    last = int(page.locator("#step-label").inner_text().split()[-1])
    assert last >= 1
    # the table: one column per state, one row per variable, the changed cells highlighted
    from symcheck.front.claims import catalog
    from symcheck.serve.loading import load
    variables = [n for n, _ in load(catalog(CLAIMS)["pairing-negative"]).variables]
    table = page.locator("#trace-table")
    expect(table.locator("thead th.state-head")).to_have_count(last + 1)
    assert table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.var)") == variables
    cells = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(c => [c.innerText, c.classList.contains('changed')]))")
    for row, name in zip(cells, variables):
        assert len(row) == last + 1 and not row[0][1]
        for i in range(1, last + 1):
            assert row[i][1] == (row[i][0] != row[i - 1][0]), (name, i)
    assert any(c[1] for row in cells for c in row)
    previous = step_table(page)
    assert highlighted(page) == set()  # the initial state: nothing changed
    for i in range(1, last + 1):  # the stepper is kept, and moves the table's current column
        page.click("#next")
        expect(page.locator("#step-label")).to_have_text(f"state {i} of {last}")
        expect(table.locator("thead th.current")).to_have_attribute("data-step", str(i))
        shown = step_table(page)
        changed = {name for name in shown if shown[name] != previous[name]}
        assert highlighted(page) == changed and changed, f"state {i}"
        if i == 1:
            shot(page, "trace", full_page=True)
        previous = shown
    expect(page.locator("#next")).to_be_disabled()
    table.locator("thead th.state-head[data-step='0']").click()  # a column header picks its state
    expect(page.locator("#step-label")).to_have_text(f"state 0 of {last}")


def test_the_findings_page(server, page):
    import json
    import urllib.request
    findings = json.loads(urllib.request.urlopen(server + "/api/findings", timeout=30).read())
    assert len(findings) >= 7 and all(f["finding"]["avoided_by"] for f in findings)
    page.goto(server + "/#/findings")
    cards = page.locator("article.finding")
    expect(cards).to_have_count(len(findings))
    first = findings[0]
    card = page.locator(f"article.finding[data-name='{first['name']}']")
    said = {"confirmed": "Confirmed on", "intent": "may be intended", "open": "Not confirmed"}
    expect(card.locator(".status")).to_contain_text(said[first["finding"]["status"]])
    expect(card.locator(".avoided")).to_contain_text(first["finding"]["avoided_by"])
    expect(card.locator(".finding-trace .verdict")).to_have_text("VIOLATED", timeout=TIMEOUT_MS)  # run by the engines
    expect(card.locator(".finding-trace table.trace-table thead th.state-head").first).to_be_visible()
    if any(f["finding"]["reproducer"] for f in findings):
        expect(page.locator("article.finding .status").filter(has_text="make conformance").first).to_be_visible()
    expect(page.locator("article.finding .finding-trace .verdict")).to_have_count(len(findings),
                                                                                timeout=len(findings) * TIMEOUT_MS)
    expect(page.locator("article.finding .finding-trace .verdict-violated")).to_have_count(len(findings))
    shot(page, "findings")
    card.locator("a.finding-link").click()  # each finding links to its claim page
    expect(page.locator("#claim-name")).to_have_text(first["name"])


def test_a_share_link_with_another_claims_text_shows_that_claim(server, page):
    """The link says `claim: pairing` but carries approvals' text: the page shows approvals,
    its constants, and says plainly that this is not the catalog's claim."""
    import json
    import urllib.request
    from symcheck.serve import share
    text = (CLAIMS / "approvals.yaml").read_text()
    token = share.encode({"claim": "pairing", "text": text})
    page.goto(f"{server}/#s={token}")
    expect(page.locator("#result")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("#claim-name")).to_have_text("approvals")
    expect(page.locator("#pasted-note")).to_be_visible()
    expect(page.locator("#pasted-note")).to_contain_text("Not the catalog's claim")
    expect(page.locator("#pasted-note")).to_contain_text("made from the catalog's pairing")
    request = urllib.request.Request(server + "/api/pasted", data=json.dumps({"claim": "", "text": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    own = json.loads(urllib.request.urlopen(request, timeout=60).read())
    names = page.locator("#constants input").evaluate_all("inputs => inputs.map(i => i.name)")
    assert names == [c["name"] for c in own["constants"]]
    expect(page.locator("#claim-title")).to_have_text(own["title"])
    shot(page, "pasted")


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


def test_an_edited_claim_is_marked_as_not_the_catalogs(server, page):
    open_claim(page, server, "pairing-negative")
    expect(page.locator("#pasted-note")).to_be_hidden()
    text = (CLAIMS / "pairing.yaml").read_text()
    page.fill("#source", text.replace("TTL: 1", "TTL: 2", 1))
    run(page)
    expect(page.locator("#pasted-note")).to_contain_text("run as pairing-negative")
    page.click("#reset")
    expect(page.locator("#pasted-note")).to_be_hidden()


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
