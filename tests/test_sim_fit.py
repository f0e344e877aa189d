"""`kcc simulate --fit`: a scenario learned from the store's history simulates that history."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kcc_tui.config import example_path, load_settings
from kcc_tui.reports.fit import FitError, fit
from kcc_tui.sim.model import simulate
from kcc_tui.sim.scenario import load_scenario
from kcc_tui.sim.storewriter import write_days

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # a Sunday after three simulated Tuesdays


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("fit") / "history.db"
    typical = load_scenario(ROOT / "scenarios" / "typical_tuesday.toml")
    days = simulate(typical, 3, 21, start=date(2026, 11, 10), estimates=False, record=True)
    asyncio.run(write_days(db, typical.office, days))
    return db


def test_a_fitted_scenario_reproduces_its_history(history: Path, tmp_path: Path) -> None:
    office = load_settings(example_path()).office  # its Tuesday: 08:30-12:30
    text = asyncio.run(fit(history, office, "example", date(2026, 12, 8), 8, now=NOW))
    path = tmp_path / "fitted.toml"
    path.write_text(text)
    fitted = load_scenario(path)
    s = fitted.scenario
    assert (f"{s.open:%H:%M}", f"{s.close:%H:%M}") == ("08:30", "12:30")
    # mornings of the typical Tuesday: eid arrives 6.5, 7.5, 6.5, 5.5 an hour
    assert sum(s.services["eid"].per_hour) == pytest.approx(26, rel=0.35)
    assert s.services["verhuis"].service_min == pytest.approx(22, rel=0.35)
    assert {sid: p.post for sid, p in s.staff.items()}.items() >= {
        "an": "loket1", "bart": "loket2", "els": "loket3", "youssef": "loket4",
        "lotte": "snelbalie"}.items()
    coffee = [p for p in s.staff["els"].pauses if p.reason == "koffie"]
    assert coffee and f"{coffee[0].at:%H:%M}" in ("10:15", "10:20", "10:25")
    (day,) = simulate(fitted, 1, 1, estimates=False)
    assert len(day.records) > 80 and not day.problems


def test_no_history_is_one_line(history: Path) -> None:
    office = load_settings(example_path()).office
    with pytest.raises(FitError, match="no tickets on a monday"):
        asyncio.run(fit(history, office, "example", date(2026, 12, 7), 8, now=NOW))


def test_fit_from_the_cli(history: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KCC_CONFIG": example_path()}  # named: no "built-in office" note
    run = subprocess.run([sys.executable, "-m", "kcc_tui", "--db", str(history), "simulate",
                          "--fit", "maandag"], capture_output=True, text=True, cwd=tmp_path,
                         timeout=120, env=env)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("kcc: no tickets on a monday")
    bad = subprocess.run([sys.executable, "-m", "kcc_tui", "simulate", "--fit", "someday"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("kcc: unknown day 'someday'")
