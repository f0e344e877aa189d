"""Appointments end to end with real processes (issue 18): the booking system's file imported
by `kcc appointment import`, walk-ins taken by `kcc ticket issue`, the citizen checking in at
the kiosk (Pilot) with the code, a counter in its own process calling next — the appointment,
due, ahead of the walk-ins who came earlier — and the wall display, in its own process too,
showing the call. The real clock: the booking starts a minute from now."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from test_kiosk_kit import confirmed, kiosk, kiosk_settings, until
from textual.widgets import Static

from kcc_tui.apps.kiosk.checkin import CheckInScreen
from kcc_tui.apps.kiosk.start import StartScreen
from kcc_tui.config import example_path
from kcc_tui.domain.clock import system_clock
from kcc_tui.store import Store

APPS = str(Path(__file__).with_name("app_process.py"))
TZ = ZoneInfo("Europe/Brussels")


async def kcc(db: Path, *args: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kcc_tui", "--config", example_path(), "--db", str(db), "--json",
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, (out, err)
    result: dict[str, Any] = json.loads(out)
    return result


class App:
    """An app in its own process, printing one JSON line per change of what it shows."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.last: dict[str, Any] = {}

    @classmethod
    async def start(cls, *args: str) -> App:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, APPS, *args, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        return cls(proc)

    async def until(self, what: Any, timeout: float = 30) -> dict[str, Any]:
        assert self.proc.stdout is not None
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not what(self.last):
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), end - loop.time())
            except TimeoutError:
                raise AssertionError(f"not shown: last {self.last}") from None
            if not line:
                err = await self.proc.stderr.read() if self.proc.stderr else b""
                raise AssertionError(f"the app ended: {err.decode()[-2000:]}")
            self.last = json.loads(line)
        return self.last

    async def press(self, key: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{key}\n".encode())
        await self.proc.stdin.drain()

    async def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def test_an_appointment_checked_in_at_the_kiosk_is_called_ahead_of_walk_ins(
        tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await kcc(db, "init")
    start = datetime.now(TZ) + timedelta(minutes=1)
    booked = f"{start:%H:%M}"
    export = tmp_path / "afspraken.csv"
    export.write_text("reference,service,start,duration_min,persons,code,naam\n"
                      f"LIVE-1,eid,{start:%Y-%m-%dT%H:%M},15,1,424242,Jan Peeters\n")
    report = await kcc(db, "appointment", "import", str(export))
    assert (report["added"], report["dropped_personal"]) == (1, ["naam"])
    walk_ins = [(await kcc(db, "ticket", "issue", "eid", "--outside-hours"))["ticket"]["number"]
                for _ in range(2)]
    assert walk_ins == ["A001", "A002"]

    display = await App.start("display", str(db))
    counter = await App.start("counter", str(db), "loket1", "an")
    try:
        await display.until(lambda s: "now" in s)
        await counter.until(lambda s: s.get("ticket") == "Geen ticket")

        settings = kiosk_settings()
        app = kiosk(settings, db, system_clock)
        async with app.run_test(size=(120, 35)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, StartScreen)
                        and app.store is not None, "the start screen")
            await pilot.click("#appointment")
            await until(pilot, lambda: isinstance(app.screen, CheckInScreen)
                        and app.screen.is_mounted, "the check-in screen")
            await pilot.press(*"424242", "enter")
            await until(pilot, lambda: confirmed(app) is not None, "the confirmation")
            screen = confirmed(app)
            assert screen is not None
            number = screen.ticket.number
            assert number == "A003"
            assert str(screen.query_one("#c-booked", Static).render()) == \
                f"Afspraak om {booked} · 15 min"

        await counter.press("n")
        shown = await counter.until(lambda s: s.get("ticket", "").startswith(number))
        assert f"afspraak {booked} · 15 min" in shown["details"]
        await display.until(lambda s: s["now"] == f"{number} ▸ 1")
    finally:
        await counter.stop()
        await display.stop()

    async with Store(db, settings.office) as store:
        st = store.state
        assert st.tickets[number].status == "called" and st.tickets[number].post == "loket1"
        assert [t.number for t in st.waiting()] == walk_ins  # they came first, and still wait
        assert st.appointments["booking:LIVE-1"].status == "checked_in"
