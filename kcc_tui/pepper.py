"""The office's pepper: a secret mixed into every PIN hash, kept beside the database.

config.toml holds the PIN hashes; the pepper lives in `kcc.pepper` in the database's folder,
owner-only (0600), made by `kcc init`. A copy of config.toml without it cannot be tested
against a single PIN (see domain/pins.py). Every place a PIN is typed checks it through
`check_pin`, so they all use the same pepper.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from .domain.pins import verify_pin
from .store.target import is_url

NAME = "kcc.pepper"
PEPPER_BYTES = 32
log = logging.getLogger(__name__)


def pepper_path(db: str | Path) -> Path:
    return Path(db).absolute().parent / NAME


def anchor(target: str | Path, config_source: str | Path | None) -> Path:
    """What the pepper (and the log) sit beside: the SQLite file; for a store on a server,
    config.toml (copy kcc.pepper to every host with it), or the working folder when the
    built-in example office runs."""
    if not is_url(target):
        return Path(target)
    from .config import example_path

    if config_source and Path(config_source) != Path(example_path()):
        return Path(config_source)
    return Path.cwd() / "config.toml"


def load_pepper(db: str | Path) -> bytes | None:
    """The pepper of the office whose database is `db`, or None when there is none (yet)."""
    path = pepper_path(db)
    try:
        text = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(text) or None
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.warning("pepper file %s cannot be read (%s): peppered PINs are refused", path, e)
        return None


def ensure_pepper(db: str | Path) -> tuple[Path, bool]:
    """Create the pepper file (0600) unless it exists; return its path and whether it was
    made now. An existing pepper is never replaced: that would void every peppered PIN."""
    path = pepper_path(db)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path, False
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(PEPPER_BYTES) + "\n")
    return path, True


def check_pin(pin: str, pin_hash: str, db: str | Path) -> bool:
    """Whether `pin` is right for `pin_hash`, with this office's pepper. Slow (scrypt): run it
    in a thread from an app."""
    return verify_pin(pin, pin_hash, load_pepper(db))
