"""Undo where a key ends something for a citizen: a no-show or a ticket called at another post is
called back by number ("terugroepen") within `[routing] call_back_min`; a transfer to the
ticket's own service is refused; the wait stays the citizen's wait (issue → first call)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import T0, make_office

from kcc_tui.apps.display.board import CallBoard
from kcc_tui.apps.refusals import refusal_nl
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.kpi import service_kpis
from kcc_tui.domain.ledger import Ledger


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def office_with_two_posts(clock: FixedClock, **routing: object) -> Ledger:
    lg = Ledger(make_office(**routing), clock)
    lg.execute(C.IssueTicket("eid"))  # A001 at 09:00
    lg.execute(C.OpenPost("l1", "an", True), "an")
    lg.execute(C.OpenPost("l2", "bo", True), "bo")
    return lg


def test_a_no_show_called_back_is_called_again_and_no_longer_a_no_show(clock: FixedClock) -> None:
    lg = office_with_two_posts(clock)
    clock.advance(minutes=6)
    lg.execute(C.CallNext("l1"), "an")  # waited 6 min
    clock.advance(minutes=2)
    lg.execute(C.NoShow("l1"), "an")
    assert lg.state.post("l1").no_show_streak == 1
    clock.advance(minutes=3)
    (e,) = lg.execute(C.CallBack("l1", "a001"), "an")
    assert (e.type, e.actor, e.data["from_status"], e.data["staff"]) == \
        ("ticket_called_back", "an", "no_show", "an")
    t = lg.state.tickets["A001"]
    assert (t.status, t.post, lg.state.post("l1").current) == ("called", "l1", "A001")
    assert lg.state.post("l1").no_show_streak == 0
    lg.execute(C.Start("l1"), "an")
    clock.advance(minutes=5)
    lg.execute(C.Finish("l1"), "an")
    k = service_kpis(lg.state.tickets.values(), lg.office, T0, T0 + timedelta(hours=1))["eid"]
    # one wait of 6 min (issue → first call), no no-show, served once; the call-back adds no wait
    assert (k.waits, k.waits_after, k.no_shows, k.called, k.served) == ([360.0], [], 0, 1, 1)


def test_a_ticket_called_at_another_post_is_taken_over_there(clock: FixedClock) -> None:
    lg = office_with_two_posts(clock)
    lg.execute(C.CallNext("l1"), "an")
    clock.advance(minutes=1)
    (e,) = lg.execute(C.CallBack("l2", "A001"), "bo")
    assert (e.data["from_status"], e.data["from_post"]) == ("called", "l1")
    t = lg.state.tickets["A001"]
    assert (t.status, t.post, t.staff) == ("called", "l2", "bo")
    assert lg.state.post("l1").current is None  # Loket 1 is free again
    assert lg.state.post("l2").current == "A001"


def test_call_back_is_refused_after_the_window_and_for_other_statuses(clock: FixedClock) -> None:
    lg = office_with_two_posts(clock, call_back_min=10)
    lg.execute(C.IssueTicket("eid"))  # A002, waiting
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.NoShow("l1"), "an")
    with pytest.raises(C.Refused) as waiting:
        lg.execute(C.CallBack("l1", "A002"), "an")
    assert waiting.value.code == "call_back_status"
    assert refusal_nl(waiting.value) == (
        "Ticket A002 kan niet teruggeroepen worden (nu: wacht): dat kan alleen na 'niet "
        "verschenen' of een oproep aan een ander loket.")
    clock.advance(minutes=11)
    with pytest.raises(C.Refused) as late:
        lg.execute(C.CallBack("l1", "A001"), "an")
    assert late.value.code == "call_back_too_late"
    assert refusal_nl(late.value) == "Ticket A001 kan alleen binnen 10 min teruggeroepen worden."
    lg.execute(C.CallNext("l1"), "an")  # A002 at Loket 1: Loket 1 cannot "call it back" itself
    with pytest.raises(C.Refused, match="call_back|still has ticket"):
        lg.execute(C.CallBack("l1", "A002"), "an")


def test_transfer_to_the_own_service_is_refused(clock: FixedClock) -> None:
    lg = office_with_two_posts(clock)
    lg.execute(C.CallNext("l1"), "an")
    with pytest.raises(C.Refused) as r:
        lg.execute(C.Transfer("l1", to_service="eid", reason="overig"), "an")
    assert r.value.code == "transfer_same_service"
    assert refusal_nl(r.value) == ("Ticket A001 is al voor Eid: kies een andere dienst of een "
                                   "loket.")
    lg.execute(C.Transfer("l1", to_post="l2", reason="overig"), "an")  # to a post: allowed
    assert lg.state.tickets["A001"].target_post == "l2"


def test_requeue_and_transfer_keep_the_wait_from_issue(clock: FixedClock) -> None:
    """Figures from the events: A001 issued 09:00, called 09:10, requeued 09:11, called 09:14,
    transferred 09:20 to rijbewijs, called there 09:30. Its wait is 10 min; the waits after
    are 3 and 10 min, reported apart; SL counts the first wait only."""
    lg = office_with_two_posts(clock)
    lg.execute(C.OpenPost("l3", "cas", True), "cas")
    clock.advance(minutes=10)
    lg.execute(C.CallNext("l1"), "an")
    clock.advance(minutes=1)
    lg.execute(C.Requeue("l1"), "an")
    clock.advance(minutes=3)
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.Start("l1"), "an")
    clock.advance(minutes=6)
    lg.execute(C.Transfer("l1", to_service="rijbewijs", reason="andere-dienst"), "an")
    clock.advance(minutes=10)
    lg.execute(C.CallNext("l3"), "cas")
    t = lg.state.tickets["A001"]
    assert t.issued_at == T0 and t.first_called_at == T0.replace(minute=10)
    kpis = service_kpis(lg.state.tickets.values(), lg.office, T0, T0 + timedelta(hours=1))
    assert (kpis["eid"].waits, kpis["eid"].waits_after) == ([600.0], [180.0])
    assert (kpis["rijbewijs"].waits, kpis["rijbewijs"].waits_after) == ([], [600.0])
    assert (kpis["eid"].offered, kpis["rijbewijs"].offered) == (1, 0)


def test_the_display_takes_a_requeued_ticket_off_and_shows_a_call_back() -> None:
    clock = FixedClock(T0)
    lg = office_with_two_posts(clock)
    board = CallBoard(["l1", "l2"], size=5)
    board.from_events(lg.execute(C.CallNext("l1"), "an"), lg.state)
    assert [c.number for c in board.calls] == ["A001"]
    board.from_events(lg.execute(C.Requeue("l1"), "an"), lg.state)
    assert board.calls == ()  # waiting again: not "Nu aan de beurt"
    board.rebuild(lg.state)
    assert board.calls == ()
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.NoShow("l1"), "an")
    added = board.from_events(lg.execute(C.CallBack("l2", "A001"), "bo"), lg.state)
    assert [(c.number, c.post) for c in added] == [("A001", "l2")]
    board.rebuild(lg.state)
    assert [(c.number, c.post) for c in board.calls] == [("A001", "l2")]


def test_the_coordinator_moves_a_waiting_ticket_and_gives_priority(clock: FixedClock) -> None:
    lg = office_with_two_posts(clock)
    lg.execute(C.IssueTicket("rijbewijs"))  # B001
    with pytest.raises(C.Refused) as staff_may_not:
        lg.execute(C.MoveTicket("A001", to_service="rijbewijs"), "an")
    assert staff_may_not.value.code == "coordinator_only"
    clock.advance(minutes=5)
    (moved,) = lg.execute(C.MoveTicket("A001", to_service="rijbewijs"), "coord")
    assert (moved.type, moved.actor) == ("ticket_moved", "coord")
    t = lg.state.tickets["A001"]
    assert (t.service, t.transfers, t.issued_at, len(t.intervals)) == \
        ("rijbewijs", 1, T0, 1)  # no new wait: it was never called
    with pytest.raises(C.Refused) as same:
        lg.execute(C.MoveTicket("A001", to_service="rijbewijs"), "coord")
    assert same.value.code == "transfer_same_service"
    (prio,) = lg.execute(C.SetPriority("B001"), "coord")
    assert prio.type == "ticket_priority_set" and lg.state.tickets["B001"].priority
    lg.execute(C.OpenPost("l3", "cas", True), "cas")
    (called,) = lg.execute(C.CallNext("l3"), "cas")
    assert called.data["number"] == "B001"  # priority first, although A001 is older
    clock.advance(minutes=1)
    lg.execute(C.Finish("l3"), "cas")
    lg.execute(C.CallNext("l3"), "cas")
    k = service_kpis(lg.state.tickets.values(), lg.office, T0, T0 + timedelta(hours=1))
    # B001 waited 5 min; A001 6 min, counted from its issue (as eid), not from the move
    assert sorted(k["rijbewijs"].waits) == [300.0, 360.0]
    with pytest.raises(C.Refused) as not_waiting:
        lg.execute(C.SetPriority("A001"), "coord")
    assert not_waiting.value.code == "not_waiting"
