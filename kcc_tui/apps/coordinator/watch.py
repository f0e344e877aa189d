"""Every office of the installation, watched for the overview: one store per office (its own
SQLite file or PostgreSQL database), opened read-only through `open_store()` and polled like
the app polls its own.

No Textual here. An office whose store cannot be opened (not made yet, another office's file,
a disk gone) is shown with its error and retried every RECONNECT_S, as the app does for its own.
"""

from __future__ import annotations

import contextlib
import time
from datetime import datetime

from ...config.installation import Installation
from ...domain.clock import Clock
from ...store import EventStore, StoreError, StoreReplaced, open_store
from ..base import RECONNECT_S
from ..refusals import store_error_nl
from .overview import OfficeRow, office_row


class OfficeWatch:
    """Read-only handles on the stores of all offices, each with today's state folded."""

    def __init__(self, installation: Installation, clock: Clock) -> None:
        self.installation = installation
        self.clock = clock
        self.stores: dict[str, EventStore] = {}
        self.errors: dict[str, str] = {}  # office id -> why its store is not open
        self._retry_at: dict[str, float] = {}
        self._closed = False

    async def poll(self) -> bool:
        """Open what is not open yet (or again), read what changed; True when anything did."""
        changed = False
        for oid, settings in self.installation.offices.items():
            if self._closed:
                break
            store = self.stores.get(oid)
            try:
                if store is None:
                    if time.monotonic() < self._retry_at.get(oid, 0.0):
                        continue
                    store = open_store(self.installation.store_of(oid), settings.office,
                                       clock=self.clock, readonly=True,
                                       busy_timeout_ms=settings.store.busy_timeout_ms)
                    await store.open()
                    if self._closed:  # the app ended while it opened
                        await store.close()
                        break
                    self.stores[oid] = store
                    self.errors.pop(oid, None)
                    changed = True
                elif await store.poll():
                    changed = True
            except StoreReplaced:
                changed = True  # folded afresh: redraw
            except StoreError as e:
                text = store_error_nl(e)  # the coordinator reads it: Dutch, one line
                changed |= self.errors.get(oid) != text
                self.errors[oid] = text
                self._retry_at[oid] = time.monotonic() + RECONNECT_S
                if oid in self.stores:
                    with contextlib.suppress(StoreError):
                        await self.stores.pop(oid).close()
        return changed

    def rows(self, now: datetime) -> list[tuple[str, OfficeRow | None, str | None]]:
        """(office id, its row or None, its store's error or None), in installation order."""
        out: list[tuple[str, OfficeRow | None, str | None]] = []
        for oid, settings in self.installation.offices.items():
            store = self.stores.get(oid)
            row = office_row(settings, store.state, now) if store is not None else None
            out.append((oid, row, None if store is not None else
                        self.errors.get(oid, "nog niet geopend")))
        return out

    async def close(self) -> None:
        self._closed = True
        for store in list(self.stores.values()):
            with contextlib.suppress(StoreError):
                await store.close()
        self.stores.clear()
