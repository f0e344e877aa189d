"""A counter in its own process, for the phone tests: it works a post of the example office and
reports what its queue view shows, one JSON line per change.

Run as `python tests/phone_workers.py DB POST STAFF`. It opens the post, then follows the store's
change feed as the counter app does and prints {"waiting": [...], "away": [...]} (the counter's
own `queue_rows`, with the "even weg" flag) whenever that changes. A line "call" on stdin makes
it call next and print {"called": number} (or {"refused": code}); "finish" finishes the current
ticket; "quit" closes the post and stops.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from kcc_tui.apps.counter.widgets import queue_rows  # noqa: E402
from kcc_tui.config import example_path, load_settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.store import Store  # noqa: E402


def say(obj: object) -> None:
    print(json.dumps(obj), flush=True)


async def counter(db: str, post: str, staff: str) -> None:
    office = load_settings(example_path()).office
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with Store(db, office) as store:
        await store.execute(C.OpenPost(post, staff, True), staff)
        shown = None
        line_task = asyncio.ensure_future(reader.readline())
        while True:
            await store.poll()
            rows = queue_rows(store.state, office, post, store.clock())
            view = {"waiting": [r.number for r in rows],
                    "away": [r.number for r in rows if "even weg" in r.flags]}
            if view != shown:
                shown = view
                say(view)
            done, _ = await asyncio.wait({line_task}, timeout=0.05)
            if not done:
                continue
            cmd = line_task.result().decode().strip()
            line_task = asyncio.ensure_future(reader.readline())
            try:
                if cmd == "call":
                    (e,) = await store.execute(C.CallNext(post), staff)
                    say({"called": e.data["number"]})
                elif cmd == "finish":
                    await store.execute(C.Finish(post), staff)
                    say({"finished": True})
                elif cmd in ("quit", ""):
                    break
            except C.Refused as r:
                say({"refused": r.code})
        line_task.cancel()


if __name__ == "__main__":
    asyncio.run(counter(*sys.argv[1:4]))
