"""The security audit's view of gateway exposure against start-up's resolution, for every
config of oc-gateway-auth's domain this machine can run (bind incl. unset, Tailscale mode,
auth mode incl. unset, token and password; no Tailscale address, and a custom host that is
not bindable here). Start-up's bind host is compared with oc-gateway-auth's resolved_host,
and the audit's view (a wildcard Control UI origin is rated critical exactly when the audit
counts the gateway as exposed) with audit_counts_exposed. Where start-up listens beyond
loopback and the audit does not count it, that is the finding
oc-gateway-auth-finding-audit-container-default-bind; where the audit counts a gateway
that start-up left on loopback (tailnet without a Tailscale address), the audit only
over-reports (documented drift). Anything else fails.

    python -m conformance.audit_runtime      (make conformance runs it after the findings)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from conformance.run import HERE, PACKAGES, Skip, ensure_node, ensure_package

BIND = {None: "unset", "loopback": "loopback", "lan": "lan", "tailnet": "tailnet", "custom": "custom", "auto": "auto"}
HOST = {"host_loopback": "127.0.0.1", "host_wildcard": "0.0.0.0", "host_tailnet": "tailnet-ip", "host_lan": "10.0.0.7"}
IN_CONTAINER = {"FLY_MACHINE_ID": "m", "FLY_APP_NAME": "a"}


def sweep(node: str, root, env_extra: dict) -> list[dict]:
    with tempfile.TemporaryDirectory() as state, tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "OPENCLAW_STATE_DIR": state, "HOME": home, **env_extra}
        p = subprocess.run([node, str(HERE / "node" / "audit_runtime_sweep.mjs"), str(root)], capture_output=True,
                           text=True, env=env, timeout=1200)
    if p.returncode != 0:
        raise RuntimeError(f"audit_runtime_sweep.mjs exited {p.returncode}: {p.stderr.strip()[-400:]}")
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]


def compare(defs, rows: list[dict]) -> dict:
    """Counts per kind of agreement; `container` is what start-up's auto bind shows."""
    container = any(r["bind"] == "auto" and r["host"] == "0.0.0.0" for r in rows)
    out = {"container": container, "configs": len(rows), "started": 0, "host_agree": 0, "audit_agree": 0,
           "audit_misses_exposure": 0, "audit_over_reports": 0, "undocumented": []}
    for r in rows:
        bind = BIND[r["bind"]]
        ts = "off" if r["tailscale"] == "off" else r["tailscale"]
        audit_exposed = r["wildcard"] == "critical"
        if audit_exposed == defs.call("audit_counts_exposed", bind):
            out["audit_agree"] += 1
        else:
            out["undocumented"].append(("audit view", r))
        if r["host"] == "refused":
            continue
        out["started"] += 1
        mode = defs.call("resolved_bind_mode", bind, container, ts)
        want = HOST[defs.call("resolved_host", mode, container, False)]
        if r["host"] == want:
            out["host_agree"] += 1
        else:
            out["undocumented"].append(("bind host", r))
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
    results = [compare(defs, sweep(node, root, env)) for env in ({}, IN_CONTAINER)]
    print("| container | configs | started | bind host agrees with the claim | audit view agrees with the claim "
          "| audit misses exposure (finding) | audit over-reports (drift) | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {'yes' if r['container'] else 'no'} | {r['configs']} | {r['started']} | {r['host_agree']} | "
              f"{r['audit_agree']} | {r['audit_misses_exposure']} | {r['audit_over_reports']} | "
              f"{time.monotonic() - start:.0f} |")
        for what, row in r["undocumented"][:3]:
            print(f"DISAGREE {what}: {json.dumps(row)}")
    if all(r["container"] for r in results):
        print("note: this machine is detected as a container even without the Fly.io variables: "
              "the configurations outside a container are not covered here")
    bad = sum(len(r["undocumented"]) for r in results)
    missed = any(r["container"] and r["audit_misses_exposure"] == 0 for r in results)
    if missed:
        print("NOT REPRODUCED oc-gateway-auth-finding-audit-container-default-bind: no config in a container "
              "where the audit misses the exposure")
    return 1 if bad or missed else 0


if __name__ == "__main__":
    sys.exit(main())
