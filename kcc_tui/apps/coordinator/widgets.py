"""The board's widgets: the service and post tables, the alert list and the header line.

Tables are diffed by row key (`sync_rows`): only changed cells are written, so the cursor stays
where the coordinator put it and an idle board costs almost nothing to refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable, Static

from ...domain.alerts import SEVERITY_ORDER, Alert, minutes
from ..dutch import short_date
from ..literal import literal, shown
from .alerts_nl import alert_nl
from .board import PostRow, ServiceRow
from .texts import POST_STATE_NL

DASH = "–"
# Why a service has no estimate, short enough for the column (domain.estimate codes).
ESTIMATE_SHORT = {"no_open_post": "geen loket", "not_today": "niet vandaag"}


def fmt_min(seconds: float | None) -> str:
    return DASH if seconds is None else minutes(seconds)  # as the alerts write it


def num(text: str, style: str = "") -> Text:
    """A figure: right-aligned so that columns of numbers line up."""
    return Text(text, style, justify="right")


def sync_rows(table: DataTable[Text | str], rows: dict[str, Sequence[Text | str]]) -> bool:
    """Make `table` show `rows` (key -> cells, in order): add, update cells, remove. True when
    anything changed. Compares with what was last written (kept beside the table), so a
    refresh where nothing changed touches no cell."""
    columns = list(table.columns)
    if not columns:  # its on_mount has not added them yet: the next refresh draws it
        return False
    shown: dict[str, Sequence[Text | str]] = table.__dict__.setdefault("_kcc_shown", {})
    changed = False
    for key, cells in rows.items():
        if key not in table.rows:
            table.add_row(*cells, key=key)
            shown[key] = cells
            changed = True
            continue
        old = shown.get(key)
        for i, (column, value) in enumerate(zip(columns, cells, strict=True)):
            if old is None or not _same(old[i], value):
                # a column fits its widest cell: "vrij" turning into "pauze · middagpauze"
                # widens the column instead of being cut off
                table.update_cell(key, column, value, update_width=True)
                changed = True
        shown[key] = cells
    for key in [k.value for k in table.rows if k.value not in rows]:
        if key is not None:
            table.remove_row(key)
            shown.pop(key, None)
            changed = True
    return changed


def _same(a: Text | str, b: Text | str) -> bool:
    # rich's Text equality ignores the base style: a figure turning red must still redraw
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return type(a) is type(b) and a == b


NAME_WIDTH = 28  # "Verhuis & vreemdelingenzaken" whole; longer names end in "…" (120 columns)
NARROW_NAME_WIDTH = 16  # the condensed board (80 columns)


class CondensedTable(DataTable[Text | str]):
    """A board table that shows only its NARROW columns below 100 columns (80×24), so what the
    coordinator needs first is never scrolled away or cut mid-word."""

    COLUMNS: tuple[tuple[str, str], ...] = ()
    NARROW: tuple[str, ...] = ()
    narrow = False

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in self.COLUMNS:
            if not self.narrow or key in self.NARROW:
                self.add_column(label, key=key)

    def set_narrow(self, narrow: bool) -> None:
        if narrow != self.narrow:
            self.narrow = narrow
            self.clear(columns=True)
            self.__dict__.pop("_kcc_shown", None)  # sync_rows starts afresh
            self._add_columns()

    def pick(self, cells: list[Text | str]) -> list[Text | str]:
        if not self.narrow:
            return cells
        keep = [key in self.NARROW for key, _ in self.COLUMNS]
        return [c for c, k in zip(cells, keep, strict=True) if k]


class ServicesTable(CondensedTable):
    """Per service, live: queue, waits, today's KPIs, issuing."""

    DEFAULT_CSS = """
    ServicesTable { height: auto; max-height: 18; }
    """
    # the table is titled "vandaag": every figure is today's (SL as well)
    COLUMNS = (("service", "Dienst"), ("target", "Doel"), ("waiting", "Wachtend"),
               ("longest", "Langste"), ("estimate", "Nieuw ticket"), ("served", "Geholpen"),
               ("mean", "Gem. wacht"), ("sl", "SL"), ("issuing", "Uitgifte"),
               ("clears", "Leeg om"))
    NARROW = ("service", "waiting", "longest", "estimate", "sl", "issuing")

    def show(self, rows: list[ServiceRow], clears_at: dict[str, str],
             late: set[str]) -> None:
        width = NARROW_NAME_WIDTH if self.narrow else NAME_WIDTH
        sync_rows(self, {r.code: self.pick(self.cells(r, clears_at.get(r.code, DASH),
                                                      r.code in late, width))
                         for r in rows})

    @staticmethod
    def cells(r: ServiceRow, clears: str, late: bool,
              name_width: int = NAME_WIDTH) -> list[Text | str]:
        target_s = r.target_min * 60
        over = r.longest_s is not None and r.longest_s > target_s
        est_over = r.estimate_s is not None and r.estimate_s > target_s
        issuing = {"on": Text("aan", "green"), "off": Text("UIT", "bold yellow"),
                   "cap": Text("limiet", "yellow"), "closed": Text("gesloten", "dim")}[r.issuing]
        name = literal(r.name)
        name.truncate(name_width, overflow="ellipsis")
        return [
            name,
            num(f"{r.target_min:g} min"),
            num(f"{r.waiting} ({r.away} weg)" if r.away else str(r.waiting),
                "bold" if r.waiting else "dim"),
            num(fmt_min(r.longest_s), "bold red" if over else ""),
            num(fmt_min(r.estimate_s) if r.estimate_s is not None
                else ESTIMATE_SHORT.get(r.estimate_code or "", DASH) if r.waiting else DASH,
                "yellow" if est_over or (r.estimate_s is None and r.waiting) else ""),
            num(str(r.served)),
            num(fmt_min(r.mean_wait_s)),
            num(DASH if r.sl is None else f"{r.sl:.0%}"),
            issuing,
            num(clears, "bold red" if late else ""),
        ]


STATE_STYLE = {"serving": "green", "called": "cyan", "idle": "yellow", "paused": "magenta",
               "closed": "dim", "unreachable": "bold red"}


class PostsTable(CondensedTable):
    """Per post (counters, snelbalie, phone), live: who, doing what, for how long."""

    DEFAULT_CSS = """
    PostsTable { height: auto; max-height: 30; }
    """
    COLUMNS = (("post", "Loket"), ("staff", "Medewerker"), ("state", "Status"),
               ("ticket", "Ticket"), ("for", "Duur"), ("served", "Geholpen"),
               ("idle", "Leegloop"), ("services", "Diensten"))
    NARROW = ("post", "staff", "state", "ticket", "for", "idle")

    def show(self, rows: list[PostRow]) -> None:
        sync_rows(self, {r.id: self.pick(self.cells(r)) for r in rows})

    @staticmethod
    def cells(r: PostRow) -> list[Text | str]:
        state = POST_STATE_NL.get(r.state, r.state)
        if r.state == "paused":
            state = f"{state} · {r.reason}"
        return [
            literal(r.name),
            literal(r.staff or DASH),
            literal(state[:22], STATE_STYLE.get(r.state, "")),
            Text(r.ticket or DASH, "bold" if r.ticket else "dim"),
            num(DASH if r.state == "closed" else fmt_min(r.for_s)),
            num(str(r.served)),
            num(fmt_min(r.idle_s)),
            Text(r.services),
        ]


ICONS = {"error": ("●", "bold red"), "warning": ("▲", "yellow"), "info": ("·", "dim")}


class AlertList(Static):
    """The alerts that hold now, errors first. Rings the bell when a new one appears."""

    DEFAULT_CSS = """
    AlertList { width: 1fr; height: 1fr; padding: 0 1; overflow-y: auto; }
    AlertList.-ringing { background: $error 25%; }
    """

    def __init__(self, **kw: object) -> None:
        super().__init__("", **kw)  # type: ignore[arg-type]
        self.alerts: list[Alert] = []
        # key -> severity at the last look; None until the first look: no bell at login
        self._known: dict[str, int] | None = None

    def show(self, alerts: list[Alert]) -> list[Alert]:
        """Show `alerts`; return those that are new or got worse since the last look (info
        never counts: it does not ring)."""
        rank = {a.key: SEVERITY_ORDER[a.severity] for a in alerts}
        new = [] if self._known is None else [
            a for a in alerts if a.severity != "info" and rank[a.key] < self._known.get(a.key, 9)]
        self._known = rank
        if alerts != self.alerts:
            self.alerts = alerts
            self.update(self.render_alerts(alerts))
        if new:
            self.add_class("-ringing")
            self.set_timer(3, lambda: self.remove_class("-ringing"))
        return new

    @staticmethod
    def render_alerts(alerts: list[Alert]) -> Text:
        if not alerts:
            return Text("Geen waarschuwingen: wachtrijen binnen de doelwachttijd, elk toestel "
                        "meldt zich.", "dim green")
        out = Text()
        for i, a in enumerate(alerts):
            icon, style = ICONS[a.severity]
            out.append(f"{icon} ", style)
            out.append(shown(alert_nl(a)), "dim" if a.severity == "info" else "")
            if i < len(alerts) - 1:
                out.append("\n")
        return out


class HeaderBar(Static):
    """One line: office, coordinator, clock, closing time."""

    DEFAULT_CSS = """
    HeaderBar { dock: top; height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    _line = Text()

    def show(self, office: str, who: str, here: datetime, closes: datetime | None,
             alerts: int, always_open: bool = False) -> None:
        """`always_open`: no opening hours are configured (the demo), so never "gesloten"."""
        line = Text()
        if self.size.width >= 100:  # at 80 columns the rest of the line matters more
            line.append(shown(office), "bold")
            line.append(" · ")
        line.append(f"{shown(who)} · {short_date(here)} {here:%H:%M}")
        if closes is not None:
            left = (closes - here).total_seconds()
            # short: the line has to fit 120 columns with the alert count at its end
            line.append(f" · sluit {closes:%H:%M} (nog {fmt_min(left)})",
                        "bold yellow" if left <= 3600 else "")
        elif not always_open:
            line.append(" · nu gesloten", "dim")
        if alerts:
            line.append(f" · {alerts} waarschuwing{'en' if alerts > 1 else ''}", "bold red")
        if line != self._line or line.spans != self._line.spans:
            self._line = line
            self.update(line, layout=False)  # one line, docked: its size never changes
