"""Checking a staffing plan with the simulator (`kcc_tui.sim`), which plays the day through the
real domain: the same "call next" rule, the same KPIs.

Why: Erlang C sizes each hour as if it started with an empty queue in steady state. After a lunch
dip (fewer arrivals, so fewer posts) the queue left from the busy hour before is still there and
the waits of the next hour run over target; at closing the last citizens are served in overtime.
The simulation plays the hours in a row, so it sees both.

The plan is simulated as posts that each serve every service (the pooled queue Erlang C assumes);
each opening range of the day (a late opening is a second one) is its own simulated run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.kpi import Fact, kpis_by
from ..domain.state import Interval
from ..sim.model import DayResult, simulate
from ..sim.scenario import scenario_from_document
from .demand import Demand, Slot

STAFF = "plan-{}"  # ids of the simulated staff (scenario staff not in the office are added)
POST = "plan-post-{}"


def _shifts(slots: Sequence[Slot], posts: Sequence[int], i: int) -> list[str]:
    """The time ranges in which staff member i (1-based) is needed: slots with ≥ i posts."""
    out: list[str] = []
    start = None
    for k, (slot, n) in enumerate(zip(slots, posts, strict=True)):
        if n >= i and start is None:
            start = slot.start
        last = k == len(slots) - 1
        if start is not None and (last or posts[k + 1] < i):
            out.append(f"{start:%H:%M}-{slot.end:%H:%M}")
            start = None
    return out


def scenario_doc(demand: Demand, block: int, posts: Sequence[int],
                 office_source: str) -> dict[str, Any] | None:
    """A scenario (docs/simulation.md) for one opening range; None when nobody is planned."""
    idx = [i for i, s in enumerate(demand.slots) if s.block == block]
    slots = [demand.slots[i] for i in idx]
    plan = [posts[i] for i in idx]
    if not slots or max(plan) == 0:
        return None
    svcs = demand.services.values()
    weight = {s.code: sum(s.per_hour[i] for i in idx) for s in svcs}
    total = sum(weight.values()) or 1.0
    walk = sum(weight[s.code] * s.walk_s for s in svcs) / total
    no_show_s = sum(weight[s.code] * s.no_show_s for s in svcs) / total
    codes = [s.code for s in svcs]
    staff = {}
    for i in range(1, max(plan) + 1):
        staff[STAFF.format(i)] = {"post": POST.format(i), "shifts": _shifts(slots, plan, i)}
    return {
        "name": f"staffing advice {demand.day}",
        "office": office_source,
        "date": demand.day.isoformat(),
        "open": f"{slots[0].start:%H:%M}",
        "close": f"{slots[-1].end:%H:%M}",
        "overtime_min": 120,
        "walk_s": min(600.0, walk),
        "no_show_wait_s": min(1800.0, no_show_s),
        "services": {
            s.code: {
                "per_hour": [s.per_hour[i] for i in idx],
                # the scenario's service time is what follows the walk to the counter
                "service_min": min(480.0, max(0.1, (s.mean_service_s - s.walk_s) / 60)),
                "cv": s.cv,
                "no_show": min(1.0, s.no_show),
                "distribution": "lognormal" if s.cv > 0 else "exponential",
            } for s in svcs
        },
        "posts": {POST.format(i): {"name": f"Post {i}", "services": codes}
                  for i in range(1, max(plan) + 1)},
        "staff": staff,
    }


@dataclass(frozen=True)
class SlotCheck:
    """What the simulation says about one slot."""

    sl: float | None  # §4: waits called in the slot within their service's target
    late_from: int  # the slot in which most of those called late had come in


def simulate_plan(demand: Demand, posts: Sequence[int], office_source: str, *,
                  replications: int = 20, seed: int = 1) -> list[SlotCheck]:
    """Play the plan `replications` times; per slot its SL and where its late citizens came in.

    Calls after closing count in the last slot of their opening range. Posts help the citizens
    called late in the slot where they came in: after a busy hour the quiet one (a lunch dip)
    calls the queue left over, and on the days that queue is long more posts in the quiet hour
    come too late — more in the busy hour keep it short.
    """
    n = len(demand.slots)
    ok, called = [0] * n, [0] * n
    late: list[Counter[int]] = [Counter() for _ in range(n)]
    for block in sorted({s.block for s in demand.slots}):
        doc = scenario_doc(demand, block, posts, office_source)
        if doc is None:
            continue
        loaded = scenario_from_document(doc, f"staffing advice for {demand.day}")
        idx = [i for i, s in enumerate(demand.slots) if s.block == block]
        for day in simulate(loaded, days=replications, seed=seed, estimates=False):
            def slot(at: datetime, day: DayResult = day, idx: list[int] = idx) -> int:
                h = int((at - day.open_utc).total_seconds() // 3600)
                return idx[min(max(h, 0), len(idx) - 1)]

            def keys(fact: Fact, iv: Interval, at: datetime) -> tuple[Hashable, ...]:
                return (slot(at),) if fact == "called" else ()

            tickets = list(day.state.tickets.values())
            for (i, _code), kp in kpis_by(tickets, loaded.office, keys).items():
                assert isinstance(i, int)
                ok[i] += len([w for w in kp.waits if w <= kp.target_s])
                called[i] += len(kp.waits)
            targets = {c: s.target_wait_min * 60 for c, s in loaded.office.services.items()}
            for t in tickets:
                for iv in t.intervals:
                    w = iv.wait_s
                    if w is not None and iv.queued_at and iv.called_at and \
                            w > targets.get(iv.service, 600.0):
                        late[slot(iv.called_at)][slot(iv.queued_at)] += 1
    return [SlotCheck(ok[i] / called[i] if called[i] else None,
                      late[i].most_common(1)[0][0] if late[i] else i) for i in range(n)]
