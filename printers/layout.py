"""What a ticket says and how it is laid out, independent of how the bytes reach a printer.

`render` draws a `TicketContent` onto any python-escpos printer object; `render_bytes` does the
same onto `escpos.printer.Dummy` and returns the ESC/POS bytes. The service sends those bytes
in one go, so a ticket is rendered (and can fail) before any printer is touched.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from escpos.escpos import Escpos
from escpos.printer import Dummy

from printers.settings import PrinterSettings

# Each label set is short enough for one line of Font A on 80 mm paper (48 columns).
LABELS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "your_number": "Uw nummer",
        "people_ahead": "Wachtenden voor u",
        "estimated_wait": "Geschatte wachttijd",
        "less_than_a_minute": "< 1 min",
    },
    "fr": {
        "your_number": "Votre numéro",
        "people_ahead": "Personnes avant vous",
        "estimated_wait": "Temps d'attente estimé",
        "less_than_a_minute": "< 1 min",
    },
    "en": {
        "your_number": "Your number",
        "people_ahead": "People ahead of you",
        "estimated_wait": "Estimated wait",
        "less_than_a_minute": "< 1 min",
    },
    "de": {
        "your_number": "Ihre Nummer",
        "people_ahead": "Wartende vor Ihnen",
        "estimated_wait": "Geschätzte Wartezeit",
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
    return f"± {minutes} min"


def format_issued_at(content: TicketContent) -> str:
    local = content.issued_at.astimezone(ZoneInfo(content.tz))
    return local.strftime(_DATE_FORMATS.get(content.lang, _DEFAULT_DATE_FORMAT))


def fill_qr_template(template: str, *, number: str, service: str, day: str,
                     token_url: str = "") -> str:
    """Fill `{number}`, `{service}`, `{day}` and `{token_url}` (the ticket's phone page, see
    docs/phone.md) in a QR text template from the settings."""
    return template.format(number=number, service=service, day=day, token_url=token_url)


def content_for(
    settings: PrinterSettings,
    *,
    office: str,
    number: str,
    service_code: str,
    service_name: str,
    lang: str,
    issued_at: datetime,
    people_ahead: int,
    estimated_wait_min: int | None,
    tz: str = "Europe/Brussels",
    token_url: str | None = None,
) -> TicketContent:
    """A ticket with the QR text and footer that a printer's settings ask for.

    `{day}` is the local date (2026-11-24) and `{service}` the service code, so the QR text
    stays a plain URL; the footer is the one for `lang`, or none.
    """
    qr_text = None
    # A template that asks for the phone page prints no code for a ticket without one.
    wants_page = "{token_url}" in settings.qr_text
    if settings.qr and settings.qr_text and (token_url or not wants_page):
        day = issued_at.astimezone(ZoneInfo(tz)).date().isoformat()
        qr_text = fill_qr_template(settings.qr_text, number=number, service=service_code, day=day,
                                   token_url=token_url or "")
    return TicketContent(
        office=office,
        number=number,
        service=service_name,
        lang=lang,
        issued_at=issued_at,
        people_ahead=people_ahead,
        estimated_wait_min=estimated_wait_min,
        qr_text=qr_text,
        footer=settings.footer.get(lang),
        tz=tz,
    )


def render(printer: Escpos, content: TicketContent) -> None:
    """Draw one ticket onto a python-escpos printer object, ending with a cut."""
    text = labels(content.lang)
    # ESC @ first: a ticket aborted halfway may have left double size or bold switched on.
    printer.hw("INIT")
    # Forced on this object, so the ESC t for CP1252 goes out with the first text.
    printer.charcode(CODE_PAGE)

    columns = _columns(printer)
    printer.set(align="center", bold=True)
    _lines(printer, content.office, columns)
    printer.set(bold=False)
    printer.ln()
    printer.textln(text["your_number"])
    printer.set(custom_size=True, width=NUMBER_SIZE, height=NUMBER_SIZE, bold=True)
    printer.textln(content.number)
    # GS ! 0 explicitly: ESC ! 0 (python-escpos's "normal size") leaves GS ! alone on some models.
    printer.set(custom_size=True, width=1, height=1)
    _lines(printer, content.service, columns)
    printer.set(bold=False)
    printer.textln(format_issued_at(content))
    printer.ln()
    printer.textln(f"{text['people_ahead']}: {content.people_ahead}")
    if content.estimated_wait_min is not None:
        wait = format_wait(content.estimated_wait_min, content.lang)
        printer.textln(f"{text['estimated_wait']}: {wait}")
    if content.qr_text:
        printer.ln()
        # native: the printer draws the code from its text, ~50x fewer bytes than an image
        printer.qr(content.qr_text, native=True, size=QR_MODULE_DOTS)
    if content.footer:
        printer.ln()
        _lines(printer, content.footer, columns)
    printer.set(align="left")
    printer.cut()


def _columns(printer: Escpos) -> int:
    """Characters per line in the normal font; 42 (58 mm paper) when the profile does not say."""
    try:
        return int(printer.profile.get_columns("a")) or 42
    except (AttributeError, KeyError, TypeError, ValueError):
        return 42


def _lines(printer: Escpos, text: str, columns: int) -> None:
    """Wrap at word boundaries: the printer itself breaks a long line mid-word."""
    for line in textwrap.wrap(text, columns) or [""]:
        printer.textln(line)


def render_bytes(content: TicketContent, profile: str = "TM-T20II") -> bytes:
    """The ESC/POS bytes of one ticket for a printer `profile` (python-escpos model name)."""
    dummy = Dummy(profile=profile)
    render(dummy, content)
    data: bytes = dummy.output
    return data
