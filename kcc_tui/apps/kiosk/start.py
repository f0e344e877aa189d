"""The start screen: language buttons, one large button per service, the priority option.

The screen only draws and forwards presses; the app decides (debounce, issuing, printing).
Keyboard: Tab/arrows move between buttons, Enter or Space presses, 1-9 pick a service.
"""

from __future__ import annotations

import time

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.screen import Screen
from textual.widgets import Button, Static

from ...domain.clock import local
from ..base import AppOf, StoreBanner
from ..literal import literal
from .availability import availability
from .host import KioskHost
from .texts import LANG_LABELS, closed_text, t
from .widgets import KioskButton, LangButton, Notice, ServiceButton

OPERATOR_TAPS = 5  # taps on the office name within OPERATOR_TAP_S open the operator's PIN dialog
OPERATOR_TAP_S = 3.0
SMALL_HEIGHT = 30  # rows below which the screen drops its spacing (see kiosk.tcss "-small")


class StartScreen(Screen[None]):
    AUTO_FOCUS = "ServiceButton"  # keyboard users start on the first service, not on NL
    BINDINGS = [
        Binding("down,right", "app.focus_next", show=False),
        Binding("up,left", "app.focus_previous", show=False),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._taps: list[float] = []

    kiosk: AppOf[KioskHost] = AppOf()

    def compose(self) -> ComposeResult:
        app = self.kiosk
        yield StoreBanner()
        with Horizontal(id="top"):
            yield Static(literal(app.office.name), id="office")
            yield Static("", id="clock")
            if len(app.languages) > 1:
                for lang in app.languages:
                    yield LangButton(lang, LANG_LABELS.get(lang, lang.upper()))
        yield Static("", id="welcome")
        yield Notice(id="printer-notice")
        with Grid(id="services"):
            for code in app.services:
                yield ServiceButton(code, id=f"svc-{code}")
        if app.priority_offered or app.appointments_offered:
            with Horizontal(id="extras"):
                if app.priority_offered:
                    yield KioskButton("", id="priority")
                if app.appointments_offered:
                    yield KioskButton("", id="appointment")

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self, event: events.Resize) -> None:
        # A small terminal (80x24) must still show every service: tighter chrome there.
        self.set_class(event.size.height < SMALL_HEIGHT, "-small")

    def redraw(self) -> None:
        """Redraw from the store's state, the clock and the chosen language."""
        app = self.kiosk
        lang, now = app.lang, app.clock()
        state = app.store.state if app.store else None
        self.query_one("#welcome", Static).update(f"{t(lang, 'welcome')} — {t(lang, 'choose')}")
        self.query_one("#clock", Static).update(
            local(now, app.office.timezone).strftime("%d/%m/%Y  %H:%M"))
        for button in self.query(LangButton):
            button.set_class(button.lang == lang, "-current")
        for button in self.query(ServiceButton):
            a = availability(state, app.office, button.service, now, app.priority)
            reason = None
            if not a.ok:
                reason = (closed_text(lang, a.opens_at, a.opens_days,
                                      local(now, app.office.timezone).date())
                          if a.reason == "closed" else t(lang, a.reason or ""))
            button.show(app.office.services[button.service].name(lang), reason)
        if self.focused is None:
            # Auto focus found nothing while the store was still opening (every button
            # disabled): give keyboard users the first service that can be taken.
            first = next((b for b in self.query(ServiceButton) if not b.disabled), None)
            if first is not None:
                first.focus()
        if app.appointments_offered:
            self.query_one("#appointment", KioskButton).label = t(lang, "appointment")
        if app.priority_offered:
            prio = self.query_one("#priority", KioskButton)
            prio.label = t(lang, "priority_on" if app.priority else "priority")
            prio.set_class(app.priority, "-on")
        down = app.printer is not None and not app.printer.available and state is not None
        self.query_one("#printer-notice", Notice).say(t(lang, "printer_down") if down else None)

    # -- presses ---------------------------------------------------------------------------
    @on(Button.Pressed, "ServiceButton")
    def _service(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, ServiceButton)
        self.kiosk.request_ticket(event.button.service)

    @on(Button.Pressed, "LangButton")
    def _lang(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, LangButton)
        self.kiosk.choose_lang(event.button.lang)

    @on(Button.Pressed, "#priority")
    def _priority(self) -> None:
        self.kiosk.toggle_priority()

    @on(Button.Pressed, "#appointment")
    def _appointment(self) -> None:
        self.kiosk.open_check_in()

    def action_pick(self, n: int) -> None:
        buttons = list(self.query(ServiceButton))
        if 0 < n <= len(buttons) and not buttons[n - 1].disabled:
            buttons[n - 1].focus()
            buttons[n - 1].press()

    def on_click(self, event: events.Click) -> None:
        """The hidden operator gesture: tap the office name five times in three seconds."""
        if event.widget is None or event.widget.id != "office":
            return
        now = time.monotonic()
        self._taps = [at for at in self._taps if now - at < OPERATOR_TAP_S] + [now]
        if len(self._taps) >= OPERATOR_TAPS:
            self._taps.clear()
            self.kiosk.action_operator()
