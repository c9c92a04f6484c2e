"""symcheck: SMT-based bounded model checking of security claims about the OpenClaw gateway."""
from .api import load_claim, load_claims, prove
from .errors import InputError
from .trace import Result

__all__ = ["load_claim", "load_claims", "prove", "InputError", "Result"]
__version__ = "0.1.0"
