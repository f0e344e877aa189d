"""Today in a small text chart: arrivals vs served per hour, and the queue length through the day.

Plain Rich text with eighth-block bars (no plotting dependency); both charts share one time axis,
three columns per hour, so the queue lines up under the hour that caused it.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from .board import DayChart

BLOCKS = " ▁▂▃▄▅▆▇█"
AXIS = 4  # width of the value labels left of the bars
ARRIVED, SERVED, QUEUE = "dodger_blue1", "green3", "orange1"


def column(value: int, top: int, height: int) -> list[str]:
    """One bar, top row first; a value above zero always shows at least one eighth."""
    eighths = round(value / top * height * 8) if top else 0
    if value > 0:
        eighths = max(1, eighths)
    return [BLOCKS[max(0, min(8, eighths - (height - 1 - row) * 8))] for row in range(height)]


def render_chart(chart: DayChart, width: int, bar_rows: int = 5, queue_rows: int = 3,
                 bar_width: int = 1) -> Text:
    """Both charts; an hour takes 3 × `bar_width` columns (arrivals, served, gap above; three
    queue steps below). Hours that do not fit in `width` are cut from the start."""
    bw = max(1, bar_width)
    slots = max(1, (width - AXIS - 1) // (3 * bw))  # hours that fit
    first = max(0, len(chart.hours) - slots)  # too narrow: keep the latest hours
    hours = chart.hours[first:]
    per_hour = len(chart.queue) // max(1, len(chart.hours))
    arrivals, served = chart.arrivals[first:], chart.served[first:]
    queue = chart.queue[first * per_hour:]
    top = max([*arrivals, *served, 1])
    out = Text()
    out.append("Aangekomen ")
    out.append("█", ARRIVED)
    out.append(f" {sum(chart.arrivals)}  geholpen ")
    out.append("█", SERVED)
    out.append(f" {sum(chart.served)}  per uur\n")
    bars = [(column(a, top, bar_rows), column(s, top, bar_rows))
            for a, s in zip(arrivals, served, strict=True)]
    for row in range(bar_rows):
        out.append(_label(top if row == 0 else 0 if row == bar_rows - 1 else None), "dim")
        for a, s in bars:
            out.append(a[row] * bw, ARRIVED)
            out.append(s[row] * bw, SERVED)
            out.append(" " * bw)
        out.append("\n")
    out.append(_hour_axis(hours, 3 * bw))
    peak = max(queue, default=0)
    out.append("\nWachtrij")
    if peak:
        at = chart.queue_start + chart.queue_step * (first * per_hour + queue.index(peak))
        out.append(f"  (piek {peak} om {at:%H:%M})", "dim")
    out.append("\n")
    cols = [column(q, max(peak, 1), queue_rows) for q in queue]
    step_width = 3 * bw // max(1, per_hour)
    for row in range(queue_rows):
        out.append(_label(peak if row == 0 else 0 if row == queue_rows - 1 else None), "dim")
        for c in cols:
            out.append(c[row] * step_width, QUEUE)
        out.append("\n")
    out.append(_hour_axis(hours, 3 * bw))
    return out


def _label(value: int | None) -> str:
    return " " * AXIS + "│" if value is None else f"{value:>{AXIS}}┤"


def _hour_axis(hours: list[int], slot: int) -> Text:
    return Text(" " * (AXIS + 1) + "".join(f"{h:02d}".ljust(slot) for h in hours), "dim")


class DayChartView(Static):
    """The chart of today, redrawn only when its figures or its size change; the bars grow
    with the room there is (a 1080p monitor gets a taller chart)."""

    DEFAULT_CSS = """
    DayChartView { width: auto; height: 1fr; padding: 0 1; }
    """
    MAX_WIDTH = 80  # 24 hours fit; a narrower terminal crops the chart on the right

    def __init__(self, **kw: object) -> None:
        super().__init__("", **kw)  # type: ignore[arg-type]
        self.chart: DayChart | None = None
        self._drawn: tuple[DayChart, int, int, int] | None = None

    def show(self, chart: DayChart) -> None:
        self.chart = chart
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def rows(self) -> tuple[int, int]:
        """Rows for the hourly bars and for the queue: 3/5 and 2/5 of the free height."""
        free = self.content_size.height - 4  # two titles and two time axes
        bars = max(5, free * 3 // 5)
        return bars, max(3, free - bars)

    def _draw(self) -> None:
        if self.chart is None:
            return
        bars, queue = self.rows()
        width = self.bar_width()
        if self._drawn != (self.chart, bars, queue, width):
            self._drawn = (self.chart, bars, queue, width)
            self.update(render_chart(self.chart, self.MAX_WIDTH * width, bars, queue, width))

    def bar_width(self) -> int:
        """Wider bars where the layout gives the chart a width of its own (-wide board)."""
        if self.styles.width is None or self.styles.width.is_auto or self.chart is None:
            return 1
        hours = max(1, len(self.chart.hours))
        return max(1, min(4, (self.content_size.width - AXIS - 1) // (3 * hours)))
