"""Build a fresh python-escpos printer object from `PrinterSettings`.

A fresh object per ticket: python-escpos keeps the code page and connection state in the
object, and a printer that was reset or reconnected would otherwise get stale assumptions.
Nothing connects here; python-escpos opens the device on first use.
"""

from __future__ import annotations

import socket
from typing import IO

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, File, Network, Serial, Usb

from printers.settings import PrinterSettings

# Cap on one status reply: printers answer DLE EOT within milliseconds, so a printer silent
# for this long is treated as not answering, while the whole job keeps settings.timeout_s.
STATUS_REPLY_TIMEOUT_S = 1.0


class PrinterError(Exception):
    """A printer cannot be used; `reason` is one line for logs, events and the coordinator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AppendFile(File):  # type: ignore[misc]  # python-escpos is untyped
    """`File` that appends: python-escpos opens with "wb", which would keep only the last ticket
    in a plain file. Appending changes nothing for a device node such as /dev/usb/lp0."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        handle: IO[bytes] | None = None
        try:
            handle = open(self.devfile, "ab")  # closed by close()
        except OSError as exc:
            if raise_not_found:
                raise DeviceNotFoundError(f"Could not open {self.devfile}: {exc}") from exc
        finally:
            self.device = handle  # None: python-escpos will not retry opening


class FastNetwork(Network):  # type: ignore[misc]
    """`Network` with Nagle off. The status request after a ticket is a 3-byte write behind
    unacknowledged ticket data; with Nagle on it waits for the printer's delayed ACK (~40 ms)."""

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found)
        if isinstance(self._device, socket.socket):
            self._device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def open_printer(settings: PrinterSettings) -> Escpos:
    """A new, not yet connected python-escpos object for `settings`.

    Raises `PrinterError` when the transport cannot work on this machine (pyusb, pyserial or
    libusb missing, no device configured); never an ImportError or NameError.
    """
    profile = settings.profile
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
            return Serial(
                settings.device,
                baudrate=settings.baudrate,
                timeout=_io_timeout(settings),
                profile=profile,
            )
        case "file":
            if not settings.device:
                raise PrinterError("file printer needs device (a path) in config.toml")
            return AppendFile(settings.device, profile=profile)
        case "dummy":
            return Dummy(profile=profile)
    raise PrinterError(f"unknown printer transport {settings.transport!r}")


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
