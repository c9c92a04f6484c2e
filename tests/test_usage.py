"""The command line as a new user meets it (issue 21): global options before the
subcommand, plain messages for a directory given as a claim, an undecodable byte, a
wrong-case or ill-typed --set, operators named as written, and a catalog that never
rewrites a clone's docs from an unrelated folder."""
import os
import re
import subprocess
import sys

import pytest

import symcheck
from conftest import CLAIMS, ROOT
from symcheck.errors import InputError, suggest


def cli(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "symcheck.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})})


def test_claims_option_before_the_subcommand(tmp_path):
    p = cli("--claims", str(CLAIMS), "prove", "pairing-negative", cwd=tmp_path, env={"SYMCHECK_CLAIMS": ""})
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("pairing-negative: VIOLATED")
    # after the subcommand it still works, and wins over the one before it
    p = cli("--claims", str(tmp_path), "list", "--names", "--claims", str(CLAIMS), cwd=tmp_path)
    assert p.returncode == 0 and "pairing-negative" in p.stdout.split()


def test_a_directory_as_the_target_is_named_as_such(tmp_path):
    p = cli("prove", str(CLAIMS))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert f"error: {CLAIMS} is a directory, not a claim" in p.stderr
    assert f"symcheck --claims {CLAIMS} check" in p.stderr


def test_invalid_utf8_is_located_at_the_bad_byte(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes("claim: c\ntitle: caf\u00e9 \xff\n".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    # line 2, column 11: `title: caf` is 10 characters, then the \xe9 byte, which is not UTF-8 either
    assert str(exc.value).startswith(f"{path}:2:11: error: file is not UTF-8")


def test_set_of_a_wrong_case_name_suggests_the_constant():
    p = cli("prove", "pairing", "--set", "ttl=2")
    assert p.returncode == 2
    assert "--set ttl=2: error: claim pairing has no constant 'ttl'" in p.stderr
    assert "did you mean 'TTL'?" in p.stderr
    assert suggest("maxpending", ["TTL", "MaxPending", "MaxTime"]) == "did you mean 'MaxPending'?"


def test_set_of_an_enum_constant_refuses_a_number():
    with pytest.raises(InputError) as exc:
        symcheck.load_claim("pairing", overrides=symcheck.parse_overrides(["Senders=[a, 1]"]))
    assert "--set Senders=[a, 1]: error: enum Senders: members are names or strings (1 is a number)" in str(exc.value)
    assert "quote it" in str(exc.value)


def test_operators_are_named_as_written(write_claim):
    path = write_claim("claim: c\nvariables:\n  x: 0..3\ninit:\n  x: 0\nactions:\n  a:\n    then:\n"
                       "      x: x + True\ninvariants:\n  i: x >= 0\n")
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    assert str(exc.value).startswith(f"{path}:9:10: error: operator + does not apply to 0..3 and bool")
    path.write_text(path.read_text().replace("x + True", "x // {1}"))
    with pytest.raises(InputError, match="operator // does not apply to 0..3 and set"):
        symcheck.load_claims(str(path))


def test_catalog_from_an_unrelated_folder_leaves_the_clone_alone(tmp_path):
    """An editable install finds the clone's claims from any folder; `catalog` there
    must not write the clone's docs/claims.md (it asks where to write instead)."""
    before = (ROOT / "docs" / "claims.md").stat().st_mtime_ns
    env = {k: v for k, v in os.environ.items() if k != "SYMCHECK_CLAIMS"}
    p = subprocess.run([sys.executable, "-m", "symcheck.cli", "catalog"], capture_output=True, text=True,
                       cwd=tmp_path, env=env)
    assert p.returncode == 2, p.stdout
    assert "no claims directory here" in p.stderr and "--output" in p.stderr
    assert (ROOT / "docs" / "claims.md").stat().st_mtime_ns == before
    p = subprocess.run([sys.executable, "-m", "symcheck.cli", "catalog", "--output", "-"], capture_output=True,
                       text=True, cwd=tmp_path, env=env)
    assert p.returncode == 0 and p.stdout.startswith("# Claim catalog")


def test_too_many_invariants_are_refused_early_as_the_culprit(write_claim):
    """Each invariant is small, so none is to blame alone: the refusal names the
    invariants together, and comes before the rest are read."""
    invariants = "".join(f"  i{k}: len(s) != {k} + 5000\n" for k in range(600))
    path = write_claim("claim: c\nvariables:\n  s: set[0..4095]\ninit:\n  s: \"{}\"\nactions:\n  keep:\n"
                       "    then: {s: s}\ninvariants:\n" + invariants)
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    message = str(exc.value)
    assert message.startswith(f"{path}:10:3: error: the model is too large to encode (more than the limit of "
                              "4,194,304 terms); its invariants (the first ")
    read = int(re.search(r"the first (\d+) of 600\)", message).group(1))
    assert read < 600 and "together expand to about" in message and "the largest (i0) about" in message
    assert "action keep" not in message
