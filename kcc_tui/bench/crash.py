"""Kill real kcc processes with SIGKILL at random moments, then check the store.

Used by the crash test (a few dozen kills) and by `kcc bench crash` (hundreds). Counters that
restart take up their open session and current ticket, as the counter app does.
Workers are real processes: `python -m kcc_tui.bench.crash ROLE DB ...`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
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

from ..config.settings import Settings
from ..domain import commands as C
from ..domain.events import Event
from ..domain.office import Office
from ..store import Store, StoreError, StoreLocked, create_store
from ..store.common import SELECT_EVENTS, row_to_event
from .store import bench_office
from .store import retry as _retry

POSTS = ("p1", "p2", "p3")


async def counter(db: str, post: str, seed: int, office: Office | None = None,
                  staff: str | None = None) -> None:
    rnd = random.Random(seed)
    staff = staff or "s" + post[1:]
    async with Store(db, office or bench_office()) as store:
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


async def kiosk(db: str, seed: int, office: Office | None = None,
                services: tuple[str, ...] = ("eid", "rijbewijs")) -> None:
    rnd = random.Random(seed)
    async with Store(db, office or bench_office()) as store:
        while True:
            try:
                (e,) = await store.execute(C.IssueTicket(rnd.choice(services)), "kiosk")
            except StoreLocked:
                await asyncio.sleep(0.005)
                continue
            if office is not None:
                _ack(ticket=e.data["number"])
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
    events = _log_invariants(db, bad)
    out.events = len(events)
    issued = [e for e in events if e.type == "ticket_issued"]
    out.tickets = len(issued)
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


# -- the same with the apps themselves (Textual processes, driven by Pilot) ----------------------
APP_COUNTERS = {"loket1": ("an", "1111"), "loket2": ("bart", "2222")}  # the example office


def app_settings() -> Settings:
    """The example office, open around the clock; its kiosk prints on a dummy printer and
    returns to the start at once."""
    from printers.settings import PrinterSettings

    from ..config import example_path, load_settings
    from ..domain.office import OpeningHours

    settings = load_settings(example_path())
    office = settings.office.model_copy(update={"hours": OpeningHours()})
    kiosks = {k: v.model_copy(update={"confirm_seconds": 1}) for k, v in settings.kiosks.items()}
    printers = {k: PrinterSettings(transport="dummy") for k in settings.printers}
    return settings.model_copy(update={"office": office, "kiosks": kiosks,
                                       "printers": printers})


def _ack(**what: object) -> None:
    """One whole line on the real stdout (Textual redirects print() while an app runs)."""
    os.write(1, (json.dumps(what) + "\n").encode())


async def kiosk_app(db: str, seed: int) -> None:
    """The kiosk app, a citizen pressing a service every so often; each ticket it committed is
    acknowledged on stdout (the screen showed it)."""
    from ..apps.kiosk import build_app

    rnd = random.Random(seed)
    app = build_app(app_settings(), db=db, kiosk_id="onthaal", debounce_s=0.0)
    async with app.run_test(headless=True) as pilot:
        while app.store is None:
            await pilot.pause(0.02)
        _ack(started="kiosk")
        seen: set[str] = set(app.store.state.tickets)
        while True:
            app.request_ticket(rnd.choice(["eid", "afhalen", "attesten"]))
            await pilot.pause(rnd.uniform(0.02, 0.1))
            for number in [n for n in app.timings if n not in seen]:
                seen.add(number)
                _ack(ticket=number, app="kiosk")


async def counter_app(db: str, post: str, seed: int) -> None:
    """The counter app: log in (resuming the open session), then call and finish."""
    from ..apps.counter import build_app
    from ..domain import commands as C

    rnd = random.Random(seed)
    staff, pin = APP_COUNTERS[post]
    app = build_app(app_settings(), db=db, post_id=post)
    async with app.run_test(headless=True) as pilot:
        while app.store is None:
            await pilot.pause(0.02)
        p = app.store.state.posts.get(post)
        resumed = p is not None and p.open and p.staff == staff
        while await app.login(staff, pin) is not None:
            await pilot.pause(0.05)
        _ack(resumed=post) if resumed else _ack(opened=post)
        while True:
            current = app.current_ticket()
            await app.act(C.Finish(post) if current is not None else C.CallNext(post))
            await pilot.pause(rnd.uniform(0.01, 0.05))


async def display_app(db: str) -> None:
    from ..apps.display import build_app

    app = build_app(app_settings(), db=db, display_id="wachtzaal")
    async with app.run_test(headless=True) as pilot:
        _ack(started="display")
        while True:
            await pilot.pause(0.5)


# The apps, and store workers beside them (counters and kiosks that are not apps: the CLI,
# a script) on the same example office. name -> role and its arguments.
ROLES = {"w-k1": ["kiosk-ex"], "w-k2": ["kiosk-ex"], "w-loket3": ["counter-ex", "loket3"],
         "w-loket4": ["counter-ex", "loket4"], "kiosk": ["kiosk-app"],
         "loket1": ["counter-app", "loket1"], "display": ["display-app"]}
APP_NAMES = ("kiosk", "loket1", "display")
WORKER_STAFF = {"loket3": "els", "loket4": "youssef"}


@dataclass
class AppOutcome:
    kills: int
    app_kills: int = 0
    acknowledged: int = 0  # tickets whose number a kiosk (app or worker) had been given
    by_kiosk_app: int = 0  # ... of which the kiosk app's
    counter_resumes: int = 0  # a killed counter app that came back took up its session
    tickets: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)


def zygote(db: str, acks: str) -> None:
    """Import everything once, then fork a process per `ROLE ARGS` line on stdin and answer
    its pid: a Textual app starts in milliseconds instead of seconds, so hundreds of kills fit
    in a minute. The children write their acknowledgements to `acks` (appended, one line per
    write) and run until killed."""
    from ..apps import counter as _counter  # noqa: F401  (imported before the forks)
    from ..apps import display as _display  # noqa: F401
    from ..apps import kiosk as _kiosk  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the killed children
    for line in sys.stdin:
        role, *args = line.split()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.dup2(fd, 1)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            try:
                _run_role(role, db, args)
            finally:
                os._exit(0)
        print(pid, flush=True)


def run_apps(db: Path, kills: int, seed: int = 11, pause: tuple[float, float] = (0.05, 0.25),
             app_gap: tuple[float, float] = (0.5, 4.0)) -> AppOutcome:
    """Kill the apps (kiosk, counter, the display: Textual processes driven by Pilot) and
    store workers at random moments; then: every acknowledged ticket in the log, numbers
    gap-free, no ticket called twice, counters resumed, and every reader works."""
    settings = app_settings()
    asyncio.run(create_store(db, settings.office))
    rnd = random.Random(seed)
    acks = db.with_name("acks.jsonl")
    zyg = subprocess.Popen([sys.executable, "-m", "kcc_tui.bench.crash", "zygote", str(db),
                            str(acks)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert zyg.stdin is not None and zyg.stdout is not None

    def spawn(name: str, i: int) -> int:
        role, *rest = ROLES[name]
        zyg.stdin.write(" ".join([role, *rest, str(i)]) + "\n")  # type: ignore[union-attr]
        zyg.stdin.flush()  # type: ignore[union-attr]
        return int(zyg.stdout.readline())  # type: ignore[union-attr]

    pids = {name: spawn(name, i) for i, name in enumerate(ROLES)}
    out = AppOutcome(kills)
    try:
        # The apps are killed every `app_gap` seconds (so that some get to work: they take a
        # moment to mount), the store workers in between.
        next_app = time.monotonic() + rnd.uniform(*app_gap)
        for i in range(kills):
            time.sleep(rnd.uniform(*pause))
            if time.monotonic() >= next_app:
                name = rnd.choice(APP_NAMES)
                next_app = time.monotonic() + rnd.uniform(*app_gap)
            else:
                name = rnd.choice([n for n in pids if n not in APP_NAMES])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pids[name], signal.SIGKILL)
            out.app_kills += name in APP_NAMES
            pids[name] = spawn(name, 100 + i)
        time.sleep(1.0)
    finally:
        for pid in pids.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        zyg.kill()
        zyg.wait()
    time.sleep(0.2)
    lines = []
    with contextlib.suppress(OSError):
        for line in acks.read_text().splitlines():
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
    _check_apps(db, settings, lines, out)
    return out


def _log_invariants(db: Path, bad: Callable[[str], None]) -> list[Event]:
    """The log's own invariants: an intact file, gap-free numbers, no ticket called twice, no
    event naming a ticket before it was issued. Returns the events."""
    with sqlite3.connect(db) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            bad("integrity check failed")
        events = [row_to_event(r) for r in conn.execute(SELECT_EVENTS)]
    numbers: dict[str, list[int]] = defaultdict(list)
    known: set[str] = set()
    for e in events:
        if e.type == "ticket_issued":
            numbers[e.data["service"]].append(e.data["n"])
            known.add(e.data["number"])
        elif "number" in e.data and e.data["number"] not in known:
            bad(f"event #{e.seq} names {e.data['number']}, never issued")
    if any(sorted(ns) != list(range(1, len(ns) + 1)) for ns in numbers.values()):
        bad("ticket numbers have a gap or a duplicate")
    calls = Counter(e.data["number"] for e in events if e.type == "ticket_called")
    if calls and max(calls.values()) > 1:
        bad("a ticket was called twice")
    return events


def _check_apps(db: Path, settings: Settings, acks: list[dict[str, object]],
                out: AppOutcome) -> None:
    bad = out.problems.append
    events = _log_invariants(db, bad)
    out.events = len(events)
    issued = [e for e in events if e.type == "ticket_issued"]
    out.tickets = len(issued)
    acked = {str(a["ticket"]) for a in acks if "ticket" in a}
    out.acknowledged = len(acked)
    out.by_kiosk_app = sum(1 for a in acks if a.get("app") == "kiosk")
    out.counter_resumes = sum(1 for a in acks if a.get("resumed") == "loket1")
    lost = acked - {e.data["number"] for e in issued}
    if lost:
        bad(f"{len(lost)} acknowledged tickets are not in the log: {sorted(lost)[:5]}")
    opened = Counter(e.data["post"] for e in events if e.type == "post_opened")
    if any(n > 1 for n in opened.values()):
        bad("a counter app opened its post again instead of resuming")
    asyncio.run(_readers(db, settings, out))


async def _readers(db: Path, settings: Settings, out: AppOutcome) -> None:
    try:
        async with Store(db, settings.office) as store:
            out.problems += await store.check()
            await store.events(0, 1_000_000)
    except StoreError as e:
        out.problems.append(f"a reader failed: {e}")


def _run_role(role: str, db: str, args: list[str]) -> None:
    if role == "counter":
        asyncio.run(counter(db, args[0], int(args[1])))
    elif role == "kiosk":
        asyncio.run(kiosk(db, int(args[0])))
    elif role == "kiosk-app":
        asyncio.run(kiosk_app(db, int(args[0])))
    elif role == "counter-app":
        asyncio.run(counter_app(db, args[0], int(args[1])))
    elif role == "display-app":
        asyncio.run(display_app(db))
    elif role == "counter-ex":
        asyncio.run(counter(db, args[0], int(args[1]), app_settings().office,
                            WORKER_STAFF[args[0]]))
    elif role == "kiosk-ex":
        asyncio.run(kiosk(db, int(args[0]), app_settings().office, ("eid", "afhalen")))
    elif role == "zygote":
        zygote(db, args[0])


if __name__ == "__main__":
    _run_role(sys.argv[1], sys.argv[2], sys.argv[3:])
