"""Widgets of the counter screens: the current ticket, its service info, the live queue, the
parked list and the row of action buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.visual import VisualType
from textual.widgets import Button, DataTable, Static

from ...domain.office import Office
from ...domain.routing import eligible, is_away, rank_key
from ...domain.state import DayState, PostState, Ticket
from ...domain.text import visible
from ..dutch import TICKET_STATUS_NL, post_name
from ..literal import literal, shown
from .texts import clock_time, duration, service_name, waited_s


class Steady(Static):
    """A Static that ignores an update to the content it already shows.

    Every change anywhere redraws the whole counter screen from the state; skipping the
    unchanged parts saves a relayout and a repaint each time (see benchmarks/counter_latency.py).
    """

    _shown: object = None
    fixed_size = False  # True: the size never depends on the content, so skip the relayout

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if content == self._shown:
            return
        self._shown = content
        super().update(content, layout=layout and not self.fixed_size)


class TitleBar(Steady):
    """The top line: which post, who is logged in.

    Not Textual's Header: its title callback can outlive a screen that is switched away just
    as the app exits, which ends in a traceback.
    """

    DEFAULT_CSS = """
    TitleBar { width: 100%; height: 1; background: $panel; color: $text;
               text-style: bold; content-align: center middle; }
    """

    def show(self, title: str, subtitle: str) -> None:
        self.update(literal(f"{title} — {subtitle}"))


class CurrentTicket(Vertical):
    """The ticket at this post, always in view: number, service, waited, served, notes."""

    DEFAULT_CSS = """
    CurrentTicket { height: 11; border: round $primary; border-title-style: bold;
                    padding: 0 1; }
    CurrentTicket #number { text-style: bold; width: 100%; height: 3; content-align: left middle;
                            padding: 0 2; background: $boost; }
    CurrentTicket.-called #number { background: $warning 40%; }
    CurrentTicket.-serving #number { background: $success 40%; }
    CurrentTicket.-paused #number { background: $error 30%; }
    CurrentTicket #details { height: 6; text-overflow: ellipsis; }
    """

    def compose(self) -> ComposeResult:
        # A fixed height: the served-for time ticks every second without a relayout.
        for id_ in ("number", "details"):
            part = Steady(id=id_)
            part.fixed_size = True
            yield part

    def on_mount(self) -> None:
        self.border_title = "Huidig ticket"

    def show(self, t: Ticket | None, office: Office, now: datetime,
             post: PostState | None = None) -> None:
        number = self.query_one("#number", Steady)
        details = self.query_one("#details", Steady)
        self.set_class(t is not None and t.status == "called", "-called")
        self.set_class(t is not None and t.status == "serving", "-serving")
        paused = t is None and post is not None and post.pause_reason is not None
        self.set_class(paused, "-paused")
        if t is None:
            if paused and post is not None:
                number.update(Text("PAUZE", style="bold"))
                details.update(Text(f"{post_name(office, post.id)} is in pauze "
                                    f"({visible(post.pause_reason or '')}, sinds "
                                    f"{clock_time(post.paused_at, office)}).\n"
                                    "Druk z voor Einde pauze; daarna roept n de volgende "
                                    "burger op."))
                return
            number.update("Geen ticket")
            details.update("Druk n om de volgende burger op te roepen.")
            return
        head = Text()
        head.append(t.number, style="bold")
        # the citizen's language (the ticket records it): greet them in it
        head.append(f"   {t.lang.upper()}", style="bold")
        if t.priority:
            head.append("   VOORRANG", style="bold")
        number.update(head)
        iv = t.current
        service = service_name(office, t.service)
        if t.booked_at is not None:  # checked in for an appointment: its time and length
            service += f" · {appointment_words(t, office)}"
        lines = [service,
                 f"Status: {TICKET_STATUS_NL.get(t.status, t.status)}"
                 + (f" ({t.recalls}× opnieuw)" if t.recalls else "")]
        # the citizen's wait: from taking the ticket to the first call (DESIGN.md §4)
        wait = waited_s(t)
        lines.append(f"Gewacht: {duration(wait) if wait is not None else '—'}"
                     f" (ticket van {clock_time(t.issued_at, office)})")
        if t.status == "called" and iv.called_at is not None:
            lines.append(f"Opgeroepen om {clock_time(iv.called_at, office)}"
                         f" · {duration((now - iv.called_at).total_seconds())} geleden")
        elif iv.started_at is not None:
            lines.append(f"In behandeling: {duration((now - iv.started_at).total_seconds())}"
                         f" (sinds {clock_time(iv.started_at, office)})")
        if t.transfers:
            lines.append(f"Doorgestuurd: {t.transfers}×")
        if t.note:  # one line here; the full note is in the ticket's history
            note = shown(" ".join(t.note.split()))
            lines.append(f"Notitie: {note if len(note) <= 80 else note[:79] + '…'}")
        details.update(Text("\n".join(lines)))


def appointment_words(t: Ticket, office: Office) -> str:
    """"afspraak 10:20 · 15 min" for a ticket checked in for an appointment."""
    minutes = f" · {t.duration_min} min" if t.duration_min else ""
    return f"afspraak {clock_time(t.booked_at, office)}{minutes}"


class ServiceInfo(Steady):
    """What staff need for the current ticket's service: procedure, what to bring, fee."""

    DEFAULT_CSS = """
    ServiceInfo { height: 1fr; border: round $secondary; padding: 0 1; overflow-y: auto; }
    """

    def on_mount(self) -> None:
        self.border_title = "Dienstinfo"

    def show(self, service: str | None, office: Office) -> None:
        svc = office.services.get(service) if service else None
        if svc is None:
            self.update("Nog geen ticket: hier komt de info over de dienst.")
            return
        text = Text()
        text.append(shown(svc.name("nl")), style="bold")
        text.append("\n")
        if svc.staff_info:
            text.append(shown(svc.staff_info.strip(), newlines=True) + "\n")
        bring = svc.citizen_info.get("nl")
        if bring:  # what the kiosk tells the citizen ("Breng mee: ..."), as it is
            text.append("\nVoor de burger\n", style="bold")
            text.append(shown(bring, newlines=True) + "\n")
        if svc.fee:
            text.append("\nTarief: ", style="bold")
            text.append(shown(svc.fee))
        self.update(text)


@dataclass(frozen=True)
class QueueRow:
    number: str
    service: str
    issued_at: datetime  # the citizen's wait counts from here, also after a requeue/transfer
    flags: str
    target_s: float


def queue_rows(state: DayState, office: Office, post_id: str, now: datetime) -> list[QueueRow]:
    """The waiting tickets this post may call, in the order shown: tickets sent to this post or
    to the head of a queue first, then priority, then appointments by their class (late, due)
    and booked start, walk-ins oldest first, early appointments last (DESIGN.md §3, §8)."""
    services = state.post(post_id).services
    conf = office.posts.get(post_id)
    serves = conf.serves if conf is not None else "both"
    rows: list[tuple[tuple[int, float, int], QueueRow]] = []
    for t in state.tickets.values():
        if not eligible(t, post_id, services, serves):
            continue
        cls = rank_key(t, office, now, 1.0, post_id)[0]
        booked = t.booked_at.timestamp() if t.booked_at is not None else 0.0
        flags = []
        if t.priority:
            flags.append("voorrang")
        if t.booked_at is not None:
            flags.append(appointment_words(t, office))
        if t.target_post == post_id:
            flags.append("voor u")  # sent to this post by name
        elif t.transfers:
            flags.append("doorgestuurd")
        elif len(t.intervals) > 1:
            flags.append("terug")  # requeued: waiting again
        if is_away(t, now):
            flags.append("even weg")  # said so on the phone page: call next skips it
        svc = office.services.get(t.service)
        target_s = svc.target_wait_min * 60 if svc else 600.0
        rows.append(((cls, booked, t.order),
                     QueueRow(t.number, t.service, t.issued_at, ", ".join(flags), target_s)))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` cells: cut at a word boundary, with "…" when shortened."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rstrip(" /-")
    space = cut.rfind(" ")
    return (cut[:space].rstrip(" /-") if space > width // 2 else cut) + "…"


class QueueTable(DataTable[str | Text]):
    """The live queue. Rows are diffed by ticket number, so the cursor stays where it was and
    nothing flickers when another process changes the queue."""

    DEFAULT_CSS = """
    QueueTable { height: 1fr; }
    """

    # the wait before the service: at 80 columns the long service name is what gets shortened
    COLUMNS = (("next", " "), ("nr", "Nr"), ("waited", "Gewacht"), ("service", "Dienst"),
               ("flags", "Info"))

    def __init__(self, **kw: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)  # type: ignore[arg-type]
        self._rows: dict[str, QueueRow] = {}
        self._order: list[str] = []
        self._next: str | None = None
        self._waited: dict[str, Text] = {}  # what each row's "Gewacht" cell shows now
        self.app_office: Office | None = None
        self._service_width = 40

    def on_mount(self) -> None:
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    def on_resize(self) -> None:
        self._fit_services()

    def _fit_services(self) -> None:
        """Give the service names the width the other columns leave (cells and their padding),
        shortened with "…" at a word: a narrow terminal never shows a cut word."""
        flags = max((len(r.flags) for r in self._rows.values()), default=0)
        flags = max(flags, len("Info"))  # the header is as wide as its longest cell
        width = max(8, self.size.width - (3 + 6 + 9 + flags + 2 + 2 + 1))
        if width != self._service_width:
            self._service_width = width
            for number, r in self._rows.items():
                self.update_cell(number, "service", self._service(r), update_width=True)

    def _service(self, r: QueueRow) -> Text:
        if self.app_office is None:
            return literal(r.service)
        return literal(shorten(service_name(self.app_office, r.service), self._service_width))

    def sync(self, rows: list[QueueRow], next_number: str | None, office: Office,
             now: datetime) -> None:
        """Make the table show `rows` (in that order) with the fewest changes."""
        cursor_key = self.highlighted_number()
        wanted = {r.number: r for r in rows}
        for number in [n for n in self._rows if n not in wanted]:
            self.remove_row(number)
            del self._rows[number]
            self._waited.pop(number, None)
        for r in rows:
            old = self._rows.get(r.number)
            if old is None:
                self.add_row(*self._cells(r, r.number == next_number, office, now), key=r.number)
            elif old != r:
                for key, value in zip((k for k, _ in self.COLUMNS),
                                      self._cells(r, r.number == next_number, office, now),
                                      strict=True):
                    self.update_cell(r.number, key, value)
            self._rows[r.number] = r
        order = [r.number for r in rows]
        if order != self._order:
            rank = {n: i for i, n in enumerate(order)}
            self.sort("nr", key=lambda n: rank[n])
            self._order = order
        self._mark_next(next_number)
        self._fit_services()
        self.tick(now)
        if cursor_key in wanted:  # keep the cursor on the same ticket when rows move
            index = self.get_row_index(cursor_key)
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False)

    def tick(self, now: datetime) -> None:
        """Update the waited-for times (every second), only the cells whose text changed."""
        for number, r in self._rows.items():
            cell = self._waited_cell(r, now)
            if self._waited.get(number) != cell:
                self._waited[number] = cell
                self.update_cell(number, "waited", cell)

    def _mark_next(self, next_number: str | None) -> None:
        if next_number == self._next:
            return
        if self._next in self._rows:
            self.update_cell(self._next, "next", " ")
        if next_number in self._rows:
            self.update_cell(next_number, "next", "▶")
        self._next = next_number

    def highlighted_number(self) -> str | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        return self.ordered_rows[self.cursor_row].key.value

    def _cells(self, r: QueueRow, is_next: bool, office: Office, now: datetime) -> list[str | Text]:
        cell = self._waited_cell(r, now)
        self._waited[r.number] = cell
        self.app_office = office
        return ["▶" if is_next else " ", r.number, cell, self._service(r), r.flags]

    @staticmethod
    def _waited_cell(r: QueueRow, now: datetime) -> Text:
        waited = (now - r.issued_at).total_seconds()
        # Over the service's target wait: red, so the longest waits stand out.
        return Text(duration(waited), style="bold red" if waited > r.target_s else "")


class ParkedList(Steady):
    """This staff member's parked tickets (resumed with h)."""

    DEFAULT_CSS = """
    ParkedList { height: auto; max-height: 8; border: round $secondary; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.border_title = "Geparkeerd (h = hervatten)"

    def show(self, parked: list[Ticket], office: Office) -> None:
        if not parked:
            self.update("Geen geparkeerde tickets.")
            return
        lines = []
        for t in parked:
            since = t.current.ended_at
            lines.append(f"{t.number}  {service_name(office, t.service)}"
                         f"  (sinds {clock_time(since, office)}"
                         f", laatst aan {post_name(office, t.current.post)})")
        self.update(literal("\n".join(lines), newlines=True))


class ActionBar(Static):
    """The actions as buttons, for a mouse or a touch screen; each shows its key.

    Buttons do not take focus: the keyboard stays on the queue, and the keys do the same.
    """

    DEFAULT_CSS = """
    ActionBar { layout: grid; grid-size: 5; grid-gutter: 0 1; height: auto; padding: 0 1; }
    ActionBar Button { width: 100%; min-width: 8; }
    """

    def __init__(self, actions: list[tuple[str, str, str]], **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.actions = actions  # (action, key, label)

    def compose(self) -> ComposeResult:
        for action, key, label in self.actions:
            b = Button(f"{key} {label}", id=f"do-{action}", compact=True)
            b.can_focus = False
            yield b

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id:
            await self.screen.run_action(event.button.id.removeprefix("do-"))

    def enable(self, enabled: dict[str, bool]) -> None:
        for action, _key, _label in self.actions:
            self.query_one(f"#do-{action}", Button).disabled = not enabled.get(action, True)

    def relabel(self, action: str, label: str) -> None:
        for a, key, _ in self.actions:
            button = self.query_one(f"#do-{a}", Button)
            if a == action and str(button.label) != f"{key} {label}":
                button.label = f"{key} {label}"
