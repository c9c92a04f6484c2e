"""The session-key collision search of oc-routing-strings: time to each finding variant's
first witness (BMC over every string), then the enumeration of collision classes: ask Z3
for two colliding messages outside every class found so far, name the class the witness
falls in, exclude it, and ask again, until Z3 finds none (the list is complete for the
model) or cannot tell within the time limit (said so).

    python bench/strings.py [--timeout SECONDS] [--only VARIANT] [--record] [--skip-enumeration]

Prints a table; every figure comes with the machine's load (uptime). --record writes each
finding's witness to bench/strings/witnesses.json, which `make conformance` replays on the
package (conformance/functions/key_collisions.py, and the findings' reproducers)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from symcheck import api  # noqa: E402
from symcheck.front.values import render  # noqa: E402

CLAIM = "oc-routing-strings"

# the collision classes, as predicates over the two messages p and q (the claim language),
# in the order a witness is named by them; each is a finding variant's class
CLASSES = [
    ("blank ids share the main session", "norm(p.id) == '' and p.kind == 'direct'"),
    ("ids differ in surrounding white space", "p.kind == q.kind and p.id != q.id and p.id.strip() == q.id.strip()"),
    ("ids differ in letter case", "p.kind == q.kind and p.id.strip() != q.id.strip() and norm(p.id) == norm(q.id)"),
    ("a peer id forges a thread key", "p.kind == 'direct' and q.thread.strip() != '' and p.thread.strip() == ''"
                                      " or q.kind == 'direct' and p.thread.strip() != '' and q.thread.strip() == ''"),
    ("group and thread ids differ in case", "norm(p.thread) == norm(q.thread) and p.thread != q.thread"),
    ("accounts fold together", "p.acct != q.acct"),
    ("a link entry or canonical name admits another sender", "p.id.strip() != q.id.strip() and norm(p.id) != norm(q.id)"),
]


def enumeration_claim(excluded: list[str], folder: Path) -> Path:
    """The claim file with one more variant, `enumerate`: the green claim's messages with the
    found classes excluded, and each class as a definition (`class_<i>`) to name a witness."""
    doc = yaml.safe_load((ROOT / "bench" / "strings" / f"{CLAIM}.yaml").read_text())
    cond = " or ".join(f"({c})" for c in excluded) or "False"
    defs = {"in_class(p: Msg, q: Msg) -> bool": f"not ({cond})"}
    defs.update({f"class_{i}(p: Msg, q: Msg) -> bool": text for i, (_, text) in enumerate(CLASSES)})
    doc["variants"] = {"enumerate": {"patch": {"defs": defs}}}
    path = folder / f"{CLAIM}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return path


def enumerate_classes(timeout: float) -> None:
    """Witness, name its class, exclude it, ask again."""
    from symcheck.explicit.evaluator import Definitions
    print("\n| round | seconds | witness | class |\n|---:|---:|---|---|")
    excluded: list[str] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, len(CLASSES) + 2):
            path = enumeration_claim(excluded, Path(tmp))
            model = api.load_claim(str(path), variant="enumerate")
            t0 = time.perf_counter()
            out = api.prove(model, engine="bmc", timeout=timeout)
            took = time.perf_counter() - t0
            if not out.violated:
                what = ("none: the classes found are every collision of the model" if out.verdict == "holds"
                        else f"{out.verdict}: {out.reason} (the list may be incomplete)")
                print(f"| {n} | {took:.1f} | {what} | |", flush=True)
                break
            p, q = out.trace.steps[-1].state["msgs"]
            defs = Definitions(str(path), variant="enumerate", claims=tmp)
            named = [i for i, _ in enumerate(CLASSES) if CLASSES[i][1] not in excluded and defs.call(f"class_{i}", p, q)]
            shown = render((p, q), model.var_type("msgs"))
            if not named:
                print(f"| {n} | {took:.1f} | {shown} | a new class: none of the known ones |", flush=True)
                break
            excluded.append(CLASSES[named[0]][1])
            print(f"| {n} | {took:.1f} | {shown} | {CLASSES[named[0]][0]} |", flush=True)
    print(f"enumeration: {len(excluded)} classes in {time.perf_counter() - start:.1f} s; "
          f"load now {os.getloadavg()[0]:.1f}")


def record(model, msgs, seconds: float) -> None:
    """Add one variant's witness (checked to be one) to bench/strings/witnesses.json."""
    import z3

    from conformance.functions import key_collisions as kc
    variant = model.name.removeprefix(CLAIM + "-")
    messages = [list(m) for m in msgs]
    why = kc.still_a_witness(variant, messages)
    if why is not None:
        raise SystemExit(f"{variant}: BMC's witness is not one: {why}")
    path = kc.WITNESSES
    doc = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {
        "claim": CLAIM, "about": "Z3's witness of each finding variant (python bench/strings.py --record); "
                                 "make conformance replays them on the package", "witnesses": {}}
    doc["witnesses"][variant] = {"messages": messages, "key": kc.package_keys(variant, messages)[0],
                                 "found_by": f"bmc, z3 {z3.get_version_string()}", "seconds": round(seconds, 1),
                                 "load": round(os.getloadavg()[0], 1)}
    doc["witnesses"] = dict(sorted(doc["witnesses"].items()))
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per query (default 600)")
    ap.add_argument("--only", help="one finding variant")
    ap.add_argument("--skip-variants", action="store_true", help="only the enumeration")
    ap.add_argument("--skip-enumeration", action="store_true", help="only the finding variants")
    ap.add_argument("--record", action="store_true", help="write each witness to bench/strings/witnesses.json")
    args = ap.parse_args(argv)
    print(f"load: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores")
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
        enumerate_classes(args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
