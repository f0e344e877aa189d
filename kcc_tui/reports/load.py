"""Reading a period's history from the store's read-model tables (never the whole event log).

The `tickets` table holds one row per ticket with its wait intervals as JSON, `post_sessions` one
row per counter session; phone contacts are only in the log (`phone_call_registered`). Rows are
turned back into the domain's own `Ticket` / `Interval` / `PostState`, so the KPIs are computed by
`domain.kpi` exactly as the live dashboard computes them.

Reports open their own connection: the app's store connection may be inside a write transaction
at any moment, and one aiosqlite connection must never run two at once (DESIGN.md §2).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from ..domain.kpi import post_times
from ..domain.state import Interval, PostState, Ticket
from ..store.connection import connect, writable
from ..store.errors import StoreError, StoreTooNew, translate
from ..store.schema import LATEST
from .period import Period

_ts = datetime.fromisoformat  # reads the store's "…Z" stamps (Python ≥ 3.11), ~20× strptime


@dataclass(frozen=True, slots=True)
class Call:
    """A phone contact registered on the phone line."""

    at: datetime
    day: date
    post: str
    staff: str
    topic: str


@dataclass(frozen=True, slots=True)
class Session:
    """One counter session (open → close) with its times in seconds (DESIGN.md §4: idle =
    open − serving − paused)."""

    day: date
    post: str
    staff: str | None
    open_s: float
    serving_s: float
    paused_s: float

    @property
    def idle_s(self) -> float:
        return max(0.0, self.open_s - self.serving_s - self.paused_s)


@dataclass
class History:
    """Everything a report needs about a run of days."""

    first: date
    last: date
    tickets: list[Ticket] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def __repr__(self) -> str:  # short: see Report.__repr__
        return f"History({self.first}..{self.last}, {len(self.tickets)} tickets)"


@contextlib.asynccontextmanager
async def reader(path: str | Path) -> AsyncIterator[aiosqlite.Connection]:
    """A connection of our own to the store file, checked to be a kcc store we can read, inside
    one read transaction: every table is read as of the same commit while other processes go on
    writing (WAL readers never block writers)."""
    p = Path(path)
    db = await connect(p, readonly=p.exists() and not writable(p))
    try:
        try:
            await db.execute("BEGIN")
            row = await (await db.execute("PRAGMA user_version")).fetchone()
        except sqlite3.Error as e:
            raise translate(e, str(p)) from None
        version = row[0] if row else 0
        if version > LATEST:
            raise StoreTooNew(f"database {p} has schema {version}, this kcc knows up to "
                              f"{LATEST}: upgrade kcc before reporting on it")
        if version < 1:
            raise StoreError(f"database {p} is not a kcc store (create one with `kcc init`)")
        try:
            yield db
        except sqlite3.Error as e:
            raise translate(e, str(p)) from None
    finally:
        with contextlib.suppress(sqlite3.Error):
            await db.execute("COMMIT")
        await db.close()


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


TICKET_SQL = ("SELECT day, number, n, service, status, priority, lang, issued_at, outcome, "
              "topics, intervals FROM tickets WHERE day >= ? AND day <= ?")
SESSION_SQL = ("SELECT day, post, session, staff, opened_at, closed_at, paused_s, serving_s, "
               "calls FROM post_sessions WHERE day >= ? AND day <= ?")
# Phone contacts are events of the post's stream `post:{post}:{day}`. The sessions that took
# calls name those streams, and UNIQUE(stream, version) indexes them: no scan of the period's
# events (a year holds over a million, mostly heartbeats).
CALL_SQL = ("SELECT at, day, json_extract(data, '$.post'), json_extract(data, '$.staff'), "
            "json_extract(data, '$.topic') FROM events "
            "WHERE stream IN ({}) AND type = 'phone_call_registered'")
CHUNK = 500  # streams per query (SQLite allows 32766 parameters; stay far below)


async def _calls(db: aiosqlite.Connection, sessions: Iterable[Any]) -> list[Call]:
    streams = sorted({f"post:{r[1]}:{r[0]}" for r in sessions if r[8]})
    out = []
    for i in range(0, len(streams), CHUNK):
        part = streams[i:i + CHUNK]
        sql = CALL_SQL.format(",".join("?" * len(part)))
        for at, day_s, post, staff, topic in await db.execute_fetchall(sql, part):
            out.append(Call(_ts(at), date.fromisoformat(day_s), post, staff, topic))
    return sorted(out, key=lambda c: c.at)


async def _rows(db: aiosqlite.Connection, sql: str, args: tuple[Any, ...],
                size: int = 4000) -> AsyncIterator[Any]:
    """Rows in chunks, the next chunk read by aiosqlite's thread (SQLite runs without the GIL)
    while this one is turned into tickets: a year is read in ~¾ of the time."""
    cur = await db.execute(sql, args)
    try:
        pending = asyncio.ensure_future(cur.fetchmany(size))
        while rows := await pending:
            pending = asyncio.ensure_future(cur.fetchmany(size))
            for row in rows:
                yield row
    finally:
        await cur.close()


async def load(db: aiosqlite.Connection, first: date, last: date, now: datetime,
               today: date, progress: Callable[[int, int | None], None] | None = None
               ) -> History:
    """Tickets, counter sessions and phone contacts of the business days first..last; `now` and
    `today` (its business day) end the sessions still open. `progress(tickets read, None)` is
    called every few thousand tickets."""
    h = History(first, last)
    args = (str(first), str(last))
    rows = await db.execute_fetchall(SESSION_SQL, args)
    # Sessions still open: today's run up to now (with the ticket at the post, if any); one left
    # open on a past day (that day was never closed) runs up to the post's last activity.
    still_open = {(r[0], r[1]) for r in rows if r[5] is None}
    current: dict[tuple[str, str], Ticket] = {}
    last_seen: dict[tuple[str, str], datetime] = {}
    async for row in _rows(db, TICKET_SQL, args):
        t = ticket_from_row(row)
        h.tickets.append(t)
        if progress is not None and len(h.tickets) % 4000 == 0:
            progress(len(h.tickets), None)
        if not still_open:
            continue
        if t.status in ("called", "serving") and (row[0], t.post) in still_open:
            current[(row[0], t.post or "")] = t
        for iv in t.intervals:
            key = (row[0], iv.post or "")
            stamp = iv.ended_at or iv.started_at or iv.called_at
            if key in still_open and stamp is not None:
                last_seen[key] = max(stamp, last_seen.get(key, stamp))
    if progress is not None:
        progress(len(h.tickets), None)
    for day_s, post, session, staff, opened, closed, paused_s, serving_s, _ in rows:
        d = date.fromisoformat(day_s)
        p = PostState(post, open=closed is None, staff=staff, session=session,
                      opened_at=_ts(opened), closed_at=_ts(closed) if closed else None,
                      paused_s=paused_s, serving_s=serving_s)
        tickets: dict[str, Ticket] = {}
        end = now
        if p.open and d < today:
            end = max(p.opened_at or now, last_seen.get((day_s, post), p.opened_at or now))
        elif p.open and (cur := current.get((day_s, post))) is not None:
            p.current, tickets[cur.number] = cur.number, cur
        open_s, serving, paused = post_times(p, tickets, end)
        h.sessions.append(Session(d, post, staff, open_s, serving, paused))
    h.calls = await _calls(db, rows)
    return h


async def load_topics(db: aiosqlite.Connection, period: Period,
                      tz: str) -> tuple[list[tuple[datetime, tuple[str, ...]]], list[Call]]:
    """Just the topics of a period (for the trend against the previous one): the finish time and
    topics of every ticket finished with topics, and the phone contacts."""
    start, end = period.bounds(tz)
    args = (str(period.first), str(period.last))
    tickets = []
    for finished, topics in await db.execute_fetchall(
            "SELECT finished_at, topics FROM tickets WHERE day >= ? AND day <= ? "
            "AND topics <> '[]' AND finished_at IS NOT NULL", args):
        at = _ts(finished)
        if start <= at < end:
            tickets.append((at, tuple(json.loads(topics))))
    calls = await _calls(db, await db.execute_fetchall(SESSION_SQL, args))
    return tickets, [c for c in calls if start <= c.at < end]


def source_path(source: Any) -> Path:
    """The store file of a `Store` (its `.path`) or a path given as such."""
    return Path(getattr(source, "path", source))
