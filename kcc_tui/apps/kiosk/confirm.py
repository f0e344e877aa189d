"""The confirmation screen: the number, the service, people ahead, the estimated wait and
whether the paper ticket came out. It returns to the start screen by itself.

While the ticket is still printing the screen stays (a printer may take up to its timeout to
fail); when printing failed the number grows and the screen stays longer, so the citizen can
note it down: a printer problem never loses a ticket.
"""

from __future__ import annotations

import time
from typing import Literal

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static

from ...wait_words import minutes_words
from ..base import AppOf, StoreBanner
from ..literal import literal
from ..plain import plain
from .host import KioskHost
from .printing import IssuedTicket
from .start import SMALL_HEIGHT
from .texts import colon, t
from .widgets import BigNumber, KioskButton

PrintState = Literal["printing", "printed", "failed", "no_printer"]
FAILED_MIN_S = 20.0  # a number to note down stays at least this long


class ConfirmScreen(Screen[None]):
    def __init__(self, ticket: IssuedTicket, state: PrintState, seconds: float) -> None:
        super().__init__()
        self.ticket = ticket
        self.print_state: PrintState = state
        self.seconds = seconds
        self._timer: Timer | None = None

    kiosk: AppOf[KioskHost] = AppOf()

    def compose(self) -> ComposeResult:
        tk, lang = self.ticket, self.ticket.lang
        service = self.kiosk.office.services[tk.service]
        yield StoreBanner()
        with Vertical(id="ticket"):
            yield Static(t(lang, "your_number"), id="c-title")
            yield BigNumber(tk.number, id="c-number")
            yield Static(literal(service.name(lang)), id="c-service")
            if tk.priority:  # the citizen asked for priority: confirm it, as the paper does
                yield Static(plain(f"★ {t(lang, 'priority_ticket')}"), id="c-priority")
            if tk.booked:  # checked in for an appointment: its booked time, as the paper says
                yield Static(t(lang, "booked_at", time=tk.booked, minutes=tk.duration_min or ""),
                             id="c-booked")
            c = colon(lang)
            facts = f"{t(lang, 'people_ahead')}{c}{tk.people_ahead}"
            facts += (f"   ·   {t(lang, 'estimated_wait')}{c}"
                      f"{minutes_words(tk.wait_min, tk.wait_code, lang)}")
            yield Static(facts, id="c-facts")
            yield Static("", id="c-status")
            info = dict(service.citizen_info)  # "what to bring", in the ticket's language
            yield Static(literal(info.get(lang) or info.get("nl") or "", newlines=True),
                         id="c-info")
            if tk.url:  # the ticket's phone page (docs/phone.md), also in the printed QR
                yield Static(literal(f"{t(lang, 'phone_page')} {tk.url}"), id="c-url")
            with Center():
                yield KioskButton(t(lang, "ok"), id="c-ok")
            yield Static(t(lang, "closes"), id="c-closes")

    def on_resize(self, event: events.Resize) -> None:
        # On a small terminal the number and the status come first; "what to bring" goes.
        self.set_class(event.size.height < SMALL_HEIGHT, "-small")

    def on_mount(self) -> None:
        self._draw()
        self._arm(self._duration())
        # The number is on screen once this refresh is done: what the benchmark measures.
        self.call_after_refresh(self.kiosk.mark, self.ticket.number, "shown", time.perf_counter())

    # -- the print outcome -------------------------------------------------------------------
    def set_print_state(self, state: PrintState) -> None:
        self.print_state = state
        if self.is_mounted:  # else on_mount draws it (printing can beat the first paint)
            self._draw()
            self._arm(self._duration())

    def _draw(self) -> None:
        lang, state = self.ticket.lang, self.print_state
        try:
            title = self.query_one("#c-title", Static)
            status_line = self.query_one("#c-status", Static)
        except NoMatches:  # the screen is already being taken down (the next citizen's press)
            return
        failed = state == "failed"
        self.set_class(failed, "-failed")
        title.update(t(lang, "remember") if failed else t(lang, "your_number"))
        status = {"printing": t(lang, "printing"), "printed": t(lang, "printed"),
                  "failed": t(lang, "print_failed"), "no_printer": t(lang, "no_printer")}[state]
        status_line.update(status)

    def _duration(self) -> float:
        return max(self.seconds * 2, FAILED_MIN_S) if self.print_state == "failed" else self.seconds

    def _arm(self, seconds: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(seconds, self._timeout)

    def _timeout(self) -> None:
        if self.print_state == "printing":  # never leave before the citizen knows
            self._arm(0.5)
            return
        self.kiosk.back_to_start(self)

    @on(Button.Pressed, "#c-ok")
    def _ok(self) -> None:
        # The same guard as the service buttons: the second tap of a double tap, or a held
        # Enter, must not close the screen the first tap opened.
        if self.print_state != "printing" and self.kiosk.accept_press():
            self.kiosk.back_to_start(self)
