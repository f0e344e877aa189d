"""Today's appointments on the coordinator's board (issue 18): per hour of booked start how many
are booked, checked in, late and no-show, and the list, from which the coordinator checks a
citizen in by reference or cancels; `n` books a new one at the desk (kcc_tui/bookings.py, the
same as `kcc appointment add`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...bookings import local_time
from ...domain.appointment_kpi import board_hours
from ...domain.appointments import Appointment, phase
from ...domain.clock import local
from ...domain.office import Office
from ...domain.state import DayState
from ..literal import literal
from .dialogs import Dialog
from .widgets import DASH, sync_rows

PHASE_NL = {"booked": "verwacht", "checked_in": "aangemeld", "late": "te laat aangemeld",
            "no_show": "niet gekomen", "cancelled": "geannuleerd"}


def hours_text(state: DayState, office: Office, now: datetime) -> Text:
    """One line per hour: booked · aangemeld · te laat · niet gekomen · nog verwacht."""
    rows = board_hours(state.appointments.values(), office, now)
    if not rows:
        return Text("Geen afspraken vandaag.", "dim")
    out = Text("uur     geboekt  aangemeld  te laat  niet gekomen  verwacht\n", "bold")
    for r in rows:
        out.append(f"{r.hour:02d}:00  {r.booked:>7}  {r.checked_in:>9}  {r.late:>7}  "
                   f"{r.no_show:>12}  {r.waiting:>8}\n")
    return out


class AppointmentTable(DataTable[Text | str]):
    """Today's appointments by booked start; the key of a row is its source:reference."""

    DEFAULT_CSS = """
    AppointmentTable { height: 1fr; }
    """
    COLUMNS = (("time", "Uur"), ("reference", "Referentie"), ("service", "Dienst"),
               ("minutes", "Duur"), ("persons", "Pers."), ("status", "Status"),
               ("ticket", "Ticket"))

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    def show(self, apps: list[Appointment], office: Office, now: datetime) -> None:
        after = office.appointments.window_after_min
        rows: dict[str, list[Text | str]] = {}
        for a in sorted(apps, key=lambda a: (a.start, a.key)):
            svc = office.services.get(a.service)
            p = phase(a, now, after)
            rows[a.key] = [
                Text(f"{local(a.start, office.timezone):%H:%M}", "bold"),
                literal(a.reference), literal(svc.name() if svc else a.service),
                f"{a.duration_min} min", str(a.persons),
                Text(PHASE_NL.get(p, p), "bold red" if p == "no_show" else
                     "dim" if p == "cancelled" else ""),
                a.ticket or DASH]
        sync_rows(self, rows)

    def highlighted(self) -> str | None:
        if not self.row_count or not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.ordered_rows[self.cursor_row].key.value
        return str(key) if key is not None else None


class AppointmentsView(Vertical):
    """The board's third view (`a`): hours above, the list below."""

    def compose(self) -> ComposeResult:
        yield Static("", id="appt-hours")
        yield AppointmentTable(id="appt-list")

    def show(self, state: DayState, office: Office, now: datetime) -> None:
        self.query_one("#appt-hours", Static).update(hours_text(state, office, now))
        self.query_one(AppointmentTable).show(list(state.appointments.values()), office, now)


class BookDialog(Dialog):
    """A new appointment at the desk: service, day and time, duration, persons. Returns
    (service, start, duration_min, persons)."""

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        office = self.kcc.office
        with Vertical(classes="dialog book"):
            yield Label("Een afspraak maken (geen namen: de burger krijgt de referentie en de "
                        "code)", classes="dialog-title")
            yield OptionList(*[Option(literal(s.name()), id=code)
                               for code, s in office.services.items()], id="service")
            yield Input(f"{self.day:%Y-%m-%d} ", placeholder="dag en uur: jjjj-mm-dd uu:mm",
                        id="start", max_length=16)
            yield Input("15", placeholder="duur in minuten", id="duration", max_length=3,
                        restrict=r"[0-9]*")
            yield Input("1", placeholder="aantal personen", id="persons", max_length=2,
                        restrict=r"[0-9]*")
            yield Static("", id="check", classes="check")
            yield self.buttons("Boeken")

    def on_mount(self) -> None:
        self.query_one("#service", OptionList).highlighted = 0
        self.query_one("#start", Input).focus()

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        services = self.query_one("#service", OptionList)
        problem, result = None, None
        try:
            start = local_time(self.query_one("#start", Input).value, self.kcc.office.timezone)
            duration = int(self.query_one("#duration", Input).value or 0)
            persons = int(self.query_one("#persons", Input).value or 0)
            if services.highlighted is None:
                problem = "Kies een dienst."
            else:
                code = services.get_option_at_index(services.highlighted).id
                result: Any = (code, start, duration, persons)
        except ValueError:
            problem = "Schrijf dag en uur als jjjj-mm-dd uu:mm, bv. 2026-12-07 10:20."
        if problem or result is None:
            self.query_one("#check", Static).update(Text(problem or "", "yellow"))
            return
        self.dismiss(result)
