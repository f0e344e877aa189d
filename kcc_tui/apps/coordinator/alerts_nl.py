"""The coordinator pane's words for an alert (`domain/alerts.py` gives a code and params).

Names in the params are as configured (text from a file): the pane shows the sentence through
`literal`/`shown`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...domain.alerts import Alert, minutes

# Printer status (printers.health.PrinterStatus values) -> what the coordinator reads
PRINTER_NL = {
    "near_end": "papier bijna op",
    "paper_out": "papier op",
    "cover_open": "klep open",
    "offline": "offline",
    "timeout": "antwoordt niet",
    "missing": "niet aangesloten",
    "error": "printfout",
}
DEVICE_NL = {"kiosk": "Kiosk", "display": "Scherm"}
# a kiosk's or display's own status word (heartbeat `status`); others are shown as sent
DEVICE_STATUS_NL = {"ok": "ok", "stopped": "gestopt", "error": "fout"}


def _waiting(n: int) -> str:
    return f"{n} wachtende" if n == 1 else f"{n} wachtenden"


def _printer(status: str) -> str:
    return PRINTER_NL.get(status, f"printfout ({status})")


def _device(p: dict[str, Any]) -> str:
    return f"{DEVICE_NL.get(p['kind'], p['kind'].title())} {p['source']}"


def _paused(names: list[str]) -> str:
    return (f"{names[0]} is" if len(names) == 1 else
            f"{', '.join(names[:-1])} en {names[-1]} zijn")


def _sent_to_closed(p: dict[str, Any]) -> str:
    n, name = p["waiting"], p["post"]
    what = (f"{n} tickets doorgestuurd naar {name} wachten" if n > 1 else
            f"1 ticket doorgestuurd naar {name} wacht")
    return f"{what}, maar {name} is gesloten"


def _not_printed(p: dict[str, Any]) -> str:
    what = (f"{p['n']} tickets niet afgedrukt, laatste {p['number']}" if p["n"] > 1 else
            f"{p['number']} niet afgedrukt")
    return (f"Kiosk {p['kiosk']}: {what} ({PRINTER_NL.get(p['status'], 'printfout')}); "
            "het nummer stond op het scherm")


def _status(status: str) -> str:
    return DEVICE_STATUS_NL.get(status, status)


def _device_status(p: dict[str, Any]) -> str:
    return f"{_device(p)}: {_status(p['status'])}" + (f" door {p['by']}" if p["by"] else "")


ALERTS_NL: dict[str, Callable[[dict[str, Any]], str]] = {
    "wait_over_target": lambda p: (f"{p['service']}: langste wachttijd {minutes(p['wait_s'])} "
                                   f"(doel {p['target_min']:g} min)"),
    "estimate_over_target": lambda p: (f"{p['service']}: nieuw ticket wacht "
                                       f"~{minutes(p['wait_s'])} (doel {p['target_min']:g} min)"),
    "no_open_post": lambda p: f"{p['service']}: {_waiting(p['waiting'])}, maar geen open loket",
    "all_paused": lambda p: (f"{p['service']}: {_waiting(p['waiting'])}, maar "
                             f"{_paused(p['posts'])} in pauze"),
    "sent_to_closed_post": _sent_to_closed,
    "idle_with_queue": lambda p: (
        f"{p['post']} ({p['staff']}): al {minutes(p['idle_s'])} vrij, "
        + (f"{p['waiting']} tickets wachten" if p["waiting"] > 1 else "1 ticket wacht")
        + " erop"),
    "no_shows_in_row": lambda p: (f"{p['post']}: {p['n']} keer na elkaar afwezig "
                                  "(toont het scherm de oproepen?)"),
    "printer": lambda p: f"Printer {p['printer']}: {_printer(p['status'])}",
    "not_printed": _not_printed,
    "device_unheard": lambda p: f"{_device(p)}: vandaag nog geen teken van leven",
    "device_silent": lambda p: (f"{_device(p)}: al {minutes(p['silent_s'])} geen teken van "
                                f"leven (laatst: {_status(p['status'])})"),
    "device_status": _device_status,
    "counter_unreachable": lambda p: (f"{p['post']} ({p['staff']}): onbereikbaar, de loket-app "
                                      f"geeft al {minutes(p['silent_s'])} geen teken van leven"),
}


def alert_nl(a: Alert) -> str:
    """The alert as the coordinator reads it; an unknown code is shown as it is."""
    words = ALERTS_NL.get(a.code)
    return words(a.params) if words else f"{a.code} {a.params}"
