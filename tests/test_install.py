"""The claims ship with the package: an installed symcheck proves a claim by name from
any folder, and ./claims wins when there is one (symcheck/front/claims.py, claims_dir)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symcheck.front.claims import bundled_claims, catalog, claims_dir

ROOT = Path(__file__).resolve().parent.parent
SMALL = "claim: mine\nvariables:\n  x: bool\ninit:\n  x: false\ninvariants:\n  ok: not x\n"


def test_the_claims_folder_is_local_first_then_bundled(tmp_path, monkeypatch):
    monkeypatch.delenv("SYMCHECK_CLAIMS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert bundled_claims() == ROOT / "claims"  # run from the source tree: its claims/
    assert claims_dir() == ROOT / "claims" and "routing-isolation" in catalog(claims_dir())
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "mine.yaml").write_text(SMALL)
    assert claims_dir() == Path("claims") and list(catalog(claims_dir())) == ["mine"]
    monkeypatch.setenv("SYMCHECK_CLAIMS", str(ROOT / "claims"))
    assert claims_dir() == ROOT / "claims"
    assert claims_dir("elsewhere") == Path("elsewhere")


def test_pyproject_lists_every_package():
    """pyproject.toml names the packages (mapping claims/ into the package needs it):
    a package added to the tree must be added there too."""
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    tree = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "symcheck").rglob("__init__.py")}
    assert set(config["packages"]) == tree | {"symcheck.claims"}
    assert config["package-dir"] == {"symcheck.claims": "claims"}


def _can_build_offline() -> bool:
    import setuptools
    version = tuple(int(p) for p in setuptools.__version__.split(".")[:2])
    if version >= (70, 1):  # bdist_wheel is part of setuptools since 70.1
        return True
    try:
        import wheel  # noqa: F401
    except ImportError:
        return False
    return True


def _source_copy(tmp_path) -> Path:
    """What a checkout holds for building: pyproject.toml, the README, the package and the claims."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("symcheck", "claims"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return src


ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SYMCHECK_CLAIMS", "VIRTUAL_ENV")}


def run(*args, cwd) -> str:
    p = subprocess.run([str(a) for a in args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"{args}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def _fresh_venv(tmp_path) -> tuple[Path, Path, Path]:
    """A new venv (python, its symcheck script, its site-packages) that sees this
    environment's z3-solver, click and PyYAML (offline), and no symcheck."""
    import click
    import yaml
    import z3
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    deps = {str(Path(m.__file__).resolve().parent.parent) for m in (z3, click, yaml)}
    (site / "symcheck-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    return python, bin_dir / "symcheck", site


def _proves_from_anywhere(script: Path, tmp_path: Path, claims: Path) -> None:
    folder = tmp_path / "anywhere"
    folder.mkdir()
    out = run(script, "prove", "routing-isolation", cwd=folder)
    assert out.startswith("routing-isolation: PROVED") and "[expected holds: as expected]" in out
    assert str(claims / "routing-isolation.yaml") in run(script, "list", cwd=folder)
    assert "PROVED" in run(script, "prove", "groups", cwd=folder)  # it reads data/tool-groups.yaml
    (folder / "claims").mkdir()
    (folder / "claims" / "mine.yaml").write_text(SMALL)
    assert run(script, "list", "--names", cwd=folder).split() == ["mine"]  # ./claims wins


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_proves_a_bundled_claim_from_any_folder(tmp_path):
    if not _can_build_offline():
        pytest.skip("building a wheel offline needs setuptools >= 70.1 or the wheel package")
    src = _source_copy(tmp_path)
    # As `python -m build` does: an sdist, then the wheel built from the unpacked sdist
    # (so the sdist must carry the claims too).
    run(sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(tmp_path / 'sdist')!r})",
        cwd=src)
    [sdist] = (tmp_path / "sdist").glob("symcheck-*.tar.gz")
    shutil.unpack_archive(sdist, tmp_path / "unpacked")
    [unpacked] = (tmp_path / "unpacked").iterdir()
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
        "-w", tmp_path / "dist", unpacked, cwd=tmp_path)
    [wheel_file] = (tmp_path / "dist").glob("symcheck-*.whl")
    shutil.rmtree(unpacked)
    python, script, site = _fresh_venv(tmp_path)
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel_file, cwd=tmp_path)
    shutil.rmtree(src)  # the installed package must not lean on the source tree
    where = run(python, "-c", "import symcheck; print(symcheck.__file__)", cwd=tmp_path).strip()
    assert Path(where).resolve().is_relative_to(site.resolve())
    _proves_from_anywhere(script, tmp_path, site / "symcheck" / "claims")


@pytest.mark.slow
def test_an_editable_install_finds_the_checkouts_claims_from_any_folder(tmp_path):
    if not _can_build_offline():
        pytest.skip("an editable install offline needs setuptools >= 70.1 or the wheel package")
    src = _source_copy(tmp_path)
    python, script, _ = _fresh_venv(tmp_path)
    run(python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-e", src, cwd=tmp_path)
    _proves_from_anywhere(script, tmp_path, src / "claims")
