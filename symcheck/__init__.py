"""symcheck: SMT-based bounded model checking of security claims about the OpenClaw gateway."""
from .api import check_matrix, load_claim, load_claims, prove
from .errors import InputError
from .trace import Result

__all__ = ["load_claim", "load_claims", "prove", "check_matrix", "InputError", "Result"]
__version__ = "0.1.0"
