"""What today taught the wait forecast: per service the service-time distribution (its family
chosen by the data: exponential or lognormal), no-shows and arrival rate; how long pauses last and
how long staff work between them; how long a post closed during opening hours stays closed; and
when the office closes.

Learned from the day's fold only (pure, no I/O). Service times start from the configured
`mean_service_min`, a prior that counts as `PRIOR_WEIGHT` completions and fades as the office's
own completions arrive. Pauses and closed posts coming back are not assumed: staff are expected
to pause, and closed posts to reopen, only once today's events have shown it (a post paused right
now comes back after the typical length of its pause, `PRIOR_PAUSE_S` until one has ended).
Cached per state and time: the kiosk, the dashboard and the simulator ask many times between two
events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from .clock import local
from .office import Office
from .state import DayState

PRIOR_WEIGHT = 3  # a configured prior counts as this many observed completions

PRIOR_CV = 0.6  # coefficient of variation of a service time before anything is learned
PRIOR_NO_SHOW = 0.05  # share of calls nobody answers, before anything is learned
PRIOR_NO_SHOW_S = 120.0  # how long a post waits for a citizen who does not come
PRIOR_PAUSE_S = 15 * 60.0  # how long a pause under way lasts, before any pause today has ended
RATE_WINDOW_S = 3600.0  # arrival rates are learned over the last hour
FAMILY_MIN_N = 8  # completions needed before the data choose exponential over lognormal
NEVER = math.inf


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
    stretch_s: float  # the typical work time between two pauses (NEVER: none seen today)
    worked: dict[str, float]  # post -> seconds since it opened or last came back from a pause
    reopen_s: float  # how long a post closed during opening hours stays closed (NEVER: unseen)


_cache: WeakKeyDictionary[DayState, tuple[int, datetime, Learned]] = WeakKeyDictionary()


def learned(state: DayState, office: Office, now: datetime) -> Learned:
    """What today taught: service times, no-shows and arrival rates per service, pause lengths."""
    hit = _cache.get(state)
    if hit is not None and hit[0] == state.seq and hit[1] == now:
        return hit[2]
    n: dict[str, int] = {}
    total: dict[str, float] = {}
    logs: dict[str, list[float]] = {}
    ns_n: dict[str, int] = {}
    ns_total: dict[str, float] = {}
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
        for iv in t.intervals:
            if iv.called_at is None or iv.ended_at is None or iv.end == "closed_unserved":
                continue
            x = max(1.0, (iv.ended_at - iv.called_at).total_seconds())
            s = iv.service
            if iv.end == "no_show":
                ns_n[s] = ns_n.get(s, 0) + 1
                ns_total[s] = ns_total.get(s, 0.0) + x
            else:
                n[s] = n.get(s, 0) + 1
                total[s] = total.get(s, 0.0) + x
                logs.setdefault(s, []).append(math.log(x))
    window = max(600.0, min(RATE_WINDOW_S, (now - first).total_seconds() if first else 0.0))
    k = PRIOR_WEIGHT
    var0 = math.log(1 + PRIOR_CV**2)
    services = {}
    for code, svc in office.services.items():
        served = n.get(code, 0)
        mean = (svc.mean_service_min * 60 * k + total.get(code, 0.0)) / (k + served)
        ls = logs.get(code, [])
        var = var0
        if len(ls) >= 2:
            m = sum(ls) / len(ls)
            var = (var0 * k + sum((v - m) ** 2 for v in ls)) / (k + len(ls) - 1)
        misses = ns_n.get(code, 0)
        count = arrived.get(code, 0)
        services[code] = ServiceModel(
            mu=math.log(mean) - var / 2, sigma=math.sqrt(var),
            exponential=_exponential_fits(logs.get(code, []), total.get(code, 0.0)),
            mean_sd=math.sqrt(var / (k + served)),
            no_show=(PRIOR_NO_SHOW * k + misses) / (k + misses + served),
            no_show_s=(PRIOR_NO_SHOW_S * k + ns_total.get(code, 0.0)) / (k + misses),
            rate=count / window, priority=prio.get(code, 0) / count if count else 0.0)
    out = Learned(services, *_pauses(state, now))
    _cache[state] = (state.seq, now, out)
    return out


def _exponential_fits(logs: list[float], total: float) -> bool:
    """Does an exponential describe these service times (logs of seconds) better than a
    lognormal? Akaike: the lognormal must earn its second parameter."""
    n = len(logs)
    if n < FAMILY_MIN_N:
        return False
    mean = total / n
    ll_exp = -n * math.log(mean) - n  # log-likelihoods of the two fits, on x (not log x)
    m = sum(logs) / n
    var = max(sum((v - m) ** 2 for v in logs) / n, 1e-9)
    ll_ln = -sum(logs) - n / 2 * math.log(2 * math.pi * var) - n / 2
    return 2 * 1 - 2 * ll_exp <= 2 * 2 - 2 * ll_ln


def _pauses(state: DayState, now: datetime
            ) -> tuple[dict[str, float], float, float, dict[str, float], float]:
    """Staff take a pause after working a while: how long pauses last (per reason and overall),
    how long staff work between pauses, and how long each open post has worked since."""
    opened: dict[str, list[datetime]] = {}
    for ps in [*state.sessions.values(), *state.posts.values()]:
        if ps.opened_at is not None:
            opened.setdefault(ps.id, []).append(ps.opened_at)
    sums: dict[str, tuple[int, float]] = {}
    stretches: list[float] = []
    back: dict[str, datetime] = {}  # post -> the last time it came back from a pause
    for post, reason, paused_at, resumed_at in sorted(state.pauses, key=lambda x: x[2]):
        c, total = sums.get(reason, (0, 0.0))
        sums[reason] = (c + 1, total + (resumed_at - paused_at).total_seconds())
        since = max([o for o in opened.get(post, []) if o <= paused_at], default=paused_at)
        if post in back and back[post] > since:
            since = back[post]
        stretches.append((paused_at - since).total_seconds())
        back[post] = resumed_at
    by_reason = {r: total / c for r, (c, total) in sums.items()}
    count = sum(c for c, _ in sums.values())
    pause_s = sum(total for _, total in sums.values()) / count if count else PRIOR_PAUSE_S
    # No pause pattern is assumed: staff pause again only once today has shown they do.
    stretch_s = sum(stretches) / len(stretches) if stretches else NEVER
    worked = {}
    for pid, p in state.posts.items():
        if p.open and p.opened_at is not None:
            since = max(p.opened_at, back.get(pid, p.opened_at))
            worked[pid] = (now - since).total_seconds()
    # A post that closed during the day and opened again (lunch, a colleague taking over):
    # how long it stayed closed.
    gaps = []
    for pid, times in opened.items():
        closes = sorted(ps.closed_at for ps in state.sessions.values()
                        if ps.id == pid and ps.closed_at is not None)
        for closed_at in closes:
            later = [o for o in times if o >= closed_at]
            if later:
                gaps.append((min(later) - closed_at).total_seconds())
    reopen = sum(gaps) / len(gaps) if gaps else NEVER
    return by_reason, pause_s, stretch_s, worked, reopen


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
