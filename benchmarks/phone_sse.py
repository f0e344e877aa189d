"""Phone pages under load: N open ticket pages (SSE) on loopback while processes work the store.

    .venv/bin/python benchmarks/phone_sse.py [--pages 500] [--workers 12] [--seconds 30]
                                             [--estimates 30]

A fresh SQLite file gets `--pages` tickets with tokens; `kcc web` serves them in its own process
(rate limit lifted); this process opens one Server-Sent Events stream per ticket page. Then
`--workers` processes work the store for `--seconds`: the counters (one per post of the example
office that calls tickets) call, start and finish; the rest are kiosks issuing tickets.

Latency, for every (page, event) pair: from the event's time stamp (taken inside the writer's
transaction, just before COMMIT) to the first snapshot that page received reflecting it
(`seq` ≥ the event's). Printed: p50/p90/p99/max, snapshots received, the server's CPU (share of
one core over the run; the estimate replays run in a child process, not counted here) and its
memory (RSS now, peak).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import tomlkit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcc_tui.config import example_path, load_settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.phone.token import new_token  # noqa: E402
from kcc_tui.store import Store, StoreLocked  # noqa: E402

KCC = [sys.executable, "-m", "kcc_tui"]


async def retrying(store: Store, cmd: C.Command, actor: str) -> None:
    while True:
        try:
            await store.execute(cmd, actor)
            return
        except StoreLocked:
            await asyncio.sleep(0.01)


async def work(config: str, db: str, role: str, arg: str, seconds: float, seed: int) -> None:
    """One worker process: a counter working post `arg`, or a kiosk issuing tickets."""
    office = load_settings(config).office
    rnd = random.Random(seed)
    end = time.monotonic() + seconds
    async with Store(db, office) as store:
        if role == "counter":
            staff = list(office.staff)[seed % len(office.staff)]
            await retrying(store, C.OpenPost(arg, staff, True), staff)
            while time.monotonic() < end:
                try:
                    await retrying(store, C.CallNext(arg), staff)
                except C.Refused:
                    await asyncio.sleep(0.5)
                    continue
                await asyncio.sleep(rnd.uniform(0.3, 1.5))
                await retrying(store, C.Start(arg), staff)
                await asyncio.sleep(rnd.uniform(0.5, 2.5))
                await retrying(store, C.Finish(arg), staff)
            return
        services = list(office.services)
        while time.monotonic() < end:
            await asyncio.sleep(rnd.uniform(1.0, 3.0))
            try:
                await retrying(store, C.IssueTicket(rnd.choice(services), kiosk=arg), arg)
            except C.Refused:
                pass


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_mem_mb(pid: int) -> tuple[float, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024)


async def page(session: aiohttp.ClientSession, url: str, got: list[tuple[int, float]],
               ready: asyncio.Event, opened: list[int]) -> None:
    async with session.get(url) as r:
        r.raise_for_status()
        async for raw in r.content:
            if raw.startswith(b"data: "):
                seq = json.loads(raw[6:]).get("seq", -1)
                got.append((seq, time.time()))
                if len(got) == 1:
                    opened[0] += 1
                    if opened[0] == opened[1]:
                        ready.set()


async def main(pages: int, workers: int, seconds: float, estimate_s: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        doc = tomlkit.parse(Path(example_path()).read_text())
        del doc["hours"]  # open whenever the benchmark runs
        for svc in doc["services"].values():  # type: ignore[union-attr]
            svc.pop("daily_cap", None)  # 500 tickets, however the example office caps them
        port = 18000 + os.getpid() % 1000
        doc["phone"]["base_url"] = f"http://127.0.0.1:{port}"  # type: ignore[index]
        config, db = Path(tmp) / "config.toml", Path(tmp) / "kcc.db"
        config.write_text(tomlkit.dumps(doc))
        settings = load_settings(config)
        office = settings.office
        tokens = []
        async with Store(db, office, create=True) as store:
            services = list(office.services)
            for i in range(pages):
                token, h = new_token()
                await store.execute(C.IssueTicket(services[i % len(services)], token_hash=h),
                                    "onthaal")
                tokens.append(token)
        server = subprocess.Popen([*KCC, "--config", str(config), "--db", str(db), "web",
                                   "--port", str(port), "--rate", "10000",
                                   "--estimates", str(estimate_s)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            connector = aiohttp.TCPConnector(limit=0)
            timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
                for _ in range(100):
                    try:
                        async with session.get(f"{base}/board") as r:
                            if r.status == 200:
                                break
                    except aiohttp.ClientError:
                        await asyncio.sleep(0.1)
                got: list[list[tuple[int, float]]] = [[] for _ in tokens]
                ready, opened = asyncio.Event(), [0, pages]
                tasks = [asyncio.create_task(page(session, f"{base}/t/{t}/events", got[i],
                                                  ready, opened))
                         for i, t in enumerate(tokens)]
                t_open = time.monotonic()
                await asyncio.wait_for(ready.wait(), 120)
                open_s = time.monotonic() - t_open
                rss_idle, _ = proc_mem_mb(server.pid)
                cpu0, wall0 = proc_cpu_s(server.pid), time.monotonic()
                with sqlite3.connect(db) as conn:
                    start_seq = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
                posts = [p for p, v in office.posts.items() if v.services][:workers]
                roles = [("counter", p) for p in posts]
                roles += [("kiosk", f"k{i}") for i in range(workers - len(roles))]
                procs = [await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--work", str(config), str(db), role, arg,
                    str(seconds), str(i)) for i, (role, arg) in enumerate(roles)]
                for p in procs:
                    await p.wait()
                await asyncio.sleep(1.0)  # the last snapshots arrive
                cpu_s, wall_s = proc_cpu_s(server.pid) - cpu0, time.monotonic() - wall0
                rss, peak = proc_mem_mb(server.pid)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
        with sqlite3.connect(db) as conn:
            events = conn.execute("SELECT seq, at FROM events WHERE seq > ? ORDER BY seq",
                                  (start_seq,)).fetchall()
    from kcc_tui.domain.clock import parse_iso

    at = [(seq, parse_iso(a).timestamp()) for seq, a in events]
    lat: list[float] = []
    missed = 0
    for recv in got:
        recv.sort()
        j = 0
        for seq, t in at:
            while j < len(recv) and recv[j][0] < seq:
                j += 1
            if j == len(recv):
                missed += 1
                continue
            lat.append((recv[j][1] - t) * 1000)  # the first snapshot that reflects it
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))]

    received = sum(len(g) for g in got)
    print(f"phone SSE: {pages} pages, {workers} worker processes "
          f"({len(posts)} counters), {seconds:g} s, {len(at)} events committed, "
          f"estimates every {estimate_s:g} s")
    print(f"  all pages open in {open_s:.1f} s")
    print(f"  commit -> page (ms), {len(lat)} page-events: p50 {statistics.median(lat):.0f}  "
          f"p90 {pct(90):.0f}  p99 {pct(99):.0f}  max {lat[-1]:.0f}   never reached: {missed}")
    print(f"  snapshots received: {received}")
    print(f"  server CPU: {cpu_s:.1f} s in {wall_s:.1f} s = {100 * cpu_s / wall_s:.0f}% of one "
          f"core;  memory: RSS {rss_idle:.0f} MB with pages open, {rss:.0f} MB after, "
          f"peak {peak:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--work":
        _, _, cfg, path, role, arg, secs, seed = sys.argv
        asyncio.run(work(cfg, path, role, arg, float(secs), int(seed)))
        sys.exit(0)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--workers", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--estimates", type=float, default=30,
                    help="kcc web --estimates: seconds between estimate replays (0: none)")
    a = ap.parse_args()
    asyncio.run(main(a.pages, a.workers, a.seconds, a.estimates))
