"""Dutch dates and numbers for the screens the coordinator reads (the board, the report screen).
The names come from `domain.calendar`, never from the host's locale."""

from __future__ import annotations

from datetime import date

from ..domain.calendar import MONTH_NAMES, WEEKDAY_NAMES
from ..domain.office import Office
from .literal import shown

# a ticket's status, in the words of the counter and the coordinator pane
TICKET_STATUS_NL = {
    "waiting": "wacht",
    "called": "opgeroepen",
    "serving": "in behandeling",
    "parked": "geparkeerd",
    "done": "afgerond",
    "no_show": "niet verschenen",
    "closed_unserved": "niet geholpen (sluiting)",
    "left": "vertrokken (gsm)",
}

WEEKDAYS = WEEKDAY_NAMES["nl"]
WEEKDAYS_PLURAL = ("maandagen", "dinsdagen", "woensdagen", "donderdagen", "vrijdagen",
                   "zaterdagen", "zondagen")
MONTHS = MONTH_NAMES["nl"]
ENGLISH_WEEKDAYS = tuple(n.lower() for n in WEEKDAY_NAMES["en"])


def short_date(d: date) -> str:
    """"di 24/11": a header line."""
    return f"{WEEKDAYS[d.weekday()][:2]} {d.day}/{d.month}"


def day_month(d: date) -> str:
    """"maandag 30 november"."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"


def long_date(d: date) -> str:
    """"dinsdag 24 november 2026"."""
    return f"{day_month(d)} {d.year}"


def weekday_name(name: str) -> str:
    """An English weekday name ("monday", as the CLI takes it) in Dutch; others as given."""
    low = name.strip().lower()
    return WEEKDAYS[ENGLISH_WEEKDAYS.index(low)] if low in ENGLISH_WEEKDAYS else name


def decimal(text: str) -> str:
    """A figure written with a decimal point ("4.2") the Dutch way ("4,2")."""
    return text.replace(".", ",")


def post_name(office: Office, post: str | None) -> str:
    """A post's name as the Dutch apps show it (literal text; "—" for none)."""
    return "—" if post is None else shown(office.post_name(post))


def staff_name(office: Office, staff: str | None) -> str:
    """A staff member's name as the Dutch apps show it (literal text; "—" for none)."""
    return "—" if staff is None else shown(office.staff_name(staff))
