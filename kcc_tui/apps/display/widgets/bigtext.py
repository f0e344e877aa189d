"""`BigText`: text in big block characters that grows and shrinks with the space it gets."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ...glyphs import Fitted, fit


class BigText(Widget):
    """Draws the biggest of its layouts that fits (see `glyphs.fit`), centred.

    A layout is a tuple of lines: `("A012 ▸ 3",)` on one line or `("A012", "▸ 3")` stacked.
    The glyphs take the widget's colour, so a CSS class on it (or a parent) recolours them.
    """

    DEFAULT_CSS = """
    BigText { width: 1fr; height: 1fr; content-align: center middle; }
    """

    layouts: reactive[tuple[tuple[str, ...], ...]] = reactive((), layout=False)

    def __init__(self, *lines: str, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(BigText.layouts, ((*lines,),) if lines else ())

    def update(self, *layouts: tuple[str, ...]) -> None:
        self.layouts = tuple(layouts)

    @property
    def fitted(self) -> Fitted:
        size = self.content_size
        return fit(self.layouts, size.width, size.height)

    @property
    def plain(self) -> str:
        """The text shown, as one line (what a screen reader or a test wants)."""
        return " / ".join(" ".join(layout) for layout in self.layouts[:1])

    def render(self) -> Text:
        if not self.layouts:
            return Text("")
        f = self.fitted
        text = Text("\n".join(f.rows), no_wrap=True, overflow="crop")
        if f.font == "plain":
            text.stylize("bold")
        return text
