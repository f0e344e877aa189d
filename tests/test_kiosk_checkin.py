"""The kiosk's "Ik heb een afspraak" (issue 18): a code typed on the keypad or scanned checks
in, the confirmation (and the paper) says the booked time; an unknown, cancelled, used, early
or late code gets a clear answer in the citizen's language, a late one the offer of a walk-in
ticket. Snapshots of the check-in screen in nl, fr, en and de."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from test_kiosk_kit import (
    SIZE,
    T0,
    confirmed,
    kiosk,
    kiosk_settings,
    log,
    ready,
    seed,
    types,
    until,
)
from textual.pilot import Pilot
from textual.widgets import Static

from kcc_tui.apps.kiosk.checkin import CheckInScreen
from kcc_tui.bookings import code_hash
from kcc_tui.domain.booking import Booking, CancelAppointment, ImportBookings
from kcc_tui.domain.clock import FixedClock


def booking(ref: str, minutes: float, code: str, service: str = "eid") -> Booking:
    return Booking("booking", ref, service, T0 + timedelta(minutes=minutes), 15, 1, 0,
                   code_hash(code))


async def _seeded(tmp_path: Path) -> Any:
    """09:00 on a Tuesday. Bookings: 09:20 (code 123456), 08:30 (late: 246810), 10:30
    (early: 135790), 09:40 cancelled (111222)."""
    db, clock = tmp_path / "kcc.db", FixedClock(T0 - timedelta(hours=2))
    settings = kiosk_settings()
    await seed(db, settings, clock, ImportBookings((
        booking("B1", 20, "123456"), booking("B2", -30, "246810", "reispas"),
        booking("B3", 90, "135790"), booking("B4", 40, "111222"))),
        CancelAppointment("booking", "B4"))
    clock.at = T0
    return kiosk(settings, db, clock)


def _app(tmp_path: Path) -> Any:
    return asyncio.run(_seeded(tmp_path))


async def open_check_in(pilot: Pilot[Any], lang: str = "nl") -> CheckInScreen:
    await ready(pilot)
    if lang != "nl":
        await pilot.click(f"#lang-{lang}")
    await pilot.click("#appointment")
    await until(pilot, lambda: isinstance(pilot.app.screen, CheckInScreen)
                and pilot.app.screen.is_mounted, "the check-in screen")
    screen = pilot.app.screen
    assert isinstance(screen, CheckInScreen)
    await pilot.pause()
    return screen


async def keypad(pilot: Pilot[Any], code: str) -> None:
    for ch in code:
        await pilot.click(f"#key-{ch}")
        await pilot.pause(0.35)  # past the kiosk's debounce for the OK that follows
    await pilot.click("#key-ok")


def message(app: Any) -> str:
    return str(app.screen.query_one("#ci-message", Static).render())


async def answered(pilot: Pilot[Any]) -> None:
    await until(pilot, lambda: message(pilot.app) not in ("", "Even geduld…", "Un instant…",
                                                          "One moment…", "Einen Moment…"),
                "the answer")


async def test_a_code_on_the_keypad_checks_in_and_the_ticket_says_the_booked_time(
        tmp_path: Path) -> None:
    app = await _seeded(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_check_in(pilot)
        await keypad(pilot, "123456")
        await until(pilot, lambda: confirmed(app) is not None
                    and confirmed(app).print_state == "printed", "the printed ticket")
        screen = confirmed(app)
        assert str(screen.query_one("#c-booked", Static).render()) == "Afspraak om 09:20 · 15 min"
        assert screen.ticket.booked == "09:20"
        content = app.printer.content(screen.ticket, app.office)
        assert content.booked == "09:20"  # the paper says it too
    events = await log(tmp_path / "kcc.db", app.settings, app.clock)
    (issued,) = types(events, "ticket_issued")
    assert issued.data["appointment"] == "booking:B1" and issued.data["kiosk"] == "onthaal"
    assert len(types(events, "appointment_checked_in")) == 1


async def test_a_scanner_types_the_code_and_enter(tmp_path: Path) -> None:
    app = await _seeded(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_check_in(pilot)
        await pilot.press(*"123-456", "enter")  # a scanner: keys, then Enter
        await until(pilot, lambda: confirmed(app) is not None, "the confirmation")


async def test_refusals_in_the_citizens_language_and_a_walk_in_for_a_late_one(
        tmp_path: Path) -> None:
    app = await _seeded(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_check_in(pilot, "en")
        for code, words in (("999999", "We do not know this code today"),
                            ("135790", "You are early: check-in opens at 09:30."),
                            ("111222", "This appointment was cancelled.")):
            await pilot.press(*code, "enter")
            await answered(pilot)
            assert words in message(app)
            await pilot.pause(0.35)
        await pilot.press(*"246810", "enter")
        await until(pilot, lambda: "check-in was possible until 08:45" in message(app), "late")
        assert screen.query_one("#ci-walk-in").display
        await pilot.pause(0.35)
        await pilot.click("#ci-walk-in")
        await until(pilot, lambda: confirmed(app) is not None, "the walk-in ticket")
        assert confirmed(app).ticket.service == "reispas" and confirmed(app).ticket.booked is None
    events = await log(tmp_path / "kcc.db", app.settings, app.clock)
    (issued,) = types(events, "ticket_issued")
    assert "appointment" not in issued.data  # a walk-in, counted from now
    assert types(events, "appointment_no_show")  # B2's window ended: written meanwhile


# -- how it looks ---------------------------------------------------------------------------
def _snap(snap_compare: Any, tmp_path: Path, lang: str, code: str | None) -> bool:
    app = _app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_check_in(pilot, lang)
        if code:
            await pilot.press(*code, "enter")
            await answered(pilot)
        else:
            await pilot.click("#key-1")
            await pilot.click("#key-2")
            await until(pilot, lambda: pilot.app.screen.query_one("#ci-code").value == "12",
                        "the code typed")
            await pilot.pause(0.3)  # a pressed button shows as pressed for 0.2 s
        await pilot.pause()

    return bool(snap_compare(app, terminal_size=SIZE, run_before=run_before))


def test_check_in_screen_in_dutch(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "nl", None)


def test_check_in_too_early_in_french(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "fr", "135790")


def test_check_in_too_late_in_english(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "en", "246810")


def test_check_in_unknown_code_in_german(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "de", "999999")


def test_check_in_confirmation_says_the_booked_time(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_check_in(pilot)
        await pilot.press(*"123456", "enter")
        await until(pilot, lambda: confirmed(app) is not None
                    and confirmed(app).print_state == "printed", "the printed ticket")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
