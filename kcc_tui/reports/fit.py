"""`kcc simulate --fit DAY`: a scenario learned from the office's own history.

From the store's read models of the same weekday in the last `weeks` weeks:

- arrivals per service and opening hour, service times (mean, spread), walk times and no-shows:
  `reports.demand.demand_for`, the very figures `kcc staffing --for DAY` plans with;
- each staff member's usual day: how many sessions (a lunch break splits one into two), and
  per session the median opening and closing time and the post used most;
- their pauses: on the days with the usual number of pauses, the median start and length, and
  the reason given most.

The result is a scenario file to read, adjust ("what if a fifth counter opens at 10:00?") and
simulate. Only the first opening range of the day is fitted (a late opening is a second one).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..domain.clock import business_day, local, system_clock
from ..domain.events import Event
from ..domain.office import Office
from ..store import EventStore, SessionRecord
from .demand import demand_for
from .load import history_of, load
from .period import ENGLISH_DAYS

PAUSE_EVENTS = ("post_paused", "post_resumed")


class FitError(ValueError):
    """Not enough history to fit a scenario; `str()` is one line."""


async def fit(source: EventStore | str | Path, office: Office, office_ref: str, day: date,
              weeks: int = 8, now: datetime | None = None) -> str:
    """The scenario (TOML text) for `day`, learned from the `weeks` weeks before today in a
    store (or the store at a path)."""
    now = now or system_clock()
    today = business_day(now, office.timezone)
    window = (today - timedelta(weeks=weeks), today - timedelta(days=1))
    path = source if isinstance(source, str | Path) else source.where
    async with history_of(source) as h:
        history = await load(h, window[0], window[1], now, today)
        sessions = await h.sessions(*window)
        pauses = await h.events_of_days(*window, PAUSE_EVENTS)
    demand = demand_for(office, day, history.tickets, window)
    weekday = ENGLISH_DAYS[day.weekday()]
    if not demand.history_days:
        raise FitError(f"no tickets on a {weekday} between {window[0]} and {window[1]} in "
                       f"{path}: nothing to fit")
    slots = [s for s in demand.slots if s.block == 0]
    same = set(demand.history_days)
    lines = [
        f"# Fitted by `kcc simulate --fit {weekday}` from {len(demand.history_days)} "
        f"{weekday}s between {window[0]} and {window[1]}",
        f"# in {path}. Read it, adjust it, simulate it:",
        "#     kcc simulate THIS_FILE --days 20",
        "",
        f'name = "A usual {weekday} (fitted)"',
        f'description = "Learned from {len(demand.history_days)} days of history."',
        f"office = {json.dumps(office_ref)}",
        f"date = {day.isoformat()}",
        f'open = "{slots[0].start:%H:%M}"',
        f'close = "{slots[-1].end:%H:%M}"',
    ]
    svcs = [s for s in demand.services.values() if sum(s.per_hour[: len(slots)]) > 0]
    weight = {s.code: sum(s.per_hour[: len(slots)]) for s in svcs}
    total = sum(weight.values()) or 1.0
    walk = sum(weight[s.code] * s.walk_s for s in svcs) / total
    no_show_s = sum(weight[s.code] * s.no_show_s for s in svcs) / total
    lines += [f"walk_s = {walk:.0f}", f"no_show_wait_s = {no_show_s:.0f}", "",
              "# per_hour: arrivals in each opening hour from open; service_min: at the counter,",
              "# after the walk; cv: its coefficient of variation.  (* = the configured mean:",
              "# fewer than 10 served in the window)"]
    for s in svcs:
        service_min = max(0.1, (s.mean_service_s - s.walk_s) / 60)
        per_hour = ", ".join(f"{x:.2f}".rstrip("0").rstrip(".") for x in
                             s.per_hour[: len(slots)])
        lines += ["", f"[services.{s.code}]" + ("" if s.learned else "  # *"),
                  f"per_hour = [{per_hour}]", f"service_min = {service_min:.1f}",
                  f"cv = {s.cv:.2f}", f"no_show = {s.no_show:.3f}"]
    staff = _staff(office, sessions, same, slots[0].start, slots[-1].end)
    plans = _pauses(office, pauses, same, sessions)
    if not staff:
        raise FitError(f"no counter sessions on a {weekday} between {window[0]} and "
                       f"{window[1]} in {path}: nothing to fit")
    lines += ["", "# Each staff member's usual day: the post, the shifts (a lunch break splits",
              "# the day in two) and the pauses."]
    for sid, (post, shifts) in staff.items():
        lines += ["", f"[staff.{sid}]", f'post = "{post}"']
        if all(p == post for p, _a, _b in shifts):
            lines.append("shifts = [" + ", ".join(f'"{a:%H:%M}-{b:%H:%M}"'
                                                  for _p, a, b in shifts) + "]")
        else:
            lines.append("shifts = [" + ", ".join(
                f'{{ time = "{a:%H:%M}-{b:%H:%M}", post = "{p}" }}' for p, a, b in shifts) + "]")
        inside = [(at, m, r) for at, m, r in plans.get(sid, [])
                  if any(a <= at < b for _p, a, b in shifts)]
        if inside:
            lines.append("pauses = [" + ", ".join(
                f'{{ at = "{at:%H:%M}", minutes = {m:.0f}, reason = {json.dumps(r)} }}'
                for at, m, r in inside) + "]")
    return "\n".join(lines) + "\n"


def _clock(at: datetime, office: Office) -> time:
    t = local(at, office.timezone).time()
    minutes = round((t.hour * 60 + t.minute + t.second / 60) / 5) * 5  # to 5 minutes
    return time(min(23, minutes // 60), minutes % 60 if minutes < 24 * 60 else 55)


def _median(ts: list[time]) -> time:
    m = statistics.median_low([t.hour * 60 + t.minute for t in ts])
    return time(m // 60, m % 60)


def _staff(office: Office, rows: list[SessionRecord], days: set[date], open_: time, close: time
           ) -> dict[str, tuple[str, list[tuple[str, time, time]]]]:
    """staff -> (post used most, [(post, start, end) per usual session])."""
    per: dict[str, dict[date, list[tuple[str, time, time]]]] = {}
    for r in rows:
        if r.day not in days or r.staff is None or office.posts.get(r.post) is None:
            continue
        a = max(open_, _clock(r.opened_at, office))
        b = min(close, _clock(r.closed_at, office)) if r.closed_at else close
        if b > a:
            per.setdefault(r.staff, {}).setdefault(r.day, []).append((r.post, a, b))
    out = {}
    for sid, by_day in per.items():
        usual = Counter(len(v) for v in by_day.values()).most_common(1)[0][0]
        typical = [v for v in by_day.values() if len(v) == usual]
        shifts: list[tuple[str, time, time]] = []
        for i in range(usual):
            post = Counter(v[i][0] for v in typical).most_common(1)[0][0]
            start, end = _median([v[i][1] for v in typical]), _median([v[i][2] for v in typical])
            if shifts and start < shifts[-1][2]:
                start = shifts[-1][2]
            if end > start:
                shifts.append((post, start, end))
        if shifts:
            home = Counter(p for v in typical for p, _a, _b in v).most_common(1)[0][0]
            out[sid] = (home, shifts)
    return out


def _pauses(office: Office, events: list[Event], days: set[date], sessions: list[SessionRecord]
            ) -> dict[str, list[tuple[time, float, str]]]:
    """staff -> [(usual start, minutes, reason)] on the days with their usual number of pauses."""
    who: dict[tuple[date, str], list[SessionRecord]] = {}
    for r in sessions:
        if r.staff is not None:
            who.setdefault((r.day, r.post), []).append(r)
    per: dict[str, dict[date, list[tuple[time, float, str]]]] = {}
    started: dict[tuple[date, str], tuple[datetime, str]] = {}
    for e in events:
        day, post = e.day, e.data.get("post", "")
        if day not in days:
            continue
        if e.type == "post_paused":
            started[(day, post)] = (e.at, e.data.get("reason") or "pauze")
            continue
        if (day, post) not in started:
            continue
        begin, why = started.pop((day, post))
        sid = next((r.staff for r in who.get((day, post), [])
                    if r.opened_at <= begin and (r.closed_at is None or begin < r.closed_at)),
                   None)
        if sid is None:
            continue
        minutes = (e.at - begin).seconds / 60
        per.setdefault(sid, {}).setdefault(day, []).append(
            (_clock(begin, office), max(1.0, minutes), why))
    out = {}
    for sid, by_day in per.items():
        usual = Counter(len(v) for v in by_day.values()).most_common(1)[0][0]
        typical = [v for v in by_day.values() if len(v) == usual]
        out[sid] = [(_median([v[i][0] for v in typical]),
                     statistics.median(v[i][1] for v in typical),
                     Counter(v[i][2] for v in typical).most_common(1)[0][0])
                    for i in range(usual)]
    return out
