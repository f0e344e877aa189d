"""The kiosk driven as citizens and operators use it: languages, presses, unavailable services,
the confirmation screen and its timeout, and what the public cannot do.

Real SQLite files in tmp_path, real apps through `run_test` and `Pilot`; the printer is
python-escpos's Dummy here (the emulator tests are in test_kiosk_printer.py).
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest
from test_kiosk_kit import (
    KIOSK,
    SIZE,
    T0,
    button,
    confirmed,
    kiosk,
    kiosk_settings,
    label,
    log,
    notice,
    print_state,
    ready,
    seed,
    shown_number,
    text,
    types,
    until,
)
from textual import events

from kcc_tui.apps.kiosk import app as kiosk_app
from kcc_tui.apps.kiosk import build_app
from kcc_tui.apps.kiosk.app import KioskApp
from kcc_tui.apps.kiosk.operator import PinDialog
from kcc_tui.apps.kiosk.start import StartScreen
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock

# Another process that takes the store's write lock until it reads a line.
HOLD_WRITE_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""

# (language, button label, "your number", "people ahead", service name of "rijbewijs")
LANGS = [
    ("nl", "NL", "Uw nummer", "Wachtenden voor u", "Rijbewijs"),
    ("fr", "FR", "Votre numéro", "Personnes avant vous", "Permis de conduire"),
    ("en", "EN", "Your number", "People ahead of you", "Driving licence"),
    ("de", "DE", "Ihre Nummer", "Wartende vor Ihnen", "Führerschein"),
]


@pytest.mark.parametrize(("lang", "key", "your_number", "ahead", "service"), LANGS)
async def test_a_ticket_in_each_language(tmp_path: Path, lang: str, key: str, your_number: str,
                                         ahead: str, service: str) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    # Two citizens are already waiting and Loket 2 serves rijbewijs: an estimate exists.
    await seed(db, settings, clock, C.IssueTicket("rijbewijs"), C.IssueTicket("rijbewijs"),
               C.OpenPost("loket2", "bart", True))
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click(f"#lang-{lang}")
        await until(pilot, lambda: service in label(app, "rijbewijs"), "translated buttons")
        assert app.screen.query_one(f"#lang-{lang}").has_class("-current")
        await pilot.click("#svc-rijbewijs")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        assert shown_number(app) == "B003"
        assert text(app, "#c-title") == your_number
        assert text(app, "#c-service") == service
        facts = text(app, "#c-facts")
        # 2 ahead at the one open post, 10 min each: the forecast is about 20 min
        # French typography: a (no-break) space before the colon
        assert f"{ahead}{chr(0xa0) + ':' if lang == 'fr' else ':'} 2" in facts, facts
        wait = int(re.search(r"± (\d+) min", facts).group(1))  # type: ignore[union-attr]
        assert 15 <= wait <= 25, facts
    (issued,) = [e for e in types(await log(db, settings, clock), "ticket_issued")
                 if e.data["number"] == "B003"]
    assert issued.data["lang"] == lang and issued.data["kiosk"] == KIOSK
    assert issued.actor == KIOSK


async def test_the_keyboard_alone_takes_a_ticket(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is button(app, "eid")  # the first service, not a language button
        await pilot.press("down", "enter")  # next button: rijbewijs
        await until(pilot, lambda: shown_number(app) == "B001", "B001 on screen")
        await until(pilot, lambda: print_state(app) == "printed", "printed")
        await pilot.pause(0.35)  # the debounce window
        await pilot.press("enter")  # OK on the confirmation
        await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
        await pilot.pause(0.35)
        await pilot.press("3")  # the third service: reispas
        await until(pilot, lambda: shown_number(app) == "C001", "C001 on screen")


async def test_a_double_tap_or_a_held_enter_gives_one_ticket(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock, debounce_s=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        # Another process holds the write lock, so the first tap's ticket is still in flight
        # when the next taps come (0.3 s apart: slower than a Button's own 0.2 s press effect).
        # (A process, waited for without blocking: the kiosk's own transactions run on this
        # event loop, and a blocking wait here would hold them up while they hold the lock.)
        blocker = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLD_WRITE_LOCK, str(db),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        try:
            assert blocker.stdout is not None
            assert (await blocker.stdout.readline()).strip() == b"locked"
            for _ in range(3):
                await pilot.click("#svc-eid")
                await pilot.pause(0.3)
            assert isinstance(app.screen, StartScreen)  # still waiting for the store
        finally:
            await asyncio.wait_for(blocker.communicate(b"go\n"), 10)  # rolls back, exits
        await until(pilot, lambda: shown_number(app) == "A001", "A001 on screen")
        await pilot.click("#c-ok")  # the same finger again, now on the OK button
        await pilot.pause(0.3)
        assert shown_number(app) == "A001"  # the confirmation did not close at once
        app.back_to_start(app.screen)  # its timeout, without waiting 8 s
        await pilot.pause(1.1)
        # A held Enter: key repeats for longer than the debounce window (terminals send no
        # key-up). It lands on the OK of the confirmation too, and must not close it.
        button(app, "afhalen").focus()
        for _ in range(25):
            await pilot.press("enter")
            await pilot.pause(0.03)
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        assert shown_number(app) == "E001"
    issued = types(await log(db, settings, clock), "ticket_issued")
    assert [e.data["number"] for e in issued] == ["A001", "E001"]


async def test_a_stopped_capped_or_priority_less_service_shows_why(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock, C.SetIssuing("rijbewijs", False),
               *[C.IssueTicket("reispas")] * 40, actor="katrien")  # reispas: daily_cap 40
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert button(app, "rijbewijs").disabled and "Nu geen tickets meer" in label(
            app, "rijbewijs")
        assert button(app, "reispas").disabled and "Geen tickets meer vandaag" in label(
            app, "reispas")
        await pilot.click("#svc-rijbewijs")
        await pilot.press("2")  # rijbewijs by key: nothing happens either
        await pilot.pause(0.2)
        assert isinstance(app.screen, StartScreen)
        # The coordinator starts issuing again from another process: the button comes back.
        await seed(db, settings, clock, C.SetIssuing("rijbewijs", True), actor="katrien")
        await until(pilot, lambda: not button(app, "rijbewijs").disabled, "rijbewijs back")
        # Priority: only services that allow it can be taken with priority.
        await pilot.click("#priority")
        await until(pilot, lambda: button(app, "rijbewijs").disabled, "no priority here")
        assert "Geen voorrang voor deze dienst" in label(app, "rijbewijs")
        assert not button(app, "eid").disabled
        await pilot.click("#svc-eid")
        await until(pilot, lambda: shown_number(app) == "A001", "the priority ticket")
        app.back_to_start(app.screen)
        await until(pilot, lambda: not button(app, "rijbewijs").disabled, "priority reset")
    issued = types(await log(db, settings, clock), "ticket_issued")
    assert [(e.data["number"], e.data["priority"]) for e in issued][-1] == ("A001", True)


async def test_a_service_stopped_between_drawing_and_pressing_is_refused_kindly(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock, poll_s=60)  # the kiosk does not see the change coming
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#lang-en")
        await seed(db, settings, clock, C.SetIssuing("eid", False), actor="katrien")
        assert not button(app, "eid").disabled  # still drawn as available
        await pilot.click("#svc-eid")
        await until(pilot, lambda: button(app, "eid").disabled, "the button greyed out")
        assert isinstance(app.screen, StartScreen)
        assert app.notices == [  # type: ignore[attr-defined]
            "This service is not giving tickets now: No more tickets for now"]
    assert types(await log(db, settings, clock), "ticket_issued") == []


async def test_outside_opening_hours_every_service_is_closed(tmp_path: Path) -> None:
    db, settings = tmp_path / "kcc.db", kiosk_settings()
    clock = FixedClock(T0.replace(hour=6))  # Tuesday 07:00 local: opens at 08:30
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None and "opent om 08:30" in label(
            app, "eid"), "closed buttons")
        assert all(b.disabled for b in app.screen.query("ServiceButton"))
        await pilot.press("1", "enter")
        clock.advance(hours=2)  # 09:00: open (the kiosk redraws on its own every 15 s)
        app.refresh_view()
        await until(pilot, lambda: not button(app, "eid").disabled, "open buttons")
    assert types(await log(db, settings, clock), "ticket_issued") == []


async def test_the_confirmation_returns_to_the_start_in_dutch(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(confirm_seconds=2.0), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#lang-fr")
        await pilot.click("#svc-afhalen")
        await until(pilot, lambda: confirmed(app) is not None, "the confirmation")
        assert text(app, "#c-title") == "Votre numéro"
        took = await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start")
        # it stayed for a while, then went back by itself (a margin for a slow machine that
        # saw the confirmation late)
        assert took > 0.5
        assert app.lang == "nl" and "Afhalen documenten" in label(app, "afhalen")


async def test_a_kiosk_without_printer_shows_the_number(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(printer=None), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: shown_number(app) == "A001", "the number")
        assert print_state(app) == "no_printer" and "Volg uw nummer" in text(app, "#c-status")
    events = await log(db, settings, clock)
    assert types(events, "print_failed") == []
    assert {e.data["kind"] for e in types(events, "heartbeat")} == {"kiosk"}


async def test_heartbeats_for_kiosk_and_printer_at_start_and_then_regularly(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock, heartbeat_s=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause(1.0)
    beats = types(await log(db, settings, clock), "heartbeat")
    kiosk_beats = [e for e in beats if e.data["kind"] == "kiosk"]
    printer_beats = [e for e in beats if e.data["kind"] == "printer"]
    assert len(kiosk_beats) >= 3 and all(e.data["source"] == KIOSK for e in kiosk_beats)
    # the dummy transport cannot tell its status: "unknown" is what the coordinator sees
    assert len(printer_beats) >= 3 and {e.data["status"] for e in printer_beats} == {"unknown"}


async def test_no_quit_key_and_no_text_selection_for_the_public(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+q", "ctrl+c", "ctrl+p", "escape")
        await pilot.pause(0.2)
        assert app.is_running and isinstance(app.screen, StartScreen)
        assert KioskApp.ALLOW_SELECT is False
        # Drag across the welcome text, as a finger or mouse would to select it.
        await pilot.mouse_down("#welcome", offset=(40, 1))
        await pilot.hover("#welcome", offset=(70, 1))
        await pilot.mouse_up("#welcome", offset=(70, 1))
        assert app.screen.get_selected_text() is None


async def test_the_operator_closes_the_kiosk_with_a_coordinator_pin(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for _ in range(5):  # the hidden gesture: five taps on the office name
            await pilot.click("#office")
        await until(pilot, lambda: isinstance(app.screen, PinDialog), "the PIN dialog")
        # an's PIN (staff, not a coordinator), arriving as a terminal delivers a fast typist:
        # all keys in one read. Enter must not overtake the digits.
        for key in ("1", "1", "1", "1", "enter"):
            app._driver.send_message(events.Key(key, "\r" if key == "enter" else key))
        await until(pilot, lambda: "Onjuiste PIN" in text(app, "#pin-error"), "refused")
        assert app.is_running
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, StartScreen), "cancelled")
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, PinDialog), "the PIN dialog")
        for key in "9999":  # katrien, the coordinator, on the touch pad
            await pilot.click(f"#pad-{key}")
        await pilot.click("#pad-ok")
        await until(pilot, lambda: not app.is_running, "the kiosk to close", timeout=10)
    (last,) = types(await log(db, settings, clock), "heartbeat")[-1:]
    assert last.data["status"] == "stopped" and "katrien" in last.data["detail"]


async def test_wrong_pins_lock_the_pad_through_the_store(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    limit = settings.office.routing.lockout_failures
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f12")
        for _ in range(limit):
            await until(pilot, lambda: isinstance(app.screen, PinDialog), "the PIN dialog")
            await pilot.press("0", "0", "0", "0", "enter")
            await until(pilot, lambda: not app.screen.query("#pin-error") or "Controleren"
                        not in text(app, "#pin-error"), "the PIN checked")
        await until(pilot, lambda: isinstance(app.screen, StartScreen), "dialog closed")
        await pilot.press("f12")
        await pilot.pause(0.2)
        assert isinstance(app.screen, StartScreen) and app.operator_locked
    failed = types(await log(db, settings, clock), "staff_login_failed")
    assert [(e.data["staff"], e.data["source"]) for e in failed] == [("katrien", "onthaal")] * limit


async def test_an_unreachable_store_is_shown_and_nothing_is_issued(tmp_path: Path) -> None:
    settings, clock = kiosk_settings(), FixedClock(T0)
    app = kiosk(settings, tmp_path / "missing" / "kcc.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store_error is not None, "the store error")
        await pilot.pause(0.1)
        assert app.screen.query_one("StoreBanner").has_class("-shown")
        assert "Tijdelijk buiten gebruik" in label(app, "eid") and button(app, "eid").disabled
        assert notice(app) is None  # no printer talk while nothing can be issued at all
        await pilot.press("1", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, StartScreen) and app.is_running


def test_build_app_refuses_an_unknown_kiosk() -> None:
    with pytest.raises(ValueError, match="unknown kiosk 'hal'.*onthaal"):
        build_app(kiosk_settings(), kiosk_id="hal")


async def test_a_language_chosen_by_someone_who_walked_away_is_undone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    monkeypatch.setattr(kiosk_app, "IDLE_RESET_S", 0.3)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#lang-de")
        await pilot.click("#priority")
        app._tick()  # the 15 s redraw, now: the choice is fresh and stays
        assert (app.lang, app.priority) == ("de", True)
        await pilot.pause(0.4)
        app._tick()
        await until(pilot, lambda: "Identiteitskaart" in label(app, "eid"), "Dutch again")
        assert (app.lang, app.priority) == ("nl", False)


async def test_a_poll_that_ends_while_the_app_shuts_down_draws_nothing(tmp_path: Path) -> None:
    """Textual removes a screen's widgets before it empties the screen stack; a store poll that
    returns in between must not redraw the half-removed screen (CI: NoMatches '#welcome')."""
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, StartScreen) and app.live_screens() == [screen]
        await app._prune(*screen.children)  # what shutdown does first, before the screen
        assert screen.is_mounted and not screen.query("#welcome")
        app._prune(screen)  # marks the screen as being removed, as `_close_all` does
        assert app.live_screens() == []
        app.refresh_view()  # drew the screen without its widgets before: NoMatches
