"""The wait estimate printed on a ticket: the promise made to a citizen (DESIGN.md §4).

`estimate_wait_s` is the one estimate every app uses — the kiosk prints it, the wall display
and the coordinator show it for "a ticket taken now". It is the Monte-Carlo replay of the real
routing rule in `forecast.py`, which the simulator measured against the baselines
(docs/simulation.md). `queue_length_estimate_s` — (people ahead + 1) × mean service time ÷ open
posts serving the service — stays as the simple baseline the simulator compares with.
"""

from __future__ import annotations

from datetime import datetime
from weakref import WeakKeyDictionary

from .forecast import WaitForecast, forecast_all, forecast_wait
from .learned import PRIOR_WEIGHT
from .office import Office
from .routing import rank_key
from .state import DayState, Ticket

# Dashboards ask for every service about once a second: one replay serves them all until the
# state changes or this many seconds pass.
DASHBOARD_BUCKET_S = 10
_dashboard: WeakKeyDictionary[DayState, tuple[tuple[int, int], dict[str, WaitForecast | None]]]
_dashboard = WeakKeyDictionary()


def mean_service_s(state: DayState, office: Office, service: str) -> float:
    prior = office.services[service].mean_service_min * 60
    n, total = state.service_times.get(service, (0, 0.0))
    return (prior * PRIOR_WEIGHT + total) / (PRIOR_WEIGHT + n)


def serving_posts(state: DayState, service: str) -> int:
    """Posts open, not paused, whose profile calls this service."""
    return sum(
        1
        for p in state.posts.values()
        if p.open and p.pause_reason is None and service in p.services
    )


def people_ahead(state: DayState, office: Office, service: str, now: datetime,
                 ticket: Ticket | None = None) -> int:
    """Waiting tickets of this service that will be called before `ticket` (or a new one)."""
    waiting = [t for t in state.waiting(service) if t is not ticket]
    if ticket is None:
        return len(waiting)
    mine = rank_key(ticket, office, now)
    return sum(1 for t in waiting if rank_key(t, office, now) < mine)


def wait_forecast(state: DayState, office: Office, service: str, now: datetime,
                  ticket: Ticket | None = None) -> WaitForecast | None:
    """The forecast (mean and p10–p90) for `ticket`, or for one of `service` taken now."""
    if ticket is not None:
        return forecast_wait(state, office, service, now, ticket)
    key = (state.seq, int(now.timestamp()) // DASHBOARD_BUCKET_S)
    cached = _dashboard.get(state)
    if cached is None or cached[0] != key:
        cached = (key, forecast_all(state, office, now))
        _dashboard[state] = cached
    return cached[1].get(service)


def estimate_wait_s(state: DayState, office: Office, service: str, now: datetime,
                    ticket: Ticket | None = None) -> float | None:
    """Predicted (first call − issue) for `ticket` or a ticket taken now; None when no open
    post serves the service. Deterministic for a given state: every process shows the same."""
    f = wait_forecast(state, office, service, now, ticket)
    return None if f is None else f.mean_s


def queue_length_estimate_s(state: DayState, office: Office, service: str, now: datetime,
                            ahead: int | None = None) -> float | None:
    """The simple baseline: (people ahead + 1) × mean service time ÷ open posts."""
    posts = serving_posts(state, service)
    if posts == 0:
        return None
    if ahead is None:
        ahead = people_ahead(state, office, service, now)
    return (ahead + 1) * mean_service_s(state, office, service) / posts
