"""Helpers for the coordinator pane tests (this module holds no tests itself).

It is also the worker for "another process": `python tests/test_coordinator_kit.py do DB CMD...`
runs domain commands on the shared store, and `... watch DB` is a peer that folds the store like
a counter or a wall display does and prints what they would show, one JSON line per change.

The tests use the example office built into kcc (real PIN hashes: coordinator katrien = 9999).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pilot_wait import until  # noqa: F401  (re-exported for the tests)

sys.path.insert(0, str(Path(__file__).parent.parent))

from kcc_tui.config import AlertSettings, example_path, load_settings  # noqa: E402
from kcc_tui.config.settings import Settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.domain.clock import Clock, FixedClock  # noqa: E402
from kcc_tui.store import Store  # noqa: E402

# A Tuesday morning in Brussels: 09:00 local (opening hours 08:30-12:30).
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
SIZE = (120, 35)
KIT = str(Path(__file__))
PINS = {"an": "1111", "bart": "2222", "els": "3333", "youssef": "4444", "lotte": "5555",
        "katrien": "9999"}


def example_settings(**alerts: float) -> Settings:
    settings = load_settings(example_path())
    if alerts:
        settings = settings.model_copy(update={"alerts": AlertSettings(**alerts)})
    return settings


async def seed(db: Path, clock: Clock, script: list[tuple[float, C.Command, str]]) -> None:
    """Create the store and run (minutes after the previous step, command, actor) steps."""
    settings = example_settings()
    async with Store(db, settings.office, clock=clock, create=True) as store:
        for minutes, command, actor in script:
            if isinstance(clock, FixedClock):
                clock.advance(minutes=minutes)
            await store.execute(command, actor)


def do(db: Path, *commands: str) -> None:
    """Run commands (Python expressions over `C`) in another process, with the real clock."""
    out = subprocess.run([sys.executable, KIT, "do", str(db), *commands], capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr


async def login(pilot: Any, pin: str = "9999") -> None:
    from kcc_tui.apps.coordinator.screen import BoardScreen

    app = pilot.app
    await until(pilot, lambda: app.screen.query("#pin") and app.store is not None,
                "the login screen")
    await pilot.press(*pin, "enter")
    if pin == PINS["katrien"]:
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        await pilot.pause(0.05)


def recording(app: Any) -> Any:
    """Record every notice and every bell of `app` (toasts expire; the list does not)."""
    app.notices, app.bells = [], 0
    notify, bell = app.notify, app.bell

    def notify_(message: str, **kw: Any) -> None:
        app.notices.append(message)
        notify(message, **kw)

    def bell_() -> None:
        app.bells += 1
        bell()

    app.notify, app.bell = notify_, bell_
    return app


def cells(app: Any, table_id: str, key: str) -> list[str]:
    """The plain text of one table row, as the coordinator reads it."""
    table = app.screen.query_one(f"#{table_id}")
    return [str(getattr(c, "plain", c)) for c in table.get_row(key)]


def alert_keys(app: Any) -> set[str]:
    from kcc_tui.apps.coordinator.widgets import AlertList

    board = next(s for s in app.screen_stack if s.query(AlertList))
    return {a.key for a in board.query_one(AlertList).alerts}


class Peer:
    """Another process watching the store like a counter and a wall display do."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.proc: asyncio.subprocess.Process | None = None
        self.view: dict[str, Any] = {}

    async def __aenter__(self) -> Peer:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, KIT, "watch", str(self.db), stdout=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.PIPE)
        await self.until(lambda v: True, "the peer to start")
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()

    async def until(self, cond: Callable[[dict[str, Any]], Any], what: str,
                    timeout: float = 10.0) -> dict[str, Any]:
        """Read the peer's views until one satisfies `cond` (the app keeps running meanwhile)."""
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while not (self.view and cond(self.view)):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the other process never saw {what}; last view: "
                                     f"{json.dumps(self.view)[:600]}")
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), left)
            except TimeoutError:
                continue
            if line:
                self.view = json.loads(line)
        return self.view


# -- the worker side -------------------------------------------------------------------------------
def peer_view(store: Store) -> dict[str, Any]:
    """What the counters, the display and the kiosk show, from this process's own fold."""
    state, office = store.state, store.office
    return {
        "posts": {pid: {"open": p.open, "staff": p.staff, "paused": p.pause_reason,
                        "current": p.current, "services": sorted(p.services)}
                  for pid, p in state.posts.items()},
        "called": {t.number: t.post for t in state.tickets.values() if t.status == "called"},
        "counters_message": next((m.text for m in reversed(state.messages)
                                  if "counters" in m.targets), None),
        "display_ticker": next((m.text for m in reversed(state.messages)
                                if "display" in m.targets), None),
        "kiosk_refuses": {code: C.issuing_now(state, office, code) for code in office.services
                          if C.issuing_now(state, office, code)},
    }


async def _watch(db: str) -> None:
    async with Store(db, example_settings().office) as store:
        loop = asyncio.get_running_loop()
        stdin_closed = loop.run_in_executor(None, sys.stdin.read)  # the test ends us so
        last = None
        while not stdin_closed.done():
            await store.poll()
            view = peer_view(store)
            if view != last:
                print(json.dumps(view), flush=True)
                last = view
            await asyncio.sleep(0.05)


async def _do(db: str, commands: list[str]) -> None:
    async with Store(db, example_settings().office) as store:
        for text in commands:
            command = eval(text, {"C": C})  # test input only: expressions like C.IssueTicket(…)
            actor = "system"
            post = getattr(command, "post", None)
            if post and store.state.post(post).staff:
                actor = store.state.post(post).staff or actor
            try:
                await store.execute(command, actor)
            except C.Refused as r:
                print(f"refused: {r}", file=sys.stderr)
                raise SystemExit(1) from None


if __name__ == "__main__":
    role, db, *rest = sys.argv[1:]
    os.environ.setdefault("KCC_CONFIG", example_path())
    asyncio.run(_watch(db) if role == "watch" else _do(db, rest))
