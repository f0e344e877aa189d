"""`kcc bench startup` measures real processes: a `kcc --json` command and an app up to its first
screen (headless), with its memory. Figures are printed by the benchmark, never asserted here."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kcc_tui.bench import startup
from kcc_tui.config import load_settings
from kcc_tui.store import create_store


def test_an_app_and_the_bare_baseline_reach_their_first_screen(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    asyncio.run(create_store(db, load_settings().office))
    for build in (startup.BARE, startup.APP.format(name="counter", extra=", post_id='loket1'")):
        took, rss = startup._first_screen(build, db)
        assert 0 < took < 60 and 10 < rss < 1000
    # a kcc process whose store cannot open still reports its first screen (the banner)
    display = startup.APP.format(name="display", extra=startup.APPS["display"])
    took, rss = startup._first_screen(display, tmp_path / "missing.db")
    assert took > 0
