"""The check-in screen: "Ik heb een afspraak" (issue 18). The citizen types the booking's code
on the on-screen keypad, or scans it: a barcode or QR scanner types like a keyboard and ends
with Enter. A valid code gives a ticket marked as the appointment (the confirmation says the
booked time); otherwise the reason, in the citizen's language, and for a cancelled or late
appointment the offer of a walk-in ticket for the same service.

The screen only draws and forwards; the app checks in (`KioskHost.check_in`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Static

from ...domain.appointments import CheckInRefusal
from ..base import AppOf, StoreBanner
from .host import KioskHost
from .texts import t
from .widgets import KioskButton

IDLE_S = 45.0  # back to the start screen when nobody touches it this long
CODE_MAX = 40
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok")
# refusals after which a walk-in ticket for the appointment's service is offered
OFFER_WALK_IN = (CheckInRefusal.CANCELLED.value, CheckInRefusal.TOO_LATE.value)


class CheckInScreen(Screen[None]):
    AUTO_FOCUS = "#ci-code"

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self.walk_in_service: str | None = None

    kiosk: AppOf[KioskHost] = AppOf()

    def compose(self) -> ComposeResult:
        lang = self.kiosk.lang
        yield StoreBanner()
        with Vertical(id="ci-panel"):
            yield Static(t(lang, "appointment"), id="ci-title")
            yield Static(t(lang, "ci_prompt"), id="ci-prompt")
            yield Input(id="ci-code", max_length=CODE_MAX, select_on_focus=False)
            with Grid(id="ci-keypad"):
                for key in KEYS:
                    label = {"del": "⌫", "ok": t(lang, "ci_ok")}.get(key, key)
                    yield KioskButton(label, id=f"key-{key}", classes="key")
            yield Static("", id="ci-message")
            with Horizontal(id="ci-actions"):
                yield KioskButton(t(lang, "ci_back"), id="ci-back")
                yield KioskButton(t(lang, "walk_in"), id="ci-walk-in")

    def on_mount(self) -> None:
        self.query_one("#ci-walk-in").display = False
        for key in self.query(".key"):
            key.can_focus = False  # a touch on the keypad leaves the scanner's field focused
        self.query_one("#ci-code", Input).cursor_blink = False  # steady: read at arm's length
        self._arm()

    def redraw(self) -> None:
        """Nothing here follows the store: the answer comes with the check-in."""

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(IDLE_S, lambda: self.kiosk.back_to_start(self))

    # -- typing ------------------------------------------------------------------------------
    @on(Button.Pressed, ".key")
    def _key(self, event: Button.Pressed) -> None:
        self._arm()
        key = (event.button.id or "").removeprefix("key-")
        field = self.query_one("#ci-code", Input)
        if key == "ok":
            self._submit(field.value)
        elif key == "del":
            field.value = field.value[:-1]
        elif len(field.value) < CODE_MAX:
            field.value += key
        field.cursor_position = len(field.value)

    @on(Input.Changed, "#ci-code")
    def _typed(self) -> None:
        self._arm()

    @on(Input.Submitted, "#ci-code")
    def _scanned(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def _submit(self, code: str) -> None:
        if not code.strip():
            return
        self.say(t(self.kiosk.lang, "ci_checking"))
        self.kiosk.check_in(code, self)

    # -- the answer ----------------------------------------------------------------------------
    def say(self, text: str, walk_in: str | None = None) -> None:
        """Show why the code did not check in (or that it is being checked); `walk_in`: the
        service a walk-in ticket is offered for."""
        self.walk_in_service = walk_in
        self.query_one("#ci-message", Static).update(text)
        self.query_one("#ci-walk-in").display = walk_in is not None

    def refused(self, code: str, params: dict[str, object]) -> None:
        lang = self.kiosk.lang
        words = {k: str(v) for k, v in params.items()}
        key = code if code in {r.value for r in CheckInRefusal} else "try_again"
        service = words.get("service")
        self.say(t(lang, key, **words) if key != "try_again" else t(lang, key),
                 service if code in OFFER_WALK_IN and service else None)
        field = self.query_one("#ci-code", Input)
        field.value = ""
        field.focus()

    @on(Button.Pressed, "#ci-back")
    def _back(self) -> None:
        self.kiosk.back_to_start(self)

    @on(Button.Pressed, "#ci-walk-in")
    def _walk_in(self) -> None:
        if self.walk_in_service is not None:
            self.kiosk.request_ticket(self.walk_in_service)
