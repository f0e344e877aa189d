"""Ticket numbers in big characters on the kiosk: the 5×7 font of `apps/glyphs.py` (the wall
display's), drawn with half blocks at one scale for both directions.

Textual's `Digits` knows 0-9 and A-F only, while a service prefix may be any capital. One dot
is `scale` columns wide and `scale` half-rows high: a terminal cell is about twice as high as
it is wide, so the dots come out square.
"""

from __future__ import annotations

from ..glyphs import FONT_5X7, draw, rows_needed, text_width


def columns(text: str, scale: int) -> int:
    """Width in cells of `text` drawn at `scale` (one dot of space between characters)."""
    return text_width(text, FONT_5X7, scale)


def rows(scale: int) -> int:
    return rows_needed(1, FONT_5X7, scale)


def fit_scale(text: str, width: int, height: int, largest: int = 8) -> int:
    """The largest scale (at least 1) at which `text` fits `width` × `height` cells."""
    scale = largest
    while scale > 1 and (columns(text, scale) > width or rows(scale) > height):
        scale -= 1
    return scale


def render(text: str, scale: int = 1) -> list[str]:
    """`text` as lines of half-block characters, each `columns(text, scale)` wide."""
    return draw((text,), FONT_5X7, scale, scale) if text else []
