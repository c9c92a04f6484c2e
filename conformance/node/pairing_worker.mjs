// One process of the pairing store's trace validation (conformance/traces.py): reads one
// JSON operation per line, runs it on the real pairing store (src/pairing/pairing-store.ts,
// the shared SQLite state database in OPENCLAW_STATE_DIR) with the clock set to the
// operation's `now`, and writes one JSON line with what the store answered. Several of
// these run at once on one state directory. Usage: NODE24 pairing_worker.mjs PACKAGE_ROOT
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

let fake = 0;
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...a) { super(...(a.length ? a : [fake])); }
  static now() { return fake; }
};
// the chunk holding src/pairing/pairing-store.ts in 2026.9.6
const ps = await import(pathToFileURL(path.join(process.argv[2], "dist", "pairing-store-LtFxdyCu.mjs")).href);
const env = { ...process.env };
const channel = "telegram";
const run = {
  request: (op) => ps.d({ channel, id: op.sender, accountId: op.account, env }),
  approve: async (op) => (await ps.r({ channel, code: op.code, env }))?.id ?? null,
  list: async () => (await ps.o(channel, env)).map((r) => ({
    id: r.id, code: r.code, createdAt: RealDate.parse(r.createdAt), account: r.meta?.accountId ?? "default" })),
};
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const op = JSON.parse(line);
  fake = op.now;
  let out;
  try {
    out = { ok: await run[op.op](op) };
  } catch (err) {
    out = { error: String(err?.message ?? err).slice(0, 300) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
