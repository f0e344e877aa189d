"""`kcc display`: the wall display in the waiting room (DESIGN.md §6, docs/display.md)."""

from __future__ import annotations

from pathlib import Path

from ...config.settings import Settings
from ...domain.clock import Clock, system_clock
from .announce import STALE_AFTER_S, Speaker
from .app import DisplayApp

__all__ = ["DisplayApp", "build_app"]


def build_app(settings: Settings, *, db: str | Path | None = None, display_id: str,
              clock: Clock = system_clock, speaker: Speaker | None = None,
              stale_after_s: float = STALE_AFTER_S) -> DisplayApp:
    """The display app for `[displays.<display_id>]`; the CLI and the tests both use this.

    `speaker`: None builds one from the display's settings (bell or chime command, espeak-ng).
    """
    if display_id not in settings.displays:
        known = ", ".join(settings.displays) or "none"
        raise ValueError(f"unknown display {display_id!r} (known: {known})")
    return DisplayApp(settings, db=db, display_id=display_id, clock=clock, speaker=speaker,
                      stale_after_s=stale_after_s)
