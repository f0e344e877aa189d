"""Appointments (issue 18): booked visits that join the queue only when the citizen checks in.

An appointment is known by its source and the booking system's reference; its events form the
stream `appointment:{source}:{reference}` and belong to the business day of the booked start
(a move to another day writes `appointment_cancelled` with reason "moved" on the old day and
`appointment_updated` on the new one), so today's fold holds exactly today's appointments.

`after` is the one definition of an appointment's state: the day's fold and the store's
read model (which also knows other days' appointments) both apply events with it.
Nothing personal is kept: no names, register numbers, addresses, e-mail or phone numbers;
the check-in code only as a hash, made at the edge (`kcc_tui.bookings.code_hash`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from .clock import parse_iso
from .events import Event

AppointmentStatus = Literal["booked", "checked_in", "cancelled", "no_show"]

# The appointment events, in the order of an appointment's life.
APPOINTMENT_EVENTS = ("appointment_booked", "appointment_updated", "appointment_cancelled",
                      "appointment_checked_in", "appointment_no_show")


def appointment_key(source: str, reference: str) -> str:
    return f"{source}:{reference}"


def appointment_stream(source: str, reference: str) -> str:
    return f"appointment:{source}:{reference}"


@dataclass(frozen=True, slots=True)
class Appointment:
    source: str
    reference: str
    service: str
    start: datetime  # booked start, aware UTC
    duration_min: int
    persons: int
    day: date  # the business day of `start`
    sequence: int = 0  # the booking system's revision (iCalendar SEQUENCE)
    code_hash: str | None = None
    status: AppointmentStatus = "booked"
    version: int = 0  # of its stream: the next event is version + 1
    checked_in_at: datetime | None = None
    ticket: str | None = None  # the number issued at check-in
    ended_at: datetime | None = None  # cancelled or marked no-show at

    @property
    def key(self) -> str:
        return appointment_key(self.source, self.reference)

    @property
    def stream(self) -> str:
        return appointment_stream(self.source, self.reference)


def after(a: Appointment | None, type_: str, data: dict[str, Any], at: datetime, day: date,
          version: int) -> Appointment | None:
    """The appointment after one of its events (None before its first booking)."""
    if type_ in ("appointment_booked", "appointment_updated"):
        fields: dict[str, Any] = dict(
            source=data["source"], reference=data["reference"], service=data["service"],
            start=parse_iso(data["start"]), duration_min=data["duration_min"],
            persons=data["persons"], day=day, sequence=data["sequence"],
            code_hash=data.get("code_hash"), version=version)
        if a is None or a.status == "cancelled":
            return Appointment(**fields)
        return replace(a, **fields)
    if a is None:
        raise KeyError(appointment_key(data["source"], data["reference"]))
    if type_ == "appointment_cancelled":
        return replace(a, status="cancelled", sequence=data["sequence"], version=version,
                       ended_at=at)
    if type_ == "appointment_checked_in":
        return replace(a, status="checked_in", checked_in_at=at, ticket=data["number"],
                       version=version)
    if type_ == "appointment_no_show":
        return replace(a, status="no_show", version=version, ended_at=at)
    raise ValueError(f"not an appointment event: {type_}")


def fold_appointments(known: dict[str, Appointment], events: Iterable[Event]) -> set[str]:
    """Apply the appointment events among `events` to `known` (in place, any day); the keys
    they changed. The store's read model and the in-memory ledger keep their books with it."""
    changed = set()
    for e in events:
        if e.type in APPOINTMENT_EVENTS:
            key = appointment_key(e.data["source"], e.data["reference"])
            a = after(known.get(key), e.type, e.data, e.at, e.day, e.version)
            if a is not None:
                known[key] = a
                changed.add(key)
    return changed


# -- the check-in window -------------------------------------------------------------------
class CheckInRefusal(StrEnum):
    """Why a code does not check in now (the words are made at the edge)."""

    UNKNOWN = "appointment_unknown"  # no appointment today with this code or reference
    CANCELLED = "appointment_cancelled"
    USED = "appointment_used"  # already checked in
    TOO_EARLY = "appointment_too_early"
    TOO_LATE = "appointment_too_late"  # the window has ended: a walk-in ticket is offered


def window(a: Appointment, before_min: float, after_min: float) -> tuple[datetime, datetime]:
    """When check-in is open for `a`: (from, until), until excluded."""
    return a.start - timedelta(minutes=before_min), a.start + timedelta(minutes=after_min)


def check_in_refusal(a: Appointment | None, now: datetime, before_min: float,
                     after_min: float) -> CheckInRefusal | None:
    """Why `a` cannot be checked in at `now`, or None when it can."""
    if a is None:
        return CheckInRefusal.UNKNOWN
    if a.status == "cancelled":
        return CheckInRefusal.CANCELLED
    if a.status == "checked_in":
        return CheckInRefusal.USED
    opens, closes = window(a, before_min, after_min)
    if a.status == "no_show" or now >= closes:
        return CheckInRefusal.TOO_LATE
    if now < opens:
        return CheckInRefusal.TOO_EARLY
    return None


def overdue(appointments: dict[str, Appointment], now: datetime, after_min: float
            ) -> list[Appointment]:
    """Booked appointments whose check-in window has ended: they become no-shows now."""
    return sorted((a for a in appointments.values() if a.status == "booked"
                   and now >= a.start + timedelta(minutes=after_min)),
                  key=lambda a: (a.start, a.key))


# -- what the board and the reports count ----------------------------------------------------
def phase(a: Appointment, now: datetime, after_min: float) -> str:
    """booked, checked_in, late (checked in after the booked start), no_show or cancelled."""
    if a.status == "cancelled":
        return "cancelled"
    if a.status == "checked_in":
        return "late" if a.checked_in_at is not None and a.checked_in_at > a.start \
            else "checked_in"
    if a.status == "no_show" or now >= a.start + timedelta(minutes=after_min):
        return "no_show"
    return "booked"
