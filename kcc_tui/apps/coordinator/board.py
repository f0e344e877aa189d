"""What the coordinator board shows, computed from today's state: no Textual here.

Per-service figures use the report definitions (`kpi.service_kpis` over today's period from
`clock.day_bounds`, `estimate.estimate`), so the board and the reports never disagree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ...domain.clock import day_bounds, local, zone
from ...domain.commands import NotIssuing, issuing_now
from ...domain.estimate import estimate, mean_service_s, serving_posts
from ...domain.kpi import ServiceKpi, idle_s, service_kpis
from ...domain.office import Office
from ...domain.routing import is_away
from ...domain.state import DayState, PostState


@dataclass(frozen=True, slots=True)
class ServiceRow:
    code: str
    name: str
    waiting: int
    longest_s: float | None  # longest current wait; None when nobody waits
    estimate_s: float | None  # for a ticket taken now; None: see estimate_code
    served: int
    mean_wait_s: float | None
    sl: float | None  # share of today's calls within target
    target_min: float
    issuing: str  # "on", or why not: "off", "cap", "closed"
    clear_s: float | None  # time the current queue needs; None when it cannot clear
    estimate_code: str | None = None  # why there is no estimate (domain.estimate codes)
    away: int = 0  # of the waiting, how many said "even weg" on their phone


@dataclass(frozen=True, slots=True)
class PostRow:
    id: str
    name: str
    kind: str
    staff: str  # full name, "" when closed
    state: str  # called, serving, idle, paused, closed
    reason: str  # pause reason
    ticket: str  # current ticket number or ""
    for_s: float | None  # how long: the current ticket since its call, else the current state
    served: int  # today, all sessions (phone post: contacts registered)
    idle_s: float | None  # today, all sessions; None when never opened
    services: str  # profile as prefixes, weight shown when it is not 1: "A×2 C E"


# issuing_now's answer as the board's issuing column
ISSUING: dict[NotIssuing | None, str] = {
    None: "on", NotIssuing.CAP: "cap", NotIssuing.DAY_CLOSED: "closed", NotIssuing.STOPPED: "off",
}


def today_kpis(state: DayState, office: Office) -> dict[str, ServiceKpi]:
    """Today's KPIs per service (they change with events only, not with the clock)."""
    start, end = day_bounds(state.day, office.timezone)
    return service_kpis(state.tickets.values(), office, start, end)


def service_rows(state: DayState, office: Office, now: datetime,
                 kpis: dict[str, ServiceKpi] | None = None) -> list[ServiceRow]:
    kpis = kpis if kpis is not None else today_kpis(state, office)
    rows = []
    for code, svc in office.services.items():
        waiting = state.waiting(code)
        k = kpis[code]
        reason = issuing_now(state, office, code)
        est = estimate(state, office, code, now)
        rows.append(ServiceRow(
            code=code,
            name=svc.name(),
            waiting=len(waiting),
            # the citizen's wait: from issue, also after a requeue or transfer
            longest_s=max(((now - t.issued_at).total_seconds() for t in waiting), default=None),
            estimate_s=est.wait_s,
            served=k.served,
            mean_wait_s=k.mean_wait_s,
            sl=k.sl,
            target_min=svc.target_wait_min,
            issuing=ISSUING[reason],
            clear_s=clear_queue_s(state, office, code, len(waiting)),
            estimate_code=est.code,
            away=sum(1 for t in waiting if is_away(t, now)),
        ))
    return rows


def clear_queue_s(state: DayState, office: Office, code: str, waiting: int) -> float | None:
    """How long the current queue needs: waiting × mean service time ÷ open posts serving it."""
    if waiting == 0:
        return 0.0
    posts = serving_posts(state, code)
    if posts == 0:
        return None
    return waiting * mean_service_s(state, office, code) / posts


def post_rows(state: DayState, office: Office, now: datetime,
              unreachable: Collection[str] = ()) -> list[PostRow]:
    """One row per post; a post in `unreachable` (its app went silent) shows as such."""
    served: dict[str, int] = {}
    for t in state.tickets.values():
        for iv in t.intervals:
            if iv.end == "done" and iv.post is not None:
                served[iv.post] = served.get(iv.post, 0) + 1
    for _at, post, _staff, _topic in state.calls:
        served[post] = served.get(post, 0) + 1
    rows = []
    for pid, post in office.posts.items():
        p = state.posts.get(pid) or PostState(pid)
        status = "unreachable" if pid in unreachable else p.status(state.tickets)
        ticket = state.tickets.get(p.current) if p.current else None
        if ticket is not None and ticket.current.called_at is not None:
            since: datetime | None = ticket.current.called_at
        elif status == "paused":
            since = p.paused_at
        elif status == "closed":
            since = p.closed_at
        else:
            since = p.last_change
        staff = office.staff[p.staff].name if p.staff in office.staff else (p.staff or "")
        rows.append(PostRow(
            id=pid, name=post.name, kind=post.kind, staff=staff, state=status,
            reason=p.pause_reason or "", ticket=p.current or "",
            for_s=(now - since).total_seconds() if since else None,
            served=served.get(pid, 0),
            idle_s=idle_today_s(state, p, now),
            # a closed post reopens with the profile it had (DESIGN.md: the move keeps it)
            services=profile_text(office, p.services or post.services),
        ))
    return rows


def idle_today_s(state: DayState, p: PostState, now: datetime) -> float | None:
    """Idle time over all of today's sessions of a post (DESIGN.md §4), up to now."""
    sessions = [s for (post, _), s in state.sessions.items() if post == p.id]
    if p.open:
        sessions.append(p)
    if not sessions:
        return None
    return sum(idle_s(s, state.tickets, now) for s in sessions)


def profile_text(office: Office, services: dict[str, float]) -> str:
    parts = []
    for code, weight in services.items():
        svc = office.services.get(code)
        prefix = svc.prefix if svc else code
        parts.append(prefix if weight == 1 else f"{prefix}×{weight:g}")
    return " ".join(parts) or "—"


# -- opening hours -------------------------------------------------------------------------------
def closing_time(office: Office, now: datetime) -> datetime | None:
    """When the current (or, before opening, the next) opening interval of today ends."""
    here = local(now, office.timezone)
    for _open, close in office.hours.on(here):
        end = _at(here, close, office.timezone)
        if here < end:
            return end
    return None


def opening_span(office: Office, now: datetime) -> tuple[int, int] | None:
    """First and last local hour of today's opening hours (None on a closed day)."""
    here = local(now, office.timezone)
    today = office.hours.on(here)
    if not today:
        return None
    first = min(o for o, _ in today).hour
    last_close = max(c for _, c in today)
    last = last_close.hour - (1 if last_close.minute == 0 and last_close.hour > 0 else 0)
    return first, last


def _at(here: datetime, t: time, tz: str) -> datetime:
    return datetime(here.year, here.month, here.day, t.hour, t.minute, tzinfo=zone(tz))


# -- the chart -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DayChart:
    hours: list[int]  # local hours shown
    arrivals: list[int]  # tickets issued per hour
    served: list[int]  # tickets finished per hour
    queue_start: datetime  # local time of the first queue sample
    queue_step: timedelta
    queue: list[int]  # the longest queue within each step


def day_chart(state: DayState, office: Office, now: datetime, per_hour: int = 3) -> DayChart:
    """Arrivals and served per local hour over today's opening hours (widened to cover every
    ticket), and the queue length in `per_hour` steps per hour, aligned with the hours."""
    tz = office.timezone
    here = local(now, tz)
    issued = [local(t.issued_at, tz) for t in state.tickets.values()]
    done = [local(iv.ended_at, tz) for t in state.tickets.values() for iv in t.intervals
            if iv.end == "done" and iv.ended_at is not None]
    span = opening_span(office, now)
    seen = [a.hour for a in issued + done] or [here.hour]
    lo = min([*seen, *([span[0]] if span else [])])
    hi = max([*seen, *([span[1]] if span else [])])
    hours = list(range(lo, hi + 1))
    arrivals = [sum(1 for a in issued if a.hour == h) for h in hours]
    served = [sum(1 for d in done if d.hour == h) for h in hours]
    start = datetime(here.year, here.month, here.day, lo, tzinfo=zone(tz))
    step = timedelta(minutes=60 / per_hour)
    return DayChart(hours, arrivals, served, start, step,
                    queue_profile(state, start, step, len(hours) * per_hour, now))


def queue_profile(state: DayState, start: datetime, step: timedelta, points: int,
                  now: datetime) -> list[int]:
    """The longest waiting queue within each step from `start` (a sweep over wait intervals)."""
    changes: list[tuple[datetime, int]] = []
    for t in state.tickets.values():
        for iv in t.intervals:
            if iv.queued_at is None:
                continue
            changes.append((iv.queued_at, 1))
            left = iv.called_at or iv.ended_at
            if left is not None:
                changes.append((left, -1))
    changes.sort(key=lambda c: (c[0], c[1]))  # leaving before joining at the same instant
    out = [0] * points
    level, i = 0, 0
    for n in range(points):
        lo, hi = start + step * n, start + step * (n + 1)
        if lo > now:
            break
        while i < len(changes) and changes[i][0] < lo:
            level += changes[i][1]
            i += 1
        peak = level
        while i < len(changes) and changes[i][0] < hi:
            level += changes[i][1]
            i += 1
            peak = max(peak, level)
        out[n] = peak
    return out
