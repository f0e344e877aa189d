"""`kcc demo --simulate` in a real terminal (tmux), as a newcomer would start it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from kcc_tui.config import load_settings
from kcc_tui.domain import commands as C
from kcc_tui.store import Store

KCC = [sys.executable, "-m", "kcc_tui"]


def tmux(socket: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, env=env)


@pytest.fixture
def socket() -> object:
    name = f"kcc-test-{uuid.uuid4().hex[:8]}"
    yield name
    tmux(name, "kill-server")


def demo_folders(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("kcc-demo"))


def open_posts(db: Path) -> list[str]:
    p = subprocess.run([*KCC, "--db", str(db), "--json", "state"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    return [q["post"] for q in json.loads(p.stdout)["posts"] if q["state"] != "closed"]


def test_demo_simulate_issues_calls_and_shows_tickets(tmp_path: Path, socket: str) -> None:
    db = tmp_path / "kcc.db"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    outer = f"{socket}-outer"
    # start it as a person would, in a terminal: `kcc demo --simulate` attaches to its tabs
    tmux(outer, "new-session", "-d", "-x", "160", "-y", "45", "-e", f"TMPDIR={tmp}",
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
        # the tab bar tells how to leave, and who can log in on the tab shown, with a PIN
        # that works in this mode (els works Loket 3 for the simulation: not suggested)
        bar = tmux(outer, "capture-pane", "-p").stdout
        assert "Ctrl-b q: quit" in bar and "F12 + katrien 9999" in bar, bar
        tmux(socket, "select-window", "-t", "kcc:snelbalie")
        time.sleep(0.5)
        bar = tmux(outer, "capture-pane", "-p").stdout
        assert "log in: lotte 5555" in bar and "els" not in bar.splitlines()[-1], bar
        assert demo_folders(tmp) != [] and open_posts(db) != []
        # Ctrl-b q quits everything cleanly
        tmux(outer, "send-keys", "C-b", "q")
        for _ in range(40):
            if tmux(socket, "has-session").returncode != 0:
                break
            time.sleep(0.5)
        assert tmux(socket, "has-session").returncode != 0
    finally:
        tmux(outer, "kill-server")
    time.sleep(1)
    leftovers = subprocess.run(["pgrep", "-f", str(db)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""  # every app and the driver ended
    assert demo_folders(tmp) == []  # its files are gone
    assert open_posts(db) == []  # the posts the simulated staff opened are closed again


async def at_the_counter(db: Path) -> None:
    """An logs in at Loket 1 and calls a citizen (through the store, as the counter app does)."""
    async with Store(db, load_settings().office) as store:
        await store.execute(C.IssueTicket("eid", "nl"), "cli")
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        await store.execute(C.CallNext("loket1"), "an")


def test_every_demo_call_cleans_up_after_itself(tmp_path: Path, socket: str) -> None:
    db = tmp_path / "kcc.db"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("TMUX", None)

    def demo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*KCC, "--db", str(db), "demo", "--socket", socket, *args],
                              capture_output=True, text=True, env=env, timeout=120)

    p = demo("--stop")  # nothing runs: it says so, and that is not an error
    assert (p.returncode, p.stdout) == (0, "no demo is running; nothing to stop\n")
    assert demo_folders(tmp) == []
    p = demo("--detach")
    assert p.returncode == 0, p.stderr
    assert len(demo_folders(tmp)) == 1  # the running demo's config and printer files
    p = demo("--detach")  # refused: one demo at a time
    assert p.returncode == 1 and "already running" in p.stderr
    assert len(demo_folders(tmp)) == 1
    # each counter tab names its own staff member (no simulation: everybody is free)
    hints = {w: tmux(socket, "show-options", "-w", "-t", f"kcc:{w}", "-v", "@hint").stdout
             for w in ("loket1", "snelbalie", "coordinator")}
    assert hints == {"loket1": "log in: an 1111\n", "snelbalie": "log in: lotte 5555\n",
                     "coordinator": "log in: katrien 9999\n"}
    # someone logs in during the demo, and takes a citizen: the demo ends, the post closes
    asyncio.run(at_the_counter(db))
    assert open_posts(db) == ["loket1"]
    p = demo("--stop")
    assert (p.returncode, p.stdout) == (0, "demo stopped\n")
    assert tmux(socket, "has-session").returncode != 0
    assert demo_folders(tmp) == [] and open_posts(db) == []
    tickets = subprocess.run([*KCC, "--db", str(db), "--json", "ticket", "list"],
                             capture_output=True, text=True, env=env)
    assert [t["status"] for t in json.loads(tickets.stdout)["tickets"]] == ["waiting"]
