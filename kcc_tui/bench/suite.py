"""`kcc bench` (no subcommand): every benchmark program of the project, one table.

Each program runs as its own process (as it would by hand) with settings sized for a few
minutes in all; the table keeps the lines that carry figures. `--full` uses each program's own
defaults. Start-up is measured first (`kcc bench startup`): `kcc --json` store commands against
a bare `python -c pass`, each app to its first screen against a bare Textual app, and RSS.
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

def run(full: bool = False, step: Callable[[str, int, int], None] | None = None) -> None:
    """Every program, then the table. `step(what, done, total)` is told where the run is
    (default: a line on stderr as each program ends)."""
    steps = len(PROGRAMS) + 1

    def report(what: str, done: int) -> None:
        if step is not None:
            step(what, done, steps)
        elif done:
            print(f"… {what}", file=sys.stderr, flush=True)

    from . import startup

    report("start-up of the CLI and the apps", 0)
    rows = [(f"start-up: {what}", figures) for what, figures in startup.measure(3)]
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
