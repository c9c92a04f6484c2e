"""The README and docs/*.md show what symcheck does, and the tests hold them to it.

- Every `$ symcheck ...` line in a code block is run, and the lines shown after it must be
  its output. (Other commands, such as the minutes-long `$ make soak`, are not run.)
- Every ```python block is run, in order per file, in the same scratch project.
- A JSON example introduced by `<!-- example: symcheck ARGS -->` is compared with what the
  command prints: the keys it shows, in order, and the values it shows (`"..."` stands for
  any value, and a `"...": "..."` entry for any further keys).
- A `$ curl` call of `symcheck serve`'s API is sent to the app, and the JSON example
  after it compared with the answer the same way (tests/test_serve_docs.py).
- Links between the files point at files and headings that exist.

Shown output is an excerpt: a line `...` stands for any number of output lines (none
included); every other line must match an output line exactly, in order and without a
gap except at a `...`. The only normalisation is that trailing spaces are ignored
(table cells are padded). The commands run in a scratch project: a copy of `claims/`
with the tutorial's `claims/approval-expiry.yaml` added, as a reader who follows the
tutorial has it, each in a fresh process; its output is what it writes to standard
output, then to standard error. Each must exit 0 (the docs show only runs as expected).

SYMCHECK_UPDATE_README=1 rewrites the shown output lines from the real output and
nothing else: each part of an excerpt between `...` lines keeps its number of lines,
`$` lines, `...` lines and the prose stay as they are. The first part is taken from the
start of the output (unless the excerpt starts with `...`), the last from its end
(unless it ends with `...`), and a part in between from where the output is most
like it. Review the diff before committing it."""
from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import symcheck
from conftest import CLAIMS, ROOT

README = ROOT / "README.md"
# the files whose examples are run: the README and the hand-written docs (docs/claims.md is generated)
DOCS = [README] + sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "claims.md")
UPDATE_README = os.environ.get("SYMCHECK_UPDATE_README") == "1"
GAP = "..."


@dataclass
class Shown:
    """One `$ symcheck ...` line of the README and the output lines shown after it."""
    command: str
    first: int  # README line index of the first shown output line
    lines: list[str]
    indent: str = ""  # of the code block, for blocks inside list items


def shown_commands(readme: list[str]) -> list[Shown]:
    """The `$ symcheck` lines of the README's code blocks (indented blocks included) with
    the lines after them. Other commands (`$ make soak`, minutes long) are not run."""
    found, in_block, current, indent = [], False, None, ""
    for i, line in enumerate(readme):
        if line.lstrip().startswith("```"):
            in_block, current, indent = not in_block, None, line[:len(line) - len(line.lstrip())]
        elif in_block and line.startswith(indent + "$ "):
            current = Shown(line[len(indent) + 2:], i + 1, [], indent) if line.startswith(indent + "$ symcheck ") else None
            found += [current] if current else []
        elif current is not None:
            current.lines.append(line[len(indent):])
    return found


def tutorial_claim(readme_text: str) -> str:
    return readme_text.split("Write `claims/approval-expiry.yaml`:")[1].split("```yaml\n")[1].split("```")[0]


def parts(lines: list[str]) -> list[list[str]]:
    """The excerpt split at its `...` lines (an empty part before a leading or after a
    trailing `...`)."""
    out = [[]]
    for line in lines:
        if line == GAP:
            out.append([])
        else:
            out[-1].append(line)
    return out


def find(part: list[str], output: list[str], start: int) -> int | None:
    for i in range(start, len(output) - len(part) + 1):
        if output[i:i + len(part)] == part:
            return i
    return None


def matches(shown: list[str], output: list[str]) -> bool:
    shown = [line.rstrip() for line in shown]
    output = [line.rstrip() for line in output]
    ps = parts(shown)
    if len(ps) == 1:
        return ps[0] == output
    first, *middle, last = ps
    if output[:len(first)] != first:
        return False
    at = len(first)
    for part in middle:
        found = find(part, output, at)
        if found is None:
            return False
        at = found + len(part)
    return len(output) - len(last) >= at and output[len(output) - len(last):] == last


def refreshed(shown: list[str], output: list[str]) -> list[str]:
    """The excerpt with its lines replaced by the output's (see the module docstring)."""
    output = [line.rstrip() for line in output]
    ps = parts(shown)
    if len(ps) == 1:
        return output
    first, *middle, last = ps
    new, at = [output[:len(first)]], len(first)
    end = len(output) - len(last)
    for part in middle:
        candidates = range(at, max(at, end - len(part)) + 1)
        best = max(candidates, key=lambda i: (difflib.SequenceMatcher(
            None, "\n".join(part), "\n".join(output[i:i + len(part)])).ratio(), -i))
        new.append(output[best:best + len(part)])
        at = best + len(part)
    new.append(output[end:] if last else [])
    return [line for i, p in enumerate(new) for line in ([GAP] if i else []) + p]


def run(command: str, cwd) -> tuple[int, str]:
    """A README command as a user runs it: in a fresh process (Z3's answers, such as the
    invariant PDR prints, may depend on what the process solved before)."""
    args = shlex.split(command)[1:]
    proc = subprocess.run([sys.executable, "-m", "symcheck.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "SYMCHECK_CLAIMS": "claims"})
    return proc.returncode, proc.stdout + proc.stderr


def scratch_project(tmp_path) -> Path:
    """A copy of the claims with the tutorial's claim added, as a reader has it."""
    shutil.copytree(CLAIMS, tmp_path / "claims")
    (tmp_path / "claims" / "approval-expiry.yaml").write_text(tutorial_claim(README.read_text(encoding="utf-8")))
    return tmp_path


def where(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCS, ids=[where(p) for p in DOCS])
def test_every_shown_output_is_what_the_command_prints(tmp_path, path):
    readme = path.read_text(encoding="utf-8").split("\n")
    project = scratch_project(tmp_path)
    commands = shown_commands(readme)
    failures, replacements = [], []
    for shown in commands:
        print(f"{where(path)}:{shown.first}: $ {shown.command}", flush=True)
        code, out = run(shown.command, project)
        output = out.rstrip("\n").split("\n")
        assert code == 0, f"{where(path)}:{shown.first}: `{shown.command}` exits {code}:\n{out}"
        if matches(shown.lines, output):
            continue
        new = refreshed(shown.lines, output)
        replacements.append((shown, new))
        diff = "\n".join(difflib.unified_diff(shown.lines, new, "shown", "printed", lineterm=""))
        failures.append(f"{where(path)}:{shown.first}: `{shown.command}` prints something else:\n{diff}")
    if failures and UPDATE_README:
        for shown, new in reversed(replacements):  # from the end: earlier line numbers stay valid
            readme[shown.first:shown.first + len(shown.lines)] = [shown.indent + line if line else "" for line in new]
        path.write_text("\n".join(readme), encoding="utf-8")
    assert not failures, "\n\n".join(failures) + "\n(SYMCHECK_UPDATE_README=1 rewrites the shown lines)"


def test_the_readme_and_docs_show_commands_to_run():
    counts = {where(p): len(shown_commands(p.read_text(encoding="utf-8").split("\n"))) for p in DOCS}
    assert counts["README.md"] >= 5 and sum(counts.values()) >= 10, counts


# ---------------------------------------------------------------- Python, JSON examples and links


def code_blocks(text: str, info: str) -> list[tuple[int, str]]:
    """(line number, body) of each ```info block."""
    return [(text[:m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(rf"^```{info}\n(.*?)^```", text, flags=re.S | re.M)]


def test_python_examples_run(tmp_path, monkeypatch):
    """Each file's ```python blocks, in order, in one scope, in a scratch project of its own."""
    ran = 0
    for path in DOCS:
        blocks = code_blocks(path.read_text(encoding="utf-8"), "python")
        if blocks:
            monkeypatch.chdir(scratch_project(tmp_path / path.stem))
        scope: dict = {}
        for line, body in blocks:
            try:
                exec(compile(body, f"{where(path)}:{line}", "exec"), scope)
            except Exception as exc:  # the example's own failure, located
                pytest.fail(f"{where(path)}:{line}: the Python example fails: {exc!r}")
            ran += 1
    assert ran >= 1, "no ```python example in the README or docs"


def like(shown, actual, at: str = "") -> list[str]:
    """Where an example value differs from the actual one: "..." is any value; a
    mapping's keys must be the actual keys in order, unless it has a "..." key (then they
    must be some of them, in order); a list's items must be the first actual items."""
    if shown == GAP:
        return []
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{at or 'top'}: a mapping is shown, {type(actual).__name__} is printed"]
        keys = [k for k in shown if k != GAP]
        actual_keys = [k for k in actual if k in keys] if GAP in shown else list(actual)
        if keys != actual_keys:
            return [f"{at or 'top'}: keys {keys} are shown, {list(actual)} are printed"]
        return [d for k in keys for d in like(shown[k], actual[k], f"{at}.{k}")]
    if isinstance(shown, list):
        if not isinstance(actual, list) or len(actual) < len(shown):
            return [f"{at}: {len(shown)} items are shown, {actual!r} is printed"]
        return [d for i, v in enumerate(shown) for d in like(v, actual[i], f"{at}[{i}]")]
    return [] if shown == actual else [f"{at}: {shown!r} is shown, {actual!r} is printed"]


def json_examples(text: str) -> list[tuple[int, str, str]]:
    """(line, command, JSON text) of each ```json block under an `<!-- example: ... -->` line."""
    return [(text[:m.start()].count("\n") + 1, m.group(1), m.group(2))
            for m in re.finditer(r"^<!-- example: (symcheck [^>]*?) -->\n+```json\n(.*?)^```", text, flags=re.S | re.M)]


def test_json_examples_have_the_keys_and_values_printed(tmp_path):
    examples = [(p, *e) for p in DOCS for e in json_examples(p.read_text(encoding="utf-8"))]
    assert examples, "no JSON example is marked <!-- example: symcheck ... -->"
    project = scratch_project(tmp_path)
    for path, line, command, body in examples:
        shown = json.loads(body)
        code, out = run(command, project)
        assert code == 0, out
        differences = like(shown, json.loads(out))
        assert not differences, f"{where(path)}:{line}: `{command}`:\n" + "\n".join(differences)


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    out = set()
    for line in path.read_text(encoding="utf-8").split("\n"):
        if re.match(r"^#{1,6} ", line):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return out


def test_links_between_the_files_resolve():
    broken = []
    for path in DOCS:
        text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https: and the like
            file, _, anchor = target.partition("#")
            resolved = (path.parent / file).resolve() if file else path
            if not resolved.exists():
                broken.append(f"{where(path)}: {target}: no such file")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{where(path)}: {target}: no such heading")
    assert not broken, "\n".join(broken)


def test_excerpts_match_with_gaps_and_refresh_only_shown_lines():
    output = ["head", "a", "b", "c", "d", "tail  "]
    assert matches(["head", GAP, "c", GAP, "tail"], output)
    assert matches([GAP, "b", "c", GAP], output)
    assert not matches(["head", GAP, "d", "c", GAP], output)
    assert not matches(["head", "b", GAP], output)
    assert not matches(["head", GAP, "tail", "more"], output)
    assert refreshed(["head", GAP, "c", GAP, "tail"], output) == ["head", GAP, "c", GAP, "tail"]
    changed = ["Head", "A", "b", "C!", "d", "tail"]
    assert refreshed(["head", GAP, "c", "d", GAP, "tail"], changed) == ["Head", GAP, "C!", "d", GAP, "tail"]
    assert refreshed([GAP, "x"], changed) == [GAP, "tail"]


def test_readme_tutorial(tmp_path):
    (tmp_path / "approval-expiry.yaml").write_text(tutorial_claim(README.read_text()))
    green = symcheck.prove(symcheck.load_claim("approval-expiry", claims=tmp_path))
    red = symcheck.prove(symcheck.load_claim("approval-expiry-negative", claims=tmp_path))
    assert green.proved and green.engine == "explicit" and green.states == 45
    by_induction = symcheck.prove(symcheck.load_claim("approval-expiry", claims=tmp_path), engine="kind")
    assert by_induction.proved and by_induction.k == 1
    assert red.violated and red.depth == 4 and red.invariant == "ran_only_when_live"
    bounded = symcheck.prove(symcheck.load_claim("approval-expiry", claims=tmp_path), engine="bmc")
    assert bounded.holds and bounded.depth == 8


def test_setup_commands_name_the_installed_program():
    """After `make check`, symcheck lives in .venv/bin: the README must say how to reach it."""
    text = README.read_text()
    setup = text[text.index("## Setup"):text.index("## Tutorial")]
    assert re.search(r"\. \.venv/bin/activate", setup)


def api_calls(text: str) -> list[tuple[int, str, str, dict, str]]:
    """(line, method, path, body, JSON answer) of each `$ curl` call to the local server
    with the ```json example that follows it."""
    out = []
    for m in re.finditer(r"^\$ (curl [^\n]*)\n```\n(?:(?!```json)[^\n]*\n)*?```json\n(.*?)^```", text, flags=re.M | re.S):
        args = shlex.split(m.group(1))
        url = next(a for a in args if a.startswith("http://127.0.0.1:8000/"))
        method = args[args.index("-X") + 1] if "-X" in args else "GET"
        body = json.loads(args[args.index("-d") + 1]) if "-d" in args else {}
        out.append((text[:m.start()].count("\n") + 1, method, url.removeprefix("http://127.0.0.1:8000"), body,
                    m.group(2)))
    return out


def test_api_calls_answer_as_shown():
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    import warnings
    with warnings.catch_warnings():  # starlette 1.x would rather have httpx2; httpx serves every version
        warnings.filterwarnings("ignore", message=".*httpx2")
        from starlette.testclient import TestClient
    from symcheck.serve.app import create_app
    calls = [(p, *c) for p in DOCS for c in api_calls(p.read_text(encoding="utf-8"))]
    assert calls, "no `$ curl` call with its answer in the docs"
    with TestClient(create_app(CLAIMS, workers=2, time_limit=20, memory_limit=1024),
                    base_url="http://127.0.0.1:8000") as client:  # the address the calls name
        for path, line, method, url, body, answer in calls:
            response = client.request(method, url, json=body if method == "POST" else None,
                                      headers={"content-type": "application/json"})
            assert response.status_code == 200, f"{where(path)}:{line}: {response.text}"
            differences = like(json.loads(answer), response.json())
            assert not differences, f"{where(path)}:{line}: {method} {url}:\n" + "\n".join(differences)


# ---------------------------------------------------------------- statements checked against the code


def test_the_dependency_list_is_pyprojects():
    import tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    setup = README.read_text(encoding="utf-8").split("## Setup")[1].split("\n## ")[0]
    names = [re.split(r"[<>=\[ ]", d)[0] for d in project["dependencies"]]
    said = re.search(r"symcheck depends on (.*?);", " ".join(setup.split())).group(1)
    assert re.split(r", (?:and )?| and ", said) == names
    test = [re.split(r"[<>=\[ ]", d)[0] for d in project["optional-dependencies"]["test"]]
    listed = re.search(r"adds (\d+) packages: (.*?) \(", " ".join(setup.split()))
    assert int(listed.group(1)) == len(test) and re.split(r", (?:and )?| and ", listed.group(2)) == test


def test_the_check_tables_columns_are_documented():
    from symcheck import cli
    text = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    said = re.search(r"prints a table: ([\w, ]+)\.", text).group(1).split(", ")
    source = (ROOT / "symcheck" / "cli.py").read_text()
    headers = re.search(r"headers = (\[.*?\])", source).group(1)
    assert said == eval(headers)  # the literal list of check's headers
    for column in cli.CHECK_DROP + cli.CHECK_WRAP:
        assert column in said


def test_the_limits_refused_up_front_are_the_codes():
    from symcheck.front import check, declarations, source, values
    text = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    limits = text[text.index("refused up front"):text.index("**Verdicts**")]
    for number in (source.MAX_FILE_BYTES, source.MAX_EXPR_CHARS, check.MAX_DEPTH, values.MAX_DOMAIN,
                   declarations.MAX_ELEMS, declarations.MAX_CONFIGS, declarations.MAX_SEQ, check.MAX_INSTANCES,
                   source.MAX_NESTING):
        assert f"{number:,}" in limits or str(number) in limits, number


def test_every_tier_the_readme_names_is_a_make_target_and_ci_runs_them_all():
    makefile = (ROOT / "Makefile").read_text()
    tiers = re.findall(r"^\| `make ([\w-]+)` \|", README.read_text(encoding="utf-8"), flags=re.M)
    assert tiers[:3] == ["test", "test-slow", "test-all"]
    for target in tiers:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    recipe = makefile.split("\ntest-all:")[1].split("\n\n")[0]
    assert "-m " not in recipe  # every tier: nothing deselected
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip().startswith("make ")]
    assert ci[-1] == "make test-all" and "make test" not in ci and "make test-slow" not in ci


def test_the_findings_table_is_the_claims_findings():
    """Every red variant with a `finding:` has its row, with its status and reproducer."""
    from symcheck.front.claims import catalog, load_model
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Findings in OpenClaw"):].split("\n## ")[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\|[^|]*\|[^|]*\| `([\w-]+)` \|.*$", table, flags=re.M)}
    findings = {name: m.finding for name, m in ((n, load_model(e)) for n, e in catalog(CLAIMS).items()) if m.finding}
    assert set(rows) == set(findings)
    for name, f in findings.items():
        cells = [c.strip() for c in rows[name].strip("|").split("|")]
        assert cells[3].split()[0] == f.status and (f.package in cells[3])
        assert cells[4] == (f"`{f.reproducer}`" if f.reproducer else "-")
