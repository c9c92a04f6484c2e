"""The findings' reproducers, run on the real package with asserted outputs: each prints
JSON (a standalone script) or answers JSON inputs (a batch adapter), and each asserted
value is what the finding says the package does. A finding that no longer reproduces, or
a reproducer that fails, fails `make conformance`.

    python -m conformance.findings        (make conformance runs it after the checks)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from conformance.run import HERE, PACKAGES, Skip, ensure_node, ensure_package

# container detection answers yes with these two (OpenClaw's Fly.io probe)
IN_CONTAINER = {"FLY_MACHINE_ID": "m", "FLY_APP_NAME": "a"}


def control_command(channel: str, conv: str, **config) -> dict:
    """One text control command from `me` to the ingress runtime (conformance/node/ingress_runtime.mjs)."""
    return {"channel": channel, "conv": conv, "allowFrom": [], "groupAllowFrom": [], "store": [],
            "command": {"allowTextCommands": True, "hasControlCommand": True}, **config}


def plain_group_message(channel: str, **config) -> dict:
    return {"channel": channel, "conv": "group", "allowFrom": [], "groupAllowFrom": [], "store": [],
            "command": {"allowTextCommands": True, "hasControlCommand": False}, **config}


@dataclass(frozen=True)
class Reproducer:
    """`expect` maps a dotted path in the output (a batch adapter's: `N.path`, N the input's
    index) to the value the finding predicts."""
    finding: str                    # the red variant (or claim) it reproduces
    script: str                     # file in conformance/node/
    expect: dict
    what: str                       # one line: what it shows
    env: dict = field(default_factory=dict)
    inputs: list | None = None      # JSON inputs: run as a batch adapter (batch.mjs)
    package: str = "openclaw"


def approvals(file: dict, security: str = "full", ask: str = "off") -> dict:
    """An approvals file resolved for agent main with the config's policy (host default: full, off)."""
    return {"file": {"version": 1, **file}, "overrides": {"security": security, "ask": ask}}


def dm_key(channel: str, sender: str, scope: str, links: dict | None = None) -> dict:
    """A DM's session key input (conformance/node/session_key.mjs)."""
    params = {"agentId": "main", "channel": channel, "accountId": "default", "peer": {"kind": "direct", "id": sender},
              "dmScope": scope, "groupScope": "per-group"}
    if links:
        params["identityLinks"] = links
    return {"params": params, "threadId": None}


REPRODUCERS = [
    Reproducer(
        "oc-exec-policy-finding-invalid-value-fails-open", "exec_policy.mjs",
        {"0.security": "full", "1.security": "full", "2.ask": "off", "3.security": "deny"},
        "an approvals file's invalid values ('Deny', 1) are ignored; an invalid agent value discards the wildcard's deny",
        inputs=[approvals({"agents": {"*": {"security": "deny"}, "main": {"security": "Deny"}}}),
                approvals({"defaults": {"security": 1}}), approvals({"defaults": {"ask": "Always"}}),
                approvals({"agents": {"*": {"security": "deny"}}})]),
    Reproducer(
        "oc-exec-policy-finding-silent-config-runs-unasked", "exec_policy.mjs",
        {"0.security": "full", "0.ask": "off", "1.security": "full", "1.ask": "off"},
        "an empty approvals file under the gateway host's defaults resolves to security full, ask off",
        inputs=[approvals({}), approvals({"defaults": {}, "agents": {}})]),
    Reproducer(
        "oc-routing-finding-main-scope-merges-dms", "session_key.mjs",
        {"0": "agent:main:main", "1": "agent:main:main", "2": "agent:main:telegram:direct:alice"},
        "dmScope main (the default) gives telegram alice and telegram bob one session",
        inputs=[dm_key("telegram", "alice", "main"), dm_key("telegram", "bob", "main"),
                dm_key("telegram", "alice", "per-channel-peer")]),
    Reproducer(
        "oc-routing-finding-per-peer-merges-channels", "session_key.mjs",
        {"0": "agent:main:direct:alice", "1": "agent:main:direct:alice"},
        "dmScope per-peer gives telegram alice and discord alice one session",
        inputs=[dm_key("telegram", "alice", "per-peer"), dm_key("discord", "alice", "per-peer")]),
    Reproducer(
        "oc-routing-finding-canonical-name-is-a-sender-id", "session_key.mjs",
        {"0": "agent:main:telegram:direct:bob", "1": "agent:main:telegram:direct:bob"},
        "identityLinks {bob: [telegram:alice]} puts telegram alice into the unlinked telegram bob's session",
        inputs=[dm_key("telegram", "alice", "per-channel-peer", {"bob": ["telegram:alice"]}),
                dm_key("telegram", "bob", "per-channel-peer", {"bob": ["telegram:alice"]})]),
    Reproducer(
        "oc-gateway-auth-finding-audit-container-default-bind", "finding_audit_container_bind.mjs",
        {"unset.bindHost": "0.0.0.0", "unset.audit.gateway.control_ui.allowed_origins_wildcard": "warn",
         "unset.audit.gateway.trusted_proxies_missing": "warn", "unset.audit.gateway.auth_no_rate_limit": None,
         "auto.bindHost": "0.0.0.0", "auto.audit.gateway.control_ui.allowed_origins_wildcard": "critical",
         "auto.audit.gateway.auth_no_rate_limit": "warn"},
        "in a container, bind unset listens on 0.0.0.0 like bind=auto, but the audit rates it as loopback",
        env=IN_CONTAINER),
    Reproducer(
        "oc-exec-approvals-finding-unbound-requester", "finding_unbound_requester.mjs",
        {"synthetic.connId": None, "synthetic.deviceId": None, "synthetic.clientId": "gateway-client",
         "websocket.connId": "conn-7", "none.connId": None},
        "the gateway's synthetic in-process client records an approval with no connection and no device"),
    Reproducer(
        "oc-pairing-code", "pairing_store_rules.mjs",
        {"refresh_same_code": True, "first_created": True, "refresh_created": False,
         "fourth_in_account.code": "", "fourth_in_account.created": False, "other_account_created": True,
         "codes_unique": True, "approved_at_ttl": "a1", "approved_after_ttl": None},
        "the pairing store's modelled rules: refresh keeps the code, cap per account, strict one-hour expiry"),
    Reproducer(
        "oc-ingress-finding-pairing-approval-authorizes-commands", "ingress_runtime.mjs",
        {"0.admission": "dispatch", "0.sender": "dm_policy_allowlisted", "0.authorized": True,
         "1.admission": "dispatch", "1.authorized": True, "2.authorized": False},
        "a sender approved by pairing (dmPolicy unset = pairing) runs control commands in DMs; not under allowlist",
        inputs=[control_command("telegram", "direct", store=["me"]),
                control_command("a2a", "direct", dmPolicy="pairing", store=["me"]),
                control_command("telegram", "direct", dmPolicy="allowlist", allowFrom=["other"], store=["me"])]),
    Reproducer(
        "oc-ingress-finding-mention-gate-fails-open-without-detection", "ingress_runtime.mjs",
        {"0.admission": "dispatch", "0.skip": False, "1.admission": "skip"},
        "a group requiring a mention dispatches an unmentioned message when the provider cannot detect mentions",
        inputs=[plain_group_message("telegram", groupPolicy="open", activation={"requireMention": True,
                                    "allowTextCommands": True}, mention={"canDetectMention": False,
                                                                         "wasMentioned": False}),
                plain_group_message("telegram", groupPolicy="open", activation={"requireMention": True,
                                    "allowTextCommands": True}, mention={"canDetectMention": True,
                                                                         "wasMentioned": False})]),
    Reproducer(
        "oc-ingress-finding-access-groups-off-authorizes-every-sender", "ingress_runtime.mjs",
        {"0.admission": "dispatch", "0.authorized": True, "1.admission": "drop", "1.authorized": False},
        "with commands.useAccessGroups false (modeWhenAccessGroupsOff unset) any admitted sender runs control commands",
        inputs=[control_command("telegram", "group", groupPolicy="open", useAccessGroups=False),
                control_command("telegram", "group", groupPolicy="open")]),
]


def string_collisions() -> list[Reproducer]:
    """oc-routing-strings's findings: Z3's witness of each (bench/strings/witnesses.json,
    still a counterexample of its variant) given to the package, whose two keys must be the
    one the claim derives."""
    from conformance.functions import key_collisions as kc
    reps = []
    for variant, entry in sorted(kc.recorded().items()):
        key = entry["key"]
        shown = " and ".join(json.dumps(m[3], ensure_ascii=True) for m in entry["messages"])
        reps.append(Reproducer(f"{kc.CLAIM}-{variant}", "key_collision.mjs",
                               {"0.same": True, "0.keys.0": key, "0.keys.1": key},
                               f"Z3's witness: sender ids {shown} both get {json.dumps(key, ensure_ascii=True)}",
                               inputs=[kc.to_input(variant)]))
    return reps


REPRODUCERS += string_collisions()


def allowlist_admissions() -> list[Reproducer]:
    """oc-allowlist-strings's findings: Z3's entry and sender for each (bench/allowlists/
    witnesses.json, still a counterexample of its variant) given to the package's matcher,
    which must admit the sender the entry does not name."""
    from conformance.functions import allowlist_admissions as aa
    reps = []
    for variant, w in sorted(aa.recorded().items()):
        shown = f"entry {json.dumps(w['entry'], ensure_ascii=True)}, sender {json.dumps(w['sender'], ensure_ascii=True)}"
        reps.append(Reproducer(f"{aa.CLAIM}-{variant}", "allowlist_match.mjs", {"0.admitted": True},
                               f"Z3's witness on {w['channel']} ({w['matcher']}): {shown}: admitted",
                               inputs=[aa.witness_input(variant)]))
    return reps


REPRODUCERS += allowlist_admissions()


def lookup(value, path: str):
    """The value at a dotted path; keys may themselves hold dots (audit check ids): the
    longest key that matches a prefix wins. Missing: None."""
    parts = path.split(".")
    while parts:
        if isinstance(value, list):
            value, parts = value[int(parts[0])], parts[1:]
            continue
        if not isinstance(value, dict):
            return None
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in value:
                value, parts = value[key], parts[n:]
                break
        else:
            return None
    return value


@dataclass
class Result:
    reproducer: Reproducer
    failures: list
    seconds: float
    output: object = None


def run_reproducer(rep: Reproducer, node: str) -> Result:
    start = time.monotonic()
    root = ensure_package(PACKAGES[rep.package])
    with tempfile.TemporaryDirectory() as state, tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "OPENCLAW_STATE_DIR": state, "HOME": home, "OC": str(root), **rep.env}
        if rep.inputs is None:
            cmd, stdin = [node, str(HERE / "node" / rep.script), str(root)], ""
        else:
            cmd = [node, str(HERE / "node" / "batch.mjs"), str(HERE / "node" / rep.script), str(root)]
            stdin = "\n".join(json.dumps(i) for i in rep.inputs) + "\n"
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=600)
    if p.returncode != 0:
        return Result(rep, [f"exited {p.returncode}: {p.stderr.strip()[-400:]}"], time.monotonic() - start)
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.strip().startswith(("{", "["))]
    output = lines[-1] if rep.inputs is None else [line.get("ok", line) for line in lines]
    failures = [f"{path}: package says {json.dumps(lookup(output, path))}, the finding says {json.dumps(want)}"
                for path, want in rep.expect.items() if lookup(output, path) != want]
    return Result(rep, failures, time.monotonic() - start, output)


def table(results: list[Result]) -> str:
    rows = ["| finding | reproducer | asserted | reproduced | seconds |", "|---|---|---:|---|---:|"]
    for r in results:
        rep = r.reproducer
        rows.append(f"| {rep.finding} | conformance/node/{rep.script} | {len(rep.expect)} | "
                    f"{'yes' if not r.failures else 'NO'} | {r.seconds:.1f} |")
    for r in results:
        for f in r.failures:
            rows.append(f"NOT REPRODUCED {r.reproducer.finding}: {f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None, record: list | None = None) -> int:
    """Run every reproducer; `record`, when given, gets one entry per finding for the
    security case's evidence (variant, reproducer, reproduced)."""
    try:
        node = ensure_node()
        results = [run_reproducer(rep, node) for rep in REPRODUCERS]
    except Skip as why:
        print(f"SKIP findings: {why}")
        return 0
    if record is not None:
        record += [{"variant": r.reproducer.finding, "reproducer": f"conformance/node/{r.reproducer.script}",
                    "reproduced": not r.failures} for r in results]
    print(table(results))
    bad = sum(1 for r in results if r.failures)
    print(f"{len(results)} reproducers, {len(results) - bad} reproduce, {bad} do not")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
