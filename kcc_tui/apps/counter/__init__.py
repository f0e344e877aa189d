"""`kcc counter POST`: the app at a counter (loket), the snelbalie or the phone post."""

from __future__ import annotations

from pathlib import Path

from ...config.settings import Settings
from ...domain.clock import Clock, system_clock
from ..base import POLL_S
from .app import CounterApp


def build_app(settings: Settings, *, db: str | Path | None = None, post_id: str,
              clock: Clock = system_clock, poll_s: float = POLL_S) -> CounterApp:
    """The counter app for `post_id` (a key of `[posts]` in config.toml)."""
    if post_id not in settings.office.posts:
        known = ", ".join(settings.office.posts)
        raise ValueError(f"unknown post {post_id!r} (known: {known})")
    return CounterApp(settings, db=db, post_id=post_id, clock=clock, poll_s=poll_s)


__all__ = ["CounterApp", "build_app"]
