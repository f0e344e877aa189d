"""`kcc bench offices`: several offices on one PostgreSQL server, a database each, do not slow
each other. Figures printed, never asserted.

First one office alone (12 terminals: 8 counters and 4 kiosks), then N offices with 12
terminals each at the same time, every office in a database of its own on the same server,
every terminal at the same pace in both runs (`interval`: a kiosk issues a ticket, a counter
calls or finishes, once per interval; 0: back to back). Printed: each office's commands/s and
the call-next latency of the office alone and of the offices together; then every office's
log is checked (0 duplicate or skipped numbers, 0 double calls, read models equal to a rebuild).

Every terminal holds a store of its own (its own connections to its office's database, as an
app does) and is an asyncio task in one of a few worker processes
(`python -m kcc_tui.bench.offices worker JOB`): 240 OS processes on a small machine would
measure its scheduler, not the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import commands as C
from ..store import EventStore, StoreError, create_database, drop_database, open_store
from .contention import Outcome, check_log
from .store import _create, bench_office, pct, retry

WAITING = 40  # tickets waiting in each office when the run starts


def split(terminals: int) -> tuple[int, int]:
    """(counters, kiosks) of an office with `terminals` terminals: two counters per kiosk."""
    kiosks = max(1, terminals // 3)
    return max(1, terminals - kiosks), kiosks


# -- a worker process: the terminals of some offices -----------------------------------------
async def _ticks(job: dict[str, Any], phase: float) -> AsyncIterator[None]:
    """A terminal's pace: every `interval` seconds from the common start (shifted by its
    phase), back to back when the interval is 0, until the run's end."""
    start, end, every = job["start"], job["start"] + job["seconds"], job["interval"]
    k = 0
    while True:
        await asyncio.sleep(max(0.0, start + phase + k * every - time.time()))
        if time.time() >= end:
            return
        yield
        k += 1


async def _counter(store: EventStore, post: str, job: dict[str, Any], phase: float,
                   out: dict[str, Any]) -> None:
    staff = "s" + post[1:]
    async for _ in _ticks(job, phase):
        p = store.state.post(post)
        if p.current is None:
            t0 = time.perf_counter()
            try:
                await store.execute(C.CallNext(post), staff)
            except C.Refused:  # nobody waiting: no call to time
                out["refused"] += 1
                if not job["interval"]:
                    await asyncio.sleep(0.01)
                continue
            out["calls"].append(time.perf_counter() - t0)
        else:
            await retry(store, C.Finish(post), staff)
        out["commands"] += 1


async def _kiosk(store: EventStore, seed: int, job: dict[str, Any], phase: float,
                 out: dict[str, Any]) -> None:
    rnd = random.Random(seed)
    async for _ in _ticks(job, phase):
        await retry(store, C.IssueTicket(rnd.choice(["eid", "rijbewijs", "attesten"])), "k")
        out["commands"] += 1


async def worker(job_file: str) -> None:
    """Open every terminal's store (counters open their post), say "ready", read the start
    time from stdin, run until the end and write each office's figures to the job's `out`."""
    job = json.loads(Path(job_file).read_text())
    rnd = random.Random(job["seed"])
    stores: list[EventStore] = []
    tasks = []
    figures: dict[str, dict[str, Any]] = {}
    try:
        for office in job["offices"]:
            url, counters, kiosks = office["url"], office["counters"], office["kiosks"]
            out = figures[url] = {"calls": [], "commands": 0, "refused": 0}
            for i in range(counters + kiosks):
                store = await open_store(url, bench_office(counters)).open()
                stores.append(store)
                if i < counters:
                    post = f"p{i + 1}"
                    await retry(store, C.OpenPost(post, f"s{i + 1}", True), f"s{i + 1}")
                    tasks.append((_counter, store, post, out))
                else:
                    tasks.append((_kiosk, store, rnd.randrange(10**6), out))
        print("ready", flush=True)
        job["start"] = float(sys.stdin.readline())
        spread = job["interval"] or 0.0  # each terminal's own moment within the interval
        await asyncio.gather(*(run(store, arg, job, rnd.uniform(0, spread), out)
                               for run, store, arg, out in tasks))
    finally:
        for store in stores:
            with contextlib.suppress(StoreError):
                await store.close()
    Path(job["out"]).write_text(json.dumps(figures))


# -- the run -----------------------------------------------------------------------------------
@dataclass
class Round:
    """One run: N offices at once, each office's figures."""

    offices: int
    seconds: float
    rates: list[float] = field(default_factory=list)  # commands/s of each office
    calls: list[list[float]] = field(default_factory=list)  # call-next seconds, per office
    checks: list[Outcome] = field(default_factory=list)
    cpu: float | None = None  # the share of the machine's CPU time in use during the run

    @property
    def all_calls(self) -> list[float]:
        return [x for per in self.calls for x in per]

    def rate_text(self) -> str:
        r = self.rates
        if len(r) == 1:
            return f"{r[0]:.1f}"
        return (f"{statistics.median(r):.1f} (min {min(r):.1f}, max {max(r):.1f}; all "
                f"{sum(r):.0f})")

    def call_text(self) -> str:
        xs = self.all_calls
        text = f"p50 {pct(xs, 50) * 1000:.1f} / p99 {pct(xs, 99) * 1000:.1f} ms"
        if len(self.calls) > 1:
            worst = max(pct(c, 99) for c in self.calls if c) * 1000
            text += f" (slowest office's p99 {worst:.1f} ms)"
        return text


def _round(dbs: list[str], counters: int, kiosks: int, seconds: float, interval: float,
           processes: int, folder: Path, seed: int) -> Round:
    """Run the terminals of the offices at `dbs` at once, in `processes` worker processes."""
    for db in dbs:
        asyncio.run(_create(db, WAITING, bench_office(counters)))
    groups = [dbs[i::processes] for i in range(min(processes, len(dbs)))]
    procs = []
    outs = []
    for n, group in enumerate(groups):
        job = folder / f"job{n}.json"
        out = folder / f"out{n}.json"
        outs.append(out)
        job.write_text(json.dumps({
            "seed": seed + n, "seconds": seconds, "interval": interval, "out": str(out),
            "offices": [{"url": u, "counters": counters, "kiosks": kiosks} for u in group]}))
        procs.append(subprocess.Popen([sys.executable, "-m", "kcc_tui.bench.offices", "worker",
                                       str(job)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True))
    try:
        for p in procs:  # every terminal open before any starts
            assert p.stdout is not None
            if p.stdout.readline().strip() != "ready":
                raise StoreError(f"a worker of `kcc bench offices` failed (exit {p.wait()})")
        start = time.time() + 0.5
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(f"{start}\n")
            p.stdin.close()
        time.sleep(max(0.0, start - time.time()))
        before = cpu_ticks()
        codes = [p.wait() for p in procs]
        after = cpu_ticks()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    if any(codes):
        raise StoreError(f"a worker of `kcc bench offices` failed (exits {codes})")
    figures: dict[str, Any] = {}
    for out in outs:
        figures.update(json.loads(out.read_text()))
    r = Round(len(dbs), seconds)
    if before and after and after[1] > before[1]:
        r.cpu = 1 - (after[0] - before[0]) / (after[1] - before[1])
    acks = folder / "acks"  # the terminals keep no acknowledgement files: nothing to look up
    acks.mkdir(exist_ok=True)
    for db in dbs:
        r.rates.append(figures[db]["commands"] / seconds)
        r.calls.append(figures[db]["calls"])
        outcome = Outcome("PostgreSQL")
        asyncio.run(check_log(db, acks, outcome))
        r.checks.append(outcome)
    return r


def run(url: str, offices: int = 20, terminals: int = 12, seconds: float = 30.0,
        interval: float = 1.0, processes: int = 4, seed: int = 11,
        print_row: Callable[[str], None] = print) -> list[Round]:
    """One office alone, then `offices` offices at once, on the server of `url` (a database
    each, made and dropped here; the user may create databases). Prints the figures; returns
    both rounds."""
    counters, kiosks = split(terminals)
    made: list[str] = []

    def fresh(name: str) -> str:
        db = f"kcc_offices_{os.getpid()}_{name}"
        made.append(db)
        return asyncio.run(create_database(url, db))

    try:
        with tempfile.TemporaryDirectory() as tmp:
            alone = _round([fresh("alone")], counters, kiosks, seconds, interval, 1,
                           Path(tmp), seed)
            together = _round([fresh(f"o{i}") for i in range(1, offices + 1)], counters,
                              kiosks, seconds, interval, processes, Path(tmp), seed)
    finally:
        for db in made:
            with contextlib.suppress(StoreError):
                asyncio.run(drop_database(url, db))
    pace = (f"one command per terminal every {interval:g} s" if interval else
            "every terminal back to back")
    print_row(f"{terminals} terminals per office ({counters} counters + {kiosks} "
              f"kiosk{'s' if kiosks > 1 else ''}, "
              f"each its own store), {pace}, {seconds:g} s; {WAITING} waiting at the start")
    width = 44
    print_row(f"{'':<{width}}{'CPU busy':<10}{'commands/s per office':<36}call-next")
    for label, r in (("1 office alone (1 process)", alone),
                     (f"{offices} offices at once ({min(processes, offices)} processes)",
                      together)):
        cpu = "—" if r.cpu is None else f"{r.cpu:.0%}"
        print_row(f"{label:<{width}}{cpu:<10}{r.rate_text():<36}{r.call_text()}")
    print_row(f"(CPU busy: the whole machine's, {os.cpu_count()} CPUs, the server and the "
              "terminals and anything else running)")
    checks = alone.checks + together.checks
    problems = [p for c in checks for p in c.problems]
    print_row(f"checks of {len(checks)} offices' logs: "
              f"{sum(c.issued for c in checks)} numbers issued, duplicate "
              f"{sum(c.duplicate_numbers for c in checks)}, skipped "
              f"{sum(c.skipped_numbers for c in checks)}, double calls "
              f"{sum(c.double_calls for c in checks)}; read models = a rebuild: "
              f"{'yes' if not problems else '; '.join(problems)}")
    return [alone, together]


def cpu_ticks() -> tuple[int, int] | None:
    """(idle, total) CPU ticks of the machine since boot (Linux), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return ticks[3] + ticks[4], sum(ticks)


def connections(offices: int, terminals: int) -> int:
    """The server's max_connections for a run: each store holds two (commands, change feed),
    plus the checks, the admin connection and a margin."""
    return math.ceil(offices * terminals * 2 * 1.1) + 50


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    if role == "worker":
        asyncio.run(worker(args[0]))
