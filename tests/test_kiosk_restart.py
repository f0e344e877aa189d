"""A kiosk killed while printing: on restart every ticket its printing path took is either
printed or recorded as a print failure, never one nobody knows about; tickets issued under its
id by the CLI or a simulation (never to be printed) are left alone."""

from __future__ import annotations

from pathlib import Path

from factories import T0
from test_kiosk_kit import KIOSK, kiosk, kiosk_settings, log, ready, seed, types, until

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock


async def test_a_ticket_left_unprinted_by_a_killed_kiosk_is_recorded_on_restart(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    # Before the restart: A001 printed, A002 failed and recorded, A003 committed but the kiosk
    # was killed before its printer answered; A004 came from `kcc ticket issue --kiosk` (or
    # the demo's simulated citizens), which print nothing.
    printing = dict(kiosk=KIOSK, printing=True)
    await seed(db, settings, clock,
               C.IssueTicket("eid", **printing), C.RecordPrinted("A001", KIOSK),
               C.IssueTicket("eid", **printing), C.RecordPrintFailure("A002", KIOSK, "paper"),
               C.IssueTicket("eid", **printing), C.IssueTicket("eid", kiosk=KIOSK),
               actor=KIOSK)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.store is not None
                    and app.store.state.tickets["A003"].print_failed is not None,
                    "the unprinted ticket to be recorded")
        # a ticket printed now is recorded as printed, and stays so
        await pilot.click("#svc-eid")
        await until(pilot, lambda: app.store is not None
                    and app.store.state.tickets.get("A005") is not None
                    and app.store.state.tickets["A005"].printed, "A005 printed")
    failures = types(await log(db, settings, clock), "print_failed")
    assert [(e.data["number"], e.data["reason"]) for e in failures] == [
        ("A002", "paper"), ("A003", "the kiosk stopped before printing ended")]
    printed = types(await log(db, settings, clock), "ticket_printed")
    assert [e.data["number"] for e in printed] == ["A001", "A005"]
