"""The coordinator's appointments (issue 18): per hour booked / checked in / late / no-show, and
from the list a new booking at the desk, a check-in by reference and a cancellation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from test_coordinator_kit import SIZE, T0, example_settings, login, recording, until
from textual.widgets import Input, Static

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.appointments import AppointmentTable, BookDialog
from kcc_tui.apps.coordinator.dialogs import ConfirmDialog
from kcc_tui.apps.coordinator.screen import BoardScreen
from kcc_tui.bookings import code_hash
from kcc_tui.domain.booking import Booking, CheckIn, ImportBookings
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import Store


def booking(ref: str, minutes: float) -> Booking:
    return Booking("booking", ref, "eid", T0 + timedelta(minutes=minutes), 15, 1, 0,
                   code_hash(ref))


def rows(app: object) -> dict[str, list[str]]:
    table = app.screen.query_one(AppointmentTable)  # type: ignore[attr-defined]
    return {str(r.key.value): [str(getattr(c, "plain", c)) for c in table.get_row(r.key)]
            for r in table.ordered_rows}


async def test_hours_and_the_desk_from_the_board(tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0 - timedelta(hours=2))
    settings = example_settings()
    async with Store(db, settings.office, clock=clock, create=True) as store:
        await store.execute(ImportBookings((booking("B1", -40), booking("B2", -10),
                                            booking("B3", 20), booking("B4", 40))))
        clock.at = T0 - timedelta(minutes=5)
        await store.execute(CheckIn(code_hash=code_hash("B2")))  # 08:55 for 08:50: late
    clock.at = T0  # 09:00: B1 (08:20) never came
    app = recording(build_app(settings, db=db, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("a")
        await until(pilot, lambda: len(rows(app)) == 4, "the appointments")
        hours = str(app.screen.query_one("#appt-hours", Static).render())
        assert "08:00        2          1        1             1         0" in hours
        assert "09:00        2          0        0             0         2" in hours
        assert rows(app)["booking:B1"][5] == "niet gekomen"
        assert rows(app)["booking:B2"][5] == "te laat aangemeld"

        # check B3 in by reference (the cursor on its row)
        table = app.screen.query_one(AppointmentTable)
        table.move_cursor(row=2)
        await pilot.press("e")
        await until(pilot, lambda: rows(app)["booking:B3"][5] == "aangemeld", "checked in")
        assert rows(app)["booking:B3"][6] == "A002"

        # cancel B4
        table.move_cursor(row=3)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("j")
        await until(pilot, lambda: rows(app)["booking:B4"][5] == "geannuleerd", "cancelled")

        # a new booking at the desk: 10:30, the code shown once
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, BookDialog), "the booking dialog")
        start = app.screen.query_one("#start", Input)
        start.value = "2026-11-24 10:30"
        await pilot.press("enter")
        await until(pilot, lambda: len(rows(app)) == 5, "the new appointment")
        notice = next(n for n in app.notices if "geboekt" in n)  # type: ignore[attr-defined]
        code = notice.rsplit("code ", 1)[1].split(" ")[0]
        assert len(code) == 6 and code.isdigit()
    async with Store(db, settings.office, clock=clock) as store:
        (desk,) = [a for a in store.state.appointments.values() if a.source == "desk"]
        assert desk.code_hash == code_hash(code) and desk.start == T0 + timedelta(minutes=90)
