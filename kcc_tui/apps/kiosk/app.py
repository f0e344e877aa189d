"""The touch kiosk at the entrance (onthaal): citizens take a numbered ticket.

The order of things for one press is what keeps tickets from being lost:

1. The press is accepted only outside the debounce window (one ticket per press: a double tap
   or a held Enter gives one ticket; see `accept_press`).
2. The ticket is issued (committed to the store) first, and the confirmation screen shows the
   number at once.
3. Only then is it printed, off the UI thread (`printers.service.TicketPrinter`). When printing
   fails the number stays on screen, large, a `print_failed` event records the reason, and the
   start screen says that printed tickets are unavailable until the printer answers again
   (asked every `recheck_s`).

Heartbeats for the kiosk and its printer go to the store every `heartbeat_s` and whenever the
printer's status changes, so the coordinator sees that both are alive.

For the public there is no quit key, no command palette and no text selection; an operator
closes the kiosk with a coordinator's PIN (F12 or F9, or five taps on the office name).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from ...bookings import code_hash
from ...config.settings import KioskSettings, Settings
from ...domain import commands as C
from ...domain.booking import CheckIn
from ...domain.clock import Clock, local, system_clock
from ...domain.estimate import ticket_promise
from ...phone.token import new_token, page_url
from ...store import StoreError
from ..base import POLL_S, KccApp
from .availability import KIOSK_REASON, availability
from .checkin import CheckInScreen
from .confirm import ConfirmScreen, PrintState
from .host import KioskHost
from .operator import PinDialog
from .printing import IssuedTicket, PrinterWatch
from .start import StartScreen
from .texts import t

log = logging.getLogger(__name__)

DEBOUNCE_S = 1.0  # presses are ignored while a ticket is issued and this long after
HEARTBEAT_S = 30.0
RECHECK_S = 1.0  # how often a printer that failed is asked whether it is back
FIRST_BEAT_S = 0.5  # store open -> first heartbeat of a kiosk with a printer (before_redraw)
TICK_S = 15.0  # redraw this often: opening hours begin and end without any event
KEEP_TIMINGS = 1000
IDLE_RESET_S = 60.0  # a language or priority chosen by someone who walked away is undone


class KioskApp(KccApp, inherit_bindings=False):
    CSS_PATH = "kiosk.tcss"
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False  # citizens must not select (and "copy") text on a public screen
    # inherit_bindings=False drops App's ctrl+q (quit) and ctrl+c; these swallow them too.
    BINDINGS = [
        Binding("ctrl+q", "nothing", show=False, priority=True),
        Binding("ctrl+c", "nothing", show=False, priority=True),
        Binding("f12", "operator", show=False, priority=True),
        # in a browser F12 opens the developer tools: F9 (or the five taps) there
        Binding("f9", "operator", show=False, priority=True),
    ]

    def __init__(self, settings: Settings, *, db: str | Path | None = None, kiosk_id: str,
                 clock: Clock = system_clock, poll_s: float = POLL_S,
                 debounce_s: float = DEBOUNCE_S, heartbeat_s: float = HEARTBEAT_S,
                 recheck_s: float = RECHECK_S) -> None:
        super().__init__(settings, db=db, clock=clock, poll_s=poll_s)
        self.kiosk_id = kiosk_id
        self.kiosk: KioskSettings = settings.kiosks[kiosk_id]
        self.phone_base_url = settings.phone.base_url  # "": tickets get no phone page
        self.languages = tuple(self.kiosk.languages) or self.office.languages
        self.default_lang = "nl" if "nl" in self.languages else self.languages[0]
        self.lang = self.default_lang
        self.services = [s for s in self.kiosk.services if s in self.office.services]
        self.priority_offered = self.kiosk.priority_button and any(
            self.office.services[s].priority_allowed for s in self.services)
        self.priority = False
        printer_id = self.kiosk.printer
        self.printer = (PrinterWatch(printer_id, settings.printers[printer_id])
                      if printer_id and printer_id in settings.printers else None)
        self.debounce_s, self.heartbeat_s, self.recheck_s = debounce_s, heartbeat_s, recheck_s
        self.timings: dict[str, dict[str, Any]] = {}  # number -> perf_counter marks (benchmarks)
        self._issuing = False
        self._quiet_until = 0.0
        self._checking = False
        self._started = False
        self._last_choice = 0.0  # monotonic time of the last language or priority choice
        self.title = f"kcc · {self.kiosk.name}"

    async def on_mount(self) -> None:
        # KccApp.on_mount runs after this one and opens the store; refresh_view then draws.
        await self.push_screen(StartScreen())
        self.set_interval(self.heartbeat_s, self._beat)
        self.set_interval(self.recheck_s, self._recheck)
        self.set_interval(TICK_S, self._tick)

    # -- presses -----------------------------------------------------------------------------
    def accept_press(self) -> bool:
        """True for a press that counts. A press while a ticket is being issued, or within
        `debounce_s` of the last one, does not; it also extends the window, so key repeats of
        a held Enter (terminals send no key-up) never get through however long it is held."""
        now = time.monotonic()
        if self._issuing or now < self._quiet_until:
            self._quiet_until = max(self._quiet_until, now + self.debounce_s)
            return False
        self._quiet_until = now + self.debounce_s
        return True

    def request_ticket(self, service: str) -> None:
        """A service button was pressed: issue one ticket, show it, print it."""
        pressed = time.perf_counter()
        if not self.accept_press():
            return
        a = availability(self.store.state if self.store else None, self.office, service,
                         self.clock(), self.priority)
        if not a.ok:  # the button is disabled then; a key may still reach here in a race
            self.refresh_view()
            return
        self._issuing = True
        self.run_worker(self._issue(service, self.lang, self.priority, pressed),
                        group="issue", exit_on_error=False)

    def choose_lang(self, lang: str) -> None:
        if lang in self.languages:
            self.lang = lang
            self._last_choice = time.monotonic()
            self.refresh_view()

    def toggle_priority(self) -> None:
        self.priority = not self.priority
        self._last_choice = time.monotonic()
        self.refresh_view()

    def back_to_start(self, screen: Screen[Any]) -> None:
        """Leave the confirmation (or the check-in screen under it): the next citizen starts
        in Dutch, without priority."""
        if self.screen is not screen:
            return
        while len(self.screen_stack) > 2 or not isinstance(self.screen, StartScreen):
            if len(self.screen_stack) <= 1:
                break
            self.pop_screen()
        self.lang, self.priority = self.default_lang, False
        self.refresh_view()

    # -- appointments (issue 18) -------------------------------------------------------------
    @property
    def appointments_offered(self) -> bool:
        return self.kiosk.appointment_button

    def open_check_in(self) -> None:
        if self.accept_press() and not isinstance(self.screen, CheckInScreen):
            self.push_screen(CheckInScreen())

    def check_in(self, code: str, screen: CheckInScreen) -> None:
        """A code typed or scanned: check in, show the ticket, print it."""
        pressed = time.perf_counter()
        if not self.accept_press():
            return
        self._issuing = True
        self.run_worker(self._check_in(code, screen, pressed), group="issue",
                        exit_on_error=False)

    async def _check_in(self, code: str, screen: CheckInScreen, pressed: float) -> None:
        try:
            ticket = await self._commit_check_in(code, screen)
        finally:
            self._issuing = False
            self._quiet_until = max(self._quiet_until, time.monotonic() + self.debounce_s)
        if ticket is not None:
            await self._show(ticket, pressed)

    async def _commit_check_in(self, code: str, screen: CheckInScreen) -> IssuedTicket | None:
        store = self.store
        if store is None:
            screen.refused("try_again", {})
            return None
        token, token_hash = new_token() if self.phone_base_url else (None, None)
        try:
            event = (await store.execute(
                CheckIn(code_hash=code_hash(code), lang=self.lang, kiosk=self.kiosk_id,
                        printing=self.printer is not None, token_hash=token_hash),
                self.kiosk_id))[0]
        except C.Refused as r:
            screen.refused(r.code or "", dict(r.params))
            return None
        except StoreError as e:
            log.error("kiosk %s: check-in failed: %s", self.kiosk_id, e)
            screen.refused("try_again", {})
            return None
        return self._issued(event.data["number"], token)

    def mark(self, number: str, what: str, at: float) -> None:
        """Note when a ticket reached a stage (perf_counter), for the latency benchmark."""
        if number not in self.timings and len(self.timings) >= KEEP_TIMINGS:
            del self.timings[next(iter(self.timings))]  # a kiosk runs all day: keep the last few
        self.timings.setdefault(number, {})[what] = at

    # -- issuing and printing ----------------------------------------------------------------
    async def _issue(self, service: str, lang: str, priority: bool, pressed: float) -> None:
        try:
            ticket = await self._commit(service, lang, priority)
        finally:
            self._issuing = False
            self._quiet_until = max(self._quiet_until, time.monotonic() + self.debounce_s)
        if ticket is not None:
            await self._show(ticket, pressed)

    async def _show(self, ticket: IssuedTicket, pressed: float) -> None:
        """The confirmation at once, then the paper."""
        self.mark(ticket.number, "pressed", pressed)
        self.mark(ticket.number, "committed", time.perf_counter())
        watch = self.printer
        state: PrintState = "no_printer" if watch is None else (
            "printing" if watch.available else "failed")
        screen = ConfirmScreen(ticket, state, self.kiosk.confirm_seconds)
        # Not awaited: the printer thread starts while the screen is being mounted.
        self.push_screen(screen)
        if watch is not None:
            await self._print_ticket(watch, ticket, screen)

    async def _commit(self, service: str, lang: str, priority: bool) -> IssuedTicket | None:
        store = self.store
        if store is None:
            self.notify(t(lang, "try_again"), severity="error", markup=False)
            return None
        token, token_hash = new_token() if self.phone_base_url else (None, None)
        try:
            (event,) = await store.execute(
                C.IssueTicket(service, lang, priority, kiosk=self.kiosk_id,
                              printing=self.printer is not None, token_hash=token_hash),
                self.kiosk_id)
        except C.Refused as r:
            # Someone stopped the service, or the cap was reached, since the screen was drawn.
            code = KIOSK_REASON.get(r.code or "")
            reason = t(lang, code) if code else str(r)
            self.notify(t(lang, "refused", reason=reason), severity="warning", markup=False)
            self.refresh_view()
            return None
        except StoreError as e:
            log.error("kiosk %s: issuing failed: %s", self.kiosk_id, e)
            self.notify(t(lang, "try_again"), severity="error", markup=False)
            return None
        return self._issued(event.data["number"], token)

    def _issued(self, number: str, token: str | None) -> IssuedTicket:
        """The ticket just committed, as the confirmation and the printer show it."""
        assert self.store is not None
        st, now = self.store.state, self.clock()
        tk = st.tickets[number]
        promise = ticket_promise(st, self.office, tk, now)
        self.refresh_view()
        url = page_url(self.phone_base_url, token) if token else None
        booked = (local(tk.booked_at, self.office.timezone).strftime("%H:%M")
                  if tk.booked_at is not None else None)
        return IssuedTicket(number, tk.service, tk.lang, tk.priority, tk.issued_at,
                            promise.ahead, promise.minutes, promise.code, url, booked,
                            tk.duration_min)

    async def _print_ticket(self, watch: PrinterWatch, ticket: IssuedTicket,
                            screen: ConfirmScreen) -> None:
        result = await watch.print(ticket, self.office)
        self.mark(ticket.number, "printed" if result.ok else "failed", time.perf_counter())
        self.mark(ticket.number, "bytes", result.bytes_sent)
        screen.set_print_state("printed" if result.ok else "failed")
        if result.ok:
            await self._write(C.RecordPrinted(ticket.number, self.kiosk_id))
        else:
            reason = result.reason or result.status_after.value
            await self._write(C.RecordPrintFailure(ticket.number, self.kiosk_id, reason,
                                                   result.status_after.value))
        await self._report_printer()
        self.refresh_view()

    async def _recover_unprinted(self) -> None:
        """After a crash or kill mid-print: every ticket this kiosk issued is either printed or
        recorded as a print failure, so none is left that nobody knows about."""
        if self.store is None or self.printer is None:
            return
        for tk in C.unprinted(self.store.state, self.kiosk_id):
            await self._write(C.RecordPrintFailure(tk.number, self.kiosk_id,
                                                   "the kiosk stopped before printing ended"))

    # -- health ------------------------------------------------------------------------------
    def _beat(self) -> None:
        if self.store is not None and not self._checking:
            self._checking = True
            self.run_worker(self._heartbeat(), group="health", exit_on_error=False)

    def _recheck(self) -> None:
        """While printed tickets are unavailable, ask the printer whether it is back."""
        watch = self.printer
        if watch is not None and not watch.available and not self._checking:
            self._checking = True
            self.run_worker(self._check_printer(), group="health", exit_on_error=False)

    async def _heartbeat(self) -> None:
        try:
            if self.printer is not None:
                await self.printer.check()
            await self._write(C.Heartbeat(self.kiosk_id, "kiosk", "ok"))
            await self._report_printer(always=True)
        finally:
            self._checking = False
        self.refresh_view()

    async def _check_printer(self) -> None:
        try:
            if self.printer is not None:
                await self.printer.check()
                await self._report_printer()
        finally:
            self._checking = False
        self.refresh_view()

    async def _report_printer(self, always: bool = False) -> None:
        """A printer heartbeat when its status changed (or always, for the periodic one)."""
        watch = self.printer
        if watch is None or self.store is None:
            return
        reading = watch.reading if always else watch.news()
        if reading is None:
            return
        if await self._write(C.Heartbeat(watch.id, "printer", reading.status.value,
                                         reading.reason or "")):
            watch.reported_now(reading.status)

    async def _write(self, command: C.Command) -> bool:
        """Record a fact (heartbeat, print failure); trouble is logged, never shown to the
        public, and never stops the kiosk."""
        if self.store is None:
            return False
        try:
            await self.store.execute(command, self.kiosk_id)
        except (C.Refused, StoreError) as e:
            log.warning("kiosk %s: %s not recorded: %s", self.kiosk_id,
                        type(command).__name__, e)
            return False
        return True

    # -- operator ----------------------------------------------------------------------------
    def action_nothing(self) -> None:
        """Swallow a key (ctrl+q, ctrl+c): the public cannot close the kiosk."""

    def operator_candidates(self) -> list[str]:
        """The coordinators whose PIN the pad may try now (locked ones are never tried)."""
        if self.store is None:
            return []
        return C.unlocked_coordinators(self.store.state, self.office, self.clock())

    @property
    def operator_locked(self) -> bool:
        """The pad stays shut while every coordinator is locked — a fact of the store, so a
        restart or another process sees it too — or while the store (where every attempt is
        recorded) cannot be reached."""
        return not self.operator_candidates()

    async def operator_pin(self, staff: str | None) -> tuple[bool, int | None]:
        """Record a PIN typed at the pad: (accepted, tries left; None when the pad is locked
        now or the attempt could not be recorded, which refuses it)."""
        if self.store is None:
            return False, None
        try:
            await self.store.execute(C.OperatorPin(self.kiosk_id, staff), self.kiosk_id)
        except C.Refused as r:
            log.warning("kiosk %s: operator PIN refused: %s", self.kiosk_id, r)
            left = r.params.get("left") if r.code == "wrong_pin" else None
            return False, left if isinstance(left, int) else None
        except StoreError as e:
            log.warning("kiosk %s: operator PIN not recorded: %s", self.kiosk_id, e)
            return False, None
        return True, None

    def action_operator(self) -> None:
        if self.operator_locked or isinstance(self.screen, PinDialog):
            return

        async def done(staff: str | None) -> None:
            if staff is None:
                return
            # detail = who stopped it (a staff id): the coordinator reads the name
            await self._write(C.Heartbeat(self.kiosk_id, "kiosk", "stopped", staff))
            self.exit()

        self.push_screen(PinDialog(), done)

    def _tick(self) -> None:
        choice_made = (self.lang, self.priority) != (self.default_lang, False)
        if (choice_made and isinstance(self.screen, StartScreen)
                and time.monotonic() - self._last_choice > IDLE_RESET_S):
            self.lang, self.priority = self.default_lang, False
        self.refresh_view()

    # -- KccApp hooks ------------------------------------------------------------------------
    def before_redraw(self) -> None:
        if self.store is not None and not self._started:
            self._started = True
            # The first heartbeat as soon as the store is open; with a printer just after the
            # start screen is shown: its status check loads python-escpos (printing.py, in a
            # worker thread), which that screen need not wait for.
            if self.printer is None:
                self._beat()
            else:
                self.set_timer(FIRST_BEAT_S, self._beat)
            self.run_worker(self._recover_unprinted(), group="health", exit_on_error=False)


def _is_host(app: KioskApp) -> KioskHost:
    return app  # mypy: KioskApp is what its screens take it for
