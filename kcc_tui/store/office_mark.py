"""Which office a store belongs to: `office` in the store's meta table (no migration needed).

Recorded when the store is created, and adopted once by a store made before offices had an id
(the first writer to open it records the id of its config). From then on a process whose config
is another office is refused on open, with one line naming both: with several offices on one
host (or one server), a kiosk started with the wrong config must never number tickets in another
office's log. The decision is `settle_office`, the same on both engines; each engine gives it
its own way to read and to record the mark (SQLite below, PostgreSQL in pg/store.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

from .errors import StoreOtherOffice

KEY = "office"


async def settle_office(read: Callable[[], Awaitable[str | None]],
                        record: Callable[[], Awaitable[None]], office_id: str, where: str, *,
                        readonly: bool, setting: str = "path") -> None:
    """Check that the store at `where` is `office_id`'s; `record` the id (insert-if-absent, in
    a transaction of its own) if the store has none and may be written: of two processes
    adopting an old store at the same moment one records its id, and the other reads it back.
    Raises StoreOtherOffice (one line naming both offices; `setting`: [store] path or url)."""
    found = await read()
    if found is None and not readonly:
        await record()
        found = await read()
    if found is not None and found != office_id:
        raise StoreOtherOffice(
            f'database {where} belongs to office "{found}", not to office "{office_id}" of '
            f'this configuration: start it with office "{found}"\'s config, or check '
            f"[store] {setting}", found, office_id)


def other_backup(backup: object, found: str | None, office_id: str) -> StoreOtherOffice | None:
    """The refusal of restoring `backup`, which records office `found`, into `office_id`'s
    store (None: it may be restored; a backup that records no office passes)."""
    if found is None or found == office_id:
        return None
    return StoreOtherOffice(f'backup {backup} is of office "{found}", not of office '
                            f'"{office_id}" of this configuration: nothing restored',
                            found, office_id)


async def recorded_office(db: aiosqlite.Connection) -> str | None:
    """The office id the store records, or None (none yet, or a schema before meta)."""
    try:
        row = await (await db.execute("SELECT value FROM meta WHERE key = ?", (KEY,))).fetchone()
    except aiosqlite.OperationalError:  # no meta table: an old store opened read-only
        return None
    return row[0] if row else None


async def mark_office(db: aiosqlite.Connection, office_id: str, where: str, *,
                      readonly: bool) -> None:
    """`settle_office` on an SQLite store."""

    async def record() -> None:
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                             (KEY, office_id))
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise

    await settle_office(lambda: recorded_office(db), record, office_id, where,
                        readonly=readonly)
