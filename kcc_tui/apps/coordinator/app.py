"""The coordinator app: login, then the live board. Thin: the figures come from `board`,
the alerts from `domain.alerts`, the actions are domain commands."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.css.query import NoMatches

from ...config.installation import Installation
from ...config.settings import Settings
from ...domain.clock import Clock, system_clock
from ...domain.commands import Logout, Refused
from ...store import StoreError
from ..base import POLL_S, KccApp
from ..refusals import refusal_nl, store_error_nl
from .login import LoginScreen
from .offices import Offices, OverviewScreen
from .overview import watched_of
from .screen import BoardScreen

TICK_S = 1.0  # waits grow while nothing happens: redraw the time-based figures this often


class CoordinatorApp(KccApp):
    CSS_PATH = "coordinator.tcss"
    TITLE = "kcc — coördinator"
    ENABLE_COMMAND_PALETTE = False
    HEARTBEAT_AT_START = False  # no one is alerted on a silent pane: the periodic beat will do
    # several offices (offices.py): only with an installation, on the board
    BINDINGS = [Binding("k", "offices", "Kantoren")]

    def __init__(self, settings: Settings, *, db: str | Path | None = None,
                 clock: Clock = system_clock, poll_s: float = POLL_S,
                 tick_s: float = TICK_S, installation: Installation | None = None) -> None:
        super().__init__(settings, db=db, clock=clock, poll_s=poll_s)
        self.tick_s = tick_s
        self.coordinator: str | None = None
        self.watched = watched_of(settings)
        self.offices = Offices(self, installation) if installation else None

    @property
    def coordinator_name(self) -> str:
        staff = self.office.staff.get(self.coordinator or "")
        return staff.name if staff else ""

    async def on_mount(self) -> None:
        # Runs before the base class's on_mount, which opens the store. The login and board
        # screens take turns on top of the (empty) default screen.
        await self.push_screen(LoginScreen())
        self.set_interval(self.tick_s, self.refresh_view)
        if self.offices is not None:
            self.offices.start()

    async def on_unmount(self) -> None:
        if self.offices is not None:  # before the base class closes this office's store
            await self.offices.close()

    async def _poll(self) -> None:
        # switching to another office happens here, between two polls of this office's store
        if self.offices is not None:
            await self.offices.switch_pending()
        await super()._poll()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "offices":
            return self.offices is not None and isinstance(self.screen, BoardScreen)
        return True

    def action_offices(self) -> None:
        self.push_screen(OverviewScreen())

    def redraw(self, screen: object) -> None:
        """Bring one screen up to date with the store (screens without `update_from` skip)."""
        update = getattr(screen, "update_from", None)
        if self.store is None or self.coordinator is None or update is None:
            return
        try:
            update(self.store.state, self.clock())
        except NoMatches:
            pass  # still composing: the next refresh draws it

    def refusal_text(self, r: Refused) -> str:
        return refusal_nl(r)

    def heartbeat_source(self) -> tuple[str, str]:
        return "coordinator", "coordinator"
    def store_error_text(self, e: StoreError, when: str) -> str:
        return store_error_nl(e, when)

    def logged_in(self, staff: str) -> None:
        # not awaited: this runs in a worker of the login screen, which the switch removes
        self.coordinator = staff
        self.switch_screen(BoardScreen())

    async def log_out(self) -> None:
        if self.coordinator is not None:
            await self.execute(Logout(self.coordinator), self.coordinator)
        self.coordinator = None
        self.switch_screen(LoginScreen())  # not awaited: called from the board being removed
