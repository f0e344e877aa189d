"""The operator's exit: a PIN pad that closes the kiosk for maintenance.

Opened by a hidden key (F12) or gesture (five taps on the office name). Any staff member with
the coordinator role may close the kiosk with their PIN. The PIN is typed on an on-screen pad
(a touch kiosk has no keyboard) or with the digit keys, and shown as dots only. Every PIN typed
here is recorded in the store (`OperatorPin`) and counts towards the same lockout as a login at
a counter or the coordinator pane: a wrong one counts against every coordinator it was tried
against. While every coordinator is locked the pad does not open, in this process or any
other (a restarted kiosk, another browser tab under `kcc serve`). A dialog nobody touches closes
by itself so a curious citizen cannot leave the kiosk stuck on it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Static

from ...domain.office import Office
from ...pepper import check_pin
from ..base import AppOf
from .host import KioskHost
from .texts import OPERATOR

IDLE_S = 30.0
MAX_PIN = 12


def coordinator_for(office: Office, pin: str, candidates: list[str],
                    db: Path) -> str | None:
    """The coordinator among `candidates` (those not locked) whose PIN this is, or None. Slow
    on purpose (scrypt): run in a thread."""
    for sid in candidates:
        if check_pin(pin, office.staff[sid].pin_hash, db):
            return sid
    return None


class PadKey(Button):
    """A PIN pad key. A Button ignores taps for 0.2 s after one (its press animation); a PIN
    such as 9999 is tapped faster than that."""

    def __init__(self, label: str, *, id: str, variant: str = "default") -> None:
        super().__init__(label, id=id, variant=variant)  # type: ignore[arg-type]
        self.active_effect_duration = 0.05


class PinDialog(ModalScreen[str | None]):
    """Returns the coordinator's staff id when the PIN is right, else None."""

    DEFAULT_CSS = """
    PinDialog { align: center middle; background: $background 70%; }
    PinDialog #pin-box { width: 44; height: auto; padding: 1 2; border: thick $accent;
                         background: $surface; }
    PinDialog #pin-title { text-style: bold; width: 100%; content-align: center middle; }
    PinDialog #pin-dots { width: 100%; height: 3; content-align: center middle;
                          border: round $panel-lighten-2; text-style: bold; }
    PinDialog #pin-error { color: $error; width: 100%; height: auto; }
    PinDialog #pad { grid-size: 3; grid-gutter: 0 1; height: auto; margin-top: 1; }
    PinDialog #pad PadKey { width: 100%; height: 3; min-width: 4; }
    """

    # All priority: Enter must submit the PIN, not press whichever pad key has focus, and
    # priority bindings run ahead of the focused widget's queue — were the digits not
    # priority too, "1234⏎" arriving in one read would submit before the digits landed.
    BINDINGS = [
        *(Binding(str(n), f"digit('{n}')", show=False, priority=True) for n in range(10)),
        Binding("backspace", "erase", show=False, priority=True),
        Binding("enter", "submit", show=False, priority=True),
        Binding("escape", "cancel", show=False, priority=True),
    ]
    AUTO_FOCUS = None

    def __init__(self) -> None:
        super().__init__()
        self.pin = ""
        self._busy = False
        self._idle: Timer | None = None

    kiosk: AppOf[KioskHost] = AppOf()

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Static(OPERATOR["title"], id="pin-title")
            yield Static(OPERATOR["prompt"])
            yield Static("", id="pin-dots")
            yield Static("", id="pin-error")
            with Grid(id="pad"):
                for key in "123456789":
                    yield PadKey(key, id=f"pad-{key}")
                yield PadKey("⌫", id="pad-erase")
                yield PadKey("0", id="pad-0")
                yield PadKey("OK", id="pad-ok", variant="primary")
            yield Button(OPERATOR["cancel"], id="pad-cancel")

    def on_mount(self) -> None:
        self._touch()

    def _touch(self) -> None:
        if self._idle is not None:
            self._idle.stop()
        self._idle = self.set_timer(IDLE_S, self.action_cancel)

    def _draw(self) -> None:
        self.query_one("#pin-dots", Static).update("● " * len(self.pin))

    @on(Button.Pressed)
    async def _pad(self, event: Button.Pressed) -> None:
        key = (event.button.id or "").removeprefix("pad-")
        if key.isdigit():
            self.action_digit(key)
        elif key == "erase":
            self.action_erase()
        elif key == "ok":
            await self.action_submit()
        elif key == "cancel":
            self.action_cancel()

    def action_digit(self, digit: str) -> None:
        self._touch()
        if len(self.pin) < MAX_PIN and not self._busy:
            self.pin += digit
            self._draw()

    def action_erase(self) -> None:
        self._touch()
        self.pin = self.pin[:-1]
        self._draw()

    def action_cancel(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss(None)

    async def action_submit(self) -> None:
        if self._busy or not self.pin:
            return
        self._touch()
        self._busy = True
        error = self.query_one("#pin-error", Static)
        error.update(OPERATOR["checking"])
        pin, self.pin = self.pin, ""
        self._draw()
        kiosk = self.kiosk
        candidates = kiosk.operator_candidates()
        staff = await asyncio.to_thread(coordinator_for, kiosk.office, pin, candidates,
                                        kiosk.db_path)
        ok, left = await kiosk.operator_pin(staff)
        self._busy = False
        if not self.is_attached:
            return
        if ok:
            self.dismiss(staff)
        elif left is None:  # locked now, or the attempt could not be recorded
            self.dismiss(None)
        else:
            error.update(OPERATOR["wrong"].format(
                left=left, pogingen="poging" if left == 1 else "pogingen"))
