"""Appointments at the edge (issue 18): reading the booking system's files, hashing check-in
codes, and the words of an import's report. Shared by `kcc appointment` and the coordinator
pane, so a file means the same wherever it is read.

A file gives `Booking`s (domain/booking.py) and nothing personal: every column or property
kcc does not use is dropped, and the report names it (those that look personal apart).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .domain.appointments import Appointment, phase
from .domain.booking import Booking, ImportBookings, Outcome
from .domain.clock import iso, local, zone
from .domain.office import Office

CSV_COLUMNS = ("reference", "service", "start", "duration_min", "persons", "code")
CSV_OPTIONAL = ("status", "sequence")  # cancelled rows; the booking system's revision
CANCELLED = frozenset({"cancelled", "canceled", "geannuleerd", "annulé", "annule", "storniert"})
# Column or property names that look like personal data (compared without case, spaces,
# dashes or underscores): dropped like every unused column, and reported as personal.
_PERSONAL = re.compile(
    r"name|naam|nom|prenom|vorname|surname|rijksregister|register|nrn|rrn|insz|ssn|niss|"
    r"birth|geboort|naissance|address|adres|adresse|straat|street|rue|postcode|zip|city|"
    r"woonplaats|gemeente|mail|phone|telefo|gsm|mobile|mobiel|handy|tel|attendee|organizer|"
    r"contact|description|comment|summary-text")
# iCalendar properties kcc reads, or that carry nothing about the citizen
_ICAL_USED = {"UID", "SEQUENCE", "DTSTART", "DTEND", "DURATION", "STATUS", "SUMMARY",
              "CATEGORIES", "X-KCC-CODE", "X-KCC-PERSONS"}
_ICAL_HARMLESS = {"DTSTAMP", "CREATED", "LAST-MODIFIED", "TRANSP", "CLASS", "PRIORITY",
                  "LOCATION", "URL", "RECURRENCE-ID"}
_ICAL_PERSONAL = {"ATTENDEE", "ORGANIZER", "CONTACT", "DESCRIPTION", "COMMENT"}
DESK_SOURCE = "desk"
DEFAULT_SOURCE = "booking"


class BookingFileError(ValueError):
    """A file that cannot be read as bookings at all (one line, names the file)."""


def code_hash(code: str) -> str:
    """The hash kept of a check-in code. A code is compared without case, spaces or dashes
    (a scanner and a person type the same code differently)."""
    norm = re.sub(r"[\s-]+", "", code).upper()
    return hashlib.sha256(f"kcc-appointment:{norm}".encode()).hexdigest()


def new_code() -> str:
    """A check-in code for an appointment made at the desk: 6 digits, easy on a keypad."""
    return f"{secrets.randbelow(10**6):06d}"


def new_reference() -> str:
    return f"D{secrets.token_hex(4).upper()}"


@dataclass(frozen=True)
class DeskBooking:
    """An appointment made at the desk (CLI or coordinator pane): the command to run, and the
    reference and code to give the citizen (the code is shown once; only its hash is kept)."""

    command: ImportBookings
    reference: str
    code: str


def desk_booking(service: str, start: datetime, duration_min: int, persons: int = 1,
                 reference: str | None = None, code: str | None = None) -> DeskBooking:
    ref, code = reference or new_reference(), code or new_code()
    booking = Booking(DESK_SOURCE, ref, service, start, duration_min, persons, 0, code_hash(code))
    return DeskBooking(ImportBookings((booking,), only_new=True), ref, code)


def looks_personal(name: str) -> bool:
    return bool(_PERSONAL.search(re.sub(r"[\s_\-.]+", "", name).lower()))


@dataclass
class Parsed:
    """What a file gave: bookings, rows refused before the store saw them (line or reference,
    code, params), and the columns/properties dropped."""

    bookings: list[Booking] = field(default_factory=list)
    refused: list[Outcome] = field(default_factory=list)
    dropped_personal: list[str] = field(default_factory=list)
    dropped_other: list[str] = field(default_factory=list)

    def drop(self, name: str) -> None:
        target = self.dropped_personal if looks_personal(name) else self.dropped_other
        if name not in target:
            target.append(name)


def read_bookings(path: Path, office: Office, source: str = DEFAULT_SOURCE) -> Parsed:
    """Read an .ics or .csv file (by its content: BEGIN:VCALENDAR is iCalendar)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BookingFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise BookingFileError(f"{path}: a folder, not a file (use --watch for a folder)") \
            from None
    except OSError as e:
        raise BookingFileError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BookingFileError(f"{path}: not UTF-8 text") from None
    if text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return parse_ical(text, office, source, str(path))
    return parse_csv(text, office, source, str(path))


# -- CSV ------------------------------------------------------------------------------------
def parse_csv(text: str, office: Office, source: str, name: str = "CSV") -> Parsed:
    """`reference,service,start,duration_min,persons,code` (+ optional status, sequence);
    start local `YYYY-MM-DDTHH:MM`; extra columns dropped."""
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if header is None:
        raise BookingFileError(f"{name}: empty file")
    cols = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in cols]
    if missing:
        raise BookingFileError(f"{name}: the header lacks {', '.join(missing)} "
                               f"(expected {','.join(CSV_COLUMNS)})")
    out = Parsed()
    for h, c in zip(header, cols, strict=True):
        if c not in CSV_COLUMNS and c not in CSV_OPTIONAL:
            out.drop(h.strip())
    at = {c: cols.index(c) for c in (*CSV_COLUMNS, *CSV_OPTIONAL) if c in cols}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        get = {c: (row[i].strip() if i < len(row) else "") for c, i in at.items()}
        ref = get["reference"] or f"line {line}"
        try:
            start = local_time(get["start"], office.timezone)
            duration, persons = int(get["duration_min"]), int(get["persons"] or 1)
            sequence = int(get.get("sequence") or 0)
        except ValueError as e:
            out.refused.append(Outcome(ref, "refused", "bad_row", {"line": line,
                                                                  "detail": str(e)}))
            continue
        out.bookings.append(Booking(
            source=source, reference=get["reference"], service=get["service"], start=start,
            duration_min=duration, persons=persons, sequence=sequence,
            code_hash=code_hash(get["code"]) if get["code"] else None,
            cancelled=get.get("status", "").lower() in CANCELLED))
    return out


def local_time(text: str, tz: str) -> datetime:
    """`YYYY-MM-DDTHH:MM` (or with a space) in the office's zone, as an aware time."""
    try:
        naive = datetime.strptime(text.strip().replace(" ", "T"), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ValueError(f"start must be YYYY-MM-DDTHH:MM, not {text!r}") from None
    return naive.replace(tzinfo=zone(tz))


# -- iCalendar --------------------------------------------------------------------------------
def parse_ical(text: str, office: Office, source: str, name: str = "iCalendar") -> Parsed:
    """VEVENTs: UID, SEQUENCE, DTSTART, DTEND or DURATION, STATUS (CANCELLED), the service from
    SUMMARY or CATEGORIES through `[appointments] ical_services` (or a service code), the check-in
    code in X-KCC-CODE, persons in X-KCC-PERSONS (default 1)."""
    import icalendar  # only an import needs it

    try:
        cal = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as e:
        raise BookingFileError(f"{name}: not a valid iCalendar file ({e})") from None
    out = Parsed()
    mapping = {k.strip().lower(): v for k, v in office.appointments.ical_services.items()}
    for n, ev in enumerate(cal.walk("VEVENT"), start=1):
        for prop in ev:
            if prop not in _ICAL_USED and prop not in _ICAL_HARMLESS:
                if prop in _ICAL_PERSONAL:
                    if prop not in out.dropped_personal:
                        out.dropped_personal.append(str(prop))
                else:
                    out.drop(str(prop))
        uid = str(ev.get("UID", "")).strip()
        ref = uid or f"event {n}"
        try:
            out.bookings.append(_vevent(ev, uid, office, source, mapping))
        except ValueError as e:
            out.refused.append(Outcome(ref, "refused", "bad_event", {"detail": str(e)}))
    return out


def _vevent(ev: Any, uid: str, office: Office, source: str, mapping: dict[str, str]) -> Booking:
    if not uid:
        raise ValueError("no UID")
    start = ev.decoded("DTSTART", None)
    if not isinstance(start, datetime):
        raise ValueError("DTSTART must be a date and time")
    if start.tzinfo is None:  # floating time: the office's
        start = start.replace(tzinfo=zone(office.timezone))
    if "DTEND" in ev:
        end = ev.decoded("DTEND")
        if not isinstance(end, datetime):
            raise ValueError("DTEND must be a date and time")
        if end.tzinfo is None:
            end = end.replace(tzinfo=zone(office.timezone))
        length = end - start
    elif "DURATION" in ev:
        length = ev.decoded("DURATION")
    else:
        raise ValueError("no DTEND or DURATION")
    if not isinstance(length, timedelta):
        raise ValueError("DURATION must be a duration")
    texts = [str(ev.get("SUMMARY", ""))]
    cats = ev.get("CATEGORIES")
    for c in cats if isinstance(cats, list) else [cats] if cats is not None else []:
        texts += [str(x) for x in getattr(c, "cats", [c])]
    service = next((mapping.get(t.strip().lower()) for t in texts
                    if t.strip().lower() in mapping), None)
    service = service or next((t.strip().lower() for t in texts
                               if t.strip().lower() in office.services), None)
    if service is None:
        raise ValueError("no service: SUMMARY/CATEGORIES not in [appointments] ical_services")
    code = str(ev.get("X-KCC-CODE", "")).strip()
    try:
        persons = int(str(ev.get("X-KCC-PERSONS", "1")).strip() or 1)
        sequence = int(ev.get("SEQUENCE", 0))
    except ValueError:
        raise ValueError("SEQUENCE and X-KCC-PERSONS must be whole numbers") from None
    return Booking(source=source, reference=uid, service=service, start=start,
                   duration_min=round(length.total_seconds() / 60), persons=persons,
                   sequence=sequence, code_hash=code_hash(code) if code else None,
                   cancelled=str(ev.get("STATUS", "")).strip().upper() == "CANCELLED")


# -- reports ---------------------------------------------------------------------------------
OUTCOME_WORDS = {
    "unknown_service": "unknown service {service!r}",
    "bad_reference": "a reference is required (at most 200 characters)",
    "bad_start": "the start needs a time zone",
    "bad_duration": "duration must be 1 to {max} minutes (found {duration_min})",
    "bad_persons": "persons must be 1 to {max} (found {persons})",
    "bad_code": "bad code hash",
    "bad_row": "line {line}: {detail}",
    "bad_event": "{detail}",
    "appointment_exists": "an appointment {reference} exists already",
    "appointment_used": "already checked in: not changed",
    "appointment_past": "its check-in window has ended: not changed",
}


def outcome_words(o: Outcome) -> str:
    template = OUTCOME_WORDS.get(o.code or "", o.code or "")
    try:
        return template.format(**o.params)
    except (KeyError, IndexError, ValueError):
        return o.code or ""


def import_report(parsed: Parsed, outcomes: list[Outcome]) -> dict[str, Any]:
    """The JSON of `kcc appointment import`: counts, the refused with reasons, dropped columns."""
    every = [*parsed.refused, *outcomes]
    counts = {k: sum(1 for o in every if o.action == k)
              for k in ("added", "updated", "cancelled", "unchanged")}
    return {**counts,
            "refused": [{"reference": o.reference, "code": o.code, "reason": outcome_words(o)}
                        for o in every if o.action == "refused"],
            "dropped_personal": parsed.dropped_personal, "dropped_other": parsed.dropped_other}


def report_text(name: str, report: dict[str, Any]) -> str:
    lines = [f"{name}: {report['added']} added, {report['updated']} updated, "
             f"{report['cancelled']} cancelled, {report['unchanged']} unchanged, "
             f"{len(report['refused'])} refused"]
    lines += [f"  refused {r['reference']}: {r['reason']}" for r in report["refused"]]
    if report["dropped_personal"]:
        lines.append("  personal data dropped (never stored): "
                     + ", ".join(report["dropped_personal"]))
    if report["dropped_other"]:
        lines.append("  columns dropped (not used): " + ", ".join(report["dropped_other"]))
    return "\n".join(lines)


def appointment_json(a: Appointment, office: Office, now: datetime) -> dict[str, Any]:
    after_min = office.appointments.window_after_min
    return {"source": a.source, "reference": a.reference, "service": a.service,
            "start": iso(a.start), "time": local(a.start, office.timezone).strftime("%H:%M"),
            "day": str(a.day), "duration_min": a.duration_min, "persons": a.persons,
            "status": a.status, "phase": phase(a, now, after_min), "ticket": a.ticket,
            "checked_in_at": iso(a.checked_in_at) if a.checked_in_at else None}
