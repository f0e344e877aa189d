"""An in-memory event log with the same command semantics as the store, for the simulator and
for pure domain tests: decide, number, fold — without SQLite."""

from __future__ import annotations

from datetime import datetime

from .clock import Clock, business_day, day_bounds
from .commands import Command, Ctx, RefusedWithEvents
from .events import Event, check_event
from .office import Office
from .state import DayState


class Ledger:
    def __init__(self, office: Office, clock: Clock) -> None:
        self.office, self.clock = office, clock
        self.log: list[Event] = []
        self.state = DayState(business_day(clock(), office.timezone))
        self._bounds = day_bounds(self.state.day, office.timezone)

    def execute(self, command: Command, actor: str = "system") -> list[Event]:
        now: datetime = self.clock()
        # Comparing with the day's bounds is cheaper than a time-zone conversion per command,
        # which matters to the simulator (millions of commands).
        if not self._bounds[0] <= now < self._bounds[1]:
            self.state = DayState(business_day(now, self.office.timezone))
            self.state.seq = len(self.log)
            self._bounds = day_bounds(self.state.day, self.office.timezone)
        try:
            new = command.decide(Ctx(self.state, self.office, now, actor))
        except RefusedWithEvents as r:
            self._append(r.events)
            raise
        return self._append(new)

    def _append(self, new: list[Event]) -> list[Event]:
        stored = []
        for e in new:
            check_event(e.type, e.data)
            e = Event(e.type, e.stream, e.version, e.at, e.day, e.actor, e.data, len(self.log) + 1)
            self.log.append(e)
            self.state.apply(e)
            stored.append(e)
        return stored
