"""12 processes (8 counters, 4 kiosks) pressing back to back on one store, with SIGKILLs of
clients and immediate restarts of the database server in the middle, then the log is checked:
no duplicate or skipped number, no double call, no acknowledged command lost, read models
equal to a rebuild. On either engine (`kcc bench contention`; the crash test runs a short one).

Each worker writes a line per command it was told was committed ("acknowledged") to a file of
its own, after the commit: a line there whose event is not in the log is a lost command.
Workers are real processes: `python -m kcc_tui.bench.contention ROLE TARGET ACKS SEED [POST]`.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import commands as C
from ..domain.events import Event
from ..store import EventStore, StoreError, create_store, open_store
from .store import bench_office

COUNTERS = tuple(f"p{i}" for i in range(1, 9))
KIOSKS = tuple(f"k{i}" for i in range(1, 5))


async def _opened(target: str) -> EventStore:
    """Open the store, waiting for a server that is restarting."""
    while True:
        try:
            return await open_store(target, bench_office()).open()
        except StoreError:
            await asyncio.sleep(0.1)


def _ack(fd: int, events: list[Event]) -> None:
    os.write(fd, "".join(f"{e.seq} {e.type} {e.data.get('number', '-')}\n"
                         for e in events).encode())


async def kiosk(target: str, acks: str, seed: int) -> None:
    rnd = random.Random(seed)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    store = await _opened(target)
    while True:
        try:
            _ack(fd, await store.execute(C.IssueTicket(rnd.choice(["eid", "rijbewijs",
                                                                   "attesten"])), "kiosk"))
        except StoreError:
            await asyncio.sleep(0.05)  # the server is away: the store reconnects by itself
        except C.Refused:
            await asyncio.sleep(0.01)


async def counter(target: str, acks: str, seed: int, post: str) -> None:
    rnd = random.Random(seed)
    staff = "s" + post[1:]
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    store = await _opened(target)
    while True:
        p = store.state.post(post)
        cur = store.state.tickets.get(p.current) if p.current else None
        cmd: C.Command
        if not (p.open and p.staff == staff):
            cmd = C.OpenPost(post, staff, True)  # else: resumed after a kill
        elif cur is None:
            cmd = C.CallNext(post)
        elif cur.status == "called":
            r = rnd.random()
            cmd = C.NoShow(post) if r < 0.1 else C.Requeue(post) if r < 0.15 else C.Start(post)
        else:
            cmd = C.Finish(post)
        try:
            _ack(fd, await store.execute(cmd, staff))
        except StoreError:
            await asyncio.sleep(0.05)
        except C.Refused:
            await asyncio.sleep(0.005)  # nothing waiting


@dataclass
class Outcome:
    engine: str
    events: int = 0
    seconds: float = 0.0
    issued: int = 0
    acknowledged: int = 0
    kills: int = 0
    restarts: int = 0
    duplicate_numbers: int = 0
    skipped_numbers: int = 0
    double_calls: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.engine}: {self.events} commands in {self.seconds:.0f} s "
                f"({self.events / max(self.seconds, 1e-9):.0f}/s) by 12 processes, "
                f"{self.issued} numbers issued, {self.kills} kill -9 of clients, "
                f"{self.restarts} server restarts; duplicate numbers {self.duplicate_numbers}, "
                f"skipped {self.skipped_numbers}, double calls {self.double_calls}, "
                f"lost acknowledged commands {self.lost} (of {self.acknowledged}); "
                f"problems: {'; '.join(self.problems) or 'none'}")


def _spawn(role: str, target: str, acks: Path, seed: int,
           post: str = "") -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "kcc_tui.bench.contention", role, target, str(acks),
            str(seed), *([post] if post else [])]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(target: str | Path, folder: Path, commands: int, kills: int = 0, restarts: int = 0,
        restart: Callable[[], None] | None = None, seed: int = 5,
        progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Run until the log holds `commands` events; `kills` SIGKILLs of clients (restarted at
    once; counters resume) and `restarts` server restarts (`restart()`) spread over the run.
    Then check the log."""
    out = Outcome("PostgreSQL" if isinstance(target, str) else "SQLite")
    asyncio.run(create_store(target, bench_office()))
    rnd = random.Random(seed)
    acks = folder / "acks"
    acks.mkdir(exist_ok=True)
    names = {**{c: ("counter", c) for c in COUNTERS}, **{k: ("kiosk", "") for k in KIOSKS}}
    procs = {n: _spawn(role, str(target), acks / f"{n}.txt", i, post)
             for i, (n, (role, post)) in enumerate(names.items())}
    kill_at = sorted(rnd.uniform(0.05, 0.95) * commands for _ in range(kills))
    restart_at = [commands * (i + 1) / (restarts + 1) for i in range(restarts)]
    t0 = time.perf_counter()
    try:
        asyncio.run(_drive(target, commands, kill_at, restart_at, procs, names, acks, out, rnd,
                           restart, progress))
    finally:
        out.seconds = time.perf_counter() - t0
        for p in procs.values():
            p.send_signal(signal.SIGKILL)
            p.wait()
    asyncio.run(check_log(target, acks, out))
    return out


async def _drive(target: str | Path, commands: int, kill_at: list[float],
                 restart_at: list[float], procs: dict[str, subprocess.Popen[bytes]],
                 names: dict[str, tuple[str, str]], acks: Path, out: Outcome,
                 rnd: random.Random, restart: Callable[[], None] | None,
                 progress: Callable[[int, int], None] | None) -> None:
    watcher = await _opened(str(target))
    seq = 0
    try:
        while seq < commands:
            await asyncio.sleep(0.2)
            try:
                await watcher.poll()
                seq = watcher.state.seq
            except StoreError:
                continue
            if progress is not None:
                progress(min(seq, commands), commands)
            while kill_at and seq >= kill_at[0]:
                kill_at.pop(0)
                name = rnd.choice(sorted(procs))
                procs[name].send_signal(signal.SIGKILL)
                procs[name].wait()
                role, post = names[name]
                procs[name] = _spawn(role, str(target), acks / f"{name}.txt",
                                     rnd.randrange(10**6), post)
                out.kills += 1
            if restart_at and seq >= restart_at[0] and restart is not None:
                restart_at.pop(0)
                await asyncio.to_thread(restart)
                out.restarts += 1
    finally:
        await watcher.close()


async def check_log(target: str | Path, acks: Path, out: Outcome) -> None:
    """The checks of the log at `target` into `out`: duplicate and skipped numbers, double
    calls, the acknowledged commands of the files in `acks` that it lacks, read models."""
    store = await _opened(str(target))
    try:
        log: list[Event] = []
        while batch := await store.events(log[-1].seq if log else 0, 20_000):
            log += batch
        out.events = len(log)
        by_seq = {e.seq: e for e in log}
        numbers: dict[tuple[str, object], list[int]] = defaultdict(list)
        for e in log:
            if e.type == "ticket_issued":
                numbers[(e.data["service"], e.day)].append(e.data["n"])
        out.issued = sum(len(v) for v in numbers.values())
        for ns in numbers.values():
            seen = Counter(ns)
            out.duplicate_numbers += sum(c - 1 for c in seen.values())
            out.skipped_numbers += len(set(range(1, max(ns) + 1)) - set(ns))
        calls = Counter(e.data["number"] for e in log if e.type == "ticket_called")
        back = Counter(e.data["number"] for e in log if e.type == "ticket_requeued")
        out.double_calls = sum(max(0, calls[n] - back[n] - 1) for n in calls)
        for path in acks.glob("*.txt"):
            for line in path.read_text().splitlines():
                parts = line.split()
                if len(parts) != 3:
                    continue  # a line cut by the kill: never acknowledged to anyone
                out.acknowledged += 1
                e = by_seq.get(int(parts[0]))
                if e is None or e.type != parts[1] or str(e.data.get("number", "-")) != parts[2]:
                    out.lost += 1
        out.problems += await store.check()
    finally:
        await store.close()


if __name__ == "__main__":
    role, target, ack_file, seed_text, *rest = sys.argv[1:]
    if role == "kiosk":
        asyncio.run(kiosk(target, ack_file, int(seed_text)))
    else:
        asyncio.run(counter(target, ack_file, int(seed_text), rest[0]))
