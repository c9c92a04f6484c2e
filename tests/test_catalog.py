"""`symcheck catalog`: docs/claims.md is rendered from the claim files, says what the
checker reads from them, is deterministic, and is committed up to date."""
import subprocess
import sys

from conftest import CLAIMS, ROOT
from symcheck.report.catalog import render
from symcheck.front.claims import catalog, load_model

DOC = ROOT / "docs" / "claims.md"


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], capture_output=True, text=True, **kw)


def test_committed_catalog_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(CLAIMS), (
        "docs/claims.md is stale: run `symcheck catalog` (or `make docs`) and commit the result")


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
