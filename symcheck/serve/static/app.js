// symcheck serve: the page. Plain JavaScript, no build step, no third-party code.
"use strict";

const $ = (id) => document.getElementById(id);
const page = { claim: null, original: "", result: null, step: 0, path: [], explore: null, blobs: [] };

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
  return openCatalog();
}

function show(view) {
  $("catalog-view").hidden = view !== "catalog";
  $("claim-view").hidden = view !== "claim";
}

// ------------------------------------------------------------------ catalog

async function openCatalog() {
  show("catalog");
  document.title = "symcheck: claims";
  const families = (await api("/api/catalog")).families;
  const box = $("catalog");
  box.replaceChildren();
  for (const f of families) {
    const rows = f.variants.map((v) => el("tr", {},
      el("td", {}, el("a", { href: `#/claim/${v.name}`, class: "variant-link" }, v.name)),
      el("td", { class: `expect expect-${v.expect}`, text: v.expect }),
      el("td", { text: v.bug || (v.suffix ? v.title : "the green claim") })));
    box.append(el("article", { class: "family", "data-family": f.family },
      el("h2", {}, el("a", { href: `#/claim/${f.variants[0].name}` }, f.family)),
      el("p", { class: "title", text: f.title }),
      el("p", { class: "statement", text: f.statement }),
      el("table", { class: "variants" }, el("tbody", {}, ...rows))));
  }
  filterCatalog();
}

function filterCatalog() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const article of $("catalog").children) {
    const text = article.textContent.toLowerCase();
    article.hidden = !words.every((w) => text.includes(w));
  }
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
  page.claim = claim;
  page.original = claim.text;
  document.title = `symcheck: ${claim.name}`;
  $("claim-name").textContent = claim.name;
  $("claim-title").textContent = claim.title;
  $("claim-statement").textContent = claim.statement;
  $("claim-bug").hidden = !claim.bug;
  $("claim-bug").textContent = claim.bug ? `Bug planted: ${claim.bug} (expected: ${claim.expect})` : "";
  const select = $("variant");
  select.replaceChildren(...claim.variants.map((v) => el("option", { value: v.name }, v.name)));
  select.value = claim.name;
  $("source").value = state && state.text ? state.text : claim.text;
  sourceChanged();
  const form = $("constants");
  form.replaceChildren();
  const overrides = (state && state.overrides) || {};
  for (const c of claim.constants) {
    const input = el("input", { name: c.name, "data-default": c.value, class: "constant", "aria-label": c.name });
    input.value = c.name in overrides ? String(overrides[c.name]) : c.value;
    input.addEventListener("input", () => input.classList.toggle("overridden", input.value !== c.value));
    input.classList.toggle("overridden", input.value !== c.value);
    form.append(el("label", { class: "constant-row" }, el("span", { text: c.name }), input));
  }
  $("depth").value = state && state.depth != null ? state.depth : (claim.depth ?? "");
  $("engine").value = (state && state.engine) || "auto";
}

function runRequest() {
  const overrides = {};
  for (const input of document.querySelectorAll("#constants input")) {
    if (input.value !== input.dataset.default) overrides[input.name] = input.value;
  }
  const req = { claim: page.claim.name, overrides, engine: $("engine").value };
  const depth = $("depth").value;
  if (depth !== "" && Number(depth) !== page.claim.depth) req.depth = Number(depth);
  if ($("source").value !== page.original) {
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
  download($("ex-json"), `${out.claim}.path.json`, { claim: out.claim, path: page.path, trace: out.states });
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
  await openClaim(state.claim, state);
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
  highlightSource(null);
}

function syncScroll() {
  $("highlight").scrollTop = $("source").scrollTop;
  $("highlight").scrollLeft = $("source").scrollLeft;
}

// ------------------------------------------------------------------ wiring

document.addEventListener("DOMContentLoaded", () => {
  $("filter").addEventListener("input", filterCatalog);
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
