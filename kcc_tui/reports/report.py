"""Building a report, and the two calls the coordinator pane makes: `summary` and `advice_for`.

Both read the store through their own connection (see `load`) and do their arithmetic in a
thread, so an app can await them without freezing its screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..domain.clock import Clock, business_day, iso, system_clock
from ..domain.office import Office
from ..store import EventStore
from . import topics as T
from .appointments import appointment_rows
from .breakdown import BREAKDOWNS, Row, breakdowns
from .demand import demand_for
from .load import history_of, load, load_topics
from .period import Period, next_weekday, parse_period
from .staffing import Advice, Simulate, plan_day


@dataclass
class Report:
    office: str
    period: Period
    generated_at: datetime
    tables: dict[str, list[Row]]
    topics: list[T.TopicRow]
    previous: Period
    advice: Advice | None = None
    notes: list[str] = field(default_factory=list)
    # walk-ins and appointments side by side (reports/appointments.py); [] without appointments
    appointments: list[dict[str, Any]] = field(default_factory=list)

    def __repr__(self) -> str:
        # Short on purpose: asyncio formats the repr of a task's result when `asyncio.run`
        # restores its SIGINT handler, and the full repr of a year holds millions of waits.
        return f"Report({self.office!r}, {self.period.label!r})"

    def table(self, name: str) -> list[dict[str, Any]]:
        return [r.values() for r in self.tables[name]]

    @property
    def total(self) -> dict[str, Any]:
        """The whole period: the last row of the service table."""
        return self.tables["service"][-1].values()

    def to_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "period": {"kind": self.period.kind, "first": str(self.period.first),
                       "last": str(self.period.last), "label": self.period.label},
            "previous": {"first": str(self.previous.first), "last": str(self.previous.last)},
            "generated_at": iso(self.generated_at),
            "tables": {name: self.table(name) for name in self.tables},
            "topics": [t.values() for t in self.topics],
            "advice": self.advice.to_json() if self.advice else None,
            "appointments": self.appointments,
        }


async def build_report(source: EventStore | str | Path, office: Office, period: Period, *,
                       clock: Clock = system_clock,
                       progress: Callable[[int, int | None], None] | None = None) -> Report:
    """The report of `period` from a store, or the store at a path; `progress(tickets read,
    None)` is called as the history is read."""
    now = clock()
    today = business_day(now, office.timezone)
    with no_cycle_collection():
        async with history_of(source) as h:
            history = await load(h, period.first, period.last, now, today, progress)
            prev = period.previous()
            before = await load_topics(h, prev, office.timezone)
            booked = await h.appointments(period.first, period.last)
        tables = await asyncio.to_thread(breakdowns, history, office, period)
        appointments = appointment_rows(booked, history.tickets, office, now)
    start, end = period.bounds(office.timezone)
    finished = [(t.finished_at, t.topics) for t in history.tickets
                if t.topics and t.finished_at is not None and start <= t.finished_at < end]
    calls = [c for c in history.calls if start <= c.at < end]
    rows = T.topic_rows(office, T.count(finished, calls), T.count(*before))
    return Report(office.name, period, now, tables, rows, prev, appointments=appointments)


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a report builds: a year is ~1M small objects and
    none of them form cycles, yet every few thousand allocations the collector would walk them
    all again (a sixth of the time of a year report)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _resolve(source: Any, office: Office | None,
             clock: Clock | None) -> tuple[EventStore | str | Path, Office, Clock]:
    """A store brings its office and clock; a path needs the office given."""
    o = office or getattr(source, "office", None)
    if not isinstance(o, Office):
        raise TypeError("summary/advice_for: pass office= when the source is a path")
    clk = clock or getattr(source, "clock", None) or system_clock
    return source, o, clk


async def summary(source: Any, period: Period | str = "today", *,
                  office: Office | None = None, clock: Clock | None = None) -> Report:
    """The report of a period (default today) for the coordinator pane.

    `source` is the app's open store (its office and clock are used; its history is read on a
    connection of its own) or a path to the store file (then pass `office`). `period`: a
    Period or text such as "today", "yesterday", "2026-11-24", "this-week". Raises
    PeriodError for bad text and StoreError when the store cannot be read (both one line).
    """
    src, o, clk = _resolve(source, office, clock)
    if isinstance(period, str):
        period = parse_period(period, business_day(clk(), o.timezone))
    return await build_report(src, o, period, clock=clk)


async def advice_for(source: Any, day: date | str = "monday", *, office: Office | None = None,
                     office_source: str | Path | None = None, target: float = 0.8,
                     weeks: int = 8, check: bool = True, replications: int = 20,
                     seed: int = 1, clock: Clock | None = None) -> Advice:
    """Posts per opening hour for a coming day ("monday" = the next Monday, or a date), from
    the last `weeks` weeks of history, checked with the simulator unless `check` is False.

    The simulator check needs the office's config file (`office_source`, e.g. the settings'
    `.source`); without it the Erlang C plan is returned with a note. CPU-heavy parts run in a
    thread (about a second with the check).
    """
    src, o, clk = _resolve(source, office, clock)
    today = business_day(clk(), o.timezone)
    when = next_weekday(day, today) if isinstance(day, str) else day
    window = (today - timedelta(weeks=weeks), today - timedelta(days=1))
    async with history_of(src) as h:
        history = await load(h, window[0], window[1], clk(), today)
    demand = await asyncio.to_thread(demand_for, o, when, history.tickets, window)
    sim: Simulate | None = None
    notes = []
    if check and office_source:
        from .simcheck import simulate_plan  # the simulator: only when checking

        config = str(Path(office_source).resolve())

        def sim(d: Any, posts: list[int]) -> list[tuple[float | None, int]]:
            checks = simulate_plan(d, posts, config, replications=replications, seed=seed)
            return [(c.sl, c.late_from) for c in checks]
    elif check:
        notes.append("not checked with the simulator: it needs the office's config file")
    advice = await asyncio.to_thread(plan_day, demand, target, sim)
    advice.notes += notes
    return advice


__all__ = ["BREAKDOWNS", "Report", "advice_for", "build_report", "summary"]
