"""Crash safety: processes killed with SIGKILL at random moments leave a consistent store, and a
restarted counter resumes its session and its current ticket (`kcc bench crash` does hundreds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcc_tui.bench import contention
from kcc_tui.bench.crash import run, run_apps


def test_random_kill_9_loses_nothing_and_counters_resume(tmp_path: Path) -> None:
    out = run(tmp_path / "kcc.db", kills=30)
    assert out.problems == []
    assert out.restarts  # counters were killed at work and came back
    assert out.tickets > 50 and out.events > 3 * out.tickets / 2


def test_killing_the_apps_themselves_at_random_loses_no_acknowledged_ticket(
        tmp_path: Path) -> None:
    """The kiosk, counter and display apps (Textual, driven by Pilot) and store workers beside
    them, 300 SIGKILLs (`kcc bench crash` does 1,000): every ticket a kiosk was given is in the
    log, numbers are gap-free, none is called twice or named before it was issued, the counter
    app resumes its session, and every reader works afterwards."""
    out = run_apps(tmp_path / "kcc.db", kills=300)
    print(f"\n{out}")
    assert out.problems == []
    assert out.app_kills >= 10 and out.acknowledged > 100
    assert out.by_kiosk_app > 0 and out.counter_resumes > 0


def test_twelve_processes_kills_and_server_restarts_lose_and_double_nothing(
        tmp_path: Path, store_target: str | Path, request: pytest.FixtureRequest) -> None:
    """8 counters and 4 kiosks back to back, clients killed with SIGKILL (and on PostgreSQL
    the server restarted with `-m immediate`) during the load: no duplicate or skipped number,
    no double call, no acknowledged command lost (`kcc bench contention` runs 10⁵ commands)."""
    restart, restarts = None, 0
    if isinstance(store_target, str):
        restart, restarts = request.getfixturevalue("pg_cluster").restart, 1
    out = contention.run(store_target, tmp_path, commands=1500, kills=8, restarts=restarts,
                         restart=restart)
    print(f"\n{out}")
    assert (out.duplicate_numbers, out.skipped_numbers, out.double_calls, out.lost) == (0,) * 4
    assert out.problems == []
    assert out.events >= 1500 and out.kills == 8 and out.restarts == restarts
    assert out.acknowledged > 1000
