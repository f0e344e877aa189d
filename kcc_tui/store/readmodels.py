"""Read-model tables: one row per ticket and per post session, derived from the fold.

Written in the same transaction as the events that change them; `rows_for_day` gives the
rows a full rebuild writes, so incremental and rebuilt tables come from one definition.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.appointments import (
    APPOINTMENT_EVENTS,
    Appointment,
    appointment_key,
    fold_appointments,
)
from ..domain.clock import iso, parse_iso
from ..domain.events import Event
from ..domain.state import DayState, PostState, Ticket

TICKET_COLS = (
    "day number n service first_service status priority lang kiosk issued_at first_called_at "
    "finished_at post staff recalls transfers outcome topics note print_failed intervals"
).split()
SESSION_COLS = (
    "day post session staff services opened_at closed_at paused_s serving_s served calls"
).split()


@dataclass(frozen=True, slots=True)
class Table:
    """A read-model table as every engine writes it: name, columns, primary key."""

    name: str
    cols: tuple[str, ...]
    key: tuple[str, ...]


# In the order of the row lists `touched` and `rows_for_day` return; a new read model is a new
# entry here (and in each engine's migrations), and every engine upserts it the same way.
TABLES = (
    Table("tickets", tuple(TICKET_COLS), ("day", "number")),
    Table("post_sessions", tuple(SESSION_COLS), ("day", "post", "session")),
)


def _t(at: Any) -> str | None:
    return iso(at) if at is not None else None


def ticket_row(day: str, t: Ticket) -> tuple[Any, ...]:
    return (
        day, t.number, t.n, t.service, t.intervals[0].service, t.status, int(t.priority), t.lang,
        t.kiosk, iso(t.issued_at), _t(t.first_called_at), _t(t.finished_at), t.post, t.staff,
        t.recalls, t.transfers, t.outcome, json.dumps(list(t.topics)), t.note, t.print_failed,
        json.dumps([iv.to_json() for iv in t.intervals]),
    )


def session_row(day: str, p: PostState) -> tuple[Any, ...]:
    return (
        day, p.id, p.session, p.staff, json.dumps(p.services, sort_keys=True), _t(p.opened_at),
        _t(p.closed_at), round(p.paused_s, 6), round(p.serving_s, 6), p.served, p.calls,
    )


def _sessions(state: DayState) -> dict[tuple[str, int], PostState]:
    out = dict(state.sessions)
    for p in state.posts.values():
        if p.open:
            out[(p.id, p.session)] = p
    return out


def touched(state: DayState, events: Iterable[Event]) -> tuple[list[tuple[Any, ...]],
                                                               list[tuple[Any, ...]]]:
    """Rows to upsert after `events` were folded into `state`."""
    day = str(state.day)
    numbers: set[str] = set()
    posts: set[str] = set()
    for e in events:
        if "number" in e.data:
            numbers.add(e.data["number"])
        if "post" in e.data:
            posts.add(e.data["post"])
        if e.type in ("post_opened", "post_closed", "notes_purged"):
            posts.add(e.data.get("post", ""))
        if e.type == "notes_purged":
            numbers.update(state.tickets)
    tickets = [ticket_row(day, state.tickets[n]) for n in numbers if n in state.tickets]
    sessions = [session_row(day, p) for (pid, _), p in _sessions(state).items() if pid in posts]
    return tickets, sessions


def rows_for_day(state: DayState) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    day = str(state.day)
    return (
        [ticket_row(day, t) for t in state.tickets.values()],
        [session_row(day, p) for p in _sessions(state).values()],
    )


def upsert(conn: sqlite3.Connection, tickets: list[tuple[Any, ...]],
           sessions: list[tuple[Any, ...]]) -> None:
    """Write rows (SQLite, on the connection's thread: see connection.in_thread)."""
    for table, rows in zip(TABLES, (tickets, sessions), strict=True):
        if rows:
            conn.executemany(
                f"INSERT OR REPLACE INTO {table.name} ({','.join(table.cols)}) "
                f"VALUES ({','.join('?' * len(table.cols))})", rows)


# -- appointments (issue 18) ---------------------------------------------------------------------
APPOINTMENT_COLS = (
    "key source reference version sequence day start duration_min persons service status "
    "code_hash checked_in_at ticket ended_at"
).split()
# Not in TABLES: one row per booking over all days, not per day's fold. Each engine reads the
# records a command needs (`Ctx.records`) and upserts the rows `appointment_rows` gives.
APPOINTMENTS = Table("appointments", tuple(APPOINTMENT_COLS), ("key",))
SELECT_APPOINTMENTS = f"SELECT {', '.join(APPOINTMENT_COLS)} FROM appointments"


def appointment_row(a: Appointment) -> tuple[Any, ...]:
    return (a.key, a.source, a.reference, a.version, a.sequence, str(a.day), iso(a.start),
            a.duration_min, a.persons, a.service, a.status, a.code_hash, _t(a.checked_in_at),
            a.ticket, _t(a.ended_at))


def appointment_from_row(row: Iterable[Any]) -> Appointment:
    (_key, source, reference, version, sequence, day, start, duration, persons, service,
     status, code_hash, checked_in_at, ticket, ended_at) = row
    return Appointment(
        source=source, reference=reference, service=service, start=parse_iso(start),
        duration_min=duration, persons=persons, day=date.fromisoformat(day), sequence=sequence,
        code_hash=code_hash, status=status, version=version,
        checked_in_at=parse_iso(checked_in_at) if checked_in_at else None, ticket=ticket,
        ended_at=parse_iso(ended_at) if ended_at else None)


def load_appointments(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, Appointment]:
    """The records of these appointments (any day), on the connection's thread."""
    out: dict[str, Appointment] = {}
    keys = list(keys)
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        rows = conn.execute(f"{SELECT_APPOINTMENTS} WHERE key IN ({','.join('?' * len(chunk))})",
                            chunk).fetchall()
        out.update((r[0], appointment_from_row(r)) for r in rows)
    return out



def appointment_keys(events: Iterable[Event]) -> set[str]:
    """The appointments these events name."""
    return {appointment_key(e.data["source"], e.data["reference"])
            for e in events if e.type in APPOINTMENT_EVENTS}


def appointment_rows(known: dict[str, Appointment],
                     events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """Rows to upsert: `known` (the records the events name, as stored) with the events folded
    in; `known` is updated."""
    changed = fold_appointments(known, events)
    return [appointment_row(known[k]) for k in sorted(changed)]


def all_appointment_rows(events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """The whole table as a fold of every appointment event (in log order) leaves it."""
    known: dict[str, Appointment] = {}
    fold_appointments(known, events)
    return [appointment_row(a) for _, a in sorted(known.items())]


def write_appointments(conn: sqlite3.Connection, events: list[Event]) -> None:
    """SQLite: bring the rows of the appointments these events name up to date (in the
    transaction that appends them)."""
    keys = appointment_keys(events)
    if keys:
        conn.executemany(
            f"INSERT OR REPLACE INTO appointments ({','.join(APPOINTMENT_COLS)}) "
            f"VALUES ({','.join('?' * len(APPOINTMENT_COLS))})",
            appointment_rows(load_appointments(conn, keys), events))
