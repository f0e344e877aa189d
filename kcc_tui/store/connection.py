"""Opening SQLite the way the store contract demands, on every connection."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from .errors import StoreError, StoreMissing, StoreReadOnly, translate

T = TypeVar("T")


async def connect(path: Path, *, busy_timeout_ms: int = 5000, readonly: bool = False,
                  create: bool = False) -> aiosqlite.Connection:
    """A connection with WAL, synchronous=FULL, busy_timeout and foreign keys (all per
    connection). Raises a one-line StoreError for a missing, read-only or damaged file."""
    if path.is_dir():  # checked here: aiosqlite leaves a thread behind when sqlite refuses it
        raise StoreMissing(f"database {path} is a folder, not a database file")
    if not path.exists() and not create:
        raise StoreMissing(f"database {path} does not exist; create it with `kcc init`")
    if create and not path.parent.exists():
        raise StoreMissing(f"database {path}: folder {path.parent} does not exist")
    if create and not path.exists():
        try:
            owner_only(path)
        except OSError as e:
            raise StoreError(f"database {path} cannot be created ({e.strerror})") from None
    if readonly:
        target: str | Path = f"file:{path}?mode=ro"
    else:
        target = path
    try:
        db = await aiosqlite.connect(target, isolation_level=None, uri=readonly)
    except sqlite3.Error as e:
        raise translate(e, str(path)) from None
    try:
        await _touch(db)
    except sqlite3.Error as e:
        await db.close()  # its thread would keep the process alive
        wal = path.with_name(f"{path.name}-wal")
        if not (readonly and "unable to open" in str(e) and
                (not wal.exists() or wal.stat().st_size == 0)):
            raise translate(e, str(path)) from None
        # A read-only file or mount with no -shm beside it, which SQLite cannot create: as no
        # -wal holds changes, no process has it open, and the file alone is the whole store.
        try:
            db = await aiosqlite.connect(f"file:{path}?mode=ro&immutable=1",
                                         isolation_level=None, uri=True)
        except sqlite3.Error as e2:
            raise translate(e2, str(path)) from None
    try:
        await db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not readonly:
            mode = await (await db.execute("PRAGMA journal_mode = WAL")).fetchone()
            if mode is None or mode[0].lower() != "wal":
                raise StoreReadOnly(f"database {path} cannot switch to WAL (read-only?)")
        await db.execute("PRAGMA synchronous = FULL")
        # a purge (notes, broadcasts) overwrites the deleted text instead of leaving it in free
        # pages of the file (docs/operations.md, privacy)
        await db.execute("PRAGMA secure_delete = ON")
        await db.execute("PRAGMA foreign_keys = ON")
        # Touch the schema so that a damaged or foreign file fails here, not mid-command.
        await db.execute("SELECT count(*) FROM sqlite_master")
    except (sqlite3.Error, StoreReadOnly) as e:
        await db.close()
        raise translate(e, str(path)) from None
    return db


def owner_only(path: Path) -> None:
    """Create `path` empty and owner-only (0600) unless it exists. SQLite gives the -wal and
    -shm files the database's mode, so they are owner-only too (docs/operations.md)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


async def _touch(db: aiosqlite.Connection) -> None:
    """SQLite opens lazily: read the schema so that a file it cannot open fails here."""
    await db.execute("SELECT count(*) FROM sqlite_master")


def writable(path: Path) -> bool:
    """Whether we may write the file and create -wal/-shm beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


async def in_thread(db: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(conn, *args)` on the connection's own thread, in one hop.

    aiosqlite hops to its thread and back for every statement. A command's transaction is
    several statements, and on a busy host every hop is a chance to be descheduled while
    holding the write lock — that is the latency tail. aiosqlite has no public call for a
    batch; `_execute` is the one its own methods use (the version range is pinned in
    pyproject.toml, and every store test goes through here).
    """
    result: T = await db._execute(lambda: fn(db._conn, *args))  # type: ignore[no-untyped-call]
    return result
