"""How fast "call next" shows: on this counter's screen, and on another process's screen.

    .venv/bin/python benchmarks/counter_latency.py [--rounds 200]

A real counter app (headless, driven by Textual's Pilot) at Loket 1 presses `n`; we time

- key → this screen: the press until the first frame Textual composes after the current-ticket
  panel shows the called ticket (`App.post_display_hook`). "widgets" is the earlier moment the
  widgets were updated (`refresh_view` done: the store's transaction and the redraw call).
- key → other screen: a second counter app, in its own OS process at Loket 2 with its own store
  connection, composing the first frame after its queue dropped that ticket (the change feed:
  a ~50 ms poll, then the fold and the redraw).

Both processes read the same system-wide monotonic clock, so the times compare directly. Between
rounds a random pause spreads the presses over the other process's poll cycle. The ticket is
then finished (not timed). Headless, the frame is composed but not written to a terminal;
writing it adds well under a millisecond. The machine's load average is printed with the
figures: on a shared machine they vary with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kcc_tui.apps.counter import CounterApp, build_app  # noqa: E402
from kcc_tui.config import example_path, load_settings  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.store import Store  # noqa: E402

SIZE = (120, 35)


async def login(app: CounterApp, pilot: Any, staff: str, pin: str) -> None:
    while app.store is None or not app.screen.query("#pin"):
        await pilot.pause(0.02)
    app.screen.query_one("#staff").value = staff
    app.screen.query_one("#pin").value = pin
    await app.screen.submit()  # type: ignore[attr-defined]
    while app.staff_id != staff:
        await pilot.pause(0.02)
    await pilot.pause(0.2)


async def watch(db: str) -> None:
    """The other process: a counter at Loket 2; print when a called ticket leaves its queue."""
    settings = load_settings(example_path())
    app = build_app(settings, db=db, post_id="loket2")
    original = app.refresh_view
    called: list[str] = []  # seen in the change feed, not yet drawn
    drawn: list[tuple[str, float]] = []  # drawn, waiting for the next frame

    def on_events(events: Any) -> None:
        called.extend(e.data["number"] for e in events if e.type == "ticket_called")

    def refresh_view() -> None:
        original()
        now = time.monotonic()
        drawn.extend((number, now) for number in called)
        called.clear()

    def post_display_hook() -> None:
        now = time.monotonic()
        for number, widgets in drawn:
            print(json.dumps({"number": number, "widgets": widgets, "frame": now}), flush=True)
        drawn.clear()

    app.on_events = on_events  # type: ignore[method-assign]
    app.refresh_view = refresh_view  # type: ignore[method-assign]
    app.post_display_hook = post_display_hook  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot, "bart", "2222")
        print(json.dumps({"ready": True}), flush=True)
        # The parent says when to stop; read in a thread so the app keeps running meanwhile.
        while (await asyncio.to_thread(sys.stdin.readline)).strip() not in ("stop", ""):
            pass


async def measure(rounds: int) -> None:
    settings = load_settings(example_path())
    db = Path(tempfile.mkdtemp(prefix="kcc-bench-")) / "kcc.db"
    async with Store(db, settings.office, create=True) as store:
        for _ in range(rounds):
            await store.execute(C.IssueTicket("eid"))
    other = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--watch", str(db),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        local, remote = await press_call_next(settings, db, other, rounds)
        assert other.stdin is not None
        other.stdin.write(b"stop\n")
        await other.stdin.drain()
        await asyncio.wait_for(other.wait(), timeout=30)
    finally:
        if other.returncode is None:  # an error, or a very busy machine: do not leave it
            other.kill()
            await other.wait()
    report(rounds, local, remote)


async def press_call_next(
        settings: Any, db: Path, other: asyncio.subprocess.Process, rounds: int,
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    assert other.stdout is not None
    if "ready" not in json.loads(await asyncio.wait_for(other.stdout.readline(), 60)):
        raise SystemExit("the watching process did not start")
    app = build_app(settings, db=db, post_id="loket1")
    widgets: dict[str, float] = {}  # ticket -> when the panel showed it
    frames: dict[str, float] = {}  # ticket -> the first frame after that
    original = app.refresh_view

    def refresh_view() -> None:
        original()
        t = app.current_ticket()
        if t is not None and t.number not in widgets:
            widgets[t.number] = time.monotonic()

    def post_display_hook() -> None:
        for number in widgets.keys() - frames.keys():
            frames[number] = time.monotonic()

    app.refresh_view = refresh_view  # type: ignore[method-assign]
    app.post_display_hook = post_display_hook  # type: ignore[method-assign]
    local: dict[str, list[float]] = {"widgets": [], "frame": []}
    remote: dict[str, list[float]] = {"widgets": [], "frame": []}
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot, "an", "1111")
        for _ in range(rounds):
            await asyncio.sleep(random.uniform(0.0, 0.06))
            t0 = time.monotonic()
            await pilot.press("n")
            while (t := app.current_ticket()) is None or t.number not in frames:
                await asyncio.sleep(0.001)
            local["widgets"].append(widgets[t.number] - t0)
            local["frame"].append(frames[t.number] - t0)
            while True:
                msg = json.loads(await asyncio.wait_for(other.stdout.readline(), timeout=10))
                if msg.get("number") == t.number:
                    remote["widgets"].append(msg["widgets"] - t0)
                    remote["frame"].append(msg["frame"] - t0)
                    break
            await app.act(C.Finish("loket1"))
    return local, remote


def report(rounds: int, local: dict[str, list[float]], remote: dict[str, list[float]]) -> None:
    def line(name: str, xs: list[float]) -> str:
        q = statistics.quantiles(xs, n=100, method="inclusive")
        return (f"  {name:<28} p50 {q[49] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms   "
                f"max {max(xs) * 1000:6.1f} ms")

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"call next: {rounds} presses; other process polls every 50 ms; "
          f"{os.cpu_count()} CPUs, load average {load}")
    print(line("key → this screen (frame)", local["frame"]))
    print(line("key → this screen (widgets)", local["widgets"]))
    print(line("key → other screen (frame)", remote["frame"]))
    print(line("key → other screen (widgets)", remote["widgets"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--watch", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch:
        asyncio.run(watch(args.watch))
    elif args.rounds < 2:
        parser.error("--rounds must be at least 2")
    else:
        asyncio.run(measure(args.rounds))


if __name__ == "__main__":
    main()
