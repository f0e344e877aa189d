"""The SQLite event store (DESIGN.md §2). No Textual here: apps, CLI and tests share it."""

from .errors import (
    StoreCorrupt,
    StoreDamaged,
    StoreError,
    StoreForeign,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StoreReadOnly,
    StoreReplaced,
    StoreTooNew,
)
from .eventstore import Store, create_store

__all__ = [
    "Store",
    "create_store",
    "StoreCorrupt",
    "StoreDamaged",
    "StoreError",
    "StoreForeign",
    "StoreFull",
    "StoreLocked",
    "StoreMissing",
    "StoreReadOnly",
    "StoreReplaced",
    "StoreTooNew",
]
