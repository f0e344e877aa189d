"""Where a store is: a path to an SQLite file (the default), or a `postgresql://` URL.

Kept as text, never passed through `Path` (which folds `//` and would spoil a URL)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")
ENV = "KCC_DB"  # overrides [store] url / path; `--db` overrides both


def is_url(target: str | Path | None) -> bool:
    """Whether `target` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL for people and logs: the password left out."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def with_database(url: str, name: str) -> str:
    """The URL of another database on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def chosen(given: str | Path | None, url: str | None, path: Path) -> str | Path:
    """The store to use: `--db`, else $KCC_DB, else `[store] url`, else `[store] path`."""
    if given:
        return given if is_url(given) else Path(given)
    env = os.environ.get(ENV, "").strip()
    if env:
        return env if is_url(env) else Path(env)
    if url:
        return url
    return path
