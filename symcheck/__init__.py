"""symcheck: SMT-based bounded model checking of security claims about the OpenClaw gateway."""
from .api import check_matrix, counterexamples, cover, load_claim, load_claims, prove, witness
from .errors import InputError
from .trace import Result

__all__ = ["load_claim", "load_claims", "prove", "check_matrix", "InputError", "Result", "cover", "witness",
           "counterexamples"]
__version__ = "0.1.0"
