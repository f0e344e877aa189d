"""The report screen of the coordinator pane: today or yesterday per service and per post, the
recurring topics, and the staffing advice for next Monday.

Textual lives in `apps/`; the figures come from `reports` (shared with the CLI). The
coordinator app pushes it (docs/reports.md, "In the coordinator pane"):

    self.app.push_screen(ReportScreen(app.db_target, app.office, clock=app.clock,
                                      office_source=app.settings.source))

It speaks Dutch, like the rest of the pane; the figures and the notes it shows come from modules
shared with `kcc report` (English), so it translates what it knows and shows the rest as is.

Figures come from `summary` and `advice_for` in workers, never on the event loop's time; today's
report is read again every REFRESH_S while it is shown. Tables are diffed by row key, so the
cursor stays where the coordinator put it.
"""

from __future__ import annotations

import re
from datetime import date
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

from ...domain.clock import Clock, system_clock
from ...domain.office import Office
from ...reports.breakdown import SHARES, TOTAL
from ...reports.period import Period, PeriodError
from ...reports.report import Report, advice_for, summary
from ...reports.staffing import Advice, StaffingError
from ...reports.text import cell
from ...reports.topics import top
from ...store import StoreError
from ..base import StoreBanner
from ..dutch import (
    MONTHS,
    WEEKDAYS,
    WEEKDAYS_PLURAL,
    day_month,
    decimal,
    long_date,
    weekday_name,
)
from ..literal import literal, shown
from ..refusals import store_error_nl

REFRESH_S = 30.0
SERVICE_COLS = (("label", "Dienst"), ("issued", "Tickets"), ("served", "Geholpen"),
                ("no_shows", "Afwezig"), ("mean_wait_min", "Wacht"), ("p90_wait_min", "p90"),
                ("mean_wait_after_min", "Na doorst."), ("sl", "SL"), ("sl_offered", "SL aanb."),
                ("mean_service_min", "Bediening"))
POST_COLS = (("label", "Loket"), ("called", "Opgeroepen"), ("served", "Geholpen"),
             ("mean_service_min", "Bediening"), ("sl", "SL"), ("open_h", "Open u"),
             ("idle_h", "Leegloop u"), ("phone_calls", "Gesprekken"))
ADVICE_COLS = (("slot", "Uur"), ("arrivals_per_hour", "Aank./u"), ("erlang_posts", "Erlang"),
               ("posts", "Loketten"), ("simulated_sl", "Sim. SL"))
NAME_WIDTH = 28
TRENDS_NL = {"new": "nieuw"}
# the advice's notes, written for `kcc report` / `kcc staffing`; one not listed is shown as is
NOTES_NL = {
    "closed that day ([hours] in config.toml)": "gesloten die dag ([hours] in config.toml)",
    "no history for that weekday yet: nothing to learn arrivals from":
        "nog geen gegevens over die weekdag: niets om de aankomsten uit te leren",
    "not checked with the simulator: it needs the office's config file":
        "niet nagerekend met de simulator: die heeft het configuratiebestand nodig",
}


_ROUNDS = re.compile(r"some hours are still under target after (\d+) rounds of simulation")


def note_nl(note: str) -> str:
    if m := _ROUNDS.fullmatch(note):
        return f"sommige uren blijven onder het doel na {m[1]} simulatierondes"
    return NOTES_NL.get(note, note)


def nl_cell(key: str, value: Any) -> str:
    """A figure as the CLI writes it (`text.cell`), with a decimal comma."""
    text = cell(key, value)
    return decimal(text) if isinstance(value, float) and key not in SHARES else text


def period_label(period: Period) -> str:
    """The period in Dutch: "dinsdag 24 november 2026", "week 48 van 2026 (23 november tot
    en met 29 november)", "november 2026", "2026", "24 november tot en met 30 november 2026"."""
    first, last = period.first, period.last
    if period.kind == "day":
        return long_date(first)
    if period.kind == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if period.kind == "year":
        return str(first.year)
    span = f"{day_month_short(first)} tot en met {day_month_short(last)}"
    if period.kind == "week":
        return f"week {first.isocalendar()[1]} van {first.isocalendar()[0]} ({span})"
    if first.year != last.year:
        return f"{day_month_short(first)} {first.year} tot en met {day_month_short(last)} " \
               f"{last.year}"
    return f"{span} {last.year}"


def day_month_short(d: date) -> str:
    """"24 november"."""
    return f"{d.day} {MONTHS[d.month - 1]}"


# what the abbreviations in the tables mean, under the service table
LEGEND = ("Wacht: gemiddelde van ticket tot eerste oproep (min) · Na doorst.: wachten na "
          "doorsturen of terugzetten · SL: deel van de opgeroepen tickets binnen de "
          "doelwachttijd · SL aanb. (aangeboden): deel van alle genomen tickets dat binnen het "
          "doel werd opgeroepen; wie niet geholpen werd, telt als te laat")


def cells(columns: tuple[tuple[str, str], ...], row: dict[str, Any]) -> list[Text | str]:
    """Literal text (a name may hold "[", which markup would eat), as on the coordinator
    board."""
    name = "Totaal" if row.get("key") == TOTAL else str(row[columns[0][0]])
    out: list[Text | str] = [literal(name[:NAME_WIDTH])]
    return out + [literal(nl_cell(k, row.get(k))) for k, _ in columns[1:]]


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
    ReportScreen #legend { height: auto; color: $text-muted; padding: 0 1; }
    ReportScreen #tables { height: auto; padding: 0 1; }
    ReportScreen #below { height: 1fr; }
    ReportScreen #below > Vertical { width: 1fr; padding: 0 1; }
    ReportScreen .heading { text-style: bold; height: 1; }
    ReportScreen #topics, ReportScreen #advice-note { height: auto; }
    ReportScreen #advice-note { color: $text-muted; }
    """
    BINDINGS = [
        Binding("t", "period('today')", "Vandaag"),
        Binding("y", "period('yesterday')", "Gisteren"),
        Binding("r", "reload", "Vernieuwen"),
        Binding("escape", "app.pop_screen", "Terug"),
    ]

    def __init__(self, db: str | Path, office: Office, *, clock: Clock = system_clock,
                 office_source: str | Path | None = None, advice_day: str = "monday",
                 period: str = "today") -> None:
        super().__init__()
        self.db, self.office, self.clock = db if isinstance(db, str) else Path(db), office, clock
        self.office_source, self.advice_day, self.period = office_source, advice_day, period
        self.report: Report | None = None
        self.advice: Advice | None = None
        # the running workers, for whoever needs to wait for the figures (tests)
        self.report_worker: Worker[None] | None = None
        self.advice_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Rapport", id="title")
        yield StoreBanner()
        yield Static("", id="message")
        with Vertical(id="tables"):
            yield Static("Per dienst", classes="heading")
            yield ReportTable(SERVICE_COLS, id="services")
            yield Static(LEGEND, id="legend")
            yield Static("Per loket", classes="heading")
            yield ReportTable(POST_COLS, id="posts")
        with Horizontal(id="below"):
            with Vertical():
                yield Static("Terugkerende onderwerpen (trend t.o.v. de dag ervoor)",
                             classes="heading")
                yield Static("", id="topics")
            with Vertical():
                yield Static(f"Loketten voor volgende {weekday_name(self.advice_day)}",
                             classes="heading", id="advice-title")
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
        except StoreError as e:
            self._say(store_error_nl(e))
            return
        except PeriodError as e:
            self._say(str(e))
            return
        self.report = report
        self._say("")
        self.show_report(report)

    @work(exclusive=True, group="advice", exit_on_error=False)
    async def load_advice(self) -> None:
        note = self.query_one("#advice-note", Static)
        note.update("even rekenen…")
        try:
            advice = await advice_for(self.db, self.advice_day, office=self.office,
                                      clock=self.clock, office_source=self.office_source)
        except StoreError as e:
            note.update(literal(store_error_nl(e)))
            return
        except (PeriodError, StaffingError) as e:
            note.update(literal(e))
            return
        self.advice = advice
        self.show_advice(advice)

    # -- drawing -----------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.query_one("#message", Static).update(literal(text))

    def show_report(self, r: Report) -> None:
        total = r.total
        wait = total["mean_wait_min"]
        self.query_one("#title", Static).update(Text(
            f"Rapport — {period_label(r.period)} · {total['issued']} tickets · SL "
            f"{cell('sl', total['sl'])} · gem. wachttijd "
            + ("–" if wait is None else decimal(f"{wait:.1f} min"))))
        self.query_one("#services", ReportTable).show(r.table("service"))
        self.query_one("#posts", ReportTable).show(r.table("post"))
        lines = []
        for kind, mark in (("question", "?"), ("complaint", "!")):
            for t in top(r.topics, kind, 5):
                trend = t.trend.split(" (")[0]  # "▲ +3" without the percentage: it is narrow
                trend = TRENDS_NL.get(trend, trend)
                lines.append(f"{mark} {shown(t.label[:32]):<32} {t.total:>4}  {trend}")
        self.query_one("#topics", Static).update(literal("\n".join(lines)
                                                         or "geen onderwerpen geregistreerd",
                                                         newlines=True))

    def show_advice(self, a: Advice) -> None:
        self.query_one("#advice-title", Static).update(
            f"Loketten voor {day_month(a.day)}, {a.target:.0%} op tijd")
        how = ("nagerekend met de simulator" if a.checked else "Erlang C")
        n = len(a.history_days)
        days = (WEEKDAYS if n == 1 else WEEKDAYS_PLURAL)[a.day.weekday()]
        self.query_one("#advice-note", Static).update(literal(
            "; ".join([f"{how}, geleerd uit {n} {days}",
                       *(note_nl(note) for note in a.notes)])))
        self.query_one("#advice", ReportTable).show([s.values() for s in a.slots], key="slot")
