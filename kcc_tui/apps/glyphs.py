"""Big characters for the wall display, drawn with block characters.

Textual's `Digits` draws only 0-9 and A-F large; ticket prefixes use the whole alphabet. Two
bitmap fonts (5×7 and 3×5 pixels) cover A-Z, 0-9 and a few symbols. A pixel is drawn with half
blocks (▀ ▄ █), so one terminal cell holds two pixels stacked; a cell is about twice as tall as
it is wide, which makes such a pixel roughly square. `fit()` picks the font and the largest
scale that fills the space a widget has, so the same code serves a 60×20 terminal and a
240×67 one on a 1080p TV. Pure Python: no Textual.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# fmt: off
_FONT_5X7 = {
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "###.. #..#. #...# #...# #...# #..#. ###..",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    " ": "..... ..... ..... ..... ..... ..... .....",
    "-": "..... ..... ..... ##### ..... ..... .....",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "/": "..... ....# ...#. ..#.. .#... #.... .....",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
    "▸": ".#... .##.. .###. .#### .###. .##.. .#...",
    "&": ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
}

_FONT_3X5 = {
    "A": "### #.# ### #.# #.#", "B": "##. #.# ##. #.# ##.", "C": "### #.. #.. #.. ###",
    "D": "##. #.# #.# #.# ##.", "E": "### #.. ##. #.. ###", "F": "### #.. ##. #.. #..",
    "G": "### #.. #.# #.# ###", "H": "#.# #.# ### #.# #.#", "I": "### .#. .#. .#. ###",
    "J": "..# ..# ..# #.# ###", "K": "#.# #.# ##. #.# #.#", "L": "#.. #.. #.. #.. ###",
    "M": "#.# ### ### #.# #.#", "N": "##. #.# #.# #.# #.#", "O": ".#. #.# #.# #.# .#.",
    "P": "### #.# ### #.. #..", "Q": "### #.# #.# ### ..#", "R": "##. #.# ##. #.# #.#",
    "S": ".## #.. .#. ..# ##.", "T": "### .#. .#. .#. .#.", "U": "#.# #.# #.# #.# ###",
    "V": "#.# #.# #.# #.# .#.", "W": "#.# #.# ### ### #.#", "X": "#.# #.# .#. #.# #.#",
    "Y": "#.# #.# .#. .#. .#.", "Z": "### ..# .#. #.. ###",
    "0": "### #.# #.# #.# ###", "1": ".#. ##. .#. .#. ###", "2": "### ..# ### #.. ###",
    "3": "### ..# .## ..# ###", "4": "#.# #.# ### ..# ..#", "5": "### #.. ### ..# ###",
    "6": "### #.. ### #.# ###", "7": "### ..# .#. .#. .#.", "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ###",
    " ": "... ... ... ... ...", "-": "... ... ### ... ...", ".": "... ... ... ... .#.",
    ":": "... .#. ... .#. ...", "/": "..# ..# .#. #.. #..", "?": "### ..# .## ... .#.",
    "▸": "#.. ##. ### ##. #..", "&": ".#. #.# .#. #.# .##",
}
# fmt: on


@dataclass(frozen=True)
class Font:
    name: str
    width: int
    height: int
    rows: dict[str, tuple[str, ...]]

    def glyph(self, ch: str) -> tuple[str, ...]:
        return self.rows.get(normalise(ch), self.rows["?"])


def _font(name: str, width: int, height: int, table: dict[str, str]) -> Font:
    rows = {ch: tuple(spec.split()) for ch, spec in table.items()}
    for ch, r in rows.items():  # a typo in a bitmap must not reach a TV
        assert len(r) == height and all(len(x) == width for x in r), (name, ch)
    return Font(name, width, height, rows)


FONT_5X7 = _font("5x7", 5, 7, _FONT_5X7)
FONT_3X5 = _font("3x5", 3, 5, _FONT_3X5)
# Preferred first: the 5×7 font reads better (M, N, W, K), so the 3×5 one must be clearly
# bigger before it wins.
FONTS = ((FONT_5X7, 1.0), (FONT_3X5, 0.75))
CHARSET = frozenset(FONT_5X7.rows)


def normalise(ch: str) -> str:
    """Upper case without accents (é → E); anything the fonts lack becomes '?'."""
    if ch in CHARSET:
        return ch
    up = unicodedata.normalize("NFKD", ch.upper())[:1]
    return up if up in CHARSET else "?"


def pixels(text: str, font: Font) -> list[str]:
    """The text as rows of '#'/'.' pixels, one blank pixel column between characters."""
    glyphs = [font.glyph(ch) for ch in text]
    return [".".join(g[y] for g in glyphs) for y in range(font.height)]


def text_width(text: str, font: Font, sx: int = 1) -> int:
    """Terminal columns the text takes at horizontal scale sx."""
    return max(0, len(text) * (font.width + 1) - 1) * sx


def draw(lines: tuple[str, ...], font: Font, sx: int, sy: int, gap: int = 1) -> list[str]:
    """Render lines of text; each pixel becomes sx columns × sy half-rows. Left-aligned, each
    terminal row padded to the width of the widest line (callers centre the block)."""
    half_rows: list[str] = []
    for i, line in enumerate(lines):
        if i:
            half_rows += [""] * (gap * sy)
        for row in pixels(line, font):
            scaled = "".join(px * sx for px in row)
            half_rows += [scaled] * sy
    width = max((len(r) for r in half_rows), default=0)
    half_rows = [r.ljust(width, ".") for r in half_rows]
    if len(half_rows) % 2:
        half_rows.append("." * width)
    out = []
    for top, bottom in zip(half_rows[::2], half_rows[1::2], strict=True):
        out.append("".join(_HALF[(t == "#", b == "#")] for t, b in zip(top, bottom, strict=True)))
    return out


_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


@dataclass(frozen=True)
class Fitted:
    """The rendering chosen for a space: rows of text, and how (for tests and tuning)."""

    rows: tuple[str, ...]
    font: str  # "5x7", "3x5", "mixed" (lines in different fonts) or "plain"
    sx: int  # scale of the first line
    sy: int
    heights: tuple[int, ...] = ()  # glyph height of each line in half-rows


@dataclass(frozen=True)
class _Line:
    """A line (or block of lines) at a chosen font and scale; drawn only if it wins."""

    lines: tuple[str, ...]
    font: Font
    sx: int
    sy: int

    @property
    def rows(self) -> tuple[str, ...]:
        return _drawn(self.lines, self.font.name, self.sx, self.sy)

    @property
    def height(self) -> int:
        return rows_needed(len(self.lines), self.font, self.sy)

    @property
    def half_rows(self) -> int:
        return self.font.height * self.sy

    @property
    def weighted(self) -> float:
        return self.half_rows * _WEIGHT[self.font.name]


_WEIGHT = {font.name: weight for font, weight in FONTS}
_BY_NAME = {font.name: font for font, _weight in FONTS}


@lru_cache(maxsize=128)
def _drawn(lines: tuple[str, ...], font: str, sx: int, sy: int) -> tuple[str, ...]:
    return tuple(draw(lines, _BY_NAME[font], sx, sy))


def rows_needed(lines: int, font: Font, sy: int, gap: int = 1) -> int:
    half = lines * font.height * sy + (lines - 1) * gap * sy
    return (half + 1) // 2


def _scales(lines: tuple[str, ...], font: Font, width: int, height: int) -> tuple[int, int]:
    """The largest (sx, sy) at which the lines, stacked, fit; (0, 0) when none does.

    Pixels stay about square: sy may exceed sx by half, not more (taller letters still read
    well, stretched ones do not), and never wider than tall.
    """
    widest = max((len(x) for x in lines), default=0)
    sx = width // max(1, text_width("x" * widest, font))
    if sx < 1 or rows_needed(len(lines), font, 1) > height:
        return 0, 0
    sy = 1
    while rows_needed(len(lines), font, sy + 1) <= height and sy + 1 <= sx * 3 // 2:
        sy += 1
    return min(sx, sy), sy


@lru_cache(maxsize=512)
def _best(lines: tuple[str, ...], width: int, height: int) -> _Line | None:
    """The biggest rendering of these lines at one scale: what reads from across the room is
    the height of a character, so that decides; the 5×7 font wins ties."""
    best: _Line | None = None
    for font, _weight in FONTS:
        sx, sy = _scales(lines, font, width, height)
        if sx:
            cand = _Line(lines, font, sx, sy)
            if best is None or cand.weighted > best.weighted:
                best = cand
    return best


def _centre(blocks: list[tuple[str, ...]], gap_rows: int) -> tuple[str, ...]:
    width = max((len(r) for b in blocks for r in b), default=0)
    out: list[str] = []
    for i, block in enumerate(blocks):
        if i:
            out += [""] * gap_rows
        for r in block:
            pad = width - len(r)
            out.append(" " * (pad // 2) + r + " " * (pad - pad // 2))
    return tuple(x.ljust(width) for x in out)


def fit(layouts: tuple[tuple[str, ...], ...], width: int, height: int) -> Fitted:
    """The biggest rendering of one of `layouts` that fits width × height terminal cells.

    A layout is a tuple of lines: `("A012 ▸ 3",)`, or `("A012", "▸ 3")` stacked. Stacked lines
    are tried at one common scale and, for two lines, each at its own scale. The winner has the
    largest smallest line, then the most letter height in total. When not even the small font fits,
    the first layout comes back as plain text.
    """
    return _fit(layouts, max(0, width), max(0, height))


# Bounded caches: the display runs for days, and a 240×67 rendering is ~10 KB.
@lru_cache(maxsize=128)
def _fit(layouts: tuple[tuple[str, ...], ...], width: int, height: int) -> Fitted:
    candidates: list[list[_Line]] = []
    for lines in layouts:
        common = _best(lines, width, height)
        if common is not None:
            candidates.append([common] * len(lines))  # one block: heights per line
        if len(lines) == 2:
            # Every way of sharing the height between the two lines (few: one per size the
            # second line can take); the ticket number never comes out smaller than the rest.
            tried: set[int] = set()
            for h2 in range(1, height):
                second = _best(lines[1:], width, h2)
                if second is None or second.height in tried:
                    continue
                tried.add(second.height)
                first = _best(lines[:1], width, height - second.height - 1)
                if first is not None and first.half_rows >= second.half_rows:
                    candidates.append([first, second])
    if not candidates:
        plain = layouts[0] if layouts else ()
        return Fitted(tuple(x[:width] for x in plain[: max(1, height)]), "plain", 0, 0)

    def score(c: list[_Line]) -> tuple[float, float]:
        return min(x.weighted for x in c), sum(x.weighted for x in c)

    best = max(candidates, key=score)
    heights = tuple(x.half_rows for x in best)
    if len(best) > 1 and best[0] is best[1]:  # a common block
        return Fitted(best[0].rows, best[0].font.name, best[0].sx, best[0].sy, heights)
    fonts = {x.font.name for x in best}
    rows = _centre([x.rows for x in best], 1)
    name = fonts.pop() if len(fonts) == 1 else "mixed"
    return Fitted(rows, name, best[0].sx, best[0].sy, heights)
