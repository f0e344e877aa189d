"""Appointment KPIs (DESIGN.md §4 extended, issue 18) in the report (text, JSON, CSV, XLSX), the
coordinator board's hours, and the walk-in estimate that counts the appointments booked in the
coming hour."""

from __future__ import annotations

import csv
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from factories import T0, make_office
from openpyxl import load_workbook

from kcc_tui.domain import commands as C
from kcc_tui.domain.appointment_kpi import board_hours
from kcc_tui.domain.booking import Booking, CancelAppointment, CheckIn, ImportBookings
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.estimate import estimate
from kcc_tui.domain.ledger import Ledger
from kcc_tui.reports import summary
from kcc_tui.reports.export import write_csv, write_xlsx
from kcc_tui.reports.text import report_text
from kcc_tui.store import Store, create_store


def h(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def booking(ref: str, minutes: float, service: str = "eid") -> Booking:
    return Booking("b", ref, service, T0 + timedelta(minutes=minutes), 15, 1, 0, h(ref))


@pytest.fixture
async def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """09:00–10:00 at one post (eid): booked 09:10 (checked in 09:05, called 09:12: wait 2 min,
    punctuality −5), 09:20 (checked in 09:24, late: called 09:25, wait 1 min), 09:30 (never came:
    no-show), 09:40 (cancelled); walk-ins at 09:00 and 09:02."""
    clock = FixedClock(T0 - timedelta(hours=1))
    office = make_office()
    await create_store(tmp_path / "kcc.db", office)
    async with Store(tmp_path / "kcc.db", office, clock=clock) as s:
        await s.execute(ImportBookings((booking("r1", 10), booking("r2", 20), booking("r3", 30),
                                        booking("r4", 40))))
        await s.execute(CancelAppointment("b", "r4"))

        async def at(minutes: float, cmd: C.Command, actor: str = "an") -> None:
            clock.at = T0 + timedelta(minutes=minutes)
            await s.execute(cmd, actor)

        await at(0, C.OpenPost("l1", "an", True))
        await at(0, C.IssueTicket("eid"))  # A001
        await at(2, C.IssueTicket("eid"))  # A002
        await at(3, C.CallNext("l1"))  # A001: 3 min
        await at(4, C.Finish("l1"))
        await at(5, CheckIn(code_hash=h("r1")))  # A003
        await at(12, C.CallNext("l1"))  # r1 due (09:10): ahead of A002
        await at(13, C.Finish("l1"))
        await at(14, C.CallNext("l1"))  # A002: waited 12 min
        await at(20, C.Finish("l1"))
        await at(24, CheckIn(code_hash=h("r2")))  # A004, late by 4 min
        await at(25, C.CallNext("l1"))
        await at(40, C.Finish("l1"))
        await at(50, C.Heartbeat("k", "kiosk"))  # r3's window has ended: no-show written
        yield s


async def test_the_report_puts_appointments_and_walk_ins_side_by_side(store: Store,
                                                                      tmp_path: Path) -> None:
    report = await summary(store, "today")
    total = report.appointments[0]
    assert total == {
        "by": "total", "key": "total", "label": "total", "walk_ins": 2,
        "walk_in_wait_min": 7.5, "walk_in_sl": 1.0, "booked": 3, "checked_in": 2,
        "no_shows": 1, "no_show_rate": 0.333, "appointment_wait_min": 1.5,
        "appointment_p90_min": 2.0, "within_target": 1.0, "punctuality_min": -0.5,
        "before_share": 0.0}
    assert [(r["by"], r["label"]) for r in report.appointments] == [
        ("total", "total"), ("service", "Eid"), ("hour", "09:00")]
    assert report.to_json()["appointments"] == report.appointments
    text = report_text(report)
    assert "Appointments and walk-ins" in text and "33%" in text
    files = write_csv(report, tmp_path / "csv")
    rows = list(csv.DictReader((tmp_path / "csv" / "appointments.csv").open(
        encoding="utf-8-sig")))
    assert rows[0]["appointment wait (min)"] == "1.5" and rows[0]["appointments"] == "3"
    assert tmp_path / "csv" / "appointments.csv" in files
    wb = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    assert wb["appointments"]["J2"].value == pytest.approx(0.333)


async def test_the_coordinator_board_counts_per_hour(store: Store) -> None:
    (row,) = board_hours(store.state.appointments.values(), store.office, store.clock())
    assert (row.hour, row.booked, row.checked_in, row.late, row.no_show, row.waiting) == \
        (9, 3, 2, 1, 1, 0)


def test_the_walk_in_estimate_counts_appointments_booked_in_the_coming_hour() -> None:
    waits = []
    for n in (0, 4):
        clock = FixedClock(T0 - timedelta(hours=1))
        lg = Ledger(make_office(), clock)
        lg.execute(ImportBookings(tuple(booking(f"r{i}", 5 + 5 * i) for i in range(n))))
        clock.at = T0
        lg.execute(C.OpenPost("l1", "an", True))
        for _ in range(3):
            lg.execute(C.IssueTicket("eid"))
        e = estimate(lg.state, lg.office, "eid", T0)
        assert e.wait_s is not None
        waits.append(e.wait_s)
    # four appointments of ~10 min due within 20 min at the only post: they go first
    assert waits[1] > waits[0] + 25 * 60
