"""Picking a reason code (a pause, a transfer) from the list in config.toml.

Reasons are codes, never free text: nothing a staff member types about a citizen ends up in the
log. The picker shows the Dutch labels; typing filters them, Tab completes the typed text to the
first match, the arrow keys move through the list and Enter takes the highlighted one.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


def matches(reasons: Mapping[str, str], typed: str) -> list[str]:
    """The codes whose label or code starts with `typed` (then those containing it)."""
    t = " ".join(typed.split()).lower()
    if not t:
        return list(reasons)
    first = [c for c, label in reasons.items() if label.lower().startswith(t) or c.startswith(t)]
    rest = [c for c, label in reasons.items() if c not in first and (t in label.lower() or t in c)]
    return first + rest


class ReasonInput(Input):
    """The filter line: Tab completes to the first matching label (then moves on)."""

    BINDINGS = [Binding("tab", "complete", "Aanvullen", show=False),
                Binding("down", "to_list", show=False)]

    def action_complete(self) -> None:
        picker = self.parent
        if isinstance(picker, ReasonPicker) and picker.code is not None:
            label = picker.reasons[picker.code]
            if self.value != label:
                self.value = label
                self.cursor_position = len(label)
                return
        self.screen.focus_next()

    def action_to_list(self) -> None:
        picker = self.parent
        if isinstance(picker, ReasonPicker):
            picker.query_one(OptionList).focus()


class ReasonPicker(Vertical):
    DEFAULT_CSS = """
    ReasonPicker { height: auto; }
    ReasonPicker OptionList { height: auto; max-height: 8; }
    """

    class Chosen(Message):
        """Enter on the filter line or the list: the highlighted reason is the answer."""

    def __init__(self, reasons: Mapping[str, str], *, input_id: str | None = None) -> None:
        super().__init__()
        self.reasons = dict(reasons)
        self.input_id = input_id

    def compose(self) -> ComposeResult:
        yield ReasonInput(placeholder="typ om te zoeken · Tab vult aan", max_length=60,
                          id=self.input_id)
        yield OptionList(*[Option(label, id=code) for code, label in self.reasons.items()])

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    @property
    def code(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def focus_filter(self) -> None:
        self.query_one(ReasonInput).focus()

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self.reasons[c], id=c)
                             for c in matches(self.reasons, event.value)])
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def _chosen(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Chosen())
