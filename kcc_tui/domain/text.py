"""Text from people and files is content: one rule for what may be shown of it.

Control characters (Unicode category Cc: C0, DEL, C1) can move a terminal's cursor, retitle its
window or reset a printer; on a screen and in CLI output they are replaced by a visible stand-in,
and config text that holds them is refused at load. Pure functions, no I/O: every edge (apps,
CLI, reports) calls these instead of writing its own filter.
"""

from __future__ import annotations

import unicodedata

# U+2400..U+241F are the "control pictures" (␀ ␛ ␇ …); DEL has U+2421. C1 has no pictures.
_C1_STANDIN = "\N{REPLACEMENT CHARACTER}"


def is_control(ch: str) -> bool:
    """True for a character that a terminal or printer may act on (Unicode category Cc)."""
    return unicodedata.category(ch) == "Cc"


def _standin(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\N{SYMBOL FOR DELETE}"
    return _C1_STANDIN


def visible(text: str, *, newlines: bool = False) -> str:
    """`text` with every control character replaced by a visible stand-in (ESC → ␛).

    With `newlines=True` a line feed is kept (for fields that may span lines, such as a note).
    """
    if not any(is_control(ch) for ch in text):
        return text
    return "".join(
        ch if not is_control(ch) or (newlines and ch == "\n") else _standin(ch) for ch in text
    )


def control_chars(text: str, *, newlines: bool = False) -> list[str]:
    """The control characters in `text` as `U+001B`-style names, for an error message."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if is_control(ch) and not (newlines and ch == "\n")
    ]
