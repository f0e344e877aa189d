"""Staffing: how many posts to staff, by the exact Erlang C formula (`domain.erlang`), and a plan
per opening hour for a coming day from history, checked with the simulator.

- `calculate`: `kcc staffing --arrivals-per-hour R --mean-service M --target P --within T`: the
  fewest posts with P(wait ≤ T) ≥ P; with `posts`, P(wait), mean wait and SL for that many (or
  "unstable" when the load is too high for them).
- `plan_day`: per slot the fewest posts for the pooled queue of all services, where the service
  level counts each citizen against their own service's target: SL = Σ λᵢ/λ · P(W ≤ tᵢ). Then the
  simulator plays the day and one post is added in every hour whose simulated SL falls below
  target − 0.05 (`TOLERANCE`), until none does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..domain.erlang import erlang_c, min_servers
from .demand import Demand, Slot, arrivals

TOLERANCE = 0.05  # a simulated hour this far under target gets another post
MAX_ROUNDS = 8  # simulate → add posts → simulate ... at most this often
MAX_POSTS = 200


class StaffingError(ValueError):
    """Input that cannot be computed with; `str()` is one line for the user."""


# -- the calculator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Calculation:
    arrivals_per_hour: float
    mean_service_min: float
    target: float  # share, 0..1
    within_min: float
    load: float  # erlangs: the average number of busy posts
    min_posts: int  # the fewest posts that meet the target (0 when nobody comes)
    posts: int | None = None  # the number asked about, if any
    stable: bool = True
    p_wait: float | None = None
    mean_wait_min: float | None = None
    service_level: float | None = None
    occupancy: float | None = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "arrivals_per_hour": self.arrivals_per_hour, "mean_service_min": self.mean_service_min,
            "target": self.target, "within_min": self.within_min, "load": round(self.load, 4),
            "min_posts": self.min_posts,
        }
        if self.posts is not None:
            d |= {"posts": self.posts, "stable": self.stable,
                  "p_wait": _r(self.p_wait), "mean_wait_min": _r(self.mean_wait_min),
                  "service_level": _r(self.service_level), "occupancy": _r(self.occupancy)}
        return d

    def text(self) -> str:
        pct = f"{self.target:.0%}"
        lines = [f"{self.arrivals_per_hour:g} citizens/h × {self.mean_service_min:g} min = "
                 f"{self.load:.2f} erlang (posts busy on average)"]
        lines.append(f"minimum posts for {pct} within {self.within_min:g} min: "
                     f"{self.min_posts}")
        if self.posts is not None:
            if not self.stable:
                lines.append(f"with {self.posts} posts: unstable — the load of {self.load:.2f} "
                             f"needs more than {self.posts} posts; the queue grows all day")
            else:
                lines.append(
                    f"with {self.posts} posts: P(wait) {self.p_wait:.1%}, mean wait "
                    f"{self.mean_wait_min:.1f} min, {self.service_level:.1%} within "
                    f"{self.within_min:g} min, occupancy {self.occupancy:.0%}")
        return "\n".join(lines)


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def share(text: str | float) -> float:
    """A target share as users write it: a share (0.8) or a percentage with % ("80%").

    A bare number above 1 ("80", "1.5") is refused rather than guessed: 1.5 could be 1.5 %
    or a typo for 0.15."""
    raw = str(text).strip()
    percent = raw.endswith("%")
    try:
        v = float(raw.rstrip("%").strip())
    except ValueError:
        raise StaffingError(f"target must be a share like 0.8 or 80%, found {text!r}") from None
    if not math.isfinite(v):
        raise StaffingError(f"target must be a share like 0.8 or 80%, found {text!r}")
    if percent:
        v /= 100
    elif v > 1:
        raise StaffingError(f"target {raw} is ambiguous: write a percentage with % "
                            f"({raw}%) or a share (0.8)")
    if not 0 < v <= 1:
        raise StaffingError(f"target must be above 0 and at most 100 %, found {text!r}")
    return v


def _reachable(target: float, within: str, arrivals: float) -> None:
    """100 % can never be promised: with random arrivals and service times some citizen always
    waits longer than any time (Erlang C: P(wait > t) > 0 for every number of posts)."""
    if target >= 1 and arrivals > 0:
        raise StaffingError(f"100% within {within} cannot be reached with any number of posts "
                            "(some citizen always waits longer); ask for less, e.g. 95%")


def calculate(arrivals_per_hour: float, mean_service_min: float, target: float,
              within_min: float, posts: int | None = None) -> Calculation:
    """Erlang C in minutes. Raises StaffingError (one line) for input it cannot use."""
    for name, v, low in (("arrivals per hour", arrivals_per_hour, 0.0),
                         ("within", within_min, 0.0)):
        if not math.isfinite(v) or v < low:
            raise StaffingError(f"{name} must be a number of at least {low:g}, found {v:g}")
    if not math.isfinite(mean_service_min) or mean_service_min <= 0:
        raise StaffingError(f"mean service must be more than 0 minutes, found "
                            f"{mean_service_min:g}")
    if not 0 < target <= 1:
        raise StaffingError(f"target must be above 0 and at most 1, found {target:g}")
    if posts is not None and posts < 1:
        raise StaffingError(f"posts must be at least 1, found {posts}")
    if posts is not None and posts > MAX_POSTS:
        raise StaffingError(f"posts must be at most {MAX_POSTS}, found {posts}")
    _reachable(target, f"{within_min:g} min", arrivals_per_hour)
    lam = arrivals_per_hour / 60
    try:
        need = min_servers(lam, mean_service_min, within_min, target, max_servers=MAX_POSTS)
    except ValueError:
        raise StaffingError(f"no number of posts reaches {target:.0%} within {within_min:g} min"
                            ) from None
    calc = Calculation(arrivals_per_hour, mean_service_min, target, within_min,
                       lam * mean_service_min, need, posts)
    if posts is None:
        return calc
    q = erlang_c(posts, lam, mean_service_min)
    if not q.stable:
        # never a probability above 1 or a negative wait: the queue has no steady state
        return replace(calc, stable=False, p_wait=1.0, occupancy=q.occupancy)
    return replace(calc, p_wait=q.p_wait, mean_wait_min=q.mean_wait,
                   service_level=q.service_level(within_min), occupancy=q.occupancy)


# -- the plan for a day ----------------------------------------------------------------------------
def pooled(demand: Demand, slot: int, posts: int) -> float | None:
    """Erlang C service level of one slot with `posts` posts serving every service: each
    citizen judged against their own service's target. None when nobody comes."""
    loads = [(s.per_hour[slot] / 3600, s.busy_s, s.target_s) for s in demand.services.values()
             if s.per_hour[slot] > 0]
    lam = sum(x[0] for x in loads)
    if not lam:
        return None
    mean = sum(x[0] * x[1] for x in loads) / lam
    q = erlang_c(posts, lam, mean)
    return sum(x[0] / lam * q.service_level(x[2]) for x in loads)


def erlang_posts(demand: Demand, slot: int, target: float) -> int:
    """The fewest posts whose pooled service level reaches `target` in one slot."""
    load = sum(s.per_hour[slot] / 3600 * s.busy_s for s in demand.services.values())
    if not load:
        return 0
    _reachable(target, "the targets", load)
    for n in range(max(1, math.floor(load) + 1), MAX_POSTS + 1):
        sl = pooled(demand, slot, n)
        if sl is not None and sl >= target:
            return n
    raise StaffingError(f"{MAX_POSTS} posts are not enough for {target:.0%} in "
                        f"{demand.slots[slot].label}")


@dataclass(frozen=True)
class SlotAdvice:
    slot: Slot
    arrivals_per_hour: float
    busy_min: float  # mean time a call keeps a post busy, over the services of the slot
    erlang_posts: int
    erlang_sl: float | None
    posts: int  # advised: Erlang C, plus what the simulator check added
    simulated_sl: float | None

    @property
    def added(self) -> int:
        return self.posts - self.erlang_posts

    def values(self) -> dict[str, Any]:
        return {"slot": self.slot.label, "arrivals_per_hour": round(self.arrivals_per_hour, 2),
                "busy_min": round(self.busy_min, 2), "erlang_posts": self.erlang_posts,
                "erlang_sl": _r(self.erlang_sl), "posts": self.posts, "added": self.added,
                "simulated_sl": _r(self.simulated_sl)}


ADVICE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("slot", "hour"), ("arrivals_per_hour", "arrivals/h"), ("busy_min", "busy/call (min)"),
    ("erlang_posts", "Erlang C posts"), ("erlang_sl", "Erlang C SL"), ("posts", "advised posts"),
    ("added", "added by simulation"), ("simulated_sl", "simulated SL"),
)


@dataclass
class Advice:
    day: date
    target: float
    history_days: tuple[date, ...]
    slots: list[SlotAdvice] = field(default_factory=list)
    checked: bool = False  # the simulator played the plan
    rounds: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"day": str(self.day), "target": self.target, "checked": self.checked,
                "rounds": self.rounds, "history_days": [str(d) for d in self.history_days],
                "notes": self.notes, "slots": [s.values() for s in self.slots]}


# plays a plan: per slot (simulated SL, the slot where a post would help its late citizens)
Simulate = Callable[[Demand, list[int]], list[tuple[float | None, int]]]


def plan_day(demand: Demand, target: float, simulate: Simulate | None = None) -> Advice:
    """Posts per slot: Erlang C first; then, if `simulate` is given, the day is played and for
    every slot whose simulated SL is under target − TOLERANCE one post is added, until none is
    (at most MAX_ROUNDS). The post goes where the citizens called late in that slot passed their
    target: the slot itself, or the busy one before it (see `simcheck`)."""
    advice = Advice(demand.day, target, demand.history_days)
    if not demand.slots:
        advice.notes.append("closed that day ([hours] in config.toml)")
        return advice
    if not demand.history_days:
        advice.notes.append("no history for that weekday yet: nothing to learn arrivals from")
    base = [erlang_posts(demand, i, target) for i in range(len(demand.slots))]
    posts = list(base)
    simulated: list[float | None] = [None] * len(posts)
    if simulate is not None and any(posts):
        for advice.rounds in range(1, MAX_ROUNDS + 1):
            checks = simulate(demand, posts)
            simulated = [sl for sl, _ in checks]
            low = {where for sl, where in checks
                   if sl is not None and sl < target - TOLERANCE and posts[where] < MAX_POSTS}
            if not low:
                advice.checked = True
                break
            if advice.rounds == MAX_ROUNDS:
                advice.notes.append(f"some hours are still under target after {MAX_ROUNDS} "
                                    "rounds of simulation")
                break
            for i in low:
                posts[i] += 1
    for i, slot in enumerate(demand.slots):
        lam = arrivals(demand, i)
        busy = (sum(s.per_hour[i] * s.busy_s for s in demand.services.values()) / lam / 60
                if lam else 0.0)
        advice.slots.append(SlotAdvice(slot, lam, busy, base[i],
                                       pooled(demand, i, base[i]) if base[i] else None,
                                       posts[i], simulated[i]))
    return advice
