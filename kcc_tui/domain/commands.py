"""Commands: what users ask for. `decide` checks one against the current state and returns the
events it causes, or refuses it with a one-line reason (and then nothing is appended).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from .appointments import Appointment
from .clock import business_day, day_bounds, iso, local, zone
from .events import Event
from .office import LOGOUT_PAUSE, Office
from .routing import choose_next
from .state import ACTIVE_STATUSES, OPEN_STATUSES, DayState, Ticket


class Refused(Exception):
    """The command is not valid in the current state; `str()` is the reason, one line.

    The reason is English and stays as it is: the CLI prints it (`{"error": ...}`). `code` and
    `params` say the same for a translation (the Dutch apps: `apps/refusals.py`); params are
    plain values as a user reads them (a post's name, a staff member's name, a ticket number,
    minutes, a ticket status code). A refusal no app shows may have no code.
    """

    def __init__(self, reason: str, code: str | None = None, **params: object) -> None:
        super().__init__(reason)
        self.code = code
        self.params = params


class RefusedWithEvents(Refused):
    """Refused, but the attempt itself is a fact to record (a wrong PIN, a lockout)."""

    def __init__(self, reason: str, events: list[Event], code: str | None = None,
                 **params: object) -> None:
        super().__init__(reason, code, **params)
        self.events = events


SYSTEM = "system"

# The longest free text a command takes (characters), so that no screen, export or event has
# to cope with a novel. docs/cli.md lists them.
BROADCAST_MAX = 280
NOTE_MAX = 1000


def check_length(what: str, text: str, limit: int) -> None:
    """Refuse free text longer than `limit` characters (code "too_long")."""
    if len(text) > limit:
        raise Refused(f"the {what} is {len(text)} characters long; at most {limit} are allowed",
                      code="too_long", what=what, length=len(text), limit=limit)


class Ctx:
    """Builds the events of one command: time, day, actor and the next version per stream."""

    def __init__(self, state: DayState, office: Office, now: datetime, actor: str,
                 appointments: dict[str, Appointment] | None = None) -> None:
        self.state, self.office, self.now, self.actor = state, office, now, actor
        self.day = business_day(now, office.timezone)
        self._next: dict[str, int] = {}
        # the store's records of the appointments a command names (`Command.appointment_keys`),
        # on any day: read in the command's transaction
        self.appointments: dict[str, Appointment] = appointments or {}

    def event(self, type_: str, stream: str, day: date | None = None, **data: Any) -> Event:
        """The next event of `stream`; `day`: the business day it belongs to when that is not
        today's (an appointment's events belong to its booked day)."""
        version = self._next.get(stream, self.state.version(stream)) + 1
        self._next[stream] = version
        return Event(type_, stream, version, self.now, day or self.day, self.actor, data)

    def known_version(self, stream: str, version: int) -> None:
        """The stream's version as the store's records say (a stream not folded today)."""
        if stream not in self._next:
            self._next[stream] = max(version, self.state.version(stream))

    def ticket_event(self, type_: str, number: str, **data: Any) -> Event:
        return self.event(type_, f"ticket:{self.day}:{number}", number=number, **data)

    def post_event(self, type_: str, post: str, **data: Any) -> Event:
        return self.event(type_, f"post:{post}:{self.day}", post=post, **data)


class Command:
    def decide(self, c: Ctx) -> list[Event]:
        raise NotImplementedError  # every concrete command overrides this

    def appointment_keys(self) -> tuple[str, ...]:
        """Appointments (any day) whose records the store reads for `decide`
        (`Ctx.appointments`)."""
        return ()

    # -- shared checks -------------------------------------------------------------------------
    @staticmethod
    def check_service(c: Ctx, code: str) -> None:
        if code not in c.office.services:
            known = ", ".join(c.office.services)
            raise Refused(f"unknown service {code!r} (known: {known})", code="unknown_service",
                          service=code)

    @staticmethod
    def check_post(c: Ctx, post: str) -> None:
        if post not in c.office.posts:
            raise Refused(f"unknown post {post!r} (known: {', '.join(c.office.posts)})",
                          code="unknown_post", post=post)

    @staticmethod
    def check_open_post(c: Ctx, post: str) -> None:
        Command.check_post(c, post)
        p, name = c.state.post(post), c.office.posts[post].name
        if not p.open:
            raise Refused(f"{name} is closed", code="post_closed", post=name)
        if c.actor not in (p.staff, SYSTEM) and not is_coordinator(c, c.actor):
            raise Refused(f"{c.actor} is not logged in at {name}", code="not_logged_in",
                          staff=staff_name(c, c.actor), post=name)

    @staticmethod
    def current_ticket(c: Ctx, post: str, *statuses: str) -> Ticket:
        Command.check_open_post(c, post)
        number = c.state.post(post).current
        if number is None:
            name = c.office.posts[post].name
            raise Refused(f"{name} has no current ticket", code="no_current_ticket", post=name)
        t = c.state.tickets[number]
        if t.status not in statuses:
            raise Refused(f"ticket {number} is {t.status}, not {' or '.join(statuses)}",
                          code="wrong_status", number=number, status=t.status,
                          expected=statuses)
        return t

    @staticmethod
    def check_coordinator(c: Ctx, what: str) -> None:
        if c.actor != SYSTEM and not is_coordinator(c, c.actor):
            raise Refused(f"only a coordinator may {what}", code="coordinator_only")

    @staticmethod
    def check_day_open(c: Ctx) -> None:
        if c.state.ended:
            raise Refused(f"the business day {c.state.day} has been closed", code="day_closed",
                          day=c.state.day)


def is_coordinator(c: Ctx, staff: str) -> bool:
    s = c.office.staff.get(staff)
    return s is not None and s.role == "coordinator"


def staff_name(c: Ctx, staff: str | None) -> str:
    """A staff member's name as the screens show it (a refusal's parameter); else the id."""
    return c.office.staff_name(staff)


class NotIssuing(StrEnum):
    """Why a service issues no ticket now (the words are made at the edge)."""

    DAY_CLOSED = "day_closed"  # `kcc day end` has run
    STOPPED = "not_issuing"  # the coordinator (or config) stopped issuing
    CAP = "daily_cap"  # the service's daily cap is reached


def issuing_now(state: DayState, office: Office, service: str) -> NotIssuing | None:
    """Why a service cannot issue a ticket now, or None when it can."""
    svc = office.services[service]
    if state.ended:
        return NotIssuing.DAY_CLOSED
    if not state.issuing.get(service, svc.issuing):
        return NotIssuing.STOPPED
    if svc.daily_cap is not None and state.issued_count(service) >= svc.daily_cap:
        return NotIssuing.CAP
    return None


# -- tickets -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssueTicket(Command):
    service: str
    lang: str = "nl"
    priority: bool = False
    kiosk: str | None = None
    printing: bool = False  # the kiosk app's printing path takes it (see `unprinted`)
    # SHA-256 (hex) of the phone page's token, made at the edge that issues: never the token
    token_hash: str | None = None

    def decide(self, c: Ctx) -> list[Event]:
        self.check_issuable(c)
        svc = c.office.services[self.service]
        if self.priority and not svc.priority_allowed:
            raise Refused(f"service {self.service!r} has no priority tickets",
                          code="no_priority", service=svc.name())
        stream = f"numbering:{self.service}:{c.day}"
        n = c.state.version(stream) + 1
        number = f"{svc.prefix}{n:03d}"
        data: dict[str, Any] = dict(number=number, n=n, service=self.service,
                                    lang=self.lang, priority=self.priority)
        if self.kiosk:
            data["kiosk"] = self.kiosk
        if self.printing:
            data["printing"] = True
        if self.token_hash:
            if not is_sha256(self.token_hash) or self.token_hash in c.state.tokens:
                raise Refused("the ticket's token must be a new SHA-256 hash",
                              code="bad_token")
            data["token_hash"] = self.token_hash
        return [c.event("ticket_issued", stream, **data)]

    def check_issuable(self, c: Ctx) -> None:
        self.check_service(c, self.service)
        if self.lang not in c.office.languages:
            known = ", ".join(c.office.languages)
            raise Refused(f"unknown language {self.lang!r} (known: {known})",
                          code="unknown_language", lang=self.lang)
        why = issuing_now(c.state, c.office, self.service)
        svc = c.office.services[self.service]
        name = svc.name()  # the codes are NotIssuing's values
        if why is NotIssuing.DAY_CLOSED:
            raise Refused(f"{name}: closed for today", code="day_closed", day=c.state.day,
                          service=name)
        if why is NotIssuing.STOPPED:
            raise Refused(f"{name}: not issuing tickets now", code="not_issuing", service=name)
        if why is NotIssuing.CAP:
            raise Refused(f"{name}: daily limit of {svc.daily_cap} tickets reached",
                          code="daily_cap", service=name, cap=svc.daily_cap)


def _call(c: Ctx, post: str, t: Ticket, specific: bool) -> list[Event]:
    p = c.state.post(post)
    return [c.ticket_event("ticket_called", t.number, post=post, staff=p.staff or c.actor,
                           specific=specific)]


def _free_post(c: Ctx, post: str) -> None:
    Command.check_open_post(c, post)
    p, name = c.state.post(post), c.office.posts[post].name
    if p.pause_reason is not None:
        raise Refused(f"{name} is paused ({p.pause_reason})", code="post_paused", post=name,
                      pause_reason=p.pause_reason)
    if p.current is not None:
        raise Refused(f"{name} still has ticket {p.current}: "
                      "finish, no-show, requeue, park or transfer it first",
                      code="post_busy", post=name, number=p.current)


@dataclass(frozen=True)
class CallNext(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        _free_post(c, self.post)
        t = choose_next(c.state, c.office, self.post, c.now)
        if t is None:
            name = c.office.posts[self.post].name
            raise Refused(f"no tickets waiting for {name}", code="no_tickets_waiting", post=name)
        return _call(c, self.post, t, specific=False)


@dataclass(frozen=True)
class CallTicket(Command):
    post: str
    number: str

    def decide(self, c: Ctx) -> list[Event]:
        _free_post(c, self.post)
        t = find_ticket(c, self.number)
        if t.status != "waiting":
            if t.post in c.office.posts:
                at = c.office.posts[t.post].name
                raise Refused(f"ticket {t.number} is {t.status} at {at}, not waiting",
                              code="not_waiting_at", number=t.number, status=t.status, post=at)
            raise Refused(f"ticket {t.number} is {t.status}, not waiting", code="not_waiting",
                          number=t.number, status=t.status)
        return _call(c, self.post, t, specific=True)


def check_note(c: Ctx, note: str | None) -> None:
    if note and not c.office.privacy.allow_notes:
        raise Refused("free-text notes are switched off here ([privacy] allow_notes)",
                      code="notes_off")
    check_length("note", note or "", NOTE_MAX)


def find_ticket(c: Ctx, number: str) -> Ticket:
    t = c.state.tickets.get(number.upper())
    if t is None:
        raise Refused(f"no ticket {number} today", code="no_such_ticket", number=number)
    return t


@dataclass(frozen=True)
class Recall(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called")
        return [c.ticket_event("ticket_recalled", t.number, post=self.post, count=t.recalls + 1)]


@dataclass(frozen=True)
class CallBack(Command):
    """Call a ticket back by number ("terugroepen") to this post: a ticket marked no-show (by
    mistake, or the citizen turned up after all), or one called at another post where the
    citizen did not go. Allowed within `[routing] call_back_min` of that no-show or call; the
    no-show is undone (it no longer counts as one) and the call keeps its first-call time."""

    post: str
    number: str

    def decide(self, c: Ctx) -> list[Event]:
        _free_post(c, self.post)
        t = find_ticket(c, self.number)
        iv = t.current
        if t.status == "no_show":
            since = iv.ended_at
        elif t.status == "called" and t.post != self.post:
            since = iv.called_at
        else:
            raise Refused(f"ticket {t.number} is {t.status}: only a no-show or a ticket called "
                          "at another post can be called back", code="call_back_status",
                          number=t.number, status=t.status)
        window = c.office.routing.call_back_min
        if since is not None and (c.now - since).total_seconds() > window * 60:
            raise Refused(f"ticket {t.number} can only be called back within {window:g} min",
                          code="call_back_too_late", number=t.number, minutes=window)
        p = c.state.post(self.post)
        return [c.ticket_event("ticket_called_back", t.number, post=self.post,
                               staff=p.staff or c.actor, from_status=t.status,
                               from_post=t.post)]


@dataclass(frozen=True)
class NoShow(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called")
        return [c.ticket_event("ticket_no_show", t.number, post=self.post)]


@dataclass(frozen=True)
class Requeue(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called")
        return [c.ticket_event("ticket_requeued", t.number, post=self.post)]


@dataclass(frozen=True)
class Start(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called")
        return [c.ticket_event("ticket_started", t.number, post=self.post)]


@dataclass(frozen=True)
class Finish(Command):
    post: str
    outcome: str = "done"
    topics: tuple[str, ...] = ()
    note: str | None = None

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called", "serving")
        if self.outcome not in c.office.outcomes:
            raise Refused(f"unknown outcome {self.outcome!r} "
                          f"(known: {', '.join(c.office.outcomes)})",
                          code="unknown_outcome", outcome=self.outcome)
        for topic in self.topics:
            if topic not in c.office.topics:
                raise Refused(f"unknown topic {topic!r} (known: {', '.join(c.office.topics)})",
                              code="unknown_topic", topic=topic)
        if c.office.routing.require_topic and not self.topics:
            raise Refused("a topic is required to finish a ticket", code="topic_required")
        check_note(c, self.note)
        data: dict[str, Any] = dict(post=self.post, outcome=self.outcome, topics=list(self.topics))
        if self.note:
            data["note"] = self.note
        return [c.ticket_event("ticket_finished", t.number, **data)]


@dataclass(frozen=True)
class Transfer(Command):
    post: str
    to_service: str | None = None
    to_post: str | None = None
    reason: str = ""

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called", "serving")
        if self.to_service is None and self.to_post is None:
            raise Refused("transfer needs a service or a post to send the ticket to",
                          code="transfer_no_target")
        service = self.to_service or t.service
        self.check_service(c, service)
        if self.to_post is None and service == t.service:
            raise Refused(f"ticket {t.number} is already for {c.office.services[service].name()}",
                          code="transfer_same_service", number=t.number,
                          service=c.office.services[service].name())
        if self.to_post is not None:
            self.check_post(c, self.to_post)
            if self.to_post == self.post:
                raise Refused("cannot transfer a ticket to the post it is at",
                              code="transfer_same_post")
        if self.reason and self.reason not in c.office.reasons.transfer:
            known = ", ".join(c.office.reasons.transfer)
            raise Refused(f"unknown transfer reason {self.reason!r} (known: {known})",
                          code="unknown_reason", given=self.reason)
        data: dict[str, Any] = dict(post=self.post, service=service,
                                    position=c.office.routing.transfer_position,
                                    reason=self.reason)
        if self.to_post:
            data["to_post"] = self.to_post
        return [c.ticket_event("ticket_transferred", t.number, **data)]


@dataclass(frozen=True)
class Park(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        t = self.current_ticket(c, self.post, "called", "serving")
        staff = c.state.post(self.post).staff or c.actor
        return [c.ticket_event("ticket_parked", t.number, post=self.post, staff=staff)]


@dataclass(frozen=True)
class ResumeParked(Command):
    post: str
    number: str

    def decide(self, c: Ctx) -> list[Event]:
        _free_post(c, self.post)
        t = find_ticket(c, self.number)
        staff = c.state.post(self.post).staff
        if t.status != "parked":
            raise Refused(f"ticket {t.number} is {t.status}, not parked", code="wrong_status",
                          number=t.number, status=t.status, expected=("parked",))
        if t.staff != staff:
            raise Refused(f"ticket {t.number} is parked by {t.staff}, not {staff}",
                          code="parked_by_other", number=t.number, by=staff_name(c, t.staff))
        return [c.ticket_event("ticket_resumed", t.number, post=self.post, staff=staff)]


def _waiting_ticket(c: Ctx, number: str) -> Ticket:
    t = find_ticket(c, number)
    if t.status != "waiting":
        raise Refused(f"ticket {t.number} is {t.status}, not waiting", code="not_waiting",
                      number=t.number, status=t.status)
    return t


@dataclass(frozen=True)
class MoveTicket(Command):
    """The coordinator moves a waiting ticket to another service's queue or to one post (the
    citizen took the wrong ticket, or one post should take them). It keeps its number, its
    place by age and its wait from issue: no call happened, so no new wait starts."""

    number: str
    to_service: str | None = None
    to_post: str | None = None

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "move a waiting ticket")
        t = _waiting_ticket(c, self.number)
        service = self.to_service or t.service
        self.check_service(c, service)
        if self.to_post is not None:
            self.check_post(c, self.to_post)
        elif service == t.service:
            raise Refused(f"ticket {t.number} is already for {c.office.services[service].name()}",
                          code="transfer_same_service", number=t.number,
                          service=c.office.services[service].name())
        data: dict[str, Any] = dict(service=service)
        if self.to_post is not None:
            data["to_post"] = self.to_post
        return [c.ticket_event("ticket_moved", t.number, **data)]


@dataclass(frozen=True)
class SetPriority(Command):
    """The coordinator gives a waiting ticket priority (or takes it away)."""

    number: str
    priority: bool = True

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "give priority")
        t = _waiting_ticket(c, self.number)
        if t.priority == self.priority:
            raise Refused(f"ticket {t.number} already has priority {self.priority}",
                          code="priority_unchanged", number=t.number)
        return [c.ticket_event("ticket_priority_set", t.number, priority=self.priority)]


# -- posts and staff ------------------------------------------------------------------------------
def locked_minutes(c: Ctx, staff: str) -> int | None:
    """Minutes left of `staff`'s lock (at least 1), or None when the id is not locked."""
    until = c.state.staff_state(staff).locked_until
    if until is None or c.now >= until:
        return None
    return max(1, round((until - c.now).total_seconds() / 60))


def _refuse_locked(c: Ctx, staff: str) -> None:
    mins = locked_minutes(c, staff)
    if mins is not None:
        raise Refused(f"{staff} is locked after too many wrong PINs; try again in {mins} min "
                      "or ask a coordinator to unlock", code="locked",
                      staff=staff_name(c, staff), minutes=mins)


def wrong_pin(left: int) -> str:
    return f"wrong PIN ({left} {'try' if left == 1 else 'tries'} left)"


def _failure_events(c: Ctx, staff: str, source: str | None) -> tuple[list[Event], int]:
    """The events of one wrong PIN for `staff` and the tries left (0: locked by this one)."""
    stream = f"staff:{staff}:{c.day}"
    extra: dict[str, Any] = {"source": source} if source else {}
    events = [c.event("staff_login_failed", stream, staff=staff, **extra)]
    st, r = c.state.staff_state(staff), c.office.routing
    left = r.lockout_failures - st.failures - 1
    if left <= 0:
        until = c.now + timedelta(minutes=lock_minutes(c, staff))
        events.append(c.event("staff_locked", stream, staff=staff, until=iso(until)))
    return events, max(left, 0)


MAX_LOCK_MIN = 24 * 60


def lock_minutes(c: Ctx, staff: str) -> float:
    """How long the next lock lasts: `lockout_minutes`, doubled for every lock of the day
    before it (5, 10, 20, ... minutes, at most a day): some 45 wrong PINs a day, so half of a
    4-digit PIN's 10,000 values takes months to try, not the 3.5 days a fixed lock allows
    (5 tries every 5 minutes: 1,440 a day)."""
    done = min(c.state.staff_state(staff).locks, 20)
    minutes = min(c.office.routing.lockout_minutes * 2 ** done, MAX_LOCK_MIN)
    return int(minutes) if minutes == int(minutes) else minutes


def _login_checks(c: Ctx, staff: str, pin_ok: bool, source: str | None = None) -> None:
    """Refuse a locked id (whatever the PIN); record a wrong PIN (and lock after too many).

    Every PIN typed anywhere (counter, coordinator pane, kiosk operator pad, CLI, browser) comes
    through here or `OperatorPin`, so they all count towards the one lockout, kept in the log.
    """
    if staff not in c.office.staff:
        raise Refused(f"unknown staff id {staff!r}", code="unknown_staff", staff=staff)
    _refuse_locked(c, staff)
    if not pin_ok:
        events, left = _failure_events(c, staff, source)
        if left == 0:
            mins = lock_minutes(c, staff)
            raise RefusedWithEvents(
                f"wrong PIN; {staff} is now locked for {mins:g} min", events,
                code="wrong_pin_locked", staff=staff_name(c, staff), minutes=mins)
        raise RefusedWithEvents(wrong_pin(left), events, code="wrong_pin", left=left)


def coordinators(office: Office) -> list[str]:
    return [sid for sid, s in office.staff.items() if s.role == "coordinator"]


def unlocked_coordinators(state: DayState, office: Office, now: datetime) -> list[str]:
    """The coordinators whose PIN may be tried now (the kiosk's operator pad tries each)."""
    out = []
    for sid in coordinators(office):
        until = state.staff_state(sid).locked_until
        if until is None or now >= until:
            out.append(sid)
    return out


@dataclass(frozen=True)
class OperatorPin(Command):
    """A PIN typed at a kiosk's operator pad. It names nobody, so the edge tries it against
    every coordinator not locked; a wrong one is a wrong guess at each of them and counts
    towards each one's lockout. `staff` is the coordinator it matched, or None."""

    source: str
    staff: str | None

    def decide(self, c: Ctx) -> list[Event]:
        candidates = unlocked_coordinators(c.state, c.office, c.now)
        if self.staff is not None:
            if self.staff not in candidates:
                _refuse_locked(c, self.staff)
                raise Refused(f"{self.staff} is not a coordinator", code="coordinator_only")
            return [c.event("staff_logged_in", f"staff:{self.staff}:{c.day}", staff=self.staff,
                            source=self.source)]
        if not candidates:
            raise Refused("every coordinator is locked after too many wrong PINs",
                          code="operator_locked")
        events: list[Event] = []
        lefts = []
        for sid in candidates:
            more, left = _failure_events(c, sid, self.source)
            events += more
            lefts.append(left)
        left = min(lefts)
        if left == 0:
            raise RefusedWithEvents("wrong PIN; the operator pad is locked", events,
                                    code="operator_locked")
        raise RefusedWithEvents(wrong_pin(left), events, code="wrong_pin", left=left)


@dataclass(frozen=True)
class UnlockStaff(Command):
    """A coordinator lifts a lockout before it runs out: the only way to clear one early."""

    staff: str

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "unlock a staff id")
        if self.staff not in c.office.staff:
            raise Refused(f"unknown staff id {self.staff!r}", code="unknown_staff",
                          staff=self.staff)
        st = c.state.staff_state(self.staff)
        if locked_minutes(c, self.staff) is None and st.failures == 0:
            raise Refused(f"{self.staff} is not locked", code="not_locked",
                          staff=staff_name(c, self.staff))
        return [c.event("staff_unlocked", f"staff:{self.staff}:{c.day}", staff=self.staff)]


@dataclass(frozen=True)
class Login(Command):
    """A login without a post (the coordinator pane)."""

    staff: str
    pin_ok: bool
    source: str | None = None  # where the PIN was typed (recorded with a wrong one)

    def decide(self, c: Ctx) -> list[Event]:
        _login_checks(c, self.staff, self.pin_ok, self.source)
        return [c.event("staff_logged_in", f"staff:{self.staff}:{c.day}", staff=self.staff)]


@dataclass(frozen=True)
class RecordPinChange(Command):
    """A PIN was changed (the hash lives in config.toml; the log keeps who and when)."""

    staff: str

    def decide(self, c: Ctx) -> list[Event]:
        if self.staff not in c.office.staff:
            raise Refused(f"unknown staff id {self.staff!r}", code="unknown_staff",
                          staff=self.staff)
        return [c.event("staff_pin_changed", f"staff:{self.staff}:{c.day}", staff=self.staff)]


@dataclass(frozen=True)
class Logout(Command):
    staff: str

    def decide(self, c: Ctx) -> list[Event]:
        return [c.event("staff_logged_out", f"staff:{self.staff}:{c.day}", staff=self.staff)]


def _open_events(c: Ctx, post: str, staff: str) -> list[Event]:
    p = c.state.post(post)
    if p.open:
        name = c.office.posts[post].name
        raise Refused(f"{name} is already open ({p.staff})", code="post_already_open",
                      post=name, staff=staff_name(c, p.staff))
    at = c.state.staff_state(staff).post
    if at is not None and c.state.post(at).open:
        name = c.office.posts[at].name
        raise Refused(f"{staff} is already at {name}", code="already_at_post",
                      staff=staff_name(c, staff), post=name)
    services = dict(p.services) if p.services else dict(c.office.posts[post].services)
    return [c.post_event("post_opened", post, staff=staff, services=services)]


@dataclass(frozen=True)
class OpenPost(Command):
    post: str
    staff: str
    pin_ok: bool
    source: str | None = None  # where the PIN was typed (recorded with a wrong one)

    def decide(self, c: Ctx) -> list[Event]:
        self.check_post(c, self.post)
        self.check_day_open(c)
        _login_checks(c, self.staff, self.pin_ok, self.source)
        return _open_events(c, self.post, self.staff)


@dataclass(frozen=True)
class Pause(Command):
    """Pause a post with a reason code from [reasons.pause] (empty: the first one)."""

    post: str
    reason: str = ""

    def decide(self, c: Ctx) -> list[Event]:
        _free_post(c, self.post)
        reasons = c.office.reasons.pause
        reason = self.reason or next(iter(reasons))
        if reason not in reasons and reason != LOGOUT_PAUSE:
            raise Refused(f"unknown pause reason {reason!r} (known: {', '.join(reasons)})",
                          code="unknown_reason", given=reason)
        return [c.post_event("post_paused", self.post, reason=reason)]


@dataclass(frozen=True)
class Resume(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        self.check_open_post(c, self.post)
        if c.state.post(self.post).pause_reason is None:
            name = c.office.posts[self.post].name
            raise Refused(f"{name} is not paused", code="not_paused", post=name)
        return [c.post_event("post_resumed", self.post)]


def _close_events(c: Ctx, post: str) -> list[Event]:
    p = c.state.post(post)
    if p.current is not None:
        name = c.office.posts[post].name
        raise Refused(f"{name} still has ticket {p.current}: finish or hand it on first",
                      code="close_busy", post=name, number=p.current)
    return [c.post_event("post_closed", post)]


@dataclass(frozen=True)
class ClosePost(Command):
    post: str

    def decide(self, c: Ctx) -> list[Event]:
        self.check_open_post(c, self.post)
        return _close_events(c, self.post)


@dataclass(frozen=True)
class MoveStaff(Command):
    """The coordinator moves a staff member to another post.

    A staff member with a citizen at the counter is not moved: the move is refused with the
    reason, so the coordinator is warned and can move them once the ticket is finished.
    """

    staff: str
    to_post: str

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "move staff")
        if self.staff not in c.office.staff:
            raise Refused(f"unknown staff id {self.staff!r}", code="unknown_staff",
                          staff=self.staff)
        self.check_post(c, self.to_post)
        _refuse_locked(c, self.staff)  # a move is no way around a lockout
        events: list[Event] = []
        at = c.state.staff_state(self.staff).post
        if at == self.to_post:
            name = c.office.posts[at].name
            raise Refused(f"{self.staff} is already at {name}", code="already_at_post",
                          staff=staff_name(c, self.staff), post=name)
        if at is not None and c.state.post(at).open:
            p, name = c.state.post(at), c.office.posts[at].name
            if p.current is not None and c.state.tickets[p.current].status in ACTIVE_STATUSES:
                raise Refused(f"{self.staff} is serving {p.current} at "
                              f"{name}; move after that ticket is finished",
                              code="serving_while_moved", staff=staff_name(c, self.staff),
                              number=p.current, post=name)
            events += _close_events(c, at)
        target = c.state.post(self.to_post)
        if target.open:
            name = c.office.posts[self.to_post].name
            raise Refused(f"{name} is already open ({target.staff})", code="post_already_open",
                          post=name, staff=staff_name(c, target.staff))
        services = dict(target.services or c.office.posts[self.to_post].services)
        events.append(c.post_event("post_opened", self.to_post, staff=self.staff,
                                   services=services))
        events.append(c.event("staff_moved", f"staff:{self.staff}:{c.day}", staff=self.staff,
                              from_post=at, to_post=self.to_post))
        return events


@dataclass(frozen=True)
class ChangeProfile(Command):
    post: str
    services: dict[str, float] = field(default_factory=dict)

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "change a post's services")
        self.check_post(c, self.post)
        for s in self.services:
            self.check_service(c, s)
        return [c.post_event("post_profile_changed", self.post, services=dict(self.services))]


@dataclass(frozen=True)
class RegisterCall(Command):
    """A phone contact, registered by the staff member on the phone line."""

    post: str
    topic: str

    def decide(self, c: Ctx) -> list[Event]:
        self.check_open_post(c, self.post)
        if self.topic not in c.office.topics:
            raise Refused(f"unknown topic {self.topic!r} (known: {', '.join(c.office.topics)})",
                          code="unknown_topic", topic=self.topic)
        staff = c.state.post(self.post).staff or c.actor
        return [c.post_event("phone_call_registered", self.post, staff=staff, topic=self.topic)]


# -- office --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PurgeNotes(Command):
    """Remove notes older than the retention period. The purge is itself an event, so history
    is never rewritten silently; the store deletes the note texts it names."""

    retention_days: int | None = None

    def decide(self, c: Ctx) -> list[Event]:
        days = self.retention_days or c.office.privacy.notes_retention_days
        if days < 1:
            raise Refused("retention must be at least 1 day", code="bad_retention")
        # a retention reaching before year 1 keeps everything: nothing is that old
        before = date.min if days >= (c.day - date.min).days else c.day - timedelta(days=days)
        return [c.event("notes_purged", f"office:{c.day}", before=str(before),
                        retention_days=days)]



@dataclass(frozen=True)
class SetIssuing(Command):
    service: str
    issuing: bool

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "start or stop issuing")
        Command.check_service(c, self.service)
        return [c.event("service_issuing_changed", f"service:{self.service}:{c.day}",
                        service=self.service, issuing=self.issuing)]


@dataclass(frozen=True)
class Broadcast(Command):
    """A message on the counters and/or the display ticker, shown until `until` (aware; None:
    the end of the business day) or until it is withdrawn. Runs of white space become one
    space: a message is one line."""

    text: str
    targets: tuple[str, ...] = ("counters", "display")
    until: datetime | None = None

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "broadcast messages")
        text = " ".join(self.text.split())
        if not text:
            raise Refused("the message is empty", code="empty_message")
        check_length("message", text, BROADCAST_MAX)
        bad = set(self.targets) - {"counters", "display"}
        if bad or not self.targets:
            raise Refused("targets must be counters and/or display", code="bad_targets")
        end = day_bounds(c.day, c.office.timezone)[1]
        until = end if self.until is None else self.until
        if until <= c.now or until > end:
            at = f"{local(until, c.office.timezone):%H:%M}"
            raise Refused(f"the message must end later today (not {at})",
                          code="until_not_today", until=at)
        return [c.event("message_broadcast", f"office:{c.day}", text=text,
                        targets=list(self.targets), until=iso(until))]


def local_time_today(day: date, hhmm: str, tz: str) -> datetime:
    """"HH:MM" on the business day `day` in the office's zone, as an aware UTC time (for a
    broadcast's end). ValueError with a one-line reason when it is not a time."""
    try:
        t = datetime.strptime(hhmm.strip(), "%H:%M").time()
    except ValueError:
        raise ValueError(f"a time is written HH:MM, not {hhmm!r}") from None
    return datetime.combine(day, t, zone(tz)).astimezone(UTC)


@dataclass(frozen=True)
class WithdrawBroadcast(Command):
    """Take down every message shown now (on the counters and the display)."""

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "withdraw messages")
        if not any(m.shown_at(c.now) for m in c.state.messages):
            raise Refused("no message is shown now", code="no_message")
        return [c.event("message_withdrawn", f"office:{c.day}")]


@dataclass(frozen=True)
class Heartbeat(Command):
    source: str
    kind: str  # kiosk, printer, display
    status: str = "ok"
    detail: str = ""

    def decide(self, c: Ctx) -> list[Event]:
        return [c.event("heartbeat", f"device:{self.source}:{c.day}", source=self.source,
                        kind=self.kind, status=self.status, detail=self.detail)]


@dataclass(frozen=True)
class RecordPrintFailure(Command):
    number: str
    kiosk: str
    reason: str
    status: str | None = None  # the printer's status code, for words in the user's language

    def decide(self, c: Ctx) -> list[Event]:
        t = find_ticket(c, self.number)
        extra = {"status": self.status} if self.status else {}
        return [c.ticket_event("print_failed", t.number, kiosk=self.kiosk, reason=self.reason,
                               **extra)]


@dataclass(frozen=True)
class RecordPrinted(Command):
    number: str
    kiosk: str

    def decide(self, c: Ctx) -> list[Event]:
        t = find_ticket(c, self.number)
        return [c.ticket_event("ticket_printed", t.number, kiosk=self.kiosk)]


def unprinted(state: DayState, kiosk: str) -> list[Ticket]:
    """Tickets this kiosk's printing path took whose printing never reported back: it stopped
    mid-print. Tickets issued under its id by the CLI or a simulation were never to be printed."""
    return [t for t in state.tickets.values()
            if t.kiosk == kiosk and t.printing and not t.printed and t.print_failed is None]


@dataclass(frozen=True)
class EndDay(Command):
    """Closing time: every open ticket ends closed_unserved, every post closes."""

    def decide(self, c: Ctx) -> list[Event]:
        self.check_coordinator(c, "close the day")
        self.check_day_open(c)
        events: list[Event] = []
        for t in c.state.tickets.values():
            if t.status in OPEN_STATUSES:
                events.append(c.ticket_event("ticket_closed_unserved", t.number))
        for p in c.state.posts.values():
            if p.open:
                events.append(c.post_event("post_closed", p.id))
        events.append(c.event("day_ended", f"office:{c.day}"))
        return events


# -- the citizen's phone (issue 19) -----------------------------------------------------------
# The phone page knows its ticket by the hash of the token in its address, never by the number:
# these commands find the ticket by that hash, inside the transaction, so a ticket that ended a
# moment ago is refused rather than changed.
PHONE_ACTOR = "phone"


def is_sha256(h: str) -> bool:
    return len(h) == 64 and all(ch in "0123456789abcdef" for ch in h)


def ticket_by_token(state: DayState, token_hash: str) -> Ticket | None:
    """Today's ticket whose token has this hash, or None."""
    number = state.tokens.get(token_hash)
    return None if number is None else state.tickets.get(number)


def _waiting_by_token(c: Ctx, token_hash: str) -> Ticket:
    t = ticket_by_token(c.state, token_hash)
    if t is None:
        raise Refused("no such ticket today", code="no_such_ticket", number="")
    if t.status != "waiting":
        raise Refused(f"ticket {t.number} is {t.status}, not waiting", code="not_waiting",
                      number=t.number, status=t.status)
    return t


@dataclass(frozen=True)
class StepAway(Command):
    """"Ik ben even weg": the ticket keeps its place but call next skips it for `minutes`."""

    token_hash: str
    minutes: float

    def decide(self, c: Ctx) -> list[Event]:
        t = _waiting_by_token(c, self.token_hash)
        if not 0 < self.minutes <= 240:
            raise Refused("away time must be between 0 and 240 minutes", code="bad_away_time")
        until = c.now + timedelta(minutes=self.minutes)
        return [c.ticket_event("ticket_away", t.number, until=iso(until))]


@dataclass(frozen=True)
class ComeBack(Command):
    """"Ik ben terug": call next sees the ticket again, in its old place."""

    token_hash: str

    def decide(self, c: Ctx) -> list[Event]:
        t = _waiting_by_token(c, self.token_hash)
        if t.away_until is None or c.now >= t.away_until:
            raise Refused(f"ticket {t.number} is not away", code="not_away", number=t.number)
        return [c.ticket_event("ticket_back", t.number)]


@dataclass(frozen=True)
class LeaveQueue(Command):
    """"Ik ga weg": the citizen gives up the ticket; the place is free (counted as abandoned)."""

    token_hash: str

    def decide(self, c: Ctx) -> list[Event]:
        t = _waiting_by_token(c, self.token_hash)
        return [c.ticket_event("ticket_left", t.number)]
