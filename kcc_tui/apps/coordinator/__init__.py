"""`kcc coordinator`: the coordinator pane — live waiting times, staff moves, alerts.

    app = build_app(settings, db="kcc.db")
    app.run()
"""

from __future__ import annotations

from pathlib import Path

from ...config.installation import Installation
from ...config.settings import Settings
from ...domain.clock import Clock, system_clock
from .app import CoordinatorApp

__all__ = ["CoordinatorApp", "build_app"]


def build_app(settings: Settings, *, db: str | Path | None = None,
              clock: Clock = system_clock, installation: Installation | None = None,
              **options: float) -> CoordinatorApp:
    """The one factory the CLI and the tests use; with an `installation` (offices.toml) the
    pane has the overview of all offices."""
    return CoordinatorApp(settings, db=db, clock=clock, installation=installation, **options)
