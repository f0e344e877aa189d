"""Alerts on the board: each fires and clears while other processes change the store.

The other processes are real (`test_coordinator_kit.py do ...`), on the real clock; the
thresholds are shrunk to seconds through `[alerts]` so that time-based alerts fire quickly.
"""

from __future__ import annotations

import re
from pathlib import Path

from test_coordinator_kit import (
    SIZE,
    alert_keys,
    do,
    example_settings,
    login,
    recording,
    seed,
    until,
)

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.widgets import AlertList
from kcc_tui.domain.clock import system_clock

ALIVE = ("C.Heartbeat('onthaal', 'kiosk')", "C.Heartbeat('wachtzaal', 'display')")


def shown(app: object) -> str:
    board = next(s for s in app.screen_stack if s.query(AlertList))  # type: ignore[attr-defined]
    return str(board.query_one(AlertList).render())


async def test_queue_alerts_fire_and_clear(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await seed(db, system_clock, [])
    # verhuis: target 20 min × 0.0015 = 1.8 s; a post idle 1.2 s while its tickets wait
    settings = example_settings(wait_over_target_factor=0.0015, idle_with_queue_min=0.02,
                                no_shows_in_row=2, heartbeat_missing_s=600)
    app = recording(build_app(settings, db=db))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        assert app.bells == 0  # what is there at login does not ring

        do(db, "C.IssueTicket('verhuis')")
        await until(pilot, lambda: "unserved:verhuis" in alert_keys(app), "no post for verhuis")
        assert "Verhuis & vreemdelingenzaken: 1 wachtende, maar geen open loket" in shown(app)
        assert app.bells == 1

        do(db, "C.OpenPost('loket4', 'youssef', True)")
        await until(pilot, lambda: "unserved:verhuis" not in alert_keys(app), "unserved clears")
        await until(pilot, lambda: {"wait:verhuis", "idle:loket4", "estimate:verhuis"}
                    <= alert_keys(app), "wait, idle and estimate alerts")
        assert "Loket 4 (Youssef El Amrani): al " in shown(app)
        # what needs a decision first: the idle post above the estimate warning, on screen too
        keys = [a.key for a in next(s for s in app.screen_stack if s.query(AlertList))
                .query_one(AlertList).alerts]
        assert keys.index("idle:loket4") < keys.index("estimate:verhuis")
        lines = shown(app).splitlines()
        idle_line = next(i for i, t in enumerate(lines) if "Loket 4 (Youssef El Amrani)" in t)
        assert idle_line < next(i for i, t in enumerate(lines) if "nieuw ticket wacht" in t)

        do(db, "C.CallNext('loket4')")
        await until(pilot, lambda: not {"wait:verhuis", "idle:loket4"} & alert_keys(app),
                    "the call to clear the wait and idle alerts")
        assert "estimate:verhuis" in alert_keys(app)  # a new ticket still waits 20 min
        # closed, not paused: the forecast expects a paused post back after its pause
        do(db, "C.Start('loket4')", "C.Finish('loket4')", "C.ClosePost('loket4')")
        await until(pilot, lambda: "estimate:verhuis" not in alert_keys(app),
                    "no estimate while no post serves verhuis")

        do(db, "C.OpenPost('snelbalie', 'lotte', True)", "C.IssueTicket('afhalen')",
           "C.IssueTicket('afhalen')", "C.CallNext('snelbalie')", "C.NoShow('snelbalie')",
           "C.CallNext('snelbalie')", "C.NoShow('snelbalie')")
        await until(pilot, lambda: "noshow:snelbalie" in alert_keys(app), "two no-shows")
        assert "Snelbalie: 2 keer na elkaar afwezig" in shown(app)
        do(db, "C.IssueTicket('afhalen')", "C.CallNext('snelbalie')", "C.Start('snelbalie')")
        await until(pilot, lambda: "noshow:snelbalie" not in alert_keys(app),
                    "a citizen who came to clear the no-shows")

        do(db, "C.Transfer('snelbalie', to_post='loket2')")
        await until(pilot, lambda: "unserved-post:loket2" in alert_keys(app),
                    "a ticket sent to a closed post")
        do(db, "C.OpenPost('loket2', 'bart', True)")
        await until(pilot, lambda: "unserved-post:loket2" not in alert_keys(app),
                    "the post opening")
        assert app.bells >= 6  # every new alert rang


async def test_device_alerts_fire_and_clear(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await seed(db, system_clock, [])
    app = recording(build_app(example_settings(heartbeat_missing_s=5.0), db=db))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        assert {"device:kiosk:onthaal", "device:display:wachtzaal"} <= alert_keys(app)
        assert "Kiosk onthaal: vandaag nog geen teken van leven" in shown(app)

        do(db, "C.Heartbeat('onthaal', 'kiosk')", "C.Heartbeat('wachtzaal', 'display')")
        await until(pilot, lambda: not any(k.startswith("device:") for k in alert_keys(app)),
                    "the heartbeats")
        do(db, "C.Heartbeat('onthaal', 'printer', 'near_end')")
        await until(pilot, lambda: "printer:onthaal" in alert_keys(app), "paper near end")
        assert "Printer onthaal: papier bijna op" in shown(app)
        bells = app.bells
        # (the kiosk and the display keep sending heartbeats, as they do: no silence alerts
        # may ring in between)
        do(db, "C.Heartbeat('onthaal', 'printer', 'paper_out')", *ALIVE)
        await until(pilot, lambda: "Printer onthaal: papier op" in shown(app), "paper out")
        assert app.bells == bells + 1  # the same alert got worse (warning -> error): it rings
        do(db, "C.IssueTicket('eid', kiosk='onthaal')",
           "C.RecordPrintFailure('A001', 'onthaal', 'paper out', 'paper_out')", *ALIVE)
        await until(pilot, lambda: "printfail:onthaal" in alert_keys(app), "the print failure")
        assert "Kiosk onthaal: A001 niet afgedrukt (papier op)" in shown(app)
        assert app.bells > bells + 1
        bells = app.bells
        do(db, "C.Heartbeat('onthaal', 'printer', 'near_end')", *ALIVE)
        await until(pilot, lambda: "papier bijna op" in shown(app), "near end again")
        assert app.bells == bells  # getting better does not ring
        do(db, "C.Heartbeat('onthaal', 'printer', 'offline')")
        await until(pilot, lambda: "Printer onthaal: offline" in shown(app), "offline")
        do(db, "C.Heartbeat('onthaal', 'printer', 'ok')", "C.Heartbeat('onthaal', 'kiosk')")
        await until(pilot, lambda: not {"printer:onthaal", "printfail:onthaal"}
                    & alert_keys(app), "the printer back to ok")

        # nothing heard for 5 s: both devices are missing, by the passing of time alone
        await until(pilot, lambda: {"device:kiosk:onthaal", "device:display:wachtzaal"}
                    <= alert_keys(app), "the silence", timeout=15)
        assert re.search(r"Scherm wachtzaal: al \d+ min geen teken van leven", shown(app))
        do(db, "C.Heartbeat('wachtzaal', 'display')")
        await until(pilot, lambda: "device:display:wachtzaal" not in alert_keys(app),
                    "the display's heartbeat")
