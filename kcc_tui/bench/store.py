"""`kcc bench store`: figures for the store contract, printed, never asserted.

1. commands/s of the issue → call → finish cycle next to raw aiosqlite appends (same run);
2. call-next latency with 8 counter and 4 kiosk processes pressing at once (and without the
   flock, and saturated);
3. change-feed latency to another process;
4. start-up of a process on a database holding a year of history (~1.25 M events).

Workers are real processes: `python -m kcc_tui.bench.store ROLE ...`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..domain import commands as C
from ..domain.clock import iso
from ..domain.office import Office, Post, Service, Staff
from ..store import (
    EventStore,
    Store,
    StoreError,
    StoreLocked,
    create_database,
    create_store,
    drop_database,
    is_url,
    open_store,
)
from ..store.connection import connect


def bench_office(posts: int = 8) -> Office:
    svc = {c: Service(code=c, prefix=p, names={"nl": c}, target_wait_min=15, mean_service_min=8)
           for c, p in [("eid", "A"), ("rijbewijs", "B"), ("attesten", "D")]}
    every = {c: 1.0 for c in svc}
    return Office(
        name="bench", services=svc,
        posts={f"p{i}": Post(id=f"p{i}", name=f"Loket {i}", services=every)
               for i in range(1, posts + 1)},
        staff={f"s{i}": Staff(id=f"s{i}", name=f"S{i}", pin_hash="-")
               for i in range(1, posts + 1)},
    )


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))] if s else float("nan")


def fmt_ms(xs: list[float]) -> str:
    if not xs:
        return "no samples"
    return (f"p50 {pct(xs, 50) * 1000:.1f} ms, p99 {pct(xs, 99) * 1000:.1f} ms, "
            f"max {max(xs) * 1000:.1f} ms (n={len(xs)})")


# -- 1. throughput ---------------------------------------------------------------------------------
async def throughput(folder: Path, cycles: int, rounds: int = 5) -> tuple[float, float]:
    """(store commands/s, raw appends/s), measured in alternating rounds so that both see the
    same disk: fsync times drift by a factor of two over a minute on a shared machine."""
    office = bench_office(1)
    await create_store(folder / "raw.db", office)  # same schema and pragmas
    db = await connect(folder / "raw.db")
    data = json.dumps({"number": "A001", "n": 1, "service": "eid", "lang": "nl",
                       "priority": False})
    per = max(1, cycles // rounds)
    store_s = raw_s = 0.0
    version = 0
    async with Store(folder / "cycle.db", office, create=True) as store:
        await store.execute(C.OpenPost("p1", "s1", True))
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(per):
                await store.execute(C.IssueTicket("eid"))
                await store.execute(C.CallNext("p1"), "s1")
                await store.execute(C.Finish("p1"), "s1")
            store_s += time.perf_counter() - t0
            t0 = time.perf_counter()
            for _ in range(3 * per):
                version += 1
                await db.execute("BEGIN IMMEDIATE")
                await db.execute(
                    "INSERT INTO events (stream, version, type, at, day, actor, data) "
                    "VALUES (?, ?, 'ticket_issued', ?, '2026-01-01', 'bench', ?)",
                    ("raw", version, iso(datetime.now(UTC)), data))
                await db.execute("COMMIT")
            raw_s += time.perf_counter() - t0
    await db.close()
    return 3 * per * rounds / store_s, 3 * per * rounds / raw_s


# -- 2. call-next latency under contention ------------------------------------------------------
# Two loads. "at once": every 100 ms all 8 counters press call-next and all 4 kiosks issue a
# ticket at the same instant, the moment the issue's goal describes; half a period later the
# counters finish and the kiosks issue again, so the queue keeps its starting length (40).
# "saturated": every process presses again as soon as its last command returns (some thousand
# times a real office's peak), to show where the store runs out of breath. The run "at once"
# without the flock shows what the flock is for: SQLite's busy back-off sleeps.
PERIOD_S = 0.1


async def retry(store: EventStore, cmd: C.Command, actor: str) -> None:
    """Run a command, waiting out a store locked past its busy timeout."""
    while True:
        try:
            await store.execute(cmd, actor)
            return
        except StoreLocked:
            await asyncio.sleep(0.005)


def _opened(db: str, mode: str) -> EventStore:
    """The store for a worker: `mode` is flock / no-flock (SQLite's writer queue) or, on
    PostgreSQL, lock (the advisory lock) / serializable (SERIALIZABLE with retry)."""
    if is_url(db):
        return open_store(db, bench_office(), serializable=mode == "serializable")
    return open_store(db, bench_office(), use_flock=mode == "flock")


async def _at(t: float) -> None:
    await asyncio.sleep(max(0.0, t - time.time()))


async def kiosk_worker(db: str, seconds: float, seed: int, start: float, burst: bool,
                       mode: str) -> None:
    rnd = random.Random(seed)
    async with _opened(db, mode) as store:
        await _at(start)
        for k in itertools.count():
            if time.time() >= start + seconds:
                break
            if burst:
                await _at(start + k * PERIOD_S / 2)
            await retry(store, C.IssueTicket(rnd.choice(["eid", "rijbewijs", "attesten"])), "k")
            if not burst:
                await asyncio.sleep(rnd.uniform(0.0, 0.02))


async def counter_worker(db: str, post: str, seconds: float, out: str, start: float,
                         burst: bool, mode: str) -> None:
    lat: list[float] = []
    staff = "s" + post[1:]
    async with _opened(db, mode) as store:
        await retry(store, C.OpenPost(post, staff, True), staff)
        await _at(start)
        for k in itertools.count():
            if time.time() >= start + seconds:
                break
            if burst:
                await _at(start + k * PERIOD_S)
            t0 = time.perf_counter()
            try:
                await store.execute(C.CallNext(post), staff)
            except C.Refused:
                await asyncio.sleep(0.01)
                continue
            lat.append(time.perf_counter() - t0)
            if burst:
                await _at(start + (k + 0.5) * PERIOD_S)
            await retry(store, C.Finish(post), staff)
    Path(out).write_text(json.dumps(lat))


def contention(folder: Path, seconds: float, burst: bool, flock: bool = True,
               db: str | Path | None = None, lock: str = "lock") -> list[float]:
    """Call-next latencies of 8 counter processes while 4 kiosk processes issue tickets (on a
    fresh SQLite file in `folder`, or on the fresh PostgreSQL database `db`, `lock` saying
    how writers are serialised there)."""
    if db is None:
        db = folder / f"contention-{int(burst)}{int(flock)}.db"
        db.unlink(missing_ok=True)
    asyncio.run(_create(db, waiting=40 if burst else 0))
    me = [sys.executable, "-m", "kcc_tui.bench.store"]
    start = str(time.time() + 1.5)  # every process open and waiting by then
    mode = ["burst" if burst else "saturated",
            lock if is_url(db) else "flock" if flock else "no-flock"]
    outs = [folder / f"lat{i}.json" for i in range(1, 9)]
    procs = [subprocess.Popen([*me, "counter", str(db), f"p{i}", str(seconds), str(outs[i - 1]),
                               start, *mode]) for i in range(1, 9)]
    procs += [subprocess.Popen([*me, "kiosk", str(db), str(seconds), str(i), start, *mode])
              for i in range(4)]
    for p in procs:
        p.wait()
    lat = [x for o in outs if o.exists() for x in json.loads(o.read_text())]
    for o in outs:
        o.unlink(missing_ok=True)
    return lat


async def _create(db: str | Path, waiting: int = 0, office: Office | None = None) -> None:
    office = office or bench_office()
    await create_store(db, office)
    if waiting:
        async with open_store(db, office) as store:
            for i in range(waiting):
                await store.execute(C.IssueTicket(("eid", "rijbewijs", "attesten")[i % 3]), "k")


# -- 3. change feed ----------------------------------------------------------------------------
async def feed_writer(db: str, n: int, out: str) -> None:
    stamps = {}
    async with open_store(db, bench_office()) as store:
        await asyncio.sleep(0.5)  # let the reader start polling
        for _ in range(n):
            (e,) = await store.execute(C.IssueTicket("eid"), "w")
            stamps[e.seq] = time.time()
            await asyncio.sleep(random.uniform(0.005, 0.03))
    Path(out).write_text(json.dumps(stamps))


async def feed_latency(folder: Path, n: int, db: str | Path | None = None) -> list[float]:
    db = db or folder / "feed.db"
    await _create(db)
    out = folder / "feed.json"
    seen: dict[int, float] = {}
    async with open_store(db, bench_office()) as reader:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kcc_tui.bench.store", "writer", str(db), str(n), str(out))
        while len(seen) < n:
            for e in await reader.poll():
                seen[e.seq] = time.time()
            await asyncio.sleep(0.05)  # the apps' poll interval
        await proc.wait()
    written = {int(k): v for k, v in json.loads(out.read_text()).items()}
    return [seen[s] - written[s] for s in written if s in seen]


# -- 4. start-up on a year of history ----------------------------------------------------------
def year_db(path: Path, days: int = 250, tickets_per_day: int = 1240) -> int:
    """Write a year of synthetic history straight into the log (~5 events per ticket)."""
    asyncio.run(_create(path))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # bulk load only; the store never does this
    seq = 0
    day = date.today() - timedelta(days=int(days * 7 / 5) + 1)
    rows: list[tuple[object, ...]] = []
    for _ in range(days):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
        for i in range(1, tickets_per_day + 1):
            num = f"A{i:03d}"
            at = start + timedelta(seconds=i * 20)
            rows.append((f"numbering:eid:{day}", i, "ticket_issued", iso(at), str(day), "k",
                         json.dumps({"number": num, "n": i, "service": "eid", "lang": "nl",
                                     "priority": False})))
            for v, (t, extra) in enumerate([("ticket_called", {"staff": "s1"}),
                                            ("ticket_started", {}),
                                            ("ticket_finished", {"outcome": "done",
                                                                 "topics": []})], 1):
                rows.append((f"ticket:{day}:{num}", v, t, iso(at + timedelta(minutes=v)),
                             str(day), "s1", json.dumps({"number": num, "post": "p1", **extra})))
        seq += len(rows)
        conn.executemany("INSERT INTO events (stream, version, type, at, day, actor, data) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        rows.clear()
        day += timedelta(days=1)
    conn.commit()
    conn.close()
    return seq


def startup(path: Path) -> tuple[float, float]:
    """(whole process, import+open+fold inside it) seconds for a fresh process."""
    code = ("import asyncio,time,sys;t0=time.perf_counter();"
            "from kcc_tui.store import Store;from kcc_tui.bench.store import bench_office;"
            "s=Store(sys.argv[1],bench_office());asyncio.run(s.open());"
            "print(time.perf_counter()-t0);asyncio.run(s.close())")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True)
    return time.perf_counter() - t0, float(out.stdout)


def run(cycles: int = 500, seconds: float = 20.0, feed_n: int = 300,
        year: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cmd_rate, raw_rate = asyncio.run(throughput(folder, cycles))
        print(f"throughput: {cmd_rate:.0f} commands/s (issue→call→finish) vs raw aiosqlite "
              f"appends {raw_rate:.0f}/s = {100 * cmd_rate / raw_rate:.0f} % of raw "
              "(goal ≥ 50 %)")
        for burst, flock, label in [(True, True, "8 counters + 4 kiosks pressing at once"),
                                    (True, False, "the same without the flock"),
                                    (False, True, "saturated, pressing back to back")]:
            lat = contention(folder, seconds, burst, flock)
            goal = " (goal p99 ≤ 20 ms)" if burst and flock else ""
            print(f"call-next latency, {label}, {seconds:.0f} s: {fmt_ms(lat)}{goal}")
        feed = asyncio.run(feed_latency(folder, feed_n))
        print(f"change feed to another process (50 ms poll): {fmt_ms(feed)}")
    path = year or Path(tempfile.gettempdir()) / "kcc-bench-year.db"
    if not path.exists():
        t0 = time.perf_counter()
        n = year_db(path)
        print(f"(wrote {n} events of history to {path} in {time.perf_counter() - t0:.0f} s)")
    events = sqlite3.connect(path).execute("SELECT count(*) FROM events").fetchone()[0]
    times = [startup(path) for _ in range(3)]
    print(f"start-up on {events} events ({os.path.getsize(path) / 1e6:.0f} MB): whole process "
          f"best {min(t[0] for t in times):.2f} s / worst {max(t[0] for t in times):.2f} s; "
          f"import+open+fold {min(t[1] for t in times):.2f} s")


# -- side by side: SQLite and PostgreSQL ------------------------------------------------------
async def cycle_rate(db: str | Path, cycles: int) -> float:
    """issue → call → finish commands/s of one process."""
    office = bench_office(1)
    await create_store(db, office)
    async with open_store(db, office) as store:
        await store.execute(C.OpenPost("p1", "s1", True))
        t0 = time.perf_counter()
        for _ in range(cycles):
            await store.execute(C.IssueTicket("eid"))
            await store.execute(C.CallNext("p1"), "s1")
            await store.execute(C.Finish("p1"), "s1")
        return 3 * cycles / (time.perf_counter() - t0)


async def _events(db: str | Path) -> int:
    async with open_store(db, bench_office()) as store:
        return store.state.seq


def compare(url: str, cycles: int = 500, seconds: float = 20.0, feed_n: int = 300,
            print_row: Callable[[str], None] = print) -> None:
    """The store figures on SQLite (a temporary file) and on the PostgreSQL server of `url`
    (a fresh database per measurement, dropped afterwards), in one table."""
    made: list[str] = []

    def fresh(folder: Path, engine: str, name: str) -> str | Path:
        if engine == "sqlite":
            return folder / f"{name}.db"
        db = f"kcc_bench_{os.getpid()}_{name}"
        made.append(db)
        return asyncio.run(create_database(url, db))

    rows: dict[str, dict[str, str]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for engine in ("sqlite", "postgresql"):
                def put(label: str, value: str, engine: str = engine) -> None:
                    rows.setdefault(label, {})[engine] = value

                rate = asyncio.run(cycle_rate(fresh(folder, engine, "cycle"), cycles))
                put("issue→call→finish, 1 process", f"{rate:.0f} commands/s")
                db = fresh(folder, engine, "burst")
                lat = contention(folder, seconds, True, db=db)
                put("call-next, 8 counters + 4 kiosks at once",
                    f"p50 {pct(lat, 50) * 1000:.1f} / p99 {pct(lat, 99) * 1000:.1f} ms")
                modes = ["lock", "serializable"] if engine == "postgresql" else ["lock"]
                for lock in modes:
                    db = fresh(folder, engine, f"sat_{lock}")
                    lat = contention(folder, seconds, False, db=db, lock=lock)
                    n = asyncio.run(_events(db))
                    label = ("saturated, 12 processes" if lock == "lock" else
                             "saturated, SERIALIZABLE + retry (no advisory lock)")
                    put(f"call-next, {label}",
                        f"p50 {pct(lat, 50) * 1000:.1f} / p99 {pct(lat, 99) * 1000:.1f} ms")
                    put(f"commands/s, {label}", f"{n / seconds:.0f}")
                feed = asyncio.run(feed_latency(folder, feed_n, fresh(folder, engine, "feed")))
                put("change feed to another process (goal p99 ≤ 100 ms)",
                    f"p50 {pct(feed, 50) * 1000:.1f} / p99 {pct(feed, 99) * 1000:.1f} ms")
    finally:
        for db in made:
            try:
                asyncio.run(drop_database(url, db))
            except StoreError:
                pass
    width = max(len(k) for k in rows) + 2
    print_row(f"{'':<{width}}{'SQLite':<26}PostgreSQL")
    for label, by in rows.items():
        print_row(f"{label:<{width}}{by.get('sqlite', '—'):<26}{by.get('postgresql', '—')}")


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    if role == "kiosk":
        db, secs, seed, start, mode, lock = args
        asyncio.run(kiosk_worker(db, float(secs), int(seed), float(start), mode == "burst",
                                 lock))
    elif role == "counter":
        db, post, secs, out, start, mode, lock = args
        asyncio.run(counter_worker(db, post, float(secs), out, float(start), mode == "burst",
                                   lock))
    elif role == "writer":
        asyncio.run(feed_writer(args[0], int(args[1]), args[2]))
