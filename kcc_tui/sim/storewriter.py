"""`kcc simulate --store PATH`: write simulated days through the real store.

The simulator records every command it ran against the in-memory ledger, with its time and
actor. Here each is run again, in order, through `Store.execute` with a `FixedClock` set to
that time: the store decides it against its own state (one BEGIN IMMEDIATE transaction per
command, as in the office), so the database holds exactly what the apps would have written.
That is one fsync per command: about 500 commands a second on an ordinary disk, a few seconds
per simulated day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..domain.clock import FixedClock
from ..domain.commands import Refused
from ..domain.office import Office
from ..store import StoreError, open_store
from .model import DayResult


async def write_days(path: str | Path, office: Office, days: Sequence[DayResult], *,
                     busy_timeout_ms: int = 5000,
                     progress: Callable[[DayResult, int], None] | None = None) -> int:
    """Append the simulated days to the store at `path` (created if needed); return the number
    of events written. Refuses a day the database already has events for."""
    todo = [d for d in days if d.commands]
    if not todo:
        return 0
    clock = FixedClock(todo[0].commands[0][0])
    written = 0
    async with open_store(path, office, clock=clock, create=True,
                          busy_timeout_ms=busy_timeout_ms) as store:
        for d in todo:
            if await store.events(day=d.day, limit=1):
                raise StoreError(f"{path} already has events on {d.day}: simulate other "
                                 "dates (--start) or use a new file")
            count = 0
            for at, cmd, actor in d.commands:
                clock.at = at
                try:
                    count += len(await store.execute(cmd, actor))
                except Refused as e:
                    raise StoreError(f"{path}: the store refused a simulated command on "
                                     f"{d.day} ({e}); is another process writing to it?"
                                     ) from None
            if count != d.events:
                raise StoreError(f"{path}: wrote {count} events for {d.day}, the simulation "
                                 f"had {d.events}")
            written += count
            if progress is not None:
                progress(d, count)
    return written

