"""`symcheck catalog`: docs/claims.md is rendered from the claim files, says what the
checker reads from them, is deterministic, and is committed up to date."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLAIMS, ROOT
from symcheck.report.catalog import render
from symcheck.front.claims import catalog, load_model

DOC = ROOT / "docs" / "claims.md"


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], capture_output=True, text=True, **kw)


def tracked_claims(root: Path, into: Path) -> Path | None:
    """A copy of the claim files git tracks under root/claims (their working-tree text),
    or None outside a git checkout: a user's new, untracked claim is not part of the
    committed catalog."""
    listed = subprocess.run(["git", "ls-files", "-z", "--", "claims"], cwd=root, capture_output=True)
    if listed.returncode != 0:
        return None
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (root / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, into / name)
    return into / "claims"


def stale_catalog_message(root: Path, scratch: Path) -> str | None:
    """Why root/docs/claims.md is stale, or None when it matches the claim files, or the
    git-tracked ones (a claim added but not yet under git may be missing from it)."""
    doc = (root / "docs" / "claims.md").read_text(encoding="utf-8")
    if doc == render(root / "claims"):
        return None
    tracked = tracked_claims(root, scratch)
    if tracked is not None and doc == render(tracked):
        return None
    return "docs/claims.md is stale: run `symcheck catalog` (or `make docs`) and commit the result"


def test_committed_catalog_is_up_to_date(tmp_path):
    assert stale_catalog_message(ROOT, tmp_path) is None, stale_catalog_message(ROOT, tmp_path)


def test_an_untracked_claim_does_not_make_the_catalog_stale(tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "docs").mkdir()
    if subprocess.run(["git", "init", "-q", str(project)], capture_output=True).returncode != 0:
        pytest.skip("git is not available")
    claim = "claim: {}\nvariables: {{x: bool}}\ninit: {{x: 'False'}}\ninvariants: {{ok: 'True'}}\n"
    (project / "claims" / "a.yaml").write_text(claim.format("a"))
    subprocess.run(["git", "add", "claims/a.yaml"], cwd=project, check=True)
    (project / "docs" / "claims.md").write_text(render(project / "claims"), encoding="utf-8")
    assert stale_catalog_message(project, tmp_path / "1") is None
    (project / "claims" / "b.yaml").write_text(claim.format("b"))  # the user's new claim
    assert stale_catalog_message(project, tmp_path / "2") is None
    subprocess.run(["git", "add", "claims/b.yaml"], cwd=project, check=True)  # now it is meant to be committed
    assert "stale" in stale_catalog_message(project, tmp_path / "3")
    (project / "docs" / "claims.md").write_text(render(project / "claims"), encoding="utf-8")  # make docs
    assert stale_catalog_message(project, tmp_path / "4") is None
    (project / "claims" / "a.yaml").write_text(claim.format("a").replace("ok", "fine"))  # an edit, docs not redone
    assert stale_catalog_message(project, tmp_path / "5") is None  # the catalog does not show invariants
    (project / "claims" / "a.yaml").write_text("title: renamed\n" + claim.format("a"))
    assert "stale" in stale_catalog_message(project, tmp_path / "6")


def test_every_variant_has_a_row_with_its_expected_verdict_and_bug():
    text = render(CLAIMS)
    entries = catalog(CLAIMS)
    rows = {line.split(" | ")[0][3:-1]: line for line in text.splitlines() if line.startswith("| `")}
    assert set(rows) == set(entries)
    for name, entry in entries.items():
        model = load_model(entry)  # what the checker makes of the same file
        cells = rows[name].split(" | ")
        assert cells[1] == model.expect
        if model.expect == "violated":
            assert model.bug and cells[2].rstrip(" |").replace("\\", "") == " ".join(model.bug.split())
    families = {e.variant.doc.get("claim").value for e in entries.values()}
    assert f"{len(families)} claim families, {len(entries)} variants" in text
    for family in families:
        assert f"\n## {family}\n" in text and f"| [{family}](#{family}) |" in text


def test_catalog_names_sources_and_data_provenance():
    text = render(CLAIMS)
    groups = text[text.index("\n## groups\n"):].split("\n## ")[1]
    assert "- Source: ToolGroupExpansion (vignesh07/clawdbot-formal-models)" in groups
    assert "- File: `claims/groups.yaml`" in groups
    assert "- Data: `claims/data/tool-groups.yaml` (generated from openclaw/openclaw `src/agents/" in groups


def test_catalog_is_deterministic_and_independent_of_how_the_directory_is_named():
    assert render(CLAIMS) == render(CLAIMS.relative_to(ROOT))


def test_markdown_special_characters_render_as_written(tmp_path):
    (tmp_path / "c.yaml").write_text("""\
claim: c
title: a <b> title with a_b and _c_
statement: S | T is *not* [a link]
notes: short
variables: {x: bool}
init: {x: "False"}
invariants: {ok: "True"}
variants:
  negative:
    bug: "x | y <z>"
    expect: violated
    patch: {invariants: {ok: "False"}}
""")
    text = render(tmp_path)
    assert "**a &lt;b> title with a_b and \\_c\\_**" in text
    assert "S | T is \\*not\\* \\[a link\\]" in text
    assert "- Notes: short" in text
    assert "| `c-negative` | violated | x \\| y &lt;z> |" in text


@pytest.mark.slow
def test_cli_writes_checks_and_prints(tmp_path):
    out = tmp_path / "claims.md"
    assert cli("catalog", "--output", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == render(CLAIMS)
    assert cli("catalog", "--output", str(out), "--check").returncode == 0
    out.write_text("old\n")
    stale = cli("catalog", "--output", str(out), "--check")
    assert stale.returncode == 1 and "run `symcheck catalog`" in stale.stderr
    assert out.read_text() == "old\n"
    printed = cli("catalog", "--output", "-")
    assert printed.returncode == 0 and printed.stdout == render(CLAIMS)
    bad = cli("catalog", "--claims", str(tmp_path / "nowhere"))
    assert bad.returncode == 2 and "does not exist" in bad.stderr and "Traceback" not in bad.stderr


def test_default_output_is_docs_beside_the_claims_directory(tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "claims" / "a.yaml").write_text("claim: a\nvariables: {x: bool}\ninit: {x: 'False'}\n"
                                               "invariants: {ok: 'True'}\n")
    elsewhere = cli("catalog", "--claims", str(project / "claims"), cwd=tmp_path)
    assert elsewhere.returncode == 2 and "Traceback" not in elsewhere.stderr
    assert "no docs/ directory beside the claims directory" in elsewhere.stderr and "--output" in elsewhere.stderr
    assert not (tmp_path / "docs").exists() and not (project / "docs").exists()
    (project / "docs").mkdir()
    inside = cli("catalog", cwd=project, env={**os.environ, "SYMCHECK_CLAIMS": "claims"})
    assert inside.returncode == 0 and inside.stdout == "wrote docs/claims.md\n"
    assert (project / "docs" / "claims.md").read_text(encoding="utf-8") == render(project / "claims")
    from_outside = cli("catalog", "--check", "--claims", str(project / "claims"), cwd=tmp_path)
    assert from_outside.returncode == 0 and not (tmp_path / "docs").exists()
