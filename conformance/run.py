"""The conformance harness: run OpenClaw's real exported decision functions and the
claims' definitions on the same inputs, and count where they disagree.

    python -m conformance.run [--inputs N] [--seed S] [--only NAME] [--package openclaw|clawdbot]

Installs the pinned packages (and a Node 24 binary, which some entry points need) into
~/.cache/symcheck (or $SYMCHECK_CACHE) with npm when they are missing; nothing is written
to the repository but the evidence file `symcheck case` reads (conformance/evidence.json).
Each check in conformance/functions/ runs its adapter once, in one Node
process fed one JSON input per line. Prints one table row per check and the first few
disagreements; exits 1 when a disagreement is not documented drift, 0 otherwise, and 0
with a SKIP line when npm or the registry is unavailable."""
from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("SYMCHECK_CACHE") or Path.home() / ".cache" / "symcheck")
NODE_PACKAGE = "node@24"


@dataclass(frozen=True)
class Package:
    spec: str          # name@version, pinned
    prefix: Path       # install folder in the cache
    root: Path         # the package's own folder (where its package.json is)
    with_dependencies: bool  # npm install (with dependencies), or just the package's tarball


PACKAGES = {
    "openclaw": Package("openclaw@2026.9.6", CACHE / "openclaw", CACHE / "openclaw" / "node_modules" / "openclaw", True),
    # clawdbot's dependencies include a git URL the registry cannot serve: its tarball alone
    # (the unbundled dist) is enough for the modules driven here, which import no dependency
    "clawdbot": Package("clawdbot@2026.1.24", CACHE / "clawdbot-2026.1.24", CACHE / "clawdbot-2026.1.24" / "package",
                        False),
}


class Skip(Exception):
    """The harness cannot run here (no npm, no registry): say why and stop."""


def _npm(*args: str, cwd: Path | None = None) -> None:
    if shutil.which("npm") is None:
        raise Skip("npm is not installed")
    p = subprocess.run(["npm", *args, "--no-audit", "--no-fund", "--loglevel=error"], cwd=cwd,
                       capture_output=True, text=True, timeout=1200)
    if p.returncode != 0:
        raise Skip(f"npm {' '.join(args[:2])} failed: {(p.stderr or p.stdout).strip().splitlines()[-1:]}")


def ensure_package(pkg: Package) -> Path:
    """The installed package's folder, installing the pinned version when missing."""
    manifest = pkg.root / "package.json"
    version = pkg.spec.rsplit("@", 1)[1]
    if manifest.is_file() and json.loads(manifest.read_text()).get("version") == version:
        return pkg.root
    pkg.prefix.mkdir(parents=True, exist_ok=True)
    print(f"installing {pkg.spec} into {pkg.prefix} ...", flush=True)
    if pkg.with_dependencies:
        _npm("install", "--prefix", str(pkg.prefix), "--ignore-scripts", pkg.spec)
    else:
        _npm("pack", pkg.spec, cwd=pkg.prefix)
        tarball = next(pkg.prefix.glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            tar.extractall(pkg.prefix, filter="data")
    if not manifest.is_file():
        raise Skip(f"{pkg.spec} did not install into {pkg.prefix}")
    return pkg.root


def ensure_node() -> str:
    """A Node >= 24 binary (the registry ships it as the package `node`); the machine's own
    node when that cannot be had (entry points that need 24 then fail, and are reported)."""
    binary = CACHE / "node24" / "node_modules" / "node" / "bin" / "node"
    if not binary.is_file():
        try:
            print(f"installing {NODE_PACKAGE} into {binary.parents[3]} ...", flush=True)
            _npm("install", "--prefix", str(binary.parents[3]), NODE_PACKAGE)
        except Skip as why:
            print(f"note: no Node 24 ({why}); using the machine's node", flush=True)
    if binary.is_file():
        return str(binary)
    if shutil.which("node") is None:
        raise Skip("no node binary")
    return "node"


def load_checks(only: str | None = None, package: str | None = None) -> list:
    checks = []
    for path in sorted((HERE / "functions").glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module(f"conformance.functions.{path.stem}")
        if getattr(module, "ON_DEMAND", False) and only not in (path.stem, getattr(module, "CHECK", None) and module.CHECK.name):
            continue  # run only when named (--only): see the module's docstring
        for check in getattr(module, "CHECKS", None) or [module.CHECK]:
            if (only is None or only in (path.stem, check.name)) and (package is None or check.package == package):
                checks.append(check)
    return checks


def input_key(check, case) -> str:
    """What the package is given for `case`, as text: two draws with one key are one input."""
    return json.dumps(check.to_js(case), sort_keys=True, ensure_ascii=False)


def draw_inputs(check, count: int, seed: int) -> tuple[list, int]:
    """Every combination the check enumerates, then seeded random draws: `count` draws in
    all, and at least a fifth of `count` random ones. With a `count` below the number of
    combinations (a quick sample), an evenly spread subset of them. Returns the distinct
    inputs (a draw the package was already given is dropped) and the number of draws."""
    rng = random.Random(f"{seed}:{check.name}:{check.package}")
    cases = list(check.cases())
    randoms = max(count - len(cases), count // 5)
    if len(cases) > count - randoms:
        keep = count - randoms
        cases = [cases[i * len(cases) // keep] for i in range(keep)] if keep > 0 else []
    draws = cases + [check.random_case(rng) for _ in range(randoms)]
    distinct: dict[str, object] = {}
    for case in draws:
        distinct.setdefault(input_key(check, case), case)
    return list(distinct.values()), len(draws)


def inputs_for(check, count: int, seed: int) -> list:
    """The distinct inputs of `draw_inputs`."""
    return draw_inputs(check, count, seed)[0]


def run_node(node: str, check, root: Path, cases: list) -> list:
    adapter = HERE / "node" / check.adapter
    payload = "\n".join(json.dumps(check.to_js(c)) for c in cases) + "\n"
    p = subprocess.run([node, str(HERE / "node" / "batch.mjs"), str(adapter), str(root)], input=payload,
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise RuntimeError(f"{check.adapter}: node exited {p.returncode}: {p.stderr.strip()[-600:]}")
    # lines end at "\n" only: JSON.stringify leaves U+2028 and other separators that
    # str.splitlines() would also cut at unescaped inside strings
    results = [json.loads(line) for line in p.stdout.split("\n") if line.strip()]
    if len(results) != len(cases):
        raise RuntimeError(f"{check.adapter}: {len(results)} results for {len(cases)} inputs")
    return results


@dataclass
class Outcome:
    check: object
    tried: int = 0     # distinct inputs given to the package
    draws: int = 0     # inputs drawn (repeats included)
    agree: int = 0
    drift: int = 0
    disagree: int = 0
    seconds: float = 0.0
    examples: list | None = None
    drift_kinds: dict | None = None


def run_check(check, node: str, count: int, seed: int, show: int = 3) -> Outcome:
    from symcheck.explicit.evaluator import Definitions
    start = time.monotonic()
    root = ensure_package(PACKAGES[check.package])
    defs = Definitions(check.claim, variant=check.variant, claims=check.claims or str(HERE.parent / "claims"))
    cases, draws = draw_inputs(check, count, seed)
    results = run_node(node, check, root, cases)
    out = Outcome(check, tried=len(cases), draws=draws, examples=[], drift_kinds={})
    for case, result in zip(cases, results, strict=True):
        got = result.get("ok", {"error": result.get("error")})
        want = check.expected(defs, case)
        if got == want:
            out.agree += 1
            continue
        kind = check.drift(case, got, want)
        if kind is not None:
            out.drift += 1
            out.drift_kinds[kind] = out.drift_kinds.get(kind, 0) + 1
            continue
        out.disagree += 1
        if len(out.examples) < show:
            out.examples.append((case, got, want))
    out.seconds = time.monotonic() - start
    return out


def table(outcomes: list[Outcome]) -> str:
    head = ("| package | function | claim definition | draws | distinct inputs | agree | documented drift | disagree "
            "| seconds |")
    rows = [head, "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        c = o.check
        rows.append(f"| {PACKAGES[c.package].spec} | {c.name} | {c.claim}: {c.definition} | {o.draws} | {o.tried} | {o.agree} | "
                    f"{o.drift} | {o.disagree} | {o.seconds:.1f} |")
    lines = rows
    for o in outcomes:
        for kind, n in (o.drift_kinds or {}).items():
            lines.append(f"drift  {o.check.name} ({o.check.package}): {n} x {kind}")
        for case, got, want in o.examples or []:
            lines.append(f"DISAGREE {o.check.name} ({o.check.package}): input {json.dumps(o.check.to_js(case))}\n"
                         f"    package: {json.dumps(got)}\n    claim:   {json.dumps(want, default=list)}")
    return "\n".join(lines)


def write_evidence(path: Path, outcomes: list[Outcome], reproduced: list) -> None:
    """The evidence `symcheck case` reads: per check, the inputs, distinct inputs, agreement
    and disagreements; per finding, whether its reproducer reproduced it on the package."""
    checks = [{"name": o.check.name, "claim": o.check.claim, "package": PACKAGES[o.check.package].spec,
               "functions": [o.check.name], "inputs": o.tried, "draws": o.draws, "distinct": o.tried,
               "agree": o.agree, "documented": o.drift, "undocumented": o.disagree} for o in outcomes]
    doc = {"schema": "symcheck-conformance/1", "package": PACKAGES["openclaw"].spec,
           "date": time.strftime("%Y-%m-%d", time.gmtime()), "checks": checks, "findings": reproduced}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"evidence for symcheck case: {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m conformance.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=10_000, help="draws per function (default 10000; repeats are dropped)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="one check (file stem or function name)")
    ap.add_argument("--package", choices=sorted(PACKAGES))
    ap.add_argument("--evidence", type=Path, default=HERE / "evidence.json",
                    help="where a full run records its evidence for `symcheck case` (default conformance/evidence.json)")
    args = ap.parse_args(argv)
    try:
        node = ensure_node()
        checks = load_checks(args.only, args.package)
        outcomes = [run_check(c, node, args.inputs, args.seed) for c in checks]
    except Skip as why:
        print(f"SKIP conformance: {why}")
        return 0
    print(table(outcomes))
    bad = sum(o.disagree for o in outcomes)
    found = 0
    reproduced: list = []
    if args.only is None and args.package in (None, "openclaw"):
        from conformance import audit_runtime, findings   # they import this module
        print()
        found = findings.main([], record=reproduced)
        print()
        found += audit_runtime.main([])
    if args.only is None and args.package is None:
        write_evidence(args.evidence, outcomes, reproduced)
    print(f"{len(outcomes)} functions, {sum(o.draws for o in outcomes)} draws, {sum(o.tried for o in outcomes)} distinct inputs, "
          f"{sum(o.agree for o in outcomes)} agree, {sum(o.drift for o in outcomes)} documented drift, "
          f"{bad} undocumented disagreements")
    return 1 if bad or found else 0


if __name__ == "__main__":
    sys.exit(main())
