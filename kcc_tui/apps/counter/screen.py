"""What every counter screen shares: the app, typed, and the actions possible right now.

Only what can be done now is shown in the footer (and only that reacts to its key); the
ActionBar's buttons show everything, greyed out when not possible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from ..base import AppOf
from .widgets import ActionBar

if TYPE_CHECKING:
    from .app import CounterApp


class CounterScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self._allowed: dict[str, bool] = {}

    kcc: AppOf[CounterApp] = AppOf()

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
