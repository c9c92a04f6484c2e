"""The README shows what symcheck prints: every `$ symcheck ...` line in a README code
block is run, and the lines shown after it must be its output. (Other commands, such as
the minutes-long `$ make soak`, are not run.)

Shown output is an excerpt: a line `...` stands for any number of output lines (none
included); every other line must match an output line exactly, in order and without a
gap except at a `...`. The only normalisation is that trailing spaces are ignored
(table cells are padded). The commands run in a scratch project: a copy of `claims/`
with the tutorial's `claims/approval-expiry.yaml` added, as a reader who follows the
tutorial has it, each in a fresh process; its output is what it writes to standard
output, then to standard error. Each must exit 0 (the README shows only runs as expected).

SYMCHECK_UPDATE_README=1 rewrites the shown output lines from the real output and
nothing else: each part of an excerpt between `...` lines keeps its number of lines,
`$` lines, `...` lines and the prose stay as they are. The first part is taken from the
start of the output (unless the excerpt starts with `...`), the last from its end
(unless it ends with `...`), and a part in between from where the output is most
like it. Review the diff before committing it."""
from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

import symcheck
from conftest import CLAIMS, ROOT

README = ROOT / "README.md"
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


@pytest.mark.slow
def test_every_shown_output_is_what_the_command_prints(tmp_path):
    text = README.read_text(encoding="utf-8")
    readme = text.split("\n")
    shutil.copytree(CLAIMS, tmp_path / "claims")
    (tmp_path / "claims" / "approval-expiry.yaml").write_text(tutorial_claim(text))
    commands = shown_commands(readme)
    assert len(commands) >= 7
    failures, replacements = [], []
    for shown in commands:
        code, out = run(shown.command, tmp_path)
        output = out.rstrip("\n").split("\n")
        assert code == 0, f"README.md:{shown.first}: `{shown.command}` exits {code}:\n{out}"
        if matches(shown.lines, output):
            continue
        new = refreshed(shown.lines, output)
        replacements.append((shown, new))
        diff = "\n".join(difflib.unified_diff(shown.lines, new, "shown", "printed", lineterm=""))
        failures.append(f"README.md:{shown.first}: `{shown.command}` prints something else:\n{diff}")
    if failures and UPDATE_README:
        for shown, new in reversed(replacements):  # from the end: earlier line numbers stay valid
            readme[shown.first:shown.first + len(shown.lines)] = [shown.indent + line if line else "" for line in new]
        README.write_text("\n".join(readme), encoding="utf-8")
    assert not failures, "\n\n".join(failures) + "\n(SYMCHECK_UPDATE_README=1 rewrites the shown lines)"


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
