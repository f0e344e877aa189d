"""Several offices in the coordinator pane (`kcc coordinator --offices offices.toml`).

The overview ("Alle kantoren", key k on the board) shows every office of the installation live,
read from each office's own store (`watch.py`); Enter on an office switches the detailed board to
it. The app stays bound to one office at a time: switching closes this office's store, binds the
app to the other office's config and store, and asks for that office's coordinator login (staff,
PINs and pepper are per office).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...config.installation import Installation
from ...domain.alerts import minutes
from ...domain.clock import local
from ...domain.commands import Logout, Refused
from ...store import StoreError
from ..base import AppOf, StoreBanner
from ..literal import literal
from .overview import OfficeRow, watched_of
from .watch import OfficeWatch
from .widgets import DASH, NAME_WIDTH, num, sync_rows

if TYPE_CHECKING:
    from .app import CoordinatorApp

log = logging.getLogger("kcc_tui.apps")


class Offices:
    """The installation as the coordinator app sees it: the watch on every office's store,
    its poller, and switching the app to another office."""

    def __init__(self, app: CoordinatorApp, installation: Installation) -> None:
        self.app = app
        self.installation = installation
        self.watch = OfficeWatch(installation, app.clock)
        self._switch_to: str | None = None
        self._ending = False

    def start(self) -> None:
        """Start the poller: a one-shot timer re-armed after each poll (polls never overlap),
        at the app's own pace."""
        self.app.set_timer(self.app.poll_s, self._poll)

    async def _poll(self) -> None:
        if self._ending:
            return
        try:
            changed = await self.watch.poll()
        finally:
            if self.app.is_running and not self._ending:
                self.app.set_timer(self.app.poll_s, self._poll)
        if changed:
            self.redraw()

    def redraw(self) -> None:
        for screen in self.app.live_screens():
            if isinstance(screen, OverviewScreen):
                screen.redraw()

    async def close(self) -> None:
        self._ending = True
        await self.watch.close()

    # -- switching the board -----------------------------------------------------------------
    def request(self, office: str) -> None:
        """Switch to `office` at the app's next poll: between two polls no poll and no command
        of this office is in flight (see `switch_pending`)."""
        self._switch_to = office

    async def switch_pending(self) -> None:
        """Run from the app's poller, before its poll: log the coordinator out of this office,
        close its store, bind the app to the other office and show that office's login."""
        office, self._switch_to = self._switch_to, None
        app = self.app
        if office is None or office == app.office.id:
            return
        settings = self.installation.offices[office]
        if app.store is not None:
            if app.coordinator is not None and not app.store.readonly:
                try:
                    await app.store.execute(Logout(app.coordinator), app.coordinator)
                except (Refused, StoreError) as e:
                    log.warning("coordinator logout before switching office: %s", e)
            await app.store.close()
            app.store = None
        log.info("coordinator: switching from office %s to %s", app.office.id, office)
        app.settings = settings
        app.db_path = Path(settings.store.path)
        app.watched = watched_of(settings)
        app.coordinator = None
        app._set_error(None)  # the old office's banner does not hold for the new one
        from .login import LoginScreen

        app.switch_screen(LoginScreen())


class OfficesTable(DataTable[Text | str]):
    # short headers: every figure fits 80 columns (the table is titled "vandaag")
    COLUMNS = (("office", "Kantoor"), ("waiting", "Wachtend"), ("longest", "Langste / doel"),
               ("posts", "Loketten"), ("alerts", "Waarsch."), ("sl", "SL"), ("note", ""))

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    def show(self, rows: list[tuple[str, OfficeRow | None, str | None]], names: dict[str, str],
             current: str) -> None:
        sync_rows(self, {oid: self.cells(oid, row, error, names[oid], oid == current)
                         for oid, row, error in rows})

    @staticmethod
    def cells(oid: str, r: OfficeRow | None, error: str | None, name: str,
              current: bool) -> list[Text | str]:
        title = literal(("▶ " if current else "  ") + name, "bold" if current else "")
        title.truncate(NAME_WIDTH + 2, overflow="ellipsis")
        if r is None:
            return [title, num(DASH), num(DASH), num(DASH), num(DASH), num(DASH),
                    literal(error or "", "bold red")]
        longest = (DASH if r.longest_s is None else
                   f"{minutes(r.longest_s)} / {r.target_min:g}")
        return [
            title,
            num(str(r.waiting), "bold" if r.waiting else "dim"),
            num(longest, "bold red" if r.over else ""),
            num(f"{r.open_posts} / {r.posts}", "" if r.open_posts else "yellow"),
            num(str(r.alerts), "bold red" if r.alerts else "dim"),
            num(DASH if r.sl is None else f"{r.sl:.0%}"),
            Text(""),
        ]


class OverviewScreen(Screen[None]):
    """Every office of the installation, live; Enter switches the board to the office."""

    BINDINGS = [
        # priority: before the table's own Enter, so the footer offers it
        Binding("enter", "switch", "Naar dit kantoor", priority=True),
        Binding("escape", "back", "Terug"),
        Binding("k", "back", "Terug", show=False),
    ]

    kcc: AppOf[CoordinatorApp] = AppOf()

    def compose(self) -> ComposeResult:
        yield StoreBanner()
        yield Static("", id="offices-title")
        yield OfficesTable(id="offices")
        yield Static("SL = deel binnen de doelwachttijd · wachttijd telt vanaf het ticket · "
                     "Enter: het bord van dat kantoor (na aanmelden daar)", id="offices-help")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OfficesTable).border_title = "Kantoren · vandaag"
        self.query_one(OfficesTable).focus()
        self.redraw()
        table = self.query_one(OfficesTable)
        ids = list(self.kcc.offices.installation.offices) if self.kcc.offices else []
        if self.kcc.office.id in ids:
            table.move_cursor(row=ids.index(self.kcc.office.id))

    def on_show(self, _: events.Show) -> None:
        self.redraw()

    def redraw(self) -> None:
        offices = self.kcc.offices
        if offices is None or not self.is_mounted:
            return
        now = self.kcc.clock()
        names = {oid: s.office.name for oid, s in offices.installation.offices.items()}
        rows = offices.watch.rows(now)
        self.query_one(OfficesTable).show(rows, names, self.kcc.office.id)
        waiting = sum(r.waiting for _, r, _ in rows if r is not None)
        here = local(now, self.kcc.office.timezone)
        self.query_one("#offices-title", Static).update(Text.assemble(
            ("Alle kantoren", "bold"), f" · {len(rows)} kantoren · {waiting} wachtend · "
                                       f"{here:%H:%M}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.switch_to(str(event.row_key.value))

    def action_switch(self) -> None:
        table = self.query_one(OfficesTable)
        if table.row_count:
            self.switch_to(str(table.ordered_rows[table.cursor_row].key.value))

    def switch_to(self, office: str) -> None:
        offices = self.kcc.offices
        self.app.pop_screen()
        if offices is not None and office != self.kcc.office.id:
            offices.request(office)

    def action_back(self) -> None:
        self.app.pop_screen()
