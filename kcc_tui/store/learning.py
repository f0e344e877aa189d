"""The office's recent weeks, for the wait forecast of every process (DESIGN §8: one estimate
per store state, shown the same everywhere).

The forecast (`domain.learned`) learns service times, no-shows, pauses and closed posts coming
back from today and from a `learned.History` of earlier days. The simulator hands it the days it
simulated; a live process reads them here, from the store: the tickets of the last `DAYS` days
from the read model, and their posts' openings, pauses and closings from the log. Every process
on one store reads the same days, so kiosk, display, counter, coordinator and `kcc state` learn
the same thing. Read once per business day and store identity (a restore changes it), not per
event: earlier days do not change.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..domain import learned
from ..domain.state import DayState, FoldError
from .protocol import EventStore, History

DAYS = 28  # four weeks: each weekday seen four times, old habits fade within a month

# What a post did: enough to fold pauses, stretches of work and reopenings of a past day.
POST_EVENTS = ("post_opened", "post_paused", "post_resumed", "post_closed")


async def recent_history(h: History, today: date, days: int = DAYS) -> learned.History:
    """What the `days` business days before `today` showed, as the forecast learns it."""
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    states: dict[date, DayState] = {}
    damaged: set[date] = set()
    for e in await h.events_of_days(first, last, POST_EVENTS):
        try:
            states.setdefault(e.day, DayState(e.day)).apply(e)
        except FoldError:
            damaged.add(e.day)  # `kcc store check` reports it; the forecast skips that day
    async for day, t in h.tickets(first, last):
        states.setdefault(day, DayState(day)).tickets[t.number] = t
    return learned.history_of(states[d] for d in sorted(states) if d not in damaged)


class Remembered:
    """One store's recent history, read again only when the day or the store's identity
    changes (a restore), and handed to each newly folded state."""

    def __init__(self) -> None:
        self._key: tuple[date, str | None] | None = None
        self._history = learned.History()

    async def attach(self, store: EventStore) -> None:
        """Give `store.state` (just folded) the recent weeks."""
        key = (store.state.day, store.generation)
        if key != self._key:
            async with store.history() as h:
                self._history = await recent_history(h, store.state.day)
            self._key = key
        learned.remember_history(store.state, self._history)
