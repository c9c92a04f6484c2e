"""The session-key collision search of oc-routing-strings: time to each finding variant's
first witness (BMC over every string), then the enumeration of collision classes: ask Z3
for two colliding messages outside every class found so far, name the class the witness
falls in, exclude it, and ask again, until Z3 finds none (the list is complete for the
model) or cannot tell within the time limit (said so).

    python bench/strings.py [--timeout SECONDS] [--only VARIANT] [--record] [--skip-enumeration]
                            [--skip-variants] [--scope all|dm]

Prints a table; every figure comes with the machine's load (uptime). --record writes each
finding's witness to bench/strings/witnesses.json, which `make conformance` replays on the
package (conformance/functions/key_collisions.py, and the findings' reproducers)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402

import collision_classes  # noqa: E402
from collision_classes import Enumeration, Round  # noqa: E402
from symcheck import api  # noqa: E402
from witnesses import write_witness  # noqa: E402
from symcheck.front.values import render  # noqa: E402

CLAIM = "oc-routing-strings"

# The enumeration searches the package's derivation (package_key) over every pair of messages
# the claim can express (any channel, kind, account, id and thread; every string), under
# per-account-channel-peer (a collision under per-channel-peer is one here with both accounts
# equal) and the claim's identity links (owner: telegram:1001, discord:2002).
SEARCH = {
    "constants": {"DmScope": {"value": "per-account-channel-peer"}},
    "defs": {
        "session_key(scope: DmScopes, links: Links, m: Msg) -> str": "package_key(scope, links, m)",
        "in_scope(m: Msg) -> bool": "True",
    },
}
# The collision classes, as predicates over the two colliding messages p and q (the claim
# language), each with the finding variant that shows it; a witness is named by the first
# class that holds on it. Blocking one excludes every pair it holds on.
CLASSES = [
    ("a blank id is read as 'unknown'", "p.id.strip() == '' or q.id.strip() == ''"),
    ("ids differ only in surrounding white space", "p.kind == q.kind and p.id != q.id and p.id.strip() == q.id.strip()"),
    ("DM ids differ only in letter case", "p.kind == 'direct' and q.kind == 'direct' and p.id.strip() != q.id.strip()"
                                          " and norm(p.id) == norm(q.id)"),
    ("group ids differ only in letter case", "p.kind == 'group' and q.kind == 'group' and p.id.strip() != q.id.strip()"
                                             " and norm(p.id) == norm(q.id)"),
    ("thread ids differ only in case or white space", "p.thread != q.thread and norm(p.thread) == norm(q.thread)"),
    ("an id or thread id containing ':thread:' forges a thread key",
     "':thread:' in p.id.lower() or ':thread:' in q.id.lower() or ':thread:' in p.thread.lower()"
     " or ':thread:' in q.thread.lower()"),
    ("a canonical link name is also a sender id", "linked(p) != linked(q)"),
    ("a link entry admits a sender it does not name", "linked(p) and linked(q)"),
    ("account ids differ only in case or white space", "p.acct != q.acct and account_id(p.acct) == account_id(q.acct)"),
    ("a direct message and a group share a key", "p.kind != q.kind"),
    ("an account id containing ':' forges a segment", "':' in p.acct or ':' in q.acct"),
]
VARIANT_OF = {
    0: "finding-blank-ids-share-main", 1: "finding-whitespace-folded-ids", 2: "finding-case-folded-ids",
    3: "finding-group-id-case-folded", 5: "finding-peer-id-forges-thread-key",
    6: "finding-canonical-name-is-a-sender-id", 8: "finding-account-ids-folded",
}


# The finite instance (--instance): the claim with its long literals shortened to one letter each
# (distinct, none a prefix of another, as the originals), so that ids of a few characters reach
# every segment the originals spell: a thread marker, a kind, 'unknown', a link entry.
SHORTEN = [
    ("'telegram' if ch == 'telegram' else 'discord' if ch == 'discord' else 'signal'",
     "'t' if ch == 'telegram' else 'c' if ch == 'discord' else 's'"),
    ("'direct' if k == 'direct' else 'group'", "'d' if k == 'direct' else 'g'"),
    ("'default' if a.strip()", "'f' if a.strip()"),
    ("'unknown' if m.id.strip()", "'u' if m.id.strip()"),
    ("'agent:main:direct:'", "'agent:main:d:'"),
    ("':direct:'", "':d:'"),
    ("':thread:'", "':h:'"),
    ("'agent:main:link:'", "'agent:main:l:'"),
    ("canonical: owner", "canonical: o"),
    ('["telegram:1001", "discord:2002"]', '["t:1", "c:2"]'),
]
# its messages: every channel and kind, ids of at most 3 of these characters (case, white space,
# ':', and the letters of the shortened literals), accounts and threads of at most one
INSTANCE = {"ids": ("aA :hdguotT1", 3), "accounts": ("aA :g", 1), "threads": ("aA ", 1)}


def short(text: str) -> str:
    for old, new in SHORTEN:
        if old not in text:
            raise SystemExit(f"the claim no longer has {old!r}: update SHORTEN in bench/strings.py")
        text = text.replace(old, new)
    return text


def words(alphabet: str, longest: int) -> list[str]:
    out, layer = [""], [""]
    for _ in range(longest):
        layer = [w + c for w in layer for c in alphabet]
        out += layer
    return out


def instance(sizes: dict = INSTANCE) -> collision_classes.Instance:
    """Every collision among the finite instance's messages, named by the evaluator (no solver)."""
    doc = yaml.safe_load(short((ROOT / "bench" / "strings" / f"{CLAIM}.yaml").read_text(encoding="utf-8")))
    classes = [(name, text.replace("':thread:'", "':h:'")) for name, text in CLASSES]
    ids, accts, threads = (words(*sizes[k]) for k in ("ids", "accounts", "threads"))
    msgs = [(ch, kind, a, i, t) for ch in ("telegram", "discord", "signal") for kind in ("direct", "group")
            for a in accts for i in ids for t in threads]
    out = collision_classes.on_instance(doc, classes, msgs, "session_key(DmScope, IdentityLinks, m)",
                                        "same_conversation(DmScope, p, q) or explicitly_linked(IdentityLinks, p, q)",
                                        patch=SEARCH)
    print(f"\nfinite instance: literals shortened to one letter; ids {sizes['ids']}, accounts {sizes['accounts']}, "
          f"threads {sizes['threads']} (alphabet, at most so many characters); every channel and kind")
    print("\n| class | pairs | first pair (channel, kind, account, id, thread) |\n|---|---:|---|")
    for c, (name, _) in enumerate(classes):
        if out.by_class[c]:
            print(f"| {name} | {out.by_class[c]} | {' and '.join(map(repr, out.first[c]))} |")
    for p, q in out.unnamed[:10]:
        print(f"| NO KNOWN CLASS | | {p!r} and {q!r} |")
    print(f"instance: {out.summary()}; {collision_classes.load()}")
    return out


# narrower searches (--scope): the messages each admits
SCOPES = {
    "all": "True",
    "dm": "m.kind == 'direct' and m.thread == ''",  # direct messages outside threads, every channel
}


def enumerate_classes(timeout: float | None, scope: str = "all") -> Enumeration:
    """Witness, name its class, block it, ask again; a table row per round."""
    doc = yaml.safe_load((ROOT / "bench" / "strings" / f"{CLAIM}.yaml").read_text(encoding="utf-8"))
    search = {**SEARCH, "defs": {**SEARCH["defs"], "in_scope(m: Msg) -> bool": SCOPES[scope]}}
    print(f"\nscope: {scope} ({SCOPES[scope]}), per-account-channel-peer, the claim's identity links")
    print("\n| round | seconds | witness (channel, kind, account, id, thread) | class |\n|---:|---:|---|---|")

    msgs = api.load_claims(str(ROOT / "bench" / "strings" / f"{CLAIM}.yaml"))[0].var_type("msgs")

    def row(r: Round, out: Enumeration) -> None:
        n = len(out.rounds)
        if r.witness is None:
            what = ("none: no collision outside the classes found" if out.verdict == "holds"
                    else f"{out.verdict}: {out.reason}")
            print(f"| {n} | {r.seconds:.1f} | {what} | |", flush=True)
            return
        shown = " and ".join(render(m, msgs.elem) for m in r.witness)
        name = (CLASSES[r.cls][0] if r.cls is not None else "a NEW class: none of the known ones" if r.confirmed
                else f"NOT CONFIRMED: {out.reason}")
        print(f"| {n} | {r.seconds:.1f} | {shown} | {name} |", flush=True)

    out = collision_classes.enumerate_classes(doc, CLASSES, lambda state: tuple(state["msgs"]), patch=search,
                                              timeout=timeout, progress=row)
    print(f"enumeration: {out.summary()} (strings of every length; depth 2, two messages, is every state); "
          f"{collision_classes.load()}")
    return out


def record(model, msgs, seconds: float) -> None:
    """Add one variant's witness (checked to be one) to bench/strings/witnesses.json."""
    from conformance.functions import key_collisions as kc
    variant = model.name.removeprefix(CLAIM + "-")
    messages = [list(m) for m in msgs]
    why = kc.still_a_witness(variant, messages)
    if why is not None:
        raise SystemExit(f"{variant}: BMC's witness is not one: {why}")
    write_witness(kc.WITNESSES, CLAIM, "bench/strings.py", variant,
                  {"messages": messages, "key": kc.package_keys(variant, messages)[0]}, seconds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per query (default 600)")
    ap.add_argument("--only", help="one finding variant")
    ap.add_argument("--skip-variants", action="store_true", help="only the enumeration")
    ap.add_argument("--skip-enumeration", action="store_true", help="only the finding variants")
    ap.add_argument("--scope", choices=sorted(SCOPES), default="all", help="the messages the enumeration searches")
    ap.add_argument("--record", action="store_true", help="write each witness to bench/strings/witnesses.json")
    ap.add_argument("--instance", action="store_true",
                    help="only the finite instance: every collision among its messages, named without a solver")
    args = ap.parse_args(argv)
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores")
    if args.instance:
        return 0 if instance().complete else 1
    print("| variant | seconds to the first witness | the two messages (channel, kind, account, id, thread) |")
    print("|---|---:|---|")
    models = [] if args.skip_variants else \
        [m for m in api.load_claims(str(ROOT / "bench" / "strings" / f"{CLAIM}.yaml")) if "-finding-" in m.name]
    total = 0.0
    for model in models:
        if args.only and args.only not in model.name:
            continue
        start = time.perf_counter()
        out = api.prove(model, engine="bmc", timeout=args.timeout)
        took = time.perf_counter() - start
        total += took
        msgs = out.trace.steps[-1].state["msgs"] if out.violated else None
        shown = render(msgs, model.var_type("msgs")) if msgs else f"{out.verdict}: {out.reason}"
        print(f"| {model.name.removeprefix(CLAIM + '-')} | {took:.1f} | {shown} |", flush=True)
        if args.record and msgs:
            record(model, msgs, took)
    print(f"every class's witness: {total:.1f} s in all; load now {os.getloadavg()[0]:.1f}")
    if not args.skip_enumeration:
        enumerate_classes(args.timeout, args.scope)
    return 0


if __name__ == "__main__":
    sys.exit(main())
