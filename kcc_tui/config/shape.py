"""Reshape a parsed config.toml document into the input of `Settings`.

The file is laid out for the person editing it (one table per section, the table name as the code,
hours as "08:30-12:30", USB ids as 0x04b8); the models are laid out for the code. Everything that
cannot be reshaped is reported here with its TOML key path; everything else is left as found for
pydantic to judge, so this module never has to be complete about types.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import time
from typing import Any

from ..domain.calendar import WEEKDAY_KEYS
from ..domain.text import control_chars
from .errors import OFFICE_SECTIONS, ConfigError, key_path, show, unknown_key

Keys = tuple[str | int, ...]
Fail = Callable[[Keys, str], ConfigError]

SECTIONS = ("office", *OFFICE_SECTIONS, "store", "kiosks", "printers", "displays", "alerts",
            "serve", "phone")
OFFICE_KEYS = ("id", "name", "timezone", "languages", "outcomes")
# The table name becomes this field: [services.eid] -> Service(code="eid").
ID_FIELDS = {
    "services": "code",
    "posts": "id",
    "staff": "id",
    "topics": "code",
    "kiosks": "id",
    "displays": "id",
}
_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})")
_USB_ID = re.compile(r"0[xX][0-9a-fA-F]{1,4}")
# Text under these keys may span lines (a line feed is kept); everywhere else it is one line.
MULTILINE_KEYS = frozenset({"staff_info", "citizen_info", "footer"})


def settings_data(doc: dict[str, Any], source: str) -> dict[str, Any]:
    """Return the dict to validate as `Settings`; raise `ConfigError` for what cannot be shaped."""

    def fail(keys: Keys, message: str) -> ConfigError:
        return ConfigError(source, message, path=key_path(keys))

    doc = freeze(doc, (), fail)
    for key in doc:
        if key not in SECTIONS:
            raise fail((), unknown_key(key, SECTIONS))
    office = doc.get("office", {})
    if not isinstance(office, dict):
        raise fail(("office",), f"expected a table, found {show(office)}")
    for key in office:
        if key not in OFFICE_KEYS:
            raise fail(("office",), unknown_key(key, OFFICE_KEYS))
    office = dict(office)
    data: dict[str, Any] = {"office": office}
    for section, value in doc.items():
        if section in ID_FIELDS:
            value = _with_ids(value, section, fail)
        if section == "posts":
            value = _post_weights(value, fail)
        elif section == "hours":
            value = {"days": _hours(value, fail)}
        elif section == "printers":
            value = _usb_ids(value, fail)
        if section in OFFICE_SECTIONS:
            office[section] = value
        elif section != "office":
            data[section] = value
    return data


def freeze(value: Any, keys: Keys, fail: Fail) -> Any:
    """Arrays become tuples (the models hold tuples and are validated strictly); no NaN or inf;
    no control characters in any text or key (they would reach screens and the printer)."""
    if isinstance(value, dict):
        for k in value:
            _check_text(k, keys, fail, what="key")
        return {k: freeze(v, (*keys, k), fail) for k, v in value.items()}
    if isinstance(value, str):
        _check_text(value, keys, fail)
    if isinstance(value, list):
        return tuple(freeze(v, (*keys, i), fail) for i, v in enumerate(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(keys, f"expected a finite number, found {show(value)}")
    return value


def _check_text(text: str, keys: Keys, fail: Fail, *, what: str = "text") -> None:
    """One rule for every string in the file: control characters are refused, naming the key."""
    found = control_chars(text, newlines=what == "text" and not MULTILINE_KEYS.isdisjoint(keys))
    if found:
        shown = ", ".join(dict.fromkeys(found))
        raise fail(keys, f"expected {what} without control characters, found {shown} in "
                         f"{show(text)}")


def _with_ids(tables: Any, section: str, fail: Fail) -> Any:
    if not isinstance(tables, dict):
        return tables  # pydantic says "expected a table"
    field = ID_FIELDS[section]
    out = {}
    for key, table in tables.items():
        if isinstance(table, dict):
            if field in table:
                raise fail(
                    (section, key),
                    f"unknown key {show(field)}; the {field} is the table name ({show(key)})",
                )
            table = {field: key, **table}
        out[key] = table
    return out


def _post_weights(posts: Any, fail: Fail) -> Any:
    """`services = ["eid", "reispas"]` means weight 1 each; a table gives weights."""
    if not isinstance(posts, dict):
        return posts
    out = {}
    for key, post in posts.items():
        if isinstance(post, dict) and "services" in post:
            services = post["services"]
            if isinstance(services, tuple):
                for i, code in enumerate(services):
                    if not isinstance(code, str):
                        raise fail(
                            ("posts", key, "services", i),
                            f"expected a service code in quotes, found {show(code)}",
                        )
                post = {**post, "services": {code: 1.0 for code in services}}
            elif not isinstance(services, dict):
                raise fail(
                    ("posts", key, "services"),
                    "expected a list of service codes or a table of weights, "
                    f"found {show(services)}",
                )
        out[key] = post
    return out


def _hours(hours: Any, fail: Fail) -> dict[str, list[tuple[time, time]]]:
    """`wed = ["08:30-12:30", "16:00-19:00"]` -> two (open, close) pairs; other days are closed."""
    if not isinstance(hours, dict):
        raise fail(("hours",), f"expected a table of weekdays, found {show(hours)}")
    days: dict[str, list[tuple[time, time]]] = {}
    for day, ranges in hours.items():
        if day not in WEEKDAY_KEYS:
            raise fail(("hours",), unknown_key(day, WEEKDAY_KEYS))
        if isinstance(ranges, str):
            ranges = (ranges,)
        if not isinstance(ranges, tuple):
            raise fail(
                ("hours", day), f'expected a list like ["08:30-12:30"], found {show(ranges)}'
            )
        days[day] = []
        for i, text in enumerate(ranges):
            pair = time_range(text)
            if pair is None:
                raise fail(
                    ("hours", day, i),
                    f'expected a time range like "08:30-12:30", found {show(text)}',
                )
            if pair[0] >= pair[1]:
                raise fail(
                    ("hours", day, i),
                    f"expected the closing time after the opening time, found {show(text)}",
                )
            if days[day] and pair[0] < days[day][-1][1]:
                raise fail(
                    ("hours", day, i),
                    f"expected a range starting after the one before, found {show(text)}",
                )
            days[day].append(pair)
    return days


def time_range(text: Any) -> tuple[time, time] | None:
    """A text "HH:MM-HH:MM" as (start, end), or None when it is not such a range."""
    match = _RANGE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        return None
    return time(h1, m1), time(h2, m2)


def _usb_ids(printers: Any, fail: Fail) -> Any:
    """USB ids are written in hex by every datasheet: accept "0x04b8" as well as 1208."""
    if not isinstance(printers, dict):
        return printers
    out = {}
    for key, printer in printers.items():
        if isinstance(printer, dict):
            printer = dict(printer)
            for field in ("vendor_id", "product_id"):
                value = printer.get(field)
                if value is None:
                    continue
                if isinstance(value, str) and _USB_ID.fullmatch(value.strip()):
                    printer[field] = value = int(value.strip(), 16)
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int)
                    or not 0 <= value <= 0xFFFF
                ):
                    raise fail(
                        ("printers", key, field),
                        "expected a USB id such as 0x04b8 (or a whole number), "
                        f"found {show(value)}",
                    )
        out[key] = printer
    return out
