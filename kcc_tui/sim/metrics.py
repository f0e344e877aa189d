"""What a simulation run measured: KPIs per service and hour, estimate accuracy, Little's law.

KPIs come from `domain.kpi.service_kpis` (DESIGN.md §4) over each opening hour of each simulated
day, merged across days. Accuracy compares, on the same tickets, what each estimator said when the
ticket was issued with the ticket's actual wait (first call − issue):

- MAE: mean |estimate − wait|; bias: mean (estimate − wait), positive = too pessimistic;
- RSE, the relative squared error over tickets that had to wait (wait > 0): mean((E − W)²) divided
  by (mean W)², as in Ibrahim & Whitt's studies of delay announcements;
- coverage: the share of tickets shown a range (p90 > 0) whose wait fell within p10–p90.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..domain.kpi import ServiceKpi, idle_s, post_times, service_kpis
from ..domain.office import Office
from .model import DayResult, TicketRecord

ESTIMATORS = {
    "printed": "printed (forecast)",
    "oracle": "queue-length oracle",
    "les": "LES (last wait)",
    "simple": "queue-length, learned",
}


def merge(into: ServiceKpi, other: ServiceKpi) -> None:
    for name in ("issued", "called", "served", "no_shows", "transfers", "offered", "offered_ok"):
        setattr(into, name, getattr(into, name) + getattr(other, name))
    into.waits += other.waits
    into.waits_after += other.waits_after
    into.service_times += other.service_times
    into.walks += other.walks


def hours_spanned(days: Sequence[DayResult]) -> int:
    """Opening hours from the first opening to the last event, overtime included."""
    longest = 0.0
    for d in days:
        last = d.state.last_event
        if last is not None:
            longest = max(longest, (last.at - d.open_utc).total_seconds())
    return max(1, int(longest // 3600) + 1)


def hourly_kpis(days: Sequence[DayResult], office: Office
                ) -> tuple[int, dict[str, list[ServiceKpi]], dict[str, ServiceKpi]]:
    """(hours, per service a ServiceKpi per opening hour, per service the whole-day ServiceKpi)."""
    hours = hours_spanned(days)
    per_hour: dict[str, list[ServiceKpi]] = {}
    total: dict[str, ServiceKpi] = {}
    for d in days:
        tickets = list(d.state.tickets.values())
        for h in range(hours):
            start = d.open_utc + timedelta(hours=h)
            kpis = service_kpis(tickets, office, start, start + timedelta(hours=1))
            for code, k in kpis.items():
                row = per_hour.setdefault(code, [ServiceKpi(code, k.target_s)
                                                 for _ in range(hours)])
                merge(row[h], k)
        end = d.open_utc + timedelta(hours=hours)
        for code, k in service_kpis(tickets, office, d.open_utc, end).items():
            merge(total.setdefault(code, ServiceKpi(code, k.target_s)), k)
    return hours, per_hour, total


@dataclass
class Accuracy:
    name: str
    n: int = 0
    mae_s: float = 0.0
    bias_s: float = 0.0
    rse: float | None = None
    waited: int = 0
    # per opening hour of issue: (tickets, bias, MAE)
    hours: list[tuple[int, float | None, float | None]] = field(default_factory=list)
    coverage: float | None = None
    shown: int = 0  # tickets that were shown a range


def judged(days: Iterable[DayResult]) -> list[TicketRecord]:
    """The tickets every estimator is judged on: measured, called, with an estimate from each."""
    return [r for d in days for r in d.records
            if r.measured and r.wait is not None and r.oracle is not None
            and r.simple is not None and r.printed is not None and r.les is not None]


def accuracy(records: Sequence[TicketRecord], hours: int) -> dict[str, Accuracy]:
    out = {}
    for name in ESTIMATORS:
        a = Accuracy(name)
        pairs = [(_value(r, name), r.wait or 0.0, r.hour) for r in records]
        if pairs:
            a.n = len(pairs)
            a.mae_s = sum(abs(e - w) for e, w, _ in pairs) / a.n
            a.bias_s = sum(e - w for e, w, _ in pairs) / a.n
            waited = [(e, w) for e, w, _ in pairs if w > 0]
            a.waited = len(waited)
            if waited:
                mean_w = sum(w for _, w in waited) / len(waited)
                a.rse = sum((e - w) ** 2 for e, w in waited) / len(waited) / mean_w**2
        for h in range(hours):
            hp = [(e, w) for e, w, hh in pairs if hh == h]
            if hp:
                a.hours.append((len(hp), sum(e - w for e, w in hp) / len(hp),
                                sum(abs(e - w) for e, w in hp) / len(hp)))
            else:
                a.hours.append((0, None, None))
        if name == "printed":
            ranges = [(r.p10 or 0.0, r.p90, r.wait or 0.0) for r in records
                      if r.p90 is not None and r.p90 > 0]
            a.shown = len(ranges)
            if ranges:
                a.coverage = sum(1 for lo, hi, w in ranges if lo <= w <= hi) / len(ranges)
        out[name] = a
    return out


def _value(r: TicketRecord, name: str) -> float:
    v = getattr(r, name)
    return float(v) if v is not None else 0.0


def post_summary(days: Sequence[DayResult], office: Office) -> dict[str, dict[str, float]]:
    """Per post over all days: hours open, serving share, paused share, idle share."""
    out: dict[str, dict[str, float]] = {}
    for d in days:
        sessions = list(d.state.sessions.values())
        last = d.state.last_event.at if d.state.last_event else d.open_utc
        for p in sessions:
            open_s, serving, paused = post_times(p, d.state.tickets, last)
            row = out.setdefault(p.id, {"open_h": 0.0, "serving_h": 0.0, "paused_h": 0.0,
                                        "idle_h": 0.0, "served": 0.0})
            row["open_h"] += open_s / 3600
            row["serving_h"] += serving / 3600
            row["paused_h"] += paused / 3600
            row["idle_h"] += idle_s(p, d.state.tickets, last) / 3600
            row["served"] += p.served
    return {pid: out[pid] for pid in office.posts if pid in out}


def kpi_json(k: ServiceKpi) -> dict[str, Any]:
    def mins(x: float | None) -> float | None:
        return None if x is None else round(x / 60, 2)

    return {"issued": k.issued, "called": k.called, "served": k.served, "no_shows": k.no_shows,
            "mean_wait_min": mins(k.mean_wait_s), "p90_wait_min": mins(k.p90_wait_s),
            "sl": _r(k.sl), "sl_offered": _r(k.sl_offered), "no_show_rate": _r(k.no_show_rate),
            "mean_service_min": mins(k.mean_service_s), "mean_walk_s": _r(k.mean_walk_s, 1)}


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)
