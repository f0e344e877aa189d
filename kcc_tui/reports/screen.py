"""The report screen of the coordinator pane: today or yesterday per service and per post, the
recurring topics, and the staffing advice for next Monday.

The one Textual module of `reports` (the rest is shared with the CLI); the coordinator app pushes
it (docs/reports.md, "In the coordinator pane"):

    self.app.push_screen(ReportScreen(app.db_path, app.office, clock=app.clock,
                                      office_source=app.settings.source))

Figures come from `summary` and `advice_for` in workers, never on the event loop's time; today's
report is read again every REFRESH_S while it is shown. Tables are diffed by row key, so the
cursor stays where the coordinator put it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker

from ..apps.base import StoreBanner
from ..domain.clock import Clock, system_clock
from ..domain.office import Office
from ..store import StoreError
from .period import PeriodError
from .report import Report, advice_for, summary
from .staffing import Advice, StaffingError
from .text import cell
from .topics import top

REFRESH_S = 30.0
SERVICE_COLS = (("label", "Service"), ("issued", "Issued"), ("served", "Served"),
                ("no_shows", "No-show"), ("mean_wait_min", "Wait"), ("p90_wait_min", "p90"),
                ("sl", "SL"), ("sl_offered", "SL off."), ("mean_service_min", "Service"))
POST_COLS = (("label", "Post"), ("called", "Called"), ("served", "Served"),
             ("mean_service_min", "Service"), ("sl", "SL"), ("open_h", "Open h"),
             ("idle_h", "Idle h"), ("phone_calls", "Phone"))
ADVICE_COLS = (("slot", "Hour"), ("arrivals_per_hour", "Arr./h"), ("erlang_posts", "Erlang"),
               ("posts", "Posts"), ("simulated_sl", "Sim. SL"))
NAME_WIDTH = 28


def cells(columns: tuple[tuple[str, str], ...], row: dict[str, Any]) -> list[Text | str]:
    """Plain text (a name may hold "[", which markup would eat), as on the coordinator board."""
    out: list[Text | str] = [Text(str(row[columns[0][0]])[:NAME_WIDTH])]
    return out + [Text(cell(k, row.get(k))) for k, _ in columns[1:]]


class ReportTable(DataTable[Text | str]):
    DEFAULT_CSS = """
    ReportTable { height: auto; max-height: 12; margin-bottom: 1; }
    """

    def __init__(self, columns: tuple[tuple[str, str], ...], **kw: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self.spec = columns
        self.shown: dict[str, list[Text | str]] = {}
        for key, label in columns:
            self.add_column(label, key=key)

    def show(self, rows: list[dict[str, Any]], key: str = "key") -> None:
        """Diff by row key: add, update changed cells, remove (the cursor stays put). Not the
        coordinator's `sync_rows`: the coordinator app imports this module, not the reverse."""
        want = {str(r[key]): cells(self.spec, r) for r in rows}
        for k, new in want.items():
            old = self.shown.get(k)
            if k not in self.rows:
                self.add_row(*new, key=k)
            elif old is not None:
                for (col, _), a, b in zip(self.spec, old, new, strict=True):
                    if str(a) != str(b):
                        self.update_cell(k, col, b)
            self.shown[k] = new
        for k in [k for k in self.shown if k not in want]:
            self.remove_row(k)
            del self.shown[k]
        if [r.value for r in self.rows] != list(want):  # a row came in between: reorder
            pos = {str(c[0]): i for i, c in enumerate(want.values())}
            self.sort(self.spec[0][0], key=lambda first: pos.get(str(first), len(pos)))


class ReportScreen(Screen[None]):
    """Today's or yesterday's report; t / y switch, r reads again, Escape goes back."""

    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #title { height: 1; background: $primary; color: $text; padding: 0 1;
                          text-style: bold; }
    ReportScreen #message { height: auto; color: $warning; padding: 0 1; }
    ReportScreen #tables { height: auto; padding: 0 1; }
    ReportScreen #below { height: 1fr; }
    ReportScreen #below > Vertical { width: 1fr; padding: 0 1; }
    ReportScreen .heading { text-style: bold; height: 1; }
    ReportScreen #topics, ReportScreen #advice-note { height: auto; }
    ReportScreen #advice-note { color: $text-muted; }
    """
    BINDINGS = [
        Binding("t", "period('today')", "Today"),
        Binding("y", "period('yesterday')", "Yesterday"),
        Binding("r", "reload", "Read again"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, db: str | Path, office: Office, *, clock: Clock = system_clock,
                 office_source: str | Path | None = None, advice_day: str = "monday",
                 period: str = "today") -> None:
        super().__init__()
        self.db, self.office, self.clock = Path(db), office, clock
        self.office_source, self.advice_day, self.period = office_source, advice_day, period
        self.report: Report | None = None
        self.advice: Advice | None = None
        # the running workers, for whoever needs to wait for the figures (tests)
        self.report_worker: Worker[None] | None = None
        self.advice_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Report", id="title")
        yield StoreBanner()
        yield Static("", id="message")
        with Vertical(id="tables"):
            yield Static("Per service", classes="heading")
            yield ReportTable(SERVICE_COLS, id="services")
            yield Static("Per post", classes="heading")
            yield ReportTable(POST_COLS, id="posts")
        with Horizontal(id="below"):
            with Vertical():
                yield Static("Recurring topics (trend against the day before)",
                             classes="heading")
                yield Static("", id="topics")
            with Vertical():
                yield Static(f"Posts for next {self.advice_day}", classes="heading",
                             id="advice-title")
                yield ReportTable(ADVICE_COLS, id="advice")
                yield Static("", id="advice-note")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(REFRESH_S, self._tick)

    def _tick(self) -> None:
        if self.period == "today":
            self.report_worker = self.load()

    def action_period(self, period: str) -> None:
        self.period = period
        self.report_worker = self.load()

    def action_reload(self) -> None:
        self.report_worker = self.load()
        self.advice_worker = self.load_advice()

    # -- workers: the store is read on its own connection, the arithmetic in a thread ----------
    @work(exclusive=True, group="report", exit_on_error=False)
    async def load(self) -> None:
        try:
            report = await summary(self.db, self.period, office=self.office, clock=self.clock)
        except (StoreError, PeriodError) as e:
            self._say(str(e))
            return
        self.report = report
        self._say("")
        self.show_report(report)

    @work(exclusive=True, group="advice", exit_on_error=False)
    async def load_advice(self) -> None:
        note = self.query_one("#advice-note", Static)
        note.update("working it out…")
        try:
            advice = await advice_for(self.db, self.advice_day, office=self.office,
                                      clock=self.clock, office_source=self.office_source)
        except (StoreError, PeriodError, StaffingError) as e:
            note.update(str(e))
            return
        self.advice = advice
        self.show_advice(advice)

    # -- drawing -----------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    def show_report(self, r: Report) -> None:
        total = r.total
        wait = total["mean_wait_min"]
        self.query_one("#title", Static).update(Text(
            f"Report — {r.period.label} · {total['issued']} tickets · SL "
            f"{cell('sl', total['sl'])} · mean wait "
            + ("–" if wait is None else f"{wait:.1f} min")))
        self.query_one("#services", ReportTable).show(r.table("service"))
        self.query_one("#posts", ReportTable).show(r.table("post"))
        lines = []
        for kind, mark in (("question", "?"), ("complaint", "!")):
            for t in top(r.topics, kind, 5):
                trend = t.trend.split(" (")[0]  # "▲ +3" without the percentage: it is narrow
                lines.append(f"{mark} {t.label[:32]:<32} {t.total:>4}  {trend}")
        self.query_one("#topics", Static).update("\n".join(lines) or "no topics recorded")

    def show_advice(self, a: Advice) -> None:
        self.query_one("#advice-title", Static).update(
            f"Posts for {a.day:%A %d %B}, {a.target:.0%} within target")
        how = ("checked with the simulator" if a.checked else "Erlang C")
        n = len(a.history_days)
        self.query_one("#advice-note", Static).update(Text(
            "; ".join([f"{how}, learned from {n} {a.day:%A}{'' if n == 1 else 's'}",
                       *a.notes])))
        self.query_one("#advice", ReportTable).show([s.values() for s in a.slots], key="slot")
