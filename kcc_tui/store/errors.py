"""Store errors: each one line a person can act on. Nothing above the store sees sqlite3 errors."""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """Base of every store failure; `str()` is one line."""


class StoreMissing(StoreError):
    """No database file where one is expected."""


class StoreLocked(StoreError):
    """Another process holds the write lock past the busy timeout."""


class StoreReadOnly(StoreError):
    """The file or its folder cannot be written."""


class StoreFull(StoreError):
    """The disk (or the page limit) is full."""


class StoreCorrupt(StoreError):
    """The file is not a readable SQLite database."""


class StoreTooNew(StoreError):
    """Written by a newer kcc: a schema or an event this version does not know."""


class StoreForeign(StoreError):
    """A file that `kcc init` did not make: empty (0 bytes), or another program's database."""


class StoreDamaged(StoreError):
    """The log holds an event that does not fit the history before it (damage, an old bug):
    the message names its seq and the way out."""


class StoreReplaced(StoreError):
    """The store's content changed under this process (a restore, a copied-in file, a deleted
    WAL): its state was folded afresh, and the command it was running was refused."""


def translate(err: BaseException, path: str) -> StoreError:
    """Map an sqlite3 error to the one-line StoreError a user sees."""
    if isinstance(err, StoreError):
        return err
    msg = str(err).lower()
    if "locked" in msg or "busy" in msg:
        return StoreLocked(f"database {path} is locked by another process; try again")
    if "readonly" in msg or "read-only" in msg or "unable to open" in msg and "read" in msg:
        return StoreReadOnly(f"database {path} is read-only: changes are refused")
    if "full" in msg:
        return StoreFull(f"database {path}: the disk is full; free space, then try again")
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreCorrupt(f"database {path} is damaged ({err}); restore a backup")
    if "unable to open" in msg:
        return StoreMissing(f"database {path} cannot be opened (no such folder, or no access)")
    if isinstance(err, sqlite3.Error):
        return StoreError(f"database {path}: {err}")
    return StoreError(f"database {path}: {type(err).__name__}: {err}")


class StoreOtherOffice(StoreError):
    """The store belongs to another office than the config that opens it (several offices:
    one store each on SQLite): refused, so two offices' events never mix."""

    def __init__(self, message: str, found: str, office: str) -> None:
        super().__init__(message)
        self.found, self.office = found, office  # the store's office, the config's
