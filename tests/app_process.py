"""A counter or a wall display in its own OS process, for tests with real processes (issue 18).

`python tests/app_process.py counter DB POST STAFF` logs STAFF in at POST (demo PIN) and prints
one JSON line whenever the current-ticket pane changes: {"ticket": ..., "details": ...}; a
line "n" on stdin presses n (call next). `python tests/app_process.py display DB` prints
{"now": ...} whenever the display's newest call changes. Both stop when stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from test_counter_kit import current_text, example_settings, logged_in  # noqa: E402
from textual.widgets import Static  # noqa: E402

from kcc_tui.config import example_path  # noqa: E402


async def lines() -> asyncio.Queue[str | None]:
    """stdin, line by line (None at its end), read on a thread."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line.strip())
        loop.call_soon_threadsafe(queue.put_nowait, None)

    loop.run_in_executor(None, read)
    return queue


async def counter(db: str, post: str, staff: str) -> None:
    from kcc_tui.apps.counter import build_app

    app = build_app(example_settings(), db=db, post_id=post)
    async with app.run_test(size=(120, 35)) as pilot:
        await logged_in(pilot, staff)
        await _loop(pilot, lambda: {
            "ticket": current_text(app) if app.screen.query("#number") else "",
            "details": str(app.screen.query_one("#details", Static).render())
            if app.screen.query("#details") else ""})


async def display(db: str) -> None:
    from kcc_tui.apps.display import build_app
    from kcc_tui.apps.display.announce import CommandSpeaker
    from kcc_tui.apps.display.widgets import BigText

    settings = example_settings()
    d = settings.displays["wachtzaal"].model_copy(update={"rotate_languages": False})
    settings = settings.model_copy(update={"displays": {"wachtzaal": d}})
    app = build_app(settings, db=db, display_id="wachtzaal",
                    speaker=CommandSpeaker("none", None))

    def shown() -> dict[str, Any]:
        layouts = app.query_one("#now-call", BigText).layouts if app.store else []
        return {"now": layouts[0][0] if layouts else ""}

    async with app.run_test(size=(120, 35)) as pilot:
        await _loop(pilot, shown)


async def _loop(pilot: Any, shown: Any) -> None:
    queue = await lines()
    last = None
    while True:
        now = shown()
        if now != last:
            print(json.dumps(now), flush=True)
            last = now
        try:
            line = queue.get_nowait()
        except asyncio.QueueEmpty:
            await pilot.pause(0.05)
            continue
        if line is None:
            return
        if line:
            await pilot.press(line)


if __name__ == "__main__":
    os.environ.setdefault("KCC_CONFIG", example_path())
    role, *args = sys.argv[1:]
    asyncio.run(counter(*args) if role == "counter" else display(*args))
