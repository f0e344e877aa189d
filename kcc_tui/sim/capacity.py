"""Capacity advice for appointments (issue 18): how many appointments per hour and service the
office can offer on a day, given its staff plan and its walk-in load (a scenario: fitted from
history by `kcc simulate --fit`, or a file), checked with the simulator so that both targets
hold: the appointment target (a share of appointments called within `[appointments]
target_wait_min`) and the walk-in service level.

The search is greedy: services in turn, one more appointment per opening hour each time, kept
when the simulated days still meet both targets, until no service can take one more. Every
check simulates the same days with the same seed (common random numbers), so two plans differ
by the plan, not by luck. The result offers the same number in every opening hour of the day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from ..domain.appointment_kpi import side_by_side
from .model import simulate
from .scenario import Loaded

MAX_PER_HOUR = 30


@dataclass(frozen=True)
class Check:
    """The simulated figures of one plan."""

    plan: dict[str, int]  # service -> appointments per opening hour
    within: float | None  # appointments called within the target (share)
    walk_in_sl: float | None  # walk-ins called within their service's target (share)
    mean_wait_min: float | None  # appointment wait
    walk_in_mean_wait_min: float | None

    def holds(self, share: float, walk_in_sl: float) -> bool:
        return (self.within is None or self.within >= share) and (
            self.walk_in_sl is None or self.walk_in_sl >= walk_in_sl)

    def to_json(self) -> dict[str, Any]:
        r = lambda x: None if x is None else round(x, 3)  # noqa: E731
        return {"per_hour": self.plan, "appointments_within_target": r(self.within),
                "walk_in_sl": r(self.walk_in_sl), "appointment_mean_wait_min":
                r(self.mean_wait_min), "walk_in_mean_wait_min": r(self.walk_in_mean_wait_min)}


@dataclass
class Advice:
    services: list[str]
    share: float
    walk_in_sl: float
    days: int
    best: Check
    tried: list[Check] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"services": self.services, "appointment_target_share": self.share,
                "walk_in_sl_target": self.walk_in_sl, "days_simulated": self.days,
                "advice": self.best.to_json(), "checks": len(self.tried)}


def with_plan(loaded: Loaded, plan: dict[str, int]) -> Loaded:
    """The scenario with `plan` appointments per opening hour for those services."""
    s = loaded.scenario
    services = {code: p.model_copy(update={"appointments_per_hour": (
        tuple([float(plan[code])] * s.hours) if plan.get(code) else ())})
        for code, p in s.services.items()}
    return replace(loaded, scenario=s.model_copy(update={"services": services}))


def check(loaded: Loaded, plan: dict[str, int], days: int, seed: int) -> Check:
    results = simulate(with_plan(loaded, plan), days=days, seed=seed, estimates=False)
    apps = [a for d in results for a in d.state.appointments.values()]
    tickets = [t for d in results for t in d.state.tickets.values()]
    end = results[-1].open_utc + timedelta(days=1)
    figs, walk = side_by_side(apps, tickets, loaded.office, end)
    f, w = figs.get(("total",)), walk.get(("total",))
    target_s = loaded.office.appointments.target_wait_min * 60
    mins = lambda s: None if s is None else s / 60  # noqa: E731
    return Check(dict(plan), f.within(target_s) if f else None, w.sl if w else None,
                 mins(f.mean_wait_s) if f else None, mins(w.mean_wait_s) if w else None)


def advise(loaded: Loaded, services: Sequence[str], *, share: float = 0.9,
           walk_in_sl: float = 0.8, days: int = 10, seed: int = 1,
           progress: Callable[[Check], None] | None = None) -> Advice:
    """The largest plan (greedy, see the module) whose simulated days meet both targets."""
    plan = {code: 0 for code in services}
    best = check(loaded, plan, days, seed)
    advice = Advice(list(services), share, walk_in_sl, days, best, [best])
    if not best.holds(share, walk_in_sl):
        return advice  # the walk-ins alone miss their target: no room for appointments
    open_ = list(services)
    while open_:
        for code in list(open_):
            if plan[code] >= MAX_PER_HOUR:
                open_.remove(code)
                continue
            trial = {**plan, code: plan[code] + 1}
            c = check(loaded, trial, days, seed)
            advice.tried.append(c)
            if progress is not None:
                progress(c)
            if c.holds(share, walk_in_sl):
                plan, advice.best = trial, c
            else:
                open_.remove(code)
    return advice
