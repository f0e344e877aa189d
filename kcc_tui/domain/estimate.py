"""The wait estimate printed on a ticket: the promise made to a citizen (DESIGN.md §4).

First estimator (queue length): (people ahead + 1) × mean service time ÷ open posts serving the
service. The mean is learned from today's completions, shrunk towards the configured prior so
that the first few completions do not swing it.
"""

from __future__ import annotations

from datetime import datetime

from .office import Office
from .routing import rank_key
from .state import DayState, Ticket

PRIOR_WEIGHT = 3  # the prior counts as this many observed completions


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


def estimate_wait_s(state: DayState, office: Office, service: str, now: datetime,
                    ahead: int | None = None) -> float | None:
    """Predicted (first call − issue) for a ticket taken now; None when no post serves it."""
    posts = serving_posts(state, service)
    if posts == 0:
        return None
    if ahead is None:
        ahead = people_ahead(state, office, service, now)
    return (ahead + 1) * mean_service_s(state, office, service) / posts
