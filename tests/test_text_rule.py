"""domain.text: the one rule for showing text that came from people or files."""

from hypothesis import given
from hypothesis import strategies as st

from kcc_tui.domain.text import control_chars, visible


def test_escape_sequence_is_shown_not_obeyed() -> None:
    shown = visible("\x1b]0;PWNED\x07")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown == "␛]0;PWNED␇"


def test_newline_kept_only_where_allowed() -> None:
    assert visible("a\nb") == "a␊b"
    assert visible("a\nb", newlines=True) == "a\nb"
    assert control_chars("a\nb\x00", newlines=True) == ["U+0000"]


def test_printable_text_unchanged() -> None:
    text = "[bold red]X[/] é € 👍 \u202e"
    assert visible(text) == text
    assert control_chars(text) == []


@given(st.text())
def test_nothing_a_terminal_obeys_survives(text: str) -> None:
    shown = visible(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert len(shown) == len(text)
