"""A cache of validated settings, so that a command does not validate an unchanged config.toml.

Validating config.toml builds every pydantic model of the settings (~20–30 ms of each command's
and app's start-up). After a file validates, the `Settings` are pickled to
`$XDG_CACHE_HOME/kcc/settings/` (default `~/.cache/kcc/settings/`), one file per config path,
under a key made of the file's exact bytes, its path, the Python and pydantic versions and the
size and modification time of every source file that validates it (kcc_tui/config,
kcc_tui/domain, printers, and python-escpos's printer database). A later load of the same bytes
by the same code takes the settings from there; anything else — another byte, an edited or
upgraded kcc, a missing, unreadable, corrupt or foreign cache file — is a miss, and a miss
validates in full as if there were no cache. Only valid settings are stored, so every error is
reported by the full validation. Writing is best effort (atomic, never an error). Deleting the
folder clears the cache; $KCC_NO_SETTINGS_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings

OFF_VAR = "KCC_NO_SETTINGS_CACHE"
KEEP = 64  # cache files kept (one per config path); the oldest beyond this are removed
_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding kcc_tui/ and printers/
_CODE_DIRS = ("kcc_tui/config", "kcc_tui/domain", "printers")


def folder() -> Path | None:
    """Where the cache lives (None: switched off, or no home to put it in)."""
    if os.environ.get(OFF_VAR, "").strip() not in ("", "0"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME", ""))
    if not base.is_absolute():  # the XDG spec: a relative value is ignored
        try:
            base = Path.home() / ".cache"
        except RuntimeError:
            return None
    return base / "kcc" / "settings"


def key(raw: bytes, source: str) -> bytes:
    """What the validated settings depend on: the file's bytes and name, and the code."""
    import pydantic

    h = hashlib.sha256()
    for part in (source, sys.version, pydantic.VERSION, *_code_stamps()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(raw)
    return h.digest()


def load(raw: bytes, source: str) -> Settings | None:
    """The cached settings of exactly these bytes at `source`, or None (a miss)."""
    from .settings import Settings

    try:
        path = _file(source)
        if path is None:
            return None
        with path.open("rb") as f:
            stored_key, settings = pickle.load(f)
        if stored_key != key(raw, source) or type(settings) is not Settings:
            return None
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: a miss, never an error
        return None
    return settings


def save(raw: bytes, source: str, settings: Settings) -> None:
    """Remember valid settings; any trouble (read-only home, full disk) is ignored."""
    import tempfile

    try:
        path = _file(source)
        if path is None:
            return
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((key(raw, source), settings), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a reader sees the old file or the new, never half
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(path.parent)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        return


def _file(source: str) -> Path | None:
    where = folder()
    if where is None:
        return None
    name = hashlib.sha256(os.path.abspath(source).encode("utf-8", "surrogateescape"))
    return where / f"{name.hexdigest()[:32]}.pickle"


def _code_stamps() -> list[str]:
    """Size and modification time of every file whose change could change the validation."""
    stamps = []
    for sub in _CODE_DIRS:
        with os.scandir(_ROOT / sub) as entries:
            for entry in entries:
                if entry.name.endswith((".py", ".toml", ".json")):
                    st = entry.stat()
                    stamps.append(f"{sub}/{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    import importlib.util

    spec = importlib.util.find_spec("escpos")  # profile names are checked against its database
    if spec is not None and spec.origin:
        data = Path(spec.origin).with_name("capabilities.json")
        st = data.stat()
        stamps.append(f"{data}:{st.st_size}:{st.st_mtime_ns}")
    return sorted(stamps)


def _prune(where: Path) -> None:
    files = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP]:
        old.unlink(missing_ok=True)
