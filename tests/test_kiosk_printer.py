"""The kiosk printing through a real ESC/POS emulator (emupos) over loopback, with its faults;
and through printers that hang or are missing.

Each fault must lead, within 3 s of the press, to: the ticket issued and its number large on
screen, a `print_failed` event with the reason, a printer heartbeat with the status, and the
start screen saying that printed tickets are unavailable until the printer answers again.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from printer_fixtures import (  # noqa: F401 - importing registers the fixtures
    Emulator,
    emupos_fixture,
    emupos_server_fixture,
)
from test_kiosk_kit import (
    SIZE,
    T0,
    kiosk,
    kiosk_settings,
    log,
    notice,
    print_state,
    ready,
    seed,
    shown_number,
    text,
    types,
    until,
)

from kcc_tui.apps.kiosk.start import StartScreen
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from printers.settings import PrinterSettings

BUDGET_S = 3.0  # from the press to "remember your number" and the failure on record
QR = "https://loket.example/wachtrij?dag={day}&ticket={number}"
FOOTER = {"nl": "Kopie attest: € 5,00", "fr": "Copie d'un certificat : € 5,00"}


def emulated(emupos: Emulator, **kw: Any) -> PrinterSettings:
    return emupos.settings(qr=True, qr_text=QR, footer=FOOTER, **kw)


async def test_a_whole_ticket_comes_out_of_the_emulator(emupos: Emulator, tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    settings = kiosk_settings(emulated(emupos))
    # Two people wait for verhuis, Loket 4 serves it: 2 ahead, about 2 x 20 min.
    await seed(db, settings, clock, C.IssueTicket("verhuis"), C.IssueTicket("verhuis"),
               C.OpenPost("loket4", "youssef", True))
    before = emupos.receipt_ids()
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#lang-fr")
        await pilot.click("#svc-verhuis")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        assert "Prenez votre ticket" in text(app, "#c-status")
        wait = re.search(r"± (\d+) min", text(app, "#c-facts")).group(1)  # type: ignore[union-attr]
    assert 25 <= int(wait) <= 55
    [receipt] = emupos.wait_new_receipts(before, 1)
    assert receipt["boundary"] == "cut"
    ticket = emupos.receipt_text(receipt["id"])
    for expected in ("Stad Leiebrugge — Klantencontactcenter", "Votre numéro", "F003",
                     "Déménagement & étrangers", "24/11/2026 09:00",
                     "Personnes avant vous : 2", f"Temps d'attente estimé : ± {wait} min",
                     "Copie d'un certificat : € 5,00"):
        assert expected in ticket, (expected, ticket)
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg missing: run .ci/setup-emupos.sh (installs zbar-tools)"
    png = tmp_path / "ticket.png"
    png.write_bytes(emupos.receipt_image(receipt["id"]))
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True,
                             text=True, timeout=10)
    assert decoded.stdout.strip() == "https://loket.example/wachtrij?dag=2026-11-24&ticket=F003"
    events = await log(db, settings, clock)
    assert types(events, "print_failed") == []


@pytest.mark.parametrize(("fault", "status"), [
    ("paper-out", "paper_out"), ("cover-open", "cover_open"), ("offline", "offline")])
async def test_a_printer_fault_shows_the_number_and_is_recorded(
        emupos: Emulator, tmp_path: Path, fault: str, status: str) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(emulated(emupos)), FixedClock(T0)
    await seed(db, settings, clock)
    before = emupos.receipt_ids()
    app = kiosk(settings, db, clock, recheck_s=0.2, debounce_s=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.printer.reading.status.value == "ok", "printer ok")
        emupos.set_fault(fault)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "failed", "the failed print", BUDGET_S)
        assert shown_number(app) == "A001"
        assert text(app, "#c-title") == "Onthoud uw nummer!"
        await until(pilot, lambda: notice(app) is not None, "the printer notice", BUDGET_S)
        events = await log(db, settings, clock)
        [failed] = types(events, "print_failed")
        assert failed.data["number"] == "A001" and failed.data["reason"]
        beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
        assert beats[-1]["status"] == status
        # A ticket taken while the printer is down: the number large on screen at once.
        app.back_to_start(app.screen)
        await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
        assert "geen papieren tickets" in (notice(app) or "")
        await pilot.pause(0.15)
        await pilot.click("#svc-afhalen")
        await until(pilot, lambda: shown_number(app) == "E001", "E001 on screen", BUDGET_S)
        assert print_state(app) == "failed"
        # The printer is fixed: the kiosk notices by itself and says so to the coordinator.
        emupos.clear_fault(fault)
        await until(pilot, lambda: app.printer.available, "the printer back", BUDGET_S)
        await until(pilot, lambda: notice(app) is None, "the notice gone")
    events = await log(db, settings, clock)
    assert [e.data["number"] for e in types(events, "ticket_issued")] == ["A001", "E001"]
    assert [e.data["number"] for e in types(events, "print_failed")] == ["A001", "E001"]
    beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
    assert beats[-1]["status"] == "ok"
    # Nothing was sent while the printer was not ready, so nothing comes out late now.
    late = emupos.wait_new_receipts(before, 1, timeout_s=2.5)
    assert late == []


async def test_paper_near_end_prints_and_tells_the_coordinator(
        emupos: Emulator, tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(emulated(emupos)), FixedClock(T0)
    await seed(db, settings, clock)
    before = emupos.receipt_ids()
    emupos.set_fault("paper-near-end")
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket", BUDGET_S)
        assert notice(app) is None  # citizens still get paper
    assert len(emupos.wait_new_receipts(before, 1)) == 1
    events = await log(db, settings, clock)
    assert types(events, "print_failed") == []
    beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
    assert beats[-1]["status"] == "near_end" and "near end" in beats[-1]["detail"]


@pytest.fixture(name="hanging_printer")
def hanging_printer_fixture() -> Iterator[int]:
    """A TCP printer that answers its first connection's status requests ("all well"), then
    accepts every later connection and never answers: a printer that hangs mid-morning."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(64):
                # one reply byte per DLE EOT n: 0x12 is the fixed pattern with no flag set
                conn.sendall(b"\x12" * data.count(b"\x10\x04"))

    def serve() -> None:
        server.settimeout(0.1)
        first = True
        while not stop.is_set():
            try:
                conn = server.accept()[0]
            except TimeoutError:
                continue
            except OSError:
                return
            if first:
                first = False
                threading.Thread(target=answer, args=(conn,), daemon=True).start()
            else:
                held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        server.close()


async def test_a_hanging_printer_never_freezes_the_kiosk(tmp_path: Path,
                                                         hanging_printer: int) -> None:
    printer = PrinterSettings(transport="network", host="127.0.0.1", port=hanging_printer,
                              timeout_s=2.0)
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(printer), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock, heartbeat_s=3600)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.printer.reading.status.value == "ok", "printer ok")
        await pilot.click("#svc-eid")
        await until(pilot, lambda: shown_number(app) == "A001", "the number on screen")
        assert print_state(app) == "printing"
        # The screen keeps answering while the printer thread waits for a reply.
        await pilot.press("tab")
        await pilot.pause(0.05)
        assert print_state(app) == "printing" and app.focused is not None
        await until(pilot, lambda: print_state(app) == "failed", "the timeout", BUDGET_S)
        await until(pilot, lambda: notice(app) is not None, "the printer notice")
    events = await log(db, settings, clock)
    [failed] = types(events, "print_failed")
    assert "did not answer" in failed.data["reason"] or "within" in failed.data["reason"]
    beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
    assert beats[-1]["status"] == "timeout"


async def test_a_missing_printer_device_is_reported(tmp_path: Path) -> None:
    printer = PrinterSettings(transport="file", device=str(tmp_path / "no" / "lp0"))
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(printer), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "failed", "the failed print", BUDGET_S)
        await until(pilot, lambda: notice(app) is not None, "the printer notice")
    events = await log(db, settings, clock)
    [failed] = types(events, "print_failed")
    assert "lp0" in failed.data["reason"]
    beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
    assert beats[-1]["status"] == "missing"
