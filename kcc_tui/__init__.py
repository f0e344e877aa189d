"""kcc: the queue system of the klantencontactcenter (README.md, docs/)."""

import os as _os
import sys as _sys
from pathlib import Path as _Path

_PRIVATE = "KCC_ESCPOS_PRIVATE"
# kcc uses no pydantic plugins: don't let pydantic scan every installed package's metadata for
# them at the first model (~8 ms of every process's start-up)
_os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _escpos_cache() -> None:
    """python-escpos caches its printer database in a *new* temporary folder at every import
    and parses the database again each time (~0.7 s per process). Before anything imports it,
    point it at one cache of ours ($XDG_CACHE_HOME/kcc, default ~/.cache/kcc).

    escpos writes its cache file in place, so a process must never read one being written:
    until the shared file exists, each process lets escpos write into a private folder and
    moves the finished file into place (atomically) when it exits."""
    given = _os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    if given and given != _os.environ.get(_PRIVATE):  # set by the user (a parent's private
        return  # folder, inherited, is not: this process decides for itself)
    try:
        base = _Path(_os.environ.get("XDG_CACHE_HOME", ""))
        folder = (base if base.is_absolute() else _Path.home() / ".cache") / "kcc"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        shared = folder / f"{_sys.version.split()[0]}.capabilities.pickle"  # = python_version()
        if shared.is_file():
            _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)
            _os.environ.pop(_PRIVATE, None)
            return
        import tempfile  # only until the shared cache exists

        private = _Path(tempfile.mkdtemp(prefix="escpos-", dir=folder))
    except (OSError, RuntimeError):  # no home or not writable: escpos makes its own folder
        return
    _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = _os.environ[_PRIVATE] = str(private)

    def publish() -> None:
        import shutil

        made = private / shared.name
        try:
            if made.is_file() and made.stat().st_size > 0:
                _os.replace(made, shared)
        except OSError:
            pass
        shutil.rmtree(private, ignore_errors=True)

    import atexit

    atexit.register(publish)


_escpos_cache()
