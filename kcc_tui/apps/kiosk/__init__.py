"""`kcc kiosk [--kiosk ID]`: the touch kiosk at the entrance, where citizens take a ticket."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...config.settings import Settings
from ...domain.clock import Clock, system_clock

if TYPE_CHECKING:
    from .app import KioskApp


def build_app(settings: Settings, *, db: str | Path | None = None, kiosk_id: str,
              clock: Clock = system_clock, **options: Any) -> KioskApp:
    """The kiosk app for `kiosk_id` (a key of `[kiosks]` in config.toml).

    `options` are for tests and benchmarks: `poll_s`, `debounce_s`, `heartbeat_s`, `recheck_s`.
    """
    from .app import KioskApp  # Textual and the printer: not for `kcc ticket issue` (availability)

    if kiosk_id not in settings.kiosks:
        known = ", ".join(settings.kiosks) or "none configured"
        raise ValueError(f"unknown kiosk {kiosk_id!r} (known: {known})")
    return KioskApp(settings, db=db, kiosk_id=kiosk_id, clock=clock, **options)


def __getattr__(name: str) -> Any:
    if name == "KioskApp":
        from .app import KioskApp

        return KioskApp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["KioskApp", "build_app"]
