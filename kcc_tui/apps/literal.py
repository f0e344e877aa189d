"""Text from people and files on a screen: content, never markup or terminal control.

Textual parses a `str` given to `Static.update`, `Label`, `notify` or a DataTable cell as markup:
`[/]` in a broadcast crashes the app, `[@click=app.quit]` becomes a button, and an ESC reaches
the terminal. Every screen shows such text through these two functions instead: `literal` makes
a `rich.text.Text` (never parsed as markup), `shown` makes the string for a place that is
already plain (`notify(..., markup=False)`, an `Input`, a `Text.append`). Both replace control
characters by the visible stand-ins of `domain.text.visible` (ESC → ␛).

`newlines=True` keeps line feeds: for text we joined with newlines ourselves, or a field that may
span lines (a note).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ..domain.text import visible


def shown(text: object, *, newlines: bool = False) -> str:
    """`text` as it may be shown: control characters replaced (None is shown as "")."""
    return visible("" if text is None else str(text), newlines=newlines)


def literal(text: object, style: str = "", *, newlines: bool = False, **kw: Any) -> Text:
    """A `Text` that shows `text` literally (no markup) in `style`, control characters
    replaced."""
    return Text(shown(text, newlines=newlines), style, **kw)
