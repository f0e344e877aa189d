"""Plain glyphs for browsers: `kcc serve` pages often have no emoji font, so a symbol or an emoji
that a terminal draws shows as an empty box there. The apps that `kcc serve` starts get
KCC_PLAIN_GLYPHS=1 (web.py) and pass what they show through `plain()`: the few symbols the
screens use become text, emoji (in a broadcast, say) are left out."""

from __future__ import annotations

import os
import unicodedata

ENV = "KCC_PLAIN_GLYPHS"
SYMBOLS = {"✦": "*", "▸": ">", "▶": ">", "→": "->", "✔": "v", "★": "*", "⚠": "!",
           "⌫": "<-", "⏎": "Enter", "●": "*", "▲": "!", "•": "-"}
JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}  # zero-width joiner, variation selectors


def wanted() -> bool:
    """Whether this process runs behind `kcc serve` (or was asked for plain glyphs)."""
    return os.environ.get(ENV) == "1"


def is_emoji(ch: str) -> bool:
    """A pictograph a browser's text font usually lacks (outside the BMP, or a symbol drawn
    wide), or a joiner between such."""
    if ch in JOINERS or 0x1F1E6 <= ord(ch) <= 0x1F1FF:  # regional indicators (flags)
        return True
    return ord(ch) > 0xFFFF and unicodedata.category(ch) in ("So", "Sk")  # Sk: skin tones


def plain(text: str, *, on: bool | None = None) -> str:
    """`text` with SYMBOLS as text and emoji left out, when plain glyphs are wanted."""
    if not (wanted() if on is None else on):
        return text
    return "".join(SYMBOLS.get(ch, "" if is_emoji(ch) else ch) for ch in text)
