// The security audit's view of the gateway's exposure against where start-up binds, for
// every gateway config of a domain (oc-gateway-auth's knobs but the Tailscale address,
// which this machine does not have). Standalone: container detection is fixed per process
// (FLY_MACHINE_ID and FLY_APP_NAME set: in a container). Prints one JSON line per config:
// the config, the bind host start-up resolves (or its refusal) and the severity the audit
// gives a wildcard Control UI origin, which it rates critical exactly when it counts the
// gateway as exposed. Usage: NODE24 audit_runtime_sweep.mjs PACKAGE_ROOT
import path from "node:path";
import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const dist = path.join(process.argv[2], "dist");
const chunk = (prefix) => pathToFileURL(path.join(dist, readdirSync(dist).find((f) => f.startsWith(prefix)))).href;
const runtime = await import(chunk("server-runtime-config-CtMMRH47"));
const audit = await import(chunk("audit-mIMOk6_X"));
const stateDir = process.env.OPENCLAW_STATE_DIR;
for (const bind of [null, "loopback", "lan", "tailnet", "custom", "auto"]) {
  for (const tailscale of ["off", "serve", "funnel"]) {
    for (const mode of [null, "none", "token", "password", "trusted-proxy"]) {
      for (const secrets of [[], ["token"], ["password"]]) {
        const auth = {};
        if (mode) auth.mode = mode;
        if (secrets.includes("token")) auth.token = "t".repeat(40);
        if (secrets.includes("password")) auth.password = "p".repeat(40);
        const gateway = { controlUi: { allowedOrigins: ["*"] }, auth, tailscale: { mode: tailscale },
                          trustedProxies: ["10.0.0.1"] };
        if (bind) gateway.bind = bind;
        if (bind === "custom") gateway.customBindHost = "10.0.0.7";
        const cfg = { gateway };
        let host;
        try {
          host = (await runtime.r({ cfg, port: 18789 })).bindHost;
        } catch (err) {
          host = "refused";
        }
        const report = await audit.t({ config: cfg, sourceConfig: cfg, env: { ...process.env }, deep: false,
          includeFilesystem: false, includeChannelSecurity: false, stateDir, configPath: path.join(stateDir, "openclaw.json") });
        const wildcard = report.findings.find((f) => f.checkId === "gateway.control_ui.allowed_origins_wildcard")?.severity ?? null;
        console.log(JSON.stringify({ bind, tailscale, mode, secrets, host, wildcard }));
      }
    }
  }
}
