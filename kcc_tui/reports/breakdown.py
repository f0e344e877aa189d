"""The report's tables: the KPIs of a period broken down by service, hour, weekday, day, post and
staff member.

All figures come from `domain.kpi` in one pass (`kpis_by`): every fact (issue, start of a wait,
call, end) counts in the group of its own time stamp, so a ticket issued at 09:58 and called at
10:03 is issued in the 09:00 row and waits in the 10:00 row (DESIGN.md §4). Post and staff rows
count what happened at that post or by that person: calls and their ends, never issues.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.clock import zone
from ..domain.kpi import CombinedKpi, Fact, ServiceKpi, kpis_by
from ..domain.office import Office
from ..domain.state import Interval
from .load import History, Session
from .period import ENGLISH_DAYS, WEEKDAYS, Period

BREAKDOWNS = ("service", "hour", "weekday", "day", "post", "staff")
TITLES = {"service": "By service", "hour": "By hour of the day", "weekday": "By weekday",
          "day": "By day", "post": "By post (loket)", "staff": "By staff member"}
TOTAL = "total"

# The columns of every table, in the CSV, the XLSX and the JSON, with the rounding they get.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "key"), ("label", "name"), ("issued", "issued"), ("called", "called"),
    ("served", "served"), ("no_shows", "no-shows"), ("transfers", "transfers"),
    ("mean_wait_min", "mean wait (min)"), ("p90_wait_min", "p90 wait (min)"),
    ("mean_wait_after_min", "mean wait after transfer (min)"),
    ("target_min", "target (min)"), ("sl", "SL"), ("sl_offered", "SL offered"),
    ("no_show_rate", "no-show rate"), ("mean_service_min", "mean service (min)"),
    ("mean_walk_s", "mean walk (s)"), ("open_h", "open (h)"), ("paused_h", "paused (h)"),
    ("idle_h", "idle (h)"), ("phone_calls", "phone contacts"),
)
# shares (0..1): shown as percentages
SHARES = frozenset({"sl", "sl_offered", "no_show_rate", "erlang_sl", "simulated_sl"})


def _r(x: float | None, nd: int) -> float | None:
    return None if x is None else round(x, nd)


@dataclass
class Row:
    key: str
    label: str
    kpi: CombinedKpi
    target_min: float | None = None
    sessions: list[Session] = field(default_factory=list)
    phone_calls: int = 0
    has_sessions: bool = False  # idle time only means something where posts open and close
    issues: bool = True  # False for posts and staff: tickets are issued at the kiosk
    _values: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def values(self) -> dict[str, Any]:
        """The row as written everywhere (CSV, XLSX, JSON, terminal), rounded once here so that
        every output holds the same numbers. Worked out once (a p90 sorts every wait)."""
        if self._values is None:
            self._values = self._compute()
        return dict(self._values)

    def _compute(self) -> dict[str, Any]:
        k = self.kpi

        def mins(s: float | None) -> float | None:
            return None if s is None else round(s / 60, 2)

        def hours(xs: Iterable[float]) -> float | None:
            return round(sum(xs) / 3600, 2) if self.has_sessions else None

        return {
            "key": self.key, "label": self.label,
            "issued": k.issued if self.issues else None, "called": k.called,
            "served": k.served, "no_shows": k.no_shows, "transfers": k.transfers,
            "mean_wait_min": mins(k.mean_wait_s), "p90_wait_min": mins(k.p90_wait_s),
            "mean_wait_after_min": mins(k.mean_wait_after_s),
            "target_min": self.target_min, "sl": _r(k.sl, 4),
            "sl_offered": _r(k.sl_offered, 4) if self.issues else None,
            "no_show_rate": _r(k.no_show_rate, 4), "mean_service_min": mins(k.mean_service_s),
            "mean_walk_s": _r(k.mean_walk_s, 1),
            "open_h": hours(s.open_s for s in self.sessions),
            "paused_h": hours(s.paused_s for s in self.sessions),
            "idle_h": hours(s.idle_s for s in self.sessions),
            "phone_calls": self.phone_calls,
        }


def breakdowns(history: History, office: Office, period: Period) -> dict[str, list[Row]]:
    """Every breakdown of the period, each a list of rows in a natural order."""
    tz = zone(office.timezone)
    start, end = period.bounds(office.timezone)
    # A fact is put in one group per local hour of a day, ("at", day, hour); the day, weekday,
    # hour and total rows are unions of those. So a year (~300k facts) is one pass with one or
    # three groups per fact, and the local time is worked out once per hour, not per fact
    # (Brussels changes its UTC offset only on the hour).
    hours: dict[float, tuple[Hashable, ...]] = {}
    posts: dict[str | None, Hashable] = {}
    staff: dict[str | None, Hashable] = {}

    def hour_group(at: datetime) -> tuple[Hashable, ...]:
        key = at.timestamp() // 3600
        g = hours.get(key)
        if g is None:
            loc = at.astimezone(tz)
            g = hours[key] = (("at", loc.date(), loc.hour),)
        return g

    def keys(fact: Fact, iv: Interval, at: datetime) -> tuple[Hashable, ...]:
        if not start <= at < end:
            return ()
        g = hour_group(at)
        if fact == "called" or fact == "ended":
            p = posts.get(iv.post) or posts.setdefault(iv.post, ("post", iv.post))
            s = staff.get(iv.staff) or staff.setdefault(iv.staff, ("staff", iv.staff))
            return (*g, p, s)
        return g

    by: dict[str, dict[Any, list[ServiceKpi]]] = defaultdict(lambda: defaultdict(list))
    for (group, code), kp in kpis_by(history.tickets, office, keys).items():
        assert isinstance(group, tuple)
        if group[0] == "at":
            _, d, h = group
            for k, v in (("day", d), ("weekday", d.weekday()), ("hour", h), ("total", None),
                         ("service", code)):
                by[k][v].append(kp)
        elif group[1] is not None:  # a post or staff member
            by[group[0]][group[1]].append(kp)

    calls: dict[str, Counter[Any]] = defaultdict(Counter)
    for c in history.calls:
        if start <= c.at < end:
            loc = c.at.astimezone(tz)
            for k, v in (("day", loc.date()), ("weekday", loc.weekday()), ("hour", loc.hour),
                         ("total", None), ("post", c.post), ("staff", c.staff)):
                calls[k][v] += 1
    sessions: dict[str, dict[Any, list[Session]]] = defaultdict(lambda: defaultdict(list))
    for se in history.sessions:
        for k, v in (("day", se.day), ("weekday", se.day.weekday()), ("total", None),
                     ("post", se.post), ("staff", se.staff)):
            sessions[k][v].append(se)

    def row(kind: str, value: Any, key: str, label: str) -> Row:
        with_sessions = kind != "hour"
        return Row(key, label, CombinedKpi.of(by[kind].get(value, [])),
                   sessions=sessions[kind].get(value, []) if with_sessions else [],
                   phone_calls=calls[kind].get(value, 0), has_sessions=with_sessions,
                   issues=kind not in ("post", "staff"))

    def present(kind: str, known: Iterable[Any] = ()) -> list[Any]:
        """Values seen in the period: the known ones in config order, then the rest sorted."""
        found = {v for src in (by, calls, sessions) for v in src[kind] if v is not None}
        first = [k for k in known if k in found]
        return first + sorted(found - set(first))

    # by service: the configured services in config order, then any since removed
    svc_rows = []
    for code in [*office.services, *sorted(set(by["service"]) - set(office.services))]:
        svc = office.services.get(code)
        kps = by["service"].get(code, [])
        target = kps[0].target_s / 60 if kps else (svc.target_wait_min if svc else None)
        svc_rows.append(Row(code, svc.name() if svc else code, CombinedKpi.of(kps),
                            target_min=target, has_sessions=False))
    svc_rows.append(row("total", None, TOTAL, "Total"))

    staff_names = {sid: m.name for sid, m in office.staff.items()}
    return {
        "service": svc_rows,
        "hour": [row("hour", h, f"{h:02d}:00", f"{h:02d}:00–{(h + 1) % 24:02d}:00")
                 for h in present("hour")],
        "weekday": [row("weekday", w, WEEKDAYS[w], ENGLISH_DAYS[w].title())
                    for w in present("weekday")],
        "day": [row("day", d, str(d), f"{WEEKDAYS[d.weekday()].title()} {d}")
                for d in present("day")],
        "post": [row("post", p, p, office.posts[p].name if p in office.posts else p)
                 for p in present("post", office.posts)],
        "staff": [row("staff", s, s, staff_names.get(s, s))
                  for s in present("staff", office.staff)],
    }
