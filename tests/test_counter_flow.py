"""The counter app driven as staff use it: login, the ticket flow, pauses, parking, transfers.

Real SQLite files in tmp_path, real apps through `run_test` and `Pilot`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_counter_kit import (
    T0,
    call_next,
    counter,
    current_text,
    drawn,
    example_settings,
    focus,
    log,
    logged_in,
    login,
    login_error,
    queue_numbers,
    run,
    seed,
    types,
    until,
)
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList

from kcc_tui.apps.counter.dialogs import FinishDialog, TransferDialog
from kcc_tui.apps.counter.login import LoginScreen
from kcc_tui.apps.counter.phone import PhoneScreen
from kcc_tui.apps.counter.widgets import ActionBar, ParkedList, QueueTable
from kcc_tui.apps.counter.work import WorkScreen
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock

SIZE = (120, 35)


def working(app: Any) -> bool:
    """The working screen has drawn: leaving the test while it mounts races the app's exit."""
    return isinstance(app.screen, WorkScreen) and app.screen.is_mounted


async def test_wrong_pin_is_refused_and_recorded_then_the_right_pin_opens_the_post(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "an", "9876")
        await until(pilot, lambda: "Verkeerde PIN" in login_error(app), "the wrong-PIN message")
        assert login_error(app) == "Verkeerde PIN: u kunt nog 4 keer proberen."
        assert isinstance(app.screen, LoginScreen) and app.staff_id is None
        await login(pilot, "an", "1111")
        await until(pilot, lambda: working(app), "the working screen")
        assert app.staff_id == "an" and app.titles()[1] == "An Peeters"
    events = await log(db, settings, clock)
    assert [e.type for e in types(events, "staff_login_failed", "post_opened")] == [
        "staff_login_failed", "post_opened"]
    assert types(events, "post_opened")[0].data["staff"] == "an"


async def test_five_wrong_pins_lock_the_staff_id_for_a_while(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        for i in range(5):
            await login(pilot, "an", f"000{i}")
            await until(pilot, lambda: "Verkeerde PIN" in login_error(app), "a wrong-PIN message")
            if i < 4:
                app.screen.query_one("#login-error").update("")  # see the next one arrive
        assert login_error(app) == "Verkeerde PIN: An Peeters is nu 5 min vergrendeld."
        await login(pilot, "an", "1111")  # even the right PIN, while locked
        await until(pilot, lambda: "probeer over 5 min opnieuw" in login_error(app),
                    "the lock message")
        assert login_error(app) == ("An Peeters is vergrendeld na te veel verkeerde PIN's: "
                                    "probeer over 5 min opnieuw, of vraag een coördinator om "
                                    "te ontgrendelen.")
        assert isinstance(app.screen, LoginScreen)
        clock.advance(minutes=6)
        await login(pilot, "an", "1111")
        await until(pilot, lambda: working(app), "the working screen")
    events = await log(db, settings, clock)
    assert len(types(events, "staff_login_failed")) == 5
    assert len(types(events, "staff_locked")) == 1
    assert len(types(events, "post_opened")) == 1


async def test_call_next_start_and_finish_with_a_required_topic(tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    settings = example_settings(require_topic=True)
    await seed(db, settings, clock, "eid", "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        assert queue_numbers(app) == ["A001", "A002"]
        assert "Geen ticket" in current_text(app)
        await pilot.press("n")
        await until(pilot, lambda: "A001" in current_text(app), "A001 at the counter")
        assert queue_numbers(app) == ["A002"]
        info = str(app.screen.query_one("ServiceInfo").render())
        assert "oproepingsbrief" in info and "€ 24,00" in info  # what to bring, the fee
        await pilot.press("s")
        await until(pilot, lambda: app.current_ticket().status == "serving", "serving")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FinishDialog), "the finish dialog")
        await pilot.press("ctrl+s")  # no topic yet: the config requires one
        await pilot.pause()
        assert isinstance(app.screen, FinishDialog)
        assert "onderwerp" in str(app.screen.query_one("#error").render())
        await focus(pilot, app.screen.query_one(SelectionList))
        await pilot.press("down", "space", "tab", *"belt terug", "enter")
        await until(pilot, lambda: "Geen ticket" in current_text(app), "the counter free again")
    finished = types(await log(db, settings, clock), "ticket_finished")
    assert len(finished) == 1
    assert finished[0].data == {"number": "A001", "post": "loket1", "outcome": "done",
                                "topics": ["pin-puk"], "note": "belt terug"}


async def test_recall_is_counted_and_no_show_ends_the_ticket(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await call_next(pilot, "A001")
        await pilot.press("r", "r")
        await until(pilot, lambda: app.current_ticket().recalls == 2, "two recalls")
        assert "(2× opnieuw)" in str(app.screen.query_one("#details").render())
        await pilot.press("a", "a")  # a no-show takes a second press
        await until(pilot, lambda: "Geen ticket" in current_text(app), "the counter free")
        assert queue_numbers(app) == ["A002"]
    events = await log(db, settings, clock)
    assert [e.data["count"] for e in types(events, "ticket_recalled")] == [1, 2]
    assert [e.data["number"] for e in types(events, "ticket_no_show")] == ["A001"]


async def test_transfer_keeps_the_number_and_shows_in_the_other_services_queue(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", "rijbewijs")
    one = counter(settings, db, "loket1", clock)  # eid, reispas, afhalen
    four = counter(settings, db, "loket4", clock)  # verhuis, attesten: no eid
    async with one.run_test(size=SIZE) as p1, four.run_test(size=SIZE) as p4:
        await logged_in(p1, "an")
        await logged_in(p4, "youssef")
        assert queue_numbers(four) == []
        clock.advance(minutes=3)  # 09:05: A001 (taken at 09:00) is called after 5 min
        await p1.press("n", "s")
        await until(p1, lambda: one.current_ticket() and one.current_ticket().status ==
                    "serving", "A001 serving")
        await p1.press("t")
        await until(p1, lambda: isinstance(one.screen, TransferDialog), "the transfer dialog")
        options = one.screen.query_one("#target", OptionList)
        await until(p1, lambda: options.has_focus, "the destinations list")
        target = next(i for i in range(options.option_count)
                      if options.get_option_at_index(i).id == "service:verhuis")
        options.highlighted = target
        await p1.press("enter", *"andere", "enter")  # the reason: a code from the list
        await until(p1, lambda: "Geen ticket" in current_text(one), "loket 1 free again")
        # The other process's counter sees it through the change feed, number unchanged.
        await until(p4, lambda: queue_numbers(four) == ["A001"], "A001 in loket 4's queue")
        assert queue_numbers(one) == []  # B001 is rijbewijs: not a loket 1 service
        clock.advance(minutes=2)  # 09:07: the citizen's wait counts from 09:00, not the transfer
        four.refresh_view()
        table = four.screen.query_one(QueueTable)
        await until(p4, lambda: str(table.get_cell("A001", "waited")) == "7:00",
                    "the wait from issue in loket 4's queue")
        assert str(table.get_cell("A001", "flags")) == "doorgestuurd"
    transferred = types(await log(db, settings, clock), "ticket_transferred")
    assert [(e.data["number"], e.data["service"], e.data["reason"]) for e in transferred] == [
        ("A001", "verhuis", "andere-dienst")]


async def test_park_and_resume_a_parked_ticket(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pilot.press("n", "s", "p")
        await until(pilot, lambda: app.parked(), "A001 parked")
        assert "A001" in str(app.screen.query_one(ParkedList).render())
        assert "Geen ticket" in current_text(app)
        await pilot.press("n", "f")  # serve A002 meanwhile
        await until(pilot, lambda: isinstance(app.screen, FinishDialog), "the finish dialog")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Geen ticket" in current_text(app), "A002 finished")
        await pilot.press("h")
        await until(pilot, lambda: "A001" in current_text(app), "A001 back at the counter")
        assert app.current_ticket().status == "serving" and app.parked() == []
    events = await log(db, settings, clock)
    assert [e.data["number"] for e in types(events, "ticket_parked", "ticket_resumed")] == [
        "A001", "A001"]


async def pause_dialog(pilot: Pilot[Any]) -> None:
    """Press z and wait for the pause dialog, its reason line focused."""
    app = pilot.app
    await pilot.press("z")
    await until(pilot, lambda: app.screen.query("#reason") and
                app.screen.query_one("#reason").has_focus, "the pause dialog")


async def test_pause_with_a_reason_blocks_calling_until_resumed(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pause_dialog(pilot)
        await pilot.press(*"koffie", "enter")
        await until(pilot, lambda: app.store.state.post("loket1").pause_reason == "koffie",
                    "paused")
        assert "PAUZE: Koffiepauze" in str(app.screen.query_one("#post-line").render())
        assert "Druk z voor Einde pauze" in str(app.screen.query_one("#details").render())
        assert str(app.screen.query_one("#do-pause").label) == "z Einde pauze"
        await pilot.press("n")  # not possible while paused: it says why
        await until(pilot, lambda: any("is in pauze: druk z" in n for n in app.notices),
                    "the reason n does not call")
        assert app.current_ticket() is None
        await pilot.press("z")
        await until(pilot, lambda: app.store.state.post("loket1").pause_reason is None,
                    "resumed")
        await pilot.press("n")
        await until(pilot, lambda: "A001" in current_text(app), "A001 called")
    events = await log(db, settings, clock)
    assert [e.type for e in types(events, "post_paused", "post_resumed", "ticket_called")] == [
        "post_paused", "post_resumed", "ticket_called"]


async def test_the_pause_reason_completes_with_tab_and_is_a_code(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pause_dialog(pilot)
        reason = app.screen.query_one("#reason", Input)
        await pilot.press(*"mid", "tab")
        await until(pilot, lambda: reason.value == "Middagpauze", "completed by Tab")
        assert reason.has_focus  # Tab completed; it did not move on
        await pilot.press(*"xyz", "enter")  # no reason matches: refused, the dialog stays
        await until(pilot, lambda: "Geen reden" in str(app.screen.query_one("#error").render()),
                    "no reason")
        await pilot.press("backspace", "backspace", "backspace", "enter")
        await until(pilot, lambda: app.store.state.post("loket1").pause_reason == "middagpauze",
                    "paused with the code")


async def test_buttons_do_what_the_keys_do(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        bar = app.screen.query_one(ActionBar)
        assert not bar.query_one("#do-call_next").disabled
        assert bar.query_one("#do-start").disabled  # nothing to start yet
        await pilot.click("#do-call_next")
        await until(pilot, lambda: "A001" in current_text(app), "A001 called by the button")
        assert bar.query_one("#do-call_next").disabled and not bar.query_one("#do-start").disabled


async def test_a_restarted_terminal_resumes_the_open_session_after_the_pin(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid", "eid", open_posts={"loket1": "an"})
    await run(db, settings, clock, C.CallNext("loket1"), "an")  # then the terminal crashed
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None, "the store")
        await pilot.pause()
        assert app.screen.query_one("#staff").value == "an"  # filled in
        assert "open voor An Peeters" in str(app.screen.query_one("#login-info").render())
        await login(pilot, "an")
        await drawn(pilot)
        assert isinstance(app.screen, WorkScreen)
        assert "A001" in current_text(app)  # the ticket of the session is back
    events = await log(db, settings, clock)
    assert len(types(events, "post_opened")) == 1  # resumed, not reopened
    assert len(types(events, "staff_logged_in")) == 1


async def test_logout_pauses_the_post_and_close_ends_the_session(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock, "eid")
    app = counter(settings, db, "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert app.staff_id is None
        assert app.store.state.post("loket1").pause_reason == "afgemeld"
        await logged_in(pilot, "an")
        await pilot.press("z")  # resume after the "afgemeld" pause
        await until(pilot, lambda: app.store.state.post("loket1").pause_reason is None,
                    "resumed")
        await pilot.press("k")
        await until(pilot, lambda: app.screen.query("#ok"), "the confirmation")
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert not app.store.state.post("loket1").open
    events = await log(db, settings, clock)
    assert [e.type for e in types(events, "staff_logged_out", "staff_logged_in",
                                  "post_closed")] == [
        "staff_logged_out", "staff_logged_in", "post_closed"]


async def test_phone_post_registers_calls_with_their_topic(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = counter(settings, db, "telefoon", clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "lotte")
        assert isinstance(app.screen, PhoneScreen)
        topics = app.screen.query_one("#topics", OptionList)
        topics.highlighted = list(settings.office.topics).index("opening-hours")
        await pilot.press("enter")
        await until(pilot, lambda: app.store.state.post("telefoon").calls == 1, "one call")
        await pilot.press("g")  # the key does the same as Enter
        await until(pilot, lambda: app.store.state.post("telefoon").calls == 2, "two calls")
        assert "Openingsuren" in str(app.screen.query_one("#calls").render())
    calls = types(await log(db, settings, clock), "phone_call_registered")
    assert [(e.data["topic"], e.data["staff"]) for e in calls] == [
        ("opening-hours", "lotte"), ("opening-hours", "lotte")]


async def test_an_unreachable_store_is_shown_and_login_says_why(tmp_path: Path) -> None:
    settings, clock = example_settings(), FixedClock(T0)
    app = counter(settings, tmp_path / "no-such-folder" / "kcc.db", "loket1", clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        banner = app.screen.query_one("StoreBanner")
        # in Dutch, on a Dutch screen (the English reason with the path is the CLI's)
        assert banner.has_class("-shown") and str(banner.render()) == (
            "De databank bestaat niet of is niet te openen: maak ze aan met `kcc init` of "
            "verwittig de beheerder. (opnieuw proberen…)")
        staff = app.screen.query_one("#staff")
        staff.value = "an"
        await focus(pilot, app.screen.query_one("#pin"))
        await pilot.press(*"1111", "enter")
        await until(pilot, lambda: login_error(app), "the login error")
        assert "bestaat niet" in login_error(app)
        assert app.is_running


async def test_enter_on_an_empty_staff_id_takes_the_home_post_suggestion(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = counter(settings, db, "loket2", clock)  # bart's home post in the example office
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None, "the store")
        await pilot.pause()
        staff = app.screen.query_one("#staff")
        assert staff.value == "" and staff.has_focus  # suggested, never typed in for bart
        assert staff.placeholder == "bart (Enter)"
        await pilot.press("enter", *"2222", "enter")
        await until(pilot, lambda: working(app), "the working screen")
        assert app.staff_id == "bart"


@pytest.mark.parametrize("burst", [["a", "n", "tab", "1", "1", "1", "1", "enter"],
                                   ["a", "n", "enter", "1", "1", "1", "1", "enter"],
                                   ["enter", "1", "1", "1", "1", "enter"]])
async def test_keys_typed_ahead_at_the_login_land_in_their_fields(
        tmp_path: Path, burst: list[str]) -> None:
    """A fast typist or a badge scanner sends the whole login at once; Textual queues keys to
    the focused field, so without the login's own Tab and Enter the PIN ended in the staff id."""
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = counter(settings, db, "loket1", clock)  # an's home post in the example office
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None, "the store")
        await pilot.pause()
        for key in burst:  # all queued before the app handles the first: one terminal read
            app.post_message(events.Key(key, None if len(key) > 1 else key))
        await until(pilot, lambda: working(app), "the working screen")
        assert app.staff_id == "an"
