"""symcheck: SMT-based bounded model checking of security claims about the OpenClaw gateway."""
from .api import counterexamples, cover, load_claim, load_claims, prove, witness
from .errors import InputError
from .trace import Result

__all__ = ["load_claim", "load_claims", "prove", "InputError", "Result", "cover", "witness", "counterexamples"]
__version__ = "0.1.0"
