"""The big-character fonts of the wall display: every letter, every size, always inside the box."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcc_tui.apps.glyphs import FONT_3X5, FONT_5X7, draw, fit, normalise, pixels

ALNUM = string.ascii_uppercase + string.digits


@pytest.mark.parametrize("font", [FONT_5X7, FONT_3X5], ids=lambda f: f.name)
def test_every_letter_and_digit_has_its_own_glyph(font) -> None:
    bitmaps = {ch: font.glyph(ch) for ch in ALNUM}
    assert all(ch in font.rows for ch in ALNUM)  # none falls back to '?'
    # No two characters look the same: a letter read as a digit sends people to the wrong desk.
    assert len(set(bitmaps.values())) == len(bitmaps)
    for bitmap in bitmaps.values():
        assert any("#" in row for row in bitmap)


def test_half_blocks_stack_two_pixel_rows_per_line() -> None:
    rows = draw(("I",), FONT_5X7, 1, 1)
    assert len(rows) == 4  # 7 pixel rows → 4 terminal rows
    assert rows[0] == " ▀█▀ "  # pixel rows 0 (.###.) and 1 (..#..) in one line
    assert draw(("I",), FONT_5X7, 2, 2)[0] == "  ██████  "  # scaled: row 0 twice
    assert pixels("A1", FONT_3X5)[0] == "###..#."


def test_accents_and_lower_case_use_the_plain_capital() -> None:
    assert normalise("é") == "E" and normalise("ç") == "C" and normalise("a") == "A"
    assert normalise("€") == "?"


@pytest.mark.parametrize(("width", "height", "font"), [
    (30, 2, "plain"),   # too small for any big font
    (31, 3, "3x5"),     # "A012 ▸ 3" in 3×5 needs 31 columns and 3 rows
    (47, 4, "5x7"),     # ... in 5×7 47 columns and 4 rows
])
def test_the_font_follows_the_room(width: int, height: int, font: str) -> None:
    assert fit((("A012 ▸ 3",),), width, height).font == font


def test_more_room_means_bigger_characters_never_wider_than_tall() -> None:
    heights = []
    for w, h in [(40, 4), (60, 8), (100, 14), (140, 30), (230, 50)]:
        f = fit((("A012 ▸ 3",), ("A012", "▸ 3")), w, h)
        assert f.sx <= f.sy, (w, h, f)
        heights.append(max(f.heights))
    assert heights == sorted(heights) and heights[-1] >= 6 * heights[0]


def test_a_long_counter_name_stacks_under_a_bigger_number() -> None:
    f = fit((("B004 ▸ SNELBALIE",), ("B004", "▸ SNELBALIE")), 66, 19)
    number, counter = f.heights
    assert number > counter >= 7  # the number gets the room; the name stays 5×7 or more


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=ALNUM + " ▸-", min_size=1, max_size=14),
       width=st.integers(0, 250), height=st.integers(0, 70))
def test_a_rendering_never_leaves_its_box(text: str, width: int, height: int) -> None:
    f = fit(((text,), (text[:4], text[4:] or "-")), width, height)
    assert len(f.rows) <= max(1, height)
    assert all(len(r) <= width for r in f.rows)
