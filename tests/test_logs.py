"""One logging setup for every process: a rotating kcc.log beside the database, or the journal
under systemd; app warnings reach it although Textual holds stderr while an app runs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from pilot_wait import until
from test_kiosk_kit import SIZE, T0, kiosk, kiosk_settings, ready, seed

from kcc_tui import logs
from kcc_tui.apps.kiosk.operator import PinDialog
from kcc_tui.config import example_path
from kcc_tui.domain.clock import FixedClock

KCC = [sys.executable, "-m", "kcc_tui"]


def kcc(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("INVOCATION_ID", "JOURNAL_STREAM", "KCC_LOG_LEVEL")}
    return subprocess.run([*KCC, "--db", str(db), *args], capture_output=True, text=True,
                          timeout=60, env={**clean, "KCC_CONFIG": example_path(), **env})


def test_the_cli_logs_beside_the_database_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    assert kcc(db, "init").returncode == 0
    p = kcc(db, "post", "recall", "loket1")
    assert p.returncode == 1 and p.stderr == "kcc: Loket 1 is closed\n"  # nothing else shown
    log = tmp_path / "kcc.log"
    assert "refused: Loket 1 is closed" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert kcc(db, "log-path").stdout.strip() == str(log)
    assert "kcc log-path" in kcc(db, "--help").stdout
    kcc(db, "--log-level", "warning", "post", "recall", "loket2")
    assert "Loket 2" not in log.read_text()  # an ordinary refusal is info


def test_under_systemd_the_journal_gets_the_lines_without_a_timestamp(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    assert kcc(db, "init", INVOCATION_ID="1").returncode == 0
    p = kcc(db, "post", "recall", "loket1", INVOCATION_ID="1")
    (line, message) = p.stderr.splitlines()
    assert line.startswith("post[") and "INFO" in line and "Loket 1 is closed" in line
    assert message == "kcc: Loket 1 is closed"
    assert not (tmp_path / "kcc.log").exists()
    assert kcc(db, "log-path", INVOCATION_ID="1").stdout.strip() == "journal"


async def test_a_running_apps_warnings_reach_the_file(tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    assert logs.setup(tmp_path, "INFO", "kiosk") == str(tmp_path / "kcc.log")
    try:
        app = kiosk(settings, db, clock)
        async with app.run_test(size=SIZE) as pilot:  # Textual holds stderr meanwhile
            await ready(pilot)
            await pilot.press("f12")
            await until(pilot, lambda: isinstance(app.screen, PinDialog), "the PIN dialog")
            await pilot.press("0", "0", "0", "0", "enter")
            await until(pilot, lambda: "operator PIN refused" in
                        (tmp_path / "kcc.log").read_text(), "the warning in the file")
    finally:
        logs.reset()
    line = next(x for x in (tmp_path / "kcc.log").read_text().splitlines() if "operator" in x)
    assert "kiosk[" in line and "WARNING" in line and "wrong PIN" in line
