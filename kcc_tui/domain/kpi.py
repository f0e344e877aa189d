"""KPIs exactly as DESIGN.md §4: reports, the dashboard and the simulator all use these.

- wait = first call − start of the wait; each requeue or transfer starts a new wait interval, so a
  ticket can contribute more than one wait.
- service time = end − first call of an interval that ended done or transferred (walk included);
  walk = start − call.
- SL(t) = share of waits *called* in the period with wait ≤ target; "offered" SL = share of waits
  *started* in the period that were called within target (never called counts as a failure).
- no-show rate = intervals ended no_show / intervals called.
- A period includes its start and excludes its end; a fact belongs to the period of its time stamp.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .office import Office
from .state import PostState, Ticket


def _in(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def percentile(xs: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100): an actual observed value, as staff expect."""
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


@dataclass
class ServiceKpi:
    service: str
    target_s: float
    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    offered: int = 0
    offered_ok: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)
    walks: list[float] = field(default_factory=list)

    @property
    def mean_wait_s(self) -> float | None:
        return mean(self.waits)

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
    def sl(self) -> float | None:
        if not self.waits:
            return None
        return sum(1 for w in self.waits if w <= self.target_s) / len(self.waits)

    @property
    def sl_offered(self) -> float | None:
        return self.offered_ok / self.offered if self.offered else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.called if self.called else None


def service_kpis(
    tickets: Iterable[Ticket], office: Office, start: datetime, end: datetime
) -> dict[str, ServiceKpi]:
    out = {
        code: ServiceKpi(code, s.target_wait_min * 60) for code, s in office.services.items()
    }

    def k(code: str) -> ServiceKpi:
        if code not in out:  # a service since removed from the config: still counted
            out[code] = ServiceKpi(code, 600.0)
        return out[code]

    for t in tickets:
        if _in(t.issued_at, start, end):
            k(t.intervals[0].service).issued += 1
        for iv in t.intervals:
            kp = k(iv.service)
            if iv.queued_at is not None and _in(iv.queued_at, start, end):
                kp.offered += 1
                w = iv.wait_s
                if w is not None and w <= kp.target_s:
                    kp.offered_ok += 1
            if _in(iv.called_at, start, end) and iv.queued_at is not None:
                kp.called += 1
                kp.waits.append(iv.wait_s or 0.0)
            if _in(iv.ended_at, start, end) and iv.called_at is not None:
                if iv.end == "done":
                    kp.served += 1
                elif iv.end == "no_show":
                    kp.no_shows += 1
                elif iv.end == "transferred":
                    kp.transfers += 1
                if iv.end in ("done", "transferred") and iv.ended_at is not None:
                    kp.service_times.append((iv.ended_at - iv.called_at).total_seconds())
                    if iv.started_at is not None:
                        kp.walks.append((iv.started_at - iv.called_at).total_seconds())
    return out


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
