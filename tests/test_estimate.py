"""One estimate per state (domain.estimate.estimate): deterministic, never made up."""

from __future__ import annotations

import math
import random
from datetime import time

import pytest
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.estimate import (
    DAY_ENDED,
    NO_OPEN_POST,
    NOT_TODAY,
    estimate,
    mean_service_s,
    ticket_estimates,
    wait_text,
)
from kcc_tui.domain.learned import (
    NEVER,
    Sums,
    _exponential_fits,
    history_of,
    learned,
    remember_history,
)
from kcc_tui.domain.ledger import Ledger
from kcc_tui.domain.office import OpeningHours
from kcc_tui.domain.state import DayState


def ledger(hours: OpeningHours | None = None) -> tuple[Ledger, FixedClock]:
    clock = FixedClock(T0)
    office = make_office()
    if hours is not None:
        office = office.model_copy(update={"hours": hours})
    return Ledger(office, clock), clock


def issue(lg: Ledger, service: str = "eid") -> str:
    return lg.execute(C.IssueTicket(service), "kiosk")[0].data["number"]


def one_desk(waiting: int) -> tuple[Ledger, FixedClock]:
    """Loket 1 open and serving an eID citizen for 4 minutes, `waiting` more eID tickets."""
    lg, clock = ledger()
    lg.execute(C.OpenPost("l1", "an", True))
    issue(lg)
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.Start("l1"), "an")
    for _ in range(waiting):
        issue(lg)
    clock.advance(minutes=4)
    return lg, clock


@pytest.mark.parametrize("waiting", [1, 2, 3])
def test_one_desk_gives_a_plausible_number(waiting: int) -> None:
    lg, clock = one_desk(waiting)
    e = estimate(lg.state, lg.office, "eid", clock())
    mean = mean_service_s(lg.state, lg.office, "eid")
    assert e.code is None and e.wait_s is not None and e.ahead == waiting
    # the citizen in service and the `waiting` ahead, about 10 minutes each
    assert waiting * mean <= e.wait_s <= 3 * (e.ahead + 1) * mean


def test_the_same_state_gives_the_same_number_and_a_still_office_stays_still() -> None:
    lg, clock = one_desk(3)
    a = estimate(lg.state, lg.office, "eid", clock())
    refolded = DayState(lg.state.day)  # another process, folding the same events
    for ev in lg.log:
        refolded.apply(ev)
    assert estimate(refolded, lg.office, "eid", clock()) == a
    reads = []
    for _ in range(10):  # reads a few seconds apart, nothing happening
        clock.advance(seconds=3)
        e = estimate(lg.state, lg.office, "eid", clock())
        assert e.wait_s is not None
        reads.append(e.wait_s)
    assert max(reads) - min(reads) <= 60


def test_the_ticket_says_what_the_state_said_a_new_ticket_would_wait() -> None:
    lg, clock = one_desk(2)
    lg.execute(C.OpenPost("l2", "bo", True))
    lg.execute(C.CallNext("l2"), "bo")
    clock.advance(minutes=1)
    before = estimate(lg.state, lg.office, "eid", clock())
    number = issue(lg)
    after = estimate(lg.state, lg.office, "eid", clock(), lg.state.tickets[number])
    assert (after.ahead, after.wait_s) == (before.ahead, before.wait_s)
    # and the next new ticket has one more ahead, so waits longer
    nxt = estimate(lg.state, lg.office, "eid", clock())
    assert nxt.ahead == before.ahead + 1 and nxt.wait_s is not None
    assert before.wait_s is not None and nxt.wait_s > before.wait_s


def test_no_open_unpaused_post_no_number() -> None:
    lg, clock = ledger()
    issue(lg)
    assert estimate(lg.state, lg.office, "eid", clock()).code == NO_OPEN_POST
    lg.execute(C.OpenPost("snel", "an", True))  # the snelbalie does not call eid
    e = estimate(lg.state, lg.office, "eid", clock())
    assert (e.wait_s, e.code, e.ahead) == (None, NO_OPEN_POST, 1)
    lg.execute(C.OpenPost("l1", "bo", True))
    assert estimate(lg.state, lg.office, "eid", clock()).wait_s is not None
    lg.execute(C.Pause("l1", "koffie"), "bo")  # the only post for eid pauses
    assert estimate(lg.state, lg.office, "eid", clock()).code == NO_OPEN_POST
    assert estimate(lg.state, lg.office, "afhalen", clock()).wait_s == 0  # the snelbalie is idle


def test_the_phone_pages_ask_for_many_tickets_at_once_and_get_the_one_estimate() -> None:
    lg, clock = one_desk(3)
    lg.execute(C.OpenPost("l2", "bo", True))
    lg.execute(C.CallNext("l2"), "bo")
    issue(lg, "rijbewijs")
    quick = issue(lg, "afhalen")  # the snelbalie is closed: no number, the reason
    clock.advance(minutes=2)
    tickets = list(lg.state.tickets.values())
    batch = ticket_estimates(lg.state, lg.office, tickets, clock())
    waiting = [t for t in tickets if t.status == "waiting"]
    assert set(batch) == {t.number for t in waiting} and len(waiting) == 4
    for t in waiting:
        assert batch[t.number] == estimate(lg.state, lg.office, t.service, clock(), t)
    assert batch[quick].code == NO_OPEN_POST
    # each ticket waits for those ahead of it, also when asked for together
    assert batch["A004"].wait_s > batch["A003"].wait_s  # type: ignore[operator]


def test_after_day_end_no_number() -> None:
    lg, clock = one_desk(2)
    lg.execute(C.EndDay(), "coord")
    for code in lg.office.services:
        e = estimate(lg.state, lg.office, code, clock())
        assert (e.wait_s, e.code) == (None, DAY_ENDED)


def test_a_queue_that_runs_past_closing_is_not_today() -> None:
    # open until 11:00 Brussels; it is 09:00 with one desk and 15 eID tickets of 10 minutes
    lg, clock = ledger(OpeningHours(days={"tue": [(time(8, 30), time(11, 0))]}))
    lg.execute(C.OpenPost("l1", "an", True))
    for _ in range(15):
        issue(lg)
    e = estimate(lg.state, lg.office, "eid", clock())
    assert (e.wait_s, e.code) == (None, NOT_TODAY)
    first = estimate(lg.state, lg.office, "eid", clock(), lg.state.tickets["A001"])
    assert first.wait_s == 0  # the first one is called now
    # outside the opening hours (staff still at work) there is no closing time to run past
    clock.advance(hours=3)
    assert estimate(lg.state, lg.office, "eid", clock()).wait_s is not None


def test_no_pause_is_assumed_before_one_is_seen() -> None:
    lg, clock = ledger()
    lg.execute(C.OpenPost("l1", "an", True))
    clock.advance(hours=3)  # three hours without a pause: nothing says one is due
    lrn = learned(lg.state, lg.office, clock())
    assert lrn.stretch_s == NEVER and lrn.reopen_s == NEVER
    for _ in range(6):
        issue(lg)
    e = estimate(lg.state, lg.office, "eid", clock())
    assert e.wait_s is not None
    assert e.wait_s == pytest.approx(6 * 600, rel=0.2)  # six of 10 minutes, no pause on top


def test_the_data_choose_the_service_time_family() -> None:
    rng = random.Random(3)
    expo = [rng.expovariate(1 / 600) for _ in range(60)]
    logn = [math.exp(rng.gauss(math.log(560), 0.35)) for _ in range(60)]
    def sums(xs: list[float]) -> Sums:
        out = Sums()
        for x in xs:
            out.add(x)
        return out

    assert _exponential_fits(sums(expo))
    assert not _exponential_fits(sums(logn))
    assert not _exponential_fits(sums(expo[:5]))  # too few to tell


def test_one_way_to_write_a_wait() -> None:
    assert [wait_text(s) for s in (0, 59 * 60, 3600, 3660, 6 * 3600 + 60)] == [
        "0 min", "59 min", "60 min", "1u01", "6u01"]
    assert wait_text(3900, "fr") == "1h05"


def test_learned_exponential_service_times_are_used() -> None:
    lg, clock = ledger()
    lg.execute(C.OpenPost("l1", "an", True))
    rng = random.Random(5)
    for _ in range(30):
        issue(lg)
        lg.execute(C.CallNext("l1"), "an")
        lg.execute(C.Start("l1"), "an")
        clock.advance(seconds=rng.expovariate(1 / 600))
        lg.execute(C.Finish("l1"), "an")
    assert learned(lg.state, lg.office, clock()).services["eid"].exponential


def test_earlier_days_teach_pauses_and_lunch_and_today_takes_over() -> None:
    # yesterday: a 20-minute coffee pause after an hour, and a post closed 40 min for lunch
    lg, clock = ledger()
    lg.execute(C.OpenPost("l1", "an", True))
    clock.advance(hours=1)
    lg.execute(C.Pause("l1", "koffie"), "an")
    clock.advance(minutes=20)
    lg.execute(C.Resume("l1"), "an")
    lg.execute(C.ClosePost("l1"), "an")
    clock.advance(minutes=40)
    lg.execute(C.OpenPost("l1", "an", True))
    past = history_of([lg.state])
    assert past.stretches.mean() == 3600 and past.reopens.mean() == 40 * 60
    today, clock = ledger()
    remember_history(today.state, past)
    lrn = learned(today.state, today.office, clock())
    assert lrn.pauses == {"koffie": 20 * 60} and lrn.stretch_s == 3600
    assert lrn.reopen_s == 40 * 60
    # today's own pauses weigh in: ten 10-minute pauses against yesterday's one of 20
    today.execute(C.OpenPost("l1", "an", True))
    for _ in range(10):
        today.execute(C.Pause("l1", "koffie"), "an")
        clock.advance(minutes=10)
        today.execute(C.Resume("l1"), "an")
    lrn = learned(today.state, today.office, clock())
    assert lrn.pauses["koffie"] == pytest.approx((10 * 600 + 1200) / 11)
