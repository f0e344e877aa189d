"""`kcc bench` (no subcommand): every benchmark program of the project, one table.

Each program runs as its own process (as it would by hand) with settings sized for a few
minutes in all; the table keeps the lines that carry figures. `--full` uses each program's own
defaults. App start-up is measured here: a fresh process builds the app, runs it headless until
its first screen is up, and reports the time and its memory (RSS).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"
# a line with a figure: a unit after a number, a decimal number, or a percentile's name
FIGURE = re.compile(r"\d\s*(ms|s|%|/s|MiB|MB|min|tickets)\b|\d\.\d|p50|p99|MAE|throughput",
                    re.I)

# (name, argv after the interpreter, quick extra args)
PROGRAMS: list[tuple[str, list[str], list[str]]] = [
    ("store", ["-m", "kcc_tui", "bench", "store"], ["--cycles", "300", "--seconds", "10",
                                                     "--feed", "100"]),
    ("crash", ["-m", "kcc_tui", "bench", "crash"], ["--kills", "30", "--app-kills", "300"]),
    ("kiosk", [str(BENCH / "kiosk_latency.py")], ["--tickets", "50", "--printer", "dummy"]),
    ("counter", [str(BENCH / "counter_latency.py")], ["--rounds", "50"]),
    ("display", [str(BENCH / "display_latency.py")], ["--calls", "50"]),
    ("display soak", [str(BENCH / "display_soak.py")], ["--hours", "2"]),
    ("coordinator", [str(BENCH / "coordinator_board.py")], ["--idle", "10", "-n", "50"]),
    ("simulator", [str(BENCH / "sim_accuracy.py")], ["--quick"]),
    ("reports", [str(BENCH / "report_year.py")], ["--days", "20"]),
]

STARTUP = """
import asyncio, sys, time
t0 = time.perf_counter()
from kcc_tui.config import load_settings
from kcc_tui.apps import {name} as m
s = load_settings()
app = m.build_app(s, db=sys.argv[1]{extra})
async def main():
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause(0.2)
        rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
        print(f"{{time.perf_counter() - t0:.2f}} {{rss:.0f}}")
asyncio.run(main())
"""
APPS = {"kiosk": ", kiosk_id='onthaal'", "counter": ", post_id='loket1'",
        "display": ", display_id='wachtzaal'", "coordinator": ""}


def startup(db: Path) -> list[tuple[str, str]]:
    rows = []
    for name, extra in APPS.items():
        p = subprocess.run([sys.executable, "-c", STARTUP.format(name=name, extra=extra),
                            str(db)], capture_output=True, text=True, timeout=120)
        if p.returncode == 0 and p.stdout.split():
            secs, rss = p.stdout.split()[-2:]
            rows.append((f"start-up {name}", f"{secs} s to the first screen, RSS {rss} MiB"))
        else:
            rows.append((f"start-up {name}", f"failed: {(p.stderr or p.stdout)[-200:]}"))
    return rows


def run(full: bool = False, step: Callable[[str, int, int], None] | None = None) -> None:
    """Every program, then the table. `step(what, done, total)` is told where the run is
    (default: a line on stderr as each program ends)."""
    steps = len(PROGRAMS) + 1

    def report(what: str, done: int) -> None:
        if step is not None:
            step(what, done, steps)
        elif done:
            print(f"… {what}", file=sys.stderr, flush=True)

    import asyncio
    import tempfile

    from ..config import load_settings
    from ..store import create_store

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kcc.db"

        asyncio.run(create_store(db, load_settings().office))
        report("start-up of the apps", 0)
        rows += startup(db)
    for i, (name, argv, quick) in enumerate(PROGRAMS, start=1):
        report(name, i)
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, *argv, *([] if full else quick)], cwd=ROOT,
                           capture_output=True, text=True)
        lines = [ln.strip() for ln in p.stdout.splitlines() if FIGURE.search(ln)]
        if p.returncode != 0:
            lines.append(f"exit {p.returncode}: {p.stderr.strip().splitlines()[-1:]}")
        took = f"({time.perf_counter() - t0:.0f} s)"
        rows += [(f"{name} {took}" if i == 0 else "", line) for i, line in enumerate(lines)]
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  figures")
    print(f"{'-' * width}  {'-' * 60}")
    for name, line in rows:
        print(f"{name:<{width}}  {line}")
