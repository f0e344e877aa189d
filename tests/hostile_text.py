"""Text as people and files make it, for the property tests of the screens
(test_text_is_content) and of the paper (test_printers_text): one generator for both.

Markup (Rich/Textual), escape and OSC sequences, printer commands (cut, reset, cash drawer),
NUL, C1, RTL marks, emoji, combining accents, braces, currency amounts and long runs.
"""

from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = ["[", "]", "[/]", "[b]", "[/b]", "[bold red]", "[bold red]X[/]", "[dringend]",
             "[@click=app.quit]", "[@click=app.quit]Klik[/]", "[link=https://example.invalid]",
             "\x1b]0;PWNED\x07", "\x1b[2J", "\x1b[31m", "\x1b", "\x1b@", "\x1bp\x00\x19\xfa",
             "\x1dV\x00", "\x00", "\x07", "\x08", "\r", "\n", "\t", "\x0b\x0c", "\x7f", "\x9b",
             "\x9b31m", "\x85", "\u200f", "\u202e", "\u2028", "😀", "👍🏽", "👩‍💻", "e\u0301",
             "e\u0301\u0308", "\u0301", "{", "}", "{}", "{0}", "%s", "\\", "€ 5", "5 €",
             "Let op", " ", "koffie", "é€"]

pieces = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=25).map("".join)
# Longer than any limit (280 for a broadcast), up to 10 kB.
long = st.integers(min_value=281, max_value=10_000).map(lambda n: ("[/]\x1b]0;X\x07é" * n)[:n])
texts = st.one_of(pieces, st.text(max_size=60), long)
