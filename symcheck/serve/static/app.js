// symcheck serve: the page. Plain JavaScript, no build step, no third-party code.
"use strict";

const $ = (id) => document.getElementById(id);
const page = { claim: null, original: "", result: null, step: 0, path: [], explore: null, blobs: [], catalog: null,
  case: null };

// ------------------------------------------------------------------ requests

async function api(url, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(url, init);
  let data;
  try {
    data = await response.json();
  } catch (e) {
    data = { error: { text: `error: the server answered ${response.status}` } };
  }
  if (response.status === 503) {
    const seconds = response.headers.get("Retry-After") || "a few";
    showBusy(seconds);
  }
  if (!response.ok) {
    const err = new Error((data.error && data.error.text) || `error: ${response.status}`);
    err.status = response.status;
    err.detail = data.error || {};
    throw err;
  }
  return data;
}

function showBusy(seconds) {
  const banner = $("busy");
  banner.textContent = `The server is running as many checks as it may (503). Retry after ${seconds} s.`;
  banner.hidden = false;
  clearTimeout(showBusy.timer);
  showBusy.timer = setTimeout(() => { banner.hidden = true; }, Math.max(3, Number(seconds) || 3) * 1000);
}

function showError(err) {
  $("error-text").textContent = err.message;
  $("error").hidden = false;
  const where = err.detail && err.detail.where;
  const match = where && /^<pasted>:(\d+):(\d+)$/.exec(where);
  highlightSource(match ? Number(match[1]) : null);
  if (match) scrollToLine(Number(match[1]));
}

function scrollToLine(line) {
  const source = $("source");
  const height = parseFloat(getComputedStyle(source).lineHeight) || 19;
  source.scrollTop = Math.max(0, (line - 6) * height);
  syncScroll();
}

function clearError() {
  $("error").hidden = true;
  highlightSource(null);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// ------------------------------------------------------------------ routing

async function route() {
  const hash = location.hash;
  if (hash.startsWith("#s=")) return openShared(hash.slice(3));
  const m = /^#\/claim\/([a-z0-9-]+)$/.exec(hash);
  if (m) return openClaim(m[1]);
  if (hash === "#/findings") return openFindings();
  if (hash === "#/claims") return openCatalog();
  const area = /^#\/case\/([a-z0-9-]+)$/.exec(hash);
  return openCase(area ? area[1] : null);
}

function show(view) {
  for (const name of ["case", "catalog", "claim", "findings"]) $(`${name}-view`).hidden = view !== name;
}

// ------------------------------------------------------------------ the security case (the front door)

const PROVED = ["proved for every size", "proved"];

async function openCase(area) {
  show("case");
  document.title = "symcheck: the security case";
  if (!page.case) {
    page.case = await api("/api/case");
    renderCase(page.case);
  }
  const section = area && document.querySelector(`section.case-area[data-area="${area}"]`);
  if (section) section.scrollIntoView();
  else window.scrollTo(0, 0);
}

function claimLink(data, name, text) {
  // a claim the catalog has links to its page; one it lacks (a stale case) is plain text
  if (!data.linked.includes(name)) return el("code", { text: text || name });
  return el("a", { href: `#/claim/${name}`, class: "case-claim", "data-name": name, text: text || name });
}

function strengthChip(strength) {
  const kind = PROVED.includes(strength) ? "proved" : strength === "violated" ? "violated" : "weak";
  return el("span", { class: `strength strength-${kind}`, text: strength });
}

function renderCase(data) {
  const c = data.case;
  if (!c) {
    $("case-missing").textContent = data.why;
    $("case-missing").hidden = false;
    $("case-summary").hidden = true;
    return;
  }
  $("case-title").textContent = `The security case for OpenClaw (${c.package})`;
  $("case-source").textContent = "The argument the claims make, per policy area: the claims that argue each statement "
    + "and how strongly each holds (proved for every size, proved for the claim's constants, holds to a depth, unknown, "
    + "violated), the assumptions they rest on, the conformance evidence against the package"
    + (c.conformance ? ` (run ${c.conformance.date})` : "") + ", the findings, and the gaps. From results/case.json, "
    + "which make results writes; make case-check fails CI when the argument weakens.";
  $("case-summary").tBodies[0].replaceChildren(...c.areas.map((a) => {
    const proved = a.claims.filter((x) => PROVED.includes(x.strength)).length;
    const argued = a.statements.filter((s) => s.status === "argued").length;
    const caught = a.claims.reduce((n, x) => n + x.bugs_caught, 0);
    const planted = a.claims.reduce((n, x) => n + x.bugs_planted, 0);
    return el("tr", { "data-area": a.id }, el("td", {}, el("a", { href: `#/case/${a.id}`, text: a.title })),
      el("td", { text: `${argued} of ${a.statements.length}`, class: argued < a.statements.length ? "gap" : "" }),
      el("td", { text: String(a.claims.length) }), el("td", { text: String(proved) }),
      el("td", { text: String(a.claims.length - proved), class: proved < a.claims.length ? "gap" : "" }),
      el("td", { text: `${caught} of ${planted}` }), el("td", { text: String(a.findings.length) }));
  }));
  const gaps = c.gaps;
  const uncovered = (c.package_surface || []).filter((e) => e.covered_by && !e.covered_by.length).length;
  $("case-gaps").replaceChildren(el("h2", { text: "Gaps" }), el("ul", {},
    el("li", { "data-gap": "statements" }, "Policy statements no claim argues: ",
      gaps.statements.length ? gaps.statements.join(", ") : "none"),
    el("li", { "data-gap": "package_entries" },
      `Security entry points of the package no conformance check drives: ${uncovered} of ${(c.package_surface || []).length}`),
    el("li", { "data-gap": "assumptions" }, "Assumptions no test exercises: ",
      gaps.assumptions.length ? gaps.assumptions.join(", ") : "none"),
    el("li", { "data-gap": "unproved_claims" }, "Claims not proved for every depth: ",
      ...(gaps.unproved_claims.length ? gaps.unproved_claims.map((n) => claimLink(data, n)) : ["none"]))));
  $("case-areas").replaceChildren(...c.areas.map((a) => caseArea(data, a)));
  $("case-evidence").replaceChildren(...caseEvidence(data));
}

function caseArea(data, a) {
  const findings = caseFindings(data, a);
  const statements = el("ul", { class: "statements" }, ...a.statements.map((s) => el("li",
    { class: `statement-${s.status}`, "data-statement": s.id },
    el("span", { class: "mark", text: s.status === "argued" ? "argued" : "GAP" }), " ", s.text, " ",
    ...s.argued_by.flatMap((x) => [claimLink(data, x.claim), " ", strengthChip(x.strength), " "]))));
  const claims = el("table", { class: "catalog case-claims" },
    el("thead", {}, el("tr", {}, ...["Claim", "Strength", "How", "Planted bugs caught", "Assumptions", "Conformance"]
      .map((t) => el("th", { text: t })))),
    el("tbody", {}, ...a.claims.map((x) => el("tr", { "data-claim": x.claim },
      el("td", {}, claimLink(data, x.claim), el("div", { class: "title", text: x.title })),
      el("td", {}, strengthChip(x.strength)), el("td", { class: "statement", text: x.detail }),
      el("td", { text: `${x.bugs_caught} of ${x.bugs_planted}` }),
      el("td", {}, ...x.assumptions.map((id) => el("span", { class: "area", title: assumptionText(data, id), text: id }))),
      el("td", { text: [...new Set(x.conformance)].join(", ") || "-" })))));
  return el("section", { class: "case-area", "data-area": a.id }, el("h2", { text: a.title }),
    el("p", { class: "statement", text: a.statement }), el("h3", { text: "Statements" }), statements,
    el("h3", { text: "Claims" }), el("div", { class: "trace-scroll" }, claims), ...findings);
}

function assumptionText(data, id) {
  const a = data.case.assumptions.find((x) => x.id === id);
  return a ? a.text : id;
}

function caseFindings(data, a) {
  if (!a.findings.length) return [];
  return [el("h3", { text: "Findings" }), el("ul", { class: "case-findings" }, ...a.findings.map((f) => el("li",
    { "data-finding": f.name }, claimLink(data, f.name), " ",
    el("span", { class: `status status-${f.status}`, text: f.status + (f.reproduced ? `, reproduced on ${f.package}` : "") }),
    `: ${f.summary}. Avoided by ${f.avoided_by}. `,
    ...(data.traces[f.name] ? [el("a", { href: `#s=${data.traces[f.name]}`, class: "trace-link", text: "its trace" })] : []))))];
}

function caseEvidence(data) {
  const c = data.case;
  const out = [el("h2", { text: "Assumptions" }), el("table", { class: "catalog case-assumptions" },
    el("thead", {}, el("tr", {}, ...["Assumption", "", "Claims", "Exercised by"].map((t) => el("th", { text: t })))),
    el("tbody", {}, ...c.assumptions.map((x) => el("tr", { "data-assumption": x.id }, el("td", {}, el("code", { text: x.id })),
      el("td", { text: x.text }), el("td", { text: String(x.claims.length) }),
      el("td", { text: x.exercised_by.join(", ") || "no test", class: x.exercised_by.length ? "" : "gap" })))))];
  if (c.conformance) {
    out.push(el("h2", { text: "Conformance evidence" }),
      el("p", { class: "note", text: `Against ${c.conformance.package}, run ${c.conformance.date} (make conformance).` }),
      el("table", { class: "catalog case-conformance" },
        el("thead", {}, el("tr", {}, ...["Check", "Claim", "Inputs", "Distinct", "Agree", "Undocumented"]
          .map((t) => el("th", { text: t })))),
        el("tbody", {}, ...c.conformance.checks.map((x) => el("tr", {}, el("td", { text: x.name }),
          el("td", {}, ...[].concat(x.claim || []).map((n) => claimLink(data, n))),
          el("td", { text: String(x.inputs) }), el("td", { text: String(x.distinct ?? "-") }),
          el("td", { text: String(x.agree) }), el("td", { text: String(x.undocumented ?? 0) }))))));
  }
  const surface = c.package_surface || [];
  out.push(el("details", { class: "case-surface" },
    el("summary", { text: `The package's security entry points: ${surface.filter((e) => e.covered_by && e.covered_by.length).length} `
      + `of ${surface.length} driven by a conformance check` }),
    el("table", { class: "catalog" }, el("tbody", {}, ...surface.map((e) => el("tr", {},
      el("td", {}, el("code", { text: `plugin-sdk/${e.entry}` })), el("td", { text: e.area }), el("td", { text: e.decides }),
      el("td", { text: e.covered_by && e.covered_by.length ? e.covered_by.join(", ") : "none",
        class: e.covered_by && e.covered_by.length ? "" : "gap" })))))));
  return out;
}

// ------------------------------------------------------------------ catalog

const VERDICT_CLASS = (v) => (v.finding ? "finding" : v.expect);

function firstSentence(text) {
  const m = /^(.{40,}?[.;:])\s/.exec(text);
  return m && m[1].length < text.length ? m[1] : null;
}

function statementCell(text) {
  // a statement that expands instead of being cut mid-sentence
  const first = firstSentence(text);
  if (!first) return el("td", { class: "statement", text });
  const details = el("details", { class: "statement" }, el("summary", { text: first + " …" }),
    el("span", { class: "full", text }));
  return el("td", {}, details);
}

async function openCatalog() {
  show("catalog");
  document.title = "symcheck: claims";
  if (page.catalog) return filterCatalog();
  const data = await api("/api/catalog");
  page.catalog = data;
  const select = $("policy-filter");
  for (const a of data.areas) select.append(el("option", { value: a.id, text: a.title }));
  const body = $("catalog").tBodies[0];
  body.replaceChildren(...data.families.map((f) => {
    const chips = f.variants.map((v) => {
      const kind = VERDICT_CLASS(v);
      const link = el("a", { href: `#/claim/${v.name}`, class: `variant-link chip chip-${kind}`, "data-name": v.name,
        "data-verdict": kind, title: `${v.name}: expected ${v.expect}${v.bug ? ` (${v.bug})` : ""}` },
      v.suffix || "green");
      return link;
    });
    return el("tr", { class: "family", "data-family": f.family, "data-policy": f.policy.map((p) => p.id).join(" "),
      "data-verdicts": [...new Set(f.variants.flatMap((v) => (v.finding ? ["finding", v.expect] : [v.expect])))].join(" ") },
    el("td", { class: "family-name" }, el("a", { href: `#/claim/${f.variants[0].name}`, text: f.family }),
      el("div", { class: "title", text: f.title })),
    el("td", {}, ...f.policy.map((p) => el("span", { class: "area", text: p.title }))),
    el("td", { class: "chips" }, ...chips),
    statementCell(f.statement));
  }));
  filterCatalog();
}

function filterCatalog() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const area = $("policy-filter").value;
  const verdict = $("verdict-filter").value;
  let shown = 0;
  const rows = $("catalog").tBodies[0].rows;
  for (const row of rows) {
    const text = row.textContent.toLowerCase() + " " + row.dataset.family;
    row.hidden = !(words.every((w) => text.includes(w))
      && (!area || row.dataset.policy.split(" ").includes(area))
      && (!verdict || row.dataset.verdicts.split(" ").includes(verdict)));
    for (const chip of row.querySelectorAll(".chip")) chip.classList.toggle("dim", !!verdict && chip.dataset.verdict !== verdict);
    if (!row.hidden) shown += 1;
  }
  $("catalog-count").textContent = `${shown} of ${rows.length} claims`;
}

// ------------------------------------------------------------------ findings

async function openFindings() {
  show("findings");
  document.title = "symcheck: findings in OpenClaw";
  const findings = await api("/api/findings");
  const box = $("findings");
  box.replaceChildren(...findings.map(findingCard));
  for (const f of findings) {  // one at a time: the server runs few checks at once
    const card = box.querySelector(`article[data-name="${f.name}"]`);
    try {
      fillFindingTrace(card, await api("/api/run", { claim: f.name }));
    } catch (err) {
      card.querySelector(".finding-trace").replaceChildren(el("p", { class: "error", text: err.message }));
    }
  }
}

function confirmation(f) {
  const x = f.finding;
  if (x.status === "confirmed") {
    return `Confirmed on ${x.package}` + (x.reproducer ? ` by ${x.reproducer} (make conformance runs it)` : "");
  }
  if (x.status === "intent") return `Reproduced on ${x.package || "the package"}; it may be intended`;
  return "Not confirmed on the package: read from the code";
}

function findingCard(f) {
  const x = f.finding;
  const constants = f.constants.length ? el("table", { class: "kv avoid" },
    el("tr", {}, el("th", { text: "constant" }), el("th", { text: "the finding" }), el("th", { text: `${f.green} (holds)` })),
    ...f.constants.map((c) => el("tr", {}, el("th", { text: c.name }), el("td", {}, el("code", { text: c.finding })),
      el("td", {}, el("code", { text: c.green ?? "(none)" }))))) : el("pre", { class: "patch", text: f.patch });
  return el("article", { class: "finding", "data-name": f.name },
    el("h2", {}, el("a", { href: `#/claim/${f.name}`, class: "finding-link", text: f.name })),
    el("p", { class: "title", text: x.summary || f.title || f.bug }),
    el("p", { class: `status status-${x.status}`, text: confirmation(f) }),
    el("p", { class: "bug", text: f.bug }),
    el("h3", { text: "The configuration that avoids it" }),
    el("p", { class: "avoided" }, x.avoided_by || "not recorded", f.green ? " — the green claim " : "",
      f.green ? el("a", { href: `#/claim/${f.green}`, text: f.green }) : "",
      f.green ? ` is expected to ${f.green_expect === "holds" ? "hold" : f.green_expect}.` : ""),
    constants,
    el("h3", { text: "Its trace" }),
    el("div", { class: "finding-trace" }, el("p", { class: "running", text: "running…" })));
}

function fillFindingTrace(card, out) {
  const r = out.result.results[0];
  const parts = [el("p", { class: `verdict verdict-${out.verdict}`, text: out.verdict.toUpperCase() }),
    el("p", { class: "headline", text: out.headline })];
  if (r.trace) {
    const table = el("table", { class: "trace-table" });
    traceTable(table, r.trace, out.rendered, r.loop_start, null);
    parts.push(el("div", { class: "trace-scroll" }, table));
  }
  card.querySelector(".finding-trace").replaceChildren(...parts);
}

// ------------------------------------------------------------------ the trace as a table

function traceTable(table, trace, rendered, loopStart, current, pick) {
  // one column per state, one row per variable; a cell whose variable the step changed is highlighted
  const head = el("tr", {}, el("th", { class: "corner", text: "state" }), ...trace.map((s, i) => {
    const params = Object.entries(s.params).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    const th = el("th", { class: `state-head${i === current ? " current" : ""}${i === loopStart ? " loop" : ""}`,
      "data-step": String(i), scope: "col" },
    el("div", { class: "state-no", text: i === loopStart ? `${i} ↺` : String(i) }),
    el("div", { class: "state-action", text: s.action === null ? "initial" : `${s.action}(${params.join(", ")})` }));
    if (pick) th.addEventListener("click", () => pick(i));
    return th;
  }));
  const rows = Object.keys(rendered[0] || {}).map((name) => el("tr", { "data-var": name },
    el("th", { text: name, scope: "row" }),
    ...trace.map((s, i) => el("td", { class: `${s.changed.includes(name) ? "changed" : ""}${i === current ? " current" : ""}`,
      "data-step": String(i) }, el("code", { text: rendered[i][name] })))));
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

// ------------------------------------------------------------------ a claim

async function openClaim(name, state) {
  show("claim");
  clearError();
  $("result").hidden = true;
  $("explorer").hidden = true;
  let claim;
  try {
    claim = await api(`/api/claim/${encodeURIComponent(name)}`);
  } catch (err) {
    showError(err);
    return;
  }
  fillClaim(claim, state);
}

function showHeader(claim, linked) {
  // a claim that is not the catalog's shows its own name, and says so plainly
  $("claim-name").textContent = claim.name;
  $("claim-title").textContent = claim.title;
  $("claim-statement").textContent = claim.statement;
  const note = $("pasted-note");
  note.hidden = claim.catalog;
  note.textContent = claim.catalog ? "" : `Not the catalog's claim: this is pasted or edited text, run as ${claim.name}`
    + (linked && linked !== claim.name ? ` (the link was made from the catalog's ${linked}, which is not what runs here)` : "")
    + ". Its verdict says nothing about the catalog's claims.";
  document.title = `symcheck: ${claim.name}${claim.catalog ? "" : " (pasted)"}`;
}

function fillClaim(claim, state) {
  page.claim = claim;
  page.original = claim.text;
  page.linked = (state && state.claim) || null;  // the catalog claim a link named, whatever text it carries
  showHeader(claim, page.linked);
  $("claim-bug").hidden = !claim.bug;
  $("claim-bug").textContent = claim.bug ? `Bug planted: ${claim.bug} (expected: ${claim.expect})` : "";
  const select = $("variant");
  select.replaceChildren(...claim.variants.map((v) => el("option", { value: v.name }, v.name)));
  select.value = claim.name;
  select.disabled = !claim.catalog;
  $("source").value = state && state.text ? state.text : claim.text;
  sourceChanged();
  fillConstants(claim.constants, (state && state.overrides) || {});
  $("depth").value = state && state.depth != null ? state.depth : (claim.depth ?? "");
  $("engine").value = (state && state.engine) || "auto";
}

function fillConstants(constants, overrides) {
  const form = $("constants");
  form.replaceChildren();
  for (const c of constants) {
    const input = el("input", { name: c.name, "data-default": c.value, class: "constant", "aria-label": c.name });
    input.value = c.name in overrides ? String(overrides[c.name]) : c.value;
    input.addEventListener("input", () => input.classList.toggle("overridden", input.value !== c.value));
    input.classList.toggle("overridden", input.value !== c.value);
    form.append(el("label", { class: "constant-row" }, el("span", { text: c.name }), input));
  }
}

function runRequest() {
  const overrides = {};
  for (const input of document.querySelectorAll("#constants input")) {
    if (input.value !== input.dataset.default) overrides[input.name] = input.value;
  }
  const req = { claim: page.claim.name, overrides, engine: $("engine").value };
  const depth = $("depth").value;
  if (depth !== "" && Number(depth) !== page.claim.depth) req.depth = Number(depth);
  if (!page.claim.catalog) {  // a pasted claim: always its text
    req.text = $("source").value;
    req.variant = page.claim.suffix || null;
  } else if ($("source").value !== page.original) {
    req.text = $("source").value;
    // the variant shown, unless the text is another claim altogether (then its green claim)
    const family = /^claim:\s*([a-z0-9-]+)\s*$/m.exec(req.text);
    req.variant = family && family[1] !== page.claim.family ? null : page.claim.suffix || null;
  }
  return req;
}

async function run(event) {
  if (event) event.preventDefault();
  clearError();
  $("explorer").hidden = true;
  $("result").hidden = true;
  $("running").hidden = false;
  $("run").disabled = true;
  try {
    showResult(await api("/api/run", runRequest()));
  } catch (err) {
    showError(err);
  } finally {
    $("running").hidden = true;
    $("run").disabled = false;
  }
}

function download(anchor, name, data) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" }));
  page.blobs.push(url);
  anchor.href = url;
  anchor.download = name;
}

function showResult(out) {
  page.result = out;
  const r = out.result.results[0];
  $("result").hidden = false;
  const verdict = $("verdict");
  verdict.textContent = out.verdict.toUpperCase() + (out.as_expected ? " (as expected)" : ` (expected ${r.expected})`);
  verdict.className = `verdict verdict-${out.verdict}`;
  $("headline").textContent = out.headline;
  $("meaning").textContent = out.meaning;
  $("config").replaceChildren(...out.configuration.map(([k, v]) =>
    el("tr", {}, el("th", { text: k }), el("td", { text: v }))));
  $("trace").hidden = !r.trace;
  $("why").hidden = !out.explanation.length;
  $("explanation").textContent = out.explanation.join("\n");
  $("violated-where").textContent = out.violated
    ? `${out.violated.name} (${out.violated.where}): ${out.violated.text.trim()}` : "";
  $("proof-box").hidden = !out.proof.length;
  $("proof").textContent = out.proof.join("\n");
  download($("dl-json"), `${r.claim}.json`, out.result);
  $("dl-itf").hidden = !out.itf;
  if (out.itf) download($("dl-itf"), `${r.claim}.itf.json`, out.itf);
  $("share").value = `${location.origin}/#s=${out.share}`;
  if (!out.claim.catalog) showHeader({ ...out.claim, catalog: false }, page.claim.catalog ? page.claim.name : page.linked);
  page.step = 0;
  if (r.trace) showStep();
}

function showStep() {
  const trace = page.result.result.results[0].trace;
  const i = Math.max(0, Math.min(page.step, trace.length - 1));
  page.step = i;
  const s = trace[i];
  $("step-label").textContent = `state ${i} of ${trace.length - 1}`;
  const params = Object.entries(s.params).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  $("step-action").textContent = s.action === null ? "the initial state" : `after ${s.action}(${params.join(", ")})`;
  $("state").replaceChildren(...Object.entries(page.result.rendered[i]).map(([k, v]) =>
    el("tr", { class: s.changed.includes(k) ? "changed" : "", "data-var": k },
      el("th", { text: k }), el("td", {}, el("code", { text: v })))));
  const loopStart = page.result.result.results[0].loop_start;
  const lasso = loopStart != null;
  if (lasso && i === trace.length - 1) {
    $("step-action").textContent += ` — back to state ${loopStart}: the loop repeats forever`;
  }
  traceTable($("trace-table"), trace, page.result.rendered, loopStart, i, (j) => { page.step = j; showStep(); });
  $("explore-here").hidden = lasso;
  $("prev").disabled = i === 0;
  $("next").disabled = i === trace.length - 1;
}

// ------------------------------------------------------------------ explore mode

async function explore(from) {
  clearError();
  $("result").hidden = true;
  page.path = Array.isArray(from) ? from : [];
  await exploreStep();
}

function exploreFromHere() {
  // the trace's actions up to the state shown, as explore mode's path
  explore(page.result.labels.slice(1, page.step + 1));
}

async function exploreStep() {
  let out;
  try {
    out = await api("/api/explore", { ...runRequest(), path: page.path });
  } catch (err) {
    page.path.pop();
    showError(err);
    return;
  }
  clearError();
  page.explore = out;
  $("explorer").hidden = false;
  const symbolic = Object.entries(out.symbolic);
  $("ex-note").textContent = symbolic.length
    ? `(symbolic constants fixed: ${symbolic.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ")})` : "";
  $("ex-path").replaceChildren(...out.states.map((s, i) => {
    const item = el("li", { class: i === out.states.length - 1 ? "current" : "", title: "go back to this state" },
      s.label || "initial state");
    item.addEventListener("click", () => { page.path = page.path.slice(0, i); exploreStep(); });
    return item;
  }));
  const last = out.states[out.states.length - 1];
  $("ex-state").replaceChildren(...Object.entries(last.rendered).map(([k, v]) =>
    el("tr", { class: last.changed.includes(k) ? "changed" : "", "data-var": k },
      el("th", { text: k }), el("td", {}, el("code", { text: v })))));
  $("ex-invariants").replaceChildren(...Object.entries(last.invariants).map(([k, v]) =>
    el("li", { class: v === true ? "inv-true" : "inv-false", "data-invariant": k },
      `${k}: ${v === true ? "true" : v === false ? "false" : v}`)));
  const bad = Object.entries(last.invariants).filter(([, v]) => v !== true).map(([k]) => k);
  $("ex-violation").hidden = !bad.length;
  $("ex-violation").textContent = bad.length ? `This state violates ${bad.join(", ")}.` : "";
  const buttons = out.enabled.map((a) => {
    const b = el("button", { type: "button", class: "action-button", "data-label": a.label, text: a.label });
    if (a.error) b.title = a.error;
    b.addEventListener("click", () => { page.path.push(a.label); exploreStep(); });
    return b;
  });
  if (!buttons.length) buttons.push(el("span", { class: "note", text: "no action is enabled: a deadlock" }));
  if (out.enabled_total > out.enabled.length) {
    buttons.push(el("span", { class: "note", text: `and ${out.enabled_total - out.enabled.length} more` }));
  }
  $("ex-actions").replaceChildren(...buttons);
  $("ex-back").disabled = page.path.length === 0;
  download($("ex-itf"), `${out.claim}.path.itf.json`, out.itf);
  download($("ex-json"), `${out.claim}.path.json`,
    { claim: out.claim, kind: out.kind, violated: out.violated, path: page.path, trace: out.states });
}

// ------------------------------------------------------------------ share links

async function openShared(token) {
  let state;
  try {
    state = await api("/api/unshare", { s: token });
  } catch (err) {
    show("claim");
    showError(err);
    return;
  }
  if (state.text) {  // the link's own text: the page shows that claim, never the catalog's of the same name
    show("claim");
    clearError();
    $("result").hidden = true;
    $("explorer").hidden = true;
    try {
      fillClaim(await api("/api/pasted", { claim: state.claim || "", text: state.text, variant: state.variant || null }),
        state);
    } catch (err) {
      showError(err);
      return;
    }
  } else {
    await openClaim(state.claim, state);
  }
  await run();
}

// ------------------------------------------------------------------ the editor

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function highlightLine(line) {
  const comment = /(^|\s)#.*$/.exec(line);
  let code = comment ? line.slice(0, comment.index + comment[1].length) : line;
  const rest = comment ? line.slice(code.length) : "";
  let out = "";
  const key = /^(\s*(?:-\s+)?)([^:#"'{}[\]]+?)(:)(?=\s|$)/.exec(code);
  if (key) {
    out += escapeHtml(key[1]) + `<span class="y-key">${escapeHtml(key[2])}</span>${key[3]}`;
    code = code.slice(key[0].length);
  }
  out += escapeHtml(code)
    .replace(/("[^"]*"|'[^']*')/g, '<span class="y-str">$1</span>')
    .replace(/\b(true|false|null)\b/g, '<span class="y-bool">$1</span>')
    .replace(/(^|[\s[{,:])(-?\d+)(?=[\s,\]}]|$|\.\.)/g, '$1<span class="y-num">$2</span>');
  if (rest) out += `<span class="y-comment">${escapeHtml(rest)}</span>`;
  return out;
}

function highlightSource(errorLine) {
  const lines = $("source").value.split("\n");
  let block = null; // the indentation a block scalar's (key: > or |) text lines are deeper than
  const html = lines.map((line, i) => {
    const indent = line.search(/\S/);
    let inner;
    if (block !== null && (indent === -1 || indent > block)) {
      inner = `<span class="y-text">${escapeHtml(line)}</span>`;
    } else {
      block = /:\s*[>|][+-]?\s*$/.test(line) ? Math.max(indent, 0) : null;
      inner = highlightLine(line);
    }
    return `<span class="line${i + 1 === errorLine ? " error-line" : ""}">${line.length ? inner : " "}</span>`;
  });
  $("highlight").innerHTML = html.join("");
  syncScroll();
}

function sourceChanged() {
  $("edited").hidden = !page.claim || $("source").value === page.original;
  if (page.claim && page.claim.catalog && $("source").value === page.original) showHeader(page.claim, null);
  highlightSource(null);
}

function syncScroll() {
  $("highlight").scrollTop = $("source").scrollTop;
  $("highlight").scrollLeft = $("source").scrollLeft;
}

// ------------------------------------------------------------------ wiring

document.addEventListener("DOMContentLoaded", () => {
  $("filter").addEventListener("input", filterCatalog);
  $("policy-filter").addEventListener("change", filterCatalog);
  $("verdict-filter").addEventListener("change", filterCatalog);
  $("run-form").addEventListener("submit", run);
  $("explore").addEventListener("click", () => explore([]));
  $("explore-here").addEventListener("click", exploreFromHere);
  $("prev").addEventListener("click", () => { page.step -= 1; showStep(); });
  $("next").addEventListener("click", () => { page.step += 1; showStep(); });
  $("ex-back").addEventListener("click", () => { page.path.pop(); exploreStep(); });
  $("source").addEventListener("input", sourceChanged);
  $("source").addEventListener("scroll", syncScroll);
  $("reset").addEventListener("click", () => { $("source").value = page.original; sourceChanged(); });
  $("variant").addEventListener("change", () => { location.hash = `#/claim/${$("variant").value}`; });
  $("share").addEventListener("focus", () => $("share").select());
  window.addEventListener("hashchange", route);
  route();
});
