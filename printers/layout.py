"""What a ticket says and how it is laid out, independent of how the bytes reach a printer.

`render` draws a `TicketContent` onto any python-escpos printer object; `render_bytes` does the
same onto `escpos.printer.Dummy` and returns the ESC/POS bytes. The service sends those bytes
in one go, so a ticket is rendered (and can fail) before any printer is touched.

Every text field goes through `printers.text.wrap`: no control byte from content reaches the
printer, lines break at spaces (the printer itself breaks mid-word) and never between an
amount and its currency. Line width comes from the profile's Font A columns: 80 mm paper has
48 (576-dot heads such as TM-T20II) or 42 (512-dot heads such as TM-T88V); 58 mm paper has 32
(Font B fits 42 there, 64 on 80 mm). A profile that does not say gets 32, which fits any roll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from printers.escpos_lib import (
    QR_ECLEVEL_H,
    QR_ECLEVEL_L,
    QR_ECLEVEL_M,
    QR_ECLEVEL_Q,
    Dummy,
    Escpos,
    NotSupported,
)
from printers.profiles import escpos_profile
from printers.settings import PrinterSettings
from printers.text import fill, printable, wrap

# Each label set is short enough for one line of Font A on 80 mm paper (48 columns).
LABELS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "your_number": "Uw nummer",
        "priority": "Voorrangticket",
        "people_ahead": "Wachtenden voor u",
        "colon": ": ",
        "estimated_wait": "Geschatte wachttijd",
        "appointment": "Afspraak om",
        "less_than_a_minute": "< 1 min",
    },
    "fr": {
        "your_number": "Votre numéro",
        "priority": "Ticket prioritaire",
        "people_ahead": "Personnes avant vous",
        "colon": "\u00a0: ",  # French typography: a (no-break) space before the colon
        "estimated_wait": "Temps d'attente estimé",
        "appointment": "Rendez-vous à",
        "less_than_a_minute": "< 1 min",
    },
    "en": {
        "your_number": "Your number",
        "priority": "Priority ticket",
        "people_ahead": "People ahead of you",
        "colon": ": ",
        "estimated_wait": "Estimated wait",
        "appointment": "Appointment at",
        "less_than_a_minute": "< 1 min",
    },
    "de": {
        "your_number": "Ihre Nummer",
        "priority": "Ticket mit Vorrang",
        "people_ahead": "Wartende vor Ihnen",
        "colon": ": ",
        "estimated_wait": "Geschätzte Wartezeit",
        "appointment": "Termin um",
        "less_than_a_minute": "< 1 min",
    },
}
DEFAULT_LANG: Final = "nl"
# Day first everywhere; German writes dots (29.11.2025), the others slashes as in Belgium.
_DATE_FORMATS: Final = {"de": "%d.%m.%Y %H:%M"}
_DEFAULT_DATE_FORMAT: Final = "%d/%m/%Y %H:%M"

# CP1252 holds é ë è ç ä ö ü ß – · ± and €; python-escpos's automatic code-page choice does
# not reliably (see docs/printing.md). Characters outside it print as "?".
CODE_PAGE: Final = "CP1252"
NUMBER_SIZE: Final = 4  # the queue number in 4x4 characters: readable from arm's length
QR_MODULE_DOTS: Final = 6  # about 0.75 mm per module at 203 dpi: phone cameras read it easily
# Level M restores 15 % of the code (L: 7 %): a creased or smudged ticket still scans, and the
# short URL still fits a small code at this module size.
QR_EC_LEVEL: Final = "M"
# what `qr_text` may use (config/checks.py TEMPLATES says the same)
QR_PLACEHOLDERS: Final = ("number", "service", "day", "token_url")
FALLBACK_COLUMNS: Final = 32  # 58 mm paper in Font A: the narrowest roll, so it fits any


@dataclass(frozen=True, slots=True)
class TicketContent:
    """Everything printed on one ticket. `issued_at` must be timezone-aware."""

    office: str
    number: str
    service: str
    lang: str
    issued_at: datetime
    people_ahead: int
    estimated_wait_min: int | None = None
    qr_text: str | None = None
    footer: str | None = None
    priority: bool = False  # printed as one bold line under the service
    booked: str | None = None  # an appointment's booked start ("10:20"), a line of its own
    tz: str = "Europe/Brussels"  # the office's local time is what the visitor expects to read

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("TicketContent.issued_at must be timezone-aware")
        ZoneInfo(self.tz)  # fail here, not halfway through printing


def labels(lang: str) -> dict[str, str]:
    """The labels for `lang`, falling back to Dutch for an unknown language."""
    return LABELS.get(lang, LABELS[DEFAULT_LANG])


def format_wait(minutes: int, lang: str) -> str:
    """An estimate, never a promise: "± 12 min"."""
    if minutes < 1:
        return labels(lang)["less_than_a_minute"]
    if minutes > 60:  # as every kcc surface writes it (kcc_tui.domain.estimate.wait_text)
        return f"± {minutes // 60}{'u' if lang == 'nl' else 'h'}{minutes % 60:02d}"
    return f"± {minutes} min"


def format_issued_at(content: TicketContent) -> str:
    local = content.issued_at.astimezone(ZoneInfo(content.tz))
    return local.strftime(_DATE_FORMATS.get(content.lang, _DEFAULT_DATE_FORMAT))


def fill_qr_template(template: str, *, number: str, service: str, day: str,
                     token_url: str = "") -> str:
    """Fill `{number}`, `{service}`, `{day}` and `{token_url}` (the ticket's phone page, see
    docs/phone.md) in a QR text template from the settings (checked at config load by
    `printers.text.template_problem` with `QR_PLACEHOLDERS`)."""
    return fill(template, {"number": number, "service": service, "day": day,
                           "token_url": token_url})


@dataclass(frozen=True, slots=True)
class TicketSlip:
    """One issued ticket as the queue system hands it to the printer: its facts, no layout.
    `issued_at` must be timezone-aware; `token_url` is its phone page (docs/phone.md), if any."""

    office: str
    number: str
    service_code: str
    service_name: str  # in the ticket's language
    lang: str
    issued_at: datetime
    people_ahead: int
    estimated_wait_min: int | None  # None: no number is promised
    tz: str = "Europe/Brussels"
    priority: bool = False
    token_url: str | None = None
    booked: str | None = None  # checked in for an appointment at this local time ("10:20")


def content_for(settings: PrinterSettings, slip: TicketSlip) -> TicketContent:
    """A ticket with the QR text and footer that a printer's settings ask for.

    `{day}` is the local date (2026-11-24) and `{service}` the service code, so the QR text
    stays a plain URL; the footer is the one for the ticket's language, or none.
    """
    qr_text = None
    # A template that asks for the phone page prints no code for a ticket without one.
    wants_page = "{token_url}" in settings.qr_text
    if settings.qr and settings.qr_text and (slip.token_url or not wants_page):
        day = slip.issued_at.astimezone(ZoneInfo(slip.tz)).date().isoformat()
        qr_text = fill_qr_template(settings.qr_text, number=slip.number,
                                   service=slip.service_code, day=day,
                                   token_url=slip.token_url or "")
    return TicketContent(
        office=slip.office,
        number=slip.number,
        service=slip.service_name,
        lang=slip.lang,
        issued_at=slip.issued_at,
        people_ahead=slip.people_ahead,
        estimated_wait_min=slip.estimated_wait_min,
        qr_text=qr_text,
        footer=settings.footer.get(slip.lang),
        priority=slip.priority,
        booked=slip.booked,
        tz=slip.tz,
    )


def render(printer: Escpos, content: TicketContent) -> None:
    """Draw one ticket onto a python-escpos printer object, ending with a cut."""
    text = labels(content.lang)
    # ESC @ first: a ticket aborted halfway may have left double size or bold switched on.
    printer.hw("INIT")
    # Forced on this object, so the ESC t for CP1252 goes out with the first text.
    printer.charcode(CODE_PAGE)

    columns = _columns(printer)

    def say(line: str) -> None:
        for part in wrap(line, columns):
            printer.textln(part)

    printer.set(align="center", bold=True)
    say(content.office)
    printer.set(bold=False)
    printer.ln()
    say(text["your_number"])
    printer.set(custom_size=True, width=NUMBER_SIZE, height=NUMBER_SIZE, bold=True)
    for part in wrap(content.number, columns // NUMBER_SIZE):
        printer.textln(part)
    # GS ! 0 explicitly: ESC ! 0 (python-escpos's "normal size") leaves GS ! alone on some models.
    printer.set(custom_size=True, width=1, height=1)
    say(content.service)
    if content.priority:
        say(f"* {text['priority']} *")
    if content.booked:
        say(f"* {text['appointment']} {content.booked} *")
    printer.set(bold=False)
    say(format_issued_at(content))
    printer.ln()
    colon = text["colon"]
    say(f"{text['people_ahead']}{colon}{content.people_ahead}")
    if content.estimated_wait_min is not None:
        wait = format_wait(content.estimated_wait_min, content.lang)
        say(f"{text['estimated_wait']}{colon}{wait}")
    if content.qr_text:
        printer.ln()
        # native: the printer draws the code from its text, ~50x fewer bytes than an image
        printer.qr(
            printable(content.qr_text), native=True, size=QR_MODULE_DOTS, ec=_QR_LEVELS[QR_EC_LEVEL]
        )
    if content.footer:
        printer.ln()
        say(content.footer)
    printer.set(align="left")
    printer.cut()


_QR_LEVELS: Final = {"L": QR_ECLEVEL_L, "M": QR_ECLEVEL_M, "Q": QR_ECLEVEL_Q, "H": QR_ECLEVEL_H}


def _columns(printer: Escpos) -> int:
    """Characters per line in Font A, from the printer's profile (32 when it does not say)."""
    try:
        return int(printer.profile.get_columns("a")) or FALLBACK_COLUMNS
    except (AttributeError, KeyError, TypeError, ValueError, NotSupported):
        return FALLBACK_COLUMNS


def render_bytes(content: TicketContent, profile: str = "TM-T20II") -> bytes:
    """The ESC/POS bytes of one ticket for a printer `profile` (a model name from config)."""
    dummy = Dummy(profile=escpos_profile(profile))
    render(dummy, content)
    data: bytes = dummy.output
    return data
