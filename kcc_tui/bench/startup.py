"""`kcc bench startup`: how long a fresh process takes, as ratios measured in one run.

- CLI: `kcc --json <command>` on a fresh store, wall time of the whole process, against a bare
  `python -c pass` (goal ≤ 8×).
- Apps: process start → first screen (headless, the store open and the first frame drawn),
  against a bare Textual app with a Header, a Static and a Footer (goal ≤ 1.5×); and the
  app's memory (RSS) at that moment (goal ≤ 60 MiB).

Each figure is the best of `runs` (the least disturbed by other load on the machine); the
rounds alternate between the baseline and the measured process so that both see the same load.
Python's compiled bytecode is cached (as in an installed kcc) and warmed by one run of each
first, also where $PYTHONDONTWRITEBYTECODE is set (a development shell): then in a temporary
folder of its own.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The child that shows a first screen: prints "seconds since spawn, RSS MiB" and exits.
# `{build}` makes `app`; nothing else is imported before it.
CHILD = """
import sys, time
spawned = float(sys.argv[1])
{build}
async def first(pilot):
    app = pilot.app
    while getattr(app, "store", True) is None and not getattr(app, "store_error", None):
        await pilot.pause(0.005)  # a kcc app: its store opens in on_mount
    await pilot.pause()
    took = time.time() - spawned
    rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
    print(f"{{took:.4f}} {{rss:.1f}}", flush=True)
    app.exit()
app.run(headless=True, size=(120, 35), auto_pilot=first)
"""
BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Hello")
        yield Footer()
app = Bare()
"""
APP = """
from kcc_tui.config import load_settings
from kcc_tui.apps import {name} as m
app = m.build_app(load_settings(), db=sys.argv[2]{extra})
"""
APPS = {"kiosk": ", kiosk_id='onthaal'", "counter": ", post_id='loket1'",
        "display": ", display_id='wachtzaal'", "coordinator": ""}
CLI = [["state"], ["ticket", "list"], ["events", "--limit", "10"],
       ["ticket", "issue", "eid", "--outside-hours"]]
GOALS = {"cli": 8.0, "app": 1.5, "rss": 60.0}


ENV = dict(os.environ)


def _wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=ENV)  # a refusal is a store command too
    return time.perf_counter() - t0


def _first_screen(build: str, db: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD.format(build=build), str(time.time()),
                          str(db)], capture_output=True, text=True, timeout=120, env=ENV)
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) < 2:
        raise RuntimeError((out.stderr or out.stdout).strip()[-300:])
    return float(lines[-2]), float(lines[-1])


def measure(runs: int = 5) -> list[tuple[str, str]]:
    """The rows: (what, figures)."""
    from ..config import load_settings
    from ..store import create_store

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kcc.db"
        asyncio.run(create_store(db, load_settings().office))
        if ENV.pop("PYTHONDONTWRITEBYTECODE", None):
            ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        kcc = [sys.executable, "-m", "kcc_tui", "--db", str(db), "--json"]
        bare: list[float] = []
        cli: dict[str, list[float]] = {" ".join(c): [] for c in CLI}
        for c in CLI:  # warm-up: bytecode compiled and cached
            _wall([*kcc, *c])
        _first_screen(BARE, db)
        for name, extra in APPS.items():
            _first_screen(APP.format(name=name, extra=extra), db)
        for _ in range(runs):
            bare.append(_wall([sys.executable, "-c", "pass"]))
            for c in CLI:
                cli[" ".join(c)].append(_wall([*kcc, *c]))
        base = min(bare)
        rows.append(("python -c pass", f"{base * 1000:.0f} ms"))
        for name, times in cli.items():
            ratio = min(times) / base
            rows.append((f"kcc --json {name}", f"{min(times) * 1000:.0f} ms = {ratio:.1f}× bare "
                         f"python (goal ≤ {GOALS['cli']:.0f}×)"))
        textual: list[float] = []
        apps: dict[str, list[tuple[float, float]]] = {name: [] for name in APPS}
        for _ in range(runs):
            textual.append(_first_screen(BARE, db)[0])
            for name, extra in APPS.items():
                apps[name].append(_first_screen(APP.format(name=name, extra=extra), db))
        tbase = min(textual)
        rows.append(("bare Textual app", f"{tbase * 1000:.0f} ms to the first screen"))
        for name, got in apps.items():
            secs = min(t for t, _ in got)
            rss = max(r for _, r in got)
            rows.append((f"{name} app", f"{secs * 1000:.0f} ms = {secs / tbase:.2f}× bare Textual "
                         f"(goal ≤ {GOALS['app']}×); RSS {rss:.0f} MiB (goal ≤ "
                         f"{GOALS['rss']:.0f})"))
    return rows


def run(runs: int = 5) -> None:
    rows = measure(runs)
    width = max(len(r[0]) for r in rows)
    for what, figures in rows:
        print(f"{what:<{width}}  {figures}", flush=True)
