"""A restore while the office runs (issue 16), with the apps as real processes in a terminal
(tmux): a counter, the wall display and a kiosk keep running through `kcc store restore`, notice
the new generation, read the store afresh and go on from the restored history."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from kcc_tui.config import example_path

KCC = [sys.executable, "-m", "kcc_tui"]
WAIT_S = 60.0  # generous: a loaded CI machine is slow; a passing test returns at once


def office(folder: Path) -> list[str]:
    """The example office, open around the clock, its kiosk printing on a dummy printer."""
    doc = tomlkit.parse(Path(example_path()).read_text())
    doc["hours"] = tomlkit.table()
    printer: Any = doc["printers"]["onthaal"]  # type: ignore[index]
    printer["transport"] = "dummy"
    for key in ("host", "port"):
        printer.pop(key, None)
    (folder / "config.toml").write_text(tomlkit.dumps(doc))
    return [*KCC, "--config", str(folder / "config.toml"), "--db", str(folder / "kcc.db")]


def run(cmd: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def tmux(socket: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, env=env)


def screen(socket: str, window: str) -> str:
    return tmux(socket, "capture-pane", "-p", "-t", f"kcc:{window}").stdout


def wait(cond: Callable[[], Any], what: str, shown: Callable[[], str] | None = None) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}" + (f":\n{shown()}" if shown else ""))


def log_in_at_counter(socket: str, window: str = "counter") -> None:
    """Log `an` in at the counter in `window`, as a person would once the form is there."""
    # the info line is written by on_mount right after the staff field takes focus: keys sent
    # before that are lost
    wait(lambda: "Geef uw personeelsnummer" in screen(socket, window), "the counter's login",
         lambda: screen(socket, window))
    time.sleep(1.0)
    tmux(socket, "send-keys", "-t", f"kcc:{window}", "an", "Tab")
    tmux(socket, "send-keys", "-t", f"kcc:{window}", "1111", "Enter")
    wait(lambda: "Volgende" in screen(socket, window), "the counter's work screen",
         lambda: screen(socket, window))


def tickets(cmd: list[str]) -> dict[str, str]:
    p = run(cmd, "--json", "ticket", "list")
    assert p.returncode == 0, p.stdout + p.stderr
    return {t["number"]: t["status"] for t in json.loads(p.stdout)["tickets"]}


def log(db: Path) -> list[tuple[int, str, dict[str, Any]]]:
    with sqlite3.connect(db) as c:
        return [(s, t, json.loads(d)) for s, t, d in
                c.execute("SELECT seq, type, data FROM events ORDER BY seq")]


@pytest.fixture
def socket() -> Any:
    name = f"kcc-store-{uuid.uuid4().hex[:8]}"
    yield name
    tmux(name, "kill-server")


def test_counter_display_and_kiosk_go_on_from_the_restored_history(
        tmp_path: Path, socket: str) -> None:
    kcc = office(tmp_path)
    db = tmp_path / "kcc.db"
    assert run(kcc, "init").returncode == 0
    apps = {"counter": ["counter", "loket1"], "display": ["display", "--display", "wachtzaal"],
            "kiosk": ["kiosk", "--kiosk", "onthaal"]}
    for i, (window, args) in enumerate(apps.items()):
        line = " ".join([*kcc, *args])
        if i == 0:
            tmux(socket, "new-session", "-d", "-s", "kcc", "-x", "120", "-y", "35", "-n", window,
                 line)
        else:
            tmux(socket, "new-window", "-t", "kcc", "-n", window, line)
    log_in_at_counter(socket)
    wait(lambda: "Identiteitskaart" in screen(socket, "kiosk"), "the kiosk's start screen")

    # The history to come back to: Loket 1 open, A001 waiting.
    assert run(kcc, "ticket", "issue", "eid").returncode == 0
    assert run(kcc, "store", "backup", str(tmp_path / "backup.db")).returncode == 0
    # Then the office goes on: the kiosk issues A002, the counter calls A001.
    tmux(socket, "send-keys", "-t", "kcc:kiosk", "1")
    wait(lambda: "A002" in tickets(kcc), "A002 from the kiosk")
    tmux(socket, "send-keys", "-t", "kcc:counter", "n")
    wait(lambda: tickets(kcc).get("A001") == "called", "A001 called at the counter")
    assert run(kcc, "ticket", "issue", "eid").returncode == 0  # A003

    p = run(kcc, "store", "restore", str(tmp_path / "backup.db"), "--yes")
    assert p.returncode == 0, p.stderr
    # Each app notices within its next polls and says so in its banner.
    for window in apps:
        wait(lambda w=window: "De opslag is veranderd" in screen(socket, w),
             f"the {window}'s banner")

    # Keys in each app, on the restored history.
    tmux(socket, "send-keys", "-t", "kcc:display", "space")
    wait(lambda: "Identiteitskaart" in screen(socket, "kiosk")
         and "Uw nummer" not in screen(socket, "kiosk"), "the kiosk back at its start")
    tmux(socket, "send-keys", "-t", "kcc:kiosk", "1")
    wait(lambda: "A002" in tickets(kcc), "a ticket from the kiosk after the restore")
    tmux(socket, "send-keys", "-t", "kcc:counter", "n")
    wait(lambda: tickets(kcc).get("A001") == "called", "A001 (of the restored history) called")

    # Numbering went on from the restored history: A002 again, not A004.
    assert tickets(kcc) == {"A001": "called", "A002": "waiting"}
    # No event names a ticket the history never issued.
    issued: set[str] = set()
    for seq, type_, data in log(db):
        number = data.get("number")
        if type_ == "ticket_issued":
            issued.add(number)
        elif number is not None:
            assert number in issued, f"event #{seq} ({type_}) names {number}, never issued"
    # Every reader works, and every app is still running.
    for args in (["state"], ["ticket", "list"], ["events"], ["store", "check"],
                 ["store", "rebuild"], ["init"]):
        p = run(kcc, *args)
        assert p.returncode == 0, (args, p.stderr)
    windows = tmux(socket, "list-windows", "-t", "kcc", "-F", "#W").stdout.split()
    assert sorted(windows) == sorted(apps)
    for window in apps:
        assert "Traceback" not in screen(socket, window)
