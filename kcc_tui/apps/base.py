"""The base every kcc app shares: the store's lifecycle, one poller, and error handling.

- The store opens in `on_mount` and closes in `on_unmount` (never at import).
- One poller: a one-shot timer re-armed after each poll, so polls never overlap.
- A store error is shown in the banner, never a crash; the app reconnects by itself.
- When the store's content changes under the app (a restore: the store's generation changed,
  or events it had seen are gone), the store folds afresh and the banner says so for a while.
- Apps that name a `heartbeat_source()` send a heartbeat at start and every HEARTBEAT_S, so the
  coordinator sees a silent one (the kiosk and the display send their own).
- One redraw protocol: `refresh_view()` (after every change, theirs or another process's)
  runs `before_redraw()` and then `redraw()` of each `Live` screen in `live_screens()` (every
  mounted live screen on the stack unless the app says otherwise). Apps override those two
  hooks and optionally `on_events(events)`, never `refresh_view()` itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast, runtime_checkable

from textual.app import App
from textual.widgets import Static

from ..config.settings import Settings
from ..domain.clock import Clock, local, system_clock
from ..domain.commands import Command, Heartbeat, Refused
from ..domain.events import Event
from ..domain.office import Office
from ..logs import log_refusal
from ..pepper import anchor
from ..store import EventStore, StoreError, StoreReplaced, open_store
from .literal import literal, shown

log = logging.getLogger("kcc_tui.apps")

POLL_S = 0.05  # the change feed: DESIGN.md §1
RECONNECT_S = 2.0  # the longest wait between two tries to reach a lost store
RECONNECT_FIRST_S = 0.25  # ... the first (doubling up to RECONNECT_S: back-off)
NOTICE_S = 30.0  # how long the banner tells that the state was read afresh
HEARTBEAT_S = 20.0  # well inside [alerts] heartbeat_missing_s (60 s by default)


A = TypeVar("A")


@runtime_checkable
class Live(Protocol):
    """A screen that draws itself from its app's state. `KccApp.refresh_view()` — after every
    change, this process's or another's, and on the apps' own clock ticks — calls `redraw()` on
    the live screens `live_screens()` names; a screen never decides when to redraw."""

    @property
    def is_mounted(self) -> bool: ...  # every Textual screen has it

    _pruning: bool  # Textual sets it while it removes the screen's widgets

    def redraw(self) -> None: ...


class AppOf(Generic[A]):
    """A screen's app as the type its screens use, in one line per screen family and without a
    cast in each: `kcc: AppOf[CounterApp] = AppOf()` (the app class may be imported under
    TYPE_CHECKING only, so screens and their app do not import each other at run time)."""

    def __get__(self, screen: Any, owner: type | None = None) -> A:
        return cast(A, screen.app)


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
            self.update(literal(error))  # may name a path: never markup
            self.add_class("-shown")


class KccApp(App[None]):
    """Base of the kiosk, counter, display and coordinator apps."""

    HEARTBEAT_AT_START = True  # the first heartbeat as soon as the store opens
    def __init__(self, settings: Settings, *, db: str | Path | None = None,
                 clock: Clock = system_clock, poll_s: float = POLL_S) -> None:
        super().__init__()
        self.bind_office(settings, db)
        self.clock = clock
        self.poll_s = poll_s
        self.store: EventStore | None = None
        self.store_error: str | None = None
        self._ending = False  # set in on_unmount: a poll still pending must not reconnect
        self._retry_s = RECONNECT_FIRST_S
        self._beating = False

    def bind_office(self, settings: Settings, db: str | Path | None = None) -> None:
        """The office this app serves and its store: a path or a postgresql:// URL (`db`
        first), and the folder the pepper sits beside."""
        self.settings = settings
        self.db_target = settings.store.target(db)
        self.db_path = anchor(self.db_target, settings.source)

    @property
    def office(self) -> Office:
        return self.settings.office

    # -- lifecycle ---------------------------------------------------------------------------
    async def on_mount(self) -> None:
        await self._connect()
        self.set_timer(self.poll_s if self.store else self._backoff(), self._poll)
        if self.heartbeat_source() is not None:
            self.set_interval(HEARTBEAT_S, self._heartbeat)

    async def on_unmount(self) -> None:
        self._ending = True
        if self.store is not None:
            await self.store.close()
            self.store = None

    async def _connect(self) -> None:
        try:
            store = open_store(self.db_target, self.settings.office, clock=self.clock,
                               busy_timeout_ms=self.settings.store.busy_timeout_ms)
            await store.open()
        except StoreError as e:
            if not self._ending:
                self._set_error(self.store_error_text(e, "open"))
            return
        if self._ending:  # the app ended while the store was opening
            await store.close()
            return
        self.store = store
        self._retry_s = RECONNECT_FIRST_S
        self._set_error(store.lost)
        self.refresh_view()
        if self.heartbeat_source() is not None and self.HEARTBEAT_AT_START:
            self.run_worker(self._heartbeat(), group="heartbeat", exit_on_error=False)

    async def _poll(self) -> None:
        if self._ending:
            return
        try:
            if self.store is None:
                await self._connect()
            else:
                events = await self.store.poll()
                if self.store_error != self.store.lost and not self._notice_shown:
                    self._set_error(self.store.lost)  # back, or still short of events
                if events:
                    self.on_events(events)
                    self.refresh_view()
                self._take_notice()
        except StoreReplaced:
            self._take_notice()
        except StoreError as e:
            if self._ending:
                return
            self._set_error(self.store_error_text(e, "lost"))
            if self.store is not None:
                await self.store.close()
                self.store = None
        finally:
            if self.is_running and not self._ending:
                self.set_timer(self.poll_s if self.store else self._backoff(), self._poll)

    def _backoff(self) -> float:
        """The wait before the next try to reach the store: doubling while it stays away."""
        wait, self._retry_s = self._retry_s, min(self._retry_s * 2, RECONNECT_S)
        return wait

    _notice_shown = False

    def _take_notice(self) -> None:
        """The store folded afresh (its content changed under us): redraw, and say so in the
        banner for NOTICE_S."""
        notice = self.store.take_notice() if self.store is not None else None
        if notice is None:
            return
        self.refresh_view()
        at = local(self.clock(), self.office.timezone).strftime("%H:%M:%S")
        message = self.replaced_text(notice, at)
        self._set_error(message)
        self._notice_shown = True

        def clear() -> None:
            if self.store_error == message:
                self._notice_shown = False
                self._set_error(self.store.lost if self.store is not None else None)

        self.set_timer(NOTICE_S, clear)

    def _set_error(self, message: str | None) -> None:
        self._notice_shown = False
        if message != self.store_error:
            if message:
                log.warning("store: %s", message)
            elif self.store_error:
                log.info("store: reachable again")
        self.store_error = message
        if not self.screen_stack:  # shutting down (a poll in flight as the store closed)
            return
        for banner in self.screen.query(StoreBanner):
            banner.update(literal(message))
            banner.set_class(message is not None, "-shown")

    # -- commands ----------------------------------------------------------------------------
    async def execute(self, command: Command, actor: str) -> Sequence[Event] | None:
        """Run a command; a refusal or store error becomes a notice. None when not done."""
        if self.store is None:
            self.notify(shown(self.store_error or "the store is not open"), severity="error",
                        markup=False)
            return None
        try:
            events = await self.store.execute(command, actor)
        except Refused as r:
            log_refusal(log, type(command).__name__, actor, r.code, str(r))
            self.notify(shown(self.refusal_text(r)), severity="warning", markup=False)
            self.refresh_view()  # another process got there first: show the state as it is
            return None
        except StoreError as e:
            log.error("%s by %s not recorded: %s", type(command).__name__, actor, e)
            self.notify(shown(self.store_error_text(e, "command")), severity="error",
                        markup=False)
            self._take_notice()
            return None
        self.on_events(events)
        self.refresh_view()
        return events

    async def _heartbeat(self) -> None:
        """Tell the coordinator this app is alive. Quiet on failure: the banner shows a lost
        store, and a read-only store is a valid way to run a screen."""
        source = self.heartbeat_source()
        if self.store is None or source is None or self._beating or self.store.readonly:
            return
        self._beating = True
        try:
            await self.store.execute(Heartbeat(*source), source[0])
        except (StoreError, Refused):
            pass
        finally:
            self._beating = False

    # -- hooks -------------------------------------------------------------------------------
    def heartbeat_source(self) -> tuple[str, str] | None:
        """(source, kind) of this app's heartbeat, or None when it sends its own or none."""
        return None

    def replaced_text(self, notice: str, at: str) -> str:
        """The banner after the store folded afresh (Dutch: staff read it)."""
        return (f"De opslag is veranderd ({at}): alles is opnieuw ingelezen; een actie op de "
                f"oude toestand werd geweigerd. — {notice}")

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
        """Redraw from `self.store.state`: the one redraw protocol of every kcc app."""
        self.before_redraw()
        for screen in self.live_screens():
            screen.redraw()

    def before_redraw(self) -> None:
        """What the app brings up to date before its screens redraw."""

    def live_screens(self) -> list[Live]:
        """The screens to redraw: every mounted live screen, bottom first (a dialog and the
        screen under it both stay live). None while the app shuts down: Textual prunes the
        screens' widgets before it empties the stack, and a poll may end in between."""
        if not self.is_running or self._ending:
            return []
        return [s for s in self.screen_stack
                if isinstance(s, Live) and s.is_mounted and not s._pruning]
