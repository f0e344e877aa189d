"""Scenario files (`scenarios/*.toml`): the day to simulate, validated into typed settings.

A scenario names an office (the built-in example, or a config.toml), the hours, the arrivals per
service and hour, the service times, and the staff plan (shifts, pauses, moves). The format is
described in docs/simulation.md. Every mistake is one line naming the file and the key, exactly
like config.toml errors:

    scenarios/busy.toml: services.eid.per_hour: expected 4 numbers (one per opening hour from
    08:30 to 12:30), found 3
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..config.errors import ConfigError, CrossCheckError, from_validation_error, key_path, show
from ..config.loader import example_path, load_settings, read_document
from ..config.shape import freeze, time_range
from ..domain.calendar import WEEKDAY_KEYS
from ..domain.office import Lang, Office, OpeningHours, Post, PostKind, Staff

SIM_PIN_HASH = "scrypt$16384$8$1$c2ltdWxhdGVk$bm90LWEtcmVhbC1waW4="  # staff the scenario adds


def _clock_time(value: Any) -> Any:
    """"08:30" (text) or 08:30:00 (a TOML time) -> time."""
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value.strip())
        except ValueError:
            return value  # pydantic reports "expected a time"
    return value


def _span(value: Any) -> Any:
    """"08:30-12:00" -> (08:30, 12:00)."""
    pair = time_range(value)
    return pair if pair is not None else value


def _weights(value: Any) -> Any:
    """["eid", "reispas"] means weight 1 each, as in config.toml."""
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return {code: 1.0 for code in value}
    return value


def _day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


ClockTime = Annotated[dt.time, BeforeValidator(_clock_time),
                      Field(description='a time such as "08:30"')]
Span = Annotated[tuple[dt.time, dt.time], BeforeValidator(_span)]
Weights = Annotated[dict[str, float], BeforeValidator(_weights),
                    Field(description="a list of service codes or a table of weights")]
Share = Annotated[float, Field(ge=0, le=1)]


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServicePlan(_Table):
    """`[services.CODE]`: how citizens arrive for a service and how long they take."""

    per_hour: tuple[Annotated[float, Field(ge=0)], ...] = Field(
        description="a list of arrivals per hour, one number per opening hour")
    service_min: float | None = Field(default=None, gt=0, le=480)
    cv: float = Field(default=0.5, ge=0, le=5)
    distribution: Literal["lognormal", "exponential"] = "lognormal"
    no_show: Share = 0.04
    priority: Share = 0.0
    outcomes: dict[str, Annotated[float, Field(ge=0)]] = {}
    topics: dict[str, Share] = {}
    # booked appointments per opening hour (issue 18), spread evenly over the hour; [] = none
    appointments_per_hour: tuple[Annotated[float, Field(ge=0)], ...] = ()
    appointment_min: float | None = Field(default=None, gt=0, le=480)  # booked length


class AppointmentBehaviour(_Table):
    """`[appointments]`: how citizens with an appointment come (issue 18)."""

    no_show: Share = 0.06  # never come
    early_min: float = Field(default=6, ge=-60, le=60)  # mean arrival before the booked start
    spread_min: float = Field(default=5, ge=0, le=60)  # its standard deviation (normal)


class PausePlan(_Table):
    at: ClockTime
    minutes: float = Field(gt=0, le=600)
    reason: str = Field(default="pauze", min_length=1)


def _shift(value: Any) -> Any:
    """"08:30-12:00" is a shift at the staff member's own post."""
    return {"time": value} if isinstance(value, str) else value


class Shift(_Table):
    time: Annotated[Span, Field(description='a time range like "08:30-12:00"')]
    post: str | None = None  # another post than the staff member's own (covering a break)


class StaffPlan(_Table):
    """`[staff.ID]`: where a staff member works, when, and their pauses."""

    post: str
    shifts: tuple[Annotated[Shift, BeforeValidator(_shift)], ...] = Field(
        min_length=1, description='a list of time ranges like ["08:30-12:00"]')
    pauses: tuple[PausePlan, ...] = ()


class MovePlan(_Table):
    """`[[moves]]`: the coordinator moves a staff member to another post."""

    at: ClockTime
    staff: str
    to: str


class ProfilePlan(_Table):
    """`[[profiles]]`: the coordinator changes which services a post calls."""

    at: ClockTime
    post: str
    services: Weights


class PostPlan(_Table):
    name: str | None = None
    kind: PostKind = "desk"
    services: Weights = {}


class PhonePlan(_Table):
    """`[phone]`: calls registered on the phone line (for realistic reports)."""

    per_hour: tuple[Annotated[float, Field(ge=0)], ...]
    topics: dict[str, Annotated[float, Field(ge=0)]] = Field(min_length=1)


class Scenario(_Table):
    name: str = Field(min_length=1)
    description: str = ""
    office: str = "example"
    date: Annotated[dt.date, BeforeValidator(_day), Field(description="a date such as 2026-11-24")]
    open: ClockTime
    close: ClockTime
    overtime_min: float = Field(default=120, ge=0, le=720)
    scale: float = Field(default=1.0, gt=0, le=100)
    walk_s: float = Field(default=20, ge=0, le=600)
    no_show_wait_s: float = Field(default=90, ge=0, le=1800)
    warmup_min: float = Field(default=0, ge=0)
    rule: Literal["ratio", "fifo"] | None = None
    coordinator: str | None = None
    languages: dict[Lang, Annotated[float, Field(ge=0)]] = {"nl": 1.0}
    services: dict[str, ServicePlan] = Field(min_length=1)
    posts: dict[str, PostPlan] = {}
    staff: dict[str, StaffPlan] = Field(min_length=1)
    moves: tuple[MovePlan, ...] = ()
    profiles: tuple[ProfilePlan, ...] = ()
    phone: PhonePlan | None = None
    appointments: AppointmentBehaviour = AppointmentBehaviour()

    @property
    def hours(self) -> int:
        """Opening hours, rounded up: the number of `per_hour` figures expected."""
        return math.ceil(self.open_s / 3600 - 1e-9)

    @property
    def open_s(self) -> float:
        """Seconds from opening to closing."""
        return _seconds(self.close) - _seconds(self.open)

    def at_s(self, t: dt.time) -> float:
        """A local time of the day as seconds from opening (negative before opening)."""
        return _seconds(t) - _seconds(self.open)

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.close <= self.open:
            raise CrossCheckError(("close",), f"expected a time after open ({self.open:%H:%M}), "
                                  f"found {self.close:%H:%M}")
        hours = self.hours
        for code, svc in self.services.items():
            if len(svc.per_hour) != hours:
                raise CrossCheckError(("services", code, "per_hour"), _per_hour(self, svc.per_hour))
            if svc.appointments_per_hour and len(svc.appointments_per_hour) != hours:
                raise CrossCheckError(("services", code, "appointments_per_hour"),
                                      _per_hour(self, svc.appointments_per_hour))
        if self.phone and len(self.phone.per_hour) != hours:
            raise CrossCheckError(("phone", "per_hour"), _per_hour(self, self.phone.per_hour))
        if not sum(self.languages.values()) > 0:
            raise CrossCheckError(("languages",), "expected at least one share above 0")
        for sid, plan in self.staff.items():
            for i, shift in enumerate(plan.shifts):
                a, b = shift.time
                if b <= a:
                    raise CrossCheckError(("staff", sid, "shifts", i),
                                          f"expected the end after the start, found "
                                          f'"{a:%H:%M}-{b:%H:%M}"')
                if i and a < plan.shifts[i - 1].time[1]:
                    raise CrossCheckError(("staff", sid, "shifts", i),
                                          "expected a shift starting after the one before")
        return self


def _per_hour(s: Scenario, values: tuple[float, ...]) -> str:
    return (f"expected {s.hours} numbers (one per opening hour from {s.open:%H:%M} to "
            f"{s.close:%H:%M}), found {len(values)}")


def _seconds(t: dt.time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class Loaded:
    """A scenario with the office it runs in (posts replaced, staff added as the file says)."""

    scenario: Scenario
    office: Office
    source: str
    coordinator: str


def load_scenario(path: str | Path) -> Loaded:
    """Read, validate and cross-check a scenario file; raise ConfigError (one line) if bad."""
    source, doc = read_document(Path(path))
    return scenario_from_document(doc, source, base=Path(path).parent)


def scenario_from_document(doc: dict[str, Any], source: str = "scenario",
                           base: Path | None = None) -> Loaded:
    try:
        scenario = Scenario.model_validate(freeze(doc, (), _fail(source)), strict=True)
    except ValidationError as err:
        raise from_validation_error(err, source, Scenario) from None
    office = _office(scenario, source, base or Path("."))
    return _cross_check(scenario, office, source)


def _fail(source: str) -> Any:
    def fail(keys: tuple[str | int, ...], message: str) -> ConfigError:
        return ConfigError(source, message, path=key_path(keys))

    return fail


def _office(s: Scenario, source: str, base: Path) -> Office:
    where = example_path() if s.office == "example" else base / s.office
    try:
        office = load_settings(where).office
    except ConfigError as e:
        raise ConfigError(source, f"cannot use the office: {e}", path="office") from None
    # The office is open the scenario's hours on every day simulated: kiosks, estimators and
    # reports then see the same hours as the simulated citizens.
    day = [(s.open, s.close)]
    update: dict[str, Any] = {"hours": OpeningHours(days={d: list(day) for d in WEEKDAY_KEYS})}
    if s.posts:
        update["posts"] = {pid: Post(id=pid, name=p.name or pid.replace("_", " ").title(),
                                     kind=p.kind, services=p.services)
                           for pid, p in s.posts.items()}
    extra = {sid: Staff(id=sid, name=sid.title(), pin_hash=SIM_PIN_HASH)
             for sid in s.staff if sid not in office.staff}
    if extra:
        update["staff"] = {**office.staff, **extra}
    if s.rule is not None:
        update["routing"] = office.routing.model_copy(update={"rule": s.rule})
    return office.model_copy(update=update)


def _cross_check(s: Scenario, office: Office, source: str) -> Loaded:
    def bad(path: str, message: str) -> ConfigError:
        return ConfigError(source, message, path=path)

    def known(path: str, value: str, table: dict[str, Any], what: str) -> None:
        if value not in table:
            raise bad(path, f"unknown {what} {show(value)} (known: {', '.join(table)})")

    for code, svc in s.services.items():
        known(f"services.{code}", code, office.services, "service")
        if svc.priority > 0 and not office.services[code].priority_allowed:
            raise bad(f"services.{code}.priority",
                      f"expected 0: the office has no priority tickets for {code}")
        for o in svc.outcomes:
            if o not in office.outcomes:
                raise bad(f"services.{code}.outcomes",
                          f"unknown outcome {show(o)} (known: {', '.join(office.outcomes)})")
        if svc.outcomes and not sum(svc.outcomes.values()) > 0:
            raise bad(f"services.{code}.outcomes", "expected at least one share above 0")
        for topic in svc.topics:
            known(f"services.{code}.topics", topic, office.topics, "topic")
    for pid, post in s.posts.items():
        for code in post.services:
            known(f"posts.{pid}.services", code, office.services, "service")
    for lang in s.languages:
        if lang not in office.languages:
            raise bad("languages", f"unknown language {show(lang)} "
                                   f"(known: {', '.join(office.languages)})")
    for sid, plan in s.staff.items():
        known(f"staff.{sid}.post", plan.post, office.posts, "post")
        for i, shift in enumerate(plan.shifts):
            if shift.post is not None:
                known(f"staff.{sid}.shifts[{i}].post", shift.post, office.posts, "post")
    posts_of = [shift.post or plan.post for plan in s.staff.values() for shift in plan.shifts]
    for i, move in enumerate(s.moves):
        known(f"moves[{i}].staff", move.staff, s.staff, "staff member of this scenario")
        known(f"moves[{i}].to", move.to, office.posts, "post")
    for i, prof in enumerate(s.profiles):
        known(f"profiles[{i}].post", prof.post, office.posts, "post")
        for code in prof.services:
            known(f"profiles[{i}].services", code, office.services, "service")
    if s.phone:
        for topic in s.phone.topics:
            known("phone.topics", topic, office.topics, "topic")
        if not any(office.posts[p].kind == "phone" for p in [*posts_of,
                                                              *(m.to for m in s.moves)]):
            raise bad("phone", "expected a staff member at a phone post to take the calls")
    coordinators = [sid for sid, m in office.staff.items() if m.role == "coordinator"]
    coordinator = s.coordinator or (coordinators[0] if coordinators else "")
    if s.coordinator is not None and s.coordinator not in coordinators:
        known_ = ", ".join(coordinators) or "none"
        raise bad("coordinator", f"expected a coordinator of the office ({known_}), "
                                 f"found {show(s.coordinator)}")
    if (s.moves or s.profiles) and not coordinator:
        raise bad("moves", "the office has no coordinator to move staff or change profiles")
    return Loaded(s, office, source, coordinator)
