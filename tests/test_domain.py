"""The domain rules of DESIGN.md §3 on an in-memory ledger (no SQLite)."""

from __future__ import annotations

import pytest
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.estimate import (
    estimate_wait_s,
    mean_service_s,
    people_ahead,
    queue_length_estimate_s,
)
from kcc_tui.domain.events import BadEvent, check_event
from kcc_tui.domain.ledger import Ledger


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def ledger(clock: FixedClock, **routing: object) -> Ledger:
    return Ledger(make_office(**routing), clock)


def issue(lg: Ledger, service: str, **kw: object) -> str:
    (e,) = lg.execute(C.IssueTicket(service, **kw))  # type: ignore[arg-type]
    return str(e.data["number"])


def open_post(lg: Ledger, post: str, staff: str) -> None:
    lg.execute(C.OpenPost(post, staff, True))


def call(lg: Ledger, post: str) -> str:
    events = lg.execute(C.CallNext(post), lg.state.post(post).staff or "system")
    return str(events[0].data["number"])


def test_numbers_per_service_are_consecutive_with_prefix(clock: FixedClock) -> None:
    lg = ledger(clock)
    assert [issue(lg, "eid") for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(lg, "rijbewijs") == "B001"
    assert issue(lg, "eid") == "A004"


def test_unknown_service_and_language_are_refused_and_append_nothing(clock: FixedClock) -> None:
    lg = ledger(clock)
    with pytest.raises(C.Refused, match="unknown service 'paspoort'"):
        lg.execute(C.IssueTicket("paspoort"))
    with pytest.raises(C.Refused, match="unknown language"):
        lg.execute(C.IssueTicket("eid", lang="xx"))
    assert lg.log == []


def test_daily_cap_and_issuing_off(clock: FixedClock) -> None:
    lg = ledger(clock)
    for _ in range(50):
        issue(lg, "afhalen")
    with pytest.raises(C.Refused, match="daily limit of 50"):
        issue(lg, "afhalen")
    with pytest.raises(C.Refused, match="only a coordinator"):
        lg.execute(C.SetIssuing("eid", False), "an")
    lg.execute(C.SetIssuing("eid", False), "coord")
    with pytest.raises(C.Refused, match="not issuing"):
        issue(lg, "eid")


def test_call_next_oldest_first_for_equal_targets(clock: FixedClock) -> None:
    lg = ledger(clock)
    a1 = issue(lg, "eid")
    clock.advance(minutes=1)
    issue(lg, "eid")
    open_post(lg, "l1", "an")
    assert call(lg, "l1") == a1


def test_call_next_largest_wait_to_target_ratio(clock: FixedClock) -> None:
    lg = ledger(clock)
    b1 = issue(lg, "rijbewijs")  # target 20 min, issued first
    clock.advance(minutes=4)
    a1 = issue(lg, "eid")  # target 15 min
    clock.advance(minutes=12)
    # now: B001 waited 16/20 = 0.8, A001 waited 12/15 = 0.8 → tie broken by issue time
    open_post(lg, "l1", "an")
    assert call(lg, "l1") == b1
    clock.advance(minutes=1)
    lg.execute(C.Finish("l1"), "an")
    b2 = issue(lg, "rijbewijs")
    clock.advance(minutes=2)
    # A001 waited 15/15 = 1.0 > B002 2/20
    assert call(lg, "l1") == a1
    assert b2 in lg.state.tickets


def test_fifo_rule_and_priority_first(clock: FixedClock) -> None:
    lg = ledger(clock, rule="fifo")
    first = issue(lg, "eid")
    clock.advance(minutes=1)
    prio = issue(lg, "rijbewijs", priority=True)
    open_post(lg, "l1", "an")
    assert call(lg, "l1") == prio
    lg.execute(C.Finish("l1"), "an")
    assert call(lg, "l1") == first


def test_profile_limits_what_a_post_calls(clock: FixedClock) -> None:
    lg = ledger(clock)
    issue(lg, "eid")
    open_post(lg, "l3", "an")  # Loket 3 serves rijbewijs only
    with pytest.raises(C.Refused, match="no tickets waiting for Loket 3"):
        call(lg, "l3")


def test_lifecycle_recall_noshow_requeue(clock: FixedClock) -> None:
    lg = ledger(clock)
    a1, a2 = issue(lg, "eid"), issue(lg, "eid")
    open_post(lg, "l1", "an")
    assert call(lg, "l1") == a1
    lg.execute(C.Recall("l1"), "an")
    lg.execute(C.Recall("l1"), "an")
    assert lg.state.tickets[a1].recalls == 2
    lg.execute(C.NoShow("l1"), "an")
    assert lg.state.tickets[a1].status == "no_show"
    assert call(lg, "l1") == a2
    clock.advance(minutes=2)
    lg.execute(C.Requeue("l1"), "an")
    t = lg.state.tickets[a2]
    assert t.status == "waiting" and len(t.intervals) == 2
    assert t.intervals[1].queued_at == clock()  # a new wait interval starts


def test_refusals_name_the_reason(clock: FixedClock) -> None:
    lg = ledger(clock)
    with pytest.raises(C.Refused, match="Loket 1 is closed"):
        lg.execute(C.CallNext("l1"))
    open_post(lg, "l1", "an")
    with pytest.raises(C.Refused, match="no current ticket"):
        lg.execute(C.Recall("l1"), "an")
    issue(lg, "eid")
    call(lg, "l1")
    with pytest.raises(C.Refused, match="still has ticket A001"):
        call(lg, "l1")
    with pytest.raises(C.Refused, match="bo is not logged in at Loket 1"):
        lg.execute(C.Start("l1"), "bo")
    with pytest.raises(C.Refused, match="already open"):
        open_post(lg, "l1", "bo")
    with pytest.raises(C.Refused, match="unknown topic"):
        lg.execute(C.Finish("l1", topics=("nope",)), "an")


def test_require_topic(clock: FixedClock) -> None:
    lg = ledger(clock, require_topic=True)
    issue(lg, "eid")
    open_post(lg, "l1", "an")
    call(lg, "l1")
    with pytest.raises(C.Refused, match="topic is required"):
        lg.execute(C.Finish("l1"), "an")
    lg.execute(C.Finish("l1", topics=("eid-lost",), note="kwijt op trein"), "an")
    t = lg.state.tickets["A001"]
    assert (t.status, t.topics, t.note) == ("done", ("eid-lost",), "kwijt op trein")


def test_transfer_keeps_number_and_goes_to_head(clock: FixedClock) -> None:
    lg = ledger(clock)
    a1 = issue(lg, "eid")
    b1 = issue(lg, "rijbewijs")
    open_post(lg, "l1", "an")
    open_post(lg, "l3", "bo")
    assert call(lg, "l1") == a1
    lg.execute(C.Start("l1"), "an")
    clock.advance(minutes=3)
    lg.execute(C.Transfer("l1", to_service="rijbewijs", reason="andere-dienst"), "an")
    t = lg.state.tickets[a1]
    assert (t.number, t.service, t.status, t.head) == ("A001", "rijbewijs", "waiting", True)
    assert call(lg, "l3") == a1  # head of the queue, before B001
    assert b1 in [x.number for x in lg.state.waiting("rijbewijs")]


def test_transfer_to_a_post_only_that_post_calls_it(clock: FixedClock) -> None:
    lg = ledger(clock, transfer_position="back")
    a1 = issue(lg, "eid")
    open_post(lg, "l1", "an")
    open_post(lg, "l2", "bo")
    call(lg, "l1")
    lg.execute(C.Transfer("l1", to_post="l2"), "an")
    with pytest.raises(C.Refused, match="no tickets waiting"):
        call(lg, "l1")
    assert call(lg, "l2") == a1


def test_park_and_resume_by_the_same_staff(clock: FixedClock) -> None:
    lg = ledger(clock)
    a1, a2 = issue(lg, "eid"), issue(lg, "eid")
    open_post(lg, "l1", "an")
    call(lg, "l1")
    lg.execute(C.Start("l1"), "an")
    lg.execute(C.Park("l1"), "an")
    assert lg.state.tickets[a1].status == "parked"
    assert call(lg, "l1") == a2
    with pytest.raises(C.Refused, match="still has ticket"):
        lg.execute(C.ResumeParked("l1", a1), "an")
    lg.execute(C.Finish("l1"), "an")
    lg.execute(C.ResumeParked("l1", a1), "an")
    assert lg.state.tickets[a1].status == "serving"
    assert lg.state.post("l1").current == a1


def test_pause_resume_close(clock: FixedClock) -> None:
    lg = ledger(clock)
    open_post(lg, "l1", "an")
    lg.execute(C.Pause("l1", "koffie"), "an")
    issue(lg, "eid")
    with pytest.raises(C.Refused, match="paused"):
        call(lg, "l1")
    clock.advance(minutes=10)
    lg.execute(C.Resume("l1"), "an")
    assert lg.state.post("l1").paused_s == 600
    lg.execute(C.ClosePost("l1"), "an")
    assert lg.state.post("l1").status(lg.state.tickets) == "closed"
    assert lg.state.staff["an"].post is None


def test_wrong_pin_is_recorded_and_locks_after_five(clock: FixedClock) -> None:
    lg = ledger(clock)
    for i in range(4):
        tries = "try" if i == 3 else "tries"
        with pytest.raises(C.RefusedWithEvents, match=f"{4 - i} {tries} left"):
            lg.execute(C.OpenPost("l1", "an", False))
    with pytest.raises(C.RefusedWithEvents, match="locked for 5 min"):
        lg.execute(C.OpenPost("l1", "an", False))
    with pytest.raises(C.Refused, match="locked"):
        lg.execute(C.OpenPost("l1", "an", True))  # even the right PIN
    assert [e.type for e in lg.log].count("staff_login_failed") == 5
    assert lg.log[-1].type == "staff_locked"
    clock.advance(minutes=5, seconds=1)
    open_post(lg, "l1", "an")
    assert lg.state.post("l1").staff == "an"


def test_move_staff_closes_old_post_and_opens_new(clock: FixedClock) -> None:
    lg = ledger(clock)
    open_post(lg, "l1", "an")
    with pytest.raises(C.Refused, match="only a coordinator"):
        lg.execute(C.MoveStaff("an", "snel"), "an")
    lg.execute(C.MoveStaff("an", "snel"), "coord")
    assert not lg.state.post("l1").open
    assert lg.state.post("snel").staff == "an"
    assert lg.state.staff["an"].post == "snel"


def test_move_of_staff_serving_a_citizen_is_refused_with_a_warning(clock: FixedClock) -> None:
    lg = ledger(clock)
    issue(lg, "eid")
    open_post(lg, "l1", "an")
    call(lg, "l1")
    with pytest.raises(C.Refused, match="an is serving A001 at Loket 1"):
        lg.execute(C.MoveStaff("an", "snel"), "coord")
    lg.execute(C.Finish("l1"), "an")
    lg.execute(C.MoveStaff("an", "snel"), "coord")


def test_end_of_day_closes_everything_open(clock: FixedClock) -> None:
    lg = ledger(clock)
    for _ in range(3):
        issue(lg, "eid")
    open_post(lg, "l1", "an")
    call(lg, "l1")
    lg.execute(C.EndDay(), "coord")
    statuses = {t.status for t in lg.state.tickets.values()}
    assert statuses == {"closed_unserved"}
    assert not lg.state.post("l1").open
    with pytest.raises(C.Refused, match="closed for today"):
        issue(lg, "eid")


def test_estimate_queue_length_rule(clock: FixedClock) -> None:
    lg = ledger(clock)
    office = lg.office
    assert queue_length_estimate_s(lg.state, office, "eid", clock()) is None  # no post
    open_post(lg, "l1", "an")
    open_post(lg, "l2", "bo")
    for _ in range(3):
        issue(lg, "eid")
    # (3 ahead + 1) × 10 min prior ÷ 2 posts = 20 min
    assert queue_length_estimate_s(lg.state, office, "eid", clock()) == 20 * 60
    # learned mean: one completion of 6 min, shrunk toward the prior of 10 (weight 3)
    call(lg, "l1")
    clock.advance(minutes=6)
    lg.execute(C.Finish("l1"), "an")
    assert mean_service_s(lg.state, office, "eid") == pytest.approx((3 * 600 + 360) / 4)
    last = lg.state.tickets["A003"]
    assert people_ahead(lg.state, office, "eid", clock(), last) == 1


def test_the_printed_estimate_is_the_forecast_and_the_same_everywhere(clock: FixedClock) -> None:
    lg = ledger(clock)
    office = lg.office
    assert estimate_wait_s(lg.state, office, "eid", clock()) is None  # no post serves it
    open_post(lg, "l1", "an")
    for _ in range(4):
        issue(lg, "eid")
    # a ticket taken now waits for the 4 ahead: about 4 × 10 min at one post
    taken_now = estimate_wait_s(lg.state, office, "eid", clock())
    assert taken_now is not None and 25 * 60 < taken_now < 55 * 60
    # deterministic for a state: another process folding the same log shows the same figure
    other = Ledger(office, clock)
    for e in lg.log:
        other.state.apply(e)
    assert estimate_wait_s(other.state, office, "eid", clock()) == taken_now
    # the last ticket's own estimate: fewer ahead than a new one, so shorter
    last = estimate_wait_s(lg.state, office, "eid", clock(), lg.state.tickets["A004"])
    assert last is not None and last < taken_now


def test_event_schema_refuses_unknown_and_malformed() -> None:
    with pytest.raises(BadEvent, match="unknown event type 'ticket_teleported'"):
        check_event("ticket_teleported", {})
    with pytest.raises(BadEvent, match="missing n"):
        check_event("ticket_issued", {"number": "A1", "service": "eid", "lang": "nl",
                                      "priority": False})
    with pytest.raises(BadEvent, match="must be an object"):
        check_event("day_ended", [1])
