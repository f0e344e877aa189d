"""The phone post: no tickets; staff register each call with its topic."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from ...domain import commands as C
from ..base import StoreBanner
from ..literal import literal, shown
from .screen import PostScreen
from .texts import clock_time, last_message, post_line
from .widgets import ActionBar, Steady, TitleBar

PHONE_ACTIONS: list[tuple[str, str, str]] = [
    ("register", "g", "Gesprek registreren"),
    ("pause", "z", "Pauze"),
    ("close_post", "k", "Sluiten"),
    ("logout", "l", "Afmelden"),
]
RECENT = 12  # calls shown in the list of this session's calls


class PhoneScreen(PostScreen):
    DEFAULT_CSS = """
    PhoneScreen #panes { height: 1fr; }
    PhoneScreen #topics { width: 1fr; height: 100%; border: round $primary; }
    PhoneScreen #calls { width: 1fr; height: 100%; border: round $secondary; padding: 0 1; }
    PhoneScreen ActionBar { grid-size: 4; }
    """
    BINDINGS = [Binding(key, action, label) for action, key, label in PHONE_ACTIONS]

    def compose(self) -> ComposeResult:
        office = self.kcc.office
        yield TitleBar()
        yield StoreBanner()
        with Horizontal(id="panes"):
            yield OptionList(*[Option(literal(t.label), id=code)
                               for code, t in office.topics.items()], id="topics")
            yield Steady(id="calls")
        yield ActionBar(PHONE_ACTIONS)
        yield Steady(id="post-line")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        topics = self.query_one("#topics", OptionList)
        topics.border_title = "Onderwerp van het gesprek (Enter = registreren)"
        self.query_one("#calls", Steady).border_title = "Geregistreerde gesprekken"
        topics.focus()
        if topics.option_count:
            topics.highlighted = 0
        self.redraw()

    def redraw(self) -> None:
        self.query_one(TitleBar).show(*self.kcc.titles())
        app = self.kcc
        if app.store is None:
            self.set_allowed({"logout": True})
            return
        state, office = app.store.state, app.office
        p = state.post(app.post_id)
        # This session's calls only: the list starts empty when the post opens.
        mine = [c for c in state.calls
                if c[1] == app.post_id and p.opened_at is not None and c[0] >= p.opened_at]
        lines = []
        for at, _post, _staff, topic in reversed(mine[-RECENT:]):
            label = office.topics[topic].label if topic in office.topics else topic
            lines.append(f"{clock_time(at, office)}  {shown(label)}")
        calls = self.query_one("#calls", Steady)
        calls.update(literal("\n".join(lines) or "Nog geen gesprekken geregistreerd.",
                             newlines=True))
        calls.border_subtitle = f"{len(mine)} deze sessie"
        line = post_line(state, office, p)
        message = last_message(state, office, app.clock())
        self.query_one("#post-line", Steady).update(
            literal(line + (f"\n{message}" if message else ""), newlines=True))
        free = p.open and p.pause_reason is None
        allowed = {"register": free, "pause": p.open, "close_post": p.open, "logout": True}
        self.query_one(ActionBar).relabel("pause", "Einde pauze" if p.pause_reason else "Pauze")
        self.set_allowed(allowed)

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.allowed("register"):
            await self.action_register()

    async def action_register(self) -> None:
        topics = self.query_one("#topics", OptionList)
        if topics.highlighted is None:
            self.notify("Kies eerst een onderwerp.", severity="warning")
            return
        topic = topics.get_option_at_index(topics.highlighted).id or ""
        if await self.kcc.act(C.RegisterCall(self.kcc.post_id, topic)):
            label = self.kcc.office.topics[topic].label
            self.notify(f"Gesprek geregistreerd: {shown(label)}", markup=False)
