"""The login screen: the coordinator's PIN, checked against the hash in config.toml.

A wrong PIN is recorded (and locks the id after too many) by the domain's `Login` command, the
same rule as at the counters.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...domain.commands import Login
from ...pepper import check_pin
from ..base import AppOf, StoreBanner
from ..literal import literal

if TYPE_CHECKING:
    from .app import CoordinatorApp


class LoginScreen(Screen[None]):
    AUTO_FOCUS = "#pin"

    kcc: AppOf[CoordinatorApp] = AppOf()

    def coordinators(self) -> list[tuple[str, str]]:
        return [(sid, s.name) for sid, s in self.kcc.office.staff.items()
                if s.role == "coordinator"]

    def compose(self) -> ComposeResult:
        yield StoreBanner()
        with Center(), Vertical(classes="login"):
            yield Label(literal(self.kcc.office.name), classes="office")
            yield Label("Coördinator — aanmelden", classes="dialog-title")
            people = self.coordinators()
            who = OptionList(*[Option(literal(name), id=sid) for sid, name in people], id="who")
            who.display = len(people) > 1  # one coordinator: nothing to choose
            yield who
            if len(people) == 1:
                yield Label(literal(people[0][1]), classes="who")
            yield Input(placeholder="PIN", password=True, id="pin", restrict=r"[0-9]*",
                        max_length=12)
            yield Static("", id="message", classes="check")
            yield Button("Aanmelden (Enter)", id="login", variant="primary")

    def on_mount(self) -> None:
        who = self.query_one("#who", OptionList)
        if who.option_count:
            who.highlighted = 0
        else:
            self.query_one("#message", Static).update(
                'config.toml heeft geen medewerker met role = "coordinator"')

    def on_input_submitted(self) -> None:
        self.log_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login":
            self.log_in()

    @work(exclusive=True, group="login", exit_on_error=False)
    async def log_in(self) -> None:
        who = self.query_one("#who", OptionList)
        message = self.query_one("#message", Static)
        pin_input = self.query_one("#pin", Input)
        if who.highlighted is None:
            message.update("Er is geen coördinator ingesteld.")
            return
        staff = who.get_option_at_index(who.highlighted).id or ""
        pin, pin_input.value = pin_input.value, ""
        if not pin:
            message.update("Geef uw PIN.")
            return
        message.update("Even controleren…")
        # scrypt is slow on purpose: keep the event loop (and the poller) running meanwhile
        ok = await asyncio.to_thread(check_pin, pin, self.kcc.office.staff[staff].pin_hash,
                                     self.kcc.db_path)
        if await self.kcc.execute(Login(staff, ok, "coordinator"), staff) is None:
            message.update("Niet aangemeld (zie de melding).")
            return
        message.update("")
        self.kcc.logged_in(staff)
