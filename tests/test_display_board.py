"""The wall display's data: calls newest first, the queues, and the words it shows and says."""

from __future__ import annotations

from datetime import timedelta

from factories import T0, make_office

from kcc_tui.apps.display.board import Call, CallBoard, queues, services_for
from kcc_tui.apps.display.phrases import long_date, post_name, post_short, speech
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.estimate import Estimate
from kcc_tui.domain.ledger import Ledger
from kcc_tui.domain.office import Post
from kcc_tui.wait_words import estimate_words


def call(number: str, post: str = "l1", minute: int = 0, recall: bool = False) -> Call:
    return Call(number, post, T0 + timedelta(minutes=minute), recall=recall)


def test_newest_first_one_entry_per_ticket_and_bounded() -> None:
    board = CallBoard(["l1", "l2"], size=3)
    for i, n in enumerate(["A001", "A002", "B001", "A003"]):
        board.add(call(n, minute=i))
    assert [c.number for c in board.calls] == ["A003", "B001", "A002"]  # A001 fell off
    board.add(call("B001", "l2", 9, recall=True))  # a recall comes back on top, once
    assert [c.number for c in board.calls] == ["B001", "A003", "A002"]
    assert board.newest is not None and board.newest.recall and board.newest.post == "l2"


def test_calls_to_posts_not_on_this_display_are_ignored() -> None:
    board = CallBoard(["l1"], size=5)
    assert board.add(call("A001", "l1"))
    assert not board.add(call("A002", "tel"))
    assert [c.number for c in board.calls] == ["A001"]


def ledger_with_calls() -> tuple[Ledger, FixedClock]:
    clock = FixedClock(T0)
    ledger = Ledger(make_office(), clock)
    for svc, lang in [("eid", "fr"), ("eid", "nl"), ("rijbewijs", "nl")]:
        ledger.execute(C.IssueTicket(svc, lang))
    ledger.execute(C.OpenPost("l1", "an", True), "an")
    ledger.execute(C.OpenPost("l3", "bo", True), "bo")
    for post, staff in [("l1", "an"), ("l3", "bo")]:
        clock.advance(minutes=1)
        ledger.execute(C.CallNext(post), staff)
    clock.advance(minutes=1)
    ledger.execute(C.Requeue("l1"), "an")  # A001 back in the queue ...
    clock.advance(minutes=1)
    ledger.execute(C.CallTicket("l1", "A001"), "an")  # ... and called again
    return ledger, clock


def test_rebuilt_from_the_state_at_the_latest_call_of_each_ticket() -> None:
    ledger, _ = ledger_with_calls()
    board = CallBoard(["l1", "l2", "l3"], size=8)
    board.rebuild(ledger.state)
    assert [(c.number, c.post) for c in board.calls] == [("A001", "l1"), ("B001", "l3")]
    assert board.calls[0].lang == "fr"


def test_new_events_put_calls_and_recalls_on_the_board() -> None:
    ledger, clock = ledger_with_calls()
    board = CallBoard(["l1", "l3"], size=8)
    board.rebuild(ledger.state)
    clock.advance(minutes=1)
    events = ledger.execute(C.Recall("l3"), "bo")
    added = board.from_events(events, ledger.state)
    assert [(c.number, c.recall) for c in added] == [("B001", True)]
    assert board.newest is not None and board.newest.number == "B001"


def test_queues_count_waiting_and_estimate_a_ticket_taken_now() -> None:
    ledger, clock = ledger_with_calls()
    office = ledger.office
    qs = {q.service: q for q in queues(ledger.state, office, ["eid", "rijbewijs", "afhalen"],
                                       clock())}
    assert qs["eid"].waiting == 1 and qs["eid"].estimate.wait_s is not None
    afhalen = qs["afhalen"].estimate
    assert qs["afhalen"].waiting == 0 and afhalen.wait_s is None  # no post open
    assert afhalen.code == "no_open_post"
    assert services_for(office, ["snel"]) == ["afhalen"]
    assert services_for(office, ["tel"]) == list(office.services)  # calls nothing: show all


def test_post_names_and_speech_in_each_language() -> None:
    loket = Post(id="l3", name="Loket 3")
    snel = Post(id="s", name="Snelbalie", kind="quick")
    assert [post_name(loket, x) for x in ("nl", "fr", "en", "de")] == [
        "loket 3", "guichet 3", "counter 3", "Schalter 3"]
    assert post_name(snel, "fr") == "guichet rapide" and post_short(snel) == "SNELBALIE"
    assert post_short(loket) == "3"
    assert speech("A012", loket) == "Nummer A 12, loket 3"
    assert speech("A012", loket, "fr") == "Numéro A 12, guichet 3"
    assert speech("AB007", loket, "de", recall=True) == "Noch einmal: Nummer A B 7, Schalter 3"
    assert speech("A012", snel, "fr", short=True) == "A 12, guichet rapide"


def test_dates_and_estimates_as_shown() -> None:
    assert long_date(T0, "nl") == "dinsdag 24 november"
    assert long_date(T0, "de") == "Dienstag, 24. November"
    shown = [estimate_words(Estimate("eid", 0, s, None if s is not None else "no_open_post"),
                            lang) for s, lang in ((None, "nl"), (None, "fr"), (120, "nl"),
                                                  (3600, "en"), (3900, "nl"), (3900, "de"))]
    assert shown == ["geen loket open", "aucun guichet ouvert", "± 2 min", "± 60 min",
                     "± 1u05", "± 1h05"]
