"""Daily backups with rotation, and restoring one into the live database."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from .connection import owner_only
from .eventstore import Store
from .schema import LATEST

PREFIX = "kcc-"


async def daily_backup(store: Store, folder: Path, keep_days: int,
                       today: date) -> tuple[Path, list[Path]]:
    """Write `kcc-YYYY-MM-DD.db` (once a day) and remove those older than `keep_days`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{today}.db"
    if not target.exists():
        await store.backup(target)
    removed = []
    for old in sorted(folder.glob(f"{PREFIX}????-??-??.db")):
        with contextlib.suppress(ValueError):
            if date.fromisoformat(old.stem[len(PREFIX):]) < today - timedelta(days=keep_days):
                old.unlink()
                removed.append(old)
    return target, removed


def _verify(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
        ok = c.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise ValueError(f"{path} fails its integrity check ({ok})")
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= version <= LATEST:
            raise ValueError(f"{path} has schema {version}; this kcc reads 1 to {LATEST}")
        if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'events'").fetchone():
            raise ValueError(f"{path} is not a kcc database")


def restore(backup: Path, db: Path) -> Path | None:
    """Copy `backup` into `db` with SQLite's backup API, so processes that have `db` open see
    the change like any other write. The current content is saved first."""
    _verify(backup)
    kept = None
    if db.exists():
        kept = db.with_name(f"{db.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        owner_only(kept)
        with contextlib.closing(sqlite3.connect(db)) as live, \
                contextlib.closing(sqlite3.connect(kept)) as copy:
            live.backup(copy)
    with contextlib.closing(sqlite3.connect(backup)) as src, \
            contextlib.closing(sqlite3.connect(db, timeout=10)) as dst:
        src.backup(dst)
    return kept
