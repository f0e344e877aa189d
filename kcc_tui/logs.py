"""One logging setup for every kcc process (CLI, apps, `kcc serve`).

- Run by systemd with its stderr going to the journal (`$JOURNAL_STREAM` names stderr, or
  `$INVOCATION_ID` is set and stderr is not a terminal): one line per record on stderr, without a
  timestamp (the journal adds its own).
- Otherwise: a rotating file `kcc.log` in the store's folder (1 MB, 5 old files kept), owner-only,
  one line per record with time, process and level. Every process of an office writes there.

Textual takes over `sys.stderr` while an app runs, so a record must never depend on it: the file
handler writes to its own file, and the journal handler holds the process's original stderr.
Printer, store, serve and refusal warnings all reach the same place. `kcc log-path` prints it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

NAME = "kcc.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LEVEL_ENV = "KCC_LOG_LEVEL"
_HANDLER_FLAG = "_kcc_handler"


def log_path(folder: Path) -> Path:
    return folder.absolute() / NAME


def journal_wanted() -> bool:
    """Whether stderr is systemd's journal stream."""
    stream = os.environ.get("JOURNAL_STREAM", "")
    stderr = sys.__stderr__
    if stderr is None:
        return False
    try:
        st = os.fstat(stderr.fileno())
    except (OSError, ValueError):
        return False
    if stream:
        dev, _, ino = stream.partition(":")
        return f"{st.st_dev}:{st.st_ino}" == f"{dev}:{ino}"
    return bool(os.environ.get("INVOCATION_ID")) and not stderr.isatty()


def setup(folder: Path, level: str = "INFO", role: str = "kcc") -> str:
    """Send every record of this process (and of the libraries it uses) to the journal or the
    rotating file. Returns where they go ("journal" or the file's path). Safe to call again."""
    root = logging.getLogger()
    # Ours from an earlier call, and the stderr handler some libraries' basicConfig() adds on
    # import (python-escpos does): its lines would land on a running app's screen.
    for h in list(root.handlers):
        if getattr(h, _HANDLER_FLAG, False) or type(h) is logging.StreamHandler:
            root.removeHandler(h)
            h.close()
    handler: logging.Handler
    if journal_wanted():
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter(f"{role}[%(process)d] %(levelname)s "
                                               "%(name)s: %(message)s"))
        where = "journal"
    else:
        path = log_path(folder)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        except OSError:
            handler = logging.NullHandler()  # a read-only folder must not stop kcc
            where = f"nowhere ({path} cannot be written)"
        else:
            where = str(path)
        handler.setFormatter(logging.Formatter(
            f"%(asctime)s {role}[%(process)d] %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _HANDLER_FLAG, True)
    root.addHandler(handler)
    root.setLevel(level.upper() if level.upper() in LEVELS else "INFO")
    for noisy in ("asyncio", "aiosqlite", "markdown_it"):  # chatty below WARNING
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return where


SECURITY_CODES = frozenset({"wrong_pin", "wrong_pin_locked", "locked", "operator_locked"})


def log_refusal(logger: logging.Logger, what: str, actor: str, code: str | None,
                reason: str) -> None:
    """A refused command: a wrong PIN or a lockout as a warning, any other at info level."""
    level = logging.WARNING if code in SECURITY_CODES else logging.INFO
    logger.log(level, "%s by %s refused: %s", what, actor, reason)


def reset() -> None:
    """Remove what `setup` added (tests)."""
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, _HANDLER_FLAG, False)]:
        root.removeHandler(h)
        h.close()
