// One process of the exec-approvals store's trace validation (conformance/traces_approvals.py):
// reads one JSON operation per line, runs it on the package's real operator-approval store
// (src/gateway/operator-approval-store.ts: the approvals the gateway's ExecApprovalManager
// persists in the shared SQLite state database of OPENCLAW_STATE_DIR) at the operation's
// `now` (every store call takes nowMs), and writes one JSON line with what the store
// answered. Several of these run at once on one state directory.
// Usage: NODE24 approvals_worker.mjs PACKAGE_ROOT
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

// the chunk holding src/gateway/operator-approval-store.ts in 2026.9.6
const store = await import(pathToFileURL(path.join(process.argv[2], "dist", "operator-approval-store-ZXCDEDUV.mjs")).href);
const EPOCH = "trace-validation";
const presentation = (id) => ({
  kind: "exec", commandText: `run ${id}`, commandPreview: null, warningText: null, host: "node",
  nodeId: null, agentId: null, allowedDecisions: ["allow-once", "allow-always", "deny"],
});
// what the checker compares: the record's lifecycle fields, by id
const view = (r) => r && ({
  id: r.id, status: r.status, decision: r.decision, device: r.requester.deviceId,
  createdAtMs: r.createdAtMs, expiresAtMs: r.expiresAtMs, resolvedAtMs: r.resolvedAtMs,
  consumedAtMs: r.consumedAtMs,
});
const outcome = (res) => ({ outcome: res.outcome, record: view(res.record) });
const run = {
  request: async (op) => outcome(await store.a({ approval: {
    id: op.id, kind: "exec", presentation: presentation(op.id), requester: { deviceId: op.device },
    reviewerDeviceIds: [], audienceSessionKeys: [], runtimeEpoch: EPOCH,
    createdAtMs: op.now, expiresAtMs: op.now + op.timeoutMs } })),
  decide: async (op) => outcome(await store.c({ id: op.id, nowMs: op.now, decision: op.decision,
    resolver: { kind: "device", id: "operator" }, expectedKind: "exec", runtimeEpoch: EPOCH })),
  consume: async (op) => outcome(await store.t({ id: op.id, nowMs: op.now, consumerId: "node-invoke",
    redemptionWindowMs: op.windowMs, expectedKind: "exec", runtimeEpoch: EPOCH })),
  expire: async (op) => {
    const res = await store.n({ nowMs: op.now });
    return { affected: res.affected, records: res.records.map(view) };
  },
  get: async (op) => outcome(await store.i({ id: op.id, nowMs: op.now })),
  pending: async (op) => (await store.o({ nowMs: op.now })).map(view),
  // the contents after a round: every id of the history, read as get does
  snapshot: async (op) => Promise.all(op.ids.map(async (id) => outcome(await store.i({ id, nowMs: op.now })))),
};
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const op = JSON.parse(line);
  let out;
  try {
    out = { ok: await run[op.op](op) };
  } catch (err) {
    out = { error: String(err?.message ?? err).slice(0, 300) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
