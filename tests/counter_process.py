"""A real counter app in its own OS process, for the tests that need "another process".

`python tests/counter_process.py DB POST STAFF` runs the counter app (headless, through Textual's
`run_test`), logs STAFF in at POST with the demo PIN and prints one JSON line each time the
current-ticket pane changes: {"ticket": "<what the pane shows>"}. It stops when its stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from test_counter_kit import current_text, example_settings, logged_in  # noqa: E402

from kcc_tui.apps.counter import build_app  # noqa: E402
from kcc_tui.config import example_path  # noqa: E402


async def main(db: str, post: str, staff: str) -> None:
    app = build_app(example_settings(), db=db, post_id=post)
    async with app.run_test(size=(120, 35)) as pilot:
        await logged_in(pilot, staff)
        loop = asyncio.get_running_loop()
        stdin_closed = loop.run_in_executor(None, sys.stdin.read)  # the test ends us so
        last = None
        while not stdin_closed.done():
            shown = current_text(app) if app.screen.query("#number") else ""
            if shown != last:
                print(json.dumps({"ticket": shown}), flush=True)
                last = shown
            await pilot.pause(0.05)


if __name__ == "__main__":
    os.environ.setdefault("KCC_CONFIG", example_path())
    asyncio.run(main(*sys.argv[1:4]))
