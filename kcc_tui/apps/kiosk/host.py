"""What the kiosk's screens ask of their app: `KioskApp` implements it (mypy checks that in
app.py), the screens see nothing else of it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from textual.screen import Screen

from ...domain.clock import Clock
from ...domain.office import Office
from ...store import Store
from .printing import PrinterWatch


class KioskHost(Protocol):
    @property
    def store(self) -> Store | None: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def db_path(self) -> Path: ...

    @property
    def office(self) -> Office: ...

    @property
    def languages(self) -> Sequence[str]: ...

    @property
    def services(self) -> Sequence[str]: ...

    @property
    def lang(self) -> str: ...  # the citizen's choice

    @property
    def priority(self) -> bool: ...

    @property
    def priority_offered(self) -> bool: ...

    @property
    def printer(self) -> PrinterWatch | None: ...

    @property
    def appointments_offered(self) -> bool: ...

    def open_check_in(self) -> None: ...

    def check_in(self, code: str, screen: Any) -> None: ...  # screen: a CheckInScreen

    def accept_press(self) -> bool: ...

    def request_ticket(self, service: str) -> None: ...

    def choose_lang(self, lang: str) -> None: ...

    def toggle_priority(self) -> None: ...

    def back_to_start(self, screen: Screen[Any]) -> None: ...

    def mark(self, number: str, what: str, at: float) -> None: ...

    def operator_candidates(self) -> list[str]: ...

    async def operator_pin(self, staff: str | None) -> tuple[bool, int | None]: ...

    def action_operator(self) -> None: ...
