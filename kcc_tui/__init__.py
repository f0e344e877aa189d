"""kcc: the queue system of the klantencontactcenter (README.md, docs/)."""

import os as _os
from pathlib import Path as _Path


def _escpos_cache() -> None:
    """python-escpos caches its printer database in a *new* temporary folder at every import,
    leaves it behind and parses the database again each time (~0.8 s). Before anything imports
    it, point it at one cache folder of ours ($XDG_CACHE_HOME/kcc, default ~/.cache/kcc)."""
    if _os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR"):
        return
    try:
        base = _Path(_os.environ.get("XDG_CACHE_HOME", ""))
        folder = (base if base.is_absolute() else _Path.home() / ".cache") / "kcc"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home or not writable: escpos makes its own folder
        return
    _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


_escpos_cache()
