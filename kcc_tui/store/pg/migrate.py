"""`kcc store migrate --to postgresql://…`: an SQLite office's whole history into an empty
PostgreSQL store, then verified.

The events and notes are copied as they are (same seq, same JSON), in one transaction under
the office's lock; the read models are rebuilt from the copied log in that transaction. Then
the copy is checked against the source: the event count, every stream's versions, and the
read models (which on the source equal a fold of its log: its `check` passes first).
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from ...domain.office import Office
from ..common import EVENT_COLS
from ..errors import StoreError
from ..eventstore import Store
from ..target import redact
from .connection import connect, office_lock_key, translate
from .store import PgStore, create_pg_store, read_models, rebuild_read_models

STREAMS = "SELECT stream, count(*), min(version), max(version) FROM events GROUP BY stream"


@dataclass(frozen=True)
class Migrated:
    events: int
    streams: int
    days: int
    tickets: int
    sessions: int


async def migrate(source: Path, url: str, office: Office) -> Migrated:
    """Copy the SQLite store at `source` into the PostgreSQL database at `url` (which must
    hold no events yet) and verify the copy; raises a one-line StoreError."""
    async with Store(source, office, readonly=True) as src:
        problems = await src.check()
        if problems:
            raise StoreError(f"{source} fails its check ({'; '.join(problems)}): fix it first "
                             "(`kcc store check`)")
        want_models = await src.read_models()
    await create_pg_store(url, office)
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as lite:
        lite.execute("BEGIN")  # one snapshot of the source for the copy and the comparison
        want_streams = _streams(lite.execute(STREAMS).fetchall())
        db = await connect(url, application="kcc-migrate")
        try:
            async with db.transaction():
                await db.execute("SELECT pg_advisory_xact_lock(%s)", (office_lock_key(),))
                cur = await db.execute("SELECT count(*) FROM events")
                held = (await cur.fetchone() or (0,))[0]
                if held:
                    raise StoreError(f"database {redact(url)} already holds {held} events: "
                                     "migrate into an empty one")
                await _copy(lite, db, f"SELECT {EVENT_COLS} FROM events ORDER BY seq",
                            f"COPY events ({EVENT_COLS}) FROM STDIN")
                await _copy(lite, db, "SELECT seq, day, text FROM notes ORDER BY seq",
                            "COPY notes (seq, day, text) FROM STDIN")
                days = await rebuild_read_models(db)
            got_streams = _streams(await (await db.execute(STREAMS)).fetchall())
            got_models = await read_models(db)
        except psycopg.Error as e:
            raise translate(e, url) from None
        finally:
            await db.close()
    problems = []
    count = sum(n for n, _, _ in want_streams.values())
    if sum(n for n, _, _ in got_streams.values()) != count:
        problems.append("the event count differs")
    if got_streams != want_streams:
        problems.append("the versions of some streams differ")
    if got_models != want_models:
        problems.append("the read models differ from the source's")
    async with PgStore(url, office) as dst:
        problems += await dst.check()
    if problems:
        raise StoreError(f"the copy in {redact(url)} failed its check: {'; '.join(problems)}")
    return Migrated(count, len(want_streams), days, len(got_models[0]), len(got_models[1]))


def _streams(rows: list[Any]) -> dict[str, tuple[int, int, int]]:
    return {stream: (int(n), int(lo), int(hi)) for stream, n, lo, hi in rows}


async def _copy(lite: sqlite3.Connection, db: psycopg.AsyncConnection[Any], select: str,
                copy: str) -> None:
    cur = lite.execute(select)
    async with db.cursor().copy(copy) as into:
        while rows := cur.fetchmany(5000):
            for row in rows:
                await into.write_row(row)
