"""A 5×7 dot font for ticket numbers, drawn with half blocks at any scale.

Textual's `Digits` knows 0-9 and A-F only, while a service prefix may be any capital. One dot
is `scale` columns wide and `scale` half-rows high: a terminal cell is about twice as high as
it is wide, so the dots come out square.
"""

from __future__ import annotations

from typing import Final

WIDTH: Final = 5
HEIGHT: Final = 7

_GLYPHS = """
0 .###. #...# #..## #.#.# ##..# #...# .###.
1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
2 .###. #...# ....# ...#. ..#.. .#... #####
3 ##### ...#. ..#.. ...#. ....# #...# .###.
4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
5 ##### #.... ####. ....# ....# #...# .###.
6 ..##. .#... #.... ####. #...# #...# .###.
7 ##### ....# ...#. ..#.. .#... .#... .#...
8 .###. #...# #...# .###. #...# #...# .###.
9 .###. #...# #...# .#### ....# ...#. .##..
A .###. #...# #...# ##### #...# #...# #...#
B ####. #...# #...# ####. #...# #...# ####.
C .###. #...# #.... #.... #.... #...# .###.
D ###.. #..#. #...# #...# #...# #..#. ###..
E ##### #.... #.... ####. #.... #.... #####
F ##### #.... #.... ####. #.... #.... #....
G .###. #...# #.... #.### #...# #...# .####
H #...# #...# #...# ##### #...# #...# #...#
I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
J ..### ...#. ...#. ...#. ...#. #..#. .##..
K #...# #..#. #.#.. ##... #.#.. #..#. #...#
L #.... #.... #.... #.... #.... #.... #####
M #...# ##.## #.#.# #.#.# #...# #...# #...#
N #...# #...# ##..# #.#.# #..## #...# #...#
O .###. #...# #...# #...# #...# #...# .###.
P ####. #...# #...# ####. #.... #.... #....
Q .###. #...# #...# #...# #.#.# #..#. .##.#
R ####. #...# #...# ####. #.#.. #..#. #...#
S .#### #.... #.... .###. ....# ....# ####.
T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
U #...# #...# #...# #...# #...# #...# .###.
V #...# #...# #...# #...# #...# .#.#. ..#..
W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
X #...# #...# .#.#. ..#.. .#.#. #...# #...#
Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
Z ##### ....# ...#. ..#.. .#... #.... #####
- ..... ..... ..... ##### ..... ..... .....
"""

FONT: Final[dict[str, tuple[str, ...]]] = {
    parts[0]: tuple(parts[1:]) for parts in (line.split() for line in _GLYPHS.strip().splitlines())
}
BLANK: Final = ("." * WIDTH,) * HEIGHT  # an unknown character: a gap rather than a crash
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def columns(text: str, scale: int) -> int:
    """Width in cells of `text` drawn at `scale` (one dot of space between characters)."""
    n = len(text)
    return 0 if n == 0 else scale * (n * (WIDTH + 1) - 1)


def rows(scale: int) -> int:
    return (HEIGHT * scale + 1) // 2


def fit_scale(text: str, width: int, height: int, largest: int = 8) -> int:
    """The largest scale (at least 1) at which `text` fits `width` × `height` cells."""
    scale = largest
    while scale > 1 and (columns(text, scale) > width or rows(scale) > height):
        scale -= 1
    return scale


def render(text: str, scale: int = 1) -> list[str]:
    """`text` as lines of half-block characters, each `columns(text, scale)` wide."""
    if not text:
        return []
    glyphs = [FONT.get(ch.upper(), BLANK) for ch in text]
    # One dot row per half-row: build the bitmap at scale, then pair rows into cells.
    bitmap: list[list[bool]] = []
    for y in range(HEIGHT):
        line: list[bool] = []
        for i, glyph in enumerate(glyphs):
            if i:
                line += [False] * scale
            for ch in glyph[y]:
                line += [ch == "#"] * scale
        bitmap += [line] * scale
    if len(bitmap) % 2:
        bitmap.append([False] * len(bitmap[0]))
    return ["".join(_HALF[top, bottom] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(bitmap[::2], bitmap[1::2], strict=True)]
