"""`kcc demo`: the whole office in one terminal — one tmux tab per role, one SQLite file.

tmux (on every Debian machine kcc targets) gives each app a real terminal of its own; kcc runs
its own tmux server (`-L kcc-demo`), so the user's tmux sessions are never touched.

A demo leaves nothing behind: its files (the config without opening hours, the printers' output)
live in one temporary folder that the tmux server remembers (`@kcc_folder`), and every way out —
`Ctrl-b q`, `kcc demo --stop`, leaving the attached terminal — goes through `Demo.stop()`, which
closes the posts opened during the demo and removes that folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..domain.office import Office

SESSION = "kcc"
STATE = "demo.json"  # in the demo folder: the database and which posts were open before

# The PINs of the example office (README). A hint names a PIN only if it opens this config.
DEMO_PINS = {"an": "1111", "bart": "2222", "els": "3333", "youssef": "4444", "lotte": "5555",
             "katrien": "9999"}


@dataclass(frozen=True)
class Tab:
    name: str
    args: tuple[str, ...]
    hint: str = ""  # on the status bar while this tab is shown


class DemoError(Exception):
    """One line for the user."""


def tabs(kiosk: str, display: str, counters: list[str], hints: dict[str, str]) -> list[Tab]:
    def tab(name: str, *args: str) -> Tab:
        return Tab(name, args, hints.get(name, ""))

    return [
        tab("kiosk", "kiosk", "--kiosk", kiosk),
        *(tab(c, "counter", c) for c in counters),
        tab("display", "display", "--display", display),
        tab("coordinator", "coordinator"),
    ]


def login_hints(office: Office, counters: list[str], *, simulate: bool) -> dict[str, str]:
    """tab -> its status-bar hint: who can log in there, with which PIN, in this mode.

    Under `--simulate` the driver works every staffed post but `counters`, so only staff it
    leaves free are named; a PIN is named only if it opens this office's config."""
    from ..domain.pins import verify_pin
    from .driver import staffing

    busy = {sid for _, sid in staffing(office, set(counters))} if simulate else set()
    pins = {sid: pin for sid, pin in DEMO_PINS.items()
            if sid in office.staff and verify_pin(pin, office.staff[sid].pin_hash)}
    free = [sid for sid in pins if office.staff[sid].role == "staff" and sid not in busy]
    hints: dict[str, str] = {}
    for post in counters:
        # the post's own staff first, else someone free no other tab suggests
        home = [sid for sid in free if office.staff[sid].post == post]
        others = [sid for sid in free if office.staff[sid].post not in counters]
        if pick := (home or others)[:1]:
            hints[post] = f"log in: {pick[0]} {pins[pick[0]]}"
            free.remove(pick[0])
    coordinators = [sid for sid in pins if office.staff[sid].role == "coordinator"]
    if coordinators:
        who = f"{coordinators[0]} {pins[coordinators[0]]}"
        hints["coordinator"] = f"log in: {who}"
        hints["kiosk"] = f"F12 + {who}: close the kiosk"
    return hints


class Demo:
    def __init__(self, *, socket: str = "kcc-demo") -> None:
        tmux = shutil.which("tmux")
        if tmux is None:
            raise DemoError("kcc demo needs tmux (Debian/Ubuntu: apt install tmux); or start "
                            "the apps yourself: kcc kiosk, kcc counter loket1, kcc display, ...")
        self.socket = socket
        self.tmux = [tmux, "-L", socket]
        # our tmux server must not think it runs inside the user's tmux
        self.env = {k: v for k, v in os.environ.items() if k != "TMUX"}

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.tmux, *args], env=self.env, capture_output=True,
                              text=True, check=check)

    def running(self) -> bool:
        return self._tmux("has-session", "-t", SESSION, check=False).returncode == 0

    def refuse_if_running(self) -> None:
        if self.running():
            raise DemoError(f"a demo is already running: attach with `{shlex.join(self.tmux)} "
                            f"attach`, or stop it with `kcc demo --stop`")

    def start(self, tab_list: list[Tab], *, db: Path, config: Path, folder: Path,
              open_before: dict[str, int], simulate: bool, skip: list[str], width: int = 160,
              height: int = 45, speed: float = 20.0, rate: float = 12.0) -> None:
        """Start every tab in a detached tmux session. `folder` holds `config` and is removed
        by `stop()`; `open_before` are the posts (with their session) open before the demo."""
        self.refuse_if_running()
        (folder / STATE).write_text(json.dumps({
            "db": str(db.resolve()), "config": str(config.resolve()),
            "open_before": open_before}), encoding="utf-8")
        base = [sys.executable, "-m", "kcc_tui", "--db", str(db.resolve()),
                "--config", str(config.resolve())]
        first, *rest = tab_list
        self._tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height),
                   "-n", first.name, shlex.join([*base, *first.args]))
        self._tmux("set-option", "-t", SESSION, "@kcc_folder", str(folder))
        for tab in rest:
            self._tmux("new-window", "-d", "-t", SESSION, "-n", tab.name,
                       shlex.join([*base, *tab.args]))
        for tab in tab_list:
            self._tmux("set-option", "-w", "-t", f"{SESSION}:{tab.name}", "@hint", tab.hint)
        if simulate:
            driver = [sys.executable, "-m", "kcc_tui.demo.driver", "--db", str(db.resolve()),
                      "--speed", str(speed), "--rate", str(rate), "--config",
                      str(config.resolve())]
            if skip:
                driver += ["--skip", *skip]
            self._tmux("new-window", "-d", "-t", SESSION, "-n", "citizens", shlex.join(driver))
        for option, value in [
            ("mouse", "on"),
            ("status-style", "bg=colour24,fg=white"),
            ("status-left-length", "40"),
            ("status-right-length", "90"),
            ("status-left", " kcc demo │ "),
            ("status-right", "#{?#{@hint},#{@hint} │ ,}Ctrl-b <n>: tab · Ctrl-b q: quit "),
            ("remain-on-exit", "off"),
        ]:
            self._tmux("set-option", "-t", SESSION, option, value)
        # quitting stops the demo the same way `kcc demo --stop` does (posts closed, files gone)
        stop = [sys.executable, "-m", "kcc_tui", "demo", "--stop", "--socket", self.socket]
        self._tmux("bind-key", "q", "run-shell", "-b",
                   f"{shlex.join(stop)} >/dev/null 2>&1 || {shlex.join(self.tmux)} kill-server")
        self._tmux("select-window", "-t", f"{SESSION}:{first.name}")

    def attach(self) -> None:
        subprocess.run([*self.tmux, "attach-session", "-t", SESSION], env=self.env, check=False)

    def folder(self) -> Path | None:
        """The running demo's folder (None when no demo runs or it has none)."""
        p = self._tmux("show-options", "-t", SESSION, "-v", "@kcc_folder", check=False)
        return Path(p.stdout.strip()) if p.returncode == 0 and p.stdout.strip() else None

    def stop(self) -> bool:
        """End the demo: the simulated citizens first, then every post opened during the demo
        is closed, the demo folder removed and tmux ended. False if no demo was running.

        Everything happens before `kill-server`: `Ctrl-b q` runs this inside the tmux server,
        which takes this process down with it."""
        if not self.running():
            return False
        folder = self.folder()
        self._end_window("citizens")
        if folder is not None:
            try:
                _close_posts(folder / STATE)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        self._tmux("kill-server", check=False)
        return True

    def _end_window(self, name: str) -> None:
        """Kill a tab and wait (a few seconds at most) until its program has ended."""
        p = self._tmux("list-panes", "-t", f"{SESSION}:{name}", "-F", "#{pane_pid}", check=False)
        pids = [int(x) for x in p.stdout.split() if x.isdigit()] if p.returncode == 0 else []
        self._tmux("kill-window", "-t", f"{SESSION}:{name}", check=False)
        deadline = time.monotonic() + 5
        while pids and time.monotonic() < deadline:
            pids = [pid for pid in pids if _alive(pid)]
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_posts(state_file: Path) -> None:
    from ..config import ConfigError, load_settings
    from ..store import StoreError
    from .wrapup import close_posts

    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        settings = load_settings(state["config"])
        asyncio.run(close_posts(Path(state["db"]), settings.office,
                                {k: int(v) for k, v in state["open_before"].items()}))
    except (OSError, ValueError, KeyError, ConfigError, StoreError):
        pass  # nothing to close, or nothing we can: ending the demo matters more
