"""The report's appointment table (issue 18): walk-ins and appointments side by side, in total,
per service and per hour, from `domain.appointment_kpi`. The text, JSON, CSV and XLSX reports
all show these rows; a period without appointments has none (and no extra sheet)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..domain.appointment_kpi import AppointmentFigures, WalkInFigures, side_by_side
from ..domain.appointments import Appointment
from ..domain.office import Office
from ..domain.state import Ticket

TITLE = "Appointments and walk-ins"
# key, header: the CSV/XLSX/JSON columns (shares 0..1 are in SHARES below)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("by", "by"), ("key", "key"), ("label", "name"),
    ("walk_ins", "walk-ins"), ("walk_in_wait_min", "walk-in wait (min)"),
    ("walk_in_sl", "walk-in SL"),
    ("booked", "appointments"), ("checked_in", "checked in"), ("no_shows", "no-shows"),
    ("no_show_rate", "appointment no-show rate"),
    ("appointment_wait_min", "appointment wait (min)"),
    ("appointment_p90_min", "appointment p90 (min)"),
    ("within_target", "appointment wait ≤ target"),
    ("punctuality_min", "punctuality (min)"), ("before_share", "served before booked time"),
)
SHARES = frozenset({"walk_in_sl", "no_show_rate", "within_target", "before_share"})
SCREEN: tuple[tuple[str, str], ...] = (
    ("label", ""), ("walk_ins", "walk-in"), ("walk_in_wait_min", "wait"), ("walk_in_sl", "SL"),
    ("booked", "appts"), ("checked_in", "in"), ("no_show_rate", "no-show"),
    ("appointment_wait_min", "wait"), ("within_target", "≤target"),
    ("punctuality_min", "punct"), ("before_share", "early"),
)


def _min(s: float | None) -> float | None:
    return None if s is None else round(s / 60, 1)


def _share(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def appointment_rows(appointments: Iterable[Appointment], tickets: Iterable[Ticket],
                     office: Office, now: datetime) -> list[dict[str, Any]]:
    apps = list(appointments)
    if not apps:
        return []
    figs, walk = side_by_side(apps, tickets, office, now)
    target_s = office.appointments.target_wait_min * 60
    found = set(figs) | set(walk)
    services = [c for c in office.services if ("service", c) in found]
    services += sorted(k[1] for k in found  # type: ignore[index]
                       if k[0] == "service" and k[1] not in office.services)  # type: ignore[index]
    hours = sorted(int(k[1]) for k in found if k[0] == "hour")  # type: ignore[index]
    keys: list[tuple[str, str, str]] = [("total", "total", "total")]
    keys += [("service", c, office.services[c].name() if c in office.services else c)
             for c in services]
    keys += [("hour", str(h), f"{h:02d}:00") for h in hours]
    rows = []
    for by, value, label in keys:
        key = ("total",) if by == "total" else (by, int(value) if by == "hour" else value)
        f, w = figs.get(key, AppointmentFigures()), walk.get(key, WalkInFigures())
        rows.append({
            "by": by, "key": value, "label": label,
            "walk_ins": w.issued, "walk_in_wait_min": _min(w.mean_wait_s),
            "walk_in_sl": _share(w.sl), "booked": f.booked, "checked_in": f.checked_in,
            "no_shows": f.no_shows, "no_show_rate": _share(f.no_show_rate),
            "appointment_wait_min": _min(f.mean_wait_s),
            "appointment_p90_min": _min(f.p90_wait_s),
            "within_target": _share(f.within(target_s)),
            "punctuality_min": _min(f.mean_punctuality_s),
            "before_share": _share(f.before_share)})
    return rows
