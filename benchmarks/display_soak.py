"""Wall display soak test: eight-hour days of calls in accelerated time; memory at start and end.

    .venv/bin/python benchmarks/display_soak.py [--days 1] [--hours 8] [--no-tracemalloc]

The display runs headless in this process; a writer on the same SQLite file (in a temporary
folder) plays a busy office minute by minute on a shared fixed clock: tickets issued, five
counters calling, finishing, now and then a no-show or a recall, a broadcast every hour. Every
call goes through the announcement queue to a real program (`true`, one process per sentence).
After each simulated minute the display catches up and redraws (clock, highlight, ticker,
queues), as its one-second tick would.

Memory is Python's own (tracemalloc) and the process's resident size (RSS), after the first
simulated hour (start, once caches are warm) and at the end of each day. Today's state in the
store grows with the day's tickets by design and is dropped at midnight; the display's own
structures (history, announcement log, widgets) are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcc_tui.apps.display import build_app  # noqa: E402
from kcc_tui.apps.display.announce import CommandSpeaker  # noqa: E402
from kcc_tui.config import load_settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.domain.clock import FixedClock  # noqa: E402
from kcc_tui.store import Store, create_store  # noqa: E402

STAFF = {"loket1": "an", "loket2": "bart", "loket3": "els", "loket4": "youssef",
         "snelbalie": "lotte"}
START = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # a Tuesday, 08:30 in Brussels


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def memory() -> tuple[float, float]:
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
    return traced / 2**20, rss_mb()


async def minute(store: Store, rnd: random.Random, services: list[str]) -> int:
    """One minute of a busy office; returns the calls made."""
    calls = 0
    for _ in range(rnd.choice((1, 2, 2, 3))):
        try:
            await store.execute(C.IssueTicket(rnd.choice(services), rnd.choice("nnnnfed")
                                .replace("n", "nl").replace("f", "fr").replace("e", "en")
                                .replace("d", "de")))
        except C.Refused:
            pass  # a daily cap reached: the kiosk would say so
    for post, staff in STAFF.items():
        p = store.state.post(post)
        try:
            if p.current is not None:
                t = store.state.tickets[p.current]
                r = rnd.random()
                if t.status == "called" and r < 0.05:
                    await store.execute(C.Recall(post), staff)
                    calls += 1
                elif t.status == "called" and r < 0.1:
                    await store.execute(C.NoShow(post), staff)
                elif r < 0.35:
                    await store.execute(C.Finish(post), staff)
            else:
                await store.execute(C.CallNext(post), staff)
                calls += 1
        except C.Refused:
            pass  # nobody waiting for this post
    return calls


async def main(days: int, hours: float, trace: bool) -> None:
    settings = load_settings(ROOT / "config.toml")
    services = list(settings.office.services)
    rnd = random.Random(7)
    clock = FixedClock(START)
    if trace:
        tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kcc.db"
        await create_store(db, settings.office)
        app = build_app(settings, db=db, display_id="wachtzaal", clock=clock,
                        speaker=CommandSpeaker("none", "true"))
        writer = Store(db, settings.office, clock=clock)
        await writer.open()
        total_calls, t0, start_mem, start_snap = 0, time.monotonic(), None, None
        async with app.run_test(size=(120, 35)) as pilot:
            for day in range(days):
                clock.at = START + timedelta(days=day)
                for post, staff in STAFF.items():
                    await writer.execute(C.OpenPost(post, staff, True), staff)
                for m in range(int(hours * 60)):
                    clock.advance(minutes=1)
                    total_calls += await minute(writer, rnd, services)
                    if m % 60 == 30:
                        await writer.execute(C.Broadcast(f"Mededeling {day}.{m}: de "
                                                         "snelbalie sluit om 12 uur."), "katrien")
                    while app.store is None or app.store.state.seq < writer.state.seq:
                        await pilot.pause(0.01)  # the display's poller catches up
                    app.redraw()
                    if day == 0 and m == min(60, int(hours * 60) - 1):
                        start_mem = memory()
                        start_snap = tracemalloc.take_snapshot() if trace else None
                await writer.execute(C.EndDay(), "katrien")
                if app.announcer is not None:
                    await app.announcer.drain()
                mem = memory()
                print(f"day {day + 1}: {writer.state.seq} events so far, {total_calls} calls, "
                      f"history {len(app.board.calls)}, announcer log "
                      f"{len(app.announcer.spoken) if app.announcer else 0}, "
                      f"python {mem[0]:.1f} MiB, RSS {mem[1]:.1f} MiB", file=sys.stderr)
        await writer.close()
    assert start_mem is not None
    end = mem
    if trace and start_snap is not None:
        print("largest growth since hour 1, by file (python allocations):", file=sys.stderr)
        diff = tracemalloc.take_snapshot().compare_to(start_snap, "filename")
        for stat in diff[:6]:
            where = stat.traceback[0].filename.replace(str(ROOT) + "/", "")
            print(f"  {stat.size_diff / 1024:+8.0f} KiB  {where}", file=sys.stderr)
    elapsed = time.monotonic() - t0
    print(f"display soak: {days} × {hours:g} h of calls ({total_calls} calls) "
          f"in {elapsed:.0f} s real time")
    print(f"  after hour 1: python {start_mem[0]:.1f} MiB · RSS {start_mem[1]:.1f} MiB")
    print(f"  at the end:   python {end[0]:.1f} MiB · RSS {end[1]:.1f} MiB "
          f"(Δ python {end[0] - start_mem[0]:+.1f} MiB, Δ RSS {end[1] - start_mem[1]:+.1f} MiB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--hours", type=float, default=8)
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="RSS only (tracemalloc slows Python down about twofold)")
    args = parser.parse_args()
    asyncio.run(main(args.days, args.hours, not args.no_tracemalloc))
