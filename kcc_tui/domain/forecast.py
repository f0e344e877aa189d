"""The wait forecast: a short Monte-Carlo replay of the real "call next" rule from the state now.

Why not the queue-length formula of `estimate.py`? (people ahead + 1) × mean ÷ posts is right for
one pool of identical posts, but not for this office: posts serve different sets of services with
weights, tickets of other services compete for the same posts, and under the ratio rule a ticket
with a short target taken later can still be called first. The replay handles all of that by
doing what the counters will do:

- every open post becomes free when its current call ends (the time left is drawn given how long
  the call has already lasted) and then calls next with `routing.rank_key`, the function the
  counters use;
- the time a call keeps a post busy is drawn from what was learned today per service: a lognormal
  or an exponential (whichever fits today's completions better) for the citizens who came,
  shrunk towards the configured `mean_service_min`, and the no-shows with their own share and
  duration; each replay also draws the mean itself within its uncertainty, so the range is wider
  early in the day, when little is known;
- staff are people: a paused post comes back after the typical length of a pause with that
  reason; staff pause again after working about as long as before today's earlier pauses; a post
  closed during opening hours comes back as closed posts came back today (lunch, a colleague
  taking over), unless its staff member now works at another post. None of this is assumed
  before today has shown it: no fixed pause pattern;
- tickets that arrive later are drawn at today's recent arrival rate, because under the ratio rule
  (and for priority tickets) a later ticket may be called first. Under oldest-first no later
  arrival overtakes a waiting ticket, and arrivals are then left out. Nobody arrives, and nobody
  starts a pause, after the office's closing time.

A few dozen replays give the mean (the estimate printed on a ticket) and a p10–p90 range. Replay
i draws from a random stream seeded with the day and i only (common random numbers): the same
state gives the same forecast in every process, two states a few seconds or one event apart get
the same draws, so the number moves only as much as the state did. A ticket whose wait is asked
for takes no time when called in the replay: a waiting ticket's own forecast is then exactly what
a new ticket was forecast just before it was issued. Pure: no I/O. `benchmarks/sim_accuracy.py`
measures its accuracy and its time with 10 posts and 100 waiting tickets.
"""

from __future__ import annotations

import heapq
import math
import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import NormalDist
from typing import cast

from .learned import NEVER, PRIOR_PAUSE_S, ServiceModel, learned, until_closing
from .office import Office
from .routing import rank_key
from .state import DayState, Ticket

STRETCH_JITTER_S = 30 * 60.0  # when staff take their next pause: give or take this
REOPEN_GRACE_S = 15 * 60.0  # a closed post is expected back only this long past the usual gap
PAUSE_CUTOFF_S = 30 * 60.0  # nobody starts a pause this close to closing time
REPLICATIONS = 40  # replays per forecast ...
MIN_REPLICATIONS = 8  # ... fewer, down to this, when one replay is long (a long queue)
STEP_BUDGET = 4000  # replay steps per forecast: keeps one well under 50 ms with 100 waiting
HORIZON_S = 12 * 3600.0  # a replay never looks further ahead than this
# The p10–p90 range drawn from the replays misses what they cannot know (a post that closes, a
# pause that starts): widened by this factor around the median it covers 80 % of actual waits
# in the simulated scenarios (docs/simulation.md).
RANGE_WIDEN = 1.15
BOOKED_AHEAD_S = 3600.0  # appointments booked this far ahead are counted in (issue 18)
_ND = NormalDist()


@dataclass(frozen=True, slots=True)
class WaitForecast:
    """Predicted time until the ticket is called, in seconds from now."""

    mean_s: float  # the estimate to print
    p10_s: float  # 10 % of waits are expected to be shorter ...
    p90_s: float  # ... and 10 % longer: the range shown on dashboards


class _Later:
    """A ticket drawn in a replay: only what `rank_key` reads."""

    __slots__ = ("service", "queued_at", "issued_at", "order", "priority", "head",
                 "target_post", "booked_at")

    def __init__(self, service: str, queued_at: datetime, order: int, priority: bool,
                 booked_at: datetime | None = None) -> None:
        self.service, self.queued_at, self.issued_at = service, queued_at, queued_at
        self.order, self.priority = order, priority
        self.head = False
        self.target_post: str | None = None
        self.booked_at = booked_at  # an appointment booked in the coming hour (issue 18)


Entry = tuple[tuple[int, float, int], int, Ticket]  # (rank within its service, tie, ticket)


class _Replay:
    """The current state, prepared once; `run` plays one possible future from it."""

    def __init__(self, state: DayState, office: Office, now: datetime,
                 tickets: list[Ticket], services: list[str]) -> None:
        self.state, self.office, self.now = state, office, now
        lrn = learned(state, office, now)
        self.svcs, self.pause_s = lrn.services, lrn.pauses
        self.pause_len, self.stretch, self.worked = lrn.pause_s, lrn.stretch_s, lrn.worked
        self.reopen_s = lrn.reopen_s
        self.ratio = office.routing.rule == "ratio"
        self.prio_first = office.routing.priority_first
        self.posts = [(pid, p.services) for pid, p in state.posts.items()
                      if p.open and p.services]
        served = {code for _pid, services in self.posts for code in services}
        # Nobody takes a ticket, and staff start no pause, after closing time (outside the
        # opening hours, staff still at work close when they close: no limit).
        self.closing = until_closing(office, now) or NEVER
        self._reopening(state, now)
        served |= {code for pid in self.back_at for code in state.posts[pid].services}
        self.base: dict[str, list[Entry]] = {}
        self.targeted: dict[str, list[Ticket]] = {}  # transferred to one specific post
        self.tie = 0
        for t in state.queue.values():
            if t.target_post is not None:
                self.targeted.setdefault(t.target_post, []).append(t)
            else:
                self._push(t)
        self.wanted: dict[int, str] = {}  # id(ticket) -> result key
        self.phantoms: set[int] = set()  # tickets that take no time when called
        self.none: list[str] = []  # result keys without a forecast: no open post serves them
        for t in tickets:
            if t.status == "waiting" and (t.service in served or t.target_post is not None):
                # Its own service time delays nobody it waits for: the replay stops when the
                # last wanted ticket is called. Not a phantom, though: asked with others (the
                # phone pages), it delays the wanted tickets behind it.
                self.wanted[id(t)] = t.number
            else:
                self.none.append(t.number)
        for code in services:
            if code not in served:
                self.none.append(code)
                continue
            # A ticket taken now that takes no time when called: it delays nobody, so one set
            # of replays forecasts every service at once.
            ph = Ticket(number="", n=0, service=code, issued_at=now, queued_at=now,
                        order=state.seq + 1)
            self._push(ph)
            self.wanted[id(ph)] = code
            self.phantoms.add(id(ph))
        # Later tickets matter only where they can be called before a waiting one: under the
        # ratio rule (another service with a shorter target), or with priority.
        self.arrivals = [code for code, s in self.svcs.items()
                         if s.rate > 0 and code in served
                         and (self.ratio or (self.prio_first and s.priority > 0))]
        # Appointments booked in the coming hour come in at their due time (lead before the
        # booked start) and go ahead of walk-ins: the walk-in estimate counts them (issue 18).
        lead = office.routing.appointment_lead_min * 60
        self.booked = sorted(
            (max(0.0, (a.start - now).total_seconds() - lead), a.service, a.start)
            for a in state.appointments.values()
            if a.status == "booked" and a.service in served
            and now <= a.start + timedelta(minutes=office.appointments.window_after_min)
            and (a.start - now).total_seconds() <= BOOKED_AHEAD_S)
        self.steps = 0

    def _reopening(self, state: DayState, now: datetime) -> None:
        """Posts closed a short while ago, during opening hours, come back the way posts that
        closed today came back (staff back from lunch, a colleague taking over)."""
        self.back_at: dict[str, float] = {}
        if self.reopen_s == NEVER:
            return  # no post closed and came back today: none is expected to
        for pid, p in state.posts.items():
            if not p.open and p.closed_at is not None and p.services:
                closed = (now - p.closed_at).total_seconds()
                if until_closing(self.office, p.closed_at) <= 0:
                    continue  # closed at or after closing time: gone for the day
                last = state.sessions.get((pid, p.session))
                if last is not None and last.staff is not None:
                    elsewhere = state.staff_state(last.staff).post
                    if elsewhere is not None and state.posts[elsewhere].open:
                        continue  # moved to another post: this one stays closed
                back = max(self.reopen_s - closed, self.reopen_s / 3)
                if closed < 2 * self.reopen_s + REOPEN_GRACE_S and back < self.closing:
                    self.back_at[pid] = back
                    self.posts.append((pid, p.services))

    def _push(self, t: Ticket) -> None:
        # Within one service every post ranks tickets alike (same weight and target), so a heap
        # per service keeps the order, and `rank_key` decides between the services' heads.
        # A checked-in appointment is taken as due: ahead of walk-ins, by booked start.
        cls = 2 if t.head else (1 if (t.priority and self.prio_first)
                                or t.booked_at is not None else 0)
        q = (t.queued_at - self.now).total_seconds() if self.ratio and t.queued_at else 0.0
        if t.booked_at is not None and not t.head:
            q = (t.booked_at - self.now).total_seconds()
        self.tie += 1
        heapq.heappush(self.base.setdefault(t.service, []), ((-cls, q, t.order), self.tie, t))

    def _start(self, rng: random.Random, scale: dict[str, float]
               ) -> tuple[list[tuple[float, int]], list[float]]:
        """When each post is next free, and when its staff will next take a pause (seconds from
        now)."""
        free, due = [], []
        for i, (pid, _services) in enumerate(self.posts):
            p = self.state.posts[pid]
            at = 0.0
            jitter = rng.uniform(-STRETCH_JITTER_S, STRETCH_JITTER_S)
            pause_at = self.stretch - self.worked.get(pid, 0.0) + jitter
            if pause_at < 0:  # overdue: some time soon
                pause_at = rng.uniform(0.0, STRETCH_JITTER_S)
            if pid in self.back_at:
                at = self.back_at[pid]
                pause_at = at + self.stretch + jitter
            elif p.pause_reason is not None:
                typical = self.pause_s.get(p.pause_reason, PRIOR_PAUSE_S)
                paused = (self.now - p.paused_at).total_seconds() if p.paused_at else 0.0
                # Past its typical length, a pause is assumed to end a third of that later.
                at = max(typical - paused, typical / 3)
                pause_at = at + self.stretch + jitter
            elif p.current is not None:
                cur = self.state.tickets[p.current]
                called = cur.current.called_at
                elapsed = (self.now - called).total_seconds() if called else 0.0
                svc = self.svcs.get(cur.service)
                if svc is not None:
                    at = _remaining(svc, scale[cur.service], elapsed, cur.status == "serving",
                                    rng)
            free.append((at, i))
            due.append(pause_at)
        heapq.heapify(free)
        return free, due

    def run(self, rng: random.Random) -> dict[str, float]:
        """One possible future: the time from now until each wanted ticket is called."""
        svcs, posts, office, now = self.svcs, self.posts, self.office, self.now
        # The mean itself is uncertain: draw it per replay (centred so its mean stays put).
        scale = {code: rng.gauss(-s.mean_sd**2 / 2, s.mean_sd) for code, s in svcs.items()}
        free, due = self._start(rng, scale)
        heaps = {code: list(h) for code, h in self.base.items()}
        aimed = {pid: list(ts) for pid, ts in self.targeted.items()}
        idle: list[int] = []
        arr = [(rng.expovariate(svcs[code].rate), code) for code in self.arrivals]
        heapq.heapify(arr)
        left = len(self.wanted)
        out: dict[str, float] = {}
        order, tie = self.state.seq + 2, self.tie
        booked, nb = self.booked, 0  # the next appointment to come in
        steps = 0
        while left:
            steps += 1
            t_free = free[0][0] if free else math.inf
            t_arr = arr[0][0] if arr else math.inf
            if nb < len(booked) and booked[nb][0] <= min(t_free, t_arr, HORIZON_S):
                t_fix, code, start = booked[nb]
                nb += 1
                later = _Later(code, now + timedelta(seconds=t_fix), order, False, start)
                tie += 1
                heapq.heappush(heaps.setdefault(code, []),
                               ((-1, (start - now).total_seconds(), order), tie,
                                cast(Ticket, later)))
                order += 1
                for j, i in enumerate(idle):
                    if code in posts[i][1]:
                        heapq.heappush(free, (t_fix, i))
                        del idle[j]
                        break
                continue
            if min(t_free, t_arr) > HORIZON_S:
                break
            if t_arr < t_free and t_arr >= self.closing:
                heapq.heappop(arr)  # the kiosk has stopped issuing
                continue
            if t_arr < t_free:
                code = arr[0][1]
                s = svcs[code]
                heapq.heapreplace(arr, (t_arr + rng.expovariate(s.rate), code))
                prio = s.priority > 0 and rng.random() < s.priority
                later = _Later(code, now + timedelta(seconds=t_arr), order, prio)
                cls = 1 if prio and self.prio_first else 0
                tie += 1
                heapq.heappush(heaps.setdefault(code, []),
                               ((-cls, t_arr if self.ratio else 0.0, order), tie,
                                cast(Ticket, later)))
                order += 1
                for j, i in enumerate(idle):
                    if code in posts[i][1]:
                        heapq.heappush(free, (t_arr, i))
                        del idle[j]
                        break
                continue
            t, i = heapq.heappop(free)
            pid, services = posts[i]
            best: Ticket | None = None
            from_heap: list[Entry] | None = None
            heads = [(code, h) for code in services if (h := heaps.get(code))]
            targeted = aimed.get(pid)
            if len(heads) == 1 and not targeted:  # one candidate: no ranking needed
                from_heap = heads[0][1]
                best = from_heap[0][2]
            elif heads or targeted:
                at = now + timedelta(seconds=t)
                best_key: tuple[int, float, int] | None = None
                for code, h in heads:
                    k = rank_key(h[0][2], office, at, services[code], pid)
                    if best_key is None or k < best_key:
                        best, best_key, from_heap = h[0][2], k, h
                for cand in targeted or ():
                    k = rank_key(cand, office, at, services.get(cand.service, 1.0), pid)
                    if best_key is None or k < best_key:
                        best, best_key, from_heap = cand, k, None
            if best is None:
                idle.append(i)
                continue
            if from_heap is None:
                aimed[pid].remove(best)
            else:
                heapq.heappop(from_heap)
            wanted = self.wanted.get(id(best))
            if wanted is not None:
                out[wanted] = t
                left -= 1
                if id(best) in self.phantoms:  # a ticket that does not exist takes no time
                    heapq.heappush(free, (t, i))
                    continue
            svc = svcs.get(best.service)
            busy = _busy(svc, scale[best.service], rng) if svc is not None else 0.0
            if due[i] <= t + busy < self.closing - PAUSE_CUTOFF_S:  # after working a while
                busy += self.pause_len
                due[i] = t + busy + self.stretch
            heapq.heappush(free, (t + busy, i))
        self.steps += steps
        for name in self.wanted.values():
            out.setdefault(name, HORIZON_S)
        return out


def _remaining(svc: ServiceModel, scale: float, elapsed: float, started: bool,
               rng: random.Random) -> float:
    """Time left of a call that has lasted `elapsed` seconds (drawn given it has not ended)."""
    if not started and elapsed < svc.no_show_s and rng.random() < svc.no_show:
        return svc.no_show_s - elapsed
    if svc.exponential:  # memoryless: what is left does not depend on what has passed
        return rng.expovariate(1.0) * math.exp(svc.mu + svc.sigma**2 / 2 + scale)
    mu = svc.mu + scale
    if elapsed <= 0:
        return math.exp(mu + svc.sigma * rng.gauss(0.0, 1.0))
    u0 = _ND.cdf((math.log(elapsed) - mu) / svc.sigma)
    u = min(u0 + (1.0 - u0) * rng.random(), 1.0 - 1e-12)
    return max(0.0, math.exp(mu + svc.sigma * _ND.inv_cdf(u)) - elapsed)


def _busy(svc: ServiceModel, scale: float, rng: random.Random) -> float:
    if rng.random() < svc.no_show:
        return svc.no_show_s
    if svc.exponential:
        return rng.expovariate(1.0) * math.exp(svc.mu + svc.sigma**2 / 2 + scale)
    return math.exp(svc.mu + scale + svc.sigma * rng.gauss(0.0, 1.0))


def _quantile(xs: list[float], p: float) -> float:
    """Linear interpolation between the order statistics of sorted `xs`."""
    pos = p * (len(xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def forecast_queue(state: DayState, office: Office, now: datetime, *,
                   tickets: list[Ticket] | None = None, services: list[str] | None = None,
                   replications: int = REPLICATIONS) -> dict[str, WaitForecast | None]:
    """Forecasts from one set of replays: for each waiting ticket in `tickets` (key: its number;
    the time until it is called) and for a ticket taken now of each of `services` (key: the
    service code). None where no open post serves the service.
    """
    model = _Replay(state, office, now, tickets or [], services or [])
    result: dict[str, WaitForecast | None] = dict.fromkeys(model.none)
    if not model.wanted:
        return result
    samples: dict[str, list[float]] = {k: [] for k in model.wanted.values()}
    runs = replications
    done = 0
    while done < runs:
        # Common random numbers: replay i draws the same stream in every state of the day.
        rng = random.Random(zlib.crc32(f"{state.day}:{done}".encode()))
        for k, v in model.run(rng).items():
            samples[k].append(v)
        done += 1
        if done == 1:  # a long replay (a long queue) -> fewer replays, to stay fast
            runs = max(min(replications, MIN_REPLICATIONS), min(
                replications, STEP_BUDGET // max(1, model.steps)))
    for k, xs in samples.items():
        xs.sort()
        mid = _quantile(xs, 0.5)
        lo = max(0.0, mid - RANGE_WIDEN * (mid - _quantile(xs, 0.1)))
        hi = mid + RANGE_WIDEN * (_quantile(xs, 0.9) - mid)
        result[k] = WaitForecast(sum(xs) / len(xs), lo, hi)
    return result


def forecast_wait(state: DayState, office: Office, service: str, now: datetime,
                  ticket: Ticket | None = None) -> WaitForecast | None:
    """The forecast for one ticket: `ticket` (waiting) or one of `service` taken now.

    None when no open post serves the service. For a ticket just issued this is its estimated
    wait; for one that has waited a while, the time it still has to wait.
    """
    if ticket is not None:
        return forecast_queue(state, office, now, tickets=[ticket])[ticket.number]
    return forecast_queue(state, office, now, services=[service])[service]


def forecast_all(state: DayState, office: Office, now: datetime) -> dict[str, WaitForecast | None]:
    """For a dashboard: a ticket taken now, for every service, from one set of replays."""
    return forecast_queue(state, office, now, services=list(office.services))
