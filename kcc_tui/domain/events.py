"""Events: the facts kcc records, and the check that refuses unknown or malformed ones.

An event is appended to a stream at a version; `seq` (global commit order) is given by the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


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


# type -> required data keys. Optional keys are allowed; unknown types are refused so that an
# older kcc never folds events it does not understand (say, written by a newer version).
SCHEMA: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "ticket_issued": "number n service lang priority",
        "ticket_called": "number post staff",
        "ticket_recalled": "number post",
        "ticket_called_back": "number post staff from_status",
        "ticket_moved": "number service",
        "ticket_priority_set": "number priority",
        "ticket_no_show": "number post",
        "ticket_requeued": "number post",
        "ticket_started": "number post",
        "ticket_finished": "number post outcome topics",
        "ticket_transferred": "number post service position",
        "ticket_parked": "number post staff",
        "ticket_resumed": "number post staff",
        "ticket_closed_unserved": "number",
        "post_opened": "post staff services",
        "post_paused": "post reason",
        "post_resumed": "post",
        "post_closed": "post",
        "post_profile_changed": "post services",
        "staff_logged_in": "staff",
        "staff_logged_out": "staff",
        "staff_login_failed": "staff",
        "staff_locked": "staff until",
        "staff_unlocked": "staff",
        "staff_moved": "staff to_post",
        "staff_pin_changed": "staff",
        "service_issuing_changed": "service issuing",
        "message_broadcast": "text targets",  # optional: until (UTC ISO; else end of day)
        "message_withdrawn": "",  # every message shown now is taken down
        "phone_call_registered": "post staff topic",
        "print_failed": "number kiosk reason",
        "ticket_printed": "number kiosk",
        "heartbeat": "source kind status",
        "notes_purged": "before",
        "day_ended": "",
        # the citizen's phone (issue 19): away keeps the place, left gives it up
        "ticket_away": "number until",
        "ticket_back": "number",
        "ticket_left": "number",
    }.items()
}

STRING_KEYS = frozenset(
    "number service post staff lang outcome reason text kiosk source kind status topic".split()
)


def check_event(type_: str, data: Any) -> None:
    """Raise BadEvent with a one-line reason unless (type_, data) is an event kcc knows."""
    required = SCHEMA.get(type_)
    if required is None:
        raise BadEvent(f"unknown event type {type_!r} (written by a newer kcc?)")
    if not isinstance(data, dict):
        raise BadEvent(f"event {type_!r}: data must be an object, found {type(data).__name__}")
    missing = sorted(required - data.keys())
    if missing:
        raise BadEvent(f"event {type_!r}: missing {', '.join(missing)}")
    for key in required & STRING_KEYS:
        if not isinstance(data[key], str):
            raise BadEvent(f"event {type_!r}: {key} must be a string, found {data[key]!r}")
    if type_ == "message_broadcast" and "until" in data:
        _check_time(type_, "until", data["until"])
    if type_ == "ticket_issued" and not isinstance(data["n"], int):
        raise BadEvent(f"event 'ticket_issued': n must be an integer, found {data['n']!r}")


def _check_time(type_: str, key: str, value: Any) -> None:
    """A time as `clock.iso` writes it ("2026-11-24T08:00:00.000000Z")."""
    from .clock import parse_iso

    try:
        if not isinstance(value, str) or not value.endswith("Z"):
            raise ValueError
        parse_iso(value)
    except ValueError:
        raise BadEvent(f"event {type_!r}: {key} must be a UTC time, found {value!r}") from None
