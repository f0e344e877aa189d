"""The event store (DESIGN.md §2). No Textual here: apps, CLI and tests share it.

Everything above `store/` uses the `EventStore` interface (`protocol.py`) and gets one from
`open_store()`; past days are read through `EventStore.history()` or `open_history()`.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from ..domain.office import Office
from .errors import (
    StoreCorrupt,
    StoreDamaged,
    StoreError,
    StoreForeign,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StoreOtherOffice,
    StoreReadOnly,
    StoreReplaced,
    StoreTooNew,
)
from .eventstore import Store, create_store
from .protocol import EventStore, History, PhoneCall, SessionRecord


def open_store(target: str | Path, office: Office, **kw: Any) -> EventStore:
    """The store at `target` (not yet opened: `await store.open()` or `async with`). Today a
    path to an SQLite file; keyword arguments go to its constructor (clock, create,
    busy_timeout_ms, readonly, lenient, use_flock)."""
    return Store(target, office, **kw)


def open_history(target: str | Path) -> AbstractAsyncContextManager[History]:
    """A consistent read of past days of the store at `target`, without opening the store
    itself (reports from the CLI): `async with open_history(path) as h: ...`."""
    from .history import open_history as sqlite_history

    return sqlite_history(target)


__all__ = [
    "EventStore",
    "History",
    "PhoneCall",
    "SessionRecord",
    "Store",
    "create_store",
    "open_history",
    "open_store",
    "StoreCorrupt",
    "StoreDamaged",
    "StoreError",
    "StoreForeign",
    "StoreFull",
    "StoreLocked",
    "StoreMissing",
    "StoreOtherOffice",
    "StoreReadOnly",
    "StoreReplaced",
    "StoreTooNew",
]


def _conforms(store: Store) -> EventStore:
    """Never called: mypy (strict on store/) checks here that Store implements EventStore."""
    return store
