"""Every live process learns the wait forecast from the office's recent weeks (issue 15: learn,
don't assume), read from the store: the same days for the kiosk, the display and `kcc state`."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.learned import ServiceModel, learned
from kcc_tui.store import Store


async def a_week_ago_with_slow_eid(db: Path, clock: FixedClock) -> None:
    """Six eID citizens a week ago, 30 minutes each (the config says 10), and a 40-minute
    pause."""
    async with Store(db, make_office(), clock=clock, create=True) as store:
        await store.execute(C.OpenPost("l1", "an", True))
        for _ in range(6):
            await store.execute(C.IssueTicket("eid"))
            await store.execute(C.CallNext("l1"), "an")
            await store.execute(C.Start("l1"), "an")
            clock.advance(minutes=30)
            await store.execute(C.Finish("l1"), "an")
        await store.execute(C.Pause("l1"), "an")
        clock.advance(minutes=40)
        await store.execute(C.Resume("l1"), "an")
        await store.execute(C.ClosePost("l1"), "an")


async def test_a_new_process_learns_from_the_weeks_before_today(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0 - timedelta(days=7))
    await a_week_ago_with_slow_eid(db, clock)
    clock.at = T0  # today: nothing happened yet
    office = make_office()
    async with Store(db, office, clock=clock) as store:
        model = learned(store.state, office, T0)
        eid = model.services["eid"]
        # the prior (10 min, counting as 3 completions) pulled to (3·10 + 6·30) / 9 minutes
        assert abs(mean_min(eid) - 70 / 3) < 0.01
        assert abs(model.pause_s - 40 * 60) < 1  # the one pause seen, not the 15-min prior
        # rijbewijs was never served: its prior stands
        assert abs(mean_min(model.services["rijbewijs"]) - 12) < 1e-6
        # a second process on the same store learns the same
        async with Store(db, office, clock=clock) as other:
            assert learned(other.state, office, T0).services["eid"] == eid


async def test_days_beyond_four_weeks_are_forgotten(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0 - timedelta(days=29))
    await a_week_ago_with_slow_eid(db, clock)
    clock.at = T0
    office = make_office()
    async with Store(db, office, clock=clock) as store:
        model = learned(store.state, office, T0)
        assert model.pause_s == 15 * 60  # the prior: no pause seen within 28 days
        assert abs(mean_min(model.services["eid"]) - 10) < 1e-6


def mean_min(model: ServiceModel) -> float:
    return math.exp(model.mu + model.sigma**2 / 2) / 60
