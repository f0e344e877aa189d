"""Reporting on a store while other processes write to it (real processes on one file): every
report succeeds without waiting for the writers, its figures hang together, and they only grow."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from factories import make_big_office

from kcc_tui.reports import summary
from kcc_tui.store import create_store

WORKERS = str(Path(__file__).parent / "workers.py")


async def test_reports_while_kiosks_and_a_counter_write(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    office = make_big_office()
    await create_store(db, office)
    done = tmp_path / "kiosks-done"
    kiosks = [subprocess.Popen([sys.executable, WORKERS, "kiosk", str(db), "120", str(seed)])
              for seed in (1, 2)]
    counter = subprocess.Popen([sys.executable, WORKERS, "counter", str(db), "p1", str(done),
                                "3"])
    seen: list[tuple[int, int, int]] = []  # (issued, called, ended) per report
    try:
        deadline = time.monotonic() + 90
        while any(k.poll() is None for k in kiosks) and time.monotonic() < deadline:
            t = (await summary(db, "today", office=office)).total
            seen.append((t["issued"], t["called"], t["served"] + t["no_shows"]))
            await asyncio.sleep(0.05)
        assert all(k.wait(timeout=30) == 0 for k in kiosks)
        done.write_text("1")
        assert counter.wait(timeout=60) == 0
    finally:
        for p in (*kiosks, counter):
            if p.poll() is None:
                p.kill()
    final = (await summary(db, "today", office=office)).total
    assert len(seen) >= 3  # reports ran while the writers were busy
    # each report is one snapshot: a ticket ends (served or no-show) at most once and only
    # after a call; and every figure only grows from one report to the next
    assert all(ended <= issued and ended <= called for issued, called, ended in seen)
    for before, after in zip(seen, seen[1:], strict=False):
        assert all(a >= b for a, b in zip(after, before, strict=True)), (before, after)
    # the counter emptied the queue: every ticket ended once (requeued ones were called again)
    assert final["issued"] == final["served"] + final["no_shows"] == 240
    assert final["called"] >= 240
