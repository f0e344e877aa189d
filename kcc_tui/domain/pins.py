"""Staff PIN hashing with scrypt.

A PIN is short, so its hash must be slow and salted: a stolen config.toml or database must not give
the PINs away by a simple lookup table. The encoded form carries its own parameters, so they can be
raised later without invalidating existing hashes:

    scrypt$<n>$<r>$<p>$<salt base64>$<hash base64>
    scrypt+pepper$<n>$<r>$<p>$<salt base64>$<hash base64>

A 4-digit PIN has 10,000 values: however slow the hash, a copy of config.toml alone is guessed
in minutes. The second form therefore mixes in a per-office secret, the pepper (32 random bytes
kept in a file beside the database, never in config.toml: see docs/configuration.md), as
HMAC-SHA256(pepper, PIN) before scrypt. Without the pepper file the config's hashes cannot be
tested at all. Hashes of the first form (the example office, offices set up before the pepper)
are still accepted; `kcc staff set-pin` writes the second form.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
PEPPERED = "scrypt+pepper"
N, R, P = 2**14, 8, 1  # ~16 MiB and some tens of ms per check: slow for guessing, fine for a login
SALT_BYTES = 16
HASH_BYTES = 32
# Parameters read back from a hash are bounded, so a tampered hash cannot make a login eat memory.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16
_MAX_MEM = 256 * 1024 * 1024


def hash_pin(pin: str, *, salt: bytes | None = None, pepper: bytes | None = None) -> str:
    """Return the encoded scrypt hash of `pin`, with a fresh random salt unless one is given;
    with a pepper, the peppered form."""
    if not pin:
        raise ValueError("a PIN must not be empty")
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(_material(pin, pepper), salt, N, R, P, HASH_BYTES)
    scheme = PEPPERED if pepper else SCHEME
    return "$".join((scheme, str(N), str(R), str(P), _b64(salt), _b64(digest)))


def verify_pin(pin: str, pin_hash: str, pepper: bytes | None = None) -> bool:
    """True when `pin` matches `pin_hash`. A malformed hash, or a peppered one without the
    pepper, gives False, never an exception."""
    parsed = _parse(pin_hash)
    if parsed is None:
        return False
    peppered, n, r, p, salt, expected = parsed
    if peppered and not pepper:
        return False
    try:
        material = _material(pin, pepper if peppered else None)
        actual = _scrypt(material, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):  # e.g. a PIN that is not encodable, limits of this OpenSSL
        return False
    return hmac.compare_digest(actual, expected)


def is_peppered(pin_hash: str) -> bool:
    """True for a hash of the peppered form (useless without the office's pepper file)."""
    parsed = _parse(pin_hash)
    return parsed is not None and parsed[0]


def is_pin_hash(pin_hash: str) -> bool:
    """True when `pin_hash` has the form made by `hash_pin` (it is not checked against any PIN).

    The config loader uses this to refuse a plain PIN typed where its hash belongs.
    """
    return _parse(pin_hash) is not None


def _parse(pin_hash: str) -> tuple[bool, int, int, int, bytes, bytes] | None:
    if not isinstance(pin_hash, str):
        return None
    parts = pin_hash.split("$")
    if len(parts) != 6 or parts[0] not in (SCHEME, PEPPERED):
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
    return parts[0] == PEPPERED, n, r, p, salt, digest


def _material(pin: str, pepper: bytes | None) -> bytes:
    raw = pin.encode("utf-8")
    return hmac.new(pepper, raw, hashlib.sha256).digest() if pepper else raw


def _scrypt(material: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(material, salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEM, dklen=dklen)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
