"""The wait estimate printed on a ticket: the promise made to a citizen (DESIGN.md §4, §8).

`estimate` is the one function every surface calls — the kiosk screen and the printed ticket
(through `ticket_promise`), the wall display, the counter, the coordinator, `kcc state`, the
alerts, the simulator: people ahead and the estimated wait, or no number with a reason code.
The number is the Monte-Carlo replay of the real routing rule in `forecast.py` (deterministic:
common random numbers), which the simulator measures against the baselines
(docs/simulation.md). `queue_length_estimate_s` — (people ahead + 1) × mean service time ÷ open
posts serving the service — stays as the simple baseline the simulator compares with.

No number is ever made up (reason codes, worded at the edge in the user's language):
- `day_ended`: `kcc day end` has run;
- `no_open_post`: no open, unpaused post calls the service;
- `not_today`: the office closes (opening hours) before the ticket would be called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from weakref import WeakKeyDictionary

from .forecast import HORIZON_S, WaitForecast, forecast_all, forecast_queue, forecast_wait
from .learned import PRIOR_WEIGHT, until_closing
from .office import Office
from .routing import rank_key
from .state import DayState, Ticket

DAY_ENDED = "day_ended"
NO_OPEN_POST = "no_open_post"
NOT_TODAY = "not_today"

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


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a ticket promises: people ahead, and the wait in seconds or a reason code."""

    service: str
    ahead: int
    wait_s: float | None  # None: no number, see `code`
    code: str | None = None  # DAY_ENDED, NO_OPEN_POST or NOT_TODAY when wait_s is None
    p10_s: float | None = None
    p90_s: float | None = None

    @property
    def minutes(self) -> int | None:
        """The wait in whole minutes, as every surface shows it."""
        return None if self.wait_s is None else round(self.wait_s / 60)


def estimate(state: DayState, office: Office, service: str, now: datetime,
             ticket: Ticket | None = None) -> Estimate:
    """The one estimate: for `ticket` (waiting: the time until it is called) or for a ticket of
    `service` taken now. Right after the kiosk issued `ticket` this is what the state just
    before said a new ticket would wait."""
    if ticket is not None and ticket.status != "waiting":
        ticket = None
    return _verdict(state, office, service, now, ticket,
                    lambda: wait_forecast(state, office, service, now, ticket))


def ticket_estimates(state: DayState, office: Office, tickets: list[Ticket],
                     now: datetime) -> dict[str, Estimate]:
    """`estimate` for each waiting ticket of `tickets`, from one set of replays (the phone
    pages ask for all the tickets they show at once)."""
    waiting = [t for t in tickets if t.status == "waiting"]
    forecasts = forecast_queue(state, office, now, tickets=waiting) if waiting else {}
    return {t.number: _verdict(state, office, t.service, now, t,
                               partial(forecasts.get, t.number))
            for t in waiting}


def _verdict(state: DayState, office: Office, service: str, now: datetime,
             ticket: Ticket | None, forecast: Callable[[], WaitForecast | None]) -> Estimate:
    """A number, or the reason there is none (`forecast` is asked only when one may be)."""
    ahead = people_ahead(state, office, service, now, ticket)
    if state.ended:
        return Estimate(service, ahead, None, DAY_ENDED)
    if not _open_post_serves(state, ticket.target_post if ticket else None, service):
        return Estimate(service, ahead, None, NO_OPEN_POST)
    f = forecast()
    if f is None:
        return Estimate(service, ahead, None, NO_OPEN_POST)
    closing = until_closing(office, now)
    if f.mean_s >= HORIZON_S or 0 < closing < f.mean_s:
        return Estimate(service, ahead, None, NOT_TODAY)
    return Estimate(service, ahead, f.mean_s, None, f.p10_s, f.p90_s)


def ticket_promise(state: DayState, office: Office, ticket: Ticket, now: datetime) -> Estimate:
    """What `ticket` is promised: people ahead of it and its estimated wait. The one figure
    the kiosk screen, the printed ticket, `kcc ticket issue` / `kcc ticket show` and the
    simulator's "printed" estimate give for a ticket."""
    return estimate(state, office, ticket.service, now, ticket)


def _open_post_serves(state: DayState, target: str | None, service: str) -> bool:
    if target is not None:
        p = state.posts.get(target)
        return p is not None and p.open and p.pause_reason is None
    return serving_posts(state, service) > 0


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
    """`estimate(...).wait_s`: the number alone, None when there is none."""
    return estimate(state, office, service, now, ticket).wait_s


HOUR_MARK = {"nl": "u", "fr": "h", "en": "h", "de": "h"}


def wait_text(seconds: float, lang: str = "nl") -> str:
    """One way to write a wait on every surface: "12 min"; above 60 minutes hours and minutes,
    "1u05" (Dutch) or "1h05"."""
    m = max(0, round(seconds / 60))
    return f"{m} min" if m <= 60 else f"{m // 60}{HOUR_MARK.get(lang, 'u')}{m % 60:02d}"


def queue_length_estimate_s(state: DayState, office: Office, service: str, now: datetime,
                            ahead: int | None = None) -> float | None:
    """The simple baseline: (people ahead + 1) × mean service time ÷ open posts."""
    posts = serving_posts(state, service)
    if posts == 0:
        return None
    if ahead is None:
        ahead = people_ahead(state, office, service, now)
    return (ahead + 1) * mean_service_s(state, office, service) / posts
