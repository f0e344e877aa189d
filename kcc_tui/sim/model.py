"""The day simulator: SimPy plays citizens and staff, the real domain code decides.

Every action is a real command executed by `kcc_tui.domain.ledger.Ledger` with a `FixedClock` set
to SimPy's time (seconds from opening, mapped to an aware UTC datetime). So numbering, the "call
next" rule, the fold, the KPIs and the estimators are exactly the production ones; SimPy only
decides *when* things happen:

- citizens arrive per service as an inhomogeneous Poisson process (a rate per opening hour);
- staff open their post at the start of a shift; when free they call next; when nothing is
  waiting they sleep until a ticket they can serve arrives (or their next planned change);
- a called citizen does not come with the no-show share (staff wait, then mark no-show), else
  walks to the counter (Start) and is served for a lognormal or exponential time (Finish);
- pauses and coordinator moves wait until the current citizen is done, as in the office;
- at closing time the kiosk stops issuing; staff whose shift runs to closing serve the queue
  (up to `overtime_min`), then the coordinator ends the day.

Estimates are recorded for each ticket right after it is issued, before any post calls it: the
printed forecast and the baselines, so that all are judged on the same tickets. With
`perfect=True` each ticket also gets the perfect-information oracle: the same day simulated
again with every citizen after it left out — the service times of those ahead and the real
staffing (shifts, pauses, moves) are then known exactly and the real routing rule decides —
the floor no estimator can beat, as it cannot know who comes later.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from time import perf_counter
from typing import Any

import simpy

from ..domain import commands as C
from ..domain.booking import Booking, CheckIn, ImportBookings
from ..domain.clock import FixedClock, zone
from ..domain.estimate import (
    people_ahead,
    queue_length_estimate_s,
    serving_posts,
    ticket_promise,
)
from ..domain.events import Event
from ..domain.learned import History, history_of, remember_history
from ..domain.ledger import Ledger
from ..domain.routing import eligible
from .citizens import Needs, arrival_times, draw_needs, mean_service_s, true_busy_s
from .scenario import Loaded

KIOSK = "onthaal"  # the kiosk id the simulated tickets are issued at (the example office's)
HISTORY_DAYS = 4  # the estimator learns from the simulated days before, as from recent weeks
HANDOVER_POLL_S = 15.0  # staff taking over a post look again this often until it is free
Proc = Generator[simpy.Event, Any, None]
SIM_SOURCE = "sim"  # the bookings' source


def _code(ref: str) -> str:
    """The simulated citizen's check-in code, as hashed (the code is the reference here)."""
    return hashlib.sha256(f"sim:{ref}".encode()).hexdigest()


@dataclass(slots=True)
class TicketRecord:
    """One issued ticket: what each estimator said at issue time, and what happened."""

    number: str
    service: str
    hour: int  # the opening hour it was issued in (0 = the first hour after opening)
    issued_s: float  # seconds from opening
    measured: bool  # issued after the warm-up
    printed: float | None = None  # the forecast printed on the ticket (its mean)
    p10: float | None = None
    p90: float | None = None
    simple: float | None = None  # the queue-length formula of estimate.py, learned means
    oracle: float | None = None  # the queue-length formula with the true means (a baseline)
    perfect: float | None = None  # the wait with everything but later arrivals known
    les: float | None = None  # the wait of the last ticket called for the service (a baseline)
    busy_s: float = 0.0  # how long the citizen will keep a post busy (walk + service)
    wait: float | None = None  # first call − issue, once called
    appointment: bool = False  # checked in for an appointment (the accuracy report splits)


@dataclass(slots=True)
class Carried:
    """A citizen still in the office at closing time of a day that runs on into the next (the
    validation runs days back to back, so that they form one long steady-state run)."""

    service: str
    in_service: bool
    record: TicketRecord | None  # the ticket as first issued, to complete its wait
    waited_s: float  # waited so far, before this day


@dataclass
class DayResult:
    index: int
    day: date
    open_utc: datetime
    state: Any  # the day's DayState after the day ended
    records: list[TicketRecord]
    refused: dict[str, int]  # tickets the kiosk could not issue (daily cap), per service
    queue_area: list[float]  # per opening hour: ∫ number waiting dt, in ticket-seconds
    commands: list[tuple[datetime, C.Command, str]]  # with record=True, for `--store`
    events: int
    forecast_s: list[float] = field(default_factory=list)  # time each forecast took
    problems: list[str] = field(default_factory=list)
    carry: list[Carried] = field(default_factory=list)  # still there at closing (chained days)


class DaySim:
    """One simulated business day."""

    def __init__(self, loaded: Loaded, day: date, index: int = 0, seed: int = 1, *,
                 estimates: bool = True, record: bool = False,
                 carry_in: list[Carried] | None = None, carry_out: bool = False,
                 history: History | None = None, cut_s: float | None = None,
                 watch: str | None = None) -> None:
        self.s, self.office, self.coordinator = loaded.scenario, loaded.office, loaded.coordinator
        self.day, self.index, self.seed = day, index, seed
        local_open = datetime.combine(day, self.s.open, tzinfo=zone(self.office.timezone))
        self.open_utc = local_open.astimezone(UTC)
        self.env = simpy.Environment()
        self.clock = FixedClock(self.open_utc)
        self.ledger = Ledger(self.office, self.clock)
        if history is not None:  # what the office's recent weeks showed the estimator
            remember_history(self.ledger.state, history)
        self.estimates, self.record = estimates, record
        # The perfect-information replay: nobody arrives after `cut_s`; stop at `watch`'s call.
        self.cut_s, self.watch = cut_s, watch
        self.watched: float | None = None
        self.found = self.env.event()
        self.records: dict[str, TicketRecord] = {}
        self.needs: dict[str, Needs] = {}
        self.carry_in, self.carry_out = carry_in, carry_out
        self.carried: dict[str, Carried] = {}  # number today -> citizen carried from yesterday
        self.carry: list[Carried] = []
        # Chained days are one long run: only the first one warms up.
        self.warmup_s = self.s.warmup_min * 60 if carry_in is None else 0.0
        self.refused: dict[str, int] = {}
        self.commands: list[tuple[datetime, C.Command, str]] = []
        self.queue_area: list[float] = []
        self.forecast_s: list[float] = []
        self.problems: list[str] = []
        self._last_t = 0.0
        self.last_wait: dict[str, float] = {}
        self.at: dict[str, str] = {}  # staff -> the post they are at
        self.idle: dict[str, tuple[str, float, simpy.Event]] = {}  # staff -> post, since, wake
        self.busy_s = {code: true_busy_s(self.s, self.office, code) for code in self.s.services}
        self.needs_rng = self.rng("needs")
        self.langs, self.lang_w = list(self.s.languages), list(self.s.languages.values())

    def rng(self, name: str) -> random.Random:
        # Text seeds are hashed with SHA-512 by `random`: the same in every process and run.
        return random.Random(f"{self.seed}:{self.index}:{name}")

    # -- the one way into the domain -----------------------------------------------------------
    def execute(self, cmd: C.Command, actor: str) -> list[Event] | None:
        """Run a command at SimPy's current time; None when the domain refuses it."""
        now = self.env.now
        self._integrate(now)
        self.clock.at = self.open_utc + timedelta(seconds=now)
        try:
            events = self.ledger.execute(cmd, actor)
        except C.Refused:
            return None
        if self.record:
            self.commands.append((self.clock.at, cmd, actor))
        return events

    def _integrate(self, now: float) -> None:
        """Add the queue length × time since the last command to each opening hour it spans."""
        q = len(self.ledger.state.queue)
        t = self._last_t
        self._last_t = now
        while t < now:
            h = int(t // 3600)
            while len(self.queue_area) <= h:
                self.queue_area.append(0.0)
            end = min(now, (h + 1) * 3600.0)
            self.queue_area[h] += q * (end - t)
            t = end

    # -- running -----------------------------------------------------------------------------
    def start(self) -> simpy.Event:
        """Schedule the day; the returned event fires when every desk has closed. (Stepping
        `env` from here lets a benchmark look at the live state mid-day.)"""
        env = self.env
        for c in self.carry_in or []:  # first in line, in yesterday's order
            self.issue(c.service, carried=c)
        for ref, code, start_s in self.book():
            env.process(self.appointment(ref, code, start_s))
        if self.carry_out:
            env.process(self.closing())
        for code in self.s.services:
            env.process(self.arrivals(code))
        desks = [env.process(self.desk(sid)) for sid in self.s.staff]
        for prof in self.s.profiles:
            env.process(self.profile_change(prof.post, prof.services, self.s.at_s(prof.at)))
        if self.s.phone:
            env.process(self.phone())
        return simpy.AllOf(env, desks)

    def run(self) -> DayResult:
        self.env.run(until=self.start())
        self.env.run()  # whatever is still scheduled (calls after the last desk closed)
        if self.execute(C.EndDay(), self.coordinator or C.SYSTEM) is None:
            self.problems.append("the day could not be ended")
        return DayResult(self.index, self.day, self.open_utc, self.ledger.state,
                         list(self.records.values()), self.refused, self.queue_area,
                         self.commands, len(self.ledger.log), self.forecast_s, self.problems,
                         self.carry)

    def closing(self) -> Proc:
        """At closing time, note who is still in the office, for the next chained day."""
        yield self.env.timeout(self.s.open_s)
        state = self.ledger.state
        now = self.open_utc + timedelta(seconds=self.env.now)
        serving = sorted((t for t in state.tickets.values() if t.status in ("called", "serving")),
                         key=lambda t: t.current.called_at or now)
        self.carry += [Carried(t.service, True, None, 0.0) for t in serving]
        for t in sorted(state.queue.values(), key=lambda t: t.order):
            waited = (now - (t.queued_at or now)).total_seconds()
            before = self.carried.get(t.number)
            if before is not None:
                self.carry.append(Carried(t.service, False, before.record,
                                          before.waited_s + waited))
            else:
                self.carry.append(Carried(t.service, False, self.records.get(t.number), waited))

    # -- appointments (issue 18) ------------------------------------------------------------
    def book(self) -> list[tuple[str, str, float]]:
        """The day's bookings, imported at opening: `appointments_per_hour` slots spread evenly
        over each opening hour (a fraction is a slot on some days: drawn). (ref, service,
        booked start in seconds from opening)."""
        slots: list[tuple[str, str, float]] = []
        bookings = []
        for code, plan in self.s.services.items():
            rng = self.rng(f"bookings:{code}")
            length = round(plan.appointment_min or mean_service_s(plan, self.office, code) / 60)
            for h, per_hour in enumerate(plan.appointments_per_hour):
                n = int(per_hour) + (rng.random() < per_hour - int(per_hour))
                for i in range(n):
                    at = h * 3600 + i * 3600 / n
                    if at >= self.s.open_s:
                        break
                    ref = f"{code}-{h}-{i}"
                    slots.append((ref, code, at))
                    bookings.append(Booking(SIM_SOURCE, ref, code,
                                            self.open_utc + timedelta(seconds=at),
                                            max(1, length), 1, 0, _code(ref)))
        if bookings and self.execute(ImportBookings(tuple(bookings)), C.SYSTEM) is None:
            self.problems.append("the appointments could not be booked")
        return slots

    def appointment(self, ref: str, code: str, start_s: float) -> Proc:
        """A citizen with an appointment: comes (or not) around the booked time and checks in
        at the kiosk; too late, they take a walk-in ticket."""
        rng, how = self.rng(f"appointment:{ref}"), self.s.appointments
        if rng.random() < how.no_show:
            return
        arrive = max(0.0, start_s + 60 * rng.gauss(-how.early_min, how.spread_min))
        if self.cut_s is not None and arrive > self.cut_s:
            return
        yield self.env.timeout(arrive - self.env.now)
        events = self.execute(CheckIn(code_hash=_code(ref), kiosk=KIOSK), KIOSK)
        if events is None:
            self.issue(code, rng)  # the window has ended: a walk-in ticket, from now
            return
        number = events[0].data["number"]
        needs = self.needs[number] = draw_needs(self.needs_rng, self.s, self.office, code)
        rec = TicketRecord(number, code, int(arrive // 3600), arrive, arrive >= self.warmup_s,
                           busy_s=self.s.no_show_wait_s if needs.no_show
                           else needs.walk_s + needs.service_s, appointment=True)
        if self.estimates:
            self.estimate(rec)
        self.records[number] = rec
        self.wake(code)

    # -- citizens ----------------------------------------------------------------------------
    def arrivals(self, code: str) -> Proc:
        rng = self.rng(f"arrivals:{code}")
        for t in arrival_times(rng, self.s.services[code].per_hour, self.s.scale, self.s.open_s):
            if self.cut_s is not None and t > self.cut_s:
                return
            yield self.env.timeout(t - self.env.now)
            self.issue(code, rng)

    def issue(self, code: str, rng: random.Random | None = None,
              carried: Carried | None = None) -> None:
        plan = self.s.services[code]
        lang, priority = self.langs[0], False
        if rng is not None:
            if len(self.langs) > 1:
                lang = rng.choices(self.langs, self.lang_w)[0]
            priority = plan.priority > 0 and rng.random() < plan.priority
        events = self.execute(C.IssueTicket(code, lang, priority, kiosk=KIOSK), KIOSK)
        if events is None:
            self.refused[code] = self.refused.get(code, 0) + 1
            return
        number = events[0].data["number"]
        needs = self.needs[number] = draw_needs(self.needs_rng, self.s, self.office, code)
        if carried is not None:
            self.carried[number] = carried
        else:
            issued = self.env.now
            rec = TicketRecord(number, code, int(issued // 3600), issued,
                               issued >= self.warmup_s,
                               busy_s=self.s.no_show_wait_s if needs.no_show
                               else needs.walk_s + needs.service_s)
            if self.estimates:
                self.estimate(rec)
            self.records[number] = rec
        self.wake(code)

    def estimate(self, rec: TicketRecord) -> None:
        """What each estimator says for the ticket just issued, before any post calls it."""
        state, office, now, code = self.ledger.state, self.office, self.clock.at, rec.service
        t = state.tickets[rec.number]
        ahead = people_ahead(state, office, code, now, t)
        rec.simple = queue_length_estimate_s(state, office, code, now, ahead)
        posts = serving_posts(state, code)
        if posts:
            free = any(p.open and p.pause_reason is None and p.current is None
                       and code in p.services for p in state.posts.values())
            rec.oracle = 0.0 if free else (ahead + 1) * self.busy_s[code] / posts
        rec.les = self.last_wait.get(code, 0.0)
        started = perf_counter()
        promise = ticket_promise(state, office, t, now)  # what the kiosk prints
        self.forecast_s.append(perf_counter() - started)
        if promise.wait_s is not None:
            rec.printed, rec.p10, rec.p90 = promise.wait_s, promise.p10_s, promise.p90_s

    def wake(self, code: str) -> None:
        """A ticket arrived: the post idle longest among those that can serve it calls next.

        One post, not all: the others would only be refused (the ticket is taken).
        """
        state = self.ledger.state
        for _sid, (post, _since, ev) in sorted(self.idle.items(), key=lambda kv: kv[1][1]):
            if not ev.triggered and code in state.post(post).services:
                ev.succeed()
                return

    # -- staff -------------------------------------------------------------------------------
    def desk(self, sid: str) -> Proc:
        s, env = self.s, self.env
        plan = s.staff[sid]
        pauses = sorted(plan.pauses, key=lambda p: p.at)
        moves = sorted((m for m in s.moves if m.staff == sid), key=lambda m: m.at)
        for shift in plan.shifts:
            a, b = shift.time
            start, end = s.at_s(a), s.at_s(b)
            if start > env.now:
                yield env.timeout(start - env.now)
            home = shift.post or plan.post
            # Taking over a post: wait until the colleague there has finished their citizen.
            while self.execute(C.OpenPost(home, sid, True), sid) is None and env.now < end:
                yield env.timeout(HANDOVER_POLL_S)
            if self.ledger.state.post(home).staff != sid:
                self.problems.append(f"{sid} could not open {home} at {a:%H:%M}")
                continue
            self.at[sid] = home
            # Whoever works until closing time serves the queue that is left, up to the limit.
            closing = end >= s.open_s
            limit = s.open_s + s.overtime_min * 60 if closing else end
            while True:
                now = env.now
                post = self.at[sid]
                if moves and s.at_s(moves[0].at) <= now:
                    move = moves.pop(0)
                    if self.execute(C.MoveStaff(sid, move.to), self.coordinator) is not None:
                        self.at[sid] = move.to
                    else:
                        self.problems.append(f"{sid} could not be moved to {move.to}")
                    continue
                if pauses and s.at_s(pauses[0].at) <= now and s.at_s(pauses[0].at) < end:
                    pause = pauses.pop(0)
                    # a reason the office does not list pauses with its first one (reasons
                    # are codes from [reasons.pause]; a scenario's words are not checked)
                    known = pause.reason in self.office.reasons.pause
                    reason = pause.reason if known else ""
                    if self.execute(C.Pause(post, reason), sid) is not None:
                        yield env.timeout(pause.minutes * 60)
                        self.execute(C.Resume(post), sid)
                    continue
                if now >= limit or (now >= end and not closing):
                    break
                # Staff see the queue for their services: they press "call next" only when
                # there is someone to call (a refused command would change nothing).
                called = self.execute(C.CallNext(post), sid) if self.callable(post) else None
                if called is None:
                    if closing and now >= s.open_s:
                        break  # closed, and nothing left that this post can call
                    times = [end if not closing else s.open_s, limit]
                    if pauses and s.at_s(pauses[0].at) < end:
                        times.append(s.at_s(pauses[0].at))
                    if moves:
                        times.append(s.at_s(moves[0].at))
                    wake = env.event()
                    self.idle[sid] = (post, now, wake)
                    yield wake | env.timeout(max(0.0, min(times) - now))
                    del self.idle[sid]
                    continue
                yield from self.serve(sid, post, called[0])
            self.execute(C.ClosePost(self.at[sid]), sid)

    def callable(self, post: str) -> bool:
        state = self.ledger.state
        services = state.post(post).services
        conf = self.office.posts.get(post)
        serves = conf.serves if conf is not None else "both"
        return any(eligible(t, post, services, serves) for t in state.queue.values())

    def serve(self, sid: str, post: str, called: Event) -> Proc:
        env = self.env
        t = self.ledger.state.tickets[called.data["number"]]
        wait = t.current.wait_s or 0.0
        rec = self.records.get(t.number)
        if rec is not None and rec.wait is None:
            rec.wait = wait
        carried = self.carried.get(t.number)
        if carried is not None and carried.record is not None and carried.record.wait is None:
            carried.record.wait = carried.waited_s + wait
        self.last_wait[t.service] = wait
        if t.number == self.watch and self.watched is None:
            self.watched = wait
            self.found.succeed()
        needs = self.needs[t.number]
        if needs.no_show:
            yield env.timeout(self.s.no_show_wait_s)
            self.execute(C.NoShow(post), sid)
            return
        if needs.walk_s > 0:
            yield env.timeout(needs.walk_s)
            self.execute(C.Start(post), sid)
        yield env.timeout(needs.service_s)
        self.execute(C.Finish(post, needs.outcome, needs.topics), sid)

    # -- the coordinator and the phone -------------------------------------------------------
    def profile_change(self, post: str, services: dict[str, float], at: float) -> Proc:
        if at > self.env.now:
            yield self.env.timeout(at - self.env.now)
        if self.execute(C.ChangeProfile(post, services), self.coordinator) is None:
            self.problems.append(f"the profile of {post} could not be changed")
            return
        for code in services:
            self.wake(code)

    def phone(self) -> Proc:
        s = self.s
        assert s.phone is not None
        rng = self.rng("phone")
        topics, weights = list(s.phone.topics), list(s.phone.topics.values())
        for t in arrival_times(rng, s.phone.per_hour, s.scale, s.open_s):
            yield self.env.timeout(t - self.env.now)
            state = self.ledger.state
            for sid, post in self.at.items():
                p = state.post(post)
                if p.open and p.staff == sid and self.office.posts[post].kind == "phone":
                    self.execute(C.RegisterCall(post, rng.choices(topics, weights)[0]), sid)
                    break


def perfect_wait(loaded: Loaded, day: date, index: int, seed: int,
                 rec: TicketRecord) -> float | None:
    """The perfect-information oracle for one ticket: the day again, without anyone who
    came after it, until it is called."""
    sim = DaySim(loaded, day, index, seed, estimates=False, cut_s=rec.issued_s,
                 watch=rec.number)
    done = sim.start()
    sim.env.run(until=sim.found | done)
    return sim.watched


def simulate(loaded: Loaded, days: int = 1, seed: int = 1, *, start: date | None = None,
             estimates: bool = True, record: bool = False, chained: bool = False,
             perfect: bool = False,
             progress: Callable[[int, int], None] | None = None) -> list[DayResult]:
    """Simulate `days` days of the scenario: the same weekday, one week apart.

    `chained`: whoever is still in the office at closing time is first in line the next
    morning, so the days form one long run (for validation against steady-state theory).
    `perfect`: also the perfect-information oracle for every measured ticket (one more
    partial day simulated per ticket: slow, for benchmarks).
    `progress(done, days)` is called after every day.
    """
    first = start or loaded.scenario.date
    out: list[DayResult] = []
    for i in range(days):
        carry_in = out[-1].carry if chained and out else None
        past = history_of(d.state for d in out[-HISTORY_DAYS:]) if estimates else None
        out.append(DaySim(loaded, first + timedelta(weeks=i), i, seed, estimates=estimates,
                          record=record, carry_in=carry_in, carry_out=chained,
                          history=past).run())
        if perfect and not chained:
            d = out[-1]
            for rec in d.records:
                if rec.measured and rec.wait is not None:
                    rec.perfect = perfect_wait(loaded, d.day, i, seed, rec)
        if progress is not None:
            progress(i + 1, days)
    return out
