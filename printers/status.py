"""A printer's status as the kiosk and the coordinator know it, without python-escpos.

Kept apart from `printers.health` (which asks the printer, and so imports python-escpos, ~80 ms)
so that the kiosk can show its first screen before that library is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PrinterStatus(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"  # paper nearly out: print, but tell the coordinator
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # offline for another reason, refused or dropped connection
    TIMEOUT = "timeout"  # no answer in time
    MISSING = "missing"  # device, driver or library absent
    ERROR = "error"  # an I/O failure we did not expect
    UNKNOWN = "unknown"  # the transport cannot tell (File, Dummy) or the reply made no sense

    @property
    def blocks_printing(self) -> bool:
        """Whether a ticket must not be sent: it would not come out, or come out much later."""
        return self in _BLOCKING

    @property
    def prints(self) -> bool:
        """Whether a ticket sent in this state is taken to have come out."""
        return self in (PrinterStatus.OK, PrinterStatus.NEAR_END, PrinterStatus.UNKNOWN)


_BLOCKING = frozenset(
    {
        PrinterStatus.PAPER_OUT,
        PrinterStatus.COVER_OPEN,
        PrinterStatus.OFFLINE,
        PrinterStatus.TIMEOUT,
        PrinterStatus.MISSING,
        PrinterStatus.ERROR,
    }
)


@dataclass(frozen=True, slots=True)
class StatusReading:
    status: PrinterStatus
    reason: str | None = None


def one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace so a reason fits one log line or alert."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
