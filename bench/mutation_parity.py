"""Mutation parity: plant the same bug in a reference TLA+ spec and in the symcheck claim
that ports it, run TLC and symcheck, and compare verdict, violated invariant and
shortest trace length. A port that agrees with TLC on the unmodified target can still
model the system differently (a queue one entry shorter, an extra guard); a bug planted
in both usually shows it.

    python bench/mutation_parity.py [--reference DIR] [--table FILE] [ID ...]

The mutants are in bench/mutation-parity.yaml: each has an `id`, a `target` (a make
target of the reference suite = a claim variant), a one-line `bug`, and two text
edits, `tla: {file, old, new}` applied to a scratch copy of the spec and
`claim: {old, new}` applied to the claim file's text; each `old` must occur exactly
once. An `expected_difference:` says why TLC and symcheck may disagree on that mutant;
any other disagreement (or an explained one that now agrees) fails: exit 1. Without
the reference suite or java, TLC is skipped and only symcheck runs. A full run writes
its table to bench/mutation-parity-results.md."""
from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tlc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TABLE = Path(__file__).resolve().parent / "mutation-parity.yaml"
RESULTS = Path(__file__).resolve().parent / "mutation-parity-results.md"
CLAIMS = ROOT / "claims"
TLC_TIMEOUT = 120  # seconds: a mutant whose state space has no bound never finishes


class TableError(Exception):
    """The mutant table is malformed: the message is located (file:line:col)."""


@dataclass(frozen=True)
class Mutant:
    id: str
    target: str
    bug: str
    tla: tuple[str, str, str]  # (spec file, old, new)
    claim: tuple[str, str]  # (old, new)
    expected_difference: str | None
    where: str  # file:line:col of the entry


@dataclass(frozen=True)
class Outcome:
    """A checker's answer, comparable across TLC and symcheck: verdict holds/violated/
    error, the violated invariant as the claims name it, the trace length in steps."""
    verdict: str
    invariant: str = ""
    steps: int | None = None
    detail: str = ""  # what to show: proved / holds to depth k / the error

    def cell(self) -> str:
        if self.verdict == "violated":
            return f"violated {self.invariant} in {self.steps}"
        return self.detail or self.verdict

    def same(self, other: Outcome) -> bool:
        return (self.verdict, self.invariant, self.steps) == (other.verdict, other.invariant, other.steps)


def load_table(path: Path) -> list[Mutant]:
    """The mutants of the table, each field checked, with file:line:col in every error."""
    text = path.read_text()
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise TableError(f"{loc}: not valid YAML: {getattr(exc, 'problem', exc)}") from None

    def loc(node) -> str:
        return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"

    def mapping(node, what: str) -> dict:
        if not isinstance(node, yaml.MappingNode):
            raise TableError(f"{loc(node)}: {what} must be a mapping")
        return {k.value: v for k, v in node.value}

    def string(fields: dict, key: str, owner, what: str, required: bool = True) -> str | None:
        node = fields.get(key)
        if node is None:
            if required:
                raise TableError(f"{loc(owner)}: {what} has no `{key}:`; add it (see the table's header comment)")
            return None
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise TableError(f"{loc(node)}: `{key}` of {what} must be a non-empty string")
        return str(node.value)

    top = mapping(root, "the table") if root is not None else {}
    seq = top.get("mutants")
    if not isinstance(seq, yaml.SequenceNode):
        raise TableError(f"{path}:1:1: the table needs a `mutants:` list")
    out, seen = [], {}
    for node in seq.value:
        f = mapping(node, "a mutant")
        mid = string(f, "id", node, "a mutant")
        what = f"mutant {mid}"
        if mid in seen:
            raise TableError(f"{loc(node)}: {what} is already defined at {seen[mid]}; ids must be unique")
        seen[mid] = loc(node)
        allowed = {"id", "target", "bug", "tla", "claim", "expected_difference"}
        for k, _ in node.value:
            if k.value not in allowed:
                raise TableError(f"{loc(k)}: {what}: unknown field `{k.value}` "
                                 f"(expected one of {', '.join(sorted(allowed))})")
        tla_node = f.get("tla")
        claim_node = f.get("claim")
        if tla_node is None or claim_node is None:
            raise TableError(f"{loc(node)}: {what} needs both a `tla:` and a `claim:` edit (the same bug in both)")
        t, c = mapping(tla_node, f"`tla` of {what}"), mapping(claim_node, f"`claim` of {what}")
        out.append(Mutant(
            mid, string(f, "target", node, what), string(f, "bug", node, what),
            (string(t, "file", tla_node, f"`tla` of {what}"), string(t, "old", tla_node, f"`tla` of {what}"),
             _raw(t.get("new"), tla_node, f"`tla` of {what}", loc)),
            (string(c, "old", claim_node, f"`claim` of {what}"),
             _raw(c.get("new"), claim_node, f"`claim` of {what}", loc)),
            string(f, "expected_difference", node, what, required=False), loc(node)))
    return out


def _raw(node, owner, what, loc) -> str:
    """`new` may be empty (a deletion) but must be present."""
    if node is None:
        raise TableError(f"{loc(owner)}: {what} has no `new:` (use new: \"\" to delete the text)")
    if not isinstance(node, yaml.ScalarNode):
        raise TableError(f"{loc(node)}: `new` of {what} must be a string")
    return str(node.value)


def compare(m: Mutant, t: Outcome | None, s: Outcome) -> str:
    """The parity column: agree, explained (the mutant's expected_difference), or why
    it fails. TLC skipped (t is None) leaves only symcheck's own errors to report."""
    if t is None:
        return "TLC skipped" if s.verdict != "error" else "symcheck error"
    if t.verdict == "error" or s.verdict == "error":
        return "error"
    if t.same(s):
        return "agree" if not m.expected_difference else "agrees: remove its expected_difference"
    return f"explained: {m.expected_difference}" if m.expected_difference else "DISAGREE"


def passes(parity: str) -> bool:
    return parity in ("agree", "TLC skipped") or parity.startswith("explained")


def run_symcheck(m: Mutant) -> Outcome:
    """Plant the claim edit in a scratch copy of the target's claim file (next to a link
    to claims/data, which claims read from) and prove the target variant."""
    import symcheck
    from symcheck.front.claims import load_model, variants_of
    from symcheck.errors import InputError

    entries = claim_catalog()
    if m.target not in entries:
        raise tlc.TextNotFound(f"{m.where}: mutant {m.id}: no claim variant named {m.target!r} in {CLAIMS}")
    original = entries[m.target].file
    where = f"mutant {m.id} ({m.where}): claim file {original.relative_to(ROOT)}"
    text = tlc.replace_once(original.read_text(), *m.claim, where)
    with tempfile.TemporaryDirectory(prefix="symcheck-mutant-") as tmp:
        (Path(tmp) / "data").symlink_to(CLAIMS / "data")
        copy = Path(tmp) / original.name
        copy.write_text(text)
        try:
            entry = {e.name: e for e in variants_of(copy)}[m.target]
            model = load_model(entry)
        except InputError as exc:
            return Outcome("error", detail=f"claim error: {exc}".splitlines()[0])
        r = symcheck.prove(model)
    if r.violated:
        return Outcome("violated", r.invariant or "", r.depth if r.loop_start is None else r.trace.length)
    if r.holds:
        return Outcome("holds", detail="proved" if r.proved else f"holds to depth {r.depth}")
    return Outcome("error", detail=f"unknown ({r.reason})")


def run_tlc(m: Mutant, reference: Path, make: dict) -> Outcome:
    if m.target not in make:
        raise tlc.TextNotFound(f"{m.where}: mutant {m.id}: no TLC target {m.target!r} in {reference / 'Makefile'}")
    try:
        run = tlc.run_target(reference, make[m.target], spec_edit=m.tla, timeout=TLC_TIMEOUT)
    except tlc.TextNotFound as exc:
        raise tlc.TextNotFound(f"mutant {m.id} ({m.where}): {exc}") from None
    if run.outcome == "holds":
        return Outcome("holds", detail="holds")
    if run.outcome == "timeout":
        return Outcome("error", detail=f"TLC gave no verdict in {TLC_TIMEOUT} s (state space without bound?)")
    if run.outcome == "deadlock":
        return Outcome("violated", "deadlock", run.trace_steps)
    if run.outcome in ("violated-invariant", "violated-temporal"):
        # TLC numbers a lasso's distinct states; symcheck's lasso length counts the same steps
        steps = run.trace_states if run.outcome == "violated-temporal" else run.trace_steps
        return Outcome("violated", "|".join(tlc.snake(p) for p in run.violated.split("|")), steps)
    lines = [ln for ln in run.output.splitlines() if ln.strip()]
    return Outcome("error", detail="TLC error: " + (lines[-1] if lines else "no output"))


@functools.cache
def claim_catalog() -> dict:
    """Every claim variant by name (read once)."""
    from symcheck.front.claims import catalog
    return catalog(CLAIMS)


def family(target: str) -> str:
    """The claim family (claim file) a target belongs to, or the target itself."""
    entries = claim_catalog()
    return entries[target].file.stem if target in entries else target


def markdown(rows: list[tuple[Mutant, Outcome | None, Outcome, str]]) -> str:
    head = ["# Mutation parity: the same bug planted in TLA+ and in the claim", "",
            "Written by `make mutation-parity` (bench/mutation_parity.py from bench/mutation-parity.yaml).",
            "Trace lengths are in steps (0: violated by the initial state).", "",
            "| mutant | target | bug | TLC | symcheck | parity |", "|---|---|---|---|---|---|"]
    body = [f"| {m.id} | {m.target} | {m.bug} | {t.cell() if t else 'skipped'} | {s.cell()} | {p} |"
            for m, t, s, p in rows]
    agree = sum(p == "agree" for *_, p in rows)
    explained = sum(p.startswith("explained") for *_, p in rows)
    fams = len({family(m.target) for m, *_ in rows})
    tail = ["", f"{len(rows)} mutants over {fams} claim families: {agree} agree, {explained} differ for a "
                f"stated reason, {len(rows) - agree - explained} disagree."]
    return "\n".join(head + body + tail) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", help="the reference suite checkout (default: $SYMCHECK_REFERENCE, else /work/ref)")
    ap.add_argument("--table", type=Path, default=TABLE, help="the mutant table (default: %(default)s)")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where a full run writes its table")
    ap.add_argument("only", nargs="*", metavar="ID", help="run only these mutants (the results file is not written)")
    args = ap.parse_args(argv)
    try:
        mutants = load_table(args.table)
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    unknown = [i for i in args.only if i not in {m.id for m in mutants}]
    if unknown:
        print(f"error: no mutant {', '.join(unknown)} in {args.table}", file=sys.stderr)
        return 2
    reference = tlc.reference_suite(args.reference)
    why = tlc.missing_tools(reference)
    if why:
        print(f"TLC skipped: {why}; running symcheck only")
    make = tlc.targets(reference) if not why else {}
    rows, failures, errors = [], 0, 0
    print(f"{'mutant':45} {'TLC':42} {'symcheck':42} parity")
    for m in mutants:
        if args.only and m.id not in args.only:
            continue
        try:
            t = None if why else run_tlc(m, reference, make)
            s = run_symcheck(m)
        except tlc.TextNotFound as exc:
            print(f"error: {exc}", file=sys.stderr)
            errors += 1
            continue
        parity = compare(m, t, s)
        failures += not passes(parity)
        rows.append((m, t, s, parity))
        print(f"{m.id:45} {t.cell() if t else 'skipped':42} {s.cell():42} {parity}", flush=True)
    total = len(rows) + errors
    print(f"{total} mutants: {sum(p == 'agree' for *_, p in rows)} agree, "
          f"{sum(p.startswith('explained') for *_, p in rows)} explained, {failures} fail, {errors} not applied")
    if not args.only and not why and not errors:
        args.results.write_text(markdown(rows))
        print(f"wrote {args.results.relative_to(ROOT) if args.results.is_relative_to(ROOT) else args.results}")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
