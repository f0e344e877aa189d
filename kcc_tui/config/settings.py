"""Typed settings for the whole of config.toml.

The office itself (services, posts, staff, ...) is the domain's `Office`; this module adds what only
the processes need: where the store is, the kiosks, printers, wall displays and alert thresholds.
Cross-references between sections are checked in `checks.py` once every field is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kcc_tui.domain.office import Lang, Office
from printers.settings import PrinterSettings


class _Section(BaseModel):
    # defer_build: a model's validator is built at its first validation, not at import; a
    # process whose settings come from the cache (config/cache.py) never builds one. For the
    # same reason, sections default through default_factory: an instance made at import
    # would build its model there.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _as_path(value: object) -> object:
    # TOML has no path type; the loader validates strictly, so turn text into a Path here.
    return Path(value) if isinstance(value, str) and value.strip() else value


class StoreSettings(_Section):
    """`[store]`: the one SQLite file (relative paths are relative to the working directory),
    or a PostgreSQL database by `url` (docs/operations.md)."""

    path: Path = Path("kcc.db")
    url: str | None = Field(default=None, description="postgresql://user@host:port/database")
    busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)
    backup_dir: Path = Path("backups")
    backup_keep: int = Field(default=14, ge=1, description="a number of days, at least 1")

    @field_validator("path", "backup_dir", mode="before")
    @classmethod
    def _text_to_path(cls, value: object) -> object:
        return _as_path(value)

    @field_validator("url")
    @classmethod
    def _postgresql_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("postgresql://",
                                                               "postgres://")):
            raise ValueError("a PostgreSQL URL starts with postgresql:// (an SQLite file goes "
                             "in [store] path)")
        return value

    def target(self, given: str | Path | None = None) -> str | Path:
        """The store: `given` (--db), else $KCC_DB, else `url`, else `path` (a URL stays text,
        see store/target.py). The one choice every command, app and installation makes."""
        from ..store.target import chosen  # no driver: target.py is plain text handling

        return chosen(given, self.url, self.path)


class KioskSettings(_Section):
    """`[kiosks.ID]`: a touch kiosk at the entrance (onthaal)."""

    id: str
    name: str
    # Concrete codes: `Settings` turns a missing list or "all" into every service, in config order.
    services: tuple[str, ...] = Field(default=(), description='"all" or a list of service codes')
    languages: tuple[Lang, ...] = ()
    printer: str | None = None
    priority_button: bool = False
    appointment_button: bool = True  # "Ik heb een afspraak": check in with a booking's code
    confirm_seconds: float = Field(default=8, gt=0, le=300)


class DisplaySettings(_Section):
    """`[displays.ID]`: a wall display (TV) in the waiting room."""

    id: str
    name: str
    # Concrete post ids: "all" means every post except the phone line, which nobody walks to.
    posts: tuple[str, ...] = Field(default=(), description='"all" or a list of post ids')
    history: int = Field(default=8, ge=0, le=50)
    rotate_languages: bool = True
    rotate_seconds: float = Field(default=10, gt=0, le=600)
    chime: str = Field(default="bell", min_length=1, description='"bell", "none" or a command')
    speech: bool = False
    speech_command: str = Field(default="espeak-ng", min_length=1)
    highlight_seconds: float = Field(default=10, ge=0, le=600)


class AlertSettings(_Section):
    """`[alerts]`: when the coordinator pane raises an alert."""

    wait_over_target_factor: float = Field(default=1.0, gt=0, le=100)
    heartbeat_missing_s: float = Field(default=60, gt=0)
    no_shows_in_row: int = Field(default=3, ge=1)
    idle_with_queue_min: float = Field(default=5, gt=0)


class ServeSettings(_Section):
    """`[serve]`: `kcc serve`, the apps in a browser (docs/operations.md)."""

    # Required (here or in $KCC_SERVE_SECRET) to serve beyond loopback; at least 16 characters.
    secret: str = ""
    max_apps_per_role: int = Field(default=6, ge=1, le=100)
    # Origins a browser may open the apps from besides the served address itself, e.g. the
    # TLS reverse proxy's "https://kcc.leiebrugge.be".
    allowed_origins: tuple[str, ...] = ()
class PhoneSettings(_Section):
    """`[phone]`: the citizen's ticket page behind the QR code (`kcc web`, docs/phone.md)."""

    # The address citizens' phones reach `kcc web` at, e.g. "https://wachtrij.stad.example";
    # empty: tickets get no page (and a QR text with {token_url} prints no QR code).
    base_url: str = Field(default="", pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$")
    away_minutes: float = Field(default=15, gt=0, le=240)  # "even weg" keeps the place this long
    ended_grace_min: float = Field(default=10, ge=0, le=120)  # a page shows the outcome this long


class Settings(_Section):
    """Everything in config.toml, validated and cross-checked."""

    office: Office
    store: StoreSettings = Field(default_factory=StoreSettings)
    kiosks: dict[str, KioskSettings] = {}
    printers: dict[str, PrinterSettings] = {}
    displays: dict[str, DisplaySettings] = {}
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    phone: PhoneSettings = Field(default_factory=PhoneSettings)
    source: str = ""  # the file these settings came from, for messages

    @model_validator(mode="before")
    @classmethod
    def _fill_all(cls, data: Any) -> Any:
        """Resolve `services = "all"` and `posts = "all"` (or leaving them out) into lists.

        This runs on raw, possibly malformed input: anything unexpected is left alone for the
        field validation to report.
        """
        if not isinstance(data, dict):
            return data
        office = data.get("office")
        services = _keys(office, "services", lambda _v: True)
        posts = _keys(office, "posts", lambda v: _get(v, "kind") != "phone")
        languages = _get(office, "languages")
        if languages is None:
            languages = Office.model_fields["languages"].default
        data = dict(data)
        for section, field, every in (
            ("kiosks", "services", services),
            ("displays", "posts", posts),
        ):
            tables = data.get(section)
            if not isinstance(tables, dict):
                continue
            filled = {}
            for key, table in tables.items():
                if isinstance(table, dict):
                    table = dict(table)
                    if every is not None and table.get(field, "all") == "all":
                        table[field] = every
                    if section == "kiosks" and "languages" not in table and languages is not None:
                        table["languages"] = languages
                filled[key] = table
            data[section] = filled
        return data

    @model_validator(mode="after")
    def _cross_check(self) -> Settings:
        from .checks import check_settings  # at validation only: a cached load needs none

        check_settings(self)
        return self


def _get(obj: object, name: str) -> object:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _keys(office: object, name: str, keep: Callable[[object], bool]) -> tuple[str, ...] | None:
    tables = _get(office, name)
    if not isinstance(tables, dict):
        return None
    return tuple(key for key, value in tables.items() if keep(value))
