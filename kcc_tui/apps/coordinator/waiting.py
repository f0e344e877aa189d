"""Who is waiting: the coordinator's live list of waiting tickets.

One row per waiting ticket: number, service, how long the citizen has waited (from taking the
ticket, also after a requeue or transfer: DESIGN.md §4), priority, transferred or sent to one
post. Sorted by wait (longest first), number or service; filtered to one service or all. From
the list the coordinator calls a ticket to a post, moves it or gives it priority (BoardScreen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from ...domain.office import Office
from ...domain.state import DayState
from .widgets import DASH, fmt_min, num, sync_rows

SORTS = ("wait", "number", "service")
SORT_NL = {"wait": "langst gewacht eerst", "number": "op nummer", "service": "op dienst"}


@dataclass(frozen=True, slots=True)
class WaitingRow:
    number: str
    service: str  # code
    service_name: str
    waited_s: float
    target_s: float
    priority: bool
    transferred: bool
    for_post: str | None  # name of the post it was sent to


def waiting_rows(state: DayState, office: Office, now: datetime, service: str | None = None,
                 sort: str = "wait") -> list[WaitingRow]:
    """The waiting tickets (of `service`, or all), in the order `sort` asks for."""
    rows = []
    for t in state.waiting(service):
        svc = office.services.get(t.service)
        post = office.posts.get(t.target_post or "")
        rows.append(WaitingRow(
            t.number, t.service, svc.name() if svc else t.service,
            (now - t.issued_at).total_seconds(),
            svc.target_wait_min * 60 if svc else 600.0,
            t.priority, t.transfers > 0,
            post.name if post else t.target_post))
    if sort == "number":
        rows.sort(key=lambda r: (r.number[:2].rstrip("0123456789"), len(r.number), r.number))
    elif sort == "service":
        order = {code: i for i, code in enumerate(office.services)}
        rows.sort(key=lambda r: (order.get(r.service, len(order)), -r.waited_s))
    else:
        rows.sort(key=lambda r: -r.waited_s)
    return rows


class WaitingTable(DataTable[Text | str]):
    """The waiting tickets, live; the cursor stays on its ticket while rows come and go."""

    DEFAULT_CSS = """
    WaitingTable { height: 1fr; }
    """
    COLUMNS = (("number", "Nr"), ("waited", "Gewacht"), ("priority", "Voorrang"),
               ("moved", "Doorgestuurd"), ("service", "Dienst"))
    NAME_WIDTH = 28

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    def show(self, rows: list[WaitingRow]) -> None:
        cursor = self.highlighted()
        wanted = {r.number: self.cells(r) for r in rows}
        sync_rows(self, wanted)
        order = list(wanted)
        if [row.key.value for row in self.ordered_rows] != order:
            rank = {n: i for i, n in enumerate(order)}
            self.sort("number", key=lambda cell: rank.get(_plain(cell), len(rank)))
            if cursor in rank:  # the cursor stays on its ticket
                self.move_cursor(row=self.get_row_index(cursor), animate=False)

    def highlighted(self) -> str | None:
        if not self.row_count or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        return self.ordered_rows[self.cursor_row].key.value

    def cells(self, r: WaitingRow) -> list[Text | str]:
        name = Text(r.service_name)
        name.truncate(self.NAME_WIDTH, overflow="ellipsis")
        moved = f"naar {r.for_post}" if r.for_post else ("ja" if r.transferred else DASH)
        return [
            Text(r.number, "bold"),
            num(fmt_min(r.waited_s), "bold red" if r.waited_s > r.target_s else ""),
            Text("VOORRANG", "bold yellow") if r.priority else Text(DASH, "dim"),
            Text(moved, "" if moved != DASH else "dim"),
            name,
        ]


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)
