"""Daily backups with rotation, and restoring one into the live database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from .connection import owner_only
from .errors import StoreError
from .eventstore import verify_file
from .office_mark import KEY, other_backup
from .protocol import EventStore
from .target import is_url

PREFIX = "kcc-"


async def daily_backup(store: EventStore, folder: Path, keep_days: int,
                       today: date) -> tuple[Path, list[Path]]:
    """Write `kcc-YYYY-MM-DD.db` (once a day) and remove those older than `keep_days`. Today's
    file, if there, is checked again: one that fails (whoever left it) is made afresh."""
    folder.mkdir(parents=True, exist_ok=True)
    on_server = is_url(store.where)  # PostgreSQL: pg_dump files, checked when they are made
    suffix = ".dump" if on_server else ".db"
    target = folder / f"{PREFIX}{today}{suffix}"
    if target.exists() and not on_server:
        try:
            verify_file(target)
        except ValueError:
            target.unlink()
    elif target.exists() and target.stat().st_size == 0:
        target.unlink()
    if not target.exists():
        await store.backup(target)
    removed = []
    for old in sorted(folder.glob(f"{PREFIX}????-??-??{suffix}")):
        with contextlib.suppress(ValueError):
            if date.fromisoformat(old.stem[len(PREFIX):]) < today - timedelta(days=keep_days):
                old.unlink()
                removed.append(old)
    return target, removed


def restore(backup: Path, db: str | Path, office: str | None = None) -> Path | None:
    """Copy `backup` into `db` with SQLite's backup API, so processes that have `db` open see
    the change like any other write, under a new generation: each of them then notices that
    its state came from other content and folds afresh. The current content is saved first;
    its path is returned. Raises a one-line StoreError (nothing changed). A PostgreSQL store
    (`db` a URL) is refilled from a pg_dump backup in one transaction (`pg/backup.py`), which
    refuses a backup of another office than `office` (SQLite: `check_backup_office`, before
    the CLI asks)."""
    if is_url(db):
        try:
            from .pg.backup import restore as pg_restore
        except ImportError:
            raise StoreError("PostgreSQL support is not installed") from None
        return asyncio.run(pg_restore(backup, str(db), office))
    try:
        return _restore(backup, Path(db))
    except (OSError, sqlite3.Error, ValueError) as e:
        raise StoreError(str(e)) from None


def _restore(backup: Path, db: Path) -> Path | None:
    verify_file(backup)
    kept = None
    if db.exists():
        kept = db.with_name(f"{db.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        owner_only(kept)
        with contextlib.closing(sqlite3.connect(db)) as live, \
                contextlib.closing(sqlite3.connect(kept)) as copy:
            live.backup(copy)
    # Staged beside the database with its new generation, then copied in one step: no process
    # ever sees the restored content under the old generation.
    staged = db.with_name(f".{db.name}.restoring-{os.getpid()}")
    staged.unlink(missing_ok=True)
    owner_only(staged)
    try:
        with contextlib.closing(sqlite3.connect(backup)) as src, \
                contextlib.closing(sqlite3.connect(staged, isolation_level=None)) as st:
            src.backup(st)
            if st.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                st.execute("UPDATE meta SET value = lower(hex(randomblob(16))) "
                           "WHERE key = 'generation'")
            # (an older backup has no meta table yet: its migration gives it a generation)
        with contextlib.closing(sqlite3.connect(staged)) as st, \
                contextlib.closing(sqlite3.connect(db, timeout=10)) as dst:
            st.backup(dst)
    finally:
        staged.unlink(missing_ok=True)
    return kept


def check_backup_office(backup: Path, office: str) -> None:
    """Raise StoreOtherOffice when `backup` records another office than `office` (several
    offices: a backup of one office must never be restored into another's store). A file
    that is no SQLite store, or records no office, passes: `restore` judges it."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as c:
            row = c.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    except sqlite3.Error:  # not SQLite (a pg_dump: pg/backup.restore checks it), or older
        return
    refused = other_backup(backup, row[0] if row else None, office)
    if refused is not None:
        raise refused
