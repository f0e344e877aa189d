"""Print tickets without ever blocking or failing the caller.

python-escpos is blocking and not thread-safe, so each `TicketPrinter` owns one lock and does
its I/O in a worker thread, on a fresh printer object that is closed after every ticket. The
caller waits at most `settings.timeout_s`; a worker still busy then is abandoned: its
connection is shut down so it fails fast and frees the lock, and it never starts printing
after the caller has been told the ticket failed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from dataclasses import dataclass

from escpos.escpos import Escpos
from escpos.printer import Network

from printers.health import PrinterStatus, StatusReading, classify_error, one_line, read_status
from printers.layout import TicketContent, render_bytes
from printers.settings import PrinterSettings
from printers.transport import PrinterError, open_printer

log = logging.getLogger(__name__)

STATUS_WAIT_S = 0.5  # how long status() waits for a ticket in progress


@dataclass(frozen=True, slots=True)
class PrintResult:
    ok: bool  # False: show the number on screen and alert the coordinator
    status_before: PrinterStatus
    status_after: PrinterStatus
    reason: str | None  # one line; also set for ok=True when the coordinator should know
    bytes_sent: int
    elapsed_s: float


class _Job:
    """What the waiting coroutine and its worker thread share."""

    def __init__(self, timeout_s: float) -> None:
        self.deadline = time.monotonic() + timeout_s
        self.abandoned = threading.Event()
        self.status_before: PrinterStatus | None = None  # None: no answer yet
        self.bytes_sent = 0
        self._printer: Escpos | None = None
        self._guard = threading.Lock()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def attach(self, printer: Escpos) -> None:
        with self._guard:
            self._printer = printer

    def abandon(self) -> None:
        """Called once the caller stopped waiting: make the worker's I/O fail at once."""
        self.abandoned.set()
        with self._guard:
            printer = self._printer
        # Shut the socket down without python-escpos's close(): close() resets the object,
        # and its next use would silently reconnect and go on printing.
        sock = getattr(printer, "_device", None) if isinstance(printer, Network) else None
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class TicketPrinter:
    """One configured printer. Safe to share between tasks; never raises for printer trouble."""

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()  # one ticket or status query at a time on this printer
        self.last_status = StatusReading(PrinterStatus.UNKNOWN, "not asked yet")

    async def print_ticket(self, content: TicketContent) -> PrintResult:
        """Print one ticket: status before, the ticket, status after."""
        started = time.monotonic()
        try:
            data = render_bytes(content, self.settings.profile)
        except Exception as exc:  # noqa: BLE001 - a bad ticket must not crash the kiosk
            reason = one_line(f"ticket layout failed: {type(exc).__name__}: {exc}")
            log.error("printer %s: %s", self._name, reason)
            unknown = PrinterStatus.UNKNOWN
            return PrintResult(False, unknown, unknown, reason, 0, time.monotonic() - started)
        job = _Job(self.settings.timeout_s)
        try:
            result = await asyncio.wait_for(
                asyncio.to_thread(self._print_blocking, data, job, started),
                timeout=self.settings.timeout_s,
            )
        except TimeoutError:
            job.abandon()
            reason = f"printer did not finish within {self.settings.timeout_s:g} s"
            elapsed = time.monotonic() - started
            after = PrinterStatus.TIMEOUT
            before = job.status_before or PrinterStatus.TIMEOUT
            result = PrintResult(False, before, after, reason, job.bytes_sent, elapsed)
        except BaseException:  # cancelled: the worker must not print for a caller that left
            job.abandon()
            raise
        if not result.ok:
            log.warning("printer %s: ticket %s: %s", self._name, content.number, result.reason)
        return result

    async def status(self) -> StatusReading:
        """The printer's status now, for heartbeats and `kcc print-test`."""
        job = _Job(self.settings.timeout_s)
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._status_blocking, job), timeout=self.settings.timeout_s
            )
        except TimeoutError:
            job.abandon()
            return StatusReading(PrinterStatus.TIMEOUT, "status request did not finish in time")
        except BaseException:
            job.abandon()
            raise

    # --- worker thread ---------------------------------------------------------------------

    def _print_blocking(self, data: bytes, job: _Job, started: float) -> PrintResult:
        def result(ok: bool, after: PrinterStatus, reason: str | None) -> PrintResult:
            elapsed = time.monotonic() - started
            before = job.status_before or PrinterStatus.UNKNOWN
            return PrintResult(ok, before, after, reason, job.bytes_sent, elapsed)

        if not self._lock.acquire(timeout=job.remaining()):
            return result(False, PrinterStatus.UNKNOWN, "printer busy with another ticket")
        try:
            if job.abandoned.is_set():
                return result(False, PrinterStatus.UNKNOWN, "abandoned before printing")
            printer = self._open(job)
            if isinstance(printer, StatusReading):
                job.status_before = printer.status
                return result(False, printer.status, printer.reason)
            try:
                before = self._remember(read_status(printer))
                job.status_before = before.status
                if before.status.blocks_printing:
                    return result(False, before.status, before.reason)
                if job.abandoned.is_set():
                    return result(False, before.status, "abandoned before printing")
                try:
                    printer._raw(data)  # the whole ticket in one write, rendered beforehand
                except Exception as exc:  # noqa: BLE001
                    failed = self._remember(classify_error(exc, printer))
                    return result(False, failed.status, f"sending failed: {failed.reason}")
                job.bytes_sent = len(data)
                after = self._remember(read_status(printer))
                return result(after.status.prints, after.status, _after_reason(after))
            finally:
                _close(printer)
        except Exception as exc:  # noqa: BLE001 - never a traceback for the caller
            failed = classify_error(exc)
            return result(False, failed.status, failed.reason)
        finally:
            self._lock.release()

    def _status_blocking(self, job: _Job) -> StatusReading:
        # A ticket takes tens of milliseconds; after half a second, the newest reading (from
        # that ticket) is a fair answer and keeps heartbeats from piling up behind the lock.
        if not self._lock.acquire(timeout=min(job.remaining(), STATUS_WAIT_S)):
            return self.last_status
        try:
            printer = self._open(job)
            if isinstance(printer, StatusReading):
                return self._remember(printer)
            try:
                return self._remember(read_status(printer))
            finally:
                _close(printer)
        finally:
            self._lock.release()

    def _open(self, job: _Job) -> Escpos | StatusReading:
        try:
            printer = open_printer(self.settings)
        except PrinterError as exc:
            return self._remember(classify_error(exc))
        job.attach(printer)
        return printer

    def _remember(self, reading: StatusReading) -> StatusReading:
        self.last_status = reading
        return reading

    @property
    def _name(self) -> str:
        s = self.settings
        return f"{s.transport}:{s.host}:{s.port}" if s.transport == "network" else s.transport


def _after_reason(after: StatusReading) -> str | None:
    """What the coordinator should hear once the bytes went out."""
    match after.status:
        case PrinterStatus.OK | PrinterStatus.UNKNOWN:
            return None
        case PrinterStatus.NEAR_END:
            return "paper near end: replace the roll soon"
        case PrinterStatus.PAPER_OUT:
            return "paper ran out while printing: the ticket may be incomplete"
        case PrinterStatus.COVER_OPEN | PrinterStatus.OFFLINE:
            return f"{after.reason} right after printing: the ticket may be late or incomplete"
        case _:
            return f"ticket sent but not confirmed: {after.reason}"


def _close(printer: Escpos) -> None:
    try:
        printer.close()
    except Exception:  # noqa: BLE001 - the ticket is done; a failing close changes nothing
        log.debug("closing printer failed", exc_info=True)
