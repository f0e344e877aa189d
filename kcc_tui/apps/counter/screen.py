"""What every counter screen shares: its app as the narrow `CounterHost`, and the actions
possible right now.

Only what can be done now is shown in the footer (and only that reacts to its key); the
ActionBar's buttons show everything, greyed out when not possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from textual.screen import Screen

from ...domain.clock import Clock
from ...domain.commands import Command
from ...domain.events import Event
from ...domain.office import Office
from ...domain.state import Ticket
from ...store import Store
from ..base import AppOf
from .widgets import ActionBar


class CounterHost(Protocol):
    """All the counter's screens ask of their app (`CounterApp` implements it; mypy checks
    that in app.py): the post, the store's state, and the actions of the post."""

    post_id: str
    store: Store | None
    clock: Clock

    @property
    def office(self) -> Office: ...

    def titles(self) -> tuple[str, str]: ...

    def current_ticket(self) -> Ticket | None: ...

    def parked(self) -> list[Ticket]: ...

    def last_no_show(self) -> str | None: ...

    def next_number(self) -> str | None: ...

    async def act(self, command: Command) -> Sequence[Event] | None: ...

    async def login(self, staff: str, pin: str) -> str | None: ...

    async def logout(self) -> None: ...

    async def toggle_pause(self) -> None: ...

    def confirm_close(self) -> None: ...


class CounterScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self._allowed: dict[str, bool] = {}

    kcc: AppOf[CounterHost] = AppOf()

    def allowed(self, action: str) -> bool:
        return self._allowed.get(action, False)

    def set_allowed(self, allowed: dict[str, bool]) -> None:
        """Enable the buttons and keys of `allowed`; the footer is rebuilt only on a change."""
        if allowed != self._allowed:
            self._allowed = allowed
            self.query_one(ActionBar).enable(allowed)
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._allowed.get(action, True)


class PostScreen(CounterScreen):
    """A screen of an open post (a desk or the phone): pause, close and log out the same way."""

    async def action_pause(self) -> None:
        await self.kcc.toggle_pause()

    def action_close_post(self) -> None:
        self.kcc.confirm_close()

    async def action_logout(self) -> None:
        await self.kcc.logout()
