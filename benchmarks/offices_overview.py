"""What the coordinator's overview of all offices costs (`kcc coordinator --offices`).

Makes N offices from the example office, each with its own store holding one open post and W
waiting tickets, then measures the overview's watch (apps/coordinator/watch.py): opening every
store read-only, an idle poll of all of them (what runs every 50 ms), the first rows after a
change (each office's wait forecast, made once per store state) and the rows again on the same
states (the once-a-second redraw). Prints figures, asserts nothing.

    .venv/bin/python benchmarks/offices_overview.py [--offices 5] [--waiting 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the installation maker is shared with the tests

from offices_kit import installation  # noqa: E402

from kcc_tui.apps.coordinator.watch import OfficeWatch  # noqa: E402
from kcc_tui.config.installation import load_installation  # noqa: E402
from kcc_tui.domain import commands as C  # noqa: E402
from kcc_tui.domain.clock import system_clock  # noqa: E402
from kcc_tui.store import create_store, open_store  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def main(offices: int, waiting: int, polls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ids = tuple(f"kantoor{i}" for i in range(1, offices + 1))
        inst = load_installation(installation(Path(tmp), ids))
        for s in inst.offices.values():
            await create_store(s.store.path, s.office)
            async with open_store(s.store.path, s.office) as store:
                await store.execute(C.OpenPost("loket1", "an", True), "an")
                for _ in range(waiting):
                    await store.execute(C.IssueTicket("eid"), "onthaal")
        watch = OfficeWatch(inst, system_clock)
        t = time.perf_counter()
        await watch.poll()
        opened = time.perf_counter() - t
        idle = []
        for _ in range(polls):
            t = time.perf_counter()
            await watch.poll()
            idle.append(time.perf_counter() - t)
        t = time.perf_counter()
        watch.rows(system_clock())
        first = time.perf_counter() - t
        again = []
        for _ in range(50):
            t = time.perf_counter()
            watch.rows(system_clock())
            again.append(time.perf_counter() - t)
        await watch.close()
    print(f"{offices} offices, {waiting} waiting and one open post each")
    print(f"  open every store read-only, fold today  {ms(opened)}")
    print(f"  idle poll of every store (p50 / max)    {ms(statistics.median(idle))} / "
          f"{ms(max(idle))}  ({polls} polls)")
    print(f"  rows after a change in every office     {ms(first)}  (a wait forecast each)")
    print(f"  rows again, same states (p50)           {ms(statistics.median(again))}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--offices", type=int, default=5)
    ap.add_argument("--waiting", type=int, default=30)
    ap.add_argument("--polls", type=int, default=200)
    args = ap.parse_args()
    asyncio.run(main(args.offices, args.waiting, args.polls))
