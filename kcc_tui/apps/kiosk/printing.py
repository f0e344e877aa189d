"""The kiosk's view of its ticket printer: print, ask its status, remember how it is doing.

All printer I/O happens in `printers.service.TicketPrinter` (a worker thread, one lock, a
timeout), so nothing here blocks the screen. This class adds what the kiosk needs on top:
whether printed tickets are available right now, and which changes of status are news for the
coordinator (a heartbeat on every change, DESIGN.md §5).

python-escpos (with yaml, PIL, qrcode and barcode, ~80 ms of imports) is loaded only when the
printer is first used, in a worker thread: the kiosk's first screen does not wait for it.
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from printers.settings import PrinterSettings
from printers.status import PrinterStatus, StatusReading

from ...domain.office import Office

if TYPE_CHECKING:
    from printers.layout import TicketContent, TicketSlip
    from printers.service import PrintResult, TicketPrinter


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    """A ticket just issued, as the confirmation screen and the printer need it."""

    number: str
    service: str  # code
    lang: str
    priority: bool
    issued_at: datetime
    people_ahead: int
    wait_min: int | None  # None: no number, see wait_code
    wait_code: str | None = None  # why there is no number (domain.estimate codes)
    url: str | None = None  # the ticket's phone page (docs/phone.md); None: no [phone] base_url
    booked: str | None = None  # an appointment's booked start, local "10:20"
    duration_min: int | None = None  # ... and its booked length

    def slip(self, office: Office) -> TicketSlip:
        """What the printer is given: the ticket's facts in its language."""
        from printers.layout import TicketSlip

        return TicketSlip(
            office=office.name, number=self.number, service_code=self.service,
            service_name=office.services[self.service].name(self.lang), lang=self.lang,
            issued_at=self.issued_at, people_ahead=self.people_ahead,
            estimated_wait_min=self.wait_min, tz=office.timezone, priority=self.priority,
            token_url=self.url, booked=self.booked)


class PrinterWatch:
    """One kiosk's printer: its last known status and whether tickets can be printed."""

    def __init__(self, printer_id: str, settings: PrinterSettings) -> None:
        self.id = printer_id
        self.settings = settings
        self._printer: TicketPrinter | None = None  # made at first use: see _ready
        self.reading = StatusReading(PrinterStatus.UNKNOWN, "not asked yet")
        self.reported: PrinterStatus | None = None  # the status of the last heartbeat sent
        self.failing = False  # the last ticket did not print

    @property
    def available(self) -> bool:
        """Whether a ticket is expected to come out; `unknown` (file, dummy) counts as yes.

        After a failed ticket the answer stays no until the printer answers a status request
        with a status that prints: the citizen is told before pressing, not after."""
        return not self.failing and not self.reading.status.blocks_printing

    async def _ready(self) -> TicketPrinter:
        """The printer, made at its first use (the first heartbeat's status check, or the first
        ticket); python-escpos is imported in a worker thread, not on the UI's."""
        if self._printer is None:
            service = await asyncio.to_thread(importlib.import_module, "printers.service")
            if self._printer is None:  # another task may have made it meanwhile
                self._printer = service.TicketPrinter(self.settings)
        return self._printer

    def content(self, ticket: IssuedTicket, office: Office) -> TicketContent:
        return content_for(self.settings, ticket.slip(office))

    async def print(self, ticket: IssuedTicket, office: Office) -> PrintResult:
        """Build and print one ticket; never raises (see printers.service): building the
        content, encoding and sending fail inside one guard, as a failed result."""
        printer = await self._ready()
        result = await printer.print_ticket(lambda: self.content(ticket, office))
        # status_after is the freshest reading; it repeats status_before when nothing was sent.
        status = result.status_after
        if not result.ok and not status.blocks_printing:
            status = PrinterStatus.ERROR  # e.g. a layout failure: the printer itself said ok
        self.reading = StatusReading(status, result.reason)
        self.failing = not result.ok
        return result

    async def check(self) -> StatusReading:
        """Ask the printer now (for heartbeats, and to notice that it is back). Never raises:
        a failure is a reading, so the heartbeats keep going."""
        try:
            reading = await (await self._ready()).status()
        except Exception as exc:  # noqa: BLE001 - TicketPrinter.status should not raise
            from printers.health import classify_error

            reading = classify_error(exc)
        self.reading = reading
        if not reading.status.blocks_printing:
            self.failing = False
        return reading

    def news(self) -> StatusReading | None:
        """The current reading when it differs from the last heartbeat, else None."""
        if self.reading.status is self.reported:
            return None
        return self.reading

    def reported_now(self, status: PrinterStatus) -> None:
        self.reported = status


def content_for(settings: PrinterSettings, slip: TicketSlip) -> TicketContent:
    """`printers.layout.content_for`, imported at the first ticket (python-escpos)."""
    from printers.layout import content_for as layout

    return layout(settings, slip)
