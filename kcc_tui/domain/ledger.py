"""An in-memory event log with the same command semantics as the store, for the simulator and
for pure domain tests: decide, number, fold — without SQLite."""

from __future__ import annotations

from datetime import date, datetime

from .appointments import Appointment, fold_appointments
from .booking import no_show_events
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
        # as the store's read model: every appointment (any day), and the appointment events
        # written ahead for a later day, folded when that day begins
        self.appointments: dict[str, Appointment] = {}
        self._ahead: dict[date, list[Event]] = {}

    def execute(self, command: Command, actor: str = "system") -> list[Event]:
        now: datetime = self.clock()
        # Comparing with the day's bounds is cheaper than a time-zone conversion per command,
        # which matters to the simulator (millions of commands).
        if not self._bounds[0] <= now < self._bounds[1]:
            self.state = DayState(business_day(now, self.office.timezone))
            for e in self._ahead.pop(self.state.day, []):
                self.state.apply(e)
            self.state.seq = len(self.log)
            self._bounds = day_bounds(self.state.day, self.office.timezone)
        ctx = Ctx(self.state, self.office, now, actor,
                  {k: self.appointments[k] for k in command.appointment_keys()
                   if k in self.appointments})
        before = no_show_events(ctx) if self.state.appointments else []
        try:
            new = before + command.decide(ctx)
        except RefusedWithEvents as r:
            self._append(r.events)
            raise
        return self._append(new)[len(before):]

    def _append(self, new: list[Event]) -> list[Event]:
        stored = []
        for e in new:
            check_event(e.type, e.data)
            e = Event(e.type, e.stream, e.version, e.at, e.day, e.actor, e.data, len(self.log) + 1)
            self.log.append(e)
            if e.day == self.state.day:
                self.state.apply(e)
            else:
                self.state.seq = e.seq
                if e.day > self.state.day:
                    self._ahead.setdefault(e.day, []).append(e)
            stored.append(e)
        fold_appointments(self.appointments, stored)
        return stored
