"""Wall display latency: a call committed by the `kcc` CLI (another process) → on the screen.

    .venv/bin/python benchmarks/display_latency.py [--calls 200]

The display runs headless in this process on a fresh SQLite file in a temporary folder; each
call is `kcc post call-next loket1` in its own process. Latency is measured from the event's
time stamp (taken inside the CLI's transaction, just before COMMIT, so the commit itself is
included) to the end of the first screen refresh after the display's widgets showed the number.
The change feed polls every 50 ms, so about 25 ms on average is waiting for the next poll.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcc_tui.apps.display import DisplayApp  # noqa: E402
from kcc_tui.apps.display.announce import CommandSpeaker  # noqa: E402
from kcc_tui.config import load_settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.store import Store  # noqa: E402

CONFIG = ROOT / "config.toml"


class TimedDisplay(DisplayApp):
    """The display, noting when each call number reaches the screen."""

    seen: dict[str, float]  # number → on screen
    folded: dict[str, float]  # number → read from the change feed

    def refresh_view(self) -> None:
        super().refresh_view()
        newest = self.board.newest
        if newest is not None and newest.number not in self.seen:
            number = newest.number
            self.folded.setdefault(number, time.time())
            self.call_after_refresh(lambda: self.seen.setdefault(number, time.time()))


async def main(calls: int) -> None:
    settings = load_settings(CONFIG)
    settings = settings.model_copy(update={"displays": {
        "wachtzaal": settings.displays["wachtzaal"].model_copy(update={"rotate_languages": False})
    }})
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kcc.db"
        writer = Store(db, settings.office, create=True)
        await writer.open()
        for _ in range(calls):
            await writer.execute(C.IssueTicket("eid"))
        await writer.execute(C.OpenPost("loket1", "an", True), "an")
        app = TimedDisplay(settings, db=db, display_id="wachtzaal",
                           speaker=CommandSpeaker("none", None))
        app.seen, app.folded = {}, {}
        latencies: list[float] = []
        feed: list[float] = []
        async with app.run_test(size=(120, 35)) as pilot:
            while app.store is None:
                await pilot.pause(0.05)
            for i in range(calls):
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "kcc_tui", "--config", str(CONFIG), "--db", str(db),
                    "post", "call-next", "loket1", stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE)
                _, err = await proc.communicate()
                if proc.returncode:
                    raise SystemExit(f"kcc failed: {err.decode().strip()}")
                await writer.poll()
                number = writer.state.post("loket1").current
                assert number is not None
                called = next(iv.called_at for iv in writer.state.tickets[number].intervals
                              if iv.called_at)
                deadline = time.monotonic() + 5
                while number not in app.seen:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"call {number} not shown within 5 s")
                    await asyncio.sleep(0.001)
                latencies.append((app.seen[number] - called.timestamp()) * 1000)
                feed.append((app.folded[number] - called.timestamp()) * 1000)
                await writer.execute(C.Finish("loket1"), "an")
                if (i + 1) % 50 == 0:
                    print(f"  {i + 1} calls", file=sys.stderr)
        await writer.close()
    print(f"display latency over {len(latencies)} calls:")
    for name, xs in (("commit → on screen", latencies), ("commit → read by the display", feed)):
        q = statistics.quantiles(xs, n=100, method="inclusive")
        print(f"  {name:30} p50 {q[49]:6.1f} ms · p90 {q[89]:6.1f} ms · p99 {q[98]:6.1f} ms"
              f" · max {max(xs):6.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    asyncio.run(main(parser.parse_args().calls))
