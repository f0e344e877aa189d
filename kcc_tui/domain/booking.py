"""Commands for appointments (issue 18): import or add bookings, cancel, check in, and the
no-shows written when a check-in window ends. See `appointments.py` for the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import appointments as ap
from .appointments import Appointment, CheckInRefusal, appointment_key, appointment_stream
from .clock import business_day, iso, local
from .commands import Command, Ctx, Refused, is_sha256
from .events import Event

MAX_DURATION_MIN = 8 * 60
MAX_PERSONS = 20


@dataclass(frozen=True)
class Booking:
    """One appointment as the booking system (or the desk) gives it: no personal data."""

    source: str
    reference: str
    service: str
    start: datetime  # aware
    duration_min: int
    persons: int = 1
    sequence: int = 0
    code_hash: str | None = None
    cancelled: bool = False

    @property
    def key(self) -> str:
        return appointment_key(self.source, self.reference)


@dataclass(frozen=True)
class Outcome:
    """What an import did with one booking: added, updated, cancelled, unchanged or refused
    (then `code` says why, with `params`)."""

    reference: str
    action: str
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _same(a: Appointment, b: Booking) -> bool:
    return (a.service, a.start, a.duration_min, a.persons, a.code_hash) == (
        b.service, b.start, b.duration_min, b.persons, b.code_hash)


def _problem(c: Ctx, b: Booking) -> tuple[str, dict[str, Any]] | None:
    """Why a booking cannot be taken at all (code, params), or None."""
    if not b.source or not b.reference or len(b.reference) > 200:
        return "bad_reference", {"reference": b.reference}
    if b.service not in c.office.services:
        return "unknown_service", {"service": b.service}
    if b.start.tzinfo is None:
        return "bad_start", {"start": str(b.start)}
    if not 1 <= b.duration_min <= MAX_DURATION_MIN:
        return "bad_duration", {"duration_min": b.duration_min, "max": MAX_DURATION_MIN}
    if not 1 <= b.persons <= MAX_PERSONS:
        return "bad_persons", {"persons": b.persons, "max": MAX_PERSONS}
    if b.code_hash is not None and not is_sha256(b.code_hash):
        return "bad_code", {}
    return None


@dataclass(frozen=True)
class ImportBookings(Command):
    """Bring bookings in: new ones are booked, changed ones updated (a new day: cancelled as
    "moved" on the old day, updated on the new), cancelled ones cancelled. Idempotent: a
    booking as already recorded, or of an older sequence, changes nothing. Every booking gets
    an `Outcome` in `outcomes` (filled by `decide`; the command is run once).
    `only_new`: the desk adds an appointment, refused when the reference exists."""

    bookings: tuple[Booking, ...]
    only_new: bool = False
    outcomes: list[Outcome] = field(default_factory=list, compare=False)

    def appointment_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.key for b in self.bookings))

    def decide(self, c: Ctx) -> list[Event]:
        self.outcomes.clear()
        current = dict(c.appointments)
        for rec in current.values():
            c.known_version(rec.stream, rec.version)
        events: list[Event] = []
        after_min = c.office.appointments.window_after_min
        for b in self.bookings:
            problem = _problem(c, b)
            a: Appointment | None = current.get(b.key)
            if problem is None and a is not None and self.only_new:
                problem = ("appointment_exists", {"reference": b.reference})
            if problem is None and a is not None and a.status in ("checked_in", "no_show") \
                    and (b.cancelled or not _same(a, b)) and b.sequence >= a.sequence:
                problem = (f"appointment_{'used' if a.status == 'checked_in' else 'past'}",
                           {"reference": b.reference})
            if problem is None and not b.cancelled and (a is None or a.status == "cancelled") \
                    and c.now >= b.start + timedelta(minutes=after_min):
                problem = ("appointment_past", {"reference": b.reference})
            if problem is not None:
                self.outcomes.append(Outcome(b.reference, "refused", problem[0], problem[1]))
                continue
            new = self._events(c, a, b)
            for e in new:
                if (na := ap.after(current.get(b.key), e.type, e.data, e.at, e.day,
                                   e.version)) is not None:
                    current[b.key] = na
            events += new
            self.outcomes.append(Outcome(b.reference, _action(a, new)))
        return events

    @staticmethod
    def _events(c: Ctx, a: Appointment | None, b: Booking) -> list[Event]:
        stream = appointment_stream(b.source, b.reference)
        day = business_day(b.start, c.office.timezone)
        ids = dict(source=b.source, reference=b.reference)
        if a is not None and b.sequence < a.sequence:
            return []  # an older revision than the one recorded
        if b.cancelled:
            if a is None or a.status == "cancelled":
                return []
            return [c.event("appointment_cancelled", stream, day=a.day, **ids,
                            sequence=b.sequence, reason="cancelled")]
        values: dict[str, Any] = dict(
            **ids, sequence=b.sequence, service=b.service, start=iso(b.start),
            duration_min=b.duration_min, persons=b.persons)
        if b.code_hash is not None:
            values["code_hash"] = b.code_hash
        if a is None or a.status == "cancelled":
            return [c.event("appointment_booked", stream, day=day, **values)]
        if _same(a, b):
            return []
        out = []
        if a.day != day:
            out.append(c.event("appointment_cancelled", stream, day=a.day, **ids,
                               sequence=b.sequence, reason="moved"))
        out.append(c.event("appointment_updated", stream, day=day, **values))
        return out


def _action(before: Appointment | None, events: list[Event]) -> str:
    if not events:
        return "unchanged"
    if events[-1].type == "appointment_cancelled":
        return "cancelled"
    return "added" if before is None else "updated"


@dataclass(frozen=True)
class CancelAppointment(Command):
    """The desk (or the coordinator) cancels a booked appointment by reference."""

    source: str
    reference: str

    def appointment_keys(self) -> tuple[str, ...]:
        return (appointment_key(self.source, self.reference),)

    def decide(self, c: Ctx) -> list[Event]:
        a = c.appointments.get(appointment_key(self.source, self.reference))
        if a is None:
            raise Refused(f"no appointment {self.reference}", code="appointment_unknown",
                          reference=self.reference)
        if a.status == "cancelled":
            raise Refused(f"appointment {self.reference} is cancelled already",
                          code="appointment_cancelled", reference=self.reference)
        if a.status == "checked_in":
            raise Refused(f"appointment {self.reference} is checked in",
                          code="appointment_used", reference=self.reference)
        if a.status == "no_show":
            raise Refused(f"appointment {self.reference} is no show",
                          code="appointment_past", reference=self.reference)
        c.known_version(a.stream, a.version)
        return [c.event("appointment_cancelled", a.stream, day=a.day, source=a.source,
                        reference=a.reference, sequence=a.sequence, reason="cancelled")]


# -- check-in ----------------------------------------------------------------------------------
CHECK_IN_WORDS = {
    CheckInRefusal.UNKNOWN: "no appointment today with this code",
    CheckInRefusal.CANCELLED: "this appointment was cancelled",
    CheckInRefusal.USED: "this appointment is already checked in",
    CheckInRefusal.TOO_EARLY: "too early: check-in opens at {opens}",
    CheckInRefusal.TOO_LATE: "too late: check-in closed at {closes}; take a walk-in ticket",
}


def find_today(state_appointments: dict[str, Appointment], codes: list[Appointment],
               reference: str | None, source: str | None) -> Appointment | None:
    """The appointment a check-in means: by reference (and source), or the first usable one
    of those with the code."""
    if reference is not None:
        found = [a for a in state_appointments.values() if a.reference == reference
                 and (source is None or a.source == source)]
        return found[0] if len(found) == 1 else None
    usable = [a for a in codes if a.status == "booked"] or codes
    return usable[0] if usable else None


@dataclass(frozen=True)
class CheckIn(Command):
    """The citizen checks in (kiosk: by code, its hash; desk: by reference): a ticket marked
    as the appointment joins the queue. Refused with a `CheckInRefusal` code otherwise; a late
    citizen is offered a walk-in ticket (`IssueTicket`) at the edge."""

    code_hash: str | None = None
    reference: str | None = None
    source: str | None = None
    lang: str = "nl"
    kiosk: str | None = None
    printing: bool = False
    token_hash: str | None = None

    def decide(self, c: Ctx) -> list[Event]:
        self.check_day_open(c)
        s, conf, tz = c.state, c.office.appointments, c.office.timezone
        by_code = s.appointments_by_code(self.code_hash) if self.code_hash else []
        a = find_today(s.appointments, by_code, self.reference, self.source)
        why = ap.check_in_refusal(a, c.now, conf.window_before_min, conf.window_after_min)
        if why is not None:
            params: dict[str, Any] = {"reference": a.reference if a else ""}
            if a is not None:
                opens, closes = ap.window(a, conf.window_before_min, conf.window_after_min)
                params |= {"opens": f"{local(opens, tz):%H:%M}",
                           "closes": f"{local(closes, tz):%H:%M}", "service": a.service,
                           "booked": f"{local(a.start, tz):%H:%M}"}
            raise Refused(CHECK_IN_WORDS[why].format(**params), code=why.value, **params)
        assert a is not None
        if self.lang not in c.office.languages:
            raise Refused(f"unknown language {self.lang!r}", code="unknown_language",
                          lang=self.lang)
        self.check_service(c, a.service)
        svc = c.office.services[a.service]
        if conf.prefix:
            stream, prefix = f"numbering:appointments:{c.day}", conf.prefix
        else:
            stream, prefix = f"numbering:{a.service}:{c.day}", svc.prefix
        n = s.version(stream) + 1
        number = f"{prefix}{n:03d}"
        data: dict[str, Any] = dict(number=number, n=n, service=a.service, lang=self.lang,
                                    priority=False, appointment=a.key)
        if self.kiosk:
            data["kiosk"] = self.kiosk
        if self.printing:
            data["printing"] = True
        if self.token_hash:
            if not is_sha256(self.token_hash) or self.token_hash in s.tokens:
                raise Refused("the ticket's token must be a new SHA-256 hash", code="bad_token")
            data["token_hash"] = self.token_hash
        return [c.event("ticket_issued", stream, **data),
                c.event("appointment_checked_in", a.stream, day=a.day, source=a.source,
                        reference=a.reference, number=number)]


def no_show_events(c: Ctx) -> list[Event]:
    """`appointment_no_show` for every booked appointment of today whose check-in window has
    ended: the store writes them in the next transaction of any process (so at most one
    heartbeat after the moment, by the store's clock)."""
    return [c.event("appointment_no_show", a.stream, day=a.day, source=a.source,
                    reference=a.reference)
            for a in ap.overdue(c.state.appointments, c.now,
                                c.office.appointments.window_after_min)]
