"""The installation file (offices.toml): the offices of one city and the config file of each.

    [offices.stadhuis]
    config = "stadhuis/config.toml"      # relative to this file's folder

    [offices.sint-andries]
    config = "/etc/kcc/sint-andries.toml"

Every office is its own store (DESIGN.md §8), chosen by its config as for one office
(`StoreSettings.target`): its own SQLite file (`[store] path`), or its own PostgreSQL database
(`[store] url`; typically one database per office on one server). The engines may be mixed.
Every app stays bound to one office, its config. The installation is read only by what looks
at several offices at once: the coordinator's overview (`kcc coordinator --offices`) and
`kcc report --offices`. The table name is the office's id and must equal the config's
`[office] id` (or the id derived from its name), so the file cannot pair an office with another
office's config. Chosen by `--offices FILE`, else $KCC_OFFICES (docs/configuration.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..store.target import redact
from .checks import _CODE
from .errors import ConfigError, key_path, show, unknown_key
from .loader import load_settings, read_document
from .settings import Settings

ENV_VAR = "KCC_OFFICES"
OFFICE_KEYS = ("config",)


@dataclass(frozen=True)
class Installation:
    """The offices of an installation, in file order: id -> that office's settings."""

    source: str
    offices: dict[str, Settings]

    def store_of(self, office: str) -> str | Path:
        """The office's store: its SQLite file, or its `postgresql://` URL."""
        return self.offices[office].store.target()


def installation_path(given: str | Path | None) -> str | None:
    """The installation file to use: `given` (--offices), else $KCC_OFFICES, else None."""
    if given:
        return str(given)
    return os.environ.get(ENV_VAR, "").strip() or None


def load_installation(path: str | Path) -> Installation:
    """Read and check offices.toml and every office's config. Raises ConfigError (one line,
    naming the file and key: a config's own mistakes name that config)."""
    source, doc = read_document(path)

    def fail(keys: tuple[str, ...], message: str) -> ConfigError:
        return ConfigError(source, message, path=key_path(keys))

    for key in doc:
        if key != "offices":
            raise fail((), unknown_key(key, ("offices",)))
    tables = doc.get("offices")
    if not isinstance(tables, dict) or not tables:
        raise fail(("offices",), "expected at least one office: [offices.ID] with config = "
                                 f'"FILE", found {"nothing" if tables is None else show(tables)}')
    base = Path(source).parent
    offices: dict[str, Settings] = {}
    stores: dict[object, str] = {}  # a store's identity -> the office it is the store of
    for oid, table in tables.items():
        loc = ("offices", oid)
        if not _CODE.match(oid):
            raise fail(loc, 'expected an office id of lowercase letters, digits, "-" or "_" '
                            f"(at most 32), found {show(oid)}")
        if not isinstance(table, dict):
            raise fail(loc, f'expected a table with config = "FILE", found {show(table)}')
        for key in table:
            if key not in OFFICE_KEYS:
                raise fail(loc, unknown_key(key, OFFICE_KEYS))
        config = table.get("config")
        if not isinstance(config, str) or not config.strip():
            raise fail((*loc, "config"), "expected the path of the office's config.toml, found "
                                         f"{'nothing' if config is None else show(config)}")
        settings = load_settings(base / config)
        if settings.office.id != oid:
            raise fail((*loc, "config"), f"expected the config of office {show(oid)}, found "
                                         f"office {show(settings.office.id)} in {config} (set "
                                         f"[office] id there, or rename this table)")
        target = settings.store.target()
        store = _identity(target)
        if store in stores:
            key = "url" if isinstance(target, str) else "path"
            raise fail((*loc, "config"), f"expected a store of its own, found [store] {key} "
                                         f"{show(_shown(target))}, the store of "
                                         f"office {show(stores[store])} too")
        stores[store] = oid
        offices[oid] = settings
    return Installation(source, offices)


def _identity(target: str | Path) -> object:
    """What makes two offices' stores the same: the resolved file, or the server and the
    database (user and password aside: another login is still the same database)."""
    if isinstance(target, str):
        parts = urlsplit(target)
        return ((parts.hostname or "").lower(), parts.port or 5432, parts.path.strip("/"))
    try:
        return target.resolve()
    except (OSError, RuntimeError):
        return target.absolute()


def _shown(target: str | Path) -> str:
    return redact(target) if isinstance(target, str) else str(target)


__all__ = ["ENV_VAR", "Installation", "installation_path", "load_installation"]
