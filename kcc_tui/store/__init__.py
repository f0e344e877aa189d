"""The event store (DESIGN.md §2). No Textual here: apps, CLI and tests share it.

Everything above `store/` uses the `EventStore` interface (`protocol.py`) and gets one from
`open_store()`; past days are read through `EventStore.history()` or `open_history()`. The
target chooses the engine: a path is an SQLite file (the default), a `postgresql://` URL a
PostgreSQL database (`store/pg/`).
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
    StoreUnreachable,
)
from .eventstore import Store
from .eventstore import create_store as _create_sqlite
from .protocol import EventStore, History, PhoneCall, SessionRecord
from .target import is_url, redact

PG_MISSING = ("PostgreSQL support is not installed: install kcc with its `pg` extra "
              "(pip install -e '.[pg]'), which brings psycopg")


def open_store(target: str | Path, office: Office, **kw: Any) -> EventStore:
    """The store at `target` (not yet opened: `await store.open()` or `async with`): a path
    to an SQLite file, or a `postgresql://` URL. Keyword arguments go to its constructor
    (clock, create, busy_timeout_ms, readonly, lenient, use_flock)."""
    if is_url(target):
        store: EventStore = _pg().PgStore(str(target), office, **kw)
        return store
    return Store(target, office, **kw)


async def create_store(target: str | Path, office: Office) -> None:
    """Create the store (or bring its schema up to date) and close it again."""
    if is_url(target):
        await _pg().create_pg_store(str(target), office)
    else:
        await _create_sqlite(target, office)


def open_history(target: str | Path) -> AbstractAsyncContextManager[History]:
    """A consistent read of past days of the store at `target`, without opening the store
    itself (reports from the CLI): `async with open_history(target) as h: ...`."""
    if is_url(target):
        try:
            from .pg.history import open_history as pg_history
        except ImportError:
            raise StoreError(PG_MISSING) from None
        return pg_history(str(target))
    from .history import open_history as sqlite_history

    return sqlite_history(target)


async def migrate_store(source: Path, url: str, office: Office) -> Any:
    """Copy an SQLite store's whole history into an empty PostgreSQL one and verify it
    (`pg/migrate.py`); returns what was copied (events, streams, days, tickets, sessions)."""
    try:
        from .pg.migrate import migrate
    except ImportError:
        raise StoreError(PG_MISSING) from None
    return await migrate(source, url, office)


async def create_database(server: str, name: str) -> str:
    """An empty database `name` on the PostgreSQL server of the URL `server`; its URL (for
    benchmarks: a fresh store per measurement)."""
    try:
        from .pg.backup import create_database as create
    except ImportError:
        raise StoreError(PG_MISSING) from None
    return await create(server, name)


async def drop_database(server: str, name: str) -> None:
    try:
        from .pg.backup import drop_database as drop
    except ImportError:
        raise StoreError(PG_MISSING) from None
    await drop(server, name)


def _pg() -> Any:
    """The PostgreSQL engine, imported when a URL asks for it (psycopg is an optional extra)."""
    try:
        from .pg import store
    except ImportError:
        raise StoreError(PG_MISSING) from None
    return store


__all__ = [
    "EventStore",
    "History",
    "PhoneCall",
    "SessionRecord",
    "Store",
    "create_store",
    "open_history",
    "open_store",
    "migrate_store",
    "is_url",
    "redact",
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
    "StoreUnreachable",
]


def _conforms(store: Store) -> EventStore:
    """Never called: mypy (strict on store/) checks here that Store implements EventStore."""
    return store
