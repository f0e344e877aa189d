"""What the simulator draws about citizens: when they come and what they need at the counter.

Shared by the SimPy model and by the reference queue of the validation, so both see citizens
drawn in exactly the same way.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..domain.office import Office
from .scenario import Scenario, ServicePlan


def arrival_times(rng: random.Random, per_hour: Sequence[float], scale: float,
                  open_s: float) -> Iterator[float]:
    """Arrival times (seconds from opening) of a Poisson process whose rate is constant within
    each opening hour: `per_hour[h] × scale` citizens an hour. Restarting the exponential
    clock at each hour is exact, because it has no memory."""
    for h, count in enumerate(per_hour):
        rate = count * scale / 3600
        if rate <= 0:
            continue
        t, end = h * 3600.0, min((h + 1) * 3600.0, open_s)
        while True:
            t += rng.expovariate(rate)
            if t >= end:
                break
            yield t


def lognormal(rng: random.Random, mean: float, cv: float) -> float:
    """A lognormal draw with the given mean and coefficient of variation."""
    if cv <= 0:
        return mean
    var = math.log(1 + cv * cv)
    return rng.lognormvariate(math.log(mean) - var / 2, math.sqrt(var))


def mean_service_s(plan: ServicePlan, office: Office, code: str) -> float:
    """The true mean time at the counter: the scenario's, else the office's configured one."""
    return (plan.service_min or office.services[code].mean_service_min) * 60


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to make, and these are many
class Needs:
    """One citizen, drawn when the ticket is issued: the same whichever post calls them, so
    different routings or estimators can be compared on the very same citizens."""

    no_show: bool
    walk_s: float  # from the call to the counter
    service_s: float  # at the counter
    outcome: str
    topics: tuple[str, ...]


def draw_needs(rng: random.Random, s: Scenario, office: Office, code: str) -> Needs:
    plan = s.services[code]
    no_show = plan.no_show > 0 and rng.random() < plan.no_show
    walk = rng.expovariate(1 / s.walk_s) if s.walk_s > 0 else 0.0
    mean = mean_service_s(plan, office, code)
    service = rng.expovariate(1 / mean) if plan.distribution == "exponential" else lognormal(
        rng, mean, plan.cv)
    outcome = "done"
    if plan.outcomes:
        outcome = rng.choices(list(plan.outcomes), list(plan.outcomes.values()))[0]
    topics = tuple(tp for tp, share in plan.topics.items() if rng.random() < share) if (
        plan.topics) else ()
    return Needs(no_show, walk, service, outcome, topics)


def true_busy_s(s: Scenario, office: Office, code: str) -> float:
    """The true mean time a call keeps a post busy: the baseline oracle knows this."""
    plan = s.services[code]
    service = mean_service_s(plan, office, code)
    return (1 - plan.no_show) * (s.walk_s + service) + plan.no_show * s.no_show_wait_s
