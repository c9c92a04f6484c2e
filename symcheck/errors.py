"""Error types: bad input (a located InputError, exit 2) and model errors found while
evaluating a model (ill-formed operations, reported as violations with a trace)."""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A place in a claim file: 1-based line and column."""
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def shift(self, dline: int, col: int | None = None, dcol: int = 0) -> Span:
        return Span(self.file, self.line + dline, (self.col if col is None else col) + dcol)


class InputError(Exception):
    """Bad user input: printed as `file:line:col: error: message`, exit status 2."""

    def __init__(self, span: Span | None, message: str, hint: str | None = None):
        super().__init__(message)
        self.span = span
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        text = f"{where}error: {self.message}"
        if self.hint:
            text += f"\n{where}note: {self.hint}"
        return text


def suggest(name: str, names: Iterable[str], n: int = 1, otherwise: str | None = None) -> str | None:
    """The hint for a misspelt name: `did you mean 'x'?` with the closest of `names`
    (up to `n` of them), or `otherwise` (such as the list of valid names) when none is close."""
    names = list(names)
    same = [c for c in names if c.lower() == name.lower() and c != name]  # only the case differs: `ttl` for TTL
    by_lower = {c.lower(): c for c in reversed(names)}
    close = same[:n] or [by_lower[c] for c in difflib.get_close_matches(name.lower(), list(by_lower), n=n)]
    return "did you mean " + ", ".join(repr(c) for c in close) + "?" if close else otherwise


class ModelError(Exception):
    """An ill-formed operation while evaluating a model (head of an empty sequence,
    an element outside a finite domain...). The engines report it as a violation."""

    def __init__(self, message: str, span: Span | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
