"""The wait forecast (kcc_tui.domain.forecast): the replay of the real "call next" rule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.forecast import forecast_all, forecast_wait, until_closing
from kcc_tui.domain.ledger import Ledger
from kcc_tui.domain.office import OpeningHours, Post
from kcc_tui.domain.state import DayState


def ledger(**routing: object) -> tuple[Ledger, FixedClock]:
    clock = FixedClock(T0)
    return Ledger(make_office(**routing), clock), clock


def issue(lg: Ledger, service: str) -> str:
    return lg.execute(C.IssueTicket(service), "kiosk")[0].data["number"]


def test_no_open_post_no_forecast() -> None:
    lg, clock = ledger()
    number = issue(lg, "eid")
    t = lg.state.tickets[number]
    assert forecast_wait(lg.state, lg.office, "eid", clock(), t) is None
    lg.execute(C.OpenPost("snel", "an", True))  # the snelbalie does not call eid
    assert forecast_wait(lg.state, lg.office, "eid", clock()) is None
    assert forecast_all(lg.state, lg.office, clock())["eid"] is None


def test_an_idle_post_calls_at_once() -> None:
    lg, clock = ledger()
    lg.execute(C.OpenPost("l1", "an", True))
    number = issue(lg, "eid")
    f = forecast_wait(lg.state, lg.office, "eid", clock(), lg.state.tickets[number])
    assert f is not None and f.mean_s == 0 and f.p90_s == 0


def busy_pool(lg: Ledger, clock: FixedClock, waiting: int) -> str:
    """Two posts that have just called an eid ticket each, and `waiting` more eid tickets."""
    for post, staff in (("l1", "an"), ("l2", "bo")):
        lg.execute(C.OpenPost(post, staff, True))
    for _ in range(2 + waiting):
        issue(lg, "eid")
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.CallNext("l2"), "bo")
    lg.execute(C.Start("l1"), "an")
    lg.execute(C.Start("l2"), "bo")
    return max(lg.state.queue, key=lambda n: lg.state.queue[n].order)


def test_one_pool_is_about_the_queue_length_rule() -> None:
    lg, clock = ledger()
    last = busy_pool(lg, clock, waiting=4)  # 3 ahead of the last, 2 posts, 10 min each
    f = forecast_wait(lg.state, lg.office, "eid", clock(), lg.state.tickets[last])
    assert f is not None
    assert 14 * 60 <= f.mean_s <= 26 * 60  # (3 + 1) × 10 min ÷ 2 = 20 min for exponential
    assert f.p10_s < f.mean_s < f.p90_s


def test_the_same_state_gives_the_same_forecast_in_any_fold() -> None:
    lg, clock = ledger()
    last = busy_pool(lg, clock, waiting=5)
    clock.advance(minutes=3)
    a = forecast_wait(lg.state, lg.office, "eid", clock(), lg.state.tickets[last])
    assert forecast_wait(lg.state, lg.office, "eid", clock(), lg.state.tickets[last]) == a
    refolded = DayState(lg.state.day)  # what another process folds from the same events
    for e in lg.log:
        refolded.apply(e)
    assert forecast_wait(refolded, lg.office, "eid", clock(), refolded.tickets[last]) == a


def test_learned_service_times_move_the_forecast() -> None:
    lg, clock = ledger()
    last = busy_pool(lg, clock, waiting=3)
    before = forecast_wait(lg.state, lg.office, "eid", clock(), lg.state.tickets[last])
    for _ in range(8):  # eight quick eid tickets of 2 minutes at l1
        clock.advance(minutes=2)
        lg.execute(C.Finish("l1"), "an")
        issue(lg, "eid")
        lg.execute(C.CallNext("l1"), "an")
        lg.execute(C.Start("l1"), "an")
    now = lg.state.tickets[max(lg.state.queue, key=lambda n: lg.state.queue[n].order)]
    after = forecast_wait(lg.state, lg.office, "eid", clock(), now)
    assert before is not None and after is not None
    assert after.mean_s < before.mean_s


def test_the_ratio_rule_lets_a_short_target_go_first() -> None:
    """l1 calls eid (target 15) and afhalen (target 5, here): an afhalen ticket that waited 3
    minutes is called before an eid ticket that waited 6 (0.6 > 0.4 of their targets)."""
    for rule, first in (("ratio", "afhalen"), ("fifo", "eid")):
        lg, clock = ledger(rule=rule)
        office = lg.office.model_copy(update={"posts": {
            **lg.office.posts, "l1": Post(id="l1", name="Loket 1",
                                          services={"eid": 1, "afhalen": 1})}})
        lg.office = office
        lg.execute(C.OpenPost("l1", "an", True))
        issue(lg, "eid")
        lg.execute(C.CallNext("l1"), "an")  # busy with A001
        lg.execute(C.Start("l1"), "an")
        eid = issue(lg, "eid")
        clock.advance(minutes=3)
        afh = issue(lg, "afhalen")
        clock.advance(minutes=3)
        st = lg.state
        f_eid = forecast_wait(st, office, "eid", clock(), st.tickets[eid])
        f_afh = forecast_wait(st, office, "afhalen", clock(), st.tickets[afh])
        assert f_eid is not None and f_afh is not None
        assert (f_afh.mean_s < f_eid.mean_s) == (first == "afhalen"), rule


def test_a_paused_post_comes_back_after_a_typical_pause() -> None:
    lg, clock = ledger()
    lg.execute(C.OpenPost("l1", "an", True))
    lg.execute(C.Pause("l1", "koffie"), "an")
    clock.advance(minutes=30)
    lg.execute(C.Resume("l1"), "an")  # today a coffee pause lasted 30 minutes
    lg.execute(C.Pause("l1", "koffie"), "an")
    clock.advance(minutes=5)
    number = issue(lg, "eid")
    f = forecast_wait(lg.state, lg.office, "eid", clock(), lg.state.tickets[number])
    assert f is not None
    # learned: today's coffee pause lasted 30 min (the prior is gone), of which 5 have passed
    assert f.mean_s == pytest.approx(25 * 60, abs=1)


def test_every_service_at_once() -> None:
    lg, clock = ledger()
    busy_pool(lg, clock, waiting=2)
    lg.execute(C.OpenPost("snel", "cas", True))
    board = forecast_all(lg.state, lg.office, clock())
    assert set(board) == set(lg.office.services)
    assert board["afhalen"] is not None and board["afhalen"].mean_s == 0  # snelbalie is idle
    eid, rij = board["eid"], board["rijbewijs"]
    assert eid is not None and rij is not None and eid.mean_s > 0 and rij.mean_s > 0


def test_until_closing_follows_the_opening_hours() -> None:
    office = make_office().model_copy(update={"hours": OpeningHours(
        days={"tue": [(time(8, 30), time(12, 30))]})})
    tuesday_9 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 in Brussels
    assert until_closing(office, tuesday_9) == 3.5 * 3600
    assert until_closing(office, tuesday_9 + timedelta(hours=4)) == 0  # 13:00: closed
    assert until_closing(make_office(), tuesday_9) == float("inf")  # no hours configured
