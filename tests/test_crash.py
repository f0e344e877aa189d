"""Crash safety: processes killed with SIGKILL at random moments leave a consistent store, and a
restarted counter resumes its session and its current ticket."""

from __future__ import annotations

import asyncio
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from factories import make_big_office

from kcc_tui.store import Store
from kcc_tui.store.eventstore import EVENT_COLS, row_to_event

WORKERS = str(Path(__file__).parent / "workers.py")
KILLS = 30


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, WORKERS, *args], stdout=subprocess.PIPE, text=True)


def first_line(p: subprocess.Popen[str], timeout: float = 30) -> str:
    """Wait until a counter says it opened or resumed its post (a slow CI machine may take
    seconds to start Python): kills then hit it at work, not only while it starts."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    return p.stdout.readline() if ready and p.stdout else ""


def test_random_kill_9_loses_nothing_and_counters_resume(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"

    async def create() -> None:
        async with Store(db, make_big_office(), create=True):
            pass

    asyncio.run(create())
    rnd = random.Random(7)
    posts = ["p1", "p2", "p3"]
    procs: dict[str, subprocess.Popen[str]] = {
        **{p: spawn("resilient-counter", str(db), p, str(i)) for i, p in enumerate(posts)},
        "k1": spawn("endless-kiosk", str(db), "1"),
        "k2": spawn("endless-kiosk", str(db), "2"),
    }
    restarts: list[str] = []
    for p in posts:
        assert '"opened"' in first_line(procs[p])
    try:
        for i in range(KILLS):
            time.sleep(rnd.uniform(0.05, 0.3))
            name = rnd.choice(sorted(procs))
            procs[name].send_signal(signal.SIGKILL)
            out, _ = procs[name].communicate()
            if name in posts:
                procs[name] = spawn("resilient-counter", str(db), name, str(100 + i))
                restarts.append(first_line(procs[name]))
            else:
                procs[name] = spawn("endless-kiosk", str(db), str(100 + i))
        time.sleep(0.5)
    finally:
        for p in procs.values():
            p.send_signal(signal.SIGKILL)
        for p in procs.values():
            p.communicate()

    # each restarted counter found its session still open and took it up again
    assert restarts and all('"resumed"' in line for line in restarts), restarts

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = [row_to_event(r) for r in conn.execute(f"SELECT {EVENT_COLS} FROM events")]
    issued = [e for e in events if e.type == "ticket_issued"]
    assert len(issued) > 50
    per_service: dict[str, list[int]] = defaultdict(list)
    for e in issued:
        per_service[e.data["service"]].append(e.data["n"])
    for ns in per_service.values():
        assert sorted(ns) == list(range(1, len(ns) + 1))  # gap-free numbering
    calls = Counter(e.data["number"] for e in events if e.type == "ticket_called")
    assert max(calls.values()) == 1  # no ticket called twice
    opened = Counter(e.data["post"] for e in events if e.type == "post_opened")
    assert all(opened[p] == 1 for p in posts)  # every restart resumed; none re-opened

    async def verify() -> None:
        async with Store(db, make_big_office()) as store:
            assert await store.check() == []  # read models equal a rebuild
            issued_numbers = {e.data["number"] for e in issued}
            assert set(store.state.tickets) == issued_numbers  # none lost
            for t in store.state.tickets.values():  # every ticket in exactly one place
                holders = [p.id for p in store.state.posts.values() if p.current == t.number]
                assert len(holders) == (1 if t.status in ("called", "serving") else 0)

    asyncio.run(verify())
