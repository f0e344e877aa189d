"""Build a fresh python-escpos printer object from `PrinterSettings`.

A fresh object per ticket: python-escpos keeps the code page and connection state in the
object, and a printer that was reset or reconnected would otherwise get stale assumptions.
Nothing connects here; python-escpos opens the device on first use.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import threading
import time
from collections.abc import Callable

from printers.escpos_lib import Dummy, Escpos, File, Network, Serial, Usb
from printers.profiles import escpos_profile
from printers.settings import PrinterSettings

# Cap on one status reply: printers answer DLE EOT within milliseconds, so a printer silent
# for this long is treated as not answering, while the whole job keeps settings.timeout_s.
STATUS_REPLY_TIMEOUT_S = 1.0


class PrinterError(Exception):
    """A printer cannot be used; `reason` is one line for logs, events and the coordinator."""

    def __init__(self, reason: str, *, status: str = "missing") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # a printers.health.PrinterStatus value


class TimedFile(File):  # type: ignore[misc]  # python-escpos is untyped
    """A `file` printer (a device node such as /dev/usb/lp0, a FIFO, a plain file) written
    without ever blocking past a deadline.

    python-escpos opens with "wb", which blocks forever on a FIFO nobody reads and truncates a
    plain file per ticket, and then writes blocking. Here the file is opened non-blocking for
    appending (a FIFO without reader fails at once with ENXIO) and written in a poll loop that
    stops at the deadline or when the job is abandoned, so a worker never sends a ticket late.
    """

    def __init__(self, devfile: str, *, profile: str, timeout_s: float) -> None:
        super().__init__(devfile, profile=profile)
        self.timeout_s = timeout_s
        self.cancelled = threading.Event()  # set by abort(): stop writing now
        self._fd: int | None = None
        self._device: object = False  # python-escpos: False closed, anything else open

    def open(self, raise_not_found: bool = True) -> None:
        self.close()
        try:
            self._fd = os.open(self.devfile, _OPEN_FLAGS, 0o644)
        except OSError as exc:
            raise _open_error(self.devfile, exc) from exc
        self._device = self  # python-escpos only checks that it is set

    def flush(self) -> None:
        pass  # os.write has no buffer of its own

    def _raw(self, msg: bytes) -> None:
        self.send_within(msg, time.monotonic() + self.timeout_s, lambda _n: None)

    def send_within(self, data: bytes, deadline: float, progress: Callable[[int], None]) -> None:
        """Write `data`, reporting bytes handed over; raise `TimeoutError` at `deadline`."""
        if self._fd is None:
            self.open()
        fd = self._fd
        assert fd is not None
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        sent = 0
        while sent < len(data):
            left = deadline - time.monotonic()
            if self.cancelled.is_set() or left <= 0:
                raise TimeoutError(
                    f"{self.devfile} took {sent} of {len(data)} bytes before the deadline"
                )
            if not poller.poll(min(left, POLL_SLICE_S) * 1000):
                continue
            try:
                sent += os.write(fd, data[sent:])
            except BlockingIOError:
                continue
            progress(sent)

    def abort(self) -> None:
        self.cancelled.set()

    def close(self) -> None:
        fd, self._fd = self._fd, None
        self._device = False
        if fd is not None:
            os.close(fd)


def probe_file(path: str, wait_s: float) -> tuple[str, str | None]:
    """The status of a `file` printer as far as it can tell: ("unknown", None) when it can be
    opened and takes data within `wait_s`; else a `PrinterStatus` value and a reason."""
    try:
        fd = os.open(path, _OPEN_FLAGS, 0o644)
    except OSError as exc:
        error = _open_error(path, exc)
        return error.status, error.reason
    try:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        if not poller.poll(wait_s * 1000):
            return "timeout", f"{path} does not take data"
        return "unknown", None
    finally:
        os.close(fd)


_OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
POLL_SLICE_S = 0.05  # how often a waiting write looks at the deadline and at abort()


def _open_error(path: str, exc: OSError) -> PrinterError:
    if exc.errno == errno.ENXIO:  # a FIFO or device node with nobody at the other end
        return PrinterError(f"nothing reads {path} (printer not connected)", status="offline")
    reason = exc.strerror or str(exc)
    return PrinterError(f"cannot open {path}: {reason}", status="missing")


class FastNetwork(Network):  # type: ignore[misc]
    """`Network` with Nagle off. The status request after a ticket is a 3-byte write behind
    unacknowledged ticket data; with Nagle on it waits for the printer's delayed ACK (~40 ms)."""

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        if isinstance(self._device, socket.socket):
            self._device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def abort(self) -> None:
        """Make pending I/O fail at once. Not close(): python-escpos resets the object on
        close, and its next use would silently reconnect and go on printing."""
        sock = self._device
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class TimedSerial(Serial):  # type: ignore[misc]
    """`Serial` whose writes time out too: python-escpos sets only pyserial's read timeout,
    so a printer holding the line busy (hardware flow control) blocks a write forever. After
    a failed or abandoned write, close() discards what is still queued instead of waiting for
    it to drain (python-escpos flushes first, which would block just the same)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.stuck = False

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        if self._device:
            self._device.write_timeout = self.timeout

    def _raw(self, msg: bytes) -> None:
        try:
            super()._raw(msg)
        except BaseException:
            self.stuck = True
            raise

    def abort(self) -> None:
        self.stuck = True
        port = self._device
        for cancel in ("cancel_write", "cancel_read"):  # POSIX pyserial has both
            if port and hasattr(port, cancel):
                getattr(port, cancel)()

    def close(self) -> None:
        port = self._device
        if self.stuck and port:
            port.reset_output_buffer()  # drop the rest of a ticket that already failed
            port.close()
            self._device = False
            return
        super().close()


def open_printer(settings: PrinterSettings) -> Escpos:
    """A new, not yet connected python-escpos object for `settings`.

    Raises `PrinterError` when the transport cannot work on this machine (pyusb, pyserial or
    libusb missing, no device configured); never an ImportError or NameError.
    """
    profile = escpos_profile(settings.profile)
    match settings.transport:
        case "network":
            return FastNetwork(
                settings.host, settings.port, timeout=_io_timeout(settings), profile=profile
            )
        case "usb":
            if settings.vendor_id is None or settings.product_id is None:
                raise PrinterError("usb printer needs vendor_id and product_id in config.toml")
            if not Usb.is_usable():
                raise PrinterError("usb printer needs pyusb: pip install 'python-escpos[usb]'")
            _check_libusb()
            return Usb(
                settings.vendor_id,
                settings.product_id,
                timeout=int(_io_timeout(settings) * 1000),  # pyusb counts milliseconds
                profile=profile,
            )
        case "serial":
            if not settings.device:
                raise PrinterError("serial printer needs device (e.g. /dev/ttyS0) in config.toml")
            # Checked before building: Serial.__init__ itself touches the pyserial module.
            if not Serial.is_usable():
                raise PrinterError(
                    "serial printer needs pyserial: pip install 'python-escpos[serial]'"
                )
            return TimedSerial(
                settings.device,
                baudrate=settings.baudrate,
                timeout=_io_timeout(settings),
                profile=profile,
            )
        case "file":
            if not settings.device:
                raise PrinterError("file printer needs device (a path) in config.toml")
            return TimedFile(settings.device, profile=profile, timeout_s=settings.timeout_s)
        case "dummy":
            return Dummy(profile=profile)
    raise PrinterError(f"unknown printer transport {settings.transport!r}")


def send(printer: Escpos, data: bytes, deadline: float, progress: Callable[[int], None]) -> None:
    """Hand a whole ticket to the printer; `progress(n)` is told how many bytes it took.

    Network, USB and serial writes are bounded by their own I/O timeout (and `abort()`); a
    `file` device by `deadline`."""
    if isinstance(printer, TimedFile):
        printer.send_within(data, deadline, progress)
        return
    printer._raw(data)  # python-escpos 3.1 has no public call for raw bytes
    progress(len(data))


def abort(printer: Escpos | None) -> None:
    """Called once nobody waits for `printer` any more: make its pending I/O fail now."""
    stop = getattr(printer, "abort", None)
    if callable(stop):
        try:
            stop()
        except Exception:  # noqa: BLE001, S110 - best effort; the worker's own timeout remains
            pass


def supports_status(printer: Escpos) -> bool:
    """Only transports that can read answer status queries (PRINTING.md)."""
    return isinstance(printer, Network | Usb | Serial)


def _io_timeout(settings: PrinterSettings) -> float:
    # Below the overall timeout, so one silent reply is reported as such by the worker
    # instead of racing the caller's deadline.
    return min(settings.timeout_s / 2, STATUS_REPLY_TIMEOUT_S)


def _check_libusb() -> None:
    # pyusb imports fine without the system libusb; only finding a backend tells.
    import usb.backend.libusb0
    import usb.backend.libusb1

    if usb.backend.libusb1.get_backend() is None and usb.backend.libusb0.get_backend() is None:
        raise PrinterError("usb printer needs the system libusb (Debian: libusb-1.0-0)")
