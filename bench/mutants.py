"""How sharp is the differential test? Plant one small bug at a time in a copy of the
encoder (symcheck/smt) or of an engine (symcheck/engines) and run the differential soak
on it: a good test fails on every mutant.

    python bench/mutants.py [--examples 300] [--seed 0] [--jobs 2] [--only TEXT]

Prints each mutant and whether the soak caught it (and after how many claims)."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what the bug is, the text in symcheck/smt/*.py or symcheck/engines/*.py, found exactly once, what it becomes)
MUTANTS = [
    ("sequence membership counts the slot after the end", "z3.And(coll.length > i, eq(x, item, ct.elem))",
     "z3.And(coll.length >= i, eq(x, item, ct.elem))"),
    ("floor division rounds like C for negative divisors", "q = z3.If(y > 0, x / y, (-x) / (-y))", "q = x / y"),
    ("tail of an empty sequence is not ill-formed", 'ctx.oblige(s.length > 0, "tail of an empty sequence")',
     "pass"),
    ("head of an empty sequence is not ill-formed", 'ctx.oblige(s.length > 0, "head of an empty sequence")',
     "pass"),
    ("a map read of the last key returns the first key's value", "acc = m.entries[-1][1]",
     "acc = m.entries[0][1]"),
    ("min(a, b) returns the larger", "acc = z3.If(v < acc, v, acc) if e.op is Opcode.MIN",
     "acc = z3.If(v <= acc, acc, v) if e.op is Opcode.MIN"),
    ("S <= T tests T <= S", "return z3.And([z3.Implies(x, b.bits[k]) for k, x in a.bits.items()])",
     "return z3.And([z3.Implies(b.bits[k], x) for k, x in a.bits.items()])"),
    ("S - T computes T - S", "Opcode.DIFFERENCE: lambda p, q: z3.And(p, z3.Not(q))",
     "Opcode.DIFFERENCE: lambda p, q: z3.And(q, z3.Not(p))"),
    ("choose is not lazy: later candidates may be ill-formed", "prev = z3.And(prev, z3.Not(sel))", "prev = prev"),
    ("all() is not lazy: later bindings may be ill-formed", "prev = z3.And(prev, z3.Implies(sel, val))",
     "prev = prev"),
    ("len of a sequence is capped at 1", "    return vals[0].length\n",
     "    return z3.If(vals[0].length > 1, 1, vals[0].length)\n"),
    ("append has no slot for the new item", "items = list(s.items) + [default(at.elem)]", "items = list(s.items)"),
    ("sum() counts unselected bindings as 1", "return z3.Sum([z3.If(s, v, 0) for _, s, v in rows]) if rows",
     "return z3.Sum([z3.If(s, v, 1) for _, s, v in rows]) if rows"),
    # (an earlier mutant here, "min(S) starts its fold from the largest element", was
    # equivalent: the start value shows only for an empty set, which is ill-formed)
    ("min(S) of a set returns the largest element",
     "keys = list(s.bits) if e.op is Opcode.SET_MAX else list(reversed(list(s.bits)))", "keys = list(s.bits)"),
    ("a state has no room for a sequence overflowing by two", "self.room = capacities(model)",
     "self.room = dict(model.variables)"),
    ("the guard's ill-formedness is ignored", "bad = z3.Or(z3.Not(guard_wf), z3.And(guard, z3.Not(upd_wf)))",
     "bad = z3.And(guard, z3.Not(upd_wf))"),
    # ---- the engines. What catches each, in tests/differential.py:
    # Houdini checks consecution in the state before the step, so every lemma true initially
    # is kept. Caught first by evaluating the kept lemmas in every reachable state
    # (engine_lemmas), and by design by the proof's re-check, which re-proves the lemmas
    # (engine_lemmas asserts it passes; it catches the mutant alone when the first check is
    # removed).
    ("Houdini keeps a lemma that is not inductive (consecution read before the step)",
     "after = dict(zip(kept, holds_in(enc, kept, 1), strict=True))",
     "after = dict(zip(kept, holds_in(enc, kept, 0), strict=True))"),
    # The same blindness in the helper that Houdini and the re-check share: lemmas read in
    # state 0 wherever they are instantiated, so the re-check passes them too, and a step
    # case that assumes a false lemma proves a violated claim. No solver-side check sees it;
    # the evaluator does: a kept lemma false in a reachable state (engine_lemmas), and,
    # without that check, a proof of a claim the evaluator finds violated (_proof_is_sound).
    ("a lemma that is not inductive passes Houdini and the re-check (lemmas read in state 0)",
     "out = enc.at(z3.And([cache[lemma] for lemma in lemmas]), i).children()",
     "out = enc.at(z3.And([cache[lemma] for lemma in lemmas]), 0).children()"),
    # The portfolio's winner is the first answer, unknown included: an unknown comes out as
    # a proof. Caught where a claim holds to the bound but is violated deeper
    # (engine_portfolio: a proof must never meet a reachable bad state).
    ("the portfolio takes the first answer even when it is unknown",
     "winner = next((a for a in attempts if a is not None and a.verdict in (PROVED, VIOLATED)), None)",
     "winner = next((a for a in attempts if a is not None), None)"),
    # The compiled successor function drops each action's last instance (the last value of
    # its last parameter): fewer reachable states, so a missed violation, a longer
    # counterexample or a false proof (engine_auto, whose explicit engine goes first, and
    # engine_explicit, against the evaluator's search).
    ("the explicit engine skips an action's last parameter value",
     'for i, params in enumerate(mine)), "rows")', 'for i, params in enumerate(mine[:-1])), "rows")'),
]


def caught_by(output: str) -> str:
    """Which check of tests/differential.py failed (its frames, outermost first, from the
    soak's traceback): a mutant that merely crashes the engine says so."""
    frames = [f for f in re.findall(r'differential\.py", line \d+, in (\w+)', output) if f != "check_case"]
    if not frames:
        return "a crash outside the differential checks"
    last = [line.strip() for line in output.splitlines() if line.strip().startswith(("AssertionError", "Error", "assert"))]
    return " > ".join(frames) + (f": {last[-1][:100]}" if last else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes of each soak")
    ap.add_argument("--only", default="", help="only the mutants whose description contains this text")
    args = ap.parse_args()
    sources = {p: p.read_text() for part in ("smt", "engines") for p in sorted((ROOT / "symcheck" / part).glob("*.py"))}
    caught = 0
    t0 = time.perf_counter()
    chosen = [m for m in MUTANTS if args.only in m[0]]
    for what, old, new in chosen:
        where = [p for p, text in sources.items() if old in text]
        if len(where) != 1 or sources[where[0]].count(old) != 1:
            print(f"  (stale mutant, text not found exactly once in symcheck/smt or symcheck/engines: {what})")
            return 2
        path = where[0]
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(ROOT / "symcheck", Path(tmp) / "symcheck")
            (Path(tmp) / path.relative_to(ROOT)).write_text(sources[path].replace(old, new))
            env = {**os.environ, "PYTHONPATH": tmp + os.pathsep + os.environ.get("PYTHONPATH", "")}
            proc = subprocess.run([sys.executable, str(ROOT / "bench" / "soak.py"), "--examples", str(args.examples),
                                   "--seed", str(args.seed), "--jobs", str(args.jobs), "--no-shrink", "--fail-fast"],
                                  capture_output=True, text=True, env=env, cwd=tmp)
        found = proc.returncode != 0
        caught += found
        print(f"  {'caught' if found else 'MISSED'}  {what}" + (f"  [by {caught_by(proc.stdout + proc.stderr)}]" if found else ""),
              flush=True)
    print(f"{caught} of {len(chosen)} planted bugs caught with {args.examples} claims (seed {args.seed}) "
          f"in {time.perf_counter() - t0:.0f} s")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
