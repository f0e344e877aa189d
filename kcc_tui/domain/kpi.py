"""KPIs exactly as DESIGN.md §4: reports, the dashboard and the simulator all use these.

- wait = first call − issue: one per ticket, whatever happened later. A requeue or transfer starts
  a further waiting interval; those are "waits after transfer" (`waits_after`), reported apart,
  and never count towards the wait, SL or offered SL. A ticket's total waiting is the sum.
- service time = end − first call of an interval that ended done or transferred (walk included);
  walk = start − call.
- SL(t) = share of tickets first *called* in the period with wait ≤ target; "offered" SL = share
  of tickets *issued* in the period that were called within target (never called = failure).
- no-show rate = intervals ended no_show / intervals called.
- abandoned = waits the citizen gave up from the phone ("ik ga weg", interval end "left").
- A period includes its start and excludes its end; a fact belongs to the period of its time stamp.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import KW_ONLY, dataclass, field, fields
from datetime import datetime
from typing import Literal

from .office import Office
from .state import Interval, PostState, Ticket


def mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def percentile(xs: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100): an actual observed value, as staff expect."""
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


@dataclass
class Figures:
    """The §4 counts and observations of a group of tickets, and what follows from them."""

    _: KW_ONLY
    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    abandoned: int = 0
    offered: int = 0
    offered_ok: int = 0
    waits: list[float] = field(default_factory=list)
    waits_after: list[float] = field(default_factory=list)  # after a requeue or transfer
    service_times: list[float] = field(default_factory=list)
    walks: list[float] = field(default_factory=list)

    @property
    def mean_wait_s(self) -> float | None:
        return mean(self.waits)

    @property
    def mean_wait_after_s(self) -> float | None:
        """Mean "wait after transfer" (or requeue): the waits after the first call."""
        return mean(self.waits_after)

    @property
    def p90_wait_s(self) -> float | None:
        return percentile(self.waits, 90)

    @property
    def mean_service_s(self) -> float | None:
        return mean(self.service_times)

    @property
    def mean_walk_s(self) -> float | None:
        return mean(self.walks)

    @property
    def sl_offered(self) -> float | None:
        return self.offered_ok / self.offered if self.offered else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.called if self.called else None


@dataclass
class ServiceKpi(Figures):
    service: str
    target_s: float

    @property
    def sl(self) -> float | None:
        if not self.waits:
            return None
        return sum(1 for w in self.waits if w <= self.target_s) / len(self.waits)


# A fact of §4 with its time stamp: "issued" (issue time, first interval), "offered" (the first
# wait, at issue), "called" (call that ends a wait; the first is the wait, later ones
# "wait after transfer"), "ended" (end of each called interval).
Fact = Literal["issued", "offered", "called", "ended"]
# (fact, interval, time stamp) -> the groups the fact belongs to; none = left out (outside the
# period). Groups are anything hashable: (), ("hour", 9), ("post", "loket1"), ...
GroupKeys = Callable[[Fact, Interval, datetime], Iterable[Hashable]]
_WHOLE: tuple[Hashable, ...] = ((),)
_NONE: tuple[Hashable, ...] = ()


def kpis_by(tickets: Iterable[Ticket], office: Office,
            keys: GroupKeys) -> dict[tuple[Hashable, str], ServiceKpi]:
    """The §4 facts of `tickets`, each added to the ServiceKpi of (group, service) for every
    group `keys` puts it in: one pass for any number of breakdowns (hour, weekday, post, ...).
    Every group keeps its services apart, so each wait is judged against its own target."""
    out: dict[tuple[Hashable, str], ServiceKpi] = {}
    targets = {code: s.target_wait_min * 60 for code, s in office.services.items()}

    def k(group: Hashable, code: str) -> ServiceKpi:
        # a year of history is ~600k lookups: one dict probe in the common case
        kp = out.get((group, code))
        if kp is None:  # a service since removed from the config is still counted
            kp = out[(group, code)] = ServiceKpi(code, targets.get(code, 600.0))
        return kp

    for t in tickets:
        first = t.intervals[0]
        for g in keys("issued", first, t.issued_at):
            k(g, first.service).issued += 1
        for iv in t.intervals:
            code = iv.service
            if iv.queued_at is not None:
                w = iv.wait_s
                if iv is first:
                    for g in keys("offered", iv, iv.queued_at):
                        kp = k(g, code)
                        kp.offered += 1
                        if w is not None and w <= kp.target_s:
                            kp.offered_ok += 1
                if iv.called_at is not None:
                    for g in keys("called", iv, iv.called_at):
                        kp = k(g, code)
                        kp.called += 1
                        (kp.waits if iv is first else kp.waits_after).append(w or 0.0)
            if iv.end == "left" and iv.ended_at is not None:
                for g in keys("ended", iv, iv.ended_at):
                    k(g, code).abandoned += 1
            if iv.called_at is None or iv.ended_at is None:
                continue
            end = iv.end
            busy = end == "done" or end == "transferred"
            if busy:
                service_s = (iv.ended_at - iv.called_at).total_seconds()
                walk_s = (None if iv.started_at is None
                          else (iv.started_at - iv.called_at).total_seconds())
            for g in keys("ended", iv, iv.ended_at):
                kp = k(g, code)
                if end == "done":
                    kp.served += 1
                elif end == "no_show":
                    kp.no_shows += 1
                elif end == "transferred":
                    kp.transfers += 1
                if busy:
                    kp.service_times.append(service_s)
                    if walk_s is not None:
                        kp.walks.append(walk_s)
    return out


def service_kpis(
    tickets: Iterable[Ticket], office: Office, start: datetime, end: datetime
) -> dict[str, ServiceKpi]:
    """Per service, the KPIs of the period [start, end); every configured service is present."""
    out = {
        code: ServiceKpi(code, s.target_wait_min * 60) for code, s in office.services.items()
    }

    def inside(_fact: Fact, _iv: Interval, at: datetime) -> tuple[Hashable, ...]:
        return _WHOLE if start <= at < end else _NONE

    for (_, code), kp in kpis_by(tickets, office, inside).items():
        out[code] = kp
    return out


@dataclass
class CombinedKpi(Figures):
    """KPIs over several services (an hour, a post, the whole office): the counts and the waits
    add up, and SL counts each wait against its own service's target."""

    waits_ok: int = 0

    @classmethod
    def of(cls, kpis: Iterable[ServiceKpi]) -> CombinedKpi:
        c = cls()
        for k in kpis:
            c.issued += k.issued
            c.called += k.called
            c.served += k.served
            c.no_shows += k.no_shows
            c.transfers += k.transfers
            c.abandoned += k.abandoned
            c.offered += k.offered
            c.offered_ok += k.offered_ok
            target = k.target_s
            c.waits_ok += len([w for w in k.waits if w <= target])
            c.waits += k.waits
            c.waits_after += k.waits_after
            c.service_times += k.service_times
            c.walks += k.walks
        return c

    @classmethod
    def union(cls, parts: Iterable[CombinedKpi]) -> CombinedKpi:
        """The KPIs of the union of the parts' tickets (several offices: one store each): the
        counts and observations add up, each wait still judged against its own target (never
        an average of the parts' percentages)."""
        c = cls()
        for part in parts:
            for f in fields(cls):
                mine = getattr(c, f.name)
                if isinstance(mine, list):
                    mine.extend(getattr(part, f.name))
                elif isinstance(mine, int):
                    setattr(c, f.name, mine + getattr(part, f.name))
        return c

    @property
    def sl(self) -> float | None:
        return self.waits_ok / len(self.waits) if self.waits else None


def post_times(
    p: PostState, tickets: dict[str, Ticket], now: datetime
) -> tuple[float, float, float]:
    """(open, serving, paused) seconds of a post's current or last session, up to `now`."""
    if p.opened_at is None:
        return 0.0, 0.0, 0.0
    end = p.closed_at if not p.open and p.closed_at else now
    open_s = (end - p.opened_at).total_seconds()
    paused = p.paused_s + ((now - p.paused_at).total_seconds() if p.paused_at else 0.0)
    serving = p.serving_s
    if p.open and p.current is not None:
        started = tickets[p.current].current.started_at
        if started is not None:
            serving += (now - started).total_seconds()
    return open_s, serving, paused


def idle_s(p: PostState, tickets: dict[str, Ticket], now: datetime) -> float:
    """Idle time of a post = open time − serving time − paused time."""
    open_s, serving, paused = post_times(p, tickets, now)
    return max(0.0, open_s - serving - paused)
