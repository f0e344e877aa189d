"""How the wall display looks, at the sizes it must work at: a 1080p TV with a normal font
(120×35 and, with a smaller font, 240×67) and smaller terminals. A fixed clock makes the time,
the highlight, the language and the ticker position the same on every run."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from factories import T0
from test_display_app import STAFF, settings_for

from kcc_tui.apps.display import DisplayApp, build_app
from kcc_tui.apps.display.announce import CommandSpeaker
from kcc_tui.config.settings import Settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import Store

MORNING = [("eid", "nl"), ("eid", "fr"), ("rijbewijs", "nl"), ("afhalen", "en"),
           ("attesten", "nl"), ("verhuis", "de"), ("eid", "nl"), ("reispas", "nl"),
           ("afhalen", "nl"), ("attesten", "fr"), ("eid", "nl"), ("rijbewijs", "nl")]


async def busy_morning(db: Path, settings: Settings, clock: FixedClock) -> None:
    """Twelve tickets, five counters open, six calls (the last at the snelbalie), a message."""
    async with Store(db, settings.office, clock=clock, create=True) as store:
        for service, lang in MORNING:
            await store.execute(C.IssueTicket(service, lang))
            clock.advance(minutes=2)
        for post, staff in STAFF.items():
            await store.execute(C.OpenPost(post, staff, True), staff)
        for post in ["loket1", "loket2", "loket3", "loket4", "loket1", "snelbalie"]:
            if store.state.post(post).current:
                await store.execute(C.Finish(post), STAFF[post])
            clock.advance(minutes=3)
            await store.execute(C.CallNext(post), STAFF[post])
        await store.execute(C.Broadcast("Het e-loket is vandaag onbereikbaar: attesten enkel "
                                        "aan de balie. Excuses voor het ongemak."), "katrien")


def display(tmp_path: Path, *, seconds_after: float = 3, **cfg: object) -> DisplayApp:
    settings = settings_for(**cfg)
    clock = FixedClock(T0)
    db = tmp_path / "kcc.db"
    asyncio.run(busy_morning(db, settings, clock))
    clock.advance(seconds=seconds_after)
    return build_app(settings, db=db, display_id="wachtzaal", clock=clock,
                     speaker=CommandSpeaker("none", None))


async def loaded(pilot) -> None:
    app = pilot.app
    for _ in range(200):
        if app.store is not None and app.board.calls:
            break
        await pilot.pause(0.05)
    app.redraw()
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 35), (240, 67), (80, 24), (60, 20)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_display_sizes(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """The newest call (E002 at the snelbalie) highlighted; history; queues; ticker."""
    assert snap_compare(display(tmp_path), terminal_size=size, run_before=loaded)


def test_display_later_in_french(snap_compare, tmp_path: Path) -> None:
    """Later: the highlight is over and the labels have rotated to French."""
    last_call = T0 + timedelta(minutes=len(MORNING) * 2 + 6 * 3)
    later = next(s for s in range(20, 60) if  # the labels change every 10 s: nl fr en de
                 int((last_call + timedelta(seconds=s)).timestamp() // 10) % 4 == 1)
    app = display(tmp_path, seconds_after=later, rotate_languages=True, rotate_seconds=10)
    assert app.lang_at(app.clock()) == "fr"
    assert snap_compare(app, terminal_size=(120, 35), run_before=loaded)


def test_display_store_unreachable(snap_compare) -> None:
    """No store at all: the banner says so, the board waits, nothing crashes."""
    missing = Path("/nonexistent-kcc-folder/kcc.db")
    app = build_app(settings_for(), db=missing, display_id="wachtzaal",
                    clock=FixedClock(T0 + timedelta(hours=1)), speaker=CommandSpeaker("none", None))

    async def banner_up(pilot) -> None:
        for _ in range(100):
            if pilot.app.store_error:
                break
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 35), run_before=banner_up)


def test_display_in_german_with_a_requeued_ticket(snap_compare, tmp_path: Path) -> None:
    """German ("2 Wartende"), and the last call (E002 at the snelbalie) put back in the queue
    before the display starts: it is not "Jetzt an der Reihe", the call before it is. (The
    live path — a requeue taking a call off the board — is tested in test_call_back.py.)"""
    last_call = T0 + timedelta(minutes=len(MORNING) * 2 + 6 * 3)
    later = next(s for s in range(20, 60) if  # the labels change every 10 s: nl fr en de
                 int((last_call + timedelta(seconds=s)).timestamp() // 10) % 4 == 3)
    app = display(tmp_path, seconds_after=later, rotate_languages=True, rotate_seconds=10)
    assert app.lang_at(app.clock()) == "de"

    async def requeue() -> None:
        async with Store(tmp_path / "kcc.db", app.office, clock=app.clock) as store:
            await store.execute(C.Requeue("snelbalie"), STAFF["snelbalie"])

    asyncio.run(requeue())

    async def shown(pilot) -> None:
        await loaded(pilot)
        assert app.board.newest is not None and app.board.newest.post != "snelbalie"
        assert "E002" not in [c.number for c in app.board.calls]

    assert snap_compare(app, terminal_size=(120, 35), run_before=shown)
