"""Kill real kcc processes with SIGKILL at random moments, then check the store.

Used by the crash test (a few dozen kills) and by `kcc bench crash` (hundreds). Counters that
restart take up their open session and current ticket, as the counter app does.
Workers are real processes: `python -m kcc_tui.bench.crash ROLE DB ...`.
"""

from __future__ import annotations

import asyncio
import json
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import commands as C
from ..store import Store, create_store
from ..store.eventstore import SELECT_EVENTS, row_to_event
from .store import bench_office
from .store import retry as _retry

POSTS = ("p1", "p2", "p3")


async def counter(db: str, post: str, seed: int) -> None:
    rnd = random.Random(seed)
    staff = "s" + post[1:]
    async with Store(db, bench_office()) as store:
        p = store.state.post(post)
        if p.open and p.staff == staff:
            print(json.dumps({"resumed": post, "current": p.current}), flush=True)
        else:
            await _retry(store, C.OpenPost(post, staff, True), staff)
            print(json.dumps({"opened": post}), flush=True)
        while True:
            p = store.state.post(post)
            cur = store.state.tickets.get(p.current) if p.current else None
            cmd: C.Command = (C.CallNext(post) if cur is None
                              else C.Start(post) if cur.status == "called" else C.Finish(post))
            try:
                await _retry(store, cmd, staff)
            except C.Refused:
                await asyncio.sleep(0.01)
            await asyncio.sleep(rnd.uniform(0, 0.01))


async def kiosk(db: str, seed: int) -> None:
    rnd = random.Random(seed)
    async with Store(db, bench_office()) as store:
        while True:
            await _retry(store, C.IssueTicket(rnd.choice(["eid", "rijbewijs"])), "kiosk")
            await asyncio.sleep(rnd.uniform(0, 0.02))


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kcc_tui.bench.crash", *args],
                            stdout=subprocess.PIPE, text=True)


def _first_line(p: subprocess.Popen[str], timeout: float = 30) -> str:
    """Wait until a counter has opened or resumed its post, so kills also hit it at work."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    return p.stdout.readline() if ready and p.stdout else ""


@dataclass
class Outcome:
    kills: int
    events: int = 0
    tickets: int = 0
    restarts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run(db: Path, kills: int, seed: int = 7,
        progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Kill `kills` times, then check: integrity, gap-free numbers, no ticket called twice,
    none lost, read models equal a rebuild, every restarted counter resumed.
    `progress(kills done, kills)` is called after every kill."""
    asyncio.run(create_store(db, bench_office()))
    rnd = random.Random(seed)
    procs = {p: _spawn("counter", str(db), p, str(i)) for i, p in enumerate(POSTS)}
    procs |= {"k1": _spawn("kiosk", str(db), "1"), "k2": _spawn("kiosk", str(db), "2")}
    out = Outcome(kills)
    for p in POSTS:
        if '"opened"' not in _first_line(procs[p]):
            out.problems.append(f"counter {p} did not open its post")
    try:
        for i in range(kills):
            time.sleep(rnd.uniform(0.05, 0.3))
            name = rnd.choice(sorted(procs))
            procs[name].send_signal(signal.SIGKILL)
            procs[name].communicate()
            if name in POSTS:
                procs[name] = _spawn("counter", str(db), name, str(100 + i))
                out.restarts.append(_first_line(procs[name]))
            else:
                procs[name] = _spawn("kiosk", str(db), str(100 + i))
            if progress is not None:
                progress(i + 1, kills)
        time.sleep(0.5)
    finally:
        for p in procs.values():
            p.send_signal(signal.SIGKILL)
            p.communicate()
    _check(db, out)
    return out


def _check(db: Path, out: Outcome) -> None:
    bad = out.problems.append
    if not all('"resumed"' in line for line in out.restarts):
        bad("a restarted counter did not resume its session")
    with sqlite3.connect(db) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            bad("integrity check failed")
        events = [row_to_event(r) for r in conn.execute(SELECT_EVENTS)]
    out.events = len(events)
    issued = [e for e in events if e.type == "ticket_issued"]
    out.tickets = len(issued)
    numbers: dict[str, list[int]] = defaultdict(list)
    for e in issued:
        numbers[e.data["service"]].append(e.data["n"])
    if any(sorted(ns) != list(range(1, len(ns) + 1)) for ns in numbers.values()):
        bad("ticket numbers have a gap or a duplicate")
    calls = Counter(e.data["number"] for e in events if e.type == "ticket_called")
    if calls and max(calls.values()) > 1:
        bad("a ticket was called twice")
    opened = Counter(e.data["post"] for e in events if e.type == "post_opened")
    if any(opened[p] != 1 for p in POSTS):
        bad("a counter opened its post again instead of resuming")
    asyncio.run(_verify(db, {e.data["number"] for e in issued}, out))


async def _verify(db: Path, issued: set[str], out: Outcome) -> None:
    async with Store(db, bench_office()) as store:
        out.problems += await store.check()  # read models equal a rebuild
        if set(store.state.tickets) != issued:
            out.problems.append("a ticket was lost")
        for t in store.state.tickets.values():
            holders = [p.id for p in store.state.posts.values() if p.current == t.number]
            if len(holders) != (1 if t.status in ("called", "serving") else 0):
                out.problems.append(f"ticket {t.number} is {t.status} at {holders}")


if __name__ == "__main__":
    role, db, *args = sys.argv[1:]
    if role == "counter":
        asyncio.run(counter(db, args[0], int(args[1])))
    elif role == "kiosk":
        asyncio.run(kiosk(db, int(args[0])))
