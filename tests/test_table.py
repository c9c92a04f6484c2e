"""Tables fit the terminal: wrapped text columns, columns left out (named, with the flag
that shows them) only when wrapping is not enough, full rows off a terminal, and no
line ending in spaces."""
import subprocess
import sys

from symcheck.report.table import table


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], capture_output=True, text=True, env=env)


ROWS = [["oc-ingress-finding-mention-gate-fails-open-without-detection", "violated",
         "the provider cannot detect mentions, so a group that requires one dispatches every message",
         "claims/oc-ingress.yaml"],
        ["pairing", "holds", "Pairing requests expire", "claims/pairing.yaml"]]
HEADERS = ["variant", "expected", "bug / title", "file"]


def test_full_rows_without_a_width():
    lines = table(ROWS, HEADERS).split("\n")
    assert len(lines) == 4 and all(line == line.rstrip() for line in lines)
    assert lines[2].split()[:2] == ["oc-ingress-finding-mention-gate-fails-open-without-detection", "violated"]
    assert lines[3].endswith("claims/pairing.yaml")


def test_wrapped_to_the_width_and_every_word_kept():
    out = table(ROWS, HEADERS, width=100, wrap=("variant", "bug / title"), drop=("file",))
    lines = out.split("\n")
    assert all(len(line) <= 100 and line == line.rstrip() for line in lines)
    assert "claims/oc-ingress.yaml" in out and "left out" not in out  # wrapping was enough: nothing dropped
    words = " ".join(lines[2:]).split()
    for word in ("dispatches", "every", "message", "violated"):
        assert word in words
    assert "oc-ingress-" in lines[2]  # a variant name wraps at its dashes


def test_columns_left_out_in_order_and_named():
    out = table(ROWS, HEADERS, width=50, wrap=("variant", "bug / title"), drop=("file", "expected"))
    lines = out.split("\n")
    assert all(len(line) <= 50 for line in lines)
    assert lines[0].split() == ["variant", "expected", "bug", "/", "title"]
    assert " ".join(lines[-2:]) == "(1 column left out to fit 50 columns: file; --wide shows every column)"
    narrow = table(ROWS, HEADERS, width=30, wrap=("variant", "bug / title"), drop=("file", "expected"))
    assert narrow.split("\n")[0].split() == ["variant", "bug", "/", "title"]
    assert all(len(line) <= 30 for line in narrow.split("\n"))
    assert "2 columns left out to fit 30 columns: file, expected" in " ".join(narrow.split("\n"))


def test_list_fits_80_columns_and_keeps_full_rows_off_a_terminal():
    fitted = cli("list", "--width", "80")
    assert fitted.returncode == 0
    lines = fitted.stdout.rstrip("\n").split("\n")
    assert max(len(line) for line in lines) <= 80
    assert lines[-1].startswith("(1 column left out to fit 80 columns: file; --wide")
    full = cli("list")  # stdout is a pipe here: full rows, one line per variant, however wide
    names = cli("list", "--names").stdout.split()
    rows = full.stdout.rstrip("\n").split("\n")
    assert len(rows) == 2 + len(names) and max(len(r) for r in rows) > 80
    assert all(r == r.rstrip() for r in rows)
    assert cli("list", "--wide").stdout == full.stdout
