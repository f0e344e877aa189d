"""TicketPrinter without the emulator: Dummy/File/USB/serial transports, status decoding,
the per-printer lock and the overall timeout (with small in-process fake printers)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from escpos.printer import Network

from printers import service
from printers.health import PrinterStatus, StatusReading, classify_error, read_status
from printers.layout import TicketContent, render_bytes
from printers.service import TicketPrinter
from printers.settings import PrinterSettings

OK, NEAR, OUT = b"\x12", b"\x1e", b"\x7e"  # DLE EOT 4 replies as a TM printer sends them
OFFLINE = b"\x1a"  # DLE EOT 1 with bit 3


def ticket(number: str = "A012") -> TicketContent:
    return TicketContent(
        office="Stad Gent",
        number=number,
        service="Attesten & uittreksels",
        lang="nl",
        issued_at=datetime(2026, 11, 24, 8, 5, tzinfo=UTC),
        people_ahead=2,
        estimated_wait_min=8,
    )


class ScriptedPrinter(Network):
    """A network printer whose DLE EOT replies come from a script; records what is sent."""

    def __init__(self, replies: dict[int, bytes], raw_delay_s: float = 0.0) -> None:
        super().__init__("scripted", 9100, profile="TM-T20II")
        self.replies = replies
        self.raw_delay_s = raw_delay_s
        self.sent = bytearray()
        self.active = 0
        self.max_active = 0

    def query_status(self, mode: bytes) -> bytes:
        return self.replies[mode[-1]]

    def _raw(self, msg: bytes) -> None:
        # Shared counters: how many tickets are being sent at the same moment.
        with _counter_lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        time.sleep(self.raw_delay_s)
        self.sent += msg
        with _counter_lock:
            self.active -= 1

    def close(self) -> None:
        pass


_counter_lock = threading.Lock()


def scripted(monkeypatch: pytest.MonkeyPatch, printer: ScriptedPrinter) -> None:
    monkeypatch.setattr(service, "open_printer", lambda settings: printer)


# --- transports without status ------------------------------------------------------------


async def test_dummy_prints_with_unknown_status() -> None:
    result = await TicketPrinter(PrinterSettings(transport="dummy")).print_ticket(ticket())
    assert result.ok and result.reason is None
    assert result.status_before is result.status_after is PrinterStatus.UNKNOWN
    assert result.bytes_sent == len(render_bytes(ticket()))


async def test_file_appends_every_ticket(tmp_path: Path) -> None:
    path = tmp_path / "tickets.bin"
    printer = TicketPrinter(PrinterSettings(transport="file", device=str(path)))
    first = await printer.print_ticket(ticket("A001"))
    second = await printer.print_ticket(ticket("A002"))
    assert first.ok and second.ok
    assert path.read_bytes() == render_bytes(ticket("A001")) + render_bytes(ticket("A002"))
    assert (await printer.status()).status is PrinterStatus.UNKNOWN


@pytest.mark.parametrize(
    "settings",
    [
        PrinterSettings(transport="file", device="/nonexistent/dir/ticket.bin"),
        PrinterSettings(transport="file"),
        PrinterSettings(transport="usb"),
        PrinterSettings(transport="usb", vendor_id=0x04B8, product_id=0x0E28),
        PrinterSettings(transport="serial"),
        PrinterSettings(transport="serial", device="/dev/nonexistent-ttyS9"),
    ],
    ids=["file-bad-path", "file-no-path", "usb-no-ids", "usb", "serial-no-device", "serial"],
)
async def test_unusable_transport_is_missing_with_a_reason(settings: PrinterSettings) -> None:
    # pyusb, pyserial and libusb may or may not be installed: missing either way, no traceback.
    result = await TicketPrinter(settings).print_ticket(ticket())
    assert not result.ok and result.bytes_sent == 0
    assert result.status_after is PrinterStatus.MISSING
    assert result.reason and "\n" not in result.reason and "Traceback" not in result.reason


# --- status decoding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replies", "status"),
    [
        ({1: OK, 2: OK, 4: OK}, PrinterStatus.OK),
        ({1: OK, 2: OK, 4: NEAR}, PrinterStatus.NEAR_END),
        ({1: OFFLINE, 2: b"\x32", 4: OUT}, PrinterStatus.PAPER_OUT),
        ({1: OFFLINE, 2: b"\x16", 4: OK}, PrinterStatus.COVER_OPEN),
        ({1: OFFLINE, 2: OK, 4: OK}, PrinterStatus.OFFLINE),
        ({1: b"", 2: OK, 4: OK}, PrinterStatus.OFFLINE),  # peer closed: recv() gave b""
        ({1: b"\xff", 2: OK, 4: OK}, PrinterStatus.UNKNOWN),  # not a status byte
        ({1: b"\x12\x12", 2: OK, 4: b"\x12\x1e"}, PrinterStatus.NEAR_END),  # newest byte counts
    ],
)
def test_status_bytes_map_to_a_status(replies: dict[int, bytes], status: PrinterStatus) -> None:
    assert read_status(ScriptedPrinter(replies)).status is status


def test_errors_map_to_a_status() -> None:
    class NoBackendError(Exception):  # stands in for usb.core.NoBackendError
        pass

    assert classify_error(NoBackendError("No backend")).status is PrinterStatus.MISSING
    assert classify_error(TimeoutError()).status is PrinterStatus.TIMEOUT
    assert classify_error(ConnectionResetError("reset")).status is PrinterStatus.OFFLINE
    reading = classify_error(ValueError("odd\nthing"))
    assert reading == StatusReading(PrinterStatus.ERROR, "ValueError: odd thing")


async def test_paper_out_after_printing_reports_an_incomplete_ticket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printer = ScriptedPrinter({1: OK, 2: OK, 4: OK})
    scripted(monkeypatch, printer)
    original = printer.query_status

    def out_after_ticket(mode: bytes) -> bytes:
        if printer.sent:  # the ticket went out: now the roll is empty
            return {1: OFFLINE, 2: b"\x32", 4: OUT}[mode[-1]]
        return original(mode)

    monkeypatch.setattr(printer, "query_status", out_after_ticket)
    result = await TicketPrinter(PrinterSettings(transport="network")).print_ticket(ticket())
    assert not result.ok and result.bytes_sent > 0
    assert (result.status_before, result.status_after) == (
        PrinterStatus.OK,
        PrinterStatus.PAPER_OUT,
    )
    assert result.reason and "incomplete" in result.reason


# --- lock and timeout -------------------------------------------------------------------------


async def test_one_ticket_at_a_time_per_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    printer = ScriptedPrinter({1: OK, 2: OK, 4: OK}, raw_delay_s=0.05)
    scripted(monkeypatch, printer)
    tp = TicketPrinter(PrinterSettings(transport="network", timeout_s=5))
    results = await asyncio.gather(*(tp.print_ticket(ticket(f"A{i:03}")) for i in range(5)))
    assert all(r.ok for r in results)
    assert printer.max_active == 1
    assert bytes(printer.sent).count(b"\x1dV\x00") == 5  # five whole tickets, five cuts


async def test_caller_never_waits_longer_than_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    printer = ScriptedPrinter({1: OK, 2: OK, 4: OK}, raw_delay_s=1.0)  # a stuck driver
    scripted(monkeypatch, printer)
    tp = TicketPrinter(PrinterSettings(transport="network", timeout_s=0.3))
    started = time.monotonic()
    result = await tp.print_ticket(ticket())
    assert time.monotonic() - started < 0.6
    assert not result.ok and result.status_after is PrinterStatus.TIMEOUT
    assert result.status_before is PrinterStatus.OK
    # The next ticket finds the printer busy and gives up within its own timeout.
    started = time.monotonic()
    busy = await tp.print_ticket(ticket("A013"))
    assert time.monotonic() - started < 0.6 and not busy.ok


async def test_abandoned_ticket_is_never_printed_later(monkeypatch: pytest.MonkeyPatch) -> None:
    printer = ScriptedPrinter({1: OK, 2: OK, 4: OK})
    scripted(monkeypatch, printer)
    tp = TicketPrinter(PrinterSettings(transport="network", timeout_s=0.2))
    tp._lock.acquire()  # another ticket is printing
    try:
        result = await tp.print_ticket(ticket())
    finally:
        tp._lock.release()
    time.sleep(0.3)
    assert not result.ok and not printer.sent


class SlowStatusServer:
    """A TCP 'printer' that answers every status request, but only after `delay_s`."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            while data := _recv(conn):
                time.sleep(self.delay_s)
                try:
                    conn.sendall(OK * data.count(b"\x10\x04"))
                except OSError:
                    return

    def close(self) -> None:
        self.listener.close()


def _recv(conn: socket.socket) -> bytes:
    try:
        return conn.recv(4096)
    except OSError:
        return b""


@pytest.fixture
def slow_server() -> Iterator[SlowStatusServer]:
    server = SlowStatusServer(delay_s=0.9)
    yield server
    server.close()


async def test_timeout_frees_the_printer_at_once(slow_server: SlowStatusServer) -> None:
    # Each reply takes 0.9 s: under the 1 s limit for one reply, but the status after the
    # ticket is still pending when the caller's 2 s are up. Abandoning shuts the socket, so
    # the lock is free now, not when that reply comes at ~2.7 s.
    settings = PrinterSettings(transport="network", port=slow_server.port, timeout_s=2.0)
    tp = TicketPrinter(settings)
    started = time.monotonic()
    result = await tp.print_ticket(ticket())
    elapsed = time.monotonic() - started
    assert 1.9 < elapsed < 2.3
    assert not result.ok and result.status_after is PrinterStatus.TIMEOUT
    assert result.status_before is PrinterStatus.OK and result.bytes_sent > 0
    assert result.reason == (
        "printer did not finish within 2 s; the ticket had been sent and may still come out"
    )
    assert tp._lock.acquire(timeout=0.2)
    tp._lock.release()


async def test_silent_printer_times_out() -> None:
    # Listening but never answering: the TCP handshake completes in the kernel backlog.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        tp = TicketPrinter(PrinterSettings(transport="network", port=port, timeout_s=0.5))
        started = time.monotonic()
        result = await tp.print_ticket(ticket())
        assert time.monotonic() - started < 1.0
        assert not result.ok and result.status_before is PrinterStatus.TIMEOUT
        reading = await tp.status()
        assert reading.status is PrinterStatus.TIMEOUT


async def test_status_while_printing_answers_the_last_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted(monkeypatch, ScriptedPrinter({1: OK, 2: OK, 4: NEAR}))
    tp = TicketPrinter(PrinterSettings(transport="network", timeout_s=5))
    assert (await tp.status()).status is PrinterStatus.NEAR_END
    tp._lock.acquire()  # a ticket is printing
    try:
        started = time.monotonic()
        reading = await tp.status()
    finally:
        tp._lock.release()
    assert time.monotonic() - started < 1.0
    assert reading.status is PrinterStatus.NEAR_END
