// Checks oc-pairing-code's modelled rules on the real pairing store (src/pairing/pairing-store.ts):
// refresh keeps the code, the 4th pending request of an account is rejected while another
// account still gets one, codes are unique, approval by code (any case) works at age exactly
// one hour and fails one millisecond later. Standalone; Date is replaced to move time.
// Run by `make conformance` (conformance/findings.py), which asserts the JSON it prints.
// Usage: OC=PACKAGE_ROOT OPENCLAW_STATE_DIR=$(mktemp -d) HOME=$(mktemp -d) NODE24 conformance/node/pairing_store_rules.mjs
const D = process.env.OC + "/dist";
let fake = Date.parse("2026-01-01T00:00:00Z");
const RealDate = Date;
globalThis.Date = class extends RealDate { constructor(...a) { super(...(a.length ? a : [fake])); } static now() { return fake; } };
// the chunk holding src/pairing/pairing-store.ts in 2026.9.6
const ps = await import(D + "/pairing-store-LtFxdyCu.mjs");
const env = { ...process.env };
const up = (id, accountId) => ps.d({ channel: "telegram", id, accountId, env });
const r1 = await up("a1", "acct_a"); const r1b = await up("a1", "acct_a");
await up("a2", "acct_a"); await up("a3", "acct_a"); const r4 = await up("a4", "acct_a"); const rb = await up("b1", "acct_b");
const list = await ps.o("telegram", env);
fake += 3600000; // exactly TTL later: still approvable
const ok = await ps.r({ channel: "telegram", code: r1.code.toLowerCase(), env });
fake += 1;
const late = await ps.r({ channel: "telegram", code: (await ps.o("telegram", env)).find(r => r.id === "a2")?.code ?? "x", env });
console.log(JSON.stringify({
  refresh_same_code: r1.code === r1b.code, first_created: r1.created, refresh_created: r1b.created,
  fourth_in_account: r4, other_account_created: rb.created,
  pending: list.map(r => r.id).sort(), codes_unique: new Set(list.map(r => r.code)).size === list.length,
  approved_at_ttl: ok?.id ?? null, approved_after_ttl: late ?? null,
}));
