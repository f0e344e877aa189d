"""How the kiosk looks: the start screen and the confirmation screens (SVG snapshots).

A FixedClock keeps the date, the time and the estimates the same on every run. Update the
baselines with `pytest tests/test_kiosk_snapshots.py --snapshot-update` and look at them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from printer_fixtures import free_port
from test_kiosk_kit import SIZE, T0, kiosk, kiosk_settings, print_state, ready, seed, until
from textual.pilot import Pilot

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from printers.settings import PrinterSettings


def _app(tmp_path: Path, printer: PrinterSettings | None = None) -> Any:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    settings = kiosk_settings(printer) if printer else kiosk_settings()
    # Three waiting for identity cards, Loket 1 open; rijbewijs stopped by the coordinator.
    asyncio.run(seed(db, settings, clock, *[C.IssueTicket("eid")] * 3,
                     C.OpenPost("loket1", "an", True), C.SetIssuing("rijbewijs", False),
                     actor="katrien"))
    return kiosk(settings, db, clock)


def test_start_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_confirmation_with_the_ticket_printed(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_confirmation_when_printing_failed(snap_compare: Any, tmp_path: Path) -> None:
    # Nothing listens on that port: the printer refuses the connection, "offline".
    app = _app(tmp_path, PrinterSettings(transport="network", host="127.0.0.1",
                                         port=free_port(), timeout_s=2))

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.click("#svc-afhalen")
        await until(pilot, lambda: print_state(app) == "failed", "the failed print")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_start_screen_on_a_small_terminal(snap_compare: Any, tmp_path: Path) -> None:
    """80 x 24: every service still on screen, the office name shortened."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_priority_confirmation_in_french(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.click("#lang-fr")
        await pilot.click("#priority")
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_priority_confirmation_in_dutch(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.click("#priority")
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def _closed_app(tmp_path: Path) -> Any:
    db, clock = tmp_path / "kcc.db", FixedClock(T0.replace(hour=12))  # Tuesday 13:00: closed
    settings = kiosk_settings()
    asyncio.run(seed(db, settings, clock))
    return kiosk(settings, db, clock)


def test_closed_kiosk_in_dutch(snap_compare: Any, tmp_path: Path) -> None:
    app = _closed_app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.store is not None and "morgen" in str(
            app.screen.query_one("#svc-eid").label), "closed buttons")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_closed_kiosk_in_german(snap_compare: Any, tmp_path: Path) -> None:
    app = _closed_app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.store is not None, "the store")
        await pilot.click("#lang-de")
        await until(pilot, lambda: "öffnet morgen" in str(
            app.screen.query_one("#svc-eid").label), "closed buttons in German")
        # the click leaves the mouse over the language button and a short press effect
        # (-active) on it: the picture shows neither, as a kiosk nobody touches
        await pilot.hover("#clock")
        await until(pilot, lambda: not app.screen.query_one("#lang-de").has_class("-active"),
                    "the press effect gone")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
