"""Crash safety: processes killed with SIGKILL at random moments leave a consistent store, and a
restarted counter resumes its session and its current ticket (`kcc bench crash` does hundreds)."""

from __future__ import annotations

from pathlib import Path

from kcc_tui.bench.crash import run


def test_random_kill_9_loses_nothing_and_counters_resume(tmp_path: Path) -> None:
    out = run(tmp_path / "kcc.db", kills=30)
    assert out.problems == []
    assert out.restarts  # counters were killed at work and came back
    assert out.tickets > 50 and out.events > 3 * out.tickets / 2
