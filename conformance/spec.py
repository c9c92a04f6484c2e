"""What one conformance check is: a function of the real package (run by a Node adapter
in conformance/node/) and the claim definition that says what it should return.
A check lives in its own file under conformance/functions/ and defines CHECK."""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.strings import mixed_case  # noqa: F401  (re-exported: the checks import it from here)
from symcheck.explicit.evaluator import Definitions


@dataclass(frozen=True)
class Check:
    """`cases()` yields every combination over small domains; `random_case(rng)` one
    seeded random input; `to_js(case)` the adapter's input; `expected(defs, case)` what
    the claim's definitions say, shaped like the adapter's output; `drift(case, got)` names
    a disagreement that the claim's notes document (None: an undocumented one)."""
    name: str                      # the package function(s), as the table shows them
    package: str                   # key of conformance.run.PACKAGES
    adapter: str                   # file name in conformance/node/
    claim: str                     # claim family whose definitions are compared
    definition: str                # the definition(s) compared, for the table
    cases: Callable[[], Iterable[Any]]
    random_case: Callable[[random.Random], Any]
    to_js: Callable[[Any], Any]
    expected: Callable[[Definitions, Any], Any]
    drift: Callable[[Any, Any, Any], str | None] = field(default=lambda case, got, want: None)
    variant: str | None = None     # the claim variant whose definitions are used (None: the green claim)
    claims: str | None = None      # the claims directory the claim is in (None: the repository's claims/)

