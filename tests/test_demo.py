"""`kcc demo --simulate` in a real terminal (tmux), as a newcomer would start it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

KCC = [sys.executable, "-m", "kcc_tui"]


def tmux(socket: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, env=env)


@pytest.fixture
def socket() -> object:
    name = f"kcc-test-{uuid.uuid4().hex[:8]}"
    yield name
    tmux(name, "kill-server")


def test_demo_simulate_issues_calls_and_shows_tickets(tmp_path: Path, socket: str) -> None:
    db = tmp_path / "kcc.db"
    outer = f"{socket}-outer"
    # start it as a person would, in a terminal: `kcc demo --simulate` attaches to its tabs
    tmux(outer, "new-session", "-d", "-x", "160", "-y", "45",
         " ".join([*KCC, "--db", str(db), "demo", "--simulate", "--speed", "60", "--rate", "40",
                   "--socket", socket]))
    try:
        deadline = time.monotonic() + 60
        called: list[dict] = []
        while time.monotonic() < deadline and not called:
            time.sleep(1)
            p = subprocess.run([*KCC, "--db", str(db), "--json", "ticket", "list"],
                               capture_output=True, text=True)
            if p.returncode == 0:
                tickets = json.loads(p.stdout)["tickets"]
                called = [t for t in tickets if t["status"] in ("called", "serving", "done")]
        assert called, "no ticket was called within a minute"
        windows = tmux(socket, "list-windows", "-F", "#W").stdout.split()
        assert windows == ["kiosk", "loket1", "snelbalie", "display", "coordinator", "citizens"]
        # the wall display shows a called number (its counter's name is written out under it)
        shown = ""
        for _ in range(30):
            shown = tmux(socket, "capture-pane", "-t", "kcc:display", "-p").stdout
            if any(name in shown for name in ("Loket 2", "Loket 3", "Loket 4")):
                break
            time.sleep(1)
        assert any(name in shown for name in ("Loket 2", "Loket 3", "Loket 4")), shown
        # the tab bar tells how to leave; Ctrl-b q quits everything cleanly
        assert "Ctrl-b q: quit" in tmux(outer, "capture-pane", "-p").stdout
        tmux(outer, "send-keys", "C-b", "q")
        for _ in range(20):
            if tmux(socket, "has-session").returncode != 0:
                break
            time.sleep(0.5)
        assert tmux(socket, "has-session").returncode != 0
    finally:
        tmux(outer, "kill-server")
    time.sleep(1)
    leftovers = subprocess.run(["pgrep", "-f", str(db)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""  # every app and the driver ended
