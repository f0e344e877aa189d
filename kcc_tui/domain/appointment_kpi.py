"""Appointment KPIs (DESIGN.md §4 extended, issue 18), beside the walk-in figures of `kpi.py`:

- appointment wait = first call − max(booked start, check-in);
- punctuality = check-in − booked start (negative: early);
- share served before the booked time = first call < booked start, of those called;
- no-show rate = appointments whose window ended without check-in ÷ appointments booked (not
  cancelled) whose window has ended;
- walk-ins and appointments side by side per service and per hour (of the booked start for
  appointments, of the issue for walk-ins).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .appointments import Appointment
from .clock import business_day, local
from .kpi import mean, percentile
from .office import Office
from .state import Ticket


@dataclass
class AppointmentFigures:
    booked: int = 0  # not cancelled
    cancelled: int = 0
    checked_in: int = 0
    no_shows: int = 0
    ended: int = 0  # booked, and the check-in window has ended (the no-show denominator)
    waits: list[float] = field(default_factory=list)  # seconds, of those called
    punctuality: list[float] = field(default_factory=list)  # seconds, of those checked in
    before: int = 0  # called before the booked start

    @property
    def mean_wait_s(self) -> float | None:
        return mean(self.waits)

    @property
    def p90_wait_s(self) -> float | None:
        return percentile(self.waits, 90)

    def within(self, target_s: float) -> float | None:
        """Share of the called appointments whose wait ≤ target."""
        return sum(w <= target_s for w in self.waits) / len(self.waits) if self.waits else None

    @property
    def before_share(self) -> float | None:
        return self.before / len(self.waits) if self.waits else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.ended if self.ended else None

    @property
    def mean_punctuality_s(self) -> float | None:
        return mean(self.punctuality)


@dataclass
class WalkInFigures:
    issued: int = 0
    waits: list[float] = field(default_factory=list)
    ok: int = 0  # called within their service's target

    @property
    def mean_wait_s(self) -> float | None:
        return mean(self.waits)

    @property
    def sl(self) -> float | None:
        return self.ok / len(self.waits) if self.waits else None


def appointment_wait_s(a: Appointment, first_call: datetime) -> float:
    at = a.checked_in_at or a.start
    return (first_call - max(a.start, at)).total_seconds()


Key = Hashable


def side_by_side(appointments: Iterable[Appointment], tickets: Iterable[Ticket], office: Office,
                 now: datetime) -> tuple[dict[Key, AppointmentFigures], dict[Key, WalkInFigures]]:
    """Figures grouped by ("total",), ("service", code) and ("hour", local hour).

    `tickets`: the walk-ins and the appointments' tickets of the same days (an appointment's
    ticket is found by its day and number; every other ticket is a walk-in)."""
    tz, after = office.timezone, office.appointments.window_after_min
    by_number: dict[tuple[date, str], Ticket] = {}
    walk: dict[Key, WalkInFigures] = {}
    appt_tickets = set()
    apps = list(appointments)
    for a in apps:
        if a.ticket is not None:
            appt_tickets.add((a.day, a.ticket))
    for t in tickets:
        day = business_day(t.issued_at, tz)
        by_number[(day, t.number)] = t
        if (day, t.number) in appt_tickets:
            continue
        svc = office.services.get(t.intervals[0].service)
        target_s = (svc.target_wait_min if svc else 10) * 60
        first = t.first_called_at
        for key in _keys(t.intervals[0].service, local(t.issued_at, tz).hour):
            w = walk.setdefault(key, WalkInFigures())
            w.issued += 1
            if first is not None:
                wait = (first - t.issued_at).total_seconds()
                w.waits.append(wait)
                w.ok += wait <= target_s
    figs: dict[Key, AppointmentFigures] = {}
    for a in apps:
        for key in _keys(a.service, local(a.start, tz).hour):
            f = figs.setdefault(key, AppointmentFigures())
            if a.status == "cancelled":
                f.cancelled += 1
                continue
            f.booked += 1
            window_ended = now >= a.start + timedelta(minutes=after)
            if a.status == "checked_in" and a.checked_in_at is not None:
                f.checked_in += 1
                f.punctuality.append((a.checked_in_at - a.start).total_seconds())
                tk = by_number.get((a.day, a.ticket or ""))
                first = tk.first_called_at if tk is not None else None
                if first is not None:
                    f.waits.append(appointment_wait_s(a, first))
                    f.before += first < a.start
            elif a.status == "no_show" or window_ended:
                f.no_shows += 1
            if window_ended or a.status in ("checked_in", "no_show"):
                f.ended += 1
    return figs, walk


def _keys(service: str, hour: int) -> tuple[Key, ...]:
    return (("total",), ("service", service), ("hour", hour))


@dataclass(frozen=True, slots=True)
class HourCount:
    """The coordinator board's line for one hour of booked starts."""

    hour: int
    booked: int
    checked_in: int
    late: int  # checked in after the booked start
    no_show: int
    waiting: int  # booked, not yet checked in, window still open


def board_hours(appointments: Iterable[Appointment], office: Office,
                now: datetime) -> list[HourCount]:
    """Today's appointments per hour of booked start (cancelled ones left out)."""
    tz, after = office.timezone, office.appointments.window_after_min
    rows: dict[int, list[int]] = {}
    for a in appointments:
        if a.status == "cancelled":
            continue
        r = rows.setdefault(local(a.start, tz).hour, [0, 0, 0, 0, 0])
        r[0] += 1
        if a.status == "checked_in":
            r[1] += 1
            r[2] += a.checked_in_at is not None and a.checked_in_at > a.start
        elif a.status == "no_show" or now >= a.start + timedelta(minutes=after):
            r[3] += 1
        else:
            r[4] += 1
    return [HourCount(h, *r) for h, r in sorted(rows.items())]
