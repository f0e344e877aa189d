"""Print tickets without ever blocking or failing the caller.

python-escpos is blocking and not thread-safe, so each `TicketPrinter` owns one lock and does
its I/O in a worker thread, on a fresh printer object that is closed after every ticket. The
caller waits at most `settings.timeout_s`; a worker still busy then is abandoned: its
connection is shut down (a `file` device stops writing) so it fails fast and frees the lock,
and it never starts printing after the caller has been told the ticket failed. When bytes had
already been handed over, the failure's reason says so.

Everything from building the ticket's content to the last byte runs inside one guard: any
exception becomes a failed `PrintResult` with a one-line reason, never a raise or a hang.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from printers.escpos_lib import Escpos
from printers.health import PrinterStatus, StatusReading, classify_error, one_line, read_status
from printers.layout import TicketContent, render_bytes
from printers.settings import PrinterSettings
from printers.transport import abort, open_printer, send

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
        self.size = 0  # bytes of the ticket, set as the worker starts sending
        self.bytes_sent = 0  # bytes the device has taken
        self._printer: Escpos | None = None
        self._guard = threading.Lock()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def attach(self, printer: Escpos) -> None:
        with self._guard:
            self._printer = printer

    def sent(self, count: int) -> None:
        self.bytes_sent = count

    def abandon(self) -> None:
        """Called once the caller stopped waiting: make the worker's I/O fail at once."""
        self.abandoned.set()
        with self._guard:
            printer = self._printer
        abort(printer)

    def late_reason(self, timeout_s: float) -> str:
        """Why the caller gave up, and whether paper may still come out."""
        reason = f"printer did not finish within {timeout_s:g} s"
        if not self.size:
            return f"{reason}; nothing was sent"
        if self.bytes_sent >= self.size:
            return f"{reason}; the ticket had been sent and may still come out"
        return (
            f"{reason}; sending had begun ({self.bytes_sent} of {self.size} bytes taken): "
            "part of the ticket may come out"
        )


class TicketPrinter:
    """One configured printer. Safe to share between tasks; never raises for printer trouble."""

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()  # one ticket or status query at a time on this printer
        self.last_status = StatusReading(PrinterStatus.UNKNOWN, "not asked yet")

    async def print_ticket(
        self, content: TicketContent | Callable[[], TicketContent]
    ) -> PrintResult:
        """Print one ticket: status before, the ticket, status after. `content` may be a
        function that builds it, so that building fails inside the same guard."""
        started = time.monotonic()
        number = "?"
        try:
            ticket = content() if callable(content) else content
            number = ticket.number
            data = render_bytes(ticket, self.settings.profile)
            result = await self._send(data, started)
        except Exception as exc:  # noqa: BLE001 - a bad ticket must not stop the kiosk
            reason = one_line(f"ticket not printed: {type(exc).__name__}: {exc}")
            error = PrinterStatus.ERROR
            result = PrintResult(False, error, error, reason, 0, time.monotonic() - started)
        if not result.ok:
            log.warning("printer %s: ticket %s: %s", self._name, number, result.reason)
        return result

    async def _send(self, data: bytes, started: float) -> PrintResult:
        job = _Job(self.settings.timeout_s)
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._print_blocking, data, job, started),
                timeout=self.settings.timeout_s,
            )
        except TimeoutError:
            job.abandon()
            before = job.status_before or PrinterStatus.TIMEOUT
            reason = job.late_reason(self.settings.timeout_s)
            elapsed = time.monotonic() - started
            return PrintResult(
                False, before, PrinterStatus.TIMEOUT, reason, job.bytes_sent, elapsed
            )
        except BaseException:  # cancelled: the worker must not print for a caller that left
            job.abandon()
            raise

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
                job.size = len(data)
                try:  # the whole ticket in one write, rendered beforehand
                    send(printer, data, job.deadline, job.sent)
                except Exception as exc:  # noqa: BLE001
                    failed = self._remember(classify_error(exc, printer))
                    return result(False, failed.status, f"sending failed: {failed.reason}")
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
        except Exception as exc:  # noqa: BLE001 - heartbeats must keep going
            return self._remember(classify_error(exc))
        finally:
            self._lock.release()

    def _open(self, job: _Job) -> Escpos | StatusReading:
        try:
            printer = open_printer(self.settings)
        except Exception as exc:  # noqa: BLE001 - PrinterError, or a profile python-escpos lacks
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
