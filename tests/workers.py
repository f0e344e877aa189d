"""Worker processes for the concurrency tests: a kiosk issuing, a counter calling, a writer.

Run as `python tests/workers.py ROLE DB ...`: each is a real OS process on the shared file.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from factories import make_big_office  # noqa: E402

from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.store import EventStore, StoreLocked, open_store  # noqa: E402


async def retrying(store: EventStore, cmd: C.Command, actor: str) -> list:
    while True:
        try:
            return await store.execute(cmd, actor)
        except StoreLocked:
            await asyncio.sleep(0.01)


async def kiosk(db: str, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    services = ["eid", "rijbewijs", "afhalen"]
    async with open_store(db, make_big_office()) as store:
        for _ in range(n):
            await retrying(store, C.IssueTicket(rnd.choice(services), kiosk=f"k{seed}"),
                           f"k{seed}")


async def counter(db: str, post: str, done_flag: str, seed: int) -> None:
    rnd = random.Random(seed)
    staff = "s" + post[1:]
    stats = {"called": 0, "refused": 0}
    async with open_store(db, make_big_office()) as store:
        await retrying(store, C.OpenPost(post, staff, True), staff)
        idle_since = None
        while True:
            try:
                await retrying(store, C.CallNext(post), staff)
            except C.Refused:
                stats["refused"] += 1
                if Path(done_flag).exists():
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > 0.5:
                        break
                await asyncio.sleep(0.005)
                continue
            idle_since = None
            stats["called"] += 1
            r = rnd.random()
            if r < 0.1:
                await retrying(store, C.NoShow(post), staff)
            elif r < 0.15:
                await retrying(store, C.Requeue(post), staff)
            else:
                await retrying(store, C.Start(post), staff)
                await retrying(store, C.Finish(post), staff)
        await retrying(store, C.ClosePost(post), staff)
    print(json.dumps(stats))


async def append_after(db: str, delay: float) -> None:
    async with open_store(db, make_big_office()) as store:
        await asyncio.sleep(delay)
        await store.execute(C.IssueTicket("eid", kiosk="other"), "other")


if __name__ == "__main__":
    role, db, *args = sys.argv[1:]
    if role == "kiosk":
        asyncio.run(kiosk(db, int(args[0]), int(args[1])))
    elif role == "counter":
        asyncio.run(counter(db, args[0], args[1], int(args[2])))
    elif role == "append":
        asyncio.run(append_after(db, float(args[0])))
