"""A period's history for reports: tickets, counter sessions and phone contacts, read through
the store's `History` (store/history.py reads the read-model tables, never the whole log).

Tickets come back as the domain's own `Ticket`, so the KPIs are computed by `domain.kpi`
exactly as the live dashboard computes them; here the sessions get their open, serving and
paused times (DESIGN.md §4).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..domain.kpi import post_times
from ..domain.state import PostState, Ticket
from ..store import EventStore, open_history
from ..store import History as StoreHistory
from ..store import PhoneCall as Call
from .period import Period


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


async def load(h: StoreHistory, first: date, last: date, now: datetime, today: date,
               progress: Callable[[int, int | None], None] | None = None) -> History:
    """Tickets, counter sessions and phone contacts of the business days first..last; `now` and
    `today` (its business day) end the sessions still open. `progress(tickets read, None)` is
    called every few thousand tickets."""
    out = History(first, last)
    sessions = await h.sessions(first, last)
    # Sessions still open: today's run up to now (with the ticket at the post, if any); one left
    # open on a past day (that day was never closed) runs up to the post's last activity.
    still_open = {(s.day, s.post) for s in sessions if s.closed_at is None}
    current: dict[tuple[date, str], Ticket] = {}
    last_seen: dict[tuple[date, str], datetime] = {}
    async for day, t in h.tickets(first, last):
        out.tickets.append(t)
        if progress is not None and len(out.tickets) % 4000 == 0:
            progress(len(out.tickets), None)
        if not still_open:
            continue
        if t.status in ("called", "serving") and (day, t.post) in still_open:
            current[(day, t.post or "")] = t
        for iv in t.intervals:
            key = (day, iv.post or "")
            stamp = iv.ended_at or iv.started_at or iv.called_at
            if key in still_open and stamp is not None:
                last_seen[key] = max(stamp, last_seen.get(key, stamp))
    if progress is not None:
        progress(len(out.tickets), None)
    for s in sessions:
        p = PostState(s.post, open=s.closed_at is None, staff=s.staff, session=s.session,
                      opened_at=s.opened_at, closed_at=s.closed_at, paused_s=s.paused_s,
                      serving_s=s.serving_s)
        tickets: dict[str, Ticket] = {}
        end = now
        if p.open and s.day < today:
            end = max(s.opened_at, last_seen.get((s.day, s.post), s.opened_at))
        elif p.open and (cur := current.get((s.day, s.post))) is not None:
            p.current, tickets[cur.number] = cur.number, cur
        open_s, serving, paused = post_times(p, tickets, end)
        out.sessions.append(Session(s.day, s.post, s.staff, open_s, serving, paused))
    out.calls = await h.phone_calls(first, last)
    return out


async def load_topics(h: StoreHistory, period: Period,
                      tz: str) -> tuple[list[tuple[datetime, tuple[str, ...]]], list[Call]]:
    """Just the topics of a period (for the trend against the previous one): the finish time and
    topics of every ticket finished with topics, and the phone contacts."""
    start, end = period.bounds(tz)
    tickets = [(at, topics) for at, topics in await h.finished_topics(period.first, period.last)
               if start <= at < end]
    calls = await h.phone_calls(period.first, period.last)
    return tickets, [c for c in calls if start <= c.at < end]


def history_of(source: EventStore | str | Path) -> AbstractAsyncContextManager[StoreHistory]:
    """The history reader of a store (its `.history()`) or of the store at a path or URL."""
    return source.history() if not isinstance(source, str | Path) else open_history(source)


__all__ = ["Call", "History", "Session", "history_of", "load", "load_topics"]
