"""The kiosk's widgets: the big ticket number and large touch buttons."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Static

from ..literal import literal
from . import bigfont


class BigNumber(Widget):
    """A ticket number in the dot font, as large as the widget's size allows."""

    DEFAULT_CSS = """
    BigNumber { width: 100%; height: 7; content-align: center middle; text-style: bold;
                color: $text; }
    """

    number: reactive[str] = reactive("", layout=True)

    def __init__(self, number: str = "", *, largest: int = 8, id: str | None = None) -> None:
        super().__init__(id=id)
        self.largest = largest
        self.set_reactive(BigNumber.number, number)

    def render(self) -> Text:
        size = self.content_region.size
        scale = bigfont.fit_scale(self.number, size.width, size.height, self.largest)
        lines = bigfont.render(self.number, scale)
        if bigfont.columns(self.number, scale) > size.width:
            # Too narrow even at the smallest scale: plain text still tells the number.
            return Text(self.number, justify="center")
        return Text("\n".join(lines), justify="center", no_wrap=True)


class KioskButton(Button):
    """A large touch target. Buttons react on release, so a finger sliding off cancels."""

    DEFAULT_CSS = """
    KioskButton { height: 5; min-width: 12; text-style: bold; border: tall $panel-lighten-2; }
    KioskButton:focus { text-style: bold reverse; }
    """


class ServiceButton(KioskButton):
    """One service on the start screen, with the reason when it cannot be taken now."""

    DEFAULT_CSS = """
    ServiceButton { width: 1fr; height: 5; margin: 0 1 1 1; background: $primary;
                    color: $text; }
    ServiceButton:hover { background: $primary-lighten-1; }
    ServiceButton.-unavailable { background: $panel; color: $text-disabled;
                                 text-style: none; }
    """

    def __init__(self, service: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.service = service

    def show(self, name: str, reason: str | None) -> None:
        label = literal(name, "bold", justify="center")
        if reason:
            label.append(f"\n{reason}", style="not bold italic")
        self.label = label
        # Disabled: a tap or Enter on it does nothing, and focus skips it.
        self.disabled = reason is not None
        self.set_class(reason is not None, "-unavailable")


class LangButton(KioskButton):
    """A language choice; the current language is highlighted."""

    DEFAULT_CSS = """
    LangButton { width: 8; min-width: 8; height: 3; margin: 0 0 0 1; border: none;
                 background: $panel; }
    LangButton.-current { background: $accent; color: $text; }
    """

    def __init__(self, lang: str, label: str) -> None:
        super().__init__(label, id=f"lang-{lang}")
        self.lang = lang


class Notice(Static):
    """A one-line notice across the start screen (printer down).

    Hidden, it still takes its line: the buttons must not move while a finger is on its way
    to one (a notice appearing at that moment would put another service under the finger)."""

    DEFAULT_CSS = """
    Notice { width: 100%; height: 1; visibility: hidden; padding: 0 2; margin: 0 1 1 1;
             background: $warning; color: $text; text-style: bold; content-align: center middle; }
    Notice.-shown { visibility: visible; }
    """

    def say(self, text: str | None) -> None:
        self.update(text or "")
        self.set_class(bool(text), "-shown")
