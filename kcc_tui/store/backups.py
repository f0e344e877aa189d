"""Daily backups with rotation, and restoring one into the live database."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from .connection import owner_only
from .errors import StoreError, StoreOtherOffice
from .eventstore import verify_file
from .office_mark import KEY
from .protocol import EventStore

PREFIX = "kcc-"


async def daily_backup(store: EventStore, folder: Path, keep_days: int,
                       today: date) -> tuple[Path, list[Path]]:
    """Write `kcc-YYYY-MM-DD.db` (once a day) and remove those older than `keep_days`. Today's
    file, if there, is checked again: one that fails (whoever left it) is made afresh."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{today}.db"
    if target.exists():
        try:
            verify_file(target)
        except ValueError:
            target.unlink()
    if not target.exists():
        await store.backup(target)
    removed = []
    for old in sorted(folder.glob(f"{PREFIX}????-??-??.db")):
        with contextlib.suppress(ValueError):
            if date.fromisoformat(old.stem[len(PREFIX):]) < today - timedelta(days=keep_days):
                old.unlink()
                removed.append(old)
    return target, removed


def restore(backup: Path, db: Path) -> Path | None:
    """Copy `backup` into `db` with SQLite's backup API, so processes that have `db` open see
    the change like any other write, under a new generation: each of them then notices that
    its state came from other content and folds afresh. The current content is saved first;
    its path is returned. Raises a one-line StoreError (nothing changed)."""
    try:
        return _restore(backup, db)
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
    except sqlite3.Error:  # not SQLite, or older than the meta table
        return
    if row is not None and row[0] != office:
        raise StoreOtherOffice(f'backup {backup} is of office "{row[0]}", not of office '
                               f'"{office}" of this configuration: nothing restored',
                               row[0], office)
