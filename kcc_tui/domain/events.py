"""Events: the facts kcc records, and the check that refuses unknown or malformed ones.

An event is appended to a stream at a version; `seq` (global commit order) is given by the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import NoneType, UnionType
from typing import Any, NewType, NotRequired, TypedDict, Union, get_args, get_origin, get_type_hints


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    stream: str
    version: int
    at: datetime  # aware, UTC
    day: date  # business day (local date of `at`)
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # 0 until stored


class BadEvent(ValueError):
    """An event of an unknown type, or with data the schema does not allow."""


# -- payloads --------------------------------------------------------------------------------
# One TypedDict per event type, named for it: the fields of its `data` as stored (JSON), checked
# by `check_event` on append and on read. `NotRequired` fields are absent from older events or
# written only when they apply. The fold reads `e.data` as its type (no copy, no conversion).
#
# To add an event type: (1) its payload class (here, or in a module this one imports);
# (2) a line in PAYLOADS; (3) a handler in `state.FOLD` (`_no_effect` when the event changes
# nothing in the day's state). tests/test_events.py checks that the two tables agree.

UtcTime = NewType("UtcTime", str)  # a time as `clock.iso` writes it ("...T08:00:00.000000Z")


class TicketIssued(TypedDict):
    number: str
    n: int
    service: str
    lang: str
    priority: bool
    kiosk: NotRequired[str | None]
    printing: NotRequired[bool]  # the kiosk app's printing path took it
    token_hash: NotRequired[str | None]  # SHA-256 of the phone page's token
    appointment: NotRequired[str]  # checked in for this appointment (its key, source:reference)


class TicketCalled(TypedDict):
    number: str
    post: str
    staff: str
    specific: NotRequired[bool]  # "call this ticket" rather than "call next"


class TicketRecalled(TypedDict):
    number: str
    post: str
    count: NotRequired[int]


class TicketCalledBack(TypedDict):
    number: str
    post: str
    staff: str
    from_status: str
    from_post: NotRequired[str | None]


class TicketMoved(TypedDict):
    number: str
    service: str
    to_post: NotRequired[str | None]


class TicketPrioritySet(TypedDict):
    number: str
    priority: bool


class TicketNoShow(TypedDict):
    number: str
    post: str


class TicketRequeued(TypedDict):
    number: str
    post: str


class TicketStarted(TypedDict):
    number: str
    post: str


class TicketFinished(TypedDict):
    number: str
    post: str
    outcome: str
    topics: list[str]
    note: NotRequired[str | bool | None]  # the text; the log keeps `true` (text in `notes`)


class TicketTransferred(TypedDict):
    number: str
    post: str
    service: str
    position: str  # head or back
    reason: NotRequired[str]
    to_post: NotRequired[str | None]
    note: NotRequired[str | bool | None]


class TicketParked(TypedDict):
    number: str
    post: str
    staff: str


class TicketResumed(TypedDict):
    number: str
    post: str
    staff: str


class TicketClosedUnserved(TypedDict):
    number: str


class PostOpened(TypedDict):
    post: str
    staff: str
    services: dict[str, float]  # service code -> weight


class PostPaused(TypedDict):
    post: str
    reason: str


class PostResumed(TypedDict):
    post: str


class PostClosed(TypedDict):
    post: str


class PostProfileChanged(TypedDict):
    post: str
    services: dict[str, float]


class StaffLoggedIn(TypedDict):
    staff: str
    source: NotRequired[str | None]


class StaffLoggedOut(TypedDict):
    staff: str


class StaffLoginFailed(TypedDict):
    staff: str
    source: NotRequired[str | None]


class StaffLocked(TypedDict):
    staff: str
    until: UtcTime


class StaffUnlocked(TypedDict):
    staff: str


class StaffMoved(TypedDict):
    staff: str
    to_post: str
    from_post: NotRequired[str | None]


class StaffPinChanged(TypedDict):
    staff: str


class ServiceIssuingChanged(TypedDict):
    service: str
    issuing: bool


class MessageBroadcast(TypedDict):
    text: str  # the log keeps "" (the text is in `notes`)
    targets: list[str]  # counters, display
    until: NotRequired[UtcTime | None]  # None: the end of the business day


class MessageWithdrawn(TypedDict):
    """Every message shown now is taken down."""



class PhoneCallRegistered(TypedDict):
    post: str
    staff: str
    topic: str


class PrintFailed(TypedDict):
    number: str
    kiosk: str
    reason: str  # the printer's words (English, for logs)
    status: NotRequired[str | None]  # its status code (paper_out, offline, ...)


class TicketPrinted(TypedDict):
    number: str
    kiosk: str


class Heartbeat(TypedDict):
    source: str
    kind: str
    status: str
    detail: NotRequired[str]


class NotesPurged(TypedDict):
    before: str  # a date, YYYY-MM-DD: days before it lose their notes
    retention_days: NotRequired[int | None]


class DayEnded(TypedDict):
    """The business day is closed (`kcc day end`)."""


# the citizen's phone (issue 19): away keeps the place, left gives it up
class TicketAway(TypedDict):
    number: str
    until: UtcTime


class TicketBack(TypedDict):
    number: str


class TicketLeft(TypedDict):
    number: str


# appointments (issue 18): stream appointment:{source}:{reference}, on the booked day. Never
# names, register numbers, addresses, e-mail or phone numbers; the check-in code only hashed.
class AppointmentBooked(TypedDict):
    source: str  # the booking system (or "desk")
    reference: str  # its booking reference (iCalendar UID)
    sequence: int  # its revision (iCalendar SEQUENCE; 0 when it has none)
    service: str
    start: UtcTime  # booked start
    duration_min: int
    persons: int
    code_hash: NotRequired[str | None]  # SHA-256 of the citizen's check-in code


class AppointmentUpdated(AppointmentBooked):
    """New values for a booked appointment (all of them, as booked)."""


class AppointmentCancelled(TypedDict):
    source: str
    reference: str
    sequence: int
    reason: NotRequired[str]  # "cancelled" (by the booking system or the desk), "moved" (day)


class AppointmentCheckedIn(TypedDict):
    source: str
    reference: str
    number: str  # the ticket issued


class AppointmentNoShow(TypedDict):
    """Not checked in by the end of the check-in window (written at that moment)."""

    source: str
    reference: str


# Event type -> its payload. Unknown types are refused so that an older kcc never folds events
# it does not understand (say, written by a newer version).
PAYLOADS: dict[str, type[Any]] = {
    "ticket_issued": TicketIssued,
    "ticket_called": TicketCalled,
    "ticket_recalled": TicketRecalled,
    "ticket_called_back": TicketCalledBack,
    "ticket_moved": TicketMoved,
    "ticket_priority_set": TicketPrioritySet,
    "ticket_no_show": TicketNoShow,
    "ticket_requeued": TicketRequeued,
    "ticket_started": TicketStarted,
    "ticket_finished": TicketFinished,
    "ticket_transferred": TicketTransferred,
    "ticket_parked": TicketParked,
    "ticket_resumed": TicketResumed,
    "ticket_closed_unserved": TicketClosedUnserved,
    "post_opened": PostOpened,
    "post_paused": PostPaused,
    "post_resumed": PostResumed,
    "post_closed": PostClosed,
    "post_profile_changed": PostProfileChanged,
    "staff_logged_in": StaffLoggedIn,
    "staff_logged_out": StaffLoggedOut,
    "staff_login_failed": StaffLoginFailed,
    "staff_locked": StaffLocked,
    "staff_unlocked": StaffUnlocked,
    "staff_moved": StaffMoved,
    "staff_pin_changed": StaffPinChanged,
    "service_issuing_changed": ServiceIssuingChanged,
    "message_broadcast": MessageBroadcast,
    "message_withdrawn": MessageWithdrawn,
    "phone_call_registered": PhoneCallRegistered,
    "print_failed": PrintFailed,
    "ticket_printed": TicketPrinted,
    "heartbeat": Heartbeat,
    "notes_purged": NotesPurged,
    "day_ended": DayEnded,
    "ticket_away": TicketAway,
    "ticket_back": TicketBack,
    "ticket_left": TicketLeft,
    "appointment_booked": AppointmentBooked,
    "appointment_updated": AppointmentUpdated,
    "appointment_cancelled": AppointmentCancelled,
    "appointment_checked_in": AppointmentCheckedIn,
    "appointment_no_show": AppointmentNoShow,
}


# -- the check ----------------------------------------------------------------------------------
Check = Callable[[Any], bool]


def _checker(tp: Any) -> tuple[Check, str]:
    """A test for a JSON value of annotation `tp`, and the words for what it must be."""
    if tp is UtcTime:
        return _is_utc_time, "a UTC time"
    if tp is str:
        return (lambda v: isinstance(v, str)), "a string"
    if tp is bool:
        return (lambda v: isinstance(v, bool)), "true or false"
    if tp is int:
        return (lambda v: isinstance(v, int) and not isinstance(v, bool)), "an integer"
    if get_origin(tp) is list and get_args(tp) == (str,):
        return (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                "a list of strings")
    if get_origin(tp) is dict and get_args(tp) == (str, float):
        return (lambda v: isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(x, int | float) and not isinstance(x, bool)
            for k, x in v.items()), "an object of numbers")
    if get_origin(tp) in (Union, UnionType):
        parts = [_checker(a) for a in get_args(tp) if a is not NoneType]
        optional = NoneType in get_args(tp)
        words = " or ".join(w for _, w in parts) + (" or null" if optional else "")
        return (lambda v: (optional and v is None) or any(ok(v) for ok, _ in parts)), words
    raise TypeError(f"no check for payload field type {tp!r}")  # a new type: add it here


def _is_utc_time(value: Any) -> bool:
    from .clock import parse_iso

    if not isinstance(value, str) or not value.endswith("Z"):
        return False
    try:
        parse_iso(value)
    except ValueError:
        return False
    return True


Spec = dict[str, tuple[Check, str, bool]]  # field -> (test, words, required)
_SPECS: dict[str, Spec] = {}


def _spec(type_: str) -> Spec:
    """The checks of one payload class, made on first use (keeps `import` cheap)."""
    spec = _SPECS.get(type_)
    if spec is None:
        hints = get_type_hints(PAYLOADS[type_], include_extras=True)
        spec = {k: (*_checker(tp), True) for k, tp in hints.items()
                if get_origin(tp) is not NotRequired}
        spec |= {k: (*_checker(get_args(tp)[0]), False) for k, tp in hints.items()
                 if get_origin(tp) is NotRequired}
        _SPECS[type_] = spec
    return spec


def check_event(type_: str, data: Any) -> None:
    """Raise BadEvent with a one-line reason unless (type_, data) is an event kcc knows: every
    required field of its payload class present, and every field it names of the right type
    (keys it does not name are left alone)."""
    if type_ not in PAYLOADS:
        raise BadEvent(f"unknown event type {type_!r} (written by a newer kcc?)")
    if not isinstance(data, dict):
        raise BadEvent(f"event {type_!r}: data must be an object, found {type(data).__name__}")
    spec = _spec(type_)
    missing = sorted(k for k, (_, _, required) in spec.items() if required and k not in data)
    if missing:
        raise BadEvent(f"event {type_!r}: missing {', '.join(missing)}")
    for key, (ok, words, _) in spec.items():
        if key in data and not ok(data[key]):
            raise BadEvent(f"event {type_!r}: {key} must be {words}, found {data[key]!r}")
