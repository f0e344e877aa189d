"""The wall display driven through Pilot, with calls made by other processes (the `kcc` CLI)
on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_display_announce import spans, standin

from kcc_tui.apps.base import StoreBanner
from kcc_tui.apps.display import DisplayApp, build_app
from kcc_tui.apps.display.announce import CommandSpeaker
from kcc_tui.apps.display.widgets import BigText, HistoryBoard, NowCalled, Ticker
from kcc_tui.config import load_settings
from kcc_tui.config.settings import Settings
from kcc_tui.domain import commands as C
from kcc_tui.store import Store

CONFIG = Path(__file__).parent.parent / "config.toml"
STAFF = {"loket1": "an", "loket2": "bart", "loket3": "els", "loket4": "youssef",
         "snelbalie": "lotte"}
SIZE = (120, 35)


def settings_for(**display: object) -> Settings:
    """The example office; its display in Dutch only unless asked (the rotation follows the
    clock, and these tests run on the real one)."""
    display.setdefault("rotate_languages", False)
    s = load_settings(CONFIG)
    d = s.displays["wachtzaal"].model_copy(update=display)
    return s.model_copy(update={"displays": {"wachtzaal": d}})


async def seed(db: Path, settings: Settings, tickets: list[str], posts: list[str]) -> None:
    async with Store(db, settings.office, create=True) as store:
        for service in tickets:
            await store.execute(C.IssueTicket(service))
        for post in posts:
            await store.execute(C.OpenPost(post, STAFF[post], True), STAFF[post])


async def kcc(db: Path, *args: str) -> str:
    """The `kcc` command line, in its own process."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kcc_tui", "--config", str(CONFIG), "--db", str(db), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


def silent_app(settings: Settings, db: Path, **kw: object) -> DisplayApp:
    return build_app(settings, db=db, display_id="wachtzaal",
                     speaker=kw.pop("speaker", CommandSpeaker("none", None)), **kw)


async def until(pilot, what: Callable[[], object], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if what():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not within {timeout} s: {what.__doc__ or what}")


def now_text(app: DisplayApp) -> str:
    layouts = app.query_one("#now-call", BigText).layouts
    return layouts[0][0] if layouts else ""


def history(app: DisplayApp) -> list[str]:
    return [s.layouts[0][0] for s in app.query_one(HistoryBoard).slots() if s.layouts]


def fresh(app: DisplayApp) -> bool:
    return app.query_one(NowCalled).has_class("-fresh")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kcc.db"


async def test_a_call_from_another_process_appears_highlighted_then_settles(db: Path) -> None:
    settings = settings_for(highlight_seconds=1.5)
    await seed(db, settings, ["eid", "eid"], ["loket1"])
    app = silent_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None)
        assert now_text(app) == "" and not fresh(app)
        await kcc(db, "post", "call-next", "loket1")
        await until(pilot, lambda: now_text(app) == "A001 ▸ 1")
        assert fresh(app)
        detail = str(app.query_one("#now-detail").render())
        assert "Identiteitskaart" in detail and "oket 1" in detail
        await until(pilot, lambda: not fresh(app), timeout=5)  # highlight_seconds later
        assert now_text(app) == "A001 ▸ 1"


async def test_a_call_folded_during_the_displays_heartbeat_is_still_shown(db: Path) -> None:
    # The heartbeat is a command: its transaction catches up on the call before the poller
    # does. The call must still reach the board (and the announcer), not vanish into the fold.
    settings = settings_for(highlight_seconds=600)
    await seed(db, settings, ["eid"], ["loket1"])
    app = silent_app(settings, db)
    app.poll_s = 3600  # this test polls by hand, after the heartbeat
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None)
        await kcc(db, "post", "call-next", "loket1")
        await app._heartbeat()
        assert app.store is not None and app.store.state.tickets["A001"].status == "called"
        await app._poll()
        await pilot.pause()
        assert now_text(app) == "A001 ▸ 1" and fresh(app)


async def test_history_is_newest_first_and_rebuilt_at_start(db: Path) -> None:
    settings = settings_for()
    await seed(db, settings, ["eid", "rijbewijs", "attesten", "eid"],
               ["loket1", "loket2", "loket3"])
    await kcc(db, "post", "call-next", "loket1")  # before the display starts
    app = silent_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: now_text(app) == "A001 ▸ 1")  # rebuilt from the state
        await kcc(db, "post", "call", "loket2", "B001")
        await kcc(db, "post", "call", "loket3", "D001")
        await until(pilot, lambda: len(history(app)) == 2)
        assert now_text(app) == "D001 ▸ 3"
        assert history(app) == ["B001 ▸ 2", "A001 ▸ 1"]


async def test_a_recall_comes_back_on_top_highlighted_and_once(db: Path) -> None:
    settings = settings_for(highlight_seconds=600)
    await seed(db, settings, ["eid", "rijbewijs"], ["loket1", "loket2"])
    await kcc(db, "post", "call-next", "loket1")
    await kcc(db, "post", "call-next", "loket2")
    app = silent_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: now_text(app) == "B001 ▸ 2")
        await kcc(db, "post", "recall", "loket1")
        await until(pilot, lambda: now_text(app) == "A001 ▸ 1")
        assert fresh(app) and history(app) == ["B001 ▸ 2"]
        assert "opnieuw opgeroepen" in str(app.query_one("#now-detail").render())


async def test_broadcast_messages_run_on_the_ticker(db: Path) -> None:
    settings = settings_for()
    await seed(db, settings, [], [])
    app = silent_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        ticker = app.query_one(Ticker)
        await until(pilot, lambda: app.store is not None)
        assert not ticker.display  # no message: no empty bar
        await kcc(db, "broadcast", "Het e-loket is vandaag onbereikbaar.")
        await kcc(db, "broadcast", "Alleen voor loketten", "--to", "counters")
        await until(pilot, lambda: ticker.text != "")
        assert ticker.display and ticker.text == "Het e-loket is vandaag onbereikbaar."
        assert "e-loket" in str(ticker.render())


async def test_a_burst_of_calls_is_announced_in_call_order_without_overlap(
        db: Path, tmp_path: Path) -> None:
    settings = settings_for()
    posts = ["loket1", "loket2", "loket3", "loket4"]
    await seed(db, settings, ["eid", "rijbewijs", "attesten", "verhuis", "eid"], posts)
    command, log = standin(tmp_path, 0.3)
    app = silent_app(settings, db, speaker=CommandSpeaker("none", command))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store is not None)
        # four counters press "next" at the same moment, each its own process
        await asyncio.gather(*(kcc(db, "post", "call-next", p) for p in posts))
        await until(pilot, lambda: len(spans(log)) == 4, timeout=20)
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT data FROM events WHERE type = 'ticket_called' ORDER BY seq")
        called = [json.loads(r[0])["number"] for r in rows]
    spoken = [args[-1] for _, _, args in spans(log)]  # spans() fails on any overlap
    expected = [f"Nummer {n[0]} {int(n[1:])}" for n in called]
    assert [s.split(",")[0] for s in spoken] == expected


async def test_connection_lost_banner_and_recovery_without_restart(db: Path) -> None:
    settings = settings_for()
    await seed(db, settings, ["eid", "eid"], ["loket1"])
    app = silent_app(settings, db)
    away = db.with_name("elsewhere.db")
    async with app.run_test(size=SIZE) as pilot:
        banner = app.query_one(StoreBanner)
        await until(pilot, lambda: app.store is not None)
        assert not banner.has_class("-shown")
        db.rename(away)  # the disk went, a restore is under way, ...
        await until(pilot, lambda: banner.has_class("-shown"))
        assert "removed or replaced" in str(banner.render())
        # the call on screen is greyed: it may no longer be the latest (next tick, ≤ 1 s)
        await until(pilot, lambda: app.query_one(NowCalled).has_class("-offline"), 3)
        await until(pilot, lambda: "does not exist" in str(banner.render()))  # retrying
        away.rename(db)
        await until(pilot, lambda: not banner.has_class("-shown"))
        await kcc(db, "post", "call-next", "loket1")
        await until(pilot, lambda: now_text(app) == "A001 ▸ 1")
        assert not app.query_one(NowCalled).has_class("-offline")


async def test_a_display_started_before_the_store_exists_waits_for_it(db: Path) -> None:
    settings = settings_for()
    app = silent_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        banner = app.query_one(StoreBanner)
        await until(pilot, lambda: banner.has_class("-shown"))
        assert "kcc init" in str(banner.render())
        await seed(db, settings, ["eid"], ["loket1"])
        await until(pilot, lambda: app.store is not None and not banner.has_class("-shown"))
        await kcc(db, "post", "call-next", "loket1")
        await until(pilot, lambda: now_text(app) == "A001 ▸ 1")


async def seed_calls(db: Path, settings: Settings, n: int) -> None:
    """n calls in a row at loket1, each finished before the next."""
    await seed(db, settings, ["eid"] * n, ["loket1"])
    async with Store(db, settings.office) as store:
        for _ in range(n):
            await store.execute(C.CallNext("loket1"), "an")
            await store.execute(C.Finish("loket1"), "an")


@pytest.mark.parametrize(("size", "columns", "rows", "big"), [
    ((240, 67), 1, 8, True),   # a TV with a small font: one column of big rows
    ((80, 24), 2, 4, False),   # short and wide: two columns, plain lines
    ((120, 35), 1, 7, True),   # what fits at three lines a row
])
async def test_history_takes_one_or_two_columns_as_the_room_allows(
        db: Path, size: tuple[int, int], columns: int, rows: int, big: bool) -> None:
    settings = settings_for()
    await seed_calls(db, settings, 9)
    app = silent_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: now_text(app) == "A009 ▸ 1")
        await pilot.pause()
        board = app.query_one(HistoryBoard)
        assert (board.columns, board.rows_per_column) == (columns, rows)
        shown = [s.layouts[0][0][:4] for s in board.slots() if s.layouts]
        expected = [f"A{n:03d}" for n in range(8, 0, -1)][: columns * rows]
        assert shown == expected  # newest first, down the first column, then the second
        assert all((s.fitted.font != "plain") == big for s in board.slots() if s.layouts)
        if columns == 2:  # reading order: the second column starts with the entry after
            first_col_bottom = board.slots()[rows - 1]
            second_col_top = board.slots()[rows]
            assert first_col_bottom.region.x < second_col_top.region.x
            assert second_col_top.region.y < first_col_bottom.region.y


@pytest.mark.parametrize(("size", "share"), [((120, 35), 0.25), ((240, 67), 0.25),
                                             ((80, 24), 0.15), ((60, 20), 0.15)])
async def test_the_called_number_is_big_at_every_size(
        db: Path, size: tuple[int, int], share: float) -> None:
    """Readable from 5 m: the number takes a good part of the screen height in block
    characters (at 120×35 on a 1080p TV one line is 31 px: 25 % is ~270 px, 13 cm on a
    55-inch screen). Smaller terminals still draw it in big characters."""
    settings = settings_for()
    await seed(db, settings, ["eid"], ["loket1"])
    async with Store(db, settings.office) as store:
        await store.execute(C.CallNext("loket1"), "an")
    app = silent_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: now_text(app) == "A001 ▸ 1")
        await pilot.pause()
        fitted = app.query_one("#now-call", BigText).fitted
        assert fitted.font != "plain"
        number_rows = fitted.heights[0] / 2
        assert fitted.heights[0] == max(fitted.heights)  # the number is the biggest
        assert number_rows / size[1] >= share, (fitted, size)
