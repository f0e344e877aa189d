"""The store's interface: what apps, the CLI, reports and the simulator may use (DESIGN.md §2,
§8 "only `store/` knows the database").

`Store` (SQLite, `eventstore.py`) implements `EventStore`; a PostgreSQL store implements the
same. Nothing outside `store/` names an engine: it gets an `EventStore` from `open_store()`
and reads history through `EventStore.history()`, which hands back domain values.

The contract every implementation keeps:
- `execute` runs one command in one write transaction: catch up on the events others appended,
  check the store is still the content `state` was folded from (its `generation` and the event
  at `state.seq`; else fold afresh and raise `StoreReplaced`), decide, append, update the read
  models, commit. Refused → nothing appended (except a recorded refusal such as a wrong PIN).
- `poll` is the change feed: other processes' events, each handed out exactly once.
- Every failure the user can meet is a one-line `StoreError` subclass (`store/errors.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, Self

from ..domain.appointments import Appointment
from ..domain.clock import Clock
from ..domain.commands import Command
from ..domain.events import Event
from ..domain.office import Office
from ..domain.state import DayState, Ticket


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One counter session (open → close) as the read model keeps it."""

    day: date
    post: str
    session: int
    staff: str | None
    opened_at: datetime
    closed_at: datetime | None  # None: still open (today), or a day that was never closed
    paused_s: float
    serving_s: float
    calls: int  # phone contacts registered in the session


@dataclass(frozen=True, slots=True)
class PhoneCall:
    """A phone contact registered on the phone line (event `phone_call_registered`)."""

    at: datetime
    day: date
    post: str
    staff: str
    topic: str


class History(Protocol):
    """A consistent read of past business days (one read snapshot for the whole `async with`),
    on a connection of its own, so a long report never holds up the app's commands or polls.
    Days are business days, `first` and `last` both included."""

    def tickets(self, first: date, last: date) -> AsyncIterator[tuple[date, Ticket]]:
        """Every ticket of the days as the fold left it, with its business day (streamed: a
        year is ~80k tickets)."""
        ...

    async def sessions(self, first: date, last: date) -> list[SessionRecord]:
        """Every counter session of the days, by day and opening time."""
        ...

    async def phone_calls(self, first: date, last: date) -> list[PhoneCall]:
        """Every phone contact registered on the days, by time."""
        ...

    async def finished_topics(self, first: date,
                              last: date) -> list[tuple[datetime, tuple[str, ...]]]:
        """(finish time, topics) of every ticket of the days finished with topics."""
        ...

    async def events_of_days(self, first: date, last: date,
                             types: Collection[str]) -> list[Event]:
        """The events of these types on the days, in log order."""
        ...

    async def appointments(self, first: date, last: date) -> list[Appointment]:
        """Every appointment booked on the days (any status), by booked start."""
        ...


class EventStore(Protocol):
    """One process's handle on the shared store, with today's state folded in memory."""

    office: Office
    clock: Clock
    state: DayState  # today's fold; replaced by a new object when folded afresh
    readonly: bool  # asked for, or found when the store cannot be written
    lost: str | None  # acknowledged events missing from the log (say it loudly), else None
    generation: str | None  # the store's identity when today was folded (a restore changes it)

    @property
    def where(self) -> str:
        """The store for people: a file path, or a URL without its password."""
        ...

    def today(self) -> date:
        """The business day now, by the store's clock and the office's time zone."""
        ...

    async def open(self) -> Self:
        """Connect, check the schema (upgrade it; refuse a newer or foreign one), fold today.
        Raises a one-line StoreError."""
        ...

    async def close(self) -> None:
        """Release connections and locks; safe to call twice or after a failed open."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def execute(self, command: Command, actor: str = "system") -> list[Event]:
        """Run one command in one write transaction; return the events appended.
        Raises Refused (nothing appended, unless the refusal is recorded) or StoreError
        (StoreReplaced: the content changed under us, folded afresh, command not run)."""
        ...

    async def poll(self) -> list[Event]:
        """Other processes' events since the last look, folded into `state`; [] when nothing
        changed. Cheap when idle (apps call it every ~50 ms). Raises StoreReplaced after
        folding afresh when the content changed under us."""
        ...

    def take_notice(self) -> str | None:
        """Once: why the state was folded afresh (for the app's banner), else None."""
        ...

    async def reload(self) -> None:
        """Fold today's events from scratch."""
        ...

    async def events(self, since: int = 0, limit: int = 1000, day: date | None = None,
                     staff: str | None = None) -> list[Event]:
        """Events after seq `since`, oldest first, at most `limit`; optionally of one business
        day, and only those by or about one staff member (actor or `data.staff`)."""
        ...

    async def rebuild(self) -> int:
        """Rewrite the read models from the log; returns the number of business days."""
        ...

    async def check(self) -> list[str]:
        """Integrity of the storage, of the log (every event fits) and of the read models
        against the log: the problems found, [] when all is well."""
        ...

    async def accept_loss(self) -> None:
        """The operator accepts that the log ends where it ends (clears `lost`)."""
        ...

    async def backup(self, dest: str | Path) -> Path:
        """A verified online copy at `dest` (never a partial file there); returns its path."""
        ...

    async def read_models(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Both read-model tables (tickets by day and number, sessions by day, post and
        session), as rows in `readmodels.TICKET_COLS` / `SESSION_COLS` order: for checks."""
        ...

    def history(self) -> AbstractAsyncContextManager[History]:
        """A consistent read of past days for reports and fitting (see `History`)."""
        ...
