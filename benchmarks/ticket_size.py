"""How big a ticket is: bytes sent and paper used, per language and service.

Prints every service of the example office in every language (footer as in config.toml; the QR
code of the ticket's phone page as an office with a `[phone] base_url` prints it, `--no-page`:
as the example office, which has none) on the emupos emulator over loopback, and reads back the
length of paper each ticket took (emupos's `height_dots` at 203 dpi: 8 dots per mm). Prints
figures, asserts nothing.

    .venv/bin/python benchmarks/ticket_size.py [--profile TM-T20II] [--no-page]

emupos needs its own venv: `.ci/setup-emupos.sh`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the emulator launcher is shared with the tests

from printer_fixtures import start_emulator, stop_emulator  # noqa: E402

from kcc_tui.config import example_path, load_settings  # noqa: E402
from kcc_tui.phone.token import new_token, page_url  # noqa: E402
from printers.layout import TicketSlip, content_for  # noqa: E402
from printers.service import TicketPrinter  # noqa: E402

DOTS_PER_MM = 8  # 203 dpi
PAGE_BASE = "https://wachtrij.leiebrugge.example"  # as docs/phone.md's example


async def measure(profile: str, page: bool) -> None:
    settings = load_settings(example_path())
    office = settings.office
    base = settings.printers["onthaal"]
    with tempfile.TemporaryDirectory(prefix="kcc-ticket-size-") as workdir:
        emulator = start_emulator(Path(workdir))
        try:
            printer = TicketPrinter(emulator.settings(
                profile=profile, qr=base.qr, qr_text=base.qr_text, footer=base.footer))
            rows = []
            for lang in office.languages:
                for code, service in office.services.items():
                    before = emulator.receipt_ids()
                    content = content_for(printer.settings, TicketSlip(
                        office=office.name, number=f"{service.prefix}123",
                        service_code=code, service_name=service.name(lang), lang=lang,
                        issued_at=datetime(2026, 11, 24, 9, tzinfo=UTC), people_ahead=12,
                        estimated_wait_min=35, tz=office.timezone,
                        token_url=page_url(PAGE_BASE, new_token()[0]) if page else None))
                    result = await printer.print_ticket(content)
                    [receipt] = emulator.wait_new_receipts(before, 1)
                    mm = receipt["height_dots"] / DOTS_PER_MM
                    rows.append((lang, code, result.bytes_sent, mm))
        finally:
            stop_emulator(emulator)
    print(f"{'lang':4}  {'service':12}  {'bytes':>5}  {'mm':>5}")
    for lang, code, size, mm in rows:
        print(f"{lang:4}  {code:12}  {size:5d}  {mm:5.1f}")
    sizes, lengths = [r[2] for r in rows], [r[3] for r in rows]
    print(f"bytes: min {min(sizes)}, median {statistics.median(sizes):.0f}, max {max(sizes)}")
    print(f"paper: min {min(lengths):.1f} mm, median {statistics.median(lengths):.1f} mm, "
          f"max {max(lengths):.1f} mm ({len(rows)} tickets, profile {profile}, "
          f"{'with' if page else 'without'} the phone page's QR code)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="TM-T20II")
    parser.add_argument("--no-page", action="store_true",
                        help="no phone page, so no QR code (the example office as shipped)")
    args = parser.parse_args()
    asyncio.run(measure(args.profile, not args.no_page))


if __name__ == "__main__":
    main()
