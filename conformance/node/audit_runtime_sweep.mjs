// The security audit's view of the gateway's exposure against where start-up binds, for
// every gateway config of oc-gateway-auth's domain (2,880: bind incl. unset, container or
// not, the Tailscale address or custom host usable or not, Tailscale mode, auth mode incl.
// unset, token, password, Control UI origins), in the two processes container detection
// needs (it is cached per process). The environment is injected, as the clock is elsewhere:
// SWEEP_CONTAINER=yes|no decides what the package's container probe finds (the Fly.io
// variables, sentinel files, /proc/1/cgroup); per config, a usable address means a Tailscale
// interface (100.100.1.1) exists and it, like the custom host 10.0.0.7, can be bound (a
// listen on either goes to 127.0.0.1 instead); unusable means no Tailscale interface and
// 10.0.0.7 not bindable, as on this machine. Prints one JSON line per config: the config,
// the bind host start-up resolves (ensureGatewayStartupAuth, then resolveGatewayRuntimeConfig on
// its config; or its refusal) and the severity the audit gives a
// wildcard Control UI origin, which it rates critical exactly when it counts the gateway as
// exposed (null when origins are unset: the audit's view is then not observable this way).
// Usage: SWEEP_CONTAINER=yes|no NODE24 audit_runtime_sweep.mjs PACKAGE_ROOT
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const container = process.env.SWEEP_CONTAINER === "yes";
const SENTINELS = new Set(["/.dockerenv", "/run/.containerenv", "/var/run/.containerenv"]);
const { accessSync, readFileSync } = fs;
fs.accessSync = (p, ...rest) => {
  if (SENTINELS.has(String(p))) {
    if (container && String(p) === "/.dockerenv") return undefined;
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
  }
  return accessSync(p, ...rest);
};
fs.readFileSync = (p, ...rest) => (String(p) === "/proc/1/cgroup" ? "0::/\n" : readFileSync(p, ...rest));
if (container) Object.assign(process.env, { FLY_MACHINE_ID: "m", FLY_APP_NAME: "a" });
else for (const k of ["FLY_MACHINE_ID", "FLY_APP_NAME"]) delete process.env[k];

const TAILNET_IP = "100.100.1.1";
const CUSTOM_IP = "10.0.0.7";
let usable = false;
const { networkInterfaces } = os;
os.networkInterfaces = () => {
  const real = { ...networkInterfaces() };
  for (const [name, addrs] of Object.entries(real))
    real[name] = addrs.filter((a) => !(a.family === "IPv4" && a.address.startsWith("100.")));
  if (usable) real.tailscale0 = [{ address: TAILNET_IP, netmask: "255.255.255.255", family: "IPv4", mac: "00:00:00:00:00:00", internal: false, cidr: `${TAILNET_IP}/32` }];
  return real;
};
const { createServer } = net;
net.createServer = (...args) => {
  const server = createServer(...args);
  const listen = server.listen.bind(server);
  server.listen = (port, host, ...rest) =>
    listen(port, usable && (host === TAILNET_IP || host === CUSTOM_IP) ? "127.0.0.1" : host, ...rest);
  return server;
};

const dist = path.join(process.argv[2], "dist");
const chunk = (prefix) => pathToFileURL(path.join(dist, fs.readdirSync(dist).find((f) => f.startsWith(prefix)))).href;
const startupAuth = await import(chunk("startup-auth-DFJCZrhd"));
const runtime = await import(chunk("server-runtime-config-CtMMRH47"));
const audit = await import(chunk("audit-mIMOk6_X"));
const stateDir = process.env.OPENCLAW_STATE_DIR;
for (const address of [false, true]) {
  usable = address;
  for (const bind of [null, "loopback", "lan", "tailnet", "custom", "auto"]) {
    for (const tailscale of ["off", "serve", "funnel"]) {
      for (const mode of [null, "none", "token", "password", "trusted-proxy"]) {
        for (const secrets of [[], ["token"], ["password"], ["token", "password"]]) {
          for (const origins of [true, false]) {
            const auth = {};
            if (mode) auth.mode = mode;
            if (mode === "trusted-proxy") auth.trustedProxy = { userHeader: "x-forwarded-user" };  // its required config
            if (secrets.includes("token")) auth.token = "t".repeat(40);
            if (secrets.includes("password")) auth.password = "p".repeat(40);
            const gateway = { auth, tailscale: { mode: tailscale }, trustedProxies: ["10.0.0.1"] };
            if (origins) gateway.controlUi = { allowedOrigins: ["*"] };
            if (bind) gateway.bind = bind;
            if (bind === "custom") gateway.customBindHost = CUSTOM_IP;
            const cfg = { gateway };
            let host;
            try {   // start-up's order: the auth bootstrap (a generated token), then the runtime config
              const boot = await startupAuth.t({ cfg, env: {} });
              host = (await runtime.r({ cfg: boot.cfg, port: 18789 })).bindHost;
            } catch (err) {
              host = "refused";
            }
            if (host === TAILNET_IP) host = "tailnet-ip";
            const report = await audit.t({ config: cfg, sourceConfig: cfg, env: { ...process.env }, deep: false,
              includeFilesystem: false, includeChannelSecurity: false, stateDir,
              configPath: path.join(stateDir, "openclaw.json") });
            const wildcard = origins
              ? report.findings.find((f) => f.checkId === "gateway.control_ui.allowed_origins_wildcard")?.severity ?? null
              : null;
            console.log(JSON.stringify({ container, address, bind, tailscale, mode, secrets, origins, host, wildcard }));
          }
        }
      }
    }
  }
}
