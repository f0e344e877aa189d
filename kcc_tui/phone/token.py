"""The ticket token: the capability in the phone page's address.

A token is 128 random bits (`secrets.token_urlsafe(16)`), made where the ticket is issued (the
kiosk, `kcc ticket issue`) and printed in the QR code. Only its SHA-256 goes into the store, so
neither the event log nor a backup can open a page. It dies with its ticket (plus a short grace
to read the outcome) and with the business day.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

DEFAULT_PORT = 8765  # `kcc web` without --port
# Where `kcc web` answers without a [phone] base_url: what `kcc ticket issue` prints then.
LOOPBACK_URL = f"http://127.0.0.1:{DEFAULT_PORT}"
TOKEN_BYTES = 16  # 128 bits (OWASP ASVS: at least 64; the issue asks for 128)


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: (token for the address, hash for the store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two hashes."""
    return hmac.compare_digest(a.encode(), b.encode())


def page_url(base_url: str, token: str) -> str | None:
    """The ticket page's address, or None when no `[phone] base_url` is configured."""
    base = base_url.strip().rstrip("/")
    return f"{base}/t/{token}" if base else None
