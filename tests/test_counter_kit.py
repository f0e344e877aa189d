"""Helpers for the counter app tests (this module holds no tests itself).

The counter tests use the example office (config.toml built into kcc) because the login checks
real PIN hashes: the demo PINs are an=1111, bart=2222, els=3333, lotte=5555.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pilot_wait import until  # noqa: F401  (re-exported for the tests)
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kcc_tui.apps.counter import CounterApp, build_app
from kcc_tui.apps.counter.widgets import QueueTable
from kcc_tui.config import example_path, load_settings
from kcc_tui.config.settings import Settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import Clock, FixedClock
from kcc_tui.domain.events import Event
from kcc_tui.store import Store

# A Tuesday morning in Brussels: 09:00 local.
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
SIZE = (120, 35)
KCC = str(Path(sys.executable).with_name("kcc"))
PINS = {"an": "1111", "bart": "2222", "els": "3333", "youssef": "4444", "lotte": "5555"}


def example_settings(**routing: Any) -> Settings:
    settings = load_settings(example_path())
    if routing:
        office = settings.office
        office = office.model_copy(update={"routing": office.routing.model_copy(update=routing)})
        settings = settings.model_copy(update={"office": office})
    return settings


async def seed(db: Path, settings: Settings, clock: Clock, *services: str,
               open_posts: dict[str, str] | None = None) -> None:
    """Create the store, issue tickets (a minute apart when the clock is fixed), open posts."""
    async with Store(db, settings.office, clock=clock, create=True) as store:
        for svc in services:
            await store.execute(C.IssueTicket(svc))
            if isinstance(clock, FixedClock):
                clock.advance(minutes=1)
        for post, staff in (open_posts or {}).items():
            await store.execute(C.OpenPost(post, staff, True), staff)


async def run(db: Path, settings: Settings, clock: Clock, command: C.Command,
              actor: str = "system") -> list[Event]:
    async with Store(db, settings.office, clock=clock) as store:
        return await store.execute(command, actor)


async def log(db: Path, settings: Settings, clock: Clock) -> list[Event]:
    """Today's events as a fresh process reads them."""
    async with Store(db, settings.office, clock=clock) as store:
        return await store.events(day=store.today())


def counter(settings: Settings, db: Path, post: str, clock: Clock, **kw: Any) -> CounterApp:
    app = build_app(settings, db=db, post_id=post, clock=clock, **kw)
    app.notices = []  # type: ignore[attr-defined]
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:  # every notice, even expired ones
        app.notices.append(message)  # type: ignore[attr-defined]
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return app


async def login(pilot: Pilot[Any], staff: str, pin: str | None = None) -> None:
    """Type the staff id and PIN as a user does, and press Enter."""
    app = pilot.app
    await until(pilot, lambda: app.screen.query("#pin") and app.store is not None,
                "the login screen")  # type: ignore[attr-defined]
    staff_input = app.screen.query_one("#staff", Input)
    if staff_input.value != staff:
        staff_input.value = ""
        await focus(pilot, staff_input)
        await pilot.press(*staff)
    await focus(pilot, app.screen.query_one("#pin", Input))
    await pilot.press(*(pin or PINS[staff]), "enter")


async def focus(pilot: Pilot[Any], widget: Any) -> None:
    """Focus a widget and wait until it has the focus (`focus()` only schedules it)."""
    widget.focus()
    await until(pilot, lambda: widget.has_focus, f"focus on {widget!r}")


async def drawn(pilot: Pilot[Any]) -> None:
    """Wait for the working screen, drawn from the state (its status line is filled in)."""
    app = pilot.app
    await until(pilot, lambda: app.screen.query("#post-line") and
                str(app.screen.query_one("#post-line").render()).strip(), "the working screen")


async def logged_in(pilot: Pilot[Any], staff: str) -> None:
    await login(pilot, staff)
    app = pilot.app
    try:
        await drawn(pilot)
    except AssertionError:
        error = login_error(app) if app.screen.query("#login-error") else ""
        raise AssertionError(f"not logged in; login error {error!r}, notices "
                             f"{getattr(app, 'notices', [])}") from None


async def call_next(pilot: Pilot[Any], number: str) -> None:
    """Press n and wait until `number` is the current ticket."""
    await pilot.press("n")
    await until(pilot, lambda: number in current_text(pilot.app), f"{number} called")


def current_text(app: CounterApp) -> str:
    return str(app.screen.query_one("#number", Static).render())


def queue_numbers(app: CounterApp) -> list[str]:
    table = app.screen.query_one(QueueTable)
    return [str(row.key.value) for row in table.ordered_rows]


def login_error(app: CounterApp) -> str:
    return str(app.screen.query_one("#login-error").render())


def kcc(db: Path, *args: str, pin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `kcc` CLI in its own process on the same store (a PIN through $KCC_PIN)."""
    env = dict(os.environ, KCC_CONFIG=example_path(), **({"KCC_PIN": pin} if pin else {}))
    return subprocess.run([KCC, "--db", str(db), *args], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def types(events: list[Event], *wanted: str) -> list[Event]:
    return [e for e in events if e.type in wanted]
