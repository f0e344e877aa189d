"""`kcc bench startup` measures real processes: a `kcc --json` command and an app up to its first
screen (headless), with its memory. Figures are printed by the benchmark, never asserted here."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

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


# config validates printer settings (printers.settings, the profile names in escpos's JSON), but
# nothing that talks to a printer is loaded
HEAVY = ("textual", "rich", "escpos.escpos", "escpos.capabilities", "escpos.printer",
         "printers.escpos_lib", "printers.layout", "printers.service", "simpy", "openpyxl",
         "aiohttp", "tomlkit", "kcc_tui.apps.base", "kcc_tui.apps.kiosk.app", "kcc_tui.reports",
         "kcc_tui.sim", "kcc_tui.phone.server")
WHAT_LOADED = """
import sys
from kcc_tui.cli import main
sys.argv = ["kcc", "--db", sys.argv[1], "--json", *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("args", [["state"], ["ticket", "issue", "eid", "--outside-hours"],
                                  ["events", "--limit", "3"]])
def test_a_store_command_imports_only_what_it_needs(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "kcc.db"
    asyncio.run(create_store(db, load_settings().office))
    out = subprocess.run([sys.executable, "-c", WHAT_LOADED, str(db), *args],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("{"), out.stderr  # the command ran and answered
    loaded = out.stdout.splitlines()[-1].split()
    assert [m for m in loaded if startup_heavy(m)] == []


def startup_heavy(module: str) -> bool:
    return any(module == h or module.startswith(h + ".") for h in HEAVY)
