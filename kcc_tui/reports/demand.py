"""What a coming day will ask of the office, learned from history: arrivals per service in each
opening hour of that weekday, and how long each call keeps a post busy.

- Arrivals: the tickets issued on the same weekday in the last `weeks` weeks, per service and
  opening slot, divided by the number of those days that had tickets (a closed holiday does not
  pull the average down).
- Busy time per call, per service over the whole window: the mean service time of §4 (call →
  end, walk included) for citizens who came, and the mean time staff waited for those who did
  not, weighted by the no-show rate. A service with too few served tickets keeps the configured
  `mean_service_min`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from statistics import pstdev

from ..domain.clock import day_bounds, zone
from ..domain.kpi import service_kpis
from ..domain.office import Office
from ..domain.state import Ticket

MIN_SAMPLES = 10  # served tickets before a learned mean replaces the configured one
PRIOR_CV = 0.5
PRIOR_NO_SHOW = 0.04
PRIOR_NO_SHOW_S = 90.0


@dataclass(frozen=True)
class Slot:
    """One planning slot: an hour from opening (the last one of a block may be shorter)."""

    block: int  # which opening range of the day (a late opening is a second block)
    start: time
    end: time

    @property
    def hours(self) -> float:
        return (_secs(self.end) - _secs(self.start)) / 3600

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class ServiceDemand:
    code: str
    per_hour: tuple[float, ...]  # arrivals per hour, one per slot
    mean_service_s: float  # call → end of those served (walk included), learned or configured
    walk_s: float
    cv: float  # coefficient of variation of the service time
    no_show: float
    no_show_s: float  # how long a post waits for a citizen who does not come
    target_s: float
    learned: bool  # False: too little history, the configured mean is used

    @property
    def busy_s(self) -> float:
        """Mean time one call keeps a post busy."""
        return (1 - self.no_show) * self.mean_service_s + self.no_show * self.no_show_s


@dataclass(frozen=True)
class Demand:
    day: date
    slots: tuple[Slot, ...]
    services: dict[str, ServiceDemand]
    history_days: tuple[date, ...]  # the same weekdays the arrivals were learned from


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def slots_for(office: Office, day: date) -> tuple[Slot, ...]:
    """The opening hours of `day` ([hours] in config.toml) cut into slots of an hour."""
    out = []
    for block, (a, b) in enumerate(office.hours.on(day)):
        s = _secs(a)
        while s < _secs(b):
            e = min(s + 3600, _secs(b))
            out.append(Slot(block, _time(s), _time(e)))
            s = e
    return tuple(out)


def _time(s: int) -> time:
    return time(s // 3600, s % 3600 // 60, s % 60)


def demand_for(office: Office, day: date, tickets: list[Ticket],
               window: tuple[date, date]) -> Demand:
    """The demand of `day` from the tickets of the business days window[0]..window[1]."""
    tz = zone(office.timezone)
    slots = slots_for(office, day)
    weekday = day.weekday()
    counts: dict[str, list[int]] = {code: [0] * len(slots) for code in office.services}
    days: set[date] = set()
    starts = [_secs(s.start) for s in slots]
    ends = [_secs(s.end) for s in slots]
    for t in tickets:
        loc = t.issued_at.astimezone(tz)
        if loc.weekday() != weekday:
            continue
        days.add(loc.date())
        s = loc.hour * 3600 + loc.minute * 60 + loc.second
        for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
            if a <= s < b and t.intervals[0].service in counts:  # not a service since removed
                counts[t.intervals[0].service][i] += 1
                break
    n = len(days)
    start = day_bounds(window[0], office.timezone)[0]
    end = day_bounds(window[1], office.timezone)[1]
    kpis = service_kpis(tickets, office, start, end)
    no_show_s = _no_show_durations(tickets)
    services = {}
    for code, row in counts.items():
        svc = office.services[code]
        k = kpis[code]
        learned = len(k.service_times) >= MIN_SAMPLES
        mean = (k.mean_service_s or 0.0) if learned else svc.mean_service_min * 60
        cv = (pstdev(k.service_times) / mean if learned and mean > 0 else PRIOR_CV)
        ns = no_show_s.get(code, [])
        services[code] = ServiceDemand(
            code=code,
            per_hour=tuple(c / n / sl.hours if n else 0.0 for c, sl in zip(row, slots,
                                                                          strict=True)),
            mean_service_s=mean,
            walk_s=(k.mean_walk_s or 0.0) if learned else 0.0,
            cv=min(5.0, cv),
            no_show=k.no_show_rate if learned and k.no_show_rate is not None else PRIOR_NO_SHOW,
            no_show_s=sum(ns) / len(ns) if ns else PRIOR_NO_SHOW_S,
            target_s=svc.target_wait_min * 60,
            learned=learned,
        )
    return Demand(day, slots, services, tuple(sorted(days)))


def _no_show_durations(tickets: list[Ticket]) -> dict[str, list[float]]:
    """Per service, how long each no-show kept its post (call → marked no-show)."""
    out: dict[str, list[float]] = {}
    for t in tickets:
        for iv in t.intervals:
            if iv.end == "no_show" and iv.called_at and iv.ended_at:
                out.setdefault(iv.service, []).append((iv.ended_at - iv.called_at).total_seconds())
    return out


def arrivals(demand: Demand, slot: int) -> float:
    """All arrivals per hour in one slot."""
    return sum(s.per_hour[slot] for s in demand.services.values())
