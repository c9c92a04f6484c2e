"""pytest plugin (entry point `pytest11`): `pytest claims/` collects every variant of
every claim file as a test item. A green passes when it holds or is proved, a red when
it is violated; a failure's report is the readable trace. Only YAML files in a folder
named `claims` are collected (not its `data/`), so claim-shaped test data elsewhere
stays data. `pytest -n auto` (pytest-xdist) spreads the variants over the cores."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from symcheck.errors import InputError


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("symcheck", "symcheck claim files")
    group.addoption("--symcheck-depth", type=int, default=None,
                    help="BMC bound for every variant (default: each claim's own depth)")
    group.addoption("--symcheck-timeout", type=float, default=None,
                    help="hard time limit per variant, in seconds (unknown when hit: a failure)")


def pytest_collect_file(parent: Any, file_path: Path) -> Any:
    if file_path.suffix in (".yaml", ".yml") and file_path.parent.name == "claims":
        return ClaimFile.from_parent(parent, path=file_path)
    return None


class ClaimFile(pytest.File):
    """A claim file: one item per variant, named as `symcheck list` names them."""

    def collect(self) -> Any:
        from symcheck.front.claims import variants_of
        try:
            entries = variants_of(self.path)
        except InputError as exc:
            raise self.CollectError(str(exc)) from None
        for entry in entries:
            yield ClaimItem.from_parent(self, name=entry.name, entry=entry)


class ClaimItem(pytest.Item):
    def __init__(self, *, entry: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry = entry

    def runtest(self) -> None:
        import symcheck
        from symcheck.front.claims import load_model
        from symcheck.report.text import text
        model = load_model(self.entry)
        config = self.config
        result = symcheck.prove(model, depth=config.getoption("symcheck_depth"),
                                timeout=config.getoption("symcheck_timeout"))
        if not result.as_expected:
            raise UnexpectedVerdict(text(model, result))

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        if isinstance(excinfo.value, (UnexpectedVerdict, InputError)):  # the report, no traceback
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"claim variant {self.name}"


class UnexpectedVerdict(Exception):
    """A variant's verdict is not the one its claim expects; the message is the report."""
