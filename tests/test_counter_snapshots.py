"""How the counter's main screens look (pytest-textual-snapshot; a FixedClock keeps every time on
screen the same from run to run)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from test_counter_kit import SIZE, T0, counter, example_settings, logged_in, run, seed, until
from textual.pilot import Pilot

from kcc_tui.apps.counter.dialogs import FinishDialog
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock


def busy_morning(db: Path) -> tuple[Any, FixedClock]:
    """Seven tickets, A001 parked by an earlier, and a message from the coordinator."""
    settings, clock = example_settings(), FixedClock(T0)

    async def setup() -> None:
        await seed(db, settings, clock, "eid", "reispas", "eid", "afhalen", "eid", "eid",
                   "reispas", open_posts={"loket1": "an"})
        await run(db, settings, clock, C.CallTicket("loket1", "A002"), "an")
        await run(db, settings, clock, C.Start("loket1"), "an")
        await run(db, settings, clock, C.Park("loket1"), "an")
        await run(db, settings, clock, C.IssueTicket("eid", priority=True))
        await run(db, settings, clock, C.Broadcast("Om 11 u neemt loket 4 de attesten over",
                                                   ("counters",)), "katrien")
        await run(db, settings, clock, C.Logout("an"), "an")
        clock.advance(minutes=9, seconds=30)

    asyncio.run(setup())
    return settings, clock


def test_login_screen(snap_compare: Any, tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    asyncio.run(seed(db, settings, clock, "eid"))
    app = counter(settings, db, "loket1", clock)

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.store is not None, "the store")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_working_screen_serving_a_ticket(snap_compare: Any, tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    settings, clock = busy_morning(db)
    app = counter(settings, db, "loket1", clock)

    async def serving(pilot: Pilot[Any]) -> None:
        await logged_in(pilot, "an")
        await pilot.press("n", "r", "s")
        await until(pilot, lambda: app.current_ticket() is not None and
                    app.current_ticket().status == "serving", "serving")
        clock.advance(minutes=3, seconds=12)
        app.refresh_view()
        await pilot.press("down")  # the cursor on the second row of the queue
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=serving)


def test_finish_dialog(snap_compare: Any, tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    settings, clock = busy_morning(db)
    app = counter(settings, db, "loket1", clock)

    async def finishing(pilot: Pilot[Any]) -> None:
        await logged_in(pilot, "an")
        app.clear_notifications()  # the welcome notice would time out in real time
        await pilot.press("n", "s", "f")
        await until(pilot, lambda: isinstance(app.screen, FinishDialog), "the finish dialog")
        await pilot.press("right", "space", "tab", "space")  # outcome 2, first topic
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=finishing)


def test_phone_post(snap_compare: Any, tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", example_settings(), FixedClock(T0)
    asyncio.run(seed(db, settings, clock, "eid", open_posts={"telefoon": "lotte"}))
    for topic, minutes in (("opening-hours", 2), ("appointment", 5)):
        clock.advance(minutes=minutes)
        asyncio.run(run(db, settings, clock, C.RegisterCall("telefoon", topic), "lotte"))
    app = counter(settings, db, "telefoon", clock)

    async def on_the_phone(pilot: Pilot[Any]) -> None:
        await logged_in(pilot, "lotte")
        await pilot.press("down", "down")
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=on_the_phone)


NARROW = (80, 24)


def test_working_screen_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    """An 80×24 terminal: the waits stay in view, the service names are shortened at a word,
    the possible actions are buttons with their key (no cut words)."""
    db = tmp_path / "kcc.db"
    settings, clock = busy_morning(db)
    app = counter(settings, db, "loket1", clock)

    async def called(pilot: Pilot[Any]) -> None:
        await logged_in(pilot, "an")
        await pilot.press("n")
        await until(pilot, lambda: app.current_ticket() is not None, "called")
        clock.advance(seconds=40)
        app.refresh_view()
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=NARROW, run_before=called)


def test_paused_after_login_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    settings, clock = busy_morning(db)
    asyncio.run(run(db, settings, clock, C.Pause("loket1", "afgemeld"), "an"))
    app = counter(settings, db, "loket1", clock)

    async def paused(pilot: Pilot[Any]) -> None:
        await logged_in(pilot, "an")
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=NARROW, run_before=paused)
