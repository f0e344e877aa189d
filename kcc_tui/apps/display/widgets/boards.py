"""The three panels: the call now (big), the previous calls, and the queues per service.

Each panel has a fixed pool of child widgets made once and updated in place: a display that
runs for days must not mount a widget per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Static

from .bigtext import BigText

Layouts = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Row:
    """One call as a panel shows it."""

    layouts: Layouts
    fresh: bool = False  # called within the highlight time
    recall: bool = False


class NowCalled(Vertical):
    """The newest call, as big as the space allows; highlighted while it is fresh."""

    DEFAULT_CSS = """
    NowCalled { height: 1fr; border: heavy $primary; border-title-align: center;
                border-title-style: bold; padding: 0 1; }
    NowCalled > #now-columns { height: 1; width: 100%; text-align: center; color: $text-muted; }
    NowCalled > BigText { height: 1fr; color: $text; }
    NowCalled > #now-detail { height: 1; width: 100%; text-align: center; text-style: bold; }
    NowCalled.-fresh { background: $warning; border: heavy $warning-lighten-2;
                       border-title-color: $background; }
    NowCalled.-fresh > BigText, NowCalled.-fresh > Static { color: $background; }
    NowCalled.-offline > BigText { color: $text-disabled; }
    """

    _shown: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="now-columns")
        yield BigText(id="now-call")
        yield Static(id="now-detail")

    def show(self, title: str, columns: str, row: Row | None, detail: Text) -> None:
        # Called every second: only what changed is redrawn.
        shown = (title, columns, row, detail)
        if shown == self._shown:
            return
        self._shown = shown
        self.border_title = title
        self.query_one("#now-columns", Static).update(columns)
        self.query_one(BigText).update(*(row.layouts if row else ()))
        self.query_one("#now-detail", Static).update(detail)
        self.set_class(bool(row and row.fresh), "-fresh")


class HistoryBoard(Vertical):
    """The previous calls, newest first, in one column or, when a column would make them too
    small to read, in two (read top to bottom, then the second column)."""

    DEFAULT_CSS = """
    HistoryBoard { height: 1fr; border: heavy $primary-darken-2; border-title-align: center;
                   padding: 0 1; }
    HistoryBoard > Grid { grid-size: 1; grid-gutter: 0 2; grid-rows: 1fr; height: 1fr; }
    HistoryBoard BigText { height: 1fr; color: $text; }
    HistoryBoard BigText.-fresh { color: $warning; }
    HistoryBoard BigText.-recall { text-style: italic; }
    """

    MIN_ROWS = 3  # a row needs this many lines for the small big font (3×5 pixels)
    MIN_WIDTH = 31  # ... and this many columns for "A012 ▸ 3"

    def __init__(self, size: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.size_ = max(1, size)
        self.columns = 1
        self.rows_per_column = self.size_

    def compose(self) -> ComposeResult:
        with Grid():
            for i in range(self.size_):
                yield BigText(id=f"history-{i}")

    def on_resize(self, event: Resize) -> None:
        self.fit_rows()

    def fit_rows(self) -> None:
        """Rows of equal height, as many as stay readable: big characters when at least three
        rows fit a column, else plain lines; a second column when one is not enough."""
        height, width = self.content_size.height, self.content_size.width
        n = self.size_
        fit_big = height // self.MIN_ROWS
        columns = 2 if n > fit_big and n > 1 and width >= 2 * self.MIN_WIDTH + 2 else 1
        if fit_big >= min(3, -(-n // columns)):
            rows = min(-(-n // columns), fit_big)
        else:  # too little room for big characters: one plain line per call
            rows = min(-(-n // columns), max(1, height))
        row_height = max(1, height // rows) if rows else 1
        self.columns, self.rows_per_column = columns, rows
        grid = self.query_one(Grid)
        grid.styles.grid_size_columns = columns
        grid.styles.grid_rows = str(row_height)
        for i, cell in enumerate(self.query(BigText)):
            cell.display = i < rows * columns

    def slots(self) -> list[BigText]:
        """The visible row widgets in reading order: down the first column, then the second."""
        cells = list(self.query(BigText))[: self.rows_per_column * self.columns]
        if self.columns == 1:
            return cells
        rows = self.rows_per_column
        return [cells[(i % rows) * 2 + i // rows] for i in range(len(cells))]

    def show(self, title: str, rows: list[Row]) -> None:
        self.border_title = title
        for i, cell in enumerate(self.slots()):
            row = rows[i] if i < len(rows) else None
            cell.update(*(row.layouts if row else ()))
            cell.set_class(bool(row and row.fresh), "-fresh")
            cell.set_class(bool(row and row.recall), "-recall")


class QueueBoard(Vertical):
    """Per service: its ticket letter, name, how many wait and the wait for a ticket now.

    Compact (small terminals): one line per service, letter and figures only.
    """

    DEFAULT_CSS = """
    QueueBoard { height: auto; border: heavy $primary-darken-2; border-title-align: center;
                 padding: 0 1; }
    QueueBoard > Grid { grid-size: 3; grid-gutter: 0 2; grid-rows: 2; height: auto; }
    QueueBoard Static { height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    QueueBoard.-compact > Grid { grid-rows: 1; }
    QueueBoard.-compact Static { height: 1; }
    """

    CELL_WIDTH = 32
    COMPACT_WIDTH = 18

    compact: reactive[bool] = reactive(False)

    def __init__(self, services: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services = services
        self._cells: dict[str, tuple[Text, Text]] = {}

    def compose(self) -> ComposeResult:
        with Grid():
            for code in self.services:
                yield Static(id=f"queue-{code}")

    def watch_compact(self, compact: bool) -> None:
        self.set_class(compact, "-compact")
        self._columns()
        self._draw()

    def on_resize(self, event: Resize) -> None:
        self._columns()

    def _columns(self) -> None:
        cell = self.COMPACT_WIDTH if self.compact else self.CELL_WIDTH
        columns = max(1, min(len(self.services), self.content_size.width // cell))
        grid = self.query_one(Grid)
        if grid.styles.grid_size_columns != columns:
            grid.styles.grid_size_columns = columns

    def show(self, title: str, cells: dict[str, tuple[Text, Text]]) -> None:
        """cells: service code → (full text, compact text), never markup (names come from
        config)."""
        if title == self.border_title and cells == self._cells:
            return  # called every second: redraw only what changed
        self.border_title = title
        self._cells = cells
        self._draw()

    def _draw(self) -> None:
        for code, (full, short) in self._cells.items():
            self.query_one(f"#queue-{code}", Static).update(short if self.compact else full)
