"""The base every kcc app shares: the store's lifecycle, one poller, and error handling.

- The store opens in `on_mount` and closes in `on_unmount` (never at import).
- One poller: a one-shot timer re-armed after each poll, so polls never overlap.
- A store error is shown in the banner, never a crash; the app reconnects by itself.
- Subclasses override `refresh_view()` (called after every change, theirs or another
  process's) and optionally `on_events(events)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from ..config.settings import Settings
from ..domain.clock import Clock, system_clock
from ..domain.commands import Command, Refused
from ..domain.events import Event
from ..domain.office import Office
from ..store import Store, StoreError

POLL_S = 0.05  # the change feed: DESIGN.md §1
RECONNECT_S = 2.0


class StoreBanner(Static):
    """A red line across the top while the store is unreachable. Include one in each screen."""

    DEFAULT_CSS = """
    StoreBanner { dock: top; width: 100%; height: auto; display: none;
                  background: $error; color: $text; text-style: bold; padding: 0 1; }
    StoreBanner.-shown { display: block; }
    """

    def on_mount(self) -> None:
        # A screen mounted after the store failed (the first one, a dialog) shows it at once.
        error = getattr(self.app, "store_error", None)
        if error:
            self.update(error)
            self.add_class("-shown")


class KccApp(App[None]):
    """Base of the kiosk, counter, display and coordinator apps."""

    def __init__(self, settings: Settings, *, db: str | Path | None = None,
                 clock: Clock = system_clock, poll_s: float = POLL_S) -> None:
        super().__init__()
        self.settings = settings
        self.db_path = Path(db) if db else Path(settings.store.path)
        self.clock = clock
        self.poll_s = poll_s
        self.store: Store | None = None
        self.store_error: str | None = None
        self._closing = False  # set in on_unmount: a poll still pending must not reconnect

    @property
    def office(self) -> Office:
        return self.settings.office

    # -- lifecycle ---------------------------------------------------------------------------
    async def on_mount(self) -> None:
        await self._connect()
        self.set_timer(self.poll_s if self.store else RECONNECT_S, self._poll)

    async def on_unmount(self) -> None:
        self._closing = True
        if self.store is not None:
            await self.store.close()
            self.store = None

    async def _connect(self) -> None:
        store = Store(self.db_path, self.settings.office, clock=self.clock,
                      busy_timeout_ms=self.settings.store.busy_timeout_ms)
        try:
            await store.open()
        except StoreError as e:
            if not self._closing:
                self._set_error(self.store_error_text(e, "open"))
            return
        if self._closing:  # the app ended while the store was opening
            await store.close()
            return
        self.store = store
        self._set_error(None)
        self.refresh_view()

    async def _poll(self) -> None:
        if self._closing:
            return
        try:
            if self.store is None:
                await self._connect()
            else:
                events = await self.store.poll()
                if self.store_error:
                    self._set_error(None)
                if events:
                    self.on_events(events)
                    self.refresh_view()
        except StoreError as e:
            if self._closing:
                return
            self._set_error(self.store_error_text(e, "lost"))
            if self.store is not None:
                await self.store.close()
                self.store = None
        finally:
            if self.is_running and not self._closing:
                self.set_timer(self.poll_s if self.store else RECONNECT_S, self._poll)

    def _set_error(self, message: str | None) -> None:
        self.store_error = message
        if not self.screen_stack:  # shutting down (a poll in flight as the store closed)
            return
        for banner in self.screen.query(StoreBanner):
            banner.update(message or "")
            banner.set_class(message is not None, "-shown")

    # -- commands ----------------------------------------------------------------------------
    async def execute(self, command: Command, actor: str) -> Sequence[Event] | None:
        """Run a command; a refusal or store error becomes a notice. None when not done."""
        if self.store is None:
            self.notify(self.store_error or "the store is not open", severity="error")
            return None
        try:
            events = await self.store.execute(command, actor)
        except Refused as r:
            self.notify(self.refusal_text(r), severity="warning", markup=False)
            self.refresh_view()  # another process got there first: show the state as it is
            return None
        except StoreError as e:
            self.notify(self.store_error_text(e, "command"), severity="error", markup=False)
            return None
        self.on_events(events)
        self.refresh_view()
        return events

    # -- hooks -------------------------------------------------------------------------------
    def refusal_text(self, r: Refused) -> str:
        """A refusal as this app's users read it: the domain's English reason. The Dutch apps
        (counter, coordinator) say it in Dutch; the kiosk has its own texts per language."""
        return str(r)

    def store_error_text(self, e: StoreError, when: str) -> str:
        """A store failure as this app's users read it (`when`: "open", "lost", "command");
        English here, Dutch in the counter and coordinator apps (apps/refusals.py)."""
        if when == "open":
            return f"{e} — retrying"
        if when == "lost":
            return f"connection to the store lost: {e}"
        return str(e)

    def on_events(self, events: Sequence[Event]) -> None:
        """New events, this process's or another's (after they are folded into the state)."""

    def refresh_view(self) -> None:
        """Redraw from `self.store.state`."""
