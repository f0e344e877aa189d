"""What today taught the wait forecast: per service the service-time distribution (its family
chosen by the data: exponential or lognormal), no-shows and arrival rate; how long pauses last and
how long staff work between them; how long a post closed during opening hours stays closed; and
when the office closes.

Learned from the office's own history (pure, no I/O): today's fold, and a `History` of earlier
days (the recent weeks) when one is known for the state (`remember_history`). Service times
start from the configured `mean_service_min`, a prior that counts as `PRIOR_WEIGHT`
completions; earlier days count as at most `HISTORY_WEIGHT` observations of each kind, so both
fade as today's own observations arrive. Pauses and closed posts coming back are not assumed:
staff are expected to pause, and closed posts to reopen, only once today or the history has
shown it (a post paused right now comes back after the typical length of its pause,
`PRIOR_PAUSE_S` until one has ended).
Cached per state and time: the kiosk, the dashboard and the simulator ask many times between two
events.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from .clock import local
from .office import Office
from .state import DayState

PRIOR_WEIGHT = 3  # a configured prior counts as this many observed completions
HISTORY_WEIGHT = 10  # earlier days count as at most this many observations of each kind

PRIOR_CV = 0.6  # coefficient of variation of a service time before anything is learned
PRIOR_NO_SHOW = 0.05  # share of calls nobody answers, before anything is learned
PRIOR_NO_SHOW_S = 120.0  # how long a post waits for a citizen who does not come
PRIOR_PAUSE_S = 15 * 60.0  # how long a pause under way lasts, before any pause has ended
RATE_WINDOW_S = 3600.0  # arrival rates are learned over the last hour
FAMILY_MIN_N = 8  # completions needed before the data choose exponential over lognormal
NEVER = math.inf


@dataclass(slots=True)
class Sums:
    """Observations of one kind (seconds), kept as sums so that days add up."""

    n: float = 0.0
    total: float = 0.0
    slog: float = 0.0  # Σ log x
    slog2: float = 0.0  # Σ (log x)²

    def add(self, x: float) -> None:
        x = max(1.0, x)
        lx = math.log(x)
        self.n += 1
        self.total += x
        self.slog += lx
        self.slog2 += lx * lx

    def plus(self, other: Sums | None, weight: float = HISTORY_WEIGHT) -> Sums:
        """These observations and `other`'s, the latter counting as at most `weight`."""
        if other is None or other.n <= 0:
            return Sums(self.n, self.total, self.slog, self.slog2)
        f = min(1.0, weight / other.n)
        return Sums(self.n + f * other.n, self.total + f * other.total,
                    self.slog + f * other.slog, self.slog2 + f * other.slog2)

    def mean(self, default: float = NEVER) -> float:
        return self.total / self.n if self.n > 0 else default


@dataclass(frozen=True, slots=True)
class History:
    """What days before today showed: the office's own recent weeks."""

    service: dict[str, Sums] = field(default_factory=dict)  # completions (called → finished)
    no_show: dict[str, Sums] = field(default_factory=dict)  # calls that ended as no-show
    pauses: dict[str, Sums] = field(default_factory=dict)  # pause lengths by reason
    stretches: Sums = field(default_factory=Sums)  # work time before a pause
    reopens: Sums = field(default_factory=Sums)  # how long a post closed in the day stayed so


@dataclass(frozen=True, slots=True)
class ServiceModel:
    mu: float  # lognormal parameters of the time a served citizen keeps a post busy
    sigma: float
    exponential: bool  # the data fit an exponential better: draw exp(mean), memoryless
    mean_sd: float  # uncertainty of log(mean): drawn once per replay
    no_show: float  # share of calls that end as a no-show
    no_show_s: float  # how long such a call keeps the post busy
    rate: float  # arrivals per second, lately
    priority: float  # share of those arrivals with priority


@dataclass(frozen=True, slots=True)
class Learned:
    services: dict[str, ServiceModel]
    pauses: dict[str, float]  # reason -> typical length in seconds
    pause_s: float  # the typical length of any pause
    stretch_s: float  # the typical work time between two pauses (NEVER: none seen)
    worked: dict[str, float]  # post -> seconds since it opened or last came back from a pause
    reopen_s: float  # how long a post closed during opening hours stays closed (NEVER: unseen)


_cache: WeakKeyDictionary[DayState, tuple[int, datetime, Learned]] = WeakKeyDictionary()
_history: WeakKeyDictionary[DayState, History] = WeakKeyDictionary()


def remember_history(state: DayState, history: History) -> None:
    """What earlier days showed, for the forecasts made on `state` (today)."""
    _history[state] = history
    _cache.pop(state, None)


def history_of(days: Iterable[DayState]) -> History:
    """The History of these (earlier) days."""
    out = History()
    for day in days:
        seen = observe(day)
        for mine, theirs in ((out.service, seen.service), (out.no_show, seen.no_show),
                             (out.pauses, seen.pauses)):
            for k, v in theirs.items():
                mine[k] = v.plus(mine.get(k), weight=math.inf)
        out = History(out.service, out.no_show, out.pauses,
                      out.stretches.plus(seen.stretches, math.inf),
                      out.reopens.plus(seen.reopens, math.inf))
    return out


def observe(state: DayState) -> History:
    """What one day showed: completions and no-shows per service, pauses, stretches of work
    before a pause, and how long posts closed during the day stayed closed."""
    service: dict[str, Sums] = {}
    no_show: dict[str, Sums] = {}
    for t in state.tickets.values():
        for iv in t.intervals:
            if iv.called_at is None or iv.ended_at is None or iv.end == "closed_unserved":
                continue
            into = no_show if iv.end == "no_show" else service
            into.setdefault(iv.service, Sums()).add((iv.ended_at - iv.called_at).total_seconds())
    opened = _openings(state)
    pauses: dict[str, Sums] = {}
    stretches = Sums()
    back: dict[str, datetime] = {}  # post -> the last time it came back from a pause
    for post, reason, paused_at, resumed_at in sorted(state.pauses, key=lambda x: x[2]):
        pauses.setdefault(reason, Sums()).add((resumed_at - paused_at).total_seconds())
        since = max([o for o in opened.get(post, []) if o <= paused_at], default=paused_at)
        if post in back and back[post] > since:
            since = back[post]
        stretches.add((paused_at - since).total_seconds())
        back[post] = resumed_at
    # A post that closed during the day and opened again (lunch, a colleague taking over):
    # how long it stayed closed.
    reopens = Sums()
    for pid, times in opened.items():
        closes = sorted(ps.closed_at for ps in state.sessions.values()
                        if ps.id == pid and ps.closed_at is not None)
        for closed_at in closes:
            later = [o for o in times if o >= closed_at]
            if later:
                reopens.add((min(later) - closed_at).total_seconds())
    return History(service, no_show, pauses, stretches, reopens)


def _openings(state: DayState) -> dict[str, list[datetime]]:
    opened: dict[str, list[datetime]] = {}
    for ps in [*state.sessions.values(), *state.posts.values()]:
        if ps.opened_at is not None:
            opened.setdefault(ps.id, []).append(ps.opened_at)
    return opened


def learned(state: DayState, office: Office, now: datetime) -> Learned:
    """What today and the history taught: service times, no-shows and arrival rates per
    service, pauses, closed posts coming back."""
    hit = _cache.get(state)
    if hit is not None and hit[0] == state.seq and hit[1] == now:
        return hit[2]
    past = _history.get(state, History())
    today = observe(state)
    arrived: dict[str, int] = {}
    prio: dict[str, int] = {}
    first: datetime | None = None
    since = now - timedelta(seconds=RATE_WINDOW_S)
    for t in state.tickets.values():
        first = t.issued_at if first is None or t.issued_at < first else first
        if since <= t.issued_at <= now:
            s0 = t.intervals[0].service
            arrived[s0] = arrived.get(s0, 0) + 1
            prio[s0] = prio.get(s0, 0) + t.priority
    window = max(600.0, min(RATE_WINDOW_S, (now - first).total_seconds() if first else 0.0))
    k = PRIOR_WEIGHT
    var0 = math.log(1 + PRIOR_CV**2)
    services = {}
    for code, svc in office.services.items():
        seen = today.service.get(code, Sums()).plus(past.service.get(code))
        mean = (svc.mean_service_min * 60 * k + seen.total) / (k + seen.n)
        var = var0
        if seen.n >= 2:
            ss = max(0.0, seen.slog2 - seen.slog**2 / seen.n)
            var = (var0 * k + ss) / (k + seen.n - 1)
        ns = today.no_show.get(code, Sums()).plus(past.no_show.get(code))
        count = arrived.get(code, 0)
        services[code] = ServiceModel(
            mu=math.log(mean) - var / 2, sigma=math.sqrt(var),
            exponential=_exponential_fits(seen),
            mean_sd=math.sqrt(var / (k + seen.n)),
            no_show=(PRIOR_NO_SHOW * k + ns.n) / (k + ns.n + seen.n),
            no_show_s=(PRIOR_NO_SHOW_S * k + ns.total) / (k + ns.n),
            rate=count / window, priority=prio.get(code, 0) / count if count else 0.0)
    by_reason = {r: v.mean() for r in {*today.pauses, *past.pauses}
                 if (v := today.pauses.get(r, Sums()).plus(past.pauses.get(r))).n > 0}
    every = Sums()
    for r in {*today.pauses, *past.pauses}:
        every = every.plus(today.pauses.get(r), math.inf).plus(past.pauses.get(r))
    out = Learned(services, by_reason, every.mean(PRIOR_PAUSE_S),
                  today.stretches.plus(past.stretches).mean(),
                  _worked(state, now), today.reopens.plus(past.reopens).mean())
    _cache[state] = (state.seq, now, out)
    return out


def _exponential_fits(seen: Sums) -> bool:
    """Do these service times fit an exponential better than a lognormal? Akaike: the
    lognormal must earn its second parameter."""
    n = seen.n
    if n < FAMILY_MIN_N:
        return False
    ll_exp = -n * math.log(seen.total / n) - n  # log-likelihoods of the two fits, on x
    var = max((seen.slog2 - seen.slog**2 / n) / n, 1e-9)
    ll_ln = -seen.slog - n / 2 * math.log(2 * math.pi * var) - n / 2
    return 2 * 1 - 2 * ll_exp <= 2 * 2 - 2 * ll_ln


def _worked(state: DayState, now: datetime) -> dict[str, float]:
    """How long each open post has worked since it opened or last came back from a pause."""
    back: dict[str, datetime] = {}
    for post, _reason, _paused_at, resumed_at in state.pauses:
        back[post] = max(back.get(post, resumed_at), resumed_at)
    worked = {}
    for pid, p in state.posts.items():
        if p.open and p.opened_at is not None:
            since = max(p.opened_at, back.get(pid, p.opened_at))
            worked[pid] = (now - since).total_seconds()
    return worked


def until_closing(office: Office, now: datetime) -> float:
    """Seconds from now to the end of the opening hours now (0 when closed now; unlimited when
    the office has no opening hours configured)."""
    if not office.hours.days:
        return math.inf
    here = local(now, office.timezone)
    t = here.time()
    for start, end in office.hours.on(here):
        if start <= t < end:
            close = here.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
            return (close - here).total_seconds()
    return 0.0
