"""Text on paper: what may reach the printer of text from config and people, and templates.

A control byte in content is a printer command: ESC @ resets the printer mid-ticket, GS V cuts,
ESC p kicks the cash drawer. Config text with control characters is refused at load
(`kcc_tui.domain.text` holds that rule); this package may not import `kcc_tui`, so it keeps
its own small filter as the last line before the bytes: `printable()` on every text field.

No escpos import here: the config loader uses `template_problem` cheaply.
"""

from __future__ import annotations

import re
import string
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping

# What a control character becomes on paper: "?" is also what CP1252 prints for a character
# it does not have, so one sign means "something here could not be printed".
STAND_IN = "?"
NBSP = "\u00a0"  # joins an amount to its currency while wrapping; a plain space on paper

# An amount and its currency stay on one line: "€ 5", "5 €", "EUR 20,10", "20,10 EUR".
_CURRENCY = r"(?:[€$£]|EUR\b)"
_AMOUNT_AFTER = re.compile(rf"({_CURRENCY})[ \t]+(?=[-+]?\d)")
_AMOUNT_BEFORE = re.compile(rf"(\d)[ \t]+(?={_CURRENCY})")


def printable(text: str, *, newlines: bool = False) -> str:
    """`text` without control characters: whitespace ones become a space, others `STAND_IN`.

    With `newlines=True` a line feed is kept (the layout turns it into a new line)."""
    out = []
    for ch in text:
        if unicodedata.category(ch) != "Cc":
            out.append(ch)
        elif ch == "\n" and newlines:
            out.append(ch)
        else:
            out.append(" " if ch in "\t\n\r\v\f" else STAND_IN)
    return "".join(out)


def keep_amounts(text: str) -> str:
    """Join an amount to its currency with a no-break space, so wrapping never splits them."""
    return _AMOUNT_BEFORE.sub(rf"\1{NBSP}", _AMOUNT_AFTER.sub(rf"\1{NBSP}", text))


def wrap(text: str, columns: int) -> list[str]:
    """Printable lines of at most `columns` characters, broken at spaces (never inside an
    amount); a line feed in `text` starts a new line."""
    lines: list[str] = []
    for paragraph in printable(text, newlines=True).split("\n"):
        lines += textwrap.wrap(keep_amounts(paragraph), max(columns, 1)) or [""]
    # The breaks are made: a plain space prints the same on every model's code page.
    return [line.replace(NBSP, " ") for line in lines]


def template_problem(template: str, placeholders: Iterable[str]) -> str | None:
    """Why `template` cannot be filled with `placeholders` (names in braces), else None.

    Checks exactly what `fill()` will do: balanced braces (`{{` and `}}` are literal braces),
    known names only, no positional `{}`, attribute or index access, and a format spec that
    works on text."""
    known = list(placeholders)
    names = ", ".join("{" + n + "}" for n in known)
    at = _stray_brace(template)
    if at is not None:
        return (
            f"unbalanced brace {template[at]!r} at character {at + 1}; write {{{{ or }}}} "
            f"for a literal brace (placeholders: {names})"
        )
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        return f"cannot be filled in: {exc}; placeholders are {names}"
    for field in fields:
        if field not in known:
            return f"unknown placeholder {{{field}}}; expected one of {names}"
    try:
        fill(template, dict.fromkeys(known, "x"))
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        return f"cannot be filled in: {exc}; placeholders are {names}"
    return None


def _stray_brace(template: str) -> int | None:
    """The index of the first brace that opens or closes nothing, else None."""
    i = 0
    while i < len(template):
        ch = template[i]
        if template.startswith(("{{", "}}"), i):
            i += 2
            continue
        if ch == "}":
            return i
        if ch == "{":
            end = template.find("}", i + 1)
            inner = template.find("{", i + 1)
            if end < 0 or 0 <= inner < end:
                return i
            i = end
        i += 1
    return None


def fill(template: str, values: Mapping[str, str]) -> str:
    """Fill a template checked by `template_problem` (config load does that)."""
    return template.format_map(dict(values))
