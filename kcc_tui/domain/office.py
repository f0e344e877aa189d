"""The office as configured: services, posts, staff and the routing rule.

These are the typed, immutable settings the domain works with. `kcc_tui.config` builds them from
config.toml; the domain never reads files.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .calendar import WEEKDAY_KEYS
from .office_id import derived_id

Lang = Literal["nl", "fr", "en", "de"]
LANGS: tuple[Lang, ...] = ("nl", "fr", "en", "de")


class Frozen(BaseModel):
    # defer_build: a model's validator is built at its first validation, not at import; a
    # process whose settings come from the cache (config/cache.py) never builds one. For the
    # same reason, sections default through default_factory: an instance made at import
    # would build its model there.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Service(Frozen):
    """A service citizens take a ticket for (identiteitskaart, rijbewijs, ...)."""

    code: str
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    names: dict[Lang, str]
    target_wait_min: float = Field(gt=0)
    mean_service_min: float = Field(gt=0)
    staff_info: str = ""
    citizen_info: dict[Lang, str] = {}
    fee: str = ""
    issuing: bool = True
    daily_cap: int | None = Field(default=None, ge=1)
    priority_allowed: bool = False

    def name(self, lang: str = "nl") -> str:
        for key, text in self.names.items():
            if key == lang:
                return text
        return self.names.get("nl") or self.code


PostKind = Literal["desk", "quick", "phone"]


class Post(Frozen):
    """A counter (loket), the quick counter (snelbalie) or the phone line."""

    id: str
    name: str
    kind: PostKind = "desk"
    # service code -> weight; a weight > 1 makes this post favour that service when calling next.
    services: dict[str, float] = {}
    # which tickets it calls: appointment check-ins, walk-ins, or both (issue 18)
    serves: Literal["both", "appointments", "walk-ins"] = "both"


Role = Literal["staff", "coordinator"]


class Staff(Frozen):
    id: str
    name: str
    role: Role = "staff"
    pin_hash: str
    post: str | None = None  # home post, suggested at login


class Topic(Frozen):
    code: str
    label: str
    kind: Literal["question", "complaint", "other"] = "question"


class Routing(Frozen):
    """How "call next" chooses (DESIGN.md §3). Changed in config.toml, never in code."""

    rule: Literal["ratio", "fifo"] = "ratio"
    priority_first: bool = True
    transfer_position: Literal["head", "back"] = "head"
    require_topic: bool = False
    lockout_failures: int = Field(default=5, ge=1)
    lockout_minutes: float = Field(default=5, gt=0)
    # how long after a no-show (or a call at another post) a ticket may still be called back
    call_back_min: float = Field(default=15, gt=0)
    # Appointments in the calling order (docs/appointments.md): a checked-in appointment is due
    # from `appointment_lead_min` before its booked start; a walk-in whose wait reaches its
    # target × `walk_in_starve_factor` goes ahead of appointments that are not yet late.
    appointment_lead_min: float = Field(default=2, ge=0)
    walk_in_starve_factor: float = Field(default=1.5, gt=0)


ServiceCode = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class Appointments(Frozen):
    """`[appointments]`: check-in window, the appointment wait target and how imports map
    to services (issue 18, docs/appointments.md)."""

    window_before_min: float = Field(default=60, ge=0)  # check-in opens this long before ...
    window_after_min: float = Field(default=15, ge=0)  # ... and closes this long after the start
    # the norm for appointments: wait (first call − max(booked start, check-in)) within this;
    # past it an appointment is late and goes ahead of starving walk-ins
    target_wait_min: float = Field(default=5, gt=0)
    # "": an appointment ticket is numbered in its service's series (marked as an appointment
    # on ticket, counter and reports); letters such as "R": its own series R001, R002, ...
    prefix: str = Field(default="", pattern=r"^[A-Z]{0,2}$")
    # iCalendar import: SUMMARY or CATEGORIES text (compared case-blind) -> service code
    ical_services: dict[str, ServiceCode] = {}


class Privacy(Frozen):
    """Tickets carry no names. Free-text notes are the only personal data kcc may hold; they
    are kept apart from the event log and removed after `notes_retention_days`."""

    allow_notes: bool = True
    notes_retention_days: int = Field(default=90, ge=1)


ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
ReasonLabel = Annotated[str, StringConstraints(min_length=1, max_length=60)]
# A post paused by logging out of the counter app: always a known reason, whatever the config.
LOGOUT_PAUSE = "afgemeld"


class Reasons(Frozen):
    """Why a post pauses or a ticket is transferred: codes with a Dutch label, never free text
    (a reason typed by hand would be a place for personal data the retention does not reach)."""

    pause: dict[ReasonCode, ReasonLabel] = Field(default={
        "pauze": "Pauze", "koffie": "Koffiepauze", "middagpauze": "Middagpauze",
        "overleg": "Overleg",
        "administratie": "Administratie", "opleiding": "Opleiding",
        "technisch": "Technisch probleem", "elders-nodig": "Elders nodig (coördinator)",
    }, min_length=1)
    transfer: dict[ReasonCode, ReasonLabel] = Field(default={
        "andere-dienst": "Hoort bij een andere dienst", "expertise": "Collega met meer kennis",
        "taal": "Taal", "vervolg": "Vervolg op een eerder gesprek", "overig": "Overig",
    }, min_length=1)

    def pause_label(self, code: str) -> str:
        """The Dutch label of a pause reason (an unknown one, e.g. from an older log, as is)."""
        if code == LOGOUT_PAUSE:
            return "Afgemeld"
        return self.pause.get(code, code)


class OpeningHours(Frozen):
    # weekday key (mon..sun) -> list of [open, close] intervals in local time
    days: dict[str, list[tuple[time, time]]] = {}

    def on(self, day: date) -> list[tuple[time, time]]:
        """The intervals of that day's weekday, earliest first ([] on a closed day)."""
        return sorted(self.days.get(WEEKDAY_KEYS[day.weekday()], []))


class Office(Frozen):
    """Everything the domain needs to decide commands."""

    # which office this is: recorded in its store, which then refuses another office's config
    id: str = ""  # left out of config.toml: derived from the name (office_id.py)
    name: str
    timezone: str = "Europe/Brussels"
    languages: tuple[Lang, ...] = LANGS
    services: dict[str, Service]
    posts: dict[str, Post]
    staff: dict[str, Staff]
    topics: dict[str, Topic] = {}
    outcomes: tuple[str, ...] = ("done", "incomplete", "referred")
    routing: Routing = Field(default_factory=Routing)
    hours: OpeningHours = Field(default_factory=OpeningHours)
    privacy: Privacy = Field(default_factory=Privacy)
    reasons: Reasons = Field(default_factory=Reasons)
    appointments: Appointments = Field(default_factory=Appointments)

    @model_validator(mode="before")
    @classmethod
    def _derive_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id" not in data and isinstance(data.get("name"), str):
            return {**data, "id": derived_id(data["name"])}
        return data

    def post_name(self, post: str | None) -> str:
        """A post's configured name; its id when it is not configured (any more)."""
        p = self.posts.get(post or "")
        return p.name if p else (post or "")

    def staff_name(self, staff: str | None) -> str:
        """A staff member's configured name; the id when it is not configured (any more)."""
        s = self.staff.get(staff or "")
        return s.name if s else (staff or "")
