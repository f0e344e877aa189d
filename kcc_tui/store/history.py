"""Reading past business days from the SQLite read models (never the whole event log), for
reports and the simulator's fitting: the `History` of `protocol.py`.

The `tickets` table holds one row per ticket with its wait intervals as JSON, `post_sessions`
one row per counter session; phone contacts are only in the log (`phone_call_registered`).
Rows are turned back into the domain's own `Ticket` / `Interval`, so the KPIs are computed by
`domain.kpi` exactly as the live dashboard computes them.

A history reader opens a connection of its own: the app's store connection may be inside a
write transaction at any moment, and one aiosqlite connection must never run two at once
(DESIGN.md §2). The SQL is plain SELECTs with parameters (JSON is decoded here), so another
engine can ask the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Collection
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from ..domain.appointments import Appointment
from ..domain.events import Event
from ..domain.state import Interval, Ticket
from .common import SELECT_EVENTS, row_to_event
from .connection import connect, writable
from .errors import translate
from .protocol import PhoneCall, SessionRecord
from .readmodels import SELECT_APPOINTMENTS, appointment_from_row
from .schema import check_version

_ts = datetime.fromisoformat  # reads the store's "…Z" stamps (Python ≥ 3.11), ~20× strptime

TICKET_SQL = ("SELECT day, number, n, service, status, priority, lang, issued_at, outcome, "
              "topics, intervals FROM tickets WHERE day >= ? AND day <= ?")
SESSION_SQL = ("SELECT day, post, session, staff, opened_at, closed_at, paused_s, serving_s, "
               "calls FROM post_sessions WHERE day >= ? AND day <= ? ORDER BY day, opened_at")
# Phone contacts are events of the post's stream `post:{post}:{day}`. The sessions that took
# calls name those streams, and UNIQUE(stream, version) indexes them: no scan of the period's
# events (a year holds over a million, mostly heartbeats).
CALL_SQL = ("SELECT at, day, data FROM events "
            "WHERE stream IN ({}) AND type = 'phone_call_registered'")
TOPIC_SQL = ("SELECT finished_at, topics FROM tickets WHERE day >= ? AND day <= ? "
             "AND topics <> '[]' AND finished_at IS NOT NULL")
CHUNK = 500  # streams per query (SQLite allows 32766 parameters; stay far below)


def _interval(d: dict[str, Any]) -> Interval:
    # inlined rather than a helper per stamp: a year is ~80k tickets, ~400k stamps
    q, c, s, e = d.get("queued_at"), d.get("called_at"), d.get("started_at"), d.get("ended_at")
    return Interval(d["service"], _ts(q) if q else None, _ts(c) if c else None,
                    _ts(s) if s else None, _ts(e) if e else None, d.get("end"), d.get("post"),
                    d.get("staff"))


def ticket_from_row(row: Any) -> Ticket:
    """A ticket as the fold left it, from its read-model row (the columns of TICKET_SQL)."""
    _day, number, n, service, status, priority, lang, issued_at, outcome, topics, ivs = row
    return Ticket(number=number, n=n, service=service, issued_at=_ts(issued_at), lang=lang,
                  priority=bool(priority), status=status, outcome=outcome,
                  topics=tuple(json.loads(topics)) if topics != "[]" else (),
                  intervals=[_interval(d) for d in json.loads(ivs)])


def _session(row: Any) -> SessionRecord:
    day, post, session, staff, opened, closed, paused_s, serving_s, calls = row
    return SessionRecord(date.fromisoformat(day), post, session, staff, _ts(opened),
                         _ts(closed) if closed else None, paused_s, serving_s, calls)


class HistoryQueries:
    """The `History` queries every engine asks the same way (SQL with `?` parameters); an
    engine gives `_all` and `tickets`."""

    # how the engine asks whether a table exists (one `?`: its name)
    HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

    async def _all(self, sql: str, args: Collection[Any]) -> list[Any]:
        raise NotImplementedError

    async def sessions(self, first: date, last: date) -> list[SessionRecord]:
        return [_session(r) for r in await self._all(SESSION_SQL, (str(first), str(last)))]

    async def phone_calls(self, first: date, last: date) -> list[PhoneCall]:
        streams = sorted({f"post:{s.post}:{s.day}" for s in await self.sessions(first, last)
                          if s.calls})
        out = []
        for i in range(0, len(streams), CHUNK):
            part = streams[i:i + CHUNK]
            for at, day, data in await self._all(CALL_SQL.format(",".join("?" * len(part))),
                                                  part):
                d = json.loads(data)
                out.append(PhoneCall(_ts(at), date.fromisoformat(day), d["post"], d["staff"],
                                     d["topic"]))
        return sorted(out, key=lambda c: c.at)

    async def finished_topics(self, first: date,
                              last: date) -> list[tuple[datetime, tuple[str, ...]]]:
        return [(_ts(finished), tuple(json.loads(topics)))
                for finished, topics in await self._all(TOPIC_SQL, (str(first), str(last)))]

    async def appointments(self, first: date, last: date) -> list[Appointment]:
        if not await self._all(self.HAS_TABLE, ("appointments",)):
            # a read-only store of an older schema (not upgraded): none were ever booked
            return []
        sql = f"{SELECT_APPOINTMENTS} WHERE day >= ? AND day <= ? ORDER BY start, key"
        return [appointment_from_row(r) for r in await self._all(sql, (str(first), str(last)))]

    async def events_of_days(self, first: date, last: date,
                             types: Collection[str]) -> list[Event]:
        kinds = sorted(types)
        if not kinds:
            return []
        sql = (f"{SELECT_EVENTS} WHERE e.day >= ? AND e.day <= ? "
               f"AND e.type IN ({','.join('?' * len(kinds))}) ORDER BY e.seq")
        return [row_to_event(r) for r in await self._all(sql, (str(first), str(last), *kinds))]


class SqliteHistory(HistoryQueries):
    """`History` on one read transaction of a connection of its own."""

    def __init__(self, db: aiosqlite.Connection, where: str) -> None:
        self._db = db
        self._where = where

    async def tickets(self, first: date, last: date) -> AsyncIterator[tuple[date, Ticket]]:
        # Rows in chunks, the next chunk read by aiosqlite's thread (SQLite runs without the
        # GIL) while this one is turned into tickets: a year is read in ~¾ of the time.
        try:
            cur = await self._db.execute(TICKET_SQL, (str(first), str(last)))
        except sqlite3.Error as e:
            raise translate(e, self._where) from None
        days: dict[str, date] = {}
        try:
            pending = asyncio.ensure_future(cur.fetchmany(4000))
            while rows := await pending:
                pending = asyncio.ensure_future(cur.fetchmany(4000))
                for row in rows:
                    day = days.get(row[0]) or days.setdefault(row[0], date.fromisoformat(row[0]))
                    yield day, ticket_from_row(row)
        except sqlite3.Error as e:
            raise translate(e, self._where) from None
        finally:
            await cur.close()

    async def _all(self, sql: str, args: Collection[Any]) -> list[Any]:
        try:
            return list(await self._db.execute_fetchall(sql, tuple(args)))
        except sqlite3.Error as e:
            raise translate(e, self._where) from None


@contextlib.asynccontextmanager
async def open_history(path: str | Path) -> AsyncIterator[SqliteHistory]:
    """A history reader on the store file at `path`, checked to be a kcc store we can read,
    inside one read transaction: every table is read as of the same commit while other
    processes go on writing (WAL readers never block writers)."""
    p = Path(path)
    db = await connect(p, readonly=p.exists() and not writable(p))
    try:
        try:
            await db.execute("BEGIN")
            row = await (await db.execute("PRAGMA user_version")).fetchone()
        except sqlite3.Error as e:
            raise translate(e, str(p)) from None
        check_version(row[0] if row else 0, str(p))
        yield SqliteHistory(db, str(p))
    finally:
        with contextlib.suppress(sqlite3.Error):
            await db.execute("COMMIT")
        await db.close()
