"""Staff PIN hashing with scrypt.

A PIN is short, so its hash must be slow and salted: a stolen config.toml or database must not give
the PINs away by a simple lookup table. The encoded form carries its own parameters, so they can be
raised later without invalidating existing hashes:

    scrypt$<n>$<r>$<p>$<salt base64>$<hash base64>
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # ~16 MiB and some tens of ms per check: slow for guessing, fine for a login
SALT_BYTES = 16
HASH_BYTES = 32
# Parameters read back from a hash are bounded, so a tampered hash cannot make a login eat memory.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16
_MAX_MEM = 256 * 1024 * 1024


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """Return the encoded scrypt hash of `pin`, with a fresh random salt unless one is given."""
    if not pin:
        raise ValueError("a PIN must not be empty")
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, N, R, P, HASH_BYTES)
    return "$".join((SCHEME, str(N), str(R), str(P), _b64(salt), _b64(digest)))


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when `pin` matches `pin_hash`. A malformed hash gives False, never an exception."""
    parsed = _parse(pin_hash)
    if parsed is None:
        return False
    n, r, p, salt, expected = parsed
    try:
        actual = _scrypt(pin, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):  # e.g. a PIN that is not encodable, limits of this OpenSSL
        return False
    return hmac.compare_digest(actual, expected)


def is_pin_hash(pin_hash: str) -> bool:
    """True when `pin_hash` has the form made by `hash_pin` (it is not checked against any PIN).

    The config loader uses this to refuse a plain PIN typed where its hash belongs.
    """
    return _parse(pin_hash) is not None


def _parse(pin_hash: str) -> tuple[int, int, int, bytes, bytes] | None:
    if not isinstance(pin_hash, str):
        return None
    parts = pin_hash.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    if not all(part.isascii() and part.isdigit() for part in parts[1:4]):
        return None
    n, r, p = (int(part) for part in parts[1:4])
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        return None
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (binascii.Error, ValueError):
        return None
    if not salt or not 16 <= len(digest) <= 64:
        return None
    return n, r, p, salt, digest


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEM, dklen=dklen
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
