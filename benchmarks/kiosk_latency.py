"""Kiosk latency: press → number on screen, press → ticket done at the printer; bytes per ticket.

Runs the real kiosk app headless (Textual's test driver) on a fresh SQLite store, printing on
the emupos emulator over loopback (or python-escpos's Dummy with `--printer dummy`), and
presses a service key `--tickets` times. For every press it records, on one clock
(`time.perf_counter`):

- press → screen: from the key press to the first refresh of the confirmation screen, which
  shows the number (the ticket is committed to the store before that screen exists);
- press → printed: until `TicketPrinter.print_ticket` returned ok, i.e. the printer answered
  the status request sent after the ticket's bytes — the emulator has taken the whole ticket.

    .venv/bin/python benchmarks/kiosk_latency.py [--tickets 200] [--printer emupos|dummy]

emupos needs its own venv: `.ci/setup-emupos.sh`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the emulator launcher is shared with the tests

from kcc_tui.apps.kiosk import build_app  # noqa: E402
from kcc_tui.apps.kiosk.confirm import ConfirmScreen  # noqa: E402
from kcc_tui.config import example_path, load_settings  # noqa: E402
from kcc_tui.config.settings import Settings  # noqa: E402
from kcc_tui.domain.office import OpeningHours  # noqa: E402
from kcc_tui.store import create_store  # noqa: E402
from printers.settings import PrinterSettings  # noqa: E402

KIOSK = "onthaal"
KEYS = "12456"  # eid, rijbewijs, attesten, afhalen, verhuis: varied names, no daily cap hit
QR_TEXT = "https://loket.leiebrugge.example/wachtrij?dag={day}&ticket={number}"


def settings_for(printer: PrinterSettings) -> Settings:
    """The example office, open around the clock, its kiosk printing on `printer`."""
    settings = load_settings(example_path())
    office = settings.office.model_copy(update={
        "hours": OpeningHours(),
        "services": {k: v.model_copy(update={"daily_cap": None})
                     for k, v in settings.office.services.items()}})
    kiosk = settings.kiosks[KIOSK]
    footer = settings.printers[kiosk.printer or KIOSK].footer
    printer = printer.model_copy(update={"qr": True, "qr_text": QR_TEXT, "footer": footer})
    return settings.model_copy(update={"office": office, "printers": {KIOSK: printer},
                                       "kiosks": {KIOSK: kiosk.model_copy(
                                           update={"printer": KIOSK})}})


async def measure(settings: Settings, db: Path, tickets: int) -> list[dict[str, Any]]:
    await create_store(db, settings.office)
    app = build_app(settings, db=db, kiosk_id=KIOSK, debounce_s=0.0, heartbeat_s=3600)
    rows: list[dict[str, Any]] = []
    async with app.run_test(size=(120, 35)) as pilot:
        while app.store is None or app.printer is None or not app.printer.available:
            await pilot.pause(0.02)
        for i in range(tickets):
            started = time.perf_counter()
            await pilot.press(KEYS[i % len(KEYS)])
            while not isinstance(app.screen, ConfirmScreen):
                await pilot.pause(0.001)
            screen = app.screen
            marks = app.timings.setdefault(screen.ticket.number, {})
            while "shown" not in marks or not ({"printed", "failed"} & marks.keys()):
                await pilot.pause(0.001)
            rows.append({"number": screen.ticket.number, "ok": "printed" in marks,
                         "accept": marks["pressed"] - started,
                         "commit": marks["committed"] - marks["pressed"],
                         "draw": marks["shown"] - marks["committed"],
                         "screen": marks["shown"] - started,
                         "printed": marks.get("printed", marks.get("failed", 0.0)) - started,
                         "bytes": marks.get("bytes", 0)})
            app.back_to_start(screen)
            await pilot.pause(0.005)
    return rows


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(rows: list[dict[str, Any]], printer: str, received: int | None) -> None:
    ok = [r for r in rows if r["ok"]]
    print(f"kiosk latency — {len(rows)} tickets, printer: {printer}")
    for key, what in (("screen", "press → number on screen"),
                      ("printed", "press → ticket done at printer")):
        ms = [1000 * r[key] for r in (ok if key == "printed" else rows)]
        if not ms:
            print(f"  {what:<32} no ticket printed")
            continue
        print(f"  {what:<32} p50 {pct(ms, 50):6.1f} ms   p99 {pct(ms, 99):6.1f} ms   "
              f"max {max(ms):6.1f} ms")
    parts = "   ".join(f"{name} {pct([1000 * r[key] for r in rows], 50):.1f}"
                       for key, name in (("accept", "key→handler"), ("commit", "store commit"),
                                         ("draw", "screen drawn")))
    print(f"  {'  of which (p50, ms)':<32} {parts}")
    sizes = [r["bytes"] for r in ok]
    if sizes:
        print(f"  {'bytes per ticket':<32} mean {statistics.mean(sizes):.0f}   "
              f"min {min(sizes)}   max {max(sizes)}")
    print(f"  {'printed ok':<32} {len(ok)}/{len(rows)}"
          + ("" if received is None else f"   receipts at the emulator: {received}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--printer", choices=("emupos", "dummy"), default="emupos")
    args = parser.parse_args()
    if args.tickets < 1:
        parser.error("--tickets must be at least 1")
    with tempfile.TemporaryDirectory(prefix="kcc-kiosk-bench-") as tmp:
        work = Path(tmp)
        emulator = None
        if args.printer == "emupos":
            from printer_fixtures import EMUPOS_BIN, start_emulator, stop_emulator

            if not EMUPOS_BIN.exists():
                sys.exit(f"emupos is not installed ({EMUPOS_BIN}): run .ci/setup-emupos.sh, "
                         "or use --printer dummy")
            emulator = start_emulator(work)
            printer = emulator.settings(timeout_s=5.0)
        else:
            printer = PrinterSettings(transport="dummy")
        try:
            before = emulator.receipt_ids() if emulator else set()
            rows = asyncio.run(measure(settings_for(printer), work / "kcc.db", args.tickets))
            received = None
            if emulator is not None:
                received = len(emulator.wait_new_receipts(before, len(rows), timeout_s=5.0))
        finally:
            if emulator is not None:
                stop_emulator(emulator)
        report(rows, args.printer, received)


if __name__ == "__main__":
    main()
