"""The event store: one SQLite file shared by every kcc process (DESIGN.md §1–2).

Writes: each command is one `BEGIN IMMEDIATE` transaction — catch up on other processes'
events, decide, append, update the read models, commit. Reads: a second connection polls
`PRAGMA data_version` (the change feed) and folds what other processes appended.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import date
from pathlib import Path
from typing import Any

import aiosqlite

from ..domain.appointments import Appointment
from ..domain.clock import Clock, system_clock
from ..domain.commands import Command, Refused, RefusedWithEvents
from ..domain.events import Event
from ..domain.office import Office
from ..domain.state import DayState
from . import readmodels
from .common import (
    EVENT_COLS,
    FINGERPRINT,
    SELECT_APPOINTMENT_EVENTS,
    SELECT_EVENTS,
    Folding,
    appointment_problems,
    event_row,
    fold_days,
    note_rows,
    read_model_problems,
    row_to_event,
)
from .connection import connect, in_thread, owner_only, writable
from .errors import (
    StoreError,
    StoreForeign,
    StoreLocked,
    StoreMissing,
    StoreReadOnly,
    StoreReplaced,
    translate,
)
from .office_mark import mark_office
from .protocol import History
from .schema import LATEST, MIGRATIONS, check_version

IDENTITY = (f"SELECT (SELECT value FROM meta WHERE key = 'generation'), "
            f"(SELECT {FINGERPRINT} FROM events WHERE seq = ?), (SELECT max(seq) FROM events)")


class Store(Folding):
    """One process's handle on the shared store, with today's state folded in memory."""

    def __init__(self, path: str | Path, office: Office, *, clock: Clock = system_clock,
                 create: bool = False, busy_timeout_ms: int = 5000, use_flock: bool = True,
                 readonly: bool = False, lenient: bool = False):
        self.path = Path(path)
        self._init_fold(office, clock, lenient)
        self.create = create
        self.busy_timeout_ms = busy_timeout_ms
        self.use_flock = use_flock
        self.readonly = readonly  # asked for, or found when the file cannot be written
        self._db: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        self._data_version: int | None = None
        self._lock_fd: int | None = None
        self._file_id: tuple[int, int] | None = None  # (st_dev, st_ino) of the file opened
        self._wal_id: tuple[int, int] | None = None  # ... and of its WAL, which we keep open
        self.lost: str | None = None  # acknowledged events missing from the log (see open)

    @property
    def where(self) -> str:
        """The store for people: its file."""
        return str(self.path)

    def history(self) -> AbstractAsyncContextManager[History]:
        """A consistent read of past days on a connection of its own (`store/history.py`)."""
        from .history import open_history  # it reads events as this module does

        return open_history(self.path)

    # -- lifecycle --------------------------------------------------------------------------
    async def open(self) -> Store:
        p = str(self.path)
        with contextlib.suppress(OSError):
            if self.path.is_file() and self.path.stat().st_size == 0:
                raise StoreForeign(f"database {p} is an empty (0-byte) file, not one made by "
                                   "`kcc init`: restore a backup (`kcc store restore`), or "
                                   "remove it and run `kcc init` to start afresh")
        readonly = self.readonly or (self.path.exists() and not writable(self.path))
        self._db = await connect(self.path, busy_timeout_ms=self.busy_timeout_ms,
                                 readonly=readonly, create=self.create)
        self.readonly = readonly
        try:
            self._file_id = _file_id(self.path)
            self._wal_id = None if readonly else _file_id(_wal(self.path))
            await self._migrate()
            await mark_office(self.db, self.office.id, p, readonly=readonly)
            self._reader = await connect(self.path, busy_timeout_ms=self.busy_timeout_ms,
                                         readonly=readonly)
            if self.use_flock and not readonly:
                with contextlib.suppress(OSError):
                    self._lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            # The mark first, the log after: every seq the mark names was committed before it
            # was written, so the log read later holds it, however busy other writers are.
            high = self._high_water()
            await self.reload()
            self.lost = self._lost(high)
        except BaseException as e:
            await self._close()
            if isinstance(e, sqlite3.Error | StoreError):
                raise translate(e, p) from None
            raise
        return self

    async def close(self) -> None:
        # After the poll or command in flight: an app that ends while its poll awaits the
        # reader must not pull the connection from under it (aiosqlite: "no active connection").
        async with self._write_lock, self._read_lock:
            await self._close()

    async def _close(self) -> None:
        for db in (self._reader, self._db):
            if db is not None:
                with contextlib.suppress(Exception):
                    await db.close()
        self._db = self._reader = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    async def __aenter__(self) -> Store:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError(f"database {self.path} is not open")
        return self._db

    async def _migrate(self) -> None:
        row = await (await self.db.execute("PRAGMA user_version")).fetchone()
        version = row[0] if row else 0
        await self._check_made_by_kcc(version)
        if version:  # 0: a file `kcc init` just made, checked by _check_made_by_kcc
            check_version(version, str(self.path))
        if version == LATEST:
            return
        if self.readonly:
            raise StoreReadOnly(f"database {self.path} is read-only and needs an upgrade")
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            row = await (await self.db.execute("PRAGMA user_version")).fetchone()
            for n in range(row[0] if row else 0, LATEST):
                for stmt in _statements(MIGRATIONS[n]):
                    await self.db.execute(stmt)
                await self.db.execute(f"PRAGMA user_version = {n + 1}")
            await self.db.execute("COMMIT")
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise

    async def _check_made_by_kcc(self, version: int) -> None:
        """A file kcc did not make is refused, rather than silently given a fresh schema (and
        numbering restarting at 001): only `kcc init` creates, and only in an empty file it
        just made."""
        names = {r[0] for r in await (await self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")).fetchall()}
        if version == 0 and not names and self.create:
            return
        expected = {"events"} | ({"meta"} if version >= 3 else set())
        if version == 0 or not expected <= names:
            what = "holds no kcc schema" if not names else "is not a kcc database"
            raise StoreForeign(f"database {self.path} {what} (not made by `kcc init`): "
                               "check [store] path, or restore a backup")

    # -- reading ---------------------------------------------------------------------------
    async def reload(self) -> None:
        """Fold today's events from scratch (start-up, day rollover, after a failed commit,
        after the content changed under us)."""
        async with self._read_lock:
            reader = self._reader or self.db
            day = self.today()
            try:
                generation, mark, rows = await in_thread(reader, _snapshot, str(day))
            except sqlite3.Error as e:
                raise translate(e, str(self.path)) from None
            self._fold_afresh(day, generation, mark, rows)
        await self._learning.attach(self)  # the forecast's recent weeks, for the new state

    async def _replaced(self, generation: str | None, top: int | None) -> StoreReplaced:
        """The content is not what we folded: say what happened, fold afresh, and hand back
        the error to raise (a command decided on the old state is refused)."""
        what = self._replaced_what(str(self.path), generation, top,
                                   f"was {_wal(self.path).name} deleted, or the file copied "
                                   "over? see docs/operations.md")
        self._data_version = None
        await self.reload()
        return self._replaced_error(what)

    async def poll(self) -> list[Event]:
        """The change feed: other processes' events since the last look, folded; [] when
        nothing changed. Cheap when idle (one statement): apps call it every ~50 ms.
        Raises StoreReplaced (after folding afresh) when the content changed under us.
        """
        self._check_file()
        if self.today() != self.state.day:
            await self.reload()
            return []
        self._unseen += await self._read_new()
        out, self._unseen = self._unseen, []
        return out

    async def _read_new(self) -> list[Event]:
        """Fold what other processes committed since our last look, on the read connection."""
        async with self._read_lock:
            if self._write_lock.locked():
                # Our own command is between folding its events and committing them: the log
                # is behind our state for that moment. Its catch-up hands out what others
                # wrote. (Checked after waiting for the read lock, with no await before `seen`
                # is taken: a command that began while we waited has folded events that are
                # not committed yet, and reading then would call them lost.)
                return []
            reader = self._reader
            if reader is None:
                raise StoreError(f"database {self.path} is not open")
            seen = self.state.seq
            try:
                # One statement, one snapshot: the change counter and our identity checks.
                # fetchall, not fetchone: a statement left unfinished keeps the connection's
                # read snapshot open, and the next poll would see an old log ("LOST" events)
                found = await reader.execute_fetchall(
                    f"SELECT (SELECT data_version FROM pragma_data_version()), "
                    f"{IDENTITY[len('SELECT '):]}", (self.state.seq,))
                row = next(iter(found), None)
                dv, generation, mark, top = row if row else (0, None, None, None)
                if self.state.seq != seen:  # a command of ours folded meanwhile: next time
                    return []
                changed = generation != self.generation or mark != self._mark
                if not changed:
                    if dv == self._data_version:
                        return []
                    self._data_version = dv
                    rows = await reader.execute_fetchall(
                        f"{SELECT_EVENTS} WHERE e.seq > ? ORDER BY e.seq", (self.state.seq,))
            except sqlite3.Error as e:
                raise translate(e, str(self.path)) from None
        if changed:
            raise await self._replaced(generation, top)
        return self._fold(row_to_event(r) for r in rows)

    async def events(self, since: int = 0, limit: int = 1000, day: date | None = None,
                     staff: str | None = None) -> list[Event]:
        """Events after `since`, oldest first; optionally of one day, and only those by or about
        one staff member (actor or `data.staff`: the audit trail)."""
        sql = f"{SELECT_EVENTS} WHERE e.seq > ?"
        args: list[Any] = [since]
        if staff is not None:
            sql += " AND (e.actor = ? OR json_extract(e.data, '$.staff') = ?)"
            args += [staff, staff]
        if day is not None:
            sql += " AND e.day = ?"
            args.append(str(day))
        sql += " ORDER BY e.seq LIMIT ?"
        args.append(limit)
        async with self._read_lock:
            rows = await (self._reader or self.db).execute_fetchall(sql, args)
        return [row_to_event(r) for r in rows]

    def _check_file(self) -> None:
        """Open connections keep reading a file that was removed or replaced (say, by a restore
        from backup) and never see another change: treat that as losing the store."""
        if self._file_id is not None and _file_id(self.path) != self._file_id:
            raise StoreMissing(f"database {self.path} was removed or replaced; reopening")
        if self._wal_id is not None and _file_id(_wal(self.path)) != self._wal_id:
            # SQLite keeps the WAL while any connection is open: someone deleted it, and with
            # it every change since the last checkpoint.
            raise StoreMissing(f"{_wal(self.path).name} was DELETED while kcc ran: changes "
                               "since the last checkpoint are lost (never delete it; see "
                               "docs/operations.md); reopening")

    # -- writing ---------------------------------------------------------------------------
    async def execute(self, command: Command, actor: str = "system") -> list[Event]:
        """Run one command in one BEGIN IMMEDIATE transaction; return the events appended.

        Raises Refused (nothing appended, unless the refusal itself is recorded, like a wrong
        PIN) or a one-line StoreError.
        """
        if self.readonly:
            raise StoreReadOnly(f"database {self.path} is read-only: changes are refused")
        self._check_file()
        if self.today() != self.state.day:
            await self.reload()
        async with self._write_lock:
            await self._flock()
            try:
                return await self._transaction(command, actor)
            finally:
                self._funlock()

    async def _transaction(self, command: Command, actor: str) -> list[Event]:
        # Two hops to the connection's thread: BEGIN + catch-up, then append + read models +
        # COMMIT. Deciding and folding stay on the event loop, the only thread that touches
        # self.state.
        db = self.db
        try:
            rows, found, records = await in_thread(db, _begin_and_catch_up, self.state.seq,
                                                   self.generation, self._mark,
                                                   command.appointment_keys())
        except sqlite3.Error as e:
            raise translate(e, str(self.path)) from None
        except BaseException:  # cancelled while BEGIN ran on the thread: free the write lock
            with contextlib.suppress(Exception):
                await db.execute("ROLLBACK")
            raise
        if found is not None:  # not the content our state came from: refuse, fold afresh
            err = await self._replaced(*found)
            raise StoreReplaced(f"{err}; the command was not run") from None
        refusal: RefusedWithEvents | None = None
        try:
            # Caught up inside the write lock, so the log ends at state.seq: the new events are
            # numbered from there (the primary key refuses it if that were ever wrong).
            try:
                stored, refusal, before = self._decide(command, actor, rows, records)
            except Refused:
                await db.execute("ROLLBACK")
                raise
            await in_thread(db, _append_and_commit, stored,
                            readmodels.touched(self.state, stored))
            self._note_high_water()
        except Refused:
            raise
        except BaseException as e:
            with contextlib.suppress(Exception):
                await db.execute("ROLLBACK")
            # The fold may hold events that were never committed: start again from the log.
            with contextlib.suppress(Exception):
                await self.reload()
            if isinstance(e, sqlite3.Error):
                raise translate(e, str(self.path)) from None
            raise
        if refusal is not None:
            raise refusal
        return stored[before:]

    async def _flock(self) -> None:
        """Queue on an advisory lock before BEGIN IMMEDIATE: waiters wake in turn instead of
        sleeping in SQLite's busy back-off, which cuts the latency tail."""
        fd = self._lock_fd
        if fd is None:
            return
        with contextlib.suppress(BlockingIOError):  # uncontended: no thread hop
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        fut = asyncio.ensure_future(asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX))
        try:
            await asyncio.wait_for(asyncio.shield(fut), self.busy_timeout_ms / 1000)
        except (TimeoutError, asyncio.CancelledError) as e:
            # The thread may still get the lock later: give it back as soon as it does.
            fut.add_done_callback(lambda f: _release(f, fd))
            if isinstance(e, TimeoutError):
                raise StoreLocked(f"database {self.path} is locked by another process; "
                                  "try again") from None
            raise

    def _funlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    # -- the high-water mark ---------------------------------------------------------------
    # Beside the database, in its lock file, writers keep "generation seq": the highest seq
    # ever acknowledged. A log that ends below it lost acknowledged events (a deleted WAL, an
    # older copy put in place by hand). It is written after the commit (no fsync: a power cut
    # can only lower it, never raise a false alarm) while the writer still holds the lock.
    def _note_high_water(self) -> None:
        fd = self._lock_fd
        if fd is None or self.generation is None:
            return
        with contextlib.suppress(OSError):
            generation, seq = _parse_high_water(os.pread(fd, 64, 0))
            if generation == self.generation and seq >= self.state.seq:
                return
            os.pwrite(fd, f"{self.generation} {self.state.seq:020d}\n".encode(), 0)

    def _high_water(self) -> tuple[str | None, int] | None:
        try:
            return _parse_high_water(Path(f"{self.path}.lock").read_bytes()[:64])
        except OSError:
            return None

    def _lost(self, high: tuple[str | None, int] | None) -> str | None:
        """What the log lacks below the mark read before it (None: nothing)."""
        if high is None:
            return None
        generation, seq = high
        if generation != self.generation or seq <= self.state.seq:
            return None
        return (f"database {self.path} LOST acknowledged events: its log ends at "
                f"#{self.state.seq}, but #{seq} was written (was {_wal(self.path).name} "
                "deleted, or an older copy put in place?). Restore a backup, or accept the "
                "loss with `kcc store check --accept-loss` (docs/operations.md)")

    async def accept_loss(self) -> None:
        """The operator accepts that the log ends where it ends: lower the high-water mark."""
        if self._lock_fd is not None and self.generation is not None:
            os.ftruncate(self._lock_fd, 0)
            os.pwrite(self._lock_fd, f"{self.generation} {self.state.seq:020d}\n".encode(), 0)
        self.lost = None

    # -- maintenance -----------------------------------------------------------------------
    async def rebuild(self) -> int:
        """Rewrite the read-model tables from the event log; returns the number of days."""
        db = self.db
        async with self._write_lock:
            await self._flock()
            try:
                await db.execute("BEGIN IMMEDIATE")
                try:
                    await db.execute("DELETE FROM tickets")
                    await db.execute("DELETE FROM post_sessions")
                    await db.execute("DELETE FROM appointments")
                    await in_thread(db, _rebuild_appointments)
                    days = 0
                    async for state in self._days(db):
                        await in_thread(db, readmodels.upsert,
                                        *readmodels.rows_for_day(state))
                        days += 1
                    await db.execute("COMMIT")
                except BaseException:
                    await db.execute("ROLLBACK")
                    raise
            finally:
                self._funlock()
        return days

    async def _days(self, db: aiosqlite.Connection) -> AsyncIterator[DayState]:
        """Yield the folded state of every business day in the log, oldest first."""

        async def rows() -> AsyncIterator[Any]:
            cur = await db.execute(f"{SELECT_EVENTS} ORDER BY e.day, e.seq")
            while chunk := await cur.fetchmany(5000):
                for row in chunk:
                    yield row

        async for state in fold_days(rows()):
            yield state

    async def read_models(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Both read-model tables, sorted: for checks and tests."""
        t = await (await self.db.execute("SELECT * FROM tickets ORDER BY day, number")).fetchall()
        s = await (await self.db.execute(
            "SELECT * FROM post_sessions ORDER BY day, post, session")).fetchall()
        return [tuple(r) for r in t], [tuple(r) for r in s]

    async def check(self) -> list[str]:
        """Integrity check of the file and of the read models against the log: problems found."""
        problems = []
        rows = await (await self.db.execute("PRAGMA integrity_check")).fetchall()
        problems += [r[0] for r in rows if r[0] != "ok"]
        if self.lost:
            problems.append(self.lost)
        tickets, sessions = await self.read_models()
        problems += await read_model_problems(self._days(self.db), tickets, sessions)
        return problems + await in_thread(self.db, _appointment_problems)

    async def backup(self, dest: str | Path) -> Path:
        """Online copy with VACUUM INTO a temporary name beside `dest`, verified, then renamed:
        a backup that fails (a full disk, a crash) never leaves a file at `dest`."""
        target = Path(dest)
        if target.exists():
            raise StoreError(f"backup {target} already exists; choose another name")
        partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
        try:
            partial.unlink(missing_ok=True)
            owner_only(partial)  # VACUUM INTO fills an empty file and keeps its mode
            await self.db.execute("VACUUM INTO ?", (str(partial),))
            verify_file(partial)
            with open(partial, "rb") as f:
                os.fsync(f.fileno())
            os.replace(partial, target)
        except (sqlite3.Error, OSError, ValueError) as e:
            with contextlib.suppress(OSError):
                partial.unlink()
            if isinstance(e, ValueError):
                raise StoreError(f"backup {target} failed its check: {e}") from None
            if isinstance(e, OSError):
                raise StoreError(f"backup {target} cannot be created ({e.strerror})") from None
            raise translate(e, str(target)) from None
        with contextlib.suppress(OSError):  # the rename itself survives a power cut
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return target


def verify_file(path: Path) -> None:
    """Raise ValueError unless `path` is an intact kcc database this kcc can read."""
    if not path.is_file() or path.stat().st_size == 0:
        raise ValueError(f"{path} is empty or missing")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
            ok = c.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise ValueError(f"{path} fails its integrity check ({ok})")
            version = c.execute("PRAGMA user_version").fetchone()[0]
            try:
                check_version(version, str(path))
            except StoreError as e:
                raise ValueError(str(e)) from None
            names = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
            if "events" not in names or "meta" not in names and version >= 3:
                raise ValueError(f"{path} is not a kcc database")
    except sqlite3.Error as e:
        raise ValueError(f"{path} cannot be read ({e})") from None


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


async def create_store(path: str | Path, office: Office) -> None:
    """Create the database (or bring its schema up to date) and close it again."""
    async with Store(path, office, create=True):
        return


def _begin_and_catch_up(conn: sqlite3.Connection, since: int, generation: str | None,
                        mark: str | None, keys: tuple[str, ...] = ()
                        ) -> tuple[list[Any], tuple[str | None, int | None] | None,
                                   dict[str, Appointment]]:
    """Start the write transaction, check that the store is still the content our state was
    folded from, and read what other processes appended since `since` (and the records of the
    appointments `keys`). When it is not, roll back and return what was found (generation,
    max seq) instead."""
    if conn.in_transaction:  # left open by a command cancelled during this hop: drop it
        conn.execute("ROLLBACK")
    conn.execute("BEGIN IMMEDIATE")
    try:
        found_gen, found_mark, top = conn.execute(IDENTITY, (since,)).fetchone()
        if found_gen != generation or found_mark != mark:
            conn.execute("ROLLBACK")
            return [], (found_gen, top), {}
        return (conn.execute(f"{SELECT_EVENTS} WHERE e.seq > ? ORDER BY e.seq",
                             (since,)).fetchall(), None,
                readmodels.load_appointments(conn, keys) if keys else {})
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _snapshot(conn: sqlite3.Connection, day: str) -> tuple[str | None, tuple[int, str] | None,
                                                           list[Any]]:
    """In one read transaction: the generation, the last event (seq, fingerprint) and the
    day's events up to it."""
    conn.execute("BEGIN")
    try:
        (generation,) = conn.execute("SELECT value FROM meta WHERE key = 'generation'"
                                     ).fetchone() or (None,)
        top = conn.execute(f"SELECT seq, {FINGERPRINT} FROM events ORDER BY seq DESC LIMIT 1"
                           ).fetchone()
        rows = conn.execute(f"{SELECT_EVENTS} WHERE e.day = ? AND e.seq <= ? ORDER BY e.seq",
                            (day, top[0] if top else 0)).fetchall()
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
    return generation, (top[0], top[1]) if top else None, rows


def _appointment_event_rows(conn: sqlite3.Connection) -> Iterator[Any]:
    """Every appointment event, in log order (rows of SELECT_EVENTS), streamed."""
    sql, types = SELECT_APPOINTMENT_EVENTS
    cur = conn.execute(sql.format(",".join("?" * len(types))), types)
    while rows := cur.fetchmany(5000):
        yield from rows


def _rebuild_appointments(conn: sqlite3.Connection) -> None:
    cols = readmodels.APPOINTMENTS.cols
    rows = readmodels.all_appointment_rows(map(row_to_event, _appointment_event_rows(conn)))
    conn.executemany(f"INSERT INTO appointments ({','.join(cols)}) "
                     f"VALUES ({','.join('?' * len(cols))})", rows)


def _appointment_problems(conn: sqlite3.Connection) -> list[str]:
    found = [tuple(r) for r in conn.execute(f"{readmodels.SELECT_APPOINTMENTS} ORDER BY key")]
    return appointment_problems(_appointment_event_rows(conn), found)


def _parse_high_water(raw: bytes) -> tuple[str | None, int]:
    parts = raw.decode("ascii", "replace").split()
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0], int(parts[1])
    return None, 0


def _wal(path: Path) -> Path:
    return path.with_name(f"{path.name}-wal")


def _append_and_commit(conn: sqlite3.Connection, stored: list[Event],
                       rows: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]) -> None:
    """Append the events (note texts to their own table), apply a purge, write the read-model
    rows and commit; rolls back on any error."""
    try:
        conn.executemany(f"INSERT INTO events ({EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [event_row(e) for e in stored])
        notes = note_rows(stored)
        if notes:
            conn.executemany("INSERT INTO notes (seq, day, text) VALUES (?, ?, ?)", notes)
        for purge in (e for e in stored if e.type == "notes_purged"):
            before = purge.data["before"]
            conn.execute("DELETE FROM notes WHERE day < ?", (before,))
            conn.execute("UPDATE tickets SET note = NULL WHERE day < ?", (before,))
        readmodels.upsert(conn, *rows)
        readmodels.write_appointments(conn, stored)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if any(e.type == "notes_purged" for e in stored):
        # the WAL still holds the pages as they were before the purge: write them back (with
        # secure_delete, the deleted text overwritten) and empty it
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _release(done: asyncio.Future[None], fd: int) -> None:
    if not done.cancelled() and done.exception() is None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers contain `;` inside BEGIN ... END)."""
    out, buf = [], ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf.strip())
            buf = ""
    return out
