"""`kcc demo`: the whole office in one terminal — one tmux tab per role, one SQLite file.

tmux (on every Debian machine kcc targets) gives each app a real terminal of its own; kcc runs
its own tmux server (`-L kcc-demo`), so the user's tmux sessions are never touched.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SESSION = "kcc"


@dataclass(frozen=True)
class Tab:
    name: str
    args: tuple[str, ...]


class DemoError(Exception):
    """One line for the user."""


def tabs(kiosk: str, display: str, counters: list[str]) -> list[Tab]:
    return [
        Tab("kiosk", ("kiosk", "--kiosk", kiosk)),
        *(Tab(c, ("counter", c)) for c in counters),
        Tab("display", ("display", "--display", display)),
        Tab("coordinator", ("coordinator",)),
    ]


class Demo:
    def __init__(self, *, db: Path, config: str | None, socket: str = "kcc-demo") -> None:
        tmux = shutil.which("tmux")
        if tmux is None:
            raise DemoError("kcc demo needs tmux (Debian/Ubuntu: apt install tmux); or start "
                            "the apps yourself: kcc kiosk, kcc counter loket1, kcc display, ...")
        self.tmux = [tmux, "-L", socket]
        self.base = [sys.executable, "-m", "kcc_tui", "--db", str(db.resolve())]
        if config:
            self.base += ["--config", str(Path(config).resolve())]
        self.db, self.config = db, config
        # our tmux server must not think it runs inside the user's tmux
        self.env = {k: v for k, v in os.environ.items() if k != "TMUX"}

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.tmux, *args], env=self.env, capture_output=True,
                              text=True, check=check)

    def running(self) -> bool:
        return self._tmux("has-session", "-t", SESSION, check=False).returncode == 0

    def start(self, tab_list: list[Tab], *, simulate: bool, skip: list[str], width: int = 160,
              height: int = 45, speed: float = 20.0, rate: float = 12.0) -> None:
        if self.running():
            raise DemoError(f"a demo is already running: attach with `{shlex.join(self.tmux)} "
                            f"attach`, or stop it with `kcc demo --stop`")
        first, *rest = tab_list
        self._tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height),
                   "-n", first.name, shlex.join([*self.base, *first.args]))
        for tab in rest:
            self._tmux("new-window", "-d", "-t", SESSION, "-n", tab.name,
                       shlex.join([*self.base, *tab.args]))
        if simulate:
            driver = [sys.executable, "-m", "kcc_tui.demo.driver", "--db", str(self.db.resolve()),
                      "--speed", str(speed), "--rate", str(rate)]
            if self.config:
                driver += ["--config", str(Path(self.config).resolve())]
            if skip:
                driver += ["--skip", *skip]
            self._tmux("new-window", "-d", "-t", SESSION, "-n", "citizens", shlex.join(driver))
        pins = "PINs: an 1111 · els 3333 · katrien 9999"
        for option, value in [
            ("mouse", "on"),
            ("status-style", "bg=colour24,fg=white"),
            ("status-left-length", "40"),
            ("status-right-length", "80"),
            ("status-left", " kcc demo │ "),
            ("status-right", f"Ctrl-b <n>: tab · Ctrl-b q: quit │ {pins} "),
            ("remain-on-exit", "off"),
        ]:
            self._tmux("set-option", "-t", SESSION, option, value)
        self._tmux("bind-key", "q", "kill-server")
        self._tmux("select-window", "-t", f"{SESSION}:{first.name}")

    def attach(self) -> None:
        subprocess.run([*self.tmux, "attach-session", "-t", SESSION], env=self.env, check=False)

    def stop(self) -> None:
        self._tmux("kill-server", check=False)
