"""Cross-checks between sections of config.toml, run once every field on its own is valid.

Each failure is a `CrossCheckError` carrying the key path (in the shape of `Settings`), so the
loader can name the offending key just like it does for a plain type error.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kcc_tui.domain.pins import is_pin_hash
from printers.profiles import profile_problem
from printers.text import template_problem

from .errors import CrossCheckError, Loc, show

if TYPE_CHECKING:
    from kcc_tui.domain.office import Office

    from .settings import Settings

# Must match printers.layout (not imported: it loads python-escpos); a test keeps them equal.
TICKET_CODE_PAGE = "CP1252"
# Every text in config.toml that is filled in like a template -> the placeholders it may use.
TEMPLATES: dict[str, tuple[str, ...]] = {"qr_text": ("number", "service", "day", "token_url")}

# Codes end up in event streams ("numbering:eid:2025-03-01"), actor fields and command lines.
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def check_settings(settings: Settings) -> None:
    """Raise `CrossCheckError` for the first broken cross-reference in `settings`."""
    office = settings.office
    _check_office(office)
    for section in ("kiosks", "printers", "displays"):
        _check_codes((section,), getattr(settings, section))
    for key, kiosk in settings.kiosks.items():
        loc: Loc = ("kiosks", key)
        _check_name((*loc, "name"), kiosk.name)
        _check_known((*loc, "services"), kiosk.services, office.services, "service")
        _check_known((*loc, "languages"), kiosk.languages, office.languages, "language")
        if kiosk.printer is not None:
            _check_known((*loc, "printer"), (kiosk.printer,), settings.printers, "printer")
    for key, display in settings.displays.items():
        _check_name(("displays", key, "name"), display.name)
        _check_known(("displays", key, "posts"), display.posts, office.posts, "post", empty_ok=True)
    for key, printer in settings.printers.items():
        loc = ("printers", key)
        if printer.transport == "usb":
            for field in ("vendor_id", "product_id"):
                value = getattr(printer, field)
                if value is None or not 0 <= value <= 0xFFFF:
                    found = "nothing" if value is None else str(value)
                    raise CrossCheckError(
                        (*loc, field), f"expected a USB id such as 0x04b8, found {found}"
                    )
        problem = profile_problem(printer.profile, TICKET_CODE_PAGE)
        if problem:
            raise CrossCheckError((*loc, "profile"), problem)
        for field, placeholders in TEMPLATES.items():
            problem = template_problem(getattr(printer, field), placeholders)
            if problem:
                raise CrossCheckError((*loc, field), problem)
        if printer.transport in ("serial", "file") and not printer.device.strip():
            raise CrossCheckError(
                (*loc, "device"),
                f'expected a device or file path for transport "{printer.transport}", found ""',
            )


def _check_office(office: Office) -> None:
    if not _CODE.match(office.id):
        raise CrossCheckError(("office", "id"), 'expected a code of lowercase letters, digits, '
                                                f'"-" or "_" (at most 32), found {_q(office.id)}')
    try:
        zoneinfo.ZoneInfo(office.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise CrossCheckError(
            ("office", "timezone"),
            f'expected a time zone name such as "Europe/Brussels", found {_q(office.timezone)}',
        ) from None
    if "nl" not in office.languages:
        raise CrossCheckError(
            ("office", "languages"),
            f'expected a list that includes "nl", found {_list(office.languages)}',
        )
    _check_unique(("office", "languages"), office.languages)
    if not office.outcomes or not all(o.strip() for o in office.outcomes):
        raise CrossCheckError(
            ("office", "outcomes"),
            f"expected a list of outcome codes, found {_list(office.outcomes)}",
        )
    _check_unique(("office", "outcomes"), office.outcomes)
    for section in ("services", "posts", "staff", "topics"):
        _check_codes(("office", section), getattr(office, section))
    if not office.services:
        raise CrossCheckError(("office", "services"), "expected at least one service, found none")
    prefixes: dict[str, str] = {}
    for code, service in office.services.items():
        loc: Loc = ("office", "services", code)
        if not service.names.get("nl", "").strip():
            raise CrossCheckError(
                (*loc, "names", "nl"), "expected a Dutch name (names.nl), found nothing"
            )
        if service.prefix in prefixes:
            raise CrossCheckError(
                (*loc, "prefix"),
                f'expected a prefix no other service uses, found "{service.prefix}" '
                f"(also used by {prefixes[service.prefix]})",
            )
        prefixes[service.prefix] = code
    appts = office.appointments
    if appts.prefix in prefixes:
        raise CrossCheckError(
            ("office", "appointments", "prefix"),
            f'expected a prefix no service uses, found "{appts.prefix}" '
            f"(used by {prefixes[appts.prefix]})",
        )
    for text, code in appts.ical_services.items():
        _check_known(("office", "appointments", "ical_services", text), (code,),
                     office.services, "service")
    for key, post in office.posts.items():
        loc = ("office", "posts", key)
        _check_name((*loc, "name"), post.name)
        _check_known((*loc, "services"), post.services, office.services, "service", empty_ok=True)
        for code, weight in post.services.items():
            if not 0 < weight < float("inf"):
                raise CrossCheckError(
                    (*loc, "services", code), f"expected a weight greater than 0, found {weight}"
                )
    for key, member in office.staff.items():
        loc = ("office", "staff", key)
        _check_name((*loc, "name"), member.name)
        if not is_pin_hash(member.pin_hash):
            raise CrossCheckError(
                (*loc, "pin_hash"),
                f'expected a hash made by hash_pin ("scrypt$..."), found {_q(member.pin_hash)}',
            )
        if member.post is not None:
            _check_known((*loc, "post"), (member.post,), office.posts, "post")
    if not any(member.role == "coordinator" for member in office.staff.values()):
        raise CrossCheckError(
            ("office", "staff"),
            'expected at least one member with role = "coordinator", found none',
        )
    for code, topic in office.topics.items():
        _check_name(("office", "topics", code, "label"), topic.label)


def _check_codes(loc: Loc, tables: dict[str, object]) -> None:
    for key in tables:
        if not _CODE.match(key):
            raise CrossCheckError(
                (*loc, key),
                'expected a code of lowercase letters, digits, "-" or "_" (at most 32), '
                f"found {_q(key)}",
            )


def _check_known(
    loc: Loc, used: Iterable[str], known: Iterable[str], what: str, *, empty_ok: bool = False
) -> None:
    used, known = list(used), list(known)
    if not used and not empty_ok:
        raise CrossCheckError(loc, f"expected at least one {what}, found an empty list")
    for value in used:
        if value not in known:
            raise CrossCheckError(
                loc, f"unknown {what} {_q(value)} (known: {', '.join(known) or 'none'})"
            )


def _check_unique(loc: Loc, values: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise CrossCheckError(loc, f"expected each value once, found {_q(value)} twice")
        seen.add(value)


def _check_name(loc: Loc, name: str) -> None:
    if not name.strip():
        raise CrossCheckError(loc, f"expected a name, found {_q(name)}")


def _q(text: str) -> str:
    return show(text)


def _list(values: Iterable[str]) -> str:
    return show(list(values))
