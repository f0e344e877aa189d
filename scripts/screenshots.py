"""Make the README's screenshots from the real apps on a simulated busy morning.

    .venv/bin/python scripts/screenshots.py [docs/screenshots]

A fresh store gets a few minutes of simulated citizens and staff (the demo driver, on the real
store); then each app runs headless at 160×45 and saves an SVG, as a person would see it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from kcc_tui.apps import coordinator, counter, display, kiosk
from kcc_tui.config import load_settings
from kcc_tui.config.settings import Settings
from kcc_tui.demo.driver import Driver
from kcc_tui.domain import commands as C
from kcc_tui.store import Store
from printers.settings import PrinterSettings

SIZE = (160, 45)


async def busy_morning(db: Path, settings: Settings) -> None:
    async with Store(db, settings.office, create=True) as store:
        driver = Driver(store, settings, speed=120, rate_per_min=90, seed=4)
        run = asyncio.create_task(driver.run(skip={"loket1"}))
        await asyncio.sleep(25)
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        await store.execute(C.CallNext("loket1"), "an")
        await store.execute(C.Start("loket1"), "an")
        await store.execute(C.Broadcast("Vanaf 12u30 is de snelbalie gesloten."), "katrien")


async def shoot(app: App[None], path: Path, steps: list[str | float] = ()) -> None:  # type: ignore[assignment]
    async with app.run_test(size=SIZE) as pilot:
        await run_steps(pilot, steps)
        await pilot.pause(1.0)
        app.save_screenshot(path.name, str(path.parent))
    print(f"wrote {path}")


async def run_steps(pilot: Pilot[None], steps: list[str | float]) -> None:
    await pilot.pause(0.8)
    for step in steps:
        if isinstance(step, float):
            await pilot.pause(step)
        elif len(step) > 1 and not step.startswith(("enter", "tab", "down", "f")):
            for ch in step:
                await pilot.press(ch)
        else:
            await pilot.press(step)


async def main(out: Path) -> None:
    settings = load_settings()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kcc.db"
        await busy_morning(db, settings)
        # the office's own opening hours would close the kiosk (and the coordinator's header
        # would say "nu gesloten") on a Sunday evening, and no ticket printer is attached here
        open_all = settings.model_copy(update={
            "office": settings.office.model_copy(update={"hours": type(settings.office.hours)()}),
            "printers": {k: PrinterSettings(transport="dummy") for k in settings.printers}})
        await shoot(kiosk.build_app(open_all, db=db, kiosk_id="onthaal"), out / "kiosk.svg")
        await shoot(counter.build_app(settings, db=db, post_id="loket1"), out / "counter.svg",
                    ["1111", "enter", 1.0])
        await shoot(display.build_app(settings, db=db, display_id="wachtzaal"),
                    out / "display.svg", [1.0])
        await shoot(coordinator.build_app(open_all, db=db), out / "coordinator.svg",
                    ["9999", "enter", 1.5])


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
