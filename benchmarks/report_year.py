"""How long `kcc report` takes on a year of history. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/report_year.py [--db PATH] [--scale 1.5] [--days 300]

The history is made once (and reused) by the simulator playing `scenarios/typical_tuesday.toml`
through the real domain, Monday to Saturday, with a phone line and heartbeats of three devices
every 30 s, as the apps write them. Days go into the store file the way `kcc store rebuild`
writes them: the events, and the read models from `store.readmodels` (the store's own code).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcc_tui.config import load_settings  # noqa: E402
from kcc_tui.domain.clock import iso  # noqa: E402
from kcc_tui.domain.events import Event  # noqa: E402
from kcc_tui.reports import build_report, parse_period  # noqa: E402
from kcc_tui.reports.export import write_csv, write_xlsx  # noqa: E402
from kcc_tui.sim.model import DaySim  # noqa: E402
from kcc_tui.sim.scenario import scenario_from_document  # noqa: E402
from kcc_tui.store import create_store, readmodels  # noqa: E402

SCENARIO = ROOT / "scenarios" / "typical_tuesday.toml"
CONFIG = ROOT / "config.toml"
FIRST = date(2025, 1, 6)  # a Monday
WEEKDAY_SCALE = [1.25, 1.0, 0.9, 1.1, 1.0, 0.6]  # Monday busiest, Saturday quiet


def scenario(scale: float) -> object:
    doc = tomllib.loads(SCENARIO.read_text())
    doc["office"] = str(CONFIG)
    doc["scale"] = scale
    doc["phone"] = {"per_hour": [6, 7, 6, 5, 3, 4, 5, 3],
                    "topics": {"opening-hours": 3, "appointment": 4, "fees": 2,
                               "document-not-ready": 1, "wait-too-long": 0.5}}
    doc["staff"]["tel"] = {"post": "telefoon", "shifts": ["08:30-16:00"]}
    doc["services"]["eid"]["topics"]["wait-too-long"] = 0.02
    return doc


def history_db(path: Path, days: int, scale: float, seed: int = 7, first: date = FIRST) -> int:
    """Write `days` business days (Mon–Sat) from `first` of simulated history; returns the
    events written."""
    asyncio.run(_create(path))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # a bulk load only; the store never does this
    docs = {w: scenario(scale * f) for w, f in enumerate(WEEKDAY_SCALE)}
    loaded = {w: scenario_from_document(d, "benchmark") for w, d in docs.items()}
    seq, day, done = 0, first, 0
    while done < days:
        if day.weekday() == 6:
            day += timedelta(days=1)
            continue
        sim = DaySim(loaded[day.weekday()], day, done, seed, estimates=False)
        result = sim.run()
        log = sim.ledger.log + _heartbeats(sim.ledger.log)
        rows = []
        for e in sorted(log, key=lambda e: e.at):
            seq += 1
            rows.append((seq, e.stream, e.version, e.type, iso(e.at), str(e.day), e.actor,
                         json.dumps(e.data, separators=(",", ":"))))
        conn.executemany("INSERT INTO events (seq, stream, version, type, at, day, actor, data) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        tickets, sessions = readmodels.rows_for_day(result.state)
        conn.executemany(f"INSERT INTO tickets ({','.join(readmodels.TICKET_COLS)}) VALUES "
                         f"({','.join('?' * len(readmodels.TICKET_COLS))})", tickets)
        conn.executemany(f"INSERT INTO post_sessions ({','.join(readmodels.SESSION_COLS)}) "
                         f"VALUES ({','.join('?' * len(readmodels.SESSION_COLS))})", sessions)
        conn.commit()
        done += 1
        day += timedelta(days=1)
    conn.close()
    return seq


def _heartbeats(log: list[Event]) -> list[Event]:
    """Kiosk, printer and display heartbeats every 30 s from the first to the last event."""
    if not log:
        return []
    first, last = log[0], log[-1]
    out = []
    for source, kind in (("onthaal", "kiosk"), ("onthaal", "printer"), ("wachtzaal", "display")):
        at, v = first.at, 0
        while at <= last.at:
            v += 1
            out.append(Event("heartbeat", f"device:{source}:{first.day}:{kind}", v, at,
                             first.day, source, {"source": source, "kind": kind,
                                                 "status": "ok"}))
            at += timedelta(seconds=30)
    return out


async def _create(path: Path) -> None:
    await create_store(path, load_settings(CONFIG).office)


def timed(fn, n: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Median wall-clock seconds of n runs, and the last result."""
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def cpu_of_child(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU = user + system) seconds of one run of a command. On a busy machine the wall
    time waits for other processes; the CPU time is what the report itself costs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "kcc-report-year.db")
    ap.add_argument("--days", type=int, default=300, help="business days of history")
    ap.add_argument("--scale", type=float, default=1.5, help="arrivals × the scenario's")
    ap.add_argument("--first", type=date.fromisoformat, default=FIRST, help="first day")
    ap.add_argument("--make-only", action="store_true", help="make the history, measure nothing")
    args = ap.parse_args()
    if not args.db.exists():
        t0 = time.perf_counter()
        n = history_db(args.db, args.days, args.scale, first=args.first)
        print(f"(made {args.db}: {n} events in {time.perf_counter() - t0:.0f} s; "
              "delete it to make a new one)")
    conn = sqlite3.connect(args.db)
    events, tickets, first, last = conn.execute(
        "SELECT (SELECT count(*) FROM events), count(*), min(day), max(day) FROM tickets"
    ).fetchone()
    conn.close()
    print(f"history: {tickets} tickets, {events} events, {first} to {last}, "
          f"{os.path.getsize(args.db) / 1e6:.0f} MB")
    if args.make_only:
        return
    office = load_settings(CONFIG).office
    today = date.fromisoformat(last) + timedelta(days=1)
    for text in (f"{first}..{last}", last[:7], "last-week", "yesterday"):
        p = parse_period(text, today)
        secs, rep = timed(lambda p=p: asyncio.run(build_report(args.db, office, p)))
        total = rep.total  # type: ignore[attr-defined]
        print(f"report {p.label:<40} {secs:6.2f} s  ({total['issued']} tickets issued)")
    year = parse_period(f"{first}..{last}", today)
    rep = asyncio.run(build_report(args.db, office, year))
    with tempfile.TemporaryDirectory() as tmp:
        secs, _ = timed(lambda: write_xlsx(rep, Path(tmp) / "year.xlsx"), 1)
        print(f"XLSX of the year: {secs:.2f} s; CSV folder: "
              f"{timed(lambda: write_csv(rep, Path(tmp) / 'csv'), 1)[0]:.2f} s")
    cmd = [str(ROOT / ".venv" / "bin" / "kcc"), "--config", str(CONFIG), "--db", str(args.db),
           "report", f"{first}..{last}"]
    runs = sorted(cpu_of_child(cmd) for _ in range(3))
    wall, cpu = runs[1]
    print(f"`kcc report {first}..{last}` whole process (start-up included): {wall:.2f} s "
          f"(CPU {cpu:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
