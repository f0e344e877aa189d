"""Which office a store belongs to: `office` in the store's meta table (no migration needed).

Recorded when the store is created, and adopted once by a store made before offices had an id
(the first writer to open it records the id of its config). From then on a process whose config
is another office is refused on open, with one line naming both: with several offices on one
host, a kiosk started with the wrong config must never number tickets in another office's log.
"""

from __future__ import annotations

import aiosqlite

from .errors import StoreOtherOffice

KEY = "office"


async def recorded_office(db: aiosqlite.Connection) -> str | None:
    """The office id the store records, or None (none yet, or a schema before meta)."""
    try:
        row = await (await db.execute("SELECT value FROM meta WHERE key = ?", (KEY,))).fetchone()
    except aiosqlite.OperationalError:  # no meta table: an old store opened read-only
        return None
    return row[0] if row else None


async def mark_office(db: aiosqlite.Connection, office_id: str, where: str, *,
                      readonly: bool) -> None:
    """Check that the store at `where` is `office_id`'s; record the id if the store has none
    and may be written. Raises StoreOtherOffice (one line naming both offices)."""
    found = await recorded_office(db)
    if found is None and not readonly:
        # INSERT OR IGNORE in its own write transaction: of two processes adopting an old
        # store at the same moment one records its id, and the other reads it back below.
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                             (KEY, office_id))
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        found = await recorded_office(db)
    if found is not None and found != office_id:
        raise StoreOtherOffice(
            f'database {where} belongs to office "{found}", not to office "{office_id}" of '
            f'this configuration: start it with office "{found}"\'s config, or check '
            "[store] path", found, office_id)
