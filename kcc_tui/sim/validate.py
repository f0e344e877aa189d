"""Validation against theory: one pool of identical posts is an M/M/s queue, and Erlang C gives
its exact steady state. `kcc simulate --validate` checks the two cases below (or a one-pool
scenario file) in three ways:

1. the simulator (SimPy + the real domain code) against Erlang C: P(wait), the mean wait and
   SL(target), measured on chained days (whoever is still in the office at closing time is
   first in line the next morning, so the days form one long steady-state run);
2. exactness: on a day of the same scenario, every simulated wait equals the wait the textbook
   first-come-first-served recursion gives for the same citizens (the same arrival times and
   service times), to the microsecond. Any slip in calling, numbering or measuring shows here;
3. precision: that recursion, fed by the simulator's own arrival and service draws, for a
   million citizens, against Erlang C. A heavily loaded M/M/s queue forgets its state slowly
   (hours), so a few hundred simulated days are needed for ±5 % on the mean wait; (2) and (3)
   together pin the simulator down in seconds.

Little's law is checked per opening hour: the average number waiting measured from the queue
as the domain's fold sees it, against the waiting time of the tickets in that hour as the KPIs
measure it; and L = λW over the whole run.

Judged with confidence intervals, not fixed tolerances alone: the waits of a run, in order of
arrival, are cut into `BATCHES` batches, whose means give a 99.9 % interval for P(wait), the
mean wait and SL. Batch means are only independent when each batch spans several times the
time the queue takes to forget its state (the relaxation time 1 / (sμ(1 − √ρ)²): 52 hours for
M/M/5 at ρ 0.95); a run too short for that is inconclusive, never failed, and says how many
chained days it needs. Otherwise a check fails only when the difference from Erlang C is both
larger than the tolerance and larger than the interval (significant), so noise does not fail a
correct simulator; when the interval is wider than the tolerance the check says how many days
would make it that narrow. The exactness check (2) needs no statistics and catches real slips
in seconds.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..domain.erlang import ErlangC, erlang_c
from .citizens import arrival_times, draw_needs
from .model import DayResult, simulate
from .scenario import Loaded, scenario_from_document

P_WAIT_TOL = 0.01  # absolute
MEAN_WAIT_TOL = 0.05  # relative
SL_TOL = 0.015  # absolute
LITTLE_TOL = 0.02  # relative
EXACT_TOL_S = 0.001  # simulated waits are datetimes: microseconds
BATCHES = 20  # batch means for the confidence intervals
T_999 = 3.883  # Student t, 99.9 % two-sided, 19 degrees of freedom
RELAXATIONS = 5  # a batch spans at least this many relaxation times


@dataclass(frozen=True)
class Case:
    name: str
    servers: int
    rate_per_min: float
    mean_min: float
    days: int  # chained days simulated by default


CASES = (
    Case("M/M/3, λ 0.25/min, 10 min", 3, 0.25, 10.0, 300),
    Case("M/M/10, λ 0.8/min, 10 min", 10, 0.8, 10.0, 100),
)


@dataclass
class Check:
    name: str
    simulated: float
    exact: float
    tolerance: str
    ok: bool
    half_width: float | None = None  # the 99.9 % confidence interval is simulated ± this
    days_needed: int | None = None  # chained days for an interval as narrow as the tolerance


@dataclass
class Validation:
    name: str
    servers: int
    rate_per_min: float
    mean_min: float
    target_min: float
    days: int
    tickets: int
    checks: list[Check] = field(default_factory=list)
    little: list[tuple[int, float, float, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def one_pool(case: Case, *, overtime_min: float = 0.0) -> Loaded:
    """The M/M/s case as a scenario of the example office: `servers` posts that all call eid."""
    posts = {f"p{i:02d}": {"name": f"Loket {i}", "services": ("eid",)}
             for i in range(1, case.servers + 1)}
    staff = {f"s{i:02d}": {"post": f"p{i:02d}", "shifts": ("07:00-21:00",)}
             for i in range(1, case.servers + 1)}
    doc: dict[str, Any] = {
        "name": case.name, "office": "example", "date": "2026-11-24",
        "open": "07:00", "close": "21:00", "warmup_min": 120.0, "rule": "fifo",
        "walk_s": 0.0, "no_show_wait_s": 0.0, "overtime_min": overtime_min,
        "services": {"eid": {"per_hour": (case.rate_per_min * 60,) * 14,
                             "service_min": case.mean_min, "distribution": "exponential",
                             "no_show": 0.0}},
        "posts": posts, "staff": staff,
    }
    return scenario_from_document(doc, f"<{case.name}>")


def as_case(loaded: Loaded, days: int | None = None) -> Case:
    """The M/M/s parameters of a one-pool scenario; ValueError (one line) when it is not one."""
    s, office = loaded.scenario, loaded.office
    if len(s.services) != 1:
        raise ValueError("an M/M/s scenario needs exactly one service with arrivals")
    code, plan = next(iter(s.services.items()))
    problems = []
    if len(set(plan.per_hour)) != 1:
        problems.append("the same arrivals in every hour")
    if plan.distribution != "exponential":
        problems.append('distribution = "exponential"')
    if plan.no_show or plan.priority:
        problems.append("no_show = 0 and priority = 0")
    if s.walk_s:
        problems.append("walk_s = 0")
    if s.moves or s.profiles or s.phone:
        problems.append("no moves, profile changes or phone calls")
    for sid, st in s.staff.items():
        if st.pauses or len(st.shifts) != 1 or st.shifts[0].post not in (None, st.post):
            problems.append(f"staff.{sid}: one shift, no pauses")
        elif st.shifts[0].time[0] > s.open or st.shifts[0].time[1] < s.close:
            problems.append(f"staff.{sid}: a shift from open to close")
        if set(office.posts[st.post].services) != {code}:
            problems.append(f"posts.{st.post}: calls only {code}")
    if problems:
        raise ValueError("an M/M/s scenario needs " + "; ".join(dict.fromkeys(problems)))
    mean = plan.service_min or office.services[code].mean_service_min
    rate = plan.per_hour[0] * s.scale / 60
    if days is None:  # as many days as the built-in case with these figures, else 200
        days = next((c.days for c in CASES if (c.servers, c.rate_per_min, c.mean_min)
                     == (len(s.staff), rate, mean)), 200)
    return Case(s.name, len(s.staff), rate, mean, days)


def fifo_waits(arrivals: Sequence[float], busy: Sequence[float], servers: int) -> list[float]:
    """The textbook s-server first-come-first-served queue: each citizen, in order of arrival,
    goes to the server that is free first."""
    free = [0.0] * servers
    waits = []
    for a, x in zip(arrivals, busy, strict=True):
        start = max(a, free[0])
        heapq.heapreplace(free, start + x)
        waits.append(start - a)
    return waits


def _measures(waits: Sequence[float], target_s: float) -> tuple[float, float, float]:
    n = len(waits)
    return (sum(1 for w in waits if w > 0) / n, sum(waits) / n / 60,
            sum(1 for w in waits if w <= target_s) / n)


def _half_widths(waits: Sequence[float], target_s: float) -> tuple[float, ...] | None:
    """99.9 % half-widths of P(wait), mean wait (min) and SL by batch means; None when
    there are too few waits to cut into batches."""
    size = len(waits) // BATCHES
    if size < 2:
        return None
    batches = [_measures(waits[i * size:(i + 1) * size], target_s) for i in range(BATCHES)]
    columns = zip(*batches, strict=True)
    return tuple(T_999 * statistics.stdev(col) / math.sqrt(BATCHES) for col in columns)


def relaxation_h(case: Case) -> float:
    """How long (hours) the M/M/s queue takes to forget its state: 1 / (sμ(1 − √ρ)²)."""
    rho = case.rate_per_min * case.mean_min / case.servers
    if rho >= 1:
        return math.inf
    return case.mean_min / case.servers / (1 - math.sqrt(rho)) ** 2 / 60


def reliable_days(case: Case, hours_per_day: float) -> int:
    """Chained days for batches that each span `RELAXATIONS` relaxation times."""
    need = BATCHES * RELAXATIONS * relaxation_h(case) / max(hours_per_day, 1.0)
    return math.ceil(need) if math.isfinite(need) else 10**6


def _checks(prefix: str, waits: Sequence[float], exact: ErlangC, target_min: float,
            days: int | None = None, min_days: int = 0) -> list[Check]:
    """Checks of P(wait), the mean wait and SL against Erlang C. `days`: the chained days the
    waits come from (None: one long run), `min_days`: days for batches that are independent."""
    measured = _measures(waits, target_min * 60)
    widths = _half_widths(waits, target_min * 60) or (None, None, None)
    inconclusive = days is not None and days < min_days
    out = []
    for (name, tol_text), value, true, tol, hw in zip(
            ((f"{prefix}P(wait)", f"± {P_WAIT_TOL}"),
             (f"{prefix}mean wait (min)", f"± {MEAN_WAIT_TOL:.0%}"),
             (f"{prefix}SL({target_min:g} min)", f"± {SL_TOL}")),
            measured, (exact.p_wait, exact.mean_wait, exact.service_level(target_min)),
            (P_WAIT_TOL, MEAN_WAIT_TOL * exact.mean_wait, SL_TOL), widths, strict=True):
        diff = abs(value - true)
        # Fail only on a difference beyond the tolerance that noise cannot explain.
        ok = inconclusive or diff <= tol or (hw is not None and diff <= hw)
        need = None
        if days is not None and hw is not None:
            need = max(min_days, days if hw <= tol else math.ceil(days * (hw / tol) ** 2))
        out.append(Check(name, value, true, tol_text, ok, hw, need))
    return out


def reference(loaded: Loaded, case: Case, customers: int, seed: int = 1) -> list[float]:
    """Waits (s) of the recursion for `customers` citizens drawn as the simulator draws them,
    in one uninterrupted run, without the first `warmup_min`."""
    s = loaded.scenario
    code = next(iter(s.services))
    hours = int(customers / (case.rate_per_min * 60)) + 2
    warmup = s.warmup_min * 60
    rng, needs_rng = random.Random(f"{seed}:reference"), random.Random(f"{seed}:needs")
    arrivals = list(arrival_times(rng, (case.rate_per_min * 60,) * hours, 1.0, hours * 3600.0))
    busy = [draw_needs(needs_rng, s, loaded.office, code).service_s for _ in arrivals]
    waits = fifo_waits(arrivals, busy, case.servers)
    return [w for a, w in zip(arrivals, waits, strict=True) if a >= warmup]


def exactness(loaded: Loaded, case: Case, seed: int = 1) -> tuple[int, float]:
    """(tickets, largest difference in s) between one simulated day, on which everyone is
    served, and the recursion."""
    plain = dataclasses.replace(loaded, scenario=loaded.scenario.model_copy(
        update={"overtime_min": 720.0}))
    day = simulate(plain, 1, seed, estimates=False)[0]
    recs = sorted(day.records, key=lambda r: r.issued_s)
    expected = fifo_waits([r.issued_s for r in recs], [r.busy_s for r in recs], case.servers)
    worst = max((abs((r.wait if r.wait is not None else float("inf")) - w)
                 for r, w in zip(recs, expected, strict=True)), default=0.0)
    return len(recs), worst


def little(days: Sequence[DayResult], warmup_s: float, close_s: float
           ) -> tuple[list[tuple[int, float, float, float]], float, float]:
    """Per opening hour, pooled over the days: (hour, L from the queue, L from the tickets'
    waits, λ·W of the hour's arrivals). Then the whole run: (∫ number waiting dt, Σ waits).
    Chained days are one run: only the first day's warm-up hours are left out."""
    per: dict[int, list[float]] = {}
    area_all = waits_all = 0.0
    for d in days:
        first = int(-(-warmup_s // 3600)) if d.index == 0 else 0
        for h in range(first, int(close_s // 3600)):
            row = per.setdefault(h, [0.0, 0.0, 0.0, 0.0])
            q = d.queue_area[h] if h < len(d.queue_area) else 0.0
            arrived = sum(r.wait for r in d.records if r.hour == h and r.wait is not None)
            row[0] += 3600.0
            row[1] += q
            row[2] += _waiting_in(d, h)
            row[3] += arrived
            area_all += q
            waits_all += arrived
    rows = [(h, q / t, w / t, a / t) for h, (t, q, w, a) in sorted(per.items())]
    return rows, area_all, waits_all


def _waiting_in(d: DayResult, h: int) -> float:
    """Ticket-seconds spent waiting within opening hour h, from the tickets' wait intervals."""
    start = d.open_utc + timedelta(hours=h)
    end = start + timedelta(hours=1)
    last = d.state.last_event.at if d.state.last_event else end
    total = 0.0
    for t in d.state.tickets.values():
        for iv in t.intervals:
            if iv.queued_at is None:
                continue
            until = iv.called_at or iv.ended_at or last
            a, b = max(iv.queued_at, start), min(until, end)
            if b > a:
                total += (b - a).total_seconds()
    return total


def validate(loaded: Loaded, case: Case, seed: int = 1, *, customers: int = 1_000_000,
             progress: Callable[[int, int], None] | None = None) -> Validation:
    """Every check of the module docstring for one case (`progress(days done, days)`)."""
    s = loaded.scenario
    code = next(iter(s.services))
    target = loaded.office.services[code].target_wait_min
    exact = erlang_c(case.servers, case.rate_per_min, case.mean_min)
    days = simulate(loaded, case.days, seed, estimates=False, chained=True, progress=progress)
    waits = [r.wait for d in days for r in d.records if r.measured and r.wait is not None]
    v = Validation(case.name, case.servers, case.rate_per_min, case.mean_min, target,
                   case.days, len(waits))
    if waits:
        hours = (s.open_s - s.warmup_min * 60 / max(case.days, 1)) / 3600
        v.checks += _checks("simulated: ", waits, exact, target, case.days,
                            reliable_days(case, hours))
    n, worst = exactness(loaded, case, seed)
    v.checks.append(Check(f"exact: largest |wait − recursion| (s), {n} tickets", worst, 0.0,
                          f"≤ {EXACT_TOL_S}", worst <= EXACT_TOL_S))
    if customers:
        ref = reference(loaded, case, customers, seed)
        v.checks += _checks("recursion: ", ref, exact, target)
    rows, area, waited = little(days, s.warmup_min * 60, s.open_s)
    v.little = rows
    per_hour = max((abs(q - w) / w for _h, q, w, _a in rows if w > 0), default=0.0)
    v.checks.append(Check("Little per hour: |L(queue) − L(waits)| / L", per_hour, 0.0,
                          f"≤ {LITTLE_TOL:.0%}", per_hour <= LITTLE_TOL))
    overall = abs(area - waited) / waited if waited else 0.0
    v.checks.append(Check("Little L = λW over the run", overall, 0.0, f"≤ {LITTLE_TOL:.0%}",
                          overall <= LITTLE_TOL))
    return v
