"""TicketPrinter against a real ESC/POS emulator (emupos) over loopback TCP."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from printer_fixtures import (  # noqa: F401 - importing registers the fixtures
    Emulator,
    emupos_fixture,
    emupos_server_fixture,
    free_port,
)

from printers.health import PrinterStatus
from printers.layout import TicketContent
from printers.service import TicketPrinter
from printers.settings import PrinterSettings

FAULT_BUDGET_S = 3.0  # a kiosk must know within this time that it has to show the number


def ticket(
    number: str = "A012", service: str = "Attesten & uittreksels", **kw: object
) -> TicketContent:
    values: dict[str, object] = {
        "office": "Stad Gent – Klantencontactcentrum",
        "number": number,
        "service": service,
        "lang": "nl",
        "issued_at": datetime(2026, 11, 24, 8, 5, tzinfo=UTC),
        "people_ahead": 4,
        "estimated_wait_min": 12,
        "qr_text": f"https://kcc.example/t/{number}",
        "footer": "Bedankt voor uw geduld. Kopie: € 0,50",
    }
    return TicketContent(**(values | kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "service",
    ["Attesten & uittreksels", "Identiteitskaart – kids-ID", "Vreemdelingenzaken · séjour"],
)
async def test_ticket_text_comes_out_whole(emupos: Emulator, service: str) -> None:
    before = emupos.receipt_ids()
    result = await TicketPrinter(emupos.settings()).print_ticket(ticket(service=service))
    assert result.ok, result.reason
    assert result.status_before is result.status_after is PrinterStatus.OK
    assert result.bytes_sent > 0 and result.elapsed_s < 1.0
    [receipt] = emupos.wait_new_receipts(before, 1)
    assert receipt["boundary"] == "cut"
    text = emupos.receipt_text(receipt["id"])
    for expected in (
        "Stad Gent – Klantencontactcentrum",
        "Uw nummer",
        "A012",
        service,
        "24/11/2026 09:05",
        "Wachtenden voor u: 4",
        "Geschatte wachttijd: ± 12 min",
        "€ 0,50",
        "[qr https://kcc.example/t/A012]",
    ):
        assert expected in text, (expected, text)


async def test_qr_in_the_image_decodes(emupos: Emulator, tmp_path: Path) -> None:
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg missing: run .ci/setup-emupos.sh (installs zbar-tools)"
    before = emupos.receipt_ids()
    result = await TicketPrinter(emupos.settings()).print_ticket(ticket(number="B007"))
    assert result.ok, result.reason
    [receipt] = emupos.wait_new_receipts(before, 1)
    png = tmp_path / "ticket.png"
    png.write_bytes(emupos.receipt_image(receipt["id"]))
    decoded = subprocess.run(
        [zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=10
    )
    assert decoded.stdout.strip() == "https://kcc.example/t/B007"
    assert (emupos.receipts_dir / f"{receipt['id']}.png").read_bytes() == png.read_bytes()


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ("paper-out", PrinterStatus.PAPER_OUT),
        ("cover-open", PrinterStatus.COVER_OPEN),
        ("offline", PrinterStatus.OFFLINE),
    ],
)
async def test_blocking_fault_refuses_quickly_and_recovers(
    emupos: Emulator, fault: str, status: PrinterStatus
) -> None:
    printer = TicketPrinter(emupos.settings())
    before = emupos.receipt_ids()
    emupos.set_fault(fault)

    started = time.monotonic()
    result = await printer.print_ticket(ticket())
    assert time.monotonic() - started < FAULT_BUDGET_S
    assert not result.ok
    assert result.status_before is status and result.bytes_sent == 0
    assert result.reason and "\n" not in result.reason
    assert (await printer.status()).status is status

    emupos.clear_fault(fault)
    assert (await printer.status()).status is PrinterStatus.OK
    again = await printer.print_ticket(ticket(number="A013"))
    assert again.ok, again.reason
    new = emupos.wait_new_receipts(before, 1)
    # Nothing was held back during the fault: only the ticket printed after recovery exists.
    assert [("A013" in emupos.receipt_text(r["id"])) for r in new] == [True]


async def test_paper_near_end_prints_and_reports(emupos: Emulator) -> None:
    printer = TicketPrinter(emupos.settings())
    before = emupos.receipt_ids()
    emupos.set_fault("paper-near-end")
    started = time.monotonic()
    result = await printer.print_ticket(ticket())
    assert time.monotonic() - started < FAULT_BUDGET_S
    assert result.ok
    assert result.status_before is result.status_after is PrinterStatus.NEAR_END
    assert result.reason and "near end" in result.reason
    assert len(emupos.wait_new_receipts(before, 1)) == 1
    emupos.clear_fault("paper-near-end")
    assert (await printer.status()).status is PrinterStatus.OK


async def test_port_without_listener_is_offline_at_once() -> None:
    settings = PrinterSettings(transport="network", port=free_port(), timeout_s=3.0)
    printer = TicketPrinter(settings)
    started = time.monotonic()
    result = await printer.print_ticket(ticket())
    assert time.monotonic() - started < 1.0
    assert not result.ok and result.status_before is PrinterStatus.OFFLINE
    assert result.reason and "refused" in result.reason
    assert (await printer.status()).status is PrinterStatus.OFFLINE


async def test_concurrent_tickets_do_not_interleave(emupos: Emulator) -> None:
    printer = TicketPrinter(emupos.settings())
    before = emupos.receipt_ids()
    numbers = ["C001", "C002", "C003", "C004"]
    results = await asyncio.gather(*(printer.print_ticket(ticket(number=n)) for n in numbers))
    assert all(r.ok for r in results), [r.reason for r in results]
    receipts = emupos.wait_new_receipts(before, len(numbers))
    assert len(receipts) == len(numbers)
    seen = []
    for receipt in receipts:
        assert receipt["boundary"] == "cut"
        text = emupos.receipt_text(receipt["id"])
        [number] = [n for n in numbers if n in text]  # exactly one number per ticket
        assert text.count("Uw nummer") == 1 and "€ 0,50" in text  # whole, footer last
        seen.append(number)
    assert sorted(seen) == numbers
