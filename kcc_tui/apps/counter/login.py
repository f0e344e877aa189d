"""The login screen: staff id and PIN.

When the post is still open (the terminal restarted after a crash, or the staff member logged
out for a moment) the staff id is filled in and the PIN resumes that session and its ticket.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Footer, Input, Label

from ..base import StoreBanner
from ..dutch import post_name, staff_name
from ..literal import literal
from .screen import CounterScreen
from .texts import last_message
from .widgets import TitleBar


class LoginScreen(CounterScreen):
    DEFAULT_CSS = """
    LoginScreen #login-area { height: 1fr; align: center middle; }
    LoginScreen #login { width: 60; height: auto; border: thick $primary; padding: 1 2;
                         background: $surface; }
    LoginScreen #login Label { width: 100%; }
    LoginScreen #login-title { text-style: bold; padding-bottom: 1; }
    LoginScreen #login-info { color: $text-muted; padding-bottom: 1; }
    LoginScreen #login-error { color: $error; text-style: bold; height: auto; }
    LoginScreen #login Button { margin-top: 1; width: 100%; }
    """

    # Keys typed ahead (a fast typist, a badge scanner sending "an⇥1111⏎") must land in the
    # field the key before them moved to. Textual queues keys to the focused field, so a Tab or
    # Enter that the field handles arrives after the characters behind it: priority bindings
    # move the focus before the next key is routed.
    BINDINGS = [Binding("tab", "app.focus_next", show=False, priority=True),
                Binding("shift+tab", "app.focus_previous", show=False, priority=True),
                Binding("enter", "enter", show=False, priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self._filled_for: str | None = None  # the staff id we filled in (post still open)
        self._suggestion: str | None = None  # whose home post this is

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield StoreBanner()
        with Vertical(id="login-area"), Vertical(id="login"):
            yield Label("", id="login-title")
            yield Label("", id="login-info")
            yield Label("Personeelsnummer")
            yield Input(id="staff", placeholder="bv. an", max_length=40)
            yield Label("PIN")
            yield Input(id="pin", password=True, max_length=40)
            yield Label("", id="login-error")
            yield Button("Aanmelden (Enter)", variant="primary", id="login-ok")
            yield Label("", id="login-message")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#staff", Input).focus()
        self.redraw()

    def redraw(self) -> None:
        """Redraw from the store's state: who has this post open, suggested staff id."""
        self.query_one(TitleBar).show(*self.kcc.titles())
        app = self.kcc
        office = app.office
        self.query_one("#login-title", Label).update(
            literal(f"{post_name(office, app.post_id)} — aanmelden"))
        info = self.query_one("#login-info", Label)
        staff_input = self.query_one("#staff", Input)
        state = app.store.state if app.store else None
        p = state.posts.get(app.post_id) if state else None
        if p is not None and p.open and p.staff:
            info.update(literal(f"Dit loket is open voor {staff_name(office, p.staff)}: "
                                "geef de PIN om verder te werken."))
            # Only that person can resume the session: fill in their id unless someone typed.
            if p.staff != self._filled_for and staff_input.value in ("", self._filled_for):
                staff_input.value = self._filled_for = p.staff
                if staff_input.has_focus:
                    self.query_one("#pin", Input).focus()
        else:
            info.update("Geef uw personeelsnummer en PIN om het loket te openen.")
        # The staff member whose home post this is: a suggestion Enter accepts. Never typed in
        # for them, so whoever else sits down types straight into the right field.
        homes = [s.id for s in office.staff.values() if s.post == app.post_id]
        self._suggestion = homes[0] if len(homes) == 1 else None
        staff_input.placeholder = (f"{self._suggestion} (Enter)" if self._suggestion
                                   else "bv. an")
        self.query_one("#login-message", Label).update(
            literal(last_message(state, office, app.clock()) if state else ""))

    def action_enter(self) -> None:
        staff, pin = self.query_one("#staff", Input), self.query_one("#pin", Input)
        if self.focused is staff:
            self.set_focus(pin)  # now: the keys typed after this Enter are the PIN
            staff.call_later(self._suggest)  # after the keys already queued to the staff field
        else:
            (self.focused or pin).call_later(self.submit)  # after the PIN's queued keys

    def _suggest(self) -> None:
        staff_input = self.query_one("#staff", Input)
        if not staff_input.value and self._suggestion:
            staff_input.value = self._suggestion

    @on(Button.Pressed, "#login-ok")
    async def submit(self) -> None:
        if self._busy:  # a double Enter must not count as two wrong PINs
            return
        staff = self.query_one("#staff", Input).value.strip().lower()
        pin_input = self.query_one("#pin", Input)
        if not staff:
            self.error("Geef uw personeelsnummer.")
            self.query_one("#staff", Input).focus()
            return
        if not pin_input.value:
            self.error("Geef uw PIN.")
            pin_input.focus()
            return
        self._busy = True
        try:
            reason = await self.kcc.login(staff, pin_input.value)
        finally:
            self._busy = False
        if reason is not None and self.is_attached:
            pin_input.value = ""
            pin_input.focus()
            self.error(reason)

    def error(self, text: str) -> None:
        self.query_one("#login-error", Label).update(literal(text))
