"""Ask a printer how it is, and turn every failure into a `PrinterStatus` with a one-line reason.

Status comes from the ESC/POS real-time request DLE EOT n, which a printer answers at once
even while it is offline or busy:
  n=1 printer status   bit 3 (0x08) offline
  n=2 offline cause    bit 2 (0x04) cover open, bit 5 (0x20) stopped by paper end
  n=4 paper sensor     bits 2-3 (0x0C) near end, bits 5-6 (0x60) paper not present
Every reply byte has the fixed pattern 0xx1xx10 (mask 0x93 == 0x12); anything else is not a
status reply. We read the bytes ourselves instead of python-escpos `is_online()` /
`paper_status()`: `paper_status()` reports an empty reply as "paper OK", and neither tells a
cover open from any other offline cause.
"""

from __future__ import annotations

from printers.escpos_lib import DeviceNotFoundError, Escpos, Network
from printers.status import PrinterStatus, StatusReading, one_line
from printers.transport import PrinterError, TimedFile, probe_file, supports_status

DLE_EOT = b"\x10\x04"
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_OFFLINE = 0x08
_CAUSE_COVER_OPEN, _CAUSE_PAPER_END = 0x04, 0x20
_PAPER_NEAR_END, _PAPER_NOT_PRESENT = 0x0C, 0x60
FILE_PROBE_S = 0.2  # a device that takes no data for this long is not taking tickets

__all__ = ["PrinterStatus", "StatusReading", "classify_error", "one_line", "read_status"]


class _NoAnswer(Exception):
    """The printer sent nothing back to a status request."""


def read_status(printer: Escpos) -> StatusReading:
    """Query the printer's status. Never raises: failures become a reading with a reason."""
    if isinstance(printer, TimedFile):  # no status bytes, but whether it takes data at all
        status, reason = probe_file(printer.devfile, FILE_PROBE_S)
        return StatusReading(PrinterStatus(status), reason or "this transport cannot report status")
    if not supports_status(printer):
        return StatusReading(PrinterStatus.UNKNOWN, "this transport cannot report status")
    try:
        online = _query(printer, 1)
        paper = _query(printer, 4)
        cause = _query(printer, 2) if online is not None and online & _OFFLINE else 0
    except _NoAnswer:
        if isinstance(printer, Network):  # recv() returned b"": the printer hung up
            return StatusReading(PrinterStatus.OFFLINE, "printer closed the connection")
        return StatusReading(PrinterStatus.TIMEOUT, "printer did not answer the status request")
    except Exception as exc:  # noqa: BLE001 - every failure becomes a status
        return classify_error(exc, printer)
    if online is None or paper is None or cause is None:
        return StatusReading(PrinterStatus.UNKNOWN, "printer sent a reply that is not a status")
    return _decode(online, cause, paper)


def _decode(online: int, cause: int, paper: int) -> StatusReading:
    # Paper first: a roll change is the most common fix and also needs the cover opened.
    if paper & _PAPER_NOT_PRESENT == _PAPER_NOT_PRESENT or cause & _CAUSE_PAPER_END:
        return StatusReading(PrinterStatus.PAPER_OUT, "paper out")
    if cause & _CAUSE_COVER_OPEN:
        return StatusReading(PrinterStatus.COVER_OPEN, "cover open")
    if online & _OFFLINE:
        return StatusReading(PrinterStatus.OFFLINE, "printer reports offline")
    if paper & _PAPER_NEAR_END:
        return StatusReading(PrinterStatus.NEAR_END, "paper near end")
    return StatusReading(PrinterStatus.OK)


def _query(printer: Escpos, n: int) -> int | None:
    """One DLE EOT n round trip: the status byte, or None when the reply is not one."""
    reply = bytes(printer.query_status(DLE_EOT + bytes([n])))
    if not reply:
        raise _NoAnswer
    byte = reply[-1]  # the newest byte: anything before it is a stale reply
    return byte if byte & _FIXED_MASK == _FIXED_BITS else None


def classify_error(exc: BaseException, printer: Escpos | None = None) -> StatusReading:
    """The status a failure stands for, with a one-line reason that names the cause."""
    if isinstance(exc, PrinterError):
        return StatusReading(PrinterStatus(exc.status), one_line(exc.reason))
    if isinstance(exc, DeviceNotFoundError):
        if isinstance(printer, Network):
            # python-escpos wraps the socket error; its context says refused or silent.
            cause = exc.__context__
            where = f"{printer.host}:{printer.port}"
            if isinstance(cause, TimeoutError):
                return StatusReading(PrinterStatus.TIMEOUT, f"no answer from {where}")
            if isinstance(cause, ConnectionRefusedError):
                return StatusReading(PrinterStatus.OFFLINE, f"{where} refused the connection")
            return StatusReading(PrinterStatus.OFFLINE, one_line(f"{where}: {cause or exc}"))
        return StatusReading(PrinterStatus.MISSING, one_line(str(exc)))
    name = type(exc).__name__  # usb and serial may not be installed: compare by name
    if name == "NoBackendError":
        return StatusReading(PrinterStatus.MISSING, "no libusb backend: install libusb-1.0-0")
    if isinstance(exc, TimeoutError) or name in ("USBTimeoutError", "SerialTimeoutException"):
        detail = f": {exc}" if isinstance(exc, TimeoutError) and str(exc) else ""
        return StatusReading(
            PrinterStatus.TIMEOUT, one_line(f"printer did not answer in time{detail}")
        )
    if isinstance(exc, ConnectionError):
        return StatusReading(PrinterStatus.OFFLINE, one_line(f"connection lost: {exc}"))
    return StatusReading(PrinterStatus.ERROR, one_line(f"{name}: {exc}"))
