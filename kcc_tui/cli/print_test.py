"""`kcc print-test [--kiosk ID]`: print a sample ticket on a kiosk's printer, report its status.

For whoever installs a kiosk or changes the paper roll: it uses the same layout, transport,
lock and timeout as the kiosk app, and touches no store (nothing is issued or recorded).
On the `dummy` transport the ticket is rendered but nothing is printed, and it says so.
Exit codes: 0 printed (or rendered, on dummy) · 1 the printer did not print · 2 bad usage or
config.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import click

from printers.layout import TicketContent, TicketSlip, content_for
from printers.service import PrintResult, TicketPrinter
from printers.settings import PrinterSettings

from .common import Env, emit, fail, pass_env

LANGS = ("nl", "fr", "en", "de")
NOTHING_PRINTED = "nothing was printed: the dummy transport prints nothing"


@click.command("print-test")
@click.option("--kiosk", "kiosk_id", default=None, help="kiosk id from config (default: first)")
@click.option("--lang", type=click.Choice(LANGS), default="nl", show_default=True,
              help="language of the sample ticket")
@click.option("--json", "as_json", is_flag=True, help="print exactly one JSON object")
@pass_env
def print_test(env: Env, kiosk_id: str | None, lang: str, as_json: bool) -> None:
    """Print a sample ticket on a kiosk's printer and report the printer's status."""
    env.json = env.json or as_json
    settings = env.settings
    kiosks = settings.kiosks
    if kiosk_id is None:
        if not kiosks:
            raise click.UsageError(f"no kiosk is configured in {settings.source}")
        kiosk_id = next(iter(kiosks))
    elif kiosk_id not in kiosks:
        raise click.BadParameter(f"unknown kiosk {kiosk_id!r} (known: {', '.join(kiosks)})")
    kiosk = kiosks[kiosk_id]
    if not kiosk.printer:
        fail(f"kiosk {kiosk_id} has no printer: set printer = \"ID\" in [kiosks.{kiosk_id}]",
             code=2, as_json=env.json)
    printer_id = kiosk.printer
    psettings = settings.printers[printer_id]
    office = settings.office
    code = kiosk.services[0] if kiosk.services else next(iter(office.services))
    service = office.services[code]
    number = f"{service.prefix}000"

    def content() -> TicketContent:  # built inside the printer's guard, as at the kiosk
        return content_for(psettings, TicketSlip(
            office=office.name, number=number, service_code=code,
            service_name=service.name(lang), lang=lang, issued_at=datetime.now(UTC),
            people_ahead=0, estimated_wait_min=0, tz=office.timezone))

    try:
        result = asyncio.run(TicketPrinter(psettings).print_ticket(content))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    where = _where(psettings)
    printed = result.ok and psettings.transport != "dummy"
    obj = {"kiosk": kiosk_id, "printer": printer_id, "transport": psettings.transport,
           "where": where, "profile": psettings.profile, "ok": result.ok, "printed": printed,
           "status_before": result.status_before.value,
           "status_after": result.status_after.value, "reason": result.reason,
           "bytes": result.bytes_sent, "elapsed_s": round(result.elapsed_s, 3)}
    if result.ok and not printed:
        obj["note"] = NOTHING_PRINTED
    emit(env, obj, _text(printer_id, where, number, result, printed))
    if not result.ok:
        raise SystemExit(1)


def _where(s: PrinterSettings) -> str:
    match s.transport:
        case "network":
            return f"network {s.host}:{s.port}"
        case "usb":
            vid, pid = s.vendor_id or 0, s.product_id or 0
            return f"usb {vid:#06x}:{pid:#06x}"
        case "serial" | "file":
            return f"{s.transport} {s.device}"
    return s.transport


def _text(printer_id: str, where: str, number: str, r: PrintResult, printed: bool) -> str:
    lines = [f"printer {printer_id} ({where})",
             f"status before: {r.status_before.value}"]
    if r.ok and not printed:
        lines.append(f"sample ticket {number}: {r.bytes_sent} bytes rendered; {NOTHING_PRINTED}")
    elif r.ok:
        lines.append(f"printed sample ticket {number}: {r.bytes_sent} bytes in "
                     f"{r.elapsed_s:.2f} s")
    else:
        lines.append(f"NOT printed: {r.reason or r.status_after.value}")
    lines.append(f"status after: {r.status_after.value}")
    if r.ok and r.reason:  # paper near end: printed, but someone should change the roll
        lines.append(f"note: {r.reason}")
    return "\n".join(lines)
