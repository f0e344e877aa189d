"""Appointments in the store (issue 18), on both engines: bookings for any day kept in the read
model, today's folded into the day's state; idempotent imports; check-in refusals by code;
no-shows written by the store's clock when the window ends; rebuild and check agree with the
log."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from engines import sql
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.booking import Booking, CancelAppointment, CheckIn, ImportBookings
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import EventStore, create_store, open_store


def h(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def booking(ref: str, minutes: float, **kw: object) -> Booking:
    fields: dict[str, object] = dict(source="ics", reference=ref, service="eid",
                                     start=T0 + timedelta(minutes=minutes), duration_min=15,
                                     persons=1, sequence=0, code_hash=h(ref))
    fields.update(kw)
    return Booking(**fields)  # type: ignore[arg-type]


async def run_import(store: EventStore, *bookings: Booking) -> list[tuple[str, str]]:
    cmd = ImportBookings(tuple(bookings))
    await store.execute(cmd)
    return [(o.reference, o.action if o.code is None else f"{o.action}:{o.code}")
            for o in cmd.outcomes]


@pytest.fixture
async def db(store_target: str | Path) -> str | Path:
    """A fresh store on each engine (the contract is the same)."""
    await create_store(store_target, make_office())
    return store_target


async def test_import_is_idempotent_and_applies_updates_moves_and_cancellations(
        db: str | Path) -> None:
    clock = FixedClock(T0 - timedelta(hours=1))
    office = make_office()
    tomorrow = 24 * 60
    async with open_store(db, office, clock=clock) as store:
        first = (booking("r1", 30), booking("r2", tomorrow), booking("r3", 60))
        assert await run_import(store, *first) == [("r1", "added"), ("r2", "added"),
                                                  ("r3", "added")]
        assert sorted(store.state.appointments) == ["ics:r1", "ics:r3"]  # today's only
        seq = store.state.seq
        assert await run_import(store, *first) == [(r, "unchanged") for r in ("r1", "r2", "r3")]
        assert store.state.seq == seq  # nothing appended
        out = await run_import(
            store, booking("r1", 45, sequence=1),  # later today
            booking("r2", 90, sequence=1),  # moved from tomorrow to today
            booking("r3", 60, cancelled=True, sequence=2),
            booking("r1", 30, sequence=0),  # an older revision: ignored
            booking("r4", 30, service="paspoort"))
        assert out == [("r1", "updated"), ("r2", "updated"), ("r3", "cancelled"),
                       ("r1", "unchanged"), ("r4", "refused:unknown_service")]
        apps = store.state.appointments
        assert apps["ics:r1"].start == T0 + timedelta(minutes=45)
        assert apps["ics:r2"].start == T0 + timedelta(minutes=90)
        assert apps["ics:r3"].status == "cancelled"
        async with store.history() as hist:
            rows = {a.reference: a for a in await hist.appointments(T0.date(),
                                                                    T0.date() + timedelta(2))}
        assert rows["r2"].day == T0.date() and rows["r2"].version == 3  # booked, moved, updated
        assert await store.check() == []
        before = await _table(db)
        await store.rebuild()
        assert await _table(db) == before


async def _table(db: str | Path) -> list[tuple[object, ...]]:
    return sql(db, "SELECT * FROM appointments ORDER BY key")


async def test_appointments_booked_earlier_for_today_are_folded_at_start(db: str | Path) -> None:
    clock = FixedClock(T0 - timedelta(days=3))
    office = make_office()
    async with open_store(db, office, clock=clock) as store:
        await run_import(store, booking("r1", 30))
        assert store.state.appointments == {}
    clock.at = T0
    async with open_store(db, office, clock=clock) as store:
        assert list(store.state.appointments) == ["ics:r1"]
        (issued, checked) = await store.execute(CheckIn(code_hash=h("r1"), lang="fr"))
        assert issued.type == "ticket_issued" and issued.data["appointment"] == "ics:r1"
        assert checked.type == "appointment_checked_in"
        t = store.state.tickets[issued.data["number"]]
        assert t.booked_at == T0 + timedelta(minutes=30) and t.lang == "fr"


@pytest.mark.parametrize(("minutes_from_start", "setup", "code"), [
    (-61, None, "appointment_too_early"),
    (15, None, "appointment_too_late"),
    (0, "cancel", "appointment_cancelled"),
    (0, "check_in", "appointment_used"),
    (0, "other_code", "appointment_unknown"),
])
async def test_check_in_refusals_carry_a_code(db: str | Path, minutes_from_start: float,
                                              setup: str | None, code: str) -> None:
    clock = FixedClock(T0 - timedelta(hours=2))
    async with open_store(db, make_office(), clock=clock) as store:
        await run_import(store, booking("r1", 0))
        clock.at = T0 + timedelta(minutes=minutes_from_start)
        if setup == "cancel":
            await store.execute(CancelAppointment("ics", "r1"))
        elif setup == "check_in":
            await store.execute(CheckIn(code_hash=h("r1")))
        seq = store.state.seq
        with pytest.raises(C.Refused) as err:
            await store.execute(CheckIn(code_hash=h("other" if setup == "other_code" else "r1")))
        assert err.value.code == code
        assert "\n" not in str(err.value)
        assert store.state.seq == seq  # refused: nothing appended


async def test_a_window_that_ends_without_check_in_is_a_no_show_by_the_stores_clock(
        db: str | Path) -> None:
    clock = FixedClock(T0 - timedelta(hours=1))
    async with open_store(db, make_office(), clock=clock) as store:
        await run_import(store, booking("r1", 0), booking("r2", 60))
        clock.at = T0 + timedelta(minutes=15)  # r1's window closes now
        (hb,) = await store.execute(C.Heartbeat("k1", "kiosk"))  # any command writes it
        assert hb.type == "heartbeat"
        assert store.state.appointments["ics:r1"].status == "no_show"
        assert store.state.appointments["ics:r2"].status == "booked"
        events = await store.events(day=T0.date())
        (ns,) = [e for e in events if e.type == "appointment_no_show"]
        assert ns.at == clock.at and ns.data == {"source": "ics", "reference": "r1"}
        with pytest.raises(C.Refused, match="is no show") as err:
            await store.execute(CancelAppointment("ics", "r1"))
        assert err.value.code == "appointment_past"
        assert await store.check() == []


async def test_the_desk_adds_only_new_references(db: str | Path) -> None:
    clock = FixedClock(T0 - timedelta(hours=1))
    async with open_store(db, make_office(), clock=clock) as store:
        cmd = ImportBookings((booking("d1", 0, source="desk"),), only_new=True)
        await store.execute(cmd)
        assert cmd.outcomes[0].action == "added"
        cmd = ImportBookings((booking("d1", 10, source="desk"),), only_new=True)
        await store.execute(cmd)
        assert (cmd.outcomes[0].action, cmd.outcomes[0].code) == ("refused",
                                                                  "appointment_exists")


async def test_check_finds_a_damaged_appointment_row_and_rebuild_repairs_it(
        db: str | Path) -> None:
    clock = FixedClock(T0 - timedelta(hours=1))
    async with open_store(db, make_office(), clock=clock) as store:
        await run_import(store, booking("r1", 30), booking("r2", 60))
        assert await store.check() == []
        sql(db, "UPDATE appointments SET status = 'checked_in' WHERE reference = 'r2'")
        assert await store.check() == [
            "appointment read model differs from the event log (run `kcc store rebuild`)"]
        await store.rebuild()
        assert await store.check() == []
        assert [r[-5] for r in await _table(db)] == ["booked", "booked"]
