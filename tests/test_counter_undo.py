"""The counter as staff use it where a key ends something for a citizen, and what it shows about
the citizen: the no-show's second press and call-back, a call taken over from another post, the
citizen's language, a post still paused after login, the wait counted from issue, the transfer
dialog. Real SQLite files, real apps through `run_test` and `Pilot`."""

from __future__ import annotations

from pathlib import Path

from test_counter_kit import (
    SIZE,
    T0,
    call_next,
    counter,
    current_text,
    example_settings,
    log,
    logged_in,
    login,
    run,
    seed,
    types,
    until,
)
from textual.widgets import Input, OptionList

from kcc_tui.apps.counter.dialogs import CallNumberDialog, TransferDialog
from kcc_tui.apps.counter.widgets import QueueTable
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import Store


def details(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#details").render())


async def test_no_show_takes_a_second_press_and_b_calls_the_citizen_back(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await call_next(pilot, "A001")
        await pilot.press("a")  # one press: only a question
        await until(pilot, lambda: any("Nog eens a" in n for n in app.notices), "the question")
        assert app.current_ticket().status == "called"
        assert str(app.screen.query_one("#do-no_show").label) == "a Bevestigen (a)"
        await pilot.press("a")
        await until(pilot, lambda: "Geen ticket" in current_text(app), "the counter free")
        assert any("b = terugroepen" in n for n in app.notices)
        clock.advance(minutes=2)
        await pilot.press("b")  # the dialog offers this post's no-show
        await until(pilot, lambda: isinstance(app.screen, CallNumberDialog), "the dialog")
        assert app.screen.query_one("#number", Input).value == "A001"
        await pilot.press("enter")
        await until(pilot, lambda: "A001" in current_text(app), "A001 called back")
        assert app.current_ticket().status == "called"
    events = await log(db, settings, clock)
    (no_show,) = types(events, "ticket_no_show")
    (back,) = types(events, "ticket_called_back")
    assert (no_show.actor, back.actor, back.data["from_status"], back.data["post"]) == \
        ("an", "an", "no_show", "loket1")


async def test_a_ticket_called_at_another_post_is_called_back_by_its_number(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", open_posts={"loket2": "bart"})
    # Loket 2 calls A001 (through its own store connection), but the citizen walks to Loket 1
    await run(db, settings, clock, C.CallNext("loket2"), "bart")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CallNumberDialog), "the dialog")
        await pilot.press(*"a001", "enter")
        await until(pilot, lambda: "A001" in current_text(app), "A001 taken over")
        assert app.store.state.post("loket2").current is None
    events = await log(db, settings, clock)
    (back,) = types(events, "ticket_called_back")
    assert (back.data["from_status"], back.data["from_post"], back.actor) == \
        ("called", "loket2", "an")


async def test_the_citizens_language_shows_beside_the_number(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    async with Store(db, settings.office, clock=clock, create=True) as store:
        await store.execute(C.IssueTicket("eid", lang="fr"))
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await call_next(pilot, "A001")
        assert "A001   FR" in current_text(app)
        assert "Opgeroepen om 09:00" in details(app)
        assert "Bediend" not in details(app) and "In behandeling" not in details(app)
        await pilot.press("s")
        await until(pilot, lambda: "In behandeling:" in details(app), "serving")


async def test_a_post_still_paused_after_login_says_so_and_offers_einde_pauze(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pilot.press("l")  # log out: the free post pauses as "afgemeld"
        await until(pilot, lambda: app.staff_id is None, "logged out")
        await login(pilot, "an")
        await until(pilot, lambda: any("staat nog in pauze (afgemeld)" in n
                                       for n in app.notices), "the pause notice")
        await until(pilot, lambda: "PAUZE" in current_text(app), "the paused ticket pane")
        assert "Druk z voor Einde pauze" in details(app)
        assert str(app.screen.query_one("#do-pause").label) == "z Einde pauze"
        await pilot.press("z", "n")
        await until(pilot, lambda: "A001" in current_text(app), "A001 called")


async def test_the_queue_counts_the_wait_from_issue_after_a_requeue(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")  # A001 issued 09:00
    clock.advance(minutes=9)  # 09:10
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await call_next(pilot, "A001")
        assert "Gewacht: 10:00" in details(app)
        await pilot.press("w")  # back to the queue
        await until(pilot, lambda: app.current_ticket() is None, "requeued")
        clock.advance(minutes=2)  # 09:12
        app.refresh_view()
        table = app.screen.query_one(QueueTable)
        await until(pilot, lambda: table.row_count == 1, "A001 in the queue")
        assert str(table.get_cell("A001", "waited")) == "12:00"  # from 09:00, not from 09:10
        assert str(table.get_cell("A001", "flags")) == "terug"
        await pilot.press("n")
        await until(pilot, lambda: "A001" in current_text(app), "A001 called again")
        assert "Gewacht: 12:00 (ticket van 09:00)" in details(app)


async def test_the_transfer_dialog_leaves_out_the_own_service_and_marks_closed_posts(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", open_posts={"loket2": "bart"})
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pilot.press("n", "s", "t")
        await until(pilot, lambda: isinstance(app.screen, TransferDialog), "the dialog")
        options = app.screen.query_one("#target", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert not any("Identiteitskaart" in label for label in labels)
        assert "Loket: Loket 2" in labels and "Loket: Loket 3 · gesloten" in labels
