"""Command line: prove, check, case, matrix, list, show, witness, catalog. Exit status 0 when every verdict is as
expected, 1 when some verdict is not, 2 for bad input or usage."""
from __future__ import annotations

import json
import os
import sys
import time
from functools import partial
from pathlib import Path

import click

from symcheck.api import load_model, load_models  # with the claims' assumptions (ASSUME) checked
from symcheck.front.claims import Entry, catalog, claims_dir, resolve
from symcheck.front.overrides import command_line as overrides_of
from symcheck.errors import InputError
from symcheck.options import (ENGINES, claims_option, cross_check_option, engine_options, memory_option,  # noqa: F401
                              override_options)
from symcheck.progress import CheckProgress, ProveProgress
from symcheck.report.artifacts import atomic_write as _atomic_write, write_artifacts
from symcheck.report.text import (as_json, coverage_flags, coverage_note, coverage_text, depth_cell, describe,
                                  markdown_table, overrides_summary, proof_flags, proof_note, result_document, text,
                                  witness_json, witness_text)
from symcheck.report.table import table, terminal_width

EXIT_OK, EXIT_UNEXPECTED, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _fail(exc: InputError):
    click.echo(str(exc), err=True)
    sys.exit(EXIT_INPUT)


def _run(model, depth, timeout, engine="auto", prove_timeout=None, memory=None, progress=None):
    from symcheck.api import prove
    return prove(model, depth=depth, timeout=timeout, memory=memory, progress=progress, engine=engine,
                 prove_timeout=prove_timeout)


def _check_engine(models, engine: str) -> None:
    """An engine named by --engine that cannot decide a claim: a usage error (exit 2)."""
    from symcheck.engines.auto import check_engine
    for model in models:
        check_engine(model, engine)


def _proof_phase(engine: str) -> str | None:
    """What the proof phase runs, for the progress line (None: no proof phase)."""
    return {"bmc": None, "auto": "portfolio", "sequential": "proof engines in turn"}.get(engine, engine)


def width_options(f):
    """`--wide` and `--width N`: a table fitted to the terminal, or not."""
    f = click.option("--width", type=click.IntRange(min=0), default=None, metavar="N",
                     help="Fit the table to N columns (0: no limit). Default: the terminal's width on a terminal, "
                          "full rows otherwise.")(f)
    f = click.option("--wide", is_flag=True,
                     help="Full rows, every column, however wide the terminal (as when the output is not a "
                          "terminal).")(f)
    return f


# how `check` fits its table: the columns that wrap, and those left out first when even wrapped it cannot fit
CHECK_WRAP = ("variant", "invariant", "coverage", "proof")
CHECK_DROP = ("seconds", "expected", "depth", "engine", "proof", "coverage", "invariant")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symcheck")
@claims_option
def main(claims):
    """symcheck: bounded model checking of OpenClaw security claims with Z3.

    Each claim is a YAML file under claims/: a finite transition system with
    invariants, a green variant that must hold and red variants that plant one bug
    and must be violated. Exit status: 0 every verdict as expected, 1 some verdict
    not as expected (or unknown), 2 bad input or usage.
    """


def _claims_dir(claims: str | None) -> Path:
    """The claims directory: --claims after the subcommand, else before it
    (`symcheck --claims DIR prove X`), else the default (claims_dir)."""
    return claims_dir(_chosen_claims(claims))


def _chosen_claims(claims: str | None) -> str | None:
    return claims or click.get_current_context().find_root().params.get("claims")


def _bundled_claims(claims: str | None) -> bool:
    """The claims directory is the one installed with symcheck, found from no choice of
    the user's: an editable install's is a clone's claims/, whose docs/ is not theirs to
    rewrite from an unrelated folder."""
    return not (_chosen_claims(claims) or os.environ.get("SYMCHECK_CLAIMS") or Path("claims").is_dir())


@main.command()
@click.argument("target")
@click.option("--depth", "-k", type=click.IntRange(0, 1000), default=None,
              help="Number of steps to explore (default: the claim's depth).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "sarif"]), default="text",
              show_default=True,
              help="json: versioned (schema symcheck-result/1); junit: JUnit XML; sarif: SARIF 2.1.0.")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Give up with verdict unknown after this many seconds.")
@click.option("--max-traces", type=click.IntRange(1, 1000), default=None, metavar="N",
              help="Up to N counterexamples that differ in their action sequence, shortest first, "
                   "grouped by invariant (JSON: one result per counterexample, numbered).")
@click.option("--coverage", is_flag=True,
              help="Also report the first step each action fires and the first state each premise is true.")
@engine_options
@memory_option
@override_options
@claims_option
def prove(target, depth, fmt, timeout, max_traces, coverage, engine, prove_timeout, memory, settings,
          constants_file, claims):
    """Check one claim variant (NAME, or FILE:VARIANT) or every variant of a claim FILE."""
    if max_traces is not None and fmt in ("junit", "sarif"):
        click.echo(f"error: --max-traces writes text or json, not {fmt} (one report per variant)", err=True)
        sys.exit(EXIT_INPUT)
    try:
        overrides = overrides_of(settings, constants_file)
        models = load_models(resolve(target, _claims_dir(claims)), overrides)
        _check_engine(models, engine)
    except InputError as exc:
        _fail(exc)
    ok = True
    outputs, checked = [], []
    for model in models:
        if max_traces is not None:
            ok &= _prove_many(model, depth, timeout, max_traces, fmt, outputs)
            continue
        t0 = time.perf_counter()
        try:
            bound = model.depth if depth is None else depth
            with ProveProgress(model.name, bound, _proof_phase(engine)) as shown:
                r = _run(model, depth, timeout, engine, prove_timeout, memory, progress=shown if shown.wanted else None)
        except KeyboardInterrupt:
            click.echo(f"{model.name}: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        if coverage and r.verdict != "unknown":
            from symcheck.api import cover
            r.coverage = cover(model, model.depth if depth is None else depth, timeout=timeout)
        ok &= r.as_expected
        checked.append((model, r, time.perf_counter() - t0))
        if fmt == "json":
            outputs.append(as_json(model, r))
        elif fmt == "text":
            click.echo(text(model, r) + (coverage_text(r.coverage) if r.coverage is not None else ""))
    if fmt == "json":
        click.echo(json.dumps(result_document(outputs), indent=2))
    elif fmt in ("junit", "sarif"):
        _echo_report(fmt, checked)
    sys.exit(EXIT_OK if ok else EXIT_UNEXPECTED)


def _prove_many(model, depth, timeout, max_traces, fmt, outputs) -> bool:
    """`prove --max-traces`: every counterexample found, one after the other."""
    from symcheck.api import counterexamples
    results = counterexamples(model, max_traces, depth=depth, timeout=timeout)
    if fmt == "json":
        for i, r in enumerate(results, 1):
            outputs.append({**as_json(model, r), **({"counterexample": i} if r.violated else {})})
    elif results[0].violated:
        click.echo(f"{model.name}: {len(results)} counterexample{'s' if len(results) != 1 else ''} "
                   f"(up to {max_traces}), shortest first, grouped by invariant\n")
        for i, r in enumerate(results, 1):
            click.echo(f"=== counterexample {i} of {len(results)}: {r.invariant}, {r.length} "
                       f"step{'s' if r.length != 1 else ''}")
            click.echo(text(model, r))
    else:
        click.echo(text(model, results[0]))
    return results[0].as_expected


def _echo_report(fmt: str, results: list) -> None:
    """Print (model, result, seconds) triples as a JUnit XML or SARIF document."""
    if fmt == "junit":
        from symcheck.report.junit import junit_xml
        click.echo(junit_xml(results), nl=False)
    else:
        from symcheck.report.artifacts import symcheck_version
        from symcheck.report.sarif import sarif_log
        click.echo(json.dumps(sarif_log(results, version=symcheck_version()), indent=2))


def _select(names, directory) -> list[Entry]:
    table_ = catalog(directory)
    if not names:
        return list(table_.values())
    chosen = []
    for name in names:
        family = [e for e in table_.values() if e.variant.doc.get("claim").value == name]
        if family:  # a family name selects the green claim and all its variants
            chosen.extend(family)
        elif name in table_:
            chosen.append(table_[name])
        else:
            chosen.extend(resolve(name, directory))  # a file, or an error with a suggestion
    return list({e.name: e for e in chosen}.values())


@main.command()
@click.argument("names", nargs=-1)
@click.option("--depth", "-k", type=click.IntRange(0, 1000), default=None,
              help="Override every claim's depth.")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Per-variant time limit (verdict unknown when hit).")
@memory_option
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "junit", "sarif"]), default="text",
              show_default=True,
              help="json: versioned (schema symcheck-result/1); junit: JUnit XML; sarif: SARIF 2.1.0.")
@click.option("--results", "results_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Also write the artifacts for CI into DIR: results.json, itf/*.itf.json (counterexamples), "
                   "junit.xml, results.sarif, summary.md, run.log, and each variant's JSON result and text report.")
@click.option("--coverage/--no-coverage", default=True, show_default=True,
              help="Check each green for dead actions and vacuous invariants (column `coverage`).")
@click.option("--strict", is_flag=True,
              help="A green with dead actions or a vacuous invariant, or one that holds only to the bound "
                   "where its claim does not acknowledge it (`unproved:`), is a failure.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check N variants at once, each in its own process (default: the number of cores); "
                   "the output keeps the order of a one-at-a-time run.")
@engine_options
@override_options
@width_options
@claims_option
@cross_check_option
def check(names, depth, timeout, memory, fmt, results_dir, coverage, strict, jobs, engine, prove_timeout, settings,
          constants_file, wide, width, claims, cross):
    """Check every claim variant against its expected verdict and print a table.

    NAMES restrict the run: a family name (the `claim:` id) selects its green claim
    and all its variants; a variant name, or FILE:VARIANT, selects that variant. For each green that
    holds, the `coverage` column flags actions that never fire and invariants whose
    premise is never true within the bound, and the `proof` column what holds only to
    the bound without an `unproved:` entry (`--strict`: a failure)."""
    try:
        overrides = overrides_of(settings, constants_file)
        models = load_models(_select(names, _claims_dir(claims)), overrides)
        _check_engine(models, engine)
    except InputError as exc:
        _fail(exc)
    headers = ["variant", "expected", "verdict", "depth", "engine", "invariant", "seconds", "ok", "coverage", "proof"]
    rows, results = [], []
    interrupted = False
    finished: dict[int, tuple] = {}  # index in models -> (result, seconds), in finishing order
    check_one = partial(_check_one, depth=depth, timeout=timeout, engine=engine, prove_timeout=prove_timeout,
                        memory=memory, coverage=coverage, cross=cross)
    try:
        with CheckProgress(len(models)) as shown:
            def done(i: int, outcome: tuple) -> None:
                finished[i] = outcome
                r, secs = outcome
                shown.finished(models[i].name, r.verdict, r.engine, secs, _good(r, models[i], strict))

            _check_all(models, check_one, jobs or os.cpu_count() or 1, done)
    except KeyboardInterrupt:
        interrupted = True
    for i in sorted(finished):  # the selection order, whatever the finishing order
        model, (r, secs) = models[i], finished[i]
        results.append((model, r, secs))
        rows.append([model.name, model.expect, r.verdict, depth_cell(r), r.engine, r.invariant or "-",
                     f"{secs:.2f}", "ok" if _good(r, model, strict) else "FAIL", coverage_note(r.coverage, model),
                     proof_note(r, model)])
    failed = [m.name for m, r, _ in results if not r.as_expected]
    flagged = [m.name for m, r, _ in results if _flagged(r, m)]
    unproved = [m.name for m, r, _ in results if proof_flags(r, m)]
    if fmt == "json":
        click.echo(json.dumps(result_document([as_json(m, r) for m, r, _ in results]), indent=2))
    elif fmt in ("junit", "sarif"):
        _echo_report(fmt, results)
    elif fmt == "markdown":
        click.echo(markdown_table(rows, headers))
    else:
        click.echo(table(rows, headers, terminal_width(wide, width), wrap=CHECK_WRAP, drop=CHECK_DROP))
        click.echo(f"\n{len(results)} variants checked, {len(results) - len(failed)} as expected, "
                   f"{len(failed)} not as expected" + (" (interrupted)" if interrupted else ""))
        for m, r, _ in results:
            if not r.as_expected:
                click.echo(f"  not as expected: {m.name}" + (f" ({r.reason})" if cross and r.reason else ""))
        for line in overrides_summary(models):
            click.echo(line)
        if flagged:
            click.echo(f"{len(flagged)} green{'s' if len(flagged) != 1 else ''} flagged by the coverage check "
                       f"(dead actions or vacuous invariants{'; a failure under --strict' if strict else ''}):")
            for m, r, _ in results:
                if _flagged(r, m):
                    click.echo(f"  flagged: {m.name}: {coverage_note(r.coverage, m)}")
        if unproved:
            click.echo(f"{len(unproved)} green{'s' if len(unproved) != 1 else ''} flagged by the proof check (held "
                       f"only to the bound without an `unproved:` entry, or an entry proved after all"
                       f"{'; a failure under --strict' if strict else ''}):")
            for m, r, _ in results:
                if proof_flags(r, m):
                    click.echo(f"  flagged: {m.name}: {proof_note(r, m)}")
    if results_dir:
        try:
            write_results(Path(results_dir), results, command=_command_line())
        except KeyboardInterrupt:  # every file is complete or absent: each is renamed into place
            interrupted = True
    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_OK if not failed and not (strict and (flagged or unproved)) and results else EXIT_UNEXPECTED)


def _check_one(model, **kw) -> tuple:
    """One variant of `check`: its result and seconds (api.check_variant)."""
    from symcheck.api import check_variant
    return check_variant(model, **kw)


def preload() -> None:
    """Import what every variant's check imports, once, before the workers fork: each
    would import it again (about 60 ms a variant, more than a small claim's check)."""
    import symcheck.engines.auto  # noqa: F401
    import symcheck.engines.vacuity  # noqa: F401
    import symcheck.explicit.evaluator  # noqa: F401
    import symcheck.report.explain  # noqa: F401
    import symcheck.report.text  # noqa: F401


def _check_all(models, check_one, jobs: int, done) -> None:
    """`check_one(model)` for every model, `jobs` at a time in forked processes (one at a
    time in this process for --jobs 1 or a single variant); `done(index, (result,
    seconds))` as each finishes. A variant whose process dies is unknown with the reason."""
    from symcheck.limits import run_parallel, supported
    if jobs == 1 or len(models) < 2 or not supported():
        for i, model in enumerate(models):
            done(i, check_one(model))
        return
    preload()
    from symcheck.trace import UNKNOWN, Result

    def failed(i: int, why: str) -> tuple:
        m = models[i]
        return Result(m.name, UNKNOWN, 0, m.expect, reason=why), 0.0

    run_parallel([partial(check_one, m) for m in models], jobs, failed, done=done)


def _good(r, model, strict: bool) -> bool:
    return r.as_expected and not (strict and not _strict_ok(r, model))


def _flagged(r, model) -> bool:
    return bool(coverage_flags(r.coverage, model))


def _strict_ok(r, model) -> bool:
    """Under --strict a green must also be covered and either proved or acknowledged as
    bounded; `unknown` never counts as holding (it is not as expected)."""
    return not _flagged(r, model) and not proof_flags(r, model)


def _command_line() -> str:
    """The command that is running, as typed (`symcheck` for the program, whether it ran
    as the installed script or as `python -m symcheck.cli`): results name what made them."""
    import shlex
    return shlex.join(["symcheck", *sys.argv[1:]])


def write_results(directory: Path, results: list, command: str = "symcheck check --results DIR") -> None:
    """The artifacts for CI (see symcheck.report.artifacts)."""
    write_artifacts(directory, results, command=command)


@main.command(name="case")
@click.option("--results", "results_dir", type=click.Path(file_okay=False, exists=True), default=None, metavar="DIR",
              help="Verdicts from DIR/results.json (`check --results DIR`) instead of checking.")
@click.option("--conformance", "conformance_file", type=click.Path(dir_okay=False, exists=True), default=None,
              metavar="FILE", help="Conformance evidence (default: conformance/evidence.json beside the claims).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-", metavar="FILE")
@click.option("--baseline", type=click.Path(dir_okay=False, exists=True), default=None, metavar="FILE",
              help="A committed case (JSON): exit 1 when this one is weaker, or stronger without it updated.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N", help="Variants checked at once.")
@engine_options
@claims_option
def case_(results_dir, conformance_file, fmt, output, baseline, jobs, engine, prove_timeout, claims):
    """The security case: per policy area, the claims and their strength, assumptions, evidence, findings, gaps."""
    from symcheck.report.case import assemble, compare, markdown
    directory = claims_dir(claims)
    try:
        models = load_models(_select((), directory))
    except InputError as exc:
        _fail(exc)
    if results_dir:
        verdicts = {r["claim"]: r for r in json.loads((Path(results_dir) / "results.json").read_text())["results"]}
    else:
        verdicts = {}
        with CheckProgress(len(models)) as shown:
            def done(i: int, outcome: tuple) -> None:
                shown.finished(models[i].name, outcome[0].verdict, outcome[0].engine, outcome[1], outcome[0].as_expected)
                verdicts[models[i].name] = as_json(models[i], outcome[0], timings=False)
            _check_all(models, partial(_check_one, depth=None, timeout=None, engine=engine, prove_timeout=prove_timeout,
                                       memory=None, coverage=False), jobs or os.cpu_count() or 1, done)
    document = assemble(models, verdicts, directory, conformance_file)
    rendered = json.dumps(document, indent=2) + "\n" if fmt == "json" else markdown(document)
    click.echo(rendered, nl=False) if output == "-" else _atomic_write(Path(output), rendered)
    if baseline:
        weaker, stronger = compare(json.loads(Path(baseline).read_text(encoding="utf-8")), document)
        click.echo("".join([f"weaker than the baseline: {w}\n" for w in weaker] + [
            f"stronger than the baseline (update it: make results): {x}\n" for x in stronger]), err=True, nl=False)
        click.echo(f"the case matches its baseline {baseline}", err=True) if not (weaker or stronger) else None
        sys.exit(EXIT_UNEXPECTED if weaker or stronger else EXIT_OK)


@main.command(name="matrix")
@click.argument("target")
@click.option("--depth", "-k", type=click.IntRange(0, 1000), default=None,
              help="Number of steps to explore (default: the claim's depth).")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Give up after this many seconds: configurations not yet decided are unknown.")
@click.option("--prove-timeout", type=click.FloatRange(min=0), default=60.0, metavar="SECONDS", show_default=True,
              help="Time budget for proving every non-violating configuration at once by k-induction "
                   "(0: bounded only).")
@override_options
@claims_option
def matrix_(target, depth, fmt, timeout, prove_timeout, settings, constants_file, claims):
    """List every configuration of a claim's symbolic constants with its verdict.

    Violating configurations are enumerated (shortest violation first, each blocked
    once found); all the others are then proved at once by k-induction, or hold to
    the depth when the proof does not come within --prove-timeout. Exit status 0 when the
    overall verdict is as expected (a green expects every configuration to hold)."""
    from symcheck.api import check_matrix
    from symcheck.report.text import matrix_document, matrix_json, matrix_text
    try:
        overrides = overrides_of(settings, constants_file)
        models = load_models(resolve(target, _claims_dir(claims)), overrides)
    except InputError as exc:
        _fail(exc)
    results = [check_matrix(m, depth, timeout=timeout, prove_timeout=prove_timeout or None) for m in models]
    if fmt == "json":
        click.echo(json.dumps(matrix_document([matrix_json(r, model=m) for m, r in zip(models, results)]), indent=2))
    else:
        click.echo("\n".join(matrix_text(r, fmt, model=m) for m, r in zip(models, results)), nl=False)
    sys.exit(EXIT_OK if all(m.as_expected for m in results) else EXIT_UNEXPECTED)


@main.command(name="list")
@click.option("--names", is_flag=True, help="Print only the variant names, one per line.")
@width_options
@claims_option
def list_(names, wide, width, claims):
    """List every claim variant with its expected verdict."""
    try:
        entries = catalog(_claims_dir(claims))
    except InputError as exc:
        _fail(exc)
    if names:
        click.echo("\n".join(entries))
        return
    rows = []
    for name, e in entries.items():
        doc = e.variant.doc
        expect = doc.get("expect").value if doc.get("expect") is not None else "holds"
        rows.append([name, expect, e.variant.bug or _title(doc), str(e.file)])
    click.echo(table(rows, ["variant", "expected", "bug / title", "file"], terminal_width(wide, width),
                     wrap=("variant", "bug / title"), drop=("file",)))


def _title(doc) -> str:
    node = doc.get("title")
    return str(node.value) if node is not None else ""


@main.command()
@click.argument("name")
@click.argument("action", required=False)
@click.option("--premise", "invariant", metavar="INVARIANT", default=None,
              help="Witness the premise of this invariant instead of an action.")
@click.option("--depth", "-k", type=click.IntRange(0, 1000), default=None,
              help="Number of steps to explore (default: the claim's depth).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@override_options
@claims_option
def witness(name, action, invariant, depth, fmt, settings, constants_file, claims):
    """Print the shortest trace to the first firing of ACTION in claim variant NAME, or
    (--premise INVARIANT) to the first state where the invariant's premise is true.
    Exit status 0 when found, 1 when not within the bound, 2 for unknown names."""
    from symcheck.api import witness as find_witness
    if (action is None) == (invariant is None):
        click.echo("error: name an ACTION or give --premise INVARIANT (one of the two)", err=True)
        sys.exit(EXIT_INPUT)
    try:
        entries = resolve(name, _claims_dir(claims))
        if len(entries) != 1:
            raise InputError(None, f"{name} holds {len(entries)} variants; name one of them: "
                                   + ", ".join(e.name for e in entries))
        model = load_model(entries[0], overrides_of(settings, constants_file))
        trace = find_witness(model, action=action, premise=invariant, depth=depth)
    except InputError as exc:
        _fail(exc)
    kind, target = ("action", action) if action is not None else ("premise", invariant)
    bound = model.depth if depth is None else depth
    if fmt == "json":
        click.echo(json.dumps(witness_json(model, kind, target, trace, bound), indent=2))
    else:
        click.echo(witness_text(model, kind, target, trace, bound))
    sys.exit(EXIT_OK if trace is not None else EXIT_UNEXPECTED)


@main.command()
@click.argument("target")
@claims_option
def show(target, claims):
    """Show a claim variant (NAME, or FILE:VARIANT; a FILE: each of its variants) in brief:
    constants, variables, actions, invariants and, for a variant, its patch against the green claim."""
    try:
        for e in resolve(target, _claims_dir(claims)):
            click.echo(describe(load_model(e)))
    except InputError as exc:
        _fail(exc)


@main.command(name="catalog")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Where to write the catalog (- for standard output); default docs/claims.md beside the "
                   "claims directory, which must exist.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if OUTPUT differs from what would be written.")
@claims_option
def catalog_(output, check_only, claims):
    """Write the claim catalog (Markdown) from the claim files: per family its
    statement, source, data files, notes and a table of variants with their bug and
    expected verdict."""
    from symcheck.report.catalog import default_output, render
    try:
        if output is None and _bundled_claims(claims):
            raise InputError(None, "no claims directory here (no ./claims, no --claims, no $SYMCHECK_CLAIMS): the "
                                   "catalog of the claims installed with symcheck is written only where you say",
                             "pass --output FILE, or --output - to print it; in a clone, run it from the clone "
                             "(or make docs)")
        text_ = render(_claims_dir(claims))
        path = Path(output) if output else default_output(_claims_dir(claims))
    except InputError as exc:
        _fail(exc)
    if output == "-":
        click.echo(text_, nl=False)
        return
    if check_only:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text_:
            click.echo(f"{path} is stale: run `symcheck catalog` (or `make docs`) to regenerate it", err=True)
            sys.exit(EXIT_UNEXPECTED)
        click.echo(f"{path} is up to date")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, text_)
    except OSError as exc:
        _fail(InputError(None, f"cannot write {path}: {exc.strerror}"))
    click.echo(f"wrote {path}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default serves this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Checks run at once; beyond that a request is answered 503 with Retry-After.")
@click.option("--time-limit", type=click.FloatRange(min=0.1, max=600), default=10.0, show_default=True,
              metavar="SECONDS", help="Hard time limit of each check (verdict unknown when hit).")
@click.option("--memory-limit", type=click.IntRange(64, 65536), default=512, show_default=True, metavar="MB",
              help="Hard memory limit of each check's worker process (verdict unknown when hit).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another name the server answers for, besides its address and localhost (the Host header; "
                   "repeat for more): a name this machine is reached by.")
@claims_option
def serve(host, port, workers, time_limit, memory_limit, allow_hosts, claims):
    """Serve the web page for running claims: browse the catalog, edit a claim and its
    constants, run it under hard limits, step through its trace, explore it by hand,
    share a run by its link."""
    try:
        import uvicorn  # noqa: F401 - guard.run serves with it

        from symcheck.serve import guard
        from symcheck.serve.app import create_app
    except ImportError as exc:
        click.echo(f"error: symcheck serve needs {exc.name}: pip install 'symcheck[serve]'", err=True)
        sys.exit(EXIT_INPUT)
    try:  # the catalog is read now: a bad claims directory is reported here, not on the first request
        app = create_app(_claims_dir(claims), workers=workers, time_limit=time_limit, memory_limit=memory_limit,
                         host=host, allow_hosts=allow_hosts)
    except InputError as exc:
        _fail(exc)
    shown = "localhost" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host  # a Host it answers
    click.echo(f"symcheck serve: http://{shown}:{port}/ ({workers} checks at once, {time_limit:g} s and "
               f"{memory_limit} MB each)", err=True)
    guard.run(app, host, port)


if __name__ == "__main__":  # pragma: no cover
    main()
