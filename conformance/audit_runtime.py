"""The security audit's view of gateway exposure against start-up's resolution, for every
config of oc-gateway-auth's domain (2,880: bind incl. unset, container or not, the Tailscale
address or custom host usable or not, Tailscale off/serve/funnel, auth mode incl. unset,
token, password, Control UI origins; trusted proxies set). The sweep
(conformance/node/audit_runtime_sweep.mjs) injects the environment: what the container
probe finds, and whether a Tailscale interface exists and the addresses can be bound. For
each config the claim is evaluated with the config as its constants: whether start-up
refuses it (the claim's `started`), the bind host when it starts (`host`), and the audit's
view (a wildcard Control UI origin is rated critical exactly when the audit counts the
gateway as exposed; observable when origins are set) against `audit_exposed`. Where
start-up listens beyond loopback and the audit does not count it, that is the finding
oc-gateway-auth-finding-audit-container-default-bind; where the audit counts a gateway that
start-up left on loopback, the audit only over-reports (documented drift). Anything else
fails.

    python -m conformance.audit_runtime      (make conformance runs it after the findings)"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from conformance.run import HERE, PACKAGES, Skip, ensure_node, ensure_package

BIND = {None: "unset", "loopback": "loopback", "lan": "lan", "tailnet": "tailnet", "custom": "custom", "auto": "auto"}
MODE = {None: "mode_unset", "none": "none", "token": "token", "password": "password", "trusted-proxy": "trusted_proxy"}
HOST = {"127.0.0.1": "host_loopback", "0.0.0.0": "host_wildcard", "tailnet-ip": "host_tailnet", "10.0.0.7": "host_lan"}


def sweep(node: str, root, container: bool) -> subprocess.Popen:
    """The sweep of one container setting, started (container detection is per process)."""
    state = tempfile.mkdtemp(prefix="symcheck-audit-")
    env = {**os.environ, "OPENCLAW_STATE_DIR": state, "HOME": state, "SWEEP_CONTAINER": "yes" if container else "no"}
    p = subprocess.Popen([node, str(HERE / "node" / "audit_runtime_sweep.mjs"), str(root)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.state_dir = state  # type: ignore[attr-defined]  (removed by rows_of)
    return p


def rows_of(p: subprocess.Popen) -> list[dict]:
    try:
        out, err = p.communicate(timeout=1800)
    finally:
        shutil.rmtree(p.state_dir, ignore_errors=True)  # type: ignore[attr-defined]
    if p.returncode != 0:
        raise RuntimeError(f"audit_runtime_sweep.mjs exited {p.returncode}: {err.strip()[-400:]}")
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def claim_says(defs, r: dict) -> dict:
    """oc-gateway-auth with the config as its constants: started, host, audit_exposed."""
    from symcheck.explicit.evaluator import Evaluator
    defs.evaluator = Evaluator(defs.model, {
        "BindConfig": BIND[r["bind"]], "InContainer": r["container"], "AddressUsable": r["address"],
        "TailscaleMode": r["tailscale"], "ModeConfig": MODE[r["mode"]], "TokenSet": "token" in r["secrets"],
        "PasswordSet": "password" in r["secrets"], "OriginsSet": r["origins"], "TrustedProxiesSet": True})
    return {name: defs.call(name) for name in ("started", "host", "audit_exposed")}


def compare(defs, rows: list[dict]) -> dict:
    """Counts per kind of agreement for one container setting."""
    out = {"container": rows[0]["container"] if rows else None, "configs": len(rows), "started": 0,
           "start_agree": 0, "host_agree": 0, "audit_seen": 0, "audit_agree": 0, "audit_misses_exposure": 0,
           "audit_over_reports": 0, "undocumented": []}
    for r in rows:
        want = claim_says(defs, r)
        started = r["host"] != "refused"
        if started == want["started"]:
            out["start_agree"] += 1
        else:
            out["undocumented"].append(("start-up refusal", r))
        if started:
            out["started"] += 1
            if HOST.get(r["host"]) == want["host"]:
                out["host_agree"] += 1
            else:
                out["undocumented"].append(("bind host", r))
        if r["wildcard"] is None and not r["origins"]:
            continue                                  # the audit's view is read from the origins finding
        out["audit_seen"] += 1
        audit_exposed = r["wildcard"] == "critical"
        if audit_exposed == want["audit_exposed"]:
            out["audit_agree"] += 1
        else:
            out["undocumented"].append(("audit view", r))
        if started:
            exposed = r["host"] != "127.0.0.1"
            if exposed and not audit_exposed:
                out["audit_misses_exposure"] += 1
            elif audit_exposed and not exposed:
                out["audit_over_reports"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    from symcheck.explicit.evaluator import Definitions
    start = time.monotonic()
    try:
        node = ensure_node()
        root = ensure_package(PACKAGES["openclaw"])
    except Skip as why:
        print(f"SKIP audit against runtime: {why}")
        return 0
    defs = Definitions("oc-gateway-auth", claims=str(HERE.parent / "claims"))
    procs = [sweep(node, root, container) for container in (False, True)]   # the two run at once
    results = [compare(defs, rows_of(p)) for p in procs]
    print("| container | configs | start-up refuses as the claim says | started | bind host agrees with the claim "
          "| audit view observable | audit view agrees with the claim | audit misses exposure (finding) "
          "| audit over-reports (drift) | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {'yes' if r['container'] else 'no'} | {r['configs']} | {r['start_agree']} | {r['started']} | "
              f"{r['host_agree']} | {r['audit_seen']} | {r['audit_agree']} | {r['audit_misses_exposure']} | "
              f"{r['audit_over_reports']} | {time.monotonic() - start:.0f} |")
        for what, row in r["undocumented"][:3]:
            print(f"DISAGREE {what}: {json.dumps(row)}")
    bad = sum(len(r["undocumented"]) for r in results)
    missed = not any(r["container"] and r["audit_misses_exposure"] for r in results)
    if missed:
        print("NOT REPRODUCED oc-gateway-auth-finding-audit-container-default-bind: no config in a container "
              "where the audit misses the exposure")
    print(f"{sum(r['configs'] for r in results)} configs, {bad} undocumented disagreements")
    return 1 if bad or missed else 0


if __name__ == "__main__":
    sys.exit(main())
