"""The event store on PostgreSQL: the contract of `store/protocol.py`, as the SQLite store
keeps it, for an office whose terminals run on more than one host.

Writes: each command is one transaction that takes the office's advisory lock
(`pg_advisory_xact_lock`, released by COMMIT or ROLLBACK), catches up, decides, appends,
updates the read models, NOTIFYs and commits. Under the lock the log ends at the state's
position, so the new events are numbered from there: seq is gap-free and in commit order, and
a reader's `seq > last seen` never skips an event committed late.

Reads: a second connection LISTENs on the office's channel; a notification (or a second
without one) makes the next `poll` ask for `events WHERE seq > last seen`. Nothing is missed
across a reconnect: the position, not the notification, says what is new.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Collection
from contextlib import AbstractAsyncContextManager
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pgerr

from ...domain.appointments import Appointment
from ...domain.clock import Clock, system_clock
from ...domain.commands import Command, Refused, RefusedWithEvents
from ...domain.events import Event
from ...domain.office import Office
from .. import readmodels
from ..common import (
    EVENT_COLS,
    FINGERPRINT,
    SELECT_APPOINTMENT_EVENTS,
    SELECT_EVENTS,
    Folding,
    appointment_problems,
    event_row,
    fingerprint,
    fold_days,
    note_rows,
    read_model_problems,
    row_to_event,
)
from ..errors import (
    StoreError,
    StoreForeign,
    StoreLocked,
    StoreReadOnly,
    StoreReplaced,
    StoreUnreachable,
)
from ..office_mark import KEY as OFFICE_KEY
from ..office_mark import settle_office
from ..protocol import EventStore, History
from ..schema import check_version
from ..target import redact
from .connection import (
    channel,
    connect,
    is_connection_loss,
    office_lock_key,
    translate,
)
from .schema import LATEST, MIGRATIONS, VERSION_TABLE

IDENTITY = (f"SELECT (SELECT value FROM meta WHERE key = 'generation'), "
            f"(SELECT {FINGERPRINT} FROM events WHERE seq = %s), (SELECT max(seq) FROM events)")
CATCH_UP_S = 1.0  # without a notification, look anyway this often (a missed one, a restore)
RETRY_FIRST_S, RETRY_MAX_S = 0.25, 5.0  # back-off between tries to reach a lost server
RESOLVE_S = 15.0  # how long a command whose COMMIT lost its connection waits to learn its fate
LOST_HINT = "was the server restored from an older backup? see docs/operations.md"
MIGRATION_LOCK = office_lock_key("schema")


def upsert_sql(table: readmodels.Table) -> str:
    cols = ", ".join(table.cols)
    rest = ", ".join(f"{c} = EXCLUDED.{c}" for c in table.cols if c not in table.key)
    return (f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join(['%s'] * len(table.cols))}) "
            f"ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {rest}")


UPSERTS = [upsert_sql(t) for t in readmodels.TABLES]
UPSERT_APPOINTMENT = upsert_sql(readmodels.APPOINTMENTS)
INSERT_EVENT = f"INSERT INTO events ({EVENT_COLS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"


class _NotOurs(Exception):
    """Inside a command: the store is not the content our state was folded from."""

    def __init__(self, generation: str | None, top: int | None) -> None:
        self.found = (generation, top)


class _Lost(Exception):
    """Inside a command: the connection broke before COMMIT (nothing was recorded)."""


class PgStore(Folding):
    """One process's handle on an office's store in a PostgreSQL database."""

    def __init__(self, url: str, office: Office, *, clock: Clock = system_clock,
                 create: bool = False, busy_timeout_ms: int = 5000, use_flock: bool = True,
                 readonly: bool = False, lenient: bool = False,
                 serializable: bool = False) -> None:
        self.url = url
        self._init_fold(office, clock, lenient)
        self.create = create
        self.busy_timeout_ms = busy_timeout_ms  # the longest wait for the office's lock
        del use_flock  # SQLite's writer queue; the advisory lock is PostgreSQL's
        self.readonly = readonly
        # SERIALIZABLE with retry instead of the advisory lock: only `kcc bench store`
        # measures it (docs/operations.md has the figures that chose the lock)
        self.serializable = serializable
        self._db: psycopg.AsyncConnection[Any] | None = None
        self._listen: psycopg.AsyncConnection[Any] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._bell = asyncio.Event()
        self._lock = asyncio.Lock()  # one transaction at a time on the connection
        self._looked = 0.0  # monotonic time of the last catch-up query
        self._lock_key = office_lock_key()
        self._retry_s = RETRY_FIRST_S
        self._next_try = 0.0  # monotonic time before which a lost server is not tried again
        self._down: str | None = None  # why the last try to reconnect failed
        self._opened = False
        self._dirty = False  # the fold may hold events never committed: reload before use
        self._channel = channel()
        self.lost: str | None = None  # the server keeps what it acknowledged (fsync on)

    @property
    def where(self) -> str:
        """The store for people: its URL without the password."""
        return redact(self.url)

    def history(self) -> AbstractAsyncContextManager[History]:
        """A consistent read of past days on a connection of its own (`pg/history.py`)."""
        from .history import open_history

        return open_history(self.url)

    # -- lifecycle --------------------------------------------------------------------------
    async def open(self) -> PgStore:
        try:
            self._db = await connect(self.url, readonly=self.readonly,
                                     lock_timeout_ms=self.busy_timeout_ms)
            await self._migrate()
            await self._mark_office()
            self._listen = await connect(self.url, readonly=True, application="kcc-feed")
            await self._listen.execute(f"LISTEN {self._channel}")
            self._listener = asyncio.create_task(self._ring(self._listen))
            await self.reload()
            self._opened = True
        except BaseException as e:
            await self._close()
            if isinstance(e, psycopg.Error):
                raise translate(e, self.url) from None
            raise
        return self

    async def close(self) -> None:
        # After the command or poll in flight: its connection is not pulled from under it.
        async with self._lock:
            self._opened = False
            await self._close()

    async def _close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
            self._listener = None
        for conn in (self._listen, self._db):
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
        self._db = self._listen = None

    async def __aenter__(self) -> PgStore:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def db(self) -> psycopg.AsyncConnection[Any]:
        if self._db is None or self._db.closed:
            raise StoreUnreachable(f"database {self.where} is not connected")
        return self._db

    def _connected(self) -> bool:
        return (self._db is not None and not self._db.closed and not self._db.broken
                and self._listener is not None and not self._listener.done())

    async def _ensure_connected(self) -> None:
        """Reconnect after a lost connection (a server restart, a network cut), with back-off:
        while the server stays away, a try at most every RETRY_MAX_S; each failure is one
        line. The fold stays: the catch-up by position brings what happened meanwhile."""
        if self._connected():
            return
        if not self._opened:
            raise StoreUnreachable(f"database {self.where} is not connected (not open)")
        now = time.monotonic()
        if now < self._next_try:
            raise StoreUnreachable(self._down or f"connection to database {self.where} lost")
        try:
            await self._reconnect()
        except StoreError as e:
            self._next_try = now + self._retry_s
            self._retry_s = min(self._retry_s * 2, RETRY_MAX_S)
            self._down = f"connection to database {self.where} lost; reconnecting ({e})"
            raise StoreUnreachable(self._down) from None
        self._retry_s, self._next_try, self._down = RETRY_FIRST_S, 0.0, None
        if self._dirty:
            await self._reload()

    async def _ring(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """The doorbell: every notification on the office's channel wakes the next poll. A
        lost connection ends it; `poll` then says so."""
        with contextlib.suppress(psycopg.Error):
            async for _ in conn.notifies():
                self._bell.set()
        self._bell.set()

    async def _migrate(self) -> None:
        db = self.db
        version = await _schema_version(db)
        if version is None:
            names = await _tables(db)
            if names or not self.create:
                what = "is not a kcc database" if names else "holds no kcc schema"
                raise StoreForeign(f"database {self.where} {what} (not made by `kcc init`): "
                                   "check [store] url, or restore a backup")
            version = 0
        else:
            check_version(version, self.where, LATEST)
        if version == LATEST:
            return
        if self.readonly:
            raise StoreReadOnly(f"database {self.where} is read-only and needs an upgrade")
        async with db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await db.execute(VERSION_TABLE)
            version = await _schema_version(db) or 0
            for n in range(version, LATEST):
                await db.execute(MIGRATIONS[n])
                await db.execute("INSERT INTO kcc_schema (version) VALUES (%s)", (n + 1,))

    async def _mark_office(self) -> None:
        """The store's office (`office_mark.py`): recorded on create, adopted once by a store
        made before, and another office's config refused (a database per office on one
        server: a unit pointed at the wrong database never numbers in it)."""
        db = self.db

        async def read() -> str | None:
            cur = await db.execute("SELECT value FROM meta WHERE key = %s", (OFFICE_KEY,))
            row = await cur.fetchone()
            return str(row[0]) if row else None

        async def record() -> None:  # autocommit: one statement, its own transaction
            await db.execute("INSERT INTO meta (key, value) VALUES (%s, %s) "
                             "ON CONFLICT (key) DO NOTHING", (OFFICE_KEY, self.office.id))

        await settle_office(read, record, self.office.id, self.where, readonly=self.readonly,
                            setting="url")

    # -- reading ---------------------------------------------------------------------------
    async def reload(self) -> None:
        """Fold today's events from scratch (start-up, day rollover, after a failed commit,
        after the content changed under us)."""
        async with self._lock:
            await self._reload()

    async def _reload(self) -> None:
        db, day = self.db, self.today()
        try:
            async with db.transaction():
                await db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cur = await db.execute("SELECT value FROM meta WHERE key = 'generation'")
                generation = (await cur.fetchone() or (None,))[0]
                cur = await db.execute(f"SELECT seq, {FINGERPRINT} FROM events "
                                       "ORDER BY seq DESC LIMIT 1")
                top = await cur.fetchone()
                cur = await db.execute(f"{SELECT_EVENTS} WHERE e.day = %s AND e.seq <= %s "
                                       "ORDER BY e.seq", (str(day), top[0] if top else 0))
                rows = await cur.fetchall()
        except psycopg.Error as e:
            raise translate(e, self.url) from None
        self._fold_afresh(day, generation, (top[0], top[1]) if top else None, rows)
        self._looked = time.monotonic()
        self._dirty = False
        await self._learning.attach(self)  # the forecast's recent weeks, for the new state

    async def _replaced(self, generation: str | None, top: int | None) -> StoreReplaced:
        what = self._replaced_what(self.where, generation, top, LOST_HINT)
        await self._reload()
        return self._replaced_error(what)

    async def poll(self) -> list[Event]:
        """The change feed: other processes' events since the last look, folded; [] when
        nothing changed. Between notifications it costs nothing but a look at a flag.
        Raises StoreReplaced (after folding afresh) when the content changed under us, and
        StoreUnreachable when the connection was lost (the app reconnects)."""
        if self.today() != self.state.day:
            await self.reload()
            return []
        if (self._bell.is_set() or time.monotonic() - self._looked >= CATCH_UP_S
                or not self._connected()):
            async with self._lock:
                await self._ensure_connected()
                self._bell.clear()
                self._unseen += await self._read_new()
        out, self._unseen = self._unseen, []
        return out

    async def _read_new(self) -> list[Event]:
        db = self.db
        try:
            cur = await db.execute(IDENTITY, (self.state.seq,))
            generation, mark, top = await cur.fetchone() or (None, None, None)
            if generation != self.generation or mark != self._mark:
                raise await self._replaced(generation, top)
            rows: list[Any] = []
            if (top or 0) > self.state.seq:
                cur = await db.execute(f"{SELECT_EVENTS} WHERE e.seq > %s ORDER BY e.seq",
                                       (self.state.seq,))
                rows = await cur.fetchall()
        except psycopg.Error as e:
            raise translate(e, self.url) from None
        self._looked = time.monotonic()
        return self._fold(row_to_event(r) for r in rows)

    async def events(self, since: int = 0, limit: int = 1000, day: date | None = None,
                     staff: str | None = None) -> list[Event]:
        """Events after `since`, oldest first; optionally of one day, and only those by or about
        one staff member (actor or `data.staff`: the audit trail)."""
        sql = f"{SELECT_EVENTS} WHERE e.seq > %s"
        args: list[Any] = [since]
        if staff is not None:
            sql += " AND (e.actor = %s OR e.data::jsonb ->> 'staff' = %s)"
            args += [staff, staff]
        if day is not None:
            sql += " AND e.day = %s"
            args.append(str(day))
        sql += " ORDER BY e.seq LIMIT %s"
        args.append(limit)
        async with self._lock:
            try:
                cur = await self.db.execute(sql, args)
                rows = await cur.fetchall()
            except psycopg.Error as e:
                raise translate(e, self.url) from None
        return [row_to_event(r) for r in rows]

    # -- writing ---------------------------------------------------------------------------
    async def execute(self, command: Command, actor: str = "system") -> list[Event]:
        """Run one command in one transaction under the office's lock; return the events
        appended. Raises Refused (nothing appended, unless the refusal itself is recorded) or
        a one-line StoreError. A command whose COMMIT lost the connection is looked up once
        the server answers again: committed once, or refused — never run twice."""
        if self.readonly:
            raise StoreReadOnly(f"database {self.where} is read-only: changes are refused")
        if self.today() != self.state.day:
            await self.reload()
        async with self._lock:
            await self._ensure_connected()
            for attempt in range(20):
                try:
                    return await self._transaction(command, actor)
                except (pgerr.SerializationFailure, pgerr.UniqueViolation):
                    if attempt == 19:
                        raise StoreLocked(f"database {self.where}: too many writers at once "
                                          "(serialization failures); try again") from None
                    await self._reload()  # another writer got there first: decide again
                    await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                except _Lost:
                    # The connection broke before COMMIT was sent: the server rolled it back,
                    # nothing was recorded. Reconnect once and decide again on what is now.
                    if attempt:
                        raise StoreUnreachable(f"connection to database {self.where} lost; the "
                                               "command was not recorded") from None
                    await self._ensure_connected()
            raise AssertionError("unreachable")

    async def _transaction(self, command: Command, actor: str) -> list[Event]:
        db = self.db
        refusal: RefusedWithEvents | None = None
        stored: list[Event] = []
        before = 0  # how many of stored lead the command's own (no-shows: common._decide)
        committing = False
        try:
            async with db.transaction():
                if self.serializable:
                    await db.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
                else:
                    await db.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                cur = await db.execute(IDENTITY, (self.state.seq,))
                generation, mark, top = await cur.fetchone() or (None, None, None)
                if generation != self.generation or mark != self._mark:
                    raise _NotOurs(generation, top)
                rows: list[Any] = []
                if (top or 0) > self.state.seq:  # others wrote meanwhile: catch up
                    cur = await db.execute(f"{SELECT_EVENTS} WHERE e.seq > %s ORDER BY e.seq",
                                           (self.state.seq,))
                    rows = await cur.fetchall()
                records = await _load_appointments(db, command.appointment_keys())
                stored, refusal, before = self._decide(command, actor, rows, records)
                await self._append(db, stored)
                committing = True  # leaving the block sends COMMIT
        except _NotOurs as n:
            err = await self._replaced(*n.found)
            raise StoreReplaced(f"{err}; the command was not run") from None
        except Refused:
            raise
        except BaseException as e:
            if self.serializable and isinstance(e, pgerr.SerializationFailure
                                                | pgerr.UniqueViolation):
                raise  # decided again by `execute`
            if committing and is_connection_loss(e):
                return (await self._resolve(stored, refusal, e))[before:]
            await self._after_failure()
            if is_connection_loss(e):
                raise _Lost() from None
            if isinstance(e, psycopg.Error):
                raise translate(e, self.url) from None
            raise
        if refusal is not None:
            raise refusal
        return stored[before:]

    async def _append(self, db: psycopg.AsyncConnection[Any], stored: list[Event]) -> None:
        """Append the events (note texts to their own table), apply a purge, write the
        read-model rows and ring the office's doorbell (delivered at COMMIT)."""
        if not stored:
            return
        async with db.cursor() as cur:
            await cur.executemany(INSERT_EVENT, [event_row(e) for e in stored])
            notes = note_rows(stored)
            if notes:
                await cur.executemany("INSERT INTO notes (seq, day, text) VALUES (%s, %s, %s)",
                                      notes)
            for purge in (e for e in stored if e.type == "notes_purged"):
                before = purge.data["before"]
                await cur.execute("DELETE FROM notes WHERE day < %s", (before,))
                await cur.execute("UPDATE tickets SET note = NULL WHERE day < %s", (before,))
            for sql, rows in zip(UPSERTS, readmodels.touched(self.state, stored), strict=True):
                if rows:
                    await cur.executemany(sql, rows)
            keys = readmodels.appointment_keys(stored)
            if keys:
                known = await _load_appointments(db, keys)
                await cur.executemany(UPSERT_APPOINTMENT,
                                      readmodels.appointment_rows(known, stored))
            await cur.execute("SELECT pg_notify(%s, %s)", (self._channel, str(stored[-1].seq)))

    async def _after_failure(self) -> None:
        """The fold may hold events that were never committed: start again from the log,
        reconnecting if the connection was lost."""
        self._dirty = True
        with contextlib.suppress(Exception):
            await self._ensure_connected()
            await self._reload()

    async def _resolve(self, stored: list[Event], refusal: RefusedWithEvents | None,
                       err: BaseException) -> list[Event]:
        """COMMIT was sent and the connection broke: the server either committed all of it or
        nothing. Reconnect and look for our first event at its position."""
        deadline = time.monotonic() + RESOLVE_S
        delay = 0.2
        first = stored[0]
        while True:
            try:
                await self._reconnect()
                cur = await self.db.execute(f"SELECT {FINGERPRINT} FROM events WHERE seq = %s",
                                            (first.seq,))
                row = await cur.fetchone()
                break
            except (psycopg.Error, StoreError):
                if time.monotonic() + delay > deadline:
                    self._dirty = True  # its fate shows in the log once the server is back
                    raise StoreUnreachable(
                        f"connection to database {self.where} lost while committing "
                        f"({type(err).__name__}); the server is not back: whether the command "
                        "was recorded shows once it is") from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
        if row is not None and row[0] == fingerprint(first):
            if refusal is not None:
                raise refusal
            return stored  # committed once: the fold already holds it
        await self._after_failure()
        raise StoreUnreachable(f"connection to database {self.where} lost while committing; "
                               "the command was not recorded (try again)")

    async def _reconnect(self) -> None:
        """New connections after a loss (the listener too); the fold stays."""
        await self._close()
        self._db = await connect(self.url, readonly=self.readonly,
                                 lock_timeout_ms=self.busy_timeout_ms)
        self._listen = await connect(self.url, readonly=True, application="kcc-feed")
        await self._listen.execute(f"LISTEN {self._channel}")
        self._listener = asyncio.create_task(self._ring(self._listen))
        self._bell.set()  # catch up by position: notifications while away are gone

    async def accept_loss(self) -> None:
        """Nothing to accept: the server keeps what it acknowledged."""
        self.lost = None

    # -- maintenance -----------------------------------------------------------------------
    async def rebuild(self) -> int:
        """Rewrite the read-model tables from the event log; returns the number of days."""
        async with self._lock:
            db = self.db
            try:
                async with db.transaction():
                    await db.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                    return await rebuild_read_models(db)
            except psycopg.Error as e:
                raise translate(e, self.url) from None

    async def read_models(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Both read-model tables, sorted: for checks and tests."""
        async with self._lock:
            try:
                return await read_models(self.db)
            except psycopg.Error as e:
                raise translate(e, self.url) from None

    async def check(self) -> list[str]:
        """The append-only triggers in place, and the read models against the log."""
        async with self._lock:
            db = self.db
            try:
                async with db.transaction():
                    await db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    problems = await trigger_problems(db)
                    tickets, sessions = await read_models(db)
                    problems += await read_model_problems(fold_days(_day_rows(db)), tickets,
                                                          sessions)
                    cur = await db.execute(f"{readmodels.SELECT_APPOINTMENTS} ORDER BY key")
                    found = [tuple(r) for r in await cur.fetchall()]
                    problems += appointment_problems(await _appointment_event_rows(db), found)
            except psycopg.Error as e:
                raise translate(e, self.url) from None
        return problems

    async def backup(self, dest: str | Path) -> Path:
        """A verified `pg_dump` of the store at `dest` (`pg/backup.py`)."""
        from .backup import backup

        return await backup(self.url, Path(dest))


async def _schema_version(db: psycopg.AsyncConnection[Any]) -> int | None:
    cur = await db.execute("SELECT to_regclass('kcc_schema') IS NOT NULL")
    if not (await cur.fetchone() or (False,))[0]:
        return None
    cur = await db.execute("SELECT coalesce(max(version), 0) FROM kcc_schema")
    return int((await cur.fetchone() or (0,))[0])


async def _tables(db: psycopg.AsyncConnection[Any]) -> list[str]:
    cur = await db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [r[0] for r in await cur.fetchall()]


async def _day_rows(db: psycopg.AsyncConnection[Any]) -> AsyncIterator[Any]:
    """Every event, by day and seq, streamed through a server-side cursor (inside the
    caller's transaction)."""
    async with db.cursor(name="kcc_days") as cur:
        await cur.execute(f"{SELECT_EVENTS} ORDER BY e.day, e.seq")
        while rows := await cur.fetchmany(5000):
            for row in rows:
                yield row


async def rebuild_read_models(db: psycopg.AsyncConnection[Any]) -> int:
    """Inside the caller's transaction: rewrite every read-model table from the log."""
    for table in (*readmodels.TABLES, readmodels.APPOINTMENTS):
        await db.execute(f"DELETE FROM {table.name}")
    days = 0
    async with db.cursor() as cur:
        rows = readmodels.all_appointment_rows(map(row_to_event,
                                                   await _appointment_event_rows(db)))
        if rows:
            await cur.executemany(UPSERT_APPOINTMENT, rows)
        async for state in fold_days(_day_rows(db)):
            for sql, rows in zip(UPSERTS, readmodels.rows_for_day(state), strict=True):
                if rows:
                    await cur.executemany(sql, rows)
            days += 1
    return days


async def read_models(db: psycopg.AsyncConnection[Any]) -> tuple[list[tuple[Any, ...]],
                                                                 list[tuple[Any, ...]]]:
    tickets, sessions = readmodels.TABLES
    out = []
    for table in (tickets, sessions):
        cur = await db.execute(f"SELECT {', '.join(table.cols)} FROM {table.name} "
                               f"ORDER BY {', '.join(table.key)}")
        out.append([tuple(r) for r in await cur.fetchall()])
    return out[0], out[1]


async def _load_appointments(db: psycopg.AsyncConnection[Any],
                             keys: Collection[str]) -> dict[str, Appointment]:
    """The stored records of these appointments (any day), as the command's transaction sees
    them."""
    if not keys:
        return {}
    cur = await db.execute(f"{readmodels.SELECT_APPOINTMENTS} WHERE key = ANY(%s)", (list(keys),))
    return {r[0]: readmodels.appointment_from_row(r) for r in await cur.fetchall()}


async def _appointment_event_rows(db: psycopg.AsyncConnection[Any]) -> list[Any]:
    sql, types = SELECT_APPOINTMENT_EVENTS
    cur = await db.execute(sql.format(", ".join(["%s"] * len(types))), types)
    return await cur.fetchall()


async def trigger_problems(db: psycopg.AsyncConnection[Any]) -> list[str]:
    cur = await db.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'events'::regclass "
                           "AND NOT tgisinternal AND tgenabled <> 'D'")
    if (await cur.fetchone() or (0,))[0] < 2:
        return ["the events table's append-only triggers are missing or disabled"]
    return []


async def create_pg_store(url: str, office: Office) -> None:
    """Install the schema in an empty database (or bring it up to date) and close again."""
    async with PgStore(url, office, create=True):
        return


def _conforms(store: PgStore) -> EventStore:
    """Never called: mypy (strict on store/) checks here that PgStore implements EventStore."""
    return store
