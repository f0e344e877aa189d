"""The kiosk confirms a priority ticket on screen and on paper (a real ESC/POS emulator), and a
closed kiosk says when it opens again, in each of its four languages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from printer_fixtures import (  # noqa: F401 - importing registers the fixtures
    Emulator,
    emupos_fixture,
    emupos_server_fixture,
)
from test_kiosk_kit import (
    SIZE,
    T0,
    button,
    kiosk,
    kiosk_settings,
    label,
    print_state,
    ready,
    seed,
    text,
    until,
)

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock


async def test_a_priority_ticket_says_so_on_screen_and_on_paper(emupos: Emulator,
                                                                tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    settings = kiosk_settings(emupos.settings())
    await seed(db, settings, clock, C.OpenPost("loket1", "an", True))
    before = emupos.receipt_ids()
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#lang-de")
        await pilot.click("#priority")
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        assert text(app, "#c-priority") == "★ Ticket mit Vorrang"
    [receipt] = emupos.wait_new_receipts(before, 1)
    assert "* Ticket mit Vorrang *" in emupos.receipt_text(receipt["id"])


async def test_an_ordinary_ticket_has_no_priority_line(emupos: Emulator, tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    settings = kiosk_settings(emupos.settings())
    await seed(db, settings, clock, C.OpenPost("loket1", "an", True))
    before = emupos.receipt_ids()
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        assert not app.screen.query("#c-priority")
    [receipt] = emupos.wait_new_receipts(before, 1)
    assert "Voorrang" not in emupos.receipt_text(receipt["id"])


# Tuesday 24 November 2026. The example office: Tue 08:30-12:30, Thu also 16:00-19:30,
# Sat 09:00-12:00, closed on Sunday.
@pytest.mark.parametrize(("local_time", "lang", "expected"), [
    ((7, 0), "nl", "Gesloten — opent om 08:30"),  # before opening: later today
    ((13, 0), "nl", "Gesloten — opent morgen om 08:30"),  # after closing: tomorrow
    ((13, 0), "fr", "Fermé — ouvre demain à 08:30"),
    ((13, 0), "en", "Closed — opens tomorrow at 08:30"),
    ((13, 0), "de", "Geschlossen — öffnet morgen um 08:30"),
])
async def test_a_closed_kiosk_says_when_it_opens(tmp_path: Path, local_time: tuple[int, int],
                                                 lang: str, expected: str) -> None:
    db, settings = tmp_path / "kcc.db", kiosk_settings()
    clock = FixedClock(T0.replace(hour=local_time[0] - 1, minute=local_time[1]))
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None and button(app, "eid").disabled,
                    "closed buttons")
        if lang != "nl":
            await pilot.click(f"#lang-{lang}")
        await until(pilot, lambda: expected in label(app, "eid"), expected)


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", "Gesloten — opent maandag om 08:30"),
    ("fr", "Fermé — ouvre lundi à 08:30"),
    ("en", "Closed — opens on Monday at 08:30"),
    ("de", "Geschlossen — öffnet am Montag um 08:30"),
])
async def test_after_saturday_closing_it_names_monday(tmp_path: Path, lang: str,
                                                      expected: str) -> None:
    db, settings = tmp_path / "kcc.db", kiosk_settings()
    clock = FixedClock(T0 + timedelta(days=4, hours=5))  # Saturday 28/11 14:00
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None and button(app, "eid").disabled,
                    "closed buttons")
        if lang != "nl":
            await pilot.click(f"#lang-{lang}")
        await until(pilot, lambda: expected in label(app, "eid"), expected)
