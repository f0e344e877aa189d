"""Coordinator board: refresh time with 50 posts and 500 waiting tickets, and CPU use while idle.

    .venv/bin/python benchmarks/coordinator_board.py            # all figures (about 1 minute)
    .venv/bin/python benchmarks/coordinator_board.py --idle 10  # a shorter idle measurement

Figures printed:
- figures (compute only): the board's figures from the state (services with today's KPIs,
  posts, alerts, chart), from scratch;
- refresh, nothing new: the once-a-second refresh (waits grow with the clock): figures plus
  writing the cells that changed;
- refresh after an event: the same when today's KPIs and the chart must be recomputed;
- commit to board: a command committed on another connection until the board's table holds
  it (includes the 50 ms change-feed poll);
- idle CPU: a real `kcc coordinator`-equivalent process in a pseudo-terminal, logged in,
  nothing happening: CPU seconds used over the idle period.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import statistics
import struct
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kcc_tui.apps.coordinator import build_app  # noqa: E402
from kcc_tui.apps.coordinator.board import day_chart, post_rows, service_rows  # noqa: E402
from kcc_tui.apps.coordinator.screen import BoardScreen  # noqa: E402
from kcc_tui.config import example_path, load_settings  # noqa: E402
from kcc_tui.config.settings import Settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.domain.alerts import evaluate  # noqa: E402
from kcc_tui.domain.office import Post, Staff  # noqa: E402
from kcc_tui.domain.pins import hash_pin  # noqa: E402
from kcc_tui.store import Store  # noqa: E402

POSTS, WAITING = 50, 500
PIN = "9999"


def big_settings(pin_hash: str) -> Settings:
    """The example office with 50 desks, each calling every service, and 50 staff."""
    base = load_settings(example_path())
    every = {code: 1.0 for code in base.office.services}
    office = base.office.model_copy(update={
        "services": {k: v.model_copy(update={"daily_cap": None})
                     for k, v in base.office.services.items()},
        "posts": {f"p{i}": Post(id=f"p{i}", name=f"Loket {i}", services=every)
                  for i in range(1, POSTS + 1)},
        "staff": {f"s{i}": Staff(id=f"s{i}", name=f"Medewerker {i}", pin_hash=pin_hash)
                  for i in range(1, POSTS + 1)}
        | {"coord": Staff(id="coord", name="Coordinator", pin_hash=pin_hash,
                          role="coordinator")},
    })
    return base.model_copy(update={"office": office})


async def seed(db: Path, settings: Settings) -> None:
    """A busy morning: 45 posts open (most serving, 6 paused), 500 tickets waiting."""
    office = settings.office
    services = list(office.services)
    async with Store(db, office, create=True) as store:
        for i in range(WAITING + 120):  # 120 get called below
            await store.execute(C.IssueTicket(services[i % len(services)]), "kiosk")
        for i in range(1, 46):
            await store.execute(C.OpenPost(f"p{i}", f"s{i}", True), f"s{i}")
        for i in range(1, 46):  # 120 served or being served
            for _ in range(3 if i <= 30 else 2):
                if store.state.post(f"p{i}").current:
                    await store.execute(C.Finish(f"p{i}"), f"s{i}")
                await store.execute(C.CallNext(f"p{i}"), f"s{i}")
                await store.execute(C.Start(f"p{i}"), f"s{i}")
        for i in range(40, 46):
            await store.execute(C.Finish(f"p{i}"), f"s{i}")
            await store.execute(C.Pause(f"p{i}", "pauze"), f"s{i}")
        assert len(store.state.waiting()) == WAITING, len(store.state.waiting())


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def report(name: str, ms: list[float]) -> None:
    print(f"  {name:<28} p50 {statistics.median(ms):7.2f} ms   p99 {pct(ms, 99):7.2f} ms"
          f"   max {max(ms):7.2f} ms   (n={len(ms)})")


async def refresh_figures(db: Path, settings: Settings, size: tuple[int, int], n: int) -> None:
    app = build_app(settings, db=db)
    async with app.run_test(size=size) as pilot:
        while app.store is None:
            await pilot.pause(0.05)
        app.logged_in("coord")
        while not isinstance(app.screen, BoardScreen):
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        board = app.screen
        assert isinstance(board, BoardScreen) and app.store is not None
        state, office = app.store.state, app.office
        header = (f"board {size[0]}×{size[1]}, {len(office.posts)} posts, "
                  f"{len(state.waiting())} waiting, {len(state.tickets)} tickets today:")
        compute, tick, event = [], [], []
        for _ in range(n):
            now = app.clock()
            t0 = time.perf_counter()
            service_rows(state, office, now)
            post_rows(state, office, now)
            evaluate(state, office, settings.alerts, now, app.watched)
            day_chart(state, office, now)
            compute.append((time.perf_counter() - t0) * 1000)
        for i in range(n):
            if i % 2:  # as after an event: today's KPIs and the chart are computed afresh
                board._kpis = board._chart = None
            t0 = time.perf_counter()
            board.update_from(state, app.clock())
            (event if i % 2 else tick).append((time.perf_counter() - t0) * 1000)
            await pilot.pause(0.01)  # let the screen paint between refreshes
        latency = []
        async with Store(db, office) as other:
            for post in [f"p{i}" for i in range(1, 31)]:
                staff = other.state.post(post).staff or ""
                await other.execute(C.Finish(post), staff)
                await pilot.pause(0.2)
                (called,) = await other.execute(C.CallNext(post), staff)
                t0 = time.perf_counter()  # committed: now the other process must see it
                number = called.data["number"]
                table = board.query_one("#posts")
                while str(getattr(table.get_cell(post, "ticket"), "plain", "")) != number:
                    await asyncio.sleep(0.002)
                latency.append((time.perf_counter() - t0) * 1000)
                await other.execute(C.Start(post), staff)
        print(header)
        report("figures (compute only)", compute)
        report("refresh, nothing new", tick)
        report("refresh after an event", event)
        report("commit to board (poll incl.)", latency)


def idle_cpu(db: Path, seconds: float) -> None:
    """Run the app in a pseudo-terminal like a user would, log in, and measure CPU at rest."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the coordinator app on the 50-post office
        os.execv(sys.executable, [sys.executable, __file__, "--serve", str(db)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 35, 120, 0, 0))
    received = [0]

    def drain() -> None:  # a terminal reads everything the app writes
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data:
                return
            received[0] += len(data)

    threading.Thread(target=drain, daemon=True).start()
    try:
        time.sleep(3)
        os.write(fd, PIN.encode() + b"\r")
        time.sleep(4)  # logged in, first frames drawn
        cpu0, wall0, bytes0 = _cpu(pid), time.monotonic(), received[0]
        time.sleep(seconds)
        cpu1, wall1, bytes1 = _cpu(pid), time.monotonic(), received[0]
        rss = _rss_mb(pid)
    finally:
        os.kill(pid, 15)
        os.waitpid(pid, 0)
    used = cpu1 - cpu0
    print(f"idle, logged in, 120×35 pty, {wall1 - wall0:.0f} s: {used:.2f} CPU s "
          f"({used / (wall1 - wall0) * 100:.1f} % of one core), "
          f"{(bytes1 - bytes0) / (wall1 - wall0) / 1024:.1f} KiB/s to the terminal, "
          f"RSS {rss:.0f} MB")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--idle", type=float, default=30, help="idle seconds to measure")
    ap.add_argument("-n", type=int, default=200, help="refreshes to time")
    ap.add_argument("--serve", metavar="DB", help=argparse.SUPPRESS)
    args = ap.parse_args()
    settings = big_settings(PIN_HASH)
    if args.serve:
        build_app(settings, db=args.serve).run()
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kcc.db"
        t0 = time.perf_counter()
        asyncio.run(seed(db, settings))
        print(f"seeded in {time.perf_counter() - t0:.1f} s")
        asyncio.run(refresh_figures(db, settings, (120, 35), args.n))
        asyncio.run(refresh_figures(db, settings, (240, 60), args.n))
        idle_cpu(db, args.idle)


PIN_HASH = hash_pin(PIN, salt=b"benchmark-salt-16")  # fixed: the server child must match

if __name__ == "__main__":
    main()
