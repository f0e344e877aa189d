"""The kiosk confirms a priority ticket on screen and on paper (a real ESC/POS emulator), and a
closed kiosk says when it opens again, in each of its four languages."""

from __future__ import annotations

from datetime import datetime, timedelta
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


@pytest.mark.parametrize(("priority", "on_screen", "on_paper"), [
    (True, "★ Ticket mit Vorrang", "* Ticket mit Vorrang *"),
    (False, None, None),
])
async def test_a_priority_ticket_says_so_on_screen_and_on_paper(
        emupos: Emulator, tmp_path: Path, priority: bool, on_screen: str | None,
        on_paper: str | None) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    settings = kiosk_settings(emupos.settings())
    await seed(db, settings, clock, C.OpenPost("loket1", "an", True))
    before = emupos.receipt_ids()
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#lang-de")
        if priority:
            await pilot.click("#priority")
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        shown = text(app, "#c-priority") if app.screen.query("#c-priority") else None
        assert shown == on_screen
    [receipt] = emupos.wait_new_receipts(before, 1)
    paper = emupos.receipt_text(receipt["id"])
    assert (on_paper in paper) if on_paper else ("Vorrang" not in paper)


# Tuesday 24 November 2026. The example office: Tue 08:30-12:30, Thu also 16:00-19:30,
# Sat 09:00-12:00, closed on Sunday.
SATURDAY_14H = T0 + timedelta(days=4, hours=5)


@pytest.mark.parametrize(("at", "lang", "expected"), [
    (T0.replace(hour=6), "nl", "Gesloten — opent om 08:30"),  # 07:00: later today
    (T0.replace(hour=12), "nl", "Gesloten — opent morgen om 08:30"),  # 13:00: tomorrow
    (T0.replace(hour=12), "fr", "Fermé — ouvre demain à 08:30"),
    (T0.replace(hour=12), "en", "Closed — opens tomorrow at 08:30"),
    (T0.replace(hour=12), "de", "Geschlossen — öffnet morgen um 08:30"),
    (SATURDAY_14H, "nl", "Gesloten — opent maandag om 08:30"),  # Sunday is closed
    (SATURDAY_14H, "fr", "Fermé — ouvre lundi à 08:30"),
    (SATURDAY_14H, "en", "Closed — opens on Monday at 08:30"),
    (SATURDAY_14H, "de", "Geschlossen — öffnet am Montag um 08:30"),
])
async def test_a_closed_kiosk_says_when_it_opens(tmp_path: Path, at: datetime, lang: str,
                                                 expected: str) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(at)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None and button(app, "eid").disabled,
                    "closed buttons")
        if lang != "nl":
            await pilot.click(f"#lang-{lang}")
        await until(pilot, lambda: expected in label(app, "eid"), expected)
