"""The ticket layout alone: bytes, code page, labels, local time. No printer involved."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from printers.layout import (
    LABELS,
    TicketContent,
    TicketSlip,
    content_for,
    fill_qr_template,
    format_issued_at,
    format_wait,
    render_bytes,
)
from printers.settings import PrinterSettings

ISSUED = datetime(2026, 11, 24, 8, 5, tzinfo=UTC)  # 09:05 in Brussels (winter, UTC+1)
ESC_T_CP1252 = b"\x1bt\x10"  # ESC t 16: WPC1252 on Epson TM models
GS_EXCL_4X4 = b"\x1d!\x33"  # GS ! with width 4 and height 4
FULL_CUT = b"\x1dV\x00"


def ticket(**overrides: object) -> TicketContent:
    values: dict[str, object] = {
        "office": "Stad Gent · KCC",
        "number": "A012",
        "service": "Vreemdelingenzaken · séjour",
        "lang": "nl",
        "issued_at": ISSUED,
        "people_ahead": 3,
        "estimated_wait_min": 12,
        "qr_text": "https://kcc.example/t/A012",
        "footer": "Betalen kan met kaart. Tarief € 5",
    }
    return TicketContent(**(values | overrides))  # type: ignore[arg-type]


def test_bytes_carry_cp1252_text_and_large_number_and_cut() -> None:
    data = render_bytes(ticket())
    assert data.startswith(b"\x1b@")  # ESC @: no style left over from an earlier ticket
    assert ESC_T_CP1252 in data
    assert b"\x80" in data  # €
    assert b"s\xe9jour" in data  # é
    assert b"\xb7" in data  # ·
    assert GS_EXCL_4X4 + b"\x1bE\x01A012\n" in data
    assert b"\x1d(k" in data and b"https://kcc.example/t/A012" in data  # native QR
    assert data.endswith(FULL_CUT)


def test_code_page_is_sent_before_any_accented_byte() -> None:
    data = render_bytes(ticket(office="Café €"))
    assert data.index(ESC_T_CP1252) < data.index(b"Caf\xe9 \x80")
    assert data.count(b"\x1bt") == 1  # one code page for the whole ticket, never switched


def test_every_language_has_every_label_and_they_are_printable() -> None:
    keys = set(LABELS["nl"])
    for lang, labels in LABELS.items():
        assert set(labels) == keys, lang
        for text in labels.values():
            text.encode("cp1252")  # would raise for a character the printer cannot show


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("nl", b"Uw nummer"),
        ("fr", b"Votre num\xe9ro"),
        ("en", b"Your number"),
        ("de", b"Ihre Nummer"),
        ("xx", b"Uw nummer"),
    ],
)
def test_label_per_language(lang: str, label: bytes) -> None:
    assert label in render_bytes(ticket(lang=lang))


def test_time_is_printed_in_the_office_time_zone() -> None:
    assert format_issued_at(ticket()) == "24/11/2026 09:05"
    assert format_issued_at(ticket(lang="de")) == "24.11.2026 09:05"
    assert format_issued_at(ticket(tz="UTC")) == "24/11/2026 08:05"


def test_wait_formats() -> None:
    assert format_wait(12, "nl") == "± 12 min"
    assert format_wait(0, "fr") == "< 1 min"
    assert b"\xb1 12 min" in render_bytes(ticket())  # ± in CP1252


def test_optional_parts_are_left_out() -> None:
    data = render_bytes(ticket(estimated_wait_min=None, qr_text=None, footer=None))
    assert b"Geschatte wachttijd" not in data
    assert b"\x1d(k" not in data
    assert b"Betalen" not in data


def test_characters_outside_cp1252_become_question_marks() -> None:
    assert b"Zhou ?" in render_bytes(ticket(service="Zhou 周"))


def test_naive_time_and_unknown_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ticket(issued_at=datetime(2026, 11, 24, 9, 5))
    with pytest.raises(Exception, match="No time zone"):
        ticket(tz="Europe/Nowhere")


def test_qr_template() -> None:
    text = fill_qr_template(
        "https://gent.example/q/{day}/{number}?s={service}",
        number="A012",
        service="eid",
        day="2026-11-24",
    )
    assert text == "https://gent.example/q/2026-11-24/A012?s=eid"


def test_ticket_size_is_small() -> None:
    # Native QR and one code page keep a ticket a few hundred bytes (an image QR is ~50x more).
    assert len(render_bytes(ticket())) < 400


def test_content_from_printer_settings() -> None:
    settings = PrinterSettings(
        qr=True,
        qr_text="https://gent.example/q?dag={day}&ticket={number}&s={service}",
        footer={"nl": "Welkom", "fr": "Bienvenue"},
    )
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # already the 25th in Brussels
    def slip(lang: str) -> TicketSlip:
        return TicketSlip(office="Stad Gent", number="A012", service_code="eid",
                          service_name="Identiteitskaart – kids-ID", lang=lang, issued_at=late,
                          people_ahead=0, estimated_wait_min=None)

    fr = content_for(settings, slip("fr"))
    assert fr.qr_text == "https://gent.example/q?dag=2026-11-25&ticket=A012&s=eid"
    assert fr.footer == "Bienvenue" and fr.service == "Identiteitskaart – kids-ID"
    assert content_for(settings, slip("de")).footer is None
    no_qr = settings.model_copy(update={"qr": False})
    assert content_for(no_qr, slip("nl")).qr_text is None


def test_long_lines_wrap_at_word_boundaries() -> None:
    footer = "Willkommen im Rathaus. Achten Sie auf Ihre Nummer am Bildschirm."
    data = render_bytes(ticket(footer=footer))
    assert b"Willkommen im Rathaus. Achten Sie auf Ihre\n" in data
    assert b"Nummer am Bildschirm.\n" in data
