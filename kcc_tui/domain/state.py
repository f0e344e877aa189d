"""The live state of one business day: a fold over that day's events.

`DayState.apply` is the only place that interprets events; the store, the apps, the read models
and the simulator all see the office through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from . import appointments as ap
from . import events as ev
from .appointments import Appointment
from .events import Event

TicketStatus = Literal[
    "waiting", "called", "serving", "parked", "done", "no_show", "closed_unserved", "left"
]
OPEN_STATUSES = frozenset({"waiting", "called", "serving", "parked"})
ACTIVE_STATUSES = frozenset({"called", "serving"})


class FoldError(ValueError):
    """An event that does not fit the history folded before it (a damaged store, or one
    written by an old bug): the fold stops at it instead of crashing its reader."""

    def __init__(self, seq: int, type_: str, detail: str) -> None:
        super().__init__(f"event #{seq} ({type_}) does not fit the history before it: {detail}")
        self.seq, self.type, self.detail = seq, type_, detail


@dataclass(slots=True)
class Interval:
    """One stretch of a ticket's life for one service: an optional wait, then a call.

    A requeue or transfer starts a new interval (a new wait, DESIGN.md §4); resuming a parked
    ticket starts one without a wait.
    """

    service: str
    queued_at: datetime | None
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    # done, transferred, requeued, no_show, parked, closed_unserved, left; called_back: the next
    # interval is the same citizen called back (no wait of its own)
    end: str | None = None
    post: str | None = None
    staff: str | None = None

    @property
    def wait_s(self) -> float | None:
        if self.queued_at is None or self.called_at is None:
            return None
        return (self.called_at - self.queued_at).total_seconds()

    def to_json(self) -> dict[str, Any]:
        from .clock import iso

        return {
            k: (iso(v) if isinstance(v, datetime) else v)
            for k, v in (
                ("service", self.service),
                ("queued_at", self.queued_at),
                ("called_at", self.called_at),
                ("started_at", self.started_at),
                ("ended_at", self.ended_at),
                ("end", self.end),
                ("post", self.post),
                ("staff", self.staff),
            )
        }


@dataclass(slots=True)
class Ticket:
    number: str  # "A012": unique within a business day
    n: int
    service: str  # current service (changes on transfer)
    issued_at: datetime
    lang: str = "nl"
    priority: bool = False
    kiosk: str | None = None
    status: TicketStatus = "waiting"
    queued_at: datetime | None = None  # start of the current wait
    order: int = 0  # seq of the event that (re)queued it: tie-break "oldest first"
    head: bool = False  # transferred to the head of its new queue
    target_post: str | None = None  # transferred to one specific post
    post: str | None = None
    staff: str | None = None
    recalls: int = 0
    transfers: int = 0
    outcome: str | None = None
    topics: tuple[str, ...] = ()
    note: str | None = None
    print_failed: str | None = None  # the printer's reason (English, for logs)
    print_status: str | None = None  # its status code (paper_out, offline, ...), if given
    printed: bool = False
    printing: bool = False  # issued by a kiosk app that was to print it
    intervals: list[Interval] = field(default_factory=list)
    # The citizen's phone page (issue 19): the SHA-256 of the ticket's token (never the token),
    # and until when the citizen stepped away ("even weg": keeps the place, skipped by call next)
    token_hash: str | None = None
    away_until: datetime | None = None
    # Checked in for an appointment (issue 18): its key, booked start and duration. The
    # calling order puts it by booked start (routing.py); walk-ins have None.
    appointment: str | None = None
    booked_at: datetime | None = None
    duration_min: int | None = None

    @property
    def current(self) -> Interval:
        return self.intervals[-1]

    @property
    def first_called_at(self) -> datetime | None:
        return next((i.called_at for i in self.intervals if i.called_at), None)

    @property
    def finished_at(self) -> datetime | None:
        last = self.intervals[-1] if self.intervals else None
        final = ("done", "no_show", "closed_unserved", "left")
        return last.ended_at if last and last.end in final else None


@dataclass(slots=True)
class PostState:
    id: str
    open: bool = False
    staff: str | None = None
    services: dict[str, float] = field(default_factory=dict)
    session: int = 0  # seq of the post_opened event: identifies the session
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    pause_reason: str | None = None
    paused_at: datetime | None = None
    paused_s: float = 0.0
    serving_s: float = 0.0
    current: str | None = None  # ticket number
    served: int = 0
    no_show_streak: int = 0
    calls: int = 0  # phone contacts registered
    last_change: datetime | None = None

    def status(self, tickets: dict[str, Ticket]) -> str:
        if not self.open:
            return "closed"
        if self.pause_reason is not None:
            return "paused"
        if self.current is not None:
            return tickets[self.current].status
        return "idle"


@dataclass(slots=True)
class StaffState:
    id: str
    post: str | None = None
    logged_in: bool = False
    failures: int = 0
    locked_until: datetime | None = None
    locks: int = 0  # lockouts today: each one lasts twice as long as the one before


@dataclass(slots=True)
class Message:
    """A coordinator's broadcast. Shown from `at` until `until` (None: the end of the business
    day, when today's state is left behind) unless withdrawn before."""

    at: datetime
    actor: str
    text: str
    targets: tuple[str, ...]
    until: datetime | None = None
    withdrawn: bool = False

    def shown_at(self, now: datetime) -> bool:
        return not self.withdrawn and (self.until is None or now < self.until)


@dataclass(slots=True)
class Device:
    """A kiosk, printer or display as last reported by its heartbeat."""

    source: str
    kind: str
    status: str
    at: datetime
    detail: str = ""


class DayState:
    """Everything about today, folded from today's events in seq order."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.seq = 0
        self.versions: dict[str, int] = {}
        self.tickets: dict[str, Ticket] = {}
        # The waiting tickets, kept up to date by `apply`: "call next" and the estimators look
        # at the queue, not at every ticket of the day (which grows to hundreds by noon).
        self.queue: dict[str, Ticket] = {}
        self.posts: dict[str, PostState] = {}
        self.staff: dict[str, StaffState] = {}
        self.issuing: dict[str, bool] = {}  # coordinator overrides of the configured flag
        self.messages: list[Message] = []
        # "kind:source" -> last heartbeat; keyed by kind too because a kiosk and its printer
        # may share an id ("onthaal" in the example office)
        self.devices: dict[str, Device] = {}
        self.calls: list[tuple[datetime, str, str, str]] = []  # phone: at, post, staff, topic
        self.ended = False
        # service code -> (count, total seconds) of today's service times, for the estimator
        self.service_times: dict[str, tuple[int, float]] = {}
        # (post, reason, paused at, resumed at) of today's pauses that ended in a resume: when
        # staff pause and for how long, for the wait forecast
        self.pauses: list[tuple[str, str, datetime, datetime]] = []
        self.last_event: Event | None = None
        # closed post sessions of today, for the read model: (post, session) -> snapshot
        self.sessions: dict[tuple[str, int], PostState] = {}
        # token hash -> ticket number: the phone page finds its ticket without the number
        self.tokens: dict[str, str] = {}
        # today's appointments (booked start today) by key, and check-in code hash -> keys
        self.appointments: dict[str, Appointment] = {}
        self.codes: dict[str, list[str]] = {}

    # -- queries --------------------------------------------------------------------------
    def version(self, stream: str) -> int:
        return self.versions.get(stream, 0)

    def post(self, post_id: str) -> PostState:
        if post_id not in self.posts:
            self.posts[post_id] = PostState(post_id)
        return self.posts[post_id]

    def staff_state(self, staff_id: str) -> StaffState:
        if staff_id not in self.staff:
            self.staff[staff_id] = StaffState(staff_id)
        return self.staff[staff_id]

    def waiting(self, service: str | None = None) -> list[Ticket]:
        return [t for t in self.queue.values() if service is None or t.service == service]

    def current_messages(self, target: str, now: datetime) -> list[Message]:
        """The broadcasts for `target` ("counters" or "display") to show at `now`, oldest
        first: not withdrawn, not expired. Screens ask again on every refresh."""
        return [m for m in self.messages if target in m.targets and m.shown_at(now)]

    def issued_count(self, service: str) -> int:
        """Walk-in tickets issued today for `service` (the daily cap counts these; a check-in
        was booked, not taken at the door)."""
        return sum(1 for t in self.tickets.values()
                   if t.intervals[0].service == service and t.appointment is None)

    def appointments_by_code(self, code_hash: str) -> list[Appointment]:
        """Today's appointments with this check-in code, by booked start."""
        found = [self.appointments[k] for k in self.codes.get(code_hash, ())
                 if k in self.appointments]
        return sorted(found, key=lambda a: a.start)

    # -- the fold ---------------------------------------------------------------------------
    def apply(self, e: Event) -> None:
        if e.seq and e.seq <= self.seq:
            return  # already folded (our own write, seen again through the change feed)
        try:
            FOLD[e.type](self, e, e.data)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
            detail = (f"it names {err.args[0]!r}, unknown at that point"
                      if isinstance(err, KeyError) and err.args else f"{err!r}")
            raise FoldError(e.seq, e.type, detail) from None
        number = e.data.get("number")
        t = self.tickets.get(number) if isinstance(number, str) else None
        if t is not None:
            if t.status == "waiting":
                self.queue[t.number] = t
            else:
                self.queue.pop(t.number, None)
        self.versions[e.stream] = max(self.versions.get(e.stream, 0), e.version)
        if e.seq:
            self.seq = e.seq
        self.last_event = e


def _ticket_issued(s: DayState, e: Event, d: ev.TicketIssued) -> None:
    t = Ticket(
        number=d["number"],
        n=d["n"],
        service=d["service"],
        issued_at=e.at,
        lang=d["lang"],
        priority=bool(d["priority"]),
        kiosk=d.get("kiosk"),
        printing=d.get("printing") is True,
        queued_at=e.at,
        order=e.seq,
    )
    t.intervals.append(Interval(d["service"], e.at))
    s.tickets[t.number] = t
    key = d.get("appointment")
    if isinstance(key, str) and key:
        a = s.appointments[key]
        t.appointment, t.booked_at, t.duration_min = key, a.start, a.duration_min
    token_hash = d.get("token_hash")
    if isinstance(token_hash, str) and token_hash:
        t.token_hash = token_hash
        s.tokens[token_hash] = t.number


def _ticket_called(s: DayState, e: Event, d: ev.TicketCalled) -> None:
    t = s.tickets[d["number"]]
    t.away_until = None
    post = s.post(d["post"])
    t.status, t.post, t.staff = "called", post.id, d["staff"]
    t.head, t.target_post = False, None
    iv = t.current
    iv.called_at, iv.post, iv.staff = e.at, post.id, d["staff"]
    post.current = t.number
    post.last_change = e.at


def _ticket_recalled(s: DayState, e: Event, d: ev.TicketRecalled) -> None:
    s.tickets[d["number"]].recalls += 1


def _end_interval(s: DayState, e: Event, number: str, end: str) -> Ticket:
    t = s.tickets[number]
    iv = t.current
    iv.ended_at, iv.end = e.at, end
    if end in ("done", "transferred") and iv.called_at is not None:
        n, total = s.service_times.get(iv.service, (0, 0.0))
        s.service_times[iv.service] = (n + 1, total + (e.at - iv.called_at).total_seconds())
    if iv.started_at is not None and t.post is not None:
        s.post(t.post).serving_s += (e.at - iv.started_at).total_seconds()
    if t.post is not None and s.post(t.post).current == t.number:
        p = s.post(t.post)
        p.current = None
        p.last_change = e.at
    return t


def _ticket_called_back(s: DayState, e: Event, d: ev.TicketCalledBack) -> None:
    """A no-show undone, or a call taken over from another post: the earlier interval ends as
    "called_back" (no longer a no-show) and a new one starts with this call, without a wait,
    so the citizen's wait stays issue → first call."""
    t = s.tickets[d["number"]]
    if t.status == "no_show":
        t.current.end = "called_back"
        if t.post is not None:
            old = s.post(t.post)
            old.no_show_streak = max(0, old.no_show_streak - 1)
    else:
        _end_interval(s, e, d["number"], "called_back")
    post = s.post(d["post"])
    t.status, t.post, t.staff = "called", post.id, d["staff"]
    t.intervals.append(Interval(t.service, None, e.at, post=post.id, staff=d["staff"]))
    post.current = t.number
    post.last_change = e.at


def _ticket_moved(s: DayState, e: Event, d: ev.TicketMoved) -> None:
    """A waiting ticket moved by the coordinator: same wait (from issue), same place by age."""
    t = s.tickets[d["number"]]
    t.service = t.current.service = d["service"]
    t.target_post = d.get("to_post")
    t.transfers += 1


def _ticket_priority_set(s: DayState, e: Event, d: ev.TicketPrioritySet) -> None:
    s.tickets[d["number"]].priority = bool(d["priority"])


def _ticket_no_show(s: DayState, e: Event, d: ev.TicketNoShow) -> None:
    t = _end_interval(s, e, d["number"], "no_show")
    t.status = "no_show"
    s.post(d["post"]).no_show_streak += 1


def _requeue(t: Ticket, e: Event, service: str) -> None:
    t.status, t.post, t.staff = "waiting", None, None
    t.queued_at, t.order = e.at, e.seq
    t.intervals.append(Interval(service, e.at))


def _ticket_requeued(s: DayState, e: Event, d: ev.TicketRequeued) -> None:
    t = _end_interval(s, e, d["number"], "requeued")
    _requeue(t, e, t.service)


def _ticket_started(s: DayState, e: Event, d: ev.TicketStarted) -> None:
    t = s.tickets[d["number"]]
    t.status = "serving"
    t.current.started_at = e.at
    s.post(d["post"]).no_show_streak = 0


def _ticket_finished(s: DayState, e: Event, d: ev.TicketFinished) -> None:
    t = s.tickets[d["number"]]
    if t.current.started_at is None:  # finished straight from "called"
        t.current.started_at = e.at
    _end_interval(s, e, d["number"], "done")
    t.status = "done"
    t.outcome = d["outcome"]
    t.topics = tuple(d["topics"])
    t.note = _note(d)
    post = s.post(d["post"])
    post.served += 1
    post.no_show_streak = 0


def _ticket_transferred(s: DayState, e: Event, d: ev.TicketTransferred) -> None:
    t = _end_interval(s, e, d["number"], "transferred")
    t.transfers += 1
    t.service = d["service"]
    _requeue(t, e, t.service)
    t.head = d["position"] == "head"
    t.target_post = d.get("to_post")
    if _note(d):
        t.note = _note(d)


def _note(d: ev.TicketFinished | ev.TicketTransferred) -> str | None:
    """The note text, or None when there is none or it was purged (the store leaves `true`)."""
    note = d.get("note")
    return note if isinstance(note, str) and note else None


def _ticket_parked(s: DayState, e: Event, d: ev.TicketParked) -> None:
    t = _end_interval(s, e, d["number"], "parked")
    t.status, t.post, t.staff = "parked", None, d["staff"]


def _ticket_resumed(s: DayState, e: Event, d: ev.TicketResumed) -> None:
    t = s.tickets[d["number"]]
    post = s.post(d["post"])
    t.status, t.post, t.staff = "serving", post.id, d["staff"]
    t.intervals.append(
        Interval(t.service, None, e.at, e.at, post=post.id, staff=d["staff"])
    )
    post.current = t.number
    post.last_change = e.at


def _ticket_closed_unserved(s: DayState, e: Event, d: ev.TicketClosedUnserved) -> None:
    t = _end_interval(s, e, d["number"], "closed_unserved")
    t.status = "closed_unserved"


def _post_opened(s: DayState, e: Event, d: ev.PostOpened) -> None:
    p = s.post(d["post"])
    p.open, p.staff, p.services = True, d["staff"], dict(d["services"])
    p.session, p.opened_at, p.closed_at = e.seq, e.at, None
    p.pause_reason = p.paused_at = None
    p.paused_s = p.serving_s = 0.0
    p.served = p.no_show_streak = p.calls = 0
    p.current, p.last_change = None, e.at
    st = s.staff_state(d["staff"])
    st.post, st.logged_in = p.id, True
    if e.actor == d["staff"]:  # opened with their own PIN; a coordinator's move is not
        st.failures = 0  # a login, and no post opening ever clears a lock (only an unlock)


def _post_paused(s: DayState, e: Event, d: ev.PostPaused) -> None:
    p = s.post(d["post"])
    p.pause_reason, p.paused_at, p.last_change = d["reason"], e.at, e.at


def _post_resumed(s: DayState, e: Event, d: ev.PostResumed) -> None:
    p = s.post(d["post"])
    if p.paused_at is not None:
        p.paused_s += (e.at - p.paused_at).total_seconds()
        s.pauses.append((p.id, p.pause_reason or "", p.paused_at, e.at))
    p.pause_reason = p.paused_at = None
    p.last_change = e.at


def _post_closed(s: DayState, e: Event, d: ev.PostClosed) -> None:
    p = s.post(d["post"])
    if p.paused_at is not None:
        p.paused_s += (e.at - p.paused_at).total_seconds()
    p.pause_reason = p.paused_at = None
    p.open, p.closed_at, p.last_change = False, e.at, e.at
    if p.staff is not None:
        st = s.staff_state(p.staff)
        st.post, st.logged_in = None, False
    s.sessions[(p.id, p.session)] = PostState(**{k: getattr(p, k) for k in PostState.__slots__})
    p.staff = None


def _post_profile_changed(s: DayState, e: Event, d: ev.PostProfileChanged) -> None:
    s.post(d["post"]).services = dict(d["services"])


def _staff_logged_in(s: DayState, e: Event, d: ev.StaffLoggedIn) -> None:
    st = s.staff_state(d["staff"])
    st.logged_in, st.failures = True, 0


def _staff_logged_out(s: DayState, e: Event, d: ev.StaffLoggedOut) -> None:
    s.staff_state(d["staff"]).logged_in = False


def _staff_login_failed(s: DayState, e: Event, d: ev.StaffLoginFailed) -> None:
    s.staff_state(d["staff"]).failures += 1


def _staff_locked(s: DayState, e: Event, d: ev.StaffLocked) -> None:
    from .clock import parse_iso

    st = s.staff_state(d["staff"])
    st.locked_until, st.failures = parse_iso(d["until"]), 0
    st.locks += 1


def _staff_unlocked(s: DayState, e: Event, d: ev.StaffUnlocked) -> None:
    st = s.staff_state(d["staff"])
    st.locked_until, st.failures = None, 0


def _service_issuing_changed(s: DayState, e: Event, d: ev.ServiceIssuingChanged) -> None:
    s.issuing[d["service"]] = bool(d["issuing"])


def _message_broadcast(s: DayState, e: Event, d: ev.MessageBroadcast) -> None:
    from .clock import parse_iso

    until = d.get("until")
    s.messages.append(Message(e.at, e.actor, d["text"], tuple(d["targets"]),
                              parse_iso(until) if isinstance(until, str) else None))


def _message_withdrawn(s: DayState, e: Event, d: ev.MessageWithdrawn) -> None:
    for m in s.messages:
        m.withdrawn = True


def _phone_call_registered(s: DayState, e: Event, d: ev.PhoneCallRegistered) -> None:
    s.post(d["post"]).calls += 1
    s.calls.append((e.at, d["post"], d["staff"], d["topic"]))


def _print_failed(s: DayState, e: Event, d: ev.PrintFailed) -> None:
    t = s.tickets.get(d["number"])
    if t is not None:
        t.print_failed = d["reason"]
        t.print_status = d.get("status")


def _ticket_printed(s: DayState, e: Event, d: ev.TicketPrinted) -> None:
    t = s.tickets.get(d["number"])
    if t is not None:
        t.printed = True


def _heartbeat(s: DayState, e: Event, d: ev.Heartbeat) -> None:
    device = Device(d["source"], d["kind"], d["status"], e.at, d.get("detail", ""))
    s.devices[f"{d['kind']}:{d['source']}"] = device


def _notes_purged(s: DayState, e: Event, d: ev.NotesPurged) -> None:
    if str(s.day) < d["before"]:  # only days before the cut-off lose their notes
        for t in s.tickets.values():
            t.note = None


# -- the citizen's phone (issue 19) -----------------------------------------------------------
def _ticket_away(s: DayState, e: Event, d: ev.TicketAway) -> None:
    from .clock import parse_iso

    s.tickets[d["number"]].away_until = parse_iso(d["until"])


def _ticket_back(s: DayState, e: Event, d: ev.TicketBack) -> None:
    s.tickets[d["number"]].away_until = None


def _ticket_left(s: DayState, e: Event, d: ev.TicketLeft) -> None:
    t = _end_interval(s, e, d["number"], "left")
    t.status, t.away_until = "left", None


# -- appointments (issue 18) -------------------------------------------------------------------
def _appointment(s: DayState, e: Event, d: Any) -> None:
    """Every appointment event: `appointments.after`, kept only while booked for this day."""
    key = ap.appointment_key(d["source"], d["reference"])
    old = s.appointments.get(key)
    a = ap.after(old, e.type, d, e.at, e.day, e.version)
    if old is not None and old.code_hash and key in s.codes.get(old.code_hash, ()):
        s.codes[old.code_hash].remove(key)
    if a is None or a.day != s.day or (e.type == "appointment_cancelled"
                                       and d.get("reason") == "moved"):
        s.appointments.pop(key, None)
        return
    s.appointments[key] = a
    if a.code_hash:
        s.codes.setdefault(a.code_hash, []).append(key)


def _appointment_booked(s: DayState, e: Event, d: ev.AppointmentBooked) -> None:
    _appointment(s, e, d)


def _appointment_updated(s: DayState, e: Event, d: ev.AppointmentUpdated) -> None:
    _appointment(s, e, d)


def _appointment_cancelled(s: DayState, e: Event, d: ev.AppointmentCancelled) -> None:
    _appointment(s, e, d)


def _appointment_checked_in(s: DayState, e: Event, d: ev.AppointmentCheckedIn) -> None:
    _appointment(s, e, d)


def _appointment_no_show(s: DayState, e: Event, d: ev.AppointmentNoShow) -> None:
    _appointment(s, e, d)


def _day_ended(s: DayState, e: Event, d: ev.DayEnded) -> None:
    s.ended = True


def _no_effect(s: DayState, e: Event, d: Any) -> None:
    """staff_moved (its effect is the post_closed/post_opened beside it), staff_pin_changed:
    facts for the log that change nothing in the day's state."""


Handler = Callable[[DayState, Event, Any], None]

# Event type -> the handler that folds it, called with the event's data as its payload type
# (`events.PAYLOADS`). Every event type has exactly one line here: tests/test_events.py checks.
FOLD: dict[str, Handler] = {
    "ticket_issued": _ticket_issued,
    "ticket_called": _ticket_called,
    "ticket_recalled": _ticket_recalled,
    "ticket_called_back": _ticket_called_back,
    "ticket_moved": _ticket_moved,
    "ticket_priority_set": _ticket_priority_set,
    "ticket_no_show": _ticket_no_show,
    "ticket_requeued": _ticket_requeued,
    "ticket_started": _ticket_started,
    "ticket_finished": _ticket_finished,
    "ticket_transferred": _ticket_transferred,
    "ticket_parked": _ticket_parked,
    "ticket_resumed": _ticket_resumed,
    "ticket_closed_unserved": _ticket_closed_unserved,
    "post_opened": _post_opened,
    "post_paused": _post_paused,
    "post_resumed": _post_resumed,
    "post_closed": _post_closed,
    "post_profile_changed": _post_profile_changed,
    "staff_logged_in": _staff_logged_in,
    "staff_logged_out": _staff_logged_out,
    "staff_login_failed": _staff_login_failed,
    "staff_locked": _staff_locked,
    "staff_unlocked": _staff_unlocked,
    "staff_moved": _no_effect,
    "staff_pin_changed": _no_effect,
    "service_issuing_changed": _service_issuing_changed,
    "message_broadcast": _message_broadcast,
    "message_withdrawn": _message_withdrawn,
    "phone_call_registered": _phone_call_registered,
    "print_failed": _print_failed,
    "ticket_printed": _ticket_printed,
    "heartbeat": _heartbeat,
    "notes_purged": _notes_purged,
    "day_ended": _day_ended,
    "ticket_away": _ticket_away,
    "ticket_back": _ticket_back,
    "ticket_left": _ticket_left,
    "appointment_booked": _appointment_booked,
    "appointment_updated": _appointment_updated,
    "appointment_cancelled": _appointment_cancelled,
    "appointment_checked_in": _appointment_checked_in,
    "appointment_no_show": _appointment_no_show,
}
