"""Share links: what a run needs to be reproduced (claim, variant, overrides, depth,
engine and, for an edited claim, its text), as compact JSON, deflated and base64url
encoded, carried in the page address's fragment (`#s=...`), which never reaches a
server's logs. Decoding is bounded: a link cannot inflate past the request size limit."""
from __future__ import annotations

import base64
import binascii
import json
import zlib

from symcheck.errors import InputError

MAX_BYTES = 64 * 1024  # the same bound as a request body
FIELDS = ("claim", "variant", "text", "overrides", "depth", "engine")


def encode(state: dict) -> str:
    kept = {k: state[k] for k in FIELDS if state.get(k) not in (None, "", {})}
    raw = json.dumps(kept, separators=(",", ":"), sort_keys=True).encode("utf-8")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: what the browser's CompressionStream reads too
    packed = packer.compress(raw) + packer.flush()
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(token: str) -> dict:
    """The state a share token encodes; a damaged or oversized token is an InputError."""
    bad = InputError(None, "this share link is damaged or incomplete", "copy the whole link again")
    if not isinstance(token, str) or len(token) > MAX_BYTES:
        raise bad
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        unpacker = zlib.decompressobj(-15)
        raw = unpacker.decompress(packed, MAX_BYTES + 1)
        if len(raw) > MAX_BYTES or not unpacker.eof:
            raise bad
        state = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        raise bad from None
    if not isinstance(state, dict):
        raise bad
    return {k: state[k] for k in FIELDS if k in state}
