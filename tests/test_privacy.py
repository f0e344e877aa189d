"""Privacy: notes are kept beside the append-only log and purged after the retention period,
recorded as an event, with every KPI unchanged."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, day_bounds
from kcc_tui.domain.kpi import service_kpis
from kcc_tui.domain.office import Privacy
from kcc_tui.store import Store

SECRET = "mevrouw Janssens, Kerkstraat 5"


async def a_ticket_with_a_note(store: Store, clock: FixedClock) -> None:
    await store.execute(C.IssueTicket("eid"))
    await store.execute(C.OpenPost("l1", "an", True))
    clock.advance(minutes=4)
    await store.execute(C.CallNext("l1"), "an")
    clock.advance(minutes=6)
    await store.execute(C.Finish("l1", note=SECRET), "an")
    await store.execute(C.ClosePost("l1"), "an")


def kpis(store: Store, day_state) -> dict:  # type: ignore[no-untyped-def]
    start, end = day_bounds(day_state.day)
    k = service_kpis(day_state.tickets.values(), store.office, start, end)["eid"]
    return {"waits": k.waits, "service": k.service_times, "served": k.served}


async def test_notes_never_enter_the_event_log_and_are_purged_by_an_event(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    async with Store(db, make_office(), clock=clock, create=True) as store:
        await a_ticket_with_a_note(store, clock)
        assert store.state.tickets["A001"].note == SECRET
        with sqlite3.connect(db) as c:
            assert c.execute("SELECT count(*) FROM events WHERE data LIKE '%Janssens%'"
                             ).fetchone()[0] == 0
            assert c.execute("SELECT note FROM tickets").fetchone()[0] == SECRET
        day1 = store.state.day
        before = kpis(store, store.state)

        clock.advance(days=100)  # past the 90-day retention
        await store.execute(C.PurgeNotes(), "coord")
        with sqlite3.connect(db) as c:
            assert c.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
            assert c.execute("SELECT note FROM tickets WHERE day = ?", (str(day1),)
                             ).fetchone()[0] is None
            purge = c.execute("SELECT actor, data FROM events WHERE type = 'notes_purged'"
                              ).fetchone()
        assert purge[0] == "coord" and '"retention_days":90' in purge[1]
        assert await store.check() == []  # read models equal a rebuild from the log
        # the purged day folds to the same KPIs, without the note
        async for old in store._days(store.db):
            if old.day == day1:
                assert old.tickets["A001"].note is None
                assert kpis(store, old) == before


async def test_a_recent_note_survives_the_purge(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with Store(tmp_path / "kcc.db", make_office(), clock=clock, create=True) as store:
        await a_ticket_with_a_note(store, clock)
        clock.advance(days=10)
        await store.execute(C.PurgeNotes(30))
        rows = (await store.read_models())[0]
        assert rows[0][18] == SECRET


def test_notes_can_be_switched_off() -> None:
    from kcc_tui.domain.ledger import Ledger

    office = make_office().model_copy(update={"privacy": Privacy(allow_notes=False)})
    lg = Ledger(office, FixedClock(T0))
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.OpenPost("l1", "an", True))
    lg.execute(C.CallNext("l1"), "an")
    with pytest.raises(C.Refused, match="notes are switched off"):
        lg.execute(C.Finish("l1", note="x"), "an")
    lg.execute(C.Finish("l1"), "an")
    assert lg.state.tickets["A001"].status == "done"


async def test_broadcasts_are_purged_with_the_notes(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    message = "Mevrouw Peeters (85.07.30-033.61) wacht aan de balie"
    async with Store(db, make_office(), clock=clock, create=True) as store:
        await store.execute(C.Broadcast(message), "coord")
        assert store.state.messages[-1].text == message
        with sqlite3.connect(db) as c:  # the log keeps the fact, not the words
            assert c.execute("SELECT count(*) FROM events WHERE data LIKE '%Peeters%'"
                             ).fetchone()[0] == 0
    async with Store(db, make_office(), clock=clock) as store:  # another process reads it
        (e,) = [e for e in await store.events() if e.type == "message_broadcast"]
        assert e.data["text"] == message and store.state.messages[-1].text == message
        clock.advance(days=100)
        await store.execute(C.PurgeNotes(), "coord")
        (e,) = [e for e in await store.events() if e.type == "message_broadcast"]
        assert e.data["text"] == "" and e.data["targets"] == ["counters", "display"]
        assert await store.check() == []
    with contextlib.closing(sqlite3.connect(db)) as c:
        dump = "\n".join(c.iterdump())
    assert "Peeters" not in dump and "85.07.30" not in dump
    # nor in the file's free pages (secure_delete), once the last process closed the store
    for path in tmp_path.glob("kcc.db*"):
        assert b"Peeters" not in path.read_bytes(), path


async def test_reasons_are_codes_never_free_text() -> None:
    from kcc_tui.domain.ledger import Ledger

    lg = Ledger(make_office(), FixedClock(T0))
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.OpenPost("l1", "an", True))
    with pytest.raises(C.Refused, match="unknown pause reason"):
        lg.execute(C.Pause("l1", "bij mevrouw Janssens thuis"), "an")
    lg.execute(C.CallNext("l1"), "an")
    with pytest.raises(C.Refused, match="unknown transfer reason"):
        lg.execute(C.Transfer("l1", to_service="rijbewijs", reason=SECRET), "an")
    (e,) = lg.execute(C.Transfer("l1", to_service="rijbewijs", reason="andere-dienst"), "an")
    assert e.data["reason"] == "andere-dienst"
