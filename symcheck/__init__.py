"""symcheck: SMT-based bounded model checking of security claims about the OpenClaw gateway."""
from symcheck.api import (check_matrix, counterexamples, cover, load_claim, load_claims, load_text, parse_overrides, prove,
                          witness)
from symcheck.errors import InputError
from symcheck.trace import Result

__all__ = ["load_claim", "load_claims", "prove", "check_matrix", "InputError", "Result", "cover", "witness",
           "counterexamples", "load_text", "parse_overrides"]
__version__ = "0.1.0"
