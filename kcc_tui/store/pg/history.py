"""`History` on PostgreSQL: the same queries as on SQLite (`store/history.py`), inside one
REPEATABLE READ READ ONLY transaction of a connection of its own, so a long report reads one
snapshot and never holds up commands."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Collection
from datetime import date
from typing import Any

import psycopg

from ...domain.state import Ticket
from ..history import TICKET_SQL, HistoryQueries, ticket_from_row
from ..schema import check_version
from .connection import connect, translate
from .schema import LATEST


def pg_params(sql: str) -> str:
    """The shared queries' `?` parameters as psycopg's `%s` (they hold no other `?` or %)."""
    return sql.replace("?", "%s")


class PgHistory(HistoryQueries):
    HAS_TABLE = "SELECT 1 WHERE to_regclass(?) IS NOT NULL"

    def __init__(self, db: psycopg.AsyncConnection[Any], url: str) -> None:
        self._db = db
        self._url = url

    async def tickets(self, first: date, last: date) -> AsyncIterator[tuple[date, Ticket]]:
        days: dict[str, date] = {}
        try:
            async with self._db.cursor(name="kcc_tickets") as cur:
                await cur.execute(pg_params(TICKET_SQL), (str(first), str(last)))
                while rows := await cur.fetchmany(4000):
                    for row in rows:
                        day = days.get(row[0]) or days.setdefault(row[0],
                                                                  date.fromisoformat(row[0]))
                        yield day, ticket_from_row(row)
        except psycopg.Error as e:
            raise translate(e, self._url) from None

    async def _all(self, sql: str, args: Collection[Any]) -> list[Any]:
        try:
            cur = await self._db.execute(pg_params(sql), tuple(args))
            return await cur.fetchall()
        except psycopg.Error as e:
            raise translate(e, self._url) from None


@contextlib.asynccontextmanager
async def open_history(url: str) -> AsyncIterator[PgHistory]:
    db = await connect(url, readonly=True, application="kcc-history")
    try:
        try:
            await db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur = await db.execute("SELECT CASE WHEN to_regclass('kcc_schema') IS NULL THEN 0 "
                                   "ELSE (SELECT coalesce(max(version), 0) FROM kcc_schema) END")
            version = (await cur.fetchone() or (0,))[0]
        except psycopg.Error as e:
            raise translate(e, url) from None
        check_version(version, url, LATEST)
        yield PgHistory(db, url)
    finally:
        with contextlib.suppress(psycopg.Error):
            await db.execute("COMMIT")
        await db.close()
