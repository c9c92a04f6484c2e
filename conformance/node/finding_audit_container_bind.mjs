// Reproduces oc-gateway-auth-finding-audit-container-default-bind on the real package.
// Standalone (not a batch adapter: container detection is fixed per process); run by
// `make conformance` (conformance/findings.py), which asserts its output.
// Usage: FLY_MACHINE_ID=m FLY_APP_NAME=a OPENCLAW_STATE_DIR=$(mktemp -d) HOME=$(mktemp -d) \
//   NODE24 conformance/node/finding_audit_container_bind.mjs PACKAGE_ROOT
// (the two FLY_* variables make OpenClaw's container detection answer yes). For an unset
// gateway.bind and for bind=auto it prints, as one JSON object, where start-up binds and
// the severity of each of the audit's gateway findings.
import path from "node:path";
import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const dist = path.join(process.argv[2], "dist");
// the chunks holding src/gateway/server-runtime-config.ts and src/security/audit.ts (2026.9.6 names)
const chunk = (prefix) => pathToFileURL(path.join(dist, readdirSync(dist).find((f) => f.startsWith(prefix)))).href;
const runtime = await import(chunk("server-runtime-config-CtMMRH47"));
const audit = await import(chunk("audit-mIMOk6_X"));
const out = {};
for (const bind of [undefined, "auto"]) {
  const gateway = { controlUi: { allowedOrigins: ["*"] }, auth: { mode: "token", token: "x".repeat(40) } };
  if (bind) gateway.bind = bind;
  const cfg = { gateway };
  let bindHost;
  try {
    bindHost = (await runtime.r({ cfg, port: 18789 })).bindHost;
  } catch (err) {
    bindHost = `refused: ${err.message}`;
  }
  const stateDir = process.env.OPENCLAW_STATE_DIR;
  const report = await audit.t({ config: cfg, sourceConfig: cfg, env: { ...process.env }, deep: false,
    includeFilesystem: false, includeChannelSecurity: false, stateDir, configPath: path.join(stateDir, "openclaw.json") });
  const findings = Object.fromEntries(report.findings.filter((f) => f.checkId.startsWith("gateway."))
    .map((f) => [f.checkId, f.severity]));
  out[bind ?? "unset"] = { bindHost, audit: findings };
}
console.log(JSON.stringify(out));
