"""Command line: prove, check, list, show. Exit status 0 when every verdict is as
expected, 1 when some verdict is not, 2 for bad input or usage."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from .claims import Entry, catalog, claims_dir, load_model, resolve
from .errors import InputError
from .report import as_json, describe, markdown_table, table, text

EXIT_OK, EXIT_UNEXPECTED, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130


def _fail(exc: InputError):
    click.echo(str(exc), err=True)
    sys.exit(EXIT_INPUT)


def _progress(d: int, seconds: float) -> None:
    if seconds > 2:  # only runs that take a while report their progress
        click.echo(f"  ... depth {d} explored ({seconds:.1f} s)", err=True)


def _run(model, depth, timeout, memory=None):
    from .api import prove
    return prove(model, depth=depth, timeout=timeout, memory=memory,
                 progress=_progress if sys.stderr.isatty() else None)


claims_option = click.option("--claims", "claims", metavar="DIR", default=None,
                             help="Claims directory (default: $SYMCHECK_CLAIMS, else ./claims).")
memory_option = click.option("--memory", type=click.IntRange(min=1), default=None, metavar="MB",
                             help="Per-check memory limit in megabytes (verdict unknown when hit).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symcheck")
def main():
    """symcheck: bounded model checking of OpenClaw security claims with Z3.

    Each claim is a YAML file under claims/: a finite transition system with
    invariants, a green variant that must hold and red variants that plant one bug
    and must be violated. Exit status: 0 every verdict as expected, 1 some verdict
    not as expected (or unknown), 2 bad input or usage.
    """


@main.command()
@click.argument("target")
@click.option("--depth", "-k", type=click.IntRange(0, 1000), default=None,
              help="Number of steps to explore (default: the claim's depth).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Give up with verdict unknown after this many seconds.")
@memory_option
@claims_option
def prove(target, depth, fmt, timeout, memory, claims):
    """Check one claim variant (NAME) or every variant of a claim FILE."""
    try:
        entries = resolve(target, claims_dir(claims))
        models = [load_model(e) for e in entries]
    except InputError as exc:
        _fail(exc)
    ok = True
    outputs = []
    for model in models:
        try:
            r = _run(model, depth, timeout, memory)
        except KeyboardInterrupt:
            click.echo(f"{model.name}: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        ok &= r.as_expected
        if fmt == "json":
            outputs.append(as_json(model, r))
        else:
            click.echo(text(model, r))
    if fmt == "json":
        click.echo(json.dumps(outputs[0] if len(outputs) == 1 else outputs, indent=2))
    sys.exit(EXIT_OK if ok else EXIT_UNEXPECTED)


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
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--results", "results_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Also write each variant's JSON result and text trace, and summary.md, into DIR.")
@claims_option
def check(names, depth, timeout, memory, fmt, results_dir, claims):
    """Check every claim variant against its expected verdict and print a table.

    NAMES restrict the run: a family name (the `claim:` id) selects its green claim
    and all its variants; a variant name selects that variant."""
    try:
        entries = _select(names, claims_dir(claims))
        models = [load_model(e) for e in entries]
    except InputError as exc:
        _fail(exc)
    headers = ["variant", "expected", "verdict", "depth", "invariant", "seconds", "ok"]
    rows, results = [], []
    interrupted = False
    width = max(len(m.name) for m in models) if models else 10
    try:
        for model in models:
            t0 = time.perf_counter()
            r = _run(model, depth, timeout, memory)
            secs = time.perf_counter() - t0
            results.append((model, r, secs))
            rows.append([model.name, model.expect, r.verdict, r.depth, r.invariant or "-", f"{secs:.2f}",
                         "ok" if r.as_expected else "FAIL"])
            if fmt == "text" and sys.stderr.isatty():
                click.echo(f"  {model.name:<{width}}  {r.verdict:<8} {'ok' if r.as_expected else 'FAIL'}", err=True)
    except KeyboardInterrupt:
        interrupted = True
    failed = [m.name for m, r, _ in results if not r.as_expected]
    if fmt == "json":
        click.echo(json.dumps([as_json(m, r) for m, r, _ in results], indent=2))
    elif fmt == "markdown":
        click.echo(markdown_table(rows, headers))
    else:
        click.echo(table(rows, headers))
        click.echo(f"\n{len(results)} variants checked, {len(results) - len(failed)} as expected, "
                   f"{len(failed)} not as expected" + (" (interrupted)" if interrupted else ""))
        for name in failed:
            click.echo(f"  not as expected: {name}")
    if results_dir:
        try:
            write_results(Path(results_dir), results)
        except KeyboardInterrupt:  # every file is complete or absent: each is renamed into place
            interrupted = True
    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_OK if not failed and results else EXIT_UNEXPECTED)


def _atomic_write(path: Path, content: str) -> None:
    """Write a temporary file beside `path`, then rename it into place: an interrupted
    run leaves the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_results(directory: Path, results: list) -> None:
    """Per variant `<name>.json` and `<name>.txt` (no timings: reproducible), and
    summary.md with the table and timings."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for model, r, secs in results:
        _atomic_write(directory / f"{model.name}.json", json.dumps(as_json(model, r, timings=False), indent=2) + "\n")
        _atomic_write(directory / f"{model.name}.txt", text(model, r))
        rows.append([model.name, model.expect, r.verdict, r.depth, r.invariant or "-",
                     "yes" if r.as_expected else "**NO**", f"{secs:.2f}"])
    total = sum(s for _, _, s in results)
    summary = ["# symcheck results", "",
               "Generated by `make results` (`symcheck check --results results`). Trace files hold no "
               "timings; seconds below vary from run to run.", "",
               markdown_table(rows, ["variant", "expected", "verdict", "depth", "invariant", "as expected",
                                     "seconds"]),
               "", f"{len(results)} variants, {sum(1 for _, r, _ in results if r.as_expected)} as expected, "
                   f"{total:.1f} s in all.", ""]
    _atomic_write(directory / "summary.md", "\n".join(summary))


@main.command(name="list")
@click.option("--names", is_flag=True, help="Print only the variant names, one per line.")
@claims_option
def list_(names, claims):
    """List every claim variant with its expected verdict."""
    try:
        entries = catalog(claims_dir(claims))
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
    click.echo(table(rows, ["variant", "expected", "bug / title", "file"]))


def _title(doc) -> str:
    node = doc.get("title")
    return str(node.value) if node is not None else ""


@main.command()
@click.argument("target")
@claims_option
def show(target, claims):
    """Show a claim variant in brief: constants, variables, actions, invariants and,
    for a variant, its patch against the green claim."""
    try:
        for e in resolve(target, claims_dir(claims)):
            click.echo(describe(load_model(e)))
    except InputError as exc:
        _fail(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
