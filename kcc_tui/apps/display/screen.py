"""The one screen of the wall display: its panels, and how they rearrange with the size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from ..base import AppOf, StoreBanner
from ..literal import literal
from .widgets import ClockFace, HistoryBoard, NowCalled, QueueBoard, Ticker

NARROW = 100  # columns below which the history goes under the call instead of beside it
SHORT = 30  # rows below which the header shrinks
TINY_W, TINY_H = 70, 22  # below either, the header gives up more room

if TYPE_CHECKING:
    from .app import DisplayApp


class DisplayScreen(Screen[None]):
    kcc: AppOf[DisplayApp] = AppOf()

    def __init__(self, office_name: str, history: int, services: list[str]) -> None:
        super().__init__()
        self.office_name = office_name
        self.history = history
        self.services = services
        self.ready = False

    def compose(self) -> ComposeResult:
        yield StoreBanner()
        with Horizontal(id="top"):
            yield Static(literal(self.office_name), id="office-name")
            yield ClockFace(id="clock")
        with Horizontal(id="main"):
            yield NowCalled(id="now")
            yield HistoryBoard(self.history, id="history")
        yield QueueBoard(self.services, id="queues")
        yield Ticker(id="ticker")

    def on_mount(self) -> None:
        self.ready = True
        self.kcc.before_redraw()  # not yet `is_mounted`: the first drawing is this screen's
        self.redraw()

    def redraw(self) -> None:
        self.kcc.redraw()

    def on_resize(self, event: Resize) -> None:
        # Classes, not sizes in code: display.tcss says what each one changes.
        w, h = event.size
        self.set_class(w < NARROW, "-narrow")
        self.set_class(h < SHORT, "-short")
        tiny = w < TINY_W or h < TINY_H
        self.set_class(tiny, "-tiny")
        # The queues take one line per service when rows are scarce: the call comes first.
        self.query_one(QueueBoard).compact = tiny or h < SHORT
