"""Helpers for the kiosk tests (this module holds no tests itself).

The kiosk tests use the example office (config.toml built into kcc): its kiosk "onthaal", its
services with names in four languages, and the coordinator PIN 9999 (katrien).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pilot_wait import until  # noqa: F401  (re-exported for the tests)
from textual.pilot import Pilot
from textual.widgets import Static

from kcc_tui.apps.kiosk import KioskApp, build_app
from kcc_tui.apps.kiosk.confirm import ConfirmScreen
from kcc_tui.apps.kiosk.start import StartScreen
from kcc_tui.apps.kiosk.widgets import BigNumber, ServiceButton
from kcc_tui.config import example_path, load_settings
from kcc_tui.config.settings import Settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import Clock
from kcc_tui.domain.events import Event
from kcc_tui.store import Store
from printers.settings import PrinterSettings

# A Tuesday morning in Brussels, 09:00 local: the example office is open (08:30-12:30).
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
SIZE = (120, 35)
KIOSK = "onthaal"
DUMMY = PrinterSettings(transport="dummy", footer={"nl": "Dank u. Kopie attest: € 5,00"})


def kiosk_settings(printer: PrinterSettings | None = DUMMY, **kiosk: Any) -> Settings:
    """The example office; its kiosk prints on `printer` (None: a kiosk without printer)."""
    settings = load_settings(example_path())
    printers = dict(settings.printers)
    k = settings.kiosks[KIOSK]
    if printer is None:
        kiosk["printer"] = None
    else:
        printers[k.printer or KIOSK] = printer
    kiosks = {KIOSK: k.model_copy(update=kiosk)}
    return settings.model_copy(update={"printers": printers, "kiosks": kiosks})


async def seed(db: Path, settings: Settings, clock: Clock, *commands: C.Command,
               actor: str = "system") -> None:
    """Create the store and run `commands` (as another process would, before the kiosk)."""
    async with Store(db, settings.office, clock=clock, create=True) as store:
        for command in commands:
            await store.execute(command, actor)


async def log(db: Path, settings: Settings, clock: Clock) -> list[Event]:
    """Today's events as a fresh process reads them."""
    async with Store(db, settings.office, clock=clock) as store:
        return await store.events(day=store.today())


def types(events: list[Event], *names: str) -> list[Event]:
    return [e for e in events if e.type in names]


def kiosk(settings: Settings, db: Path, clock: Clock, **options: Any) -> KioskApp:
    """The kiosk app, recording every notice (even expired ones) in `app.notices`."""
    options.setdefault("debounce_s", 0.3)
    app = build_app(settings, db=db, kiosk_id=KIOSK, clock=clock, **options)
    app.notices = []  # type: ignore[attr-defined]
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        app.notices.append(message)  # type: ignore[attr-defined]
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return app


async def ready(pilot: Pilot[Any]) -> None:
    """The start screen is up, the store open and the buttons drawn from it."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, StartScreen)
                and app.store is not None and any(  # type: ignore[attr-defined]
                    not b.disabled for b in app.screen.query(ServiceButton)), "the start screen")


def button(app: KioskApp, service: str) -> ServiceButton:
    return app.screen.query_one(f"#svc-{service}", ServiceButton)


def label(app: KioskApp, service: str) -> str:
    return str(button(app, service).label)


def text(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def confirmed(app: KioskApp) -> ConfirmScreen | None:
    """The confirmation screen once it is mounted (the kiosk pushes it without waiting)."""
    screen = app.screen
    return screen if isinstance(screen, ConfirmScreen) and screen.is_mounted else None


def shown_number(app: KioskApp) -> str | None:
    screen = confirmed(app)
    return screen.query_one(BigNumber).number if screen else None


def print_state(app: KioskApp) -> str | None:
    screen = confirmed(app)
    return screen.print_state if screen else None


def notice(app: KioskApp) -> str | None:
    """The printer notice on the start screen, or None when hidden."""
    for screen in app.screen_stack:
        if isinstance(screen, StartScreen):
            widget = screen.query_one("#printer-notice", Static)
            return str(widget.render()) if widget.has_class("-shown") else None
    return None
