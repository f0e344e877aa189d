"""The clock in the corner and the ticker line with the coordinator's messages."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from ...plain import plain
from .bigtext import BigText

SEPARATOR = "   ✦   "
CHARS_PER_S = 6  # scroll speed: slow enough to read from across the room


class ClockFace(Vertical):
    """Time in big digits, the date underneath in the current language."""

    DEFAULT_CSS = """
    ClockFace { width: auto; min-width: 16; height: 100%; }
    ClockFace > BigText { height: 1fr; width: 100%; }
    ClockFace > Static { height: 1; width: 100%; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        yield BigText(id="clock-time")
        yield Static(id="clock-date")

    _shown: tuple[str, str] = ("", "")

    def show(self, hhmm: str, date_text: str) -> None:
        if (hhmm, date_text) == self._shown:
            return  # called every second; the minute changes once a minute
        self._shown = (hhmm, date_text)
        self.query_one(BigText).update((hhmm,))
        self.query_one(Static).update(date_text)


class Ticker(Widget):
    """One line of broadcast messages. Short text stands still; long text scrolls.

    The scroll position is a function of the clock, not a counter, so that a fixed clock in a
    snapshot test gives a fixed picture and a late timer tick never makes it jump back.
    """

    DEFAULT_CSS = """
    Ticker { height: 1; width: 100%; display: none; }
    Ticker.-active { display: block; }
    """

    text: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now: datetime | None = None

    def validate_text(self, text: str) -> str:
        return plain(text)  # no empty boxes for emoji in a browser (apps/plain.py)

    def watch_text(self, text: str) -> None:
        self.set_class(bool(text), "-active")

    def tick(self, now: datetime) -> None:
        """Move on to where the text is at `now`; only a text that scrolls is redrawn."""
        self._now = now
        if len(self.text) > self.content_size.width:
            self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        if not self.text or width <= 0:
            return Text("")
        if len(self.text) <= width:
            return Text(self.text.center(width), no_wrap=True)
        loop = self.text + plain(SEPARATOR)
        t = self._now.timestamp() if self._now is not None else 0.0
        start = int(t * CHARS_PER_S) % len(loop)
        shown = (loop * (width // len(loop) + 2))[start:start + width]
        return Text(shown, no_wrap=True, overflow="crop")
