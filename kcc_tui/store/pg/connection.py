"""Connecting to PostgreSQL with bounded waits, and its errors as one line a person can act on.

Every wait is bounded: the connect timeout, TCP keepalives and a user timeout (a cable pulled
is noticed within seconds, never a hang), and `lock_timeout` for the office's write lock.
"""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
from psycopg import errors as pgerr

from ..errors import (
    StoreError,
    StoreForeign,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StoreReadOnly,
    StoreUnreachable,
)
from ..target import redact

CONNECT_TIMEOUT_S = 5
# libpq keepalive and user-timeout settings: a dead peer is found in ~10 s, not the kernel's 2 h
LIVENESS: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
            "keepalives_count": 3, "tcp_user_timeout": 10_000}
OFFICE = "main"  # one office per database today; the lock and the channel are keyed by it


def office_lock_key(office: str = OFFICE) -> int:
    """The advisory-lock key of an office's numbering and state: a stable signed 64-bit
    number, the same in every process (Python's hash() is salted per process)."""
    digest = hashlib.blake2b(f"kcc office {office}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def channel(office: str = OFFICE) -> str:
    """The LISTEN/NOTIFY channel of an office's change feed."""
    return f"kcc_events_{office}"


async def connect(url: str, *, readonly: bool = False, lock_timeout_ms: int = 5000,
                  timeout_s: float = CONNECT_TIMEOUT_S,
                  application: str = "kcc") -> psycopg.AsyncConnection[Any]:
    """An autocommit connection (transactions are explicit), or a one-line StoreError."""
    options = f"-c lock_timeout={int(lock_timeout_ms)}"
    if readonly:
        options += " -c default_transaction_read_only=on"
    try:
        return await psycopg.AsyncConnection.connect(
            url, autocommit=True, connect_timeout=max(1, int(timeout_s)),
            application_name=application, options=options, **LIVENESS)
    except psycopg.Error as e:
        raise translate(e, url) from None
    except (ValueError, OSError) as e:  # a URL libpq cannot parse, a resolver failure
        raise StoreError(f"database {redact(url)}: {e}") from None


def first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0].strip()


def translate(err: BaseException, url: str) -> StoreError:
    """Map a psycopg error to the one-line StoreError a user sees (the password never shown)."""
    if isinstance(err, StoreError):
        return err
    where = redact(url)
    msg = str(err)
    low = msg.lower()
    if isinstance(err, pgerr.LockNotAvailable | pgerr.QueryCanceled) and "lock" in low:
        return StoreLocked(f"database {where} is locked by another process; try again")
    if isinstance(err, pgerr.ReadOnlySqlTransaction):
        return StoreReadOnly(f"database {where} is read-only: changes are refused")
    if isinstance(err, pgerr.DiskFull):
        return StoreFull(f"database {where}: the server's disk is full; free space, then "
                         "try again")
    if isinstance(err, pgerr.InvalidCatalogName) or ("database" in low
                                                     and "does not exist" in low):
        return StoreMissing(f"database {where} does not exist: create it (`createdb`), then "
                            "run `kcc init`")
    if isinstance(err, pgerr.InvalidPassword) or "password authentication failed" in low:
        return StoreError(f"database {where}: wrong user name or password")
    if "no password supplied" in low:
        return StoreError(f"database {where}: the server wants a password (give it in the "
                          "URL, or in ~/.pgpass)")
    if "role" in low and "does not exist" in low:
        return StoreError(f"database {where}: no such user on the server")
    if isinstance(err, pgerr.UndefinedTable):
        return StoreForeign(f"database {where} holds no kcc schema (run `kcc init`)")
    if isinstance(err, psycopg.OperationalError | psycopg.InterfaceError) or isinstance(
            err, pgerr.AdminShutdown | pgerr.CrashShutdown | pgerr.CannotConnectNow):
        if "refused" in low or "timeout" in low or "could not" in low or "no route" in low:
            return StoreUnreachable(f"database server of {where} is not reachable (is "
                                    "PostgreSQL running?)")
        return StoreUnreachable(f"connection to database {where} lost ({first_line(err)})")
    return StoreError(f"database {where}: {first_line(err)}")


def is_connection_loss(err: BaseException) -> bool:
    """Whether the connection itself failed (the transaction's fate may be unknown)."""
    return isinstance(err, psycopg.OperationalError | psycopg.InterfaceError) and not isinstance(
        err, pgerr.LockNotAvailable | pgerr.QueryCanceled | pgerr.DiskFull)
