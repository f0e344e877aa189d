"""The store's history reader (store/history.py) gives back domain values, one snapshot of past
days, through both doors: `Store.history()` and `open_history(path)`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import (
    PhoneCall,
    SessionRecord,
    StoreError,
    StoreTooNew,
    create_store,
    open_history,
    open_store,
)


async def day_of_work(db: str | Path) -> FixedClock:
    office = make_office()
    clock = FixedClock(T0)
    async with open_store(db, office, clock=clock, create=True) as s:
        await s.execute(C.OpenPost("l1", "an", pin_ok=True), "an")
        await s.execute(C.OpenPost("tel", "bo", pin_ok=True), "bo")
        await s.execute(C.IssueTicket("eid"), "kiosk")
        clock.advance(minutes=5)
        await s.execute(C.CallNext("l1"), "an")
        await s.execute(C.Start("l1"), "an")
        clock.advance(minutes=7)
        await s.execute(C.Finish("l1", topics=("eid-lost",)), "an")
        await s.execute(C.Pause("l1"), "an")
        await s.execute(C.RegisterCall("tel", "wait"), "bo")
        clock.advance(minutes=10)
        await s.execute(C.Resume("l1"), "an")
        await s.execute(C.ClosePost("l1"), "an")
    return clock


async def test_history_reads_a_day_as_domain_values(store_target: str | Path) -> None:
    db = store_target
    await day_of_work(db)
    day = T0.date()
    async with open_store(db, make_office()) as store, store.history() as h:
        tickets = [t async for t in h.tickets(day, day)]
        assert [(d, t.number, t.status, t.topics) for d, t in tickets] == [
            (day, "A001", "done", ("eid-lost",))]
        assert tickets[0][1].first_called_at == T0 + timedelta(minutes=5)
        sessions = await h.sessions(day, day)
        assert [(s.post, s.staff, s.closed_at is None) for s in sessions] == [
            ("l1", "an", False), ("tel", "bo", True)]
        assert all(isinstance(s, SessionRecord) for s in sessions)
        calls = await h.phone_calls(day, day)
        assert calls == [PhoneCall(T0 + timedelta(minutes=12), day, "tel", "bo", "wait")]
        assert await h.finished_topics(day, day) == [(T0 + timedelta(minutes=12), ("eid-lost",))]
        pauses = await h.events_of_days(day, day, ("post_paused", "post_resumed"))
        assert [e.type for e in pauses] == ["post_paused", "post_resumed"]
        assert pauses[0].data["post"] == "l1"
        # a day without history is empty, not an error
        assert [t async for t in h.tickets(day + timedelta(1), day + timedelta(1))] == []
    async with open_history(db) as h:  # the same, without opening the store
        assert [t.number async for _d, t in h.tickets(day, day)] == ["A001"]


async def test_history_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await create_store(db, make_office())
    import sqlite3

    with sqlite3.connect(db) as c:
        c.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreTooNew, match="schema 99, this kcc knows up to"):
        async with open_history(db):
            pass
    with pytest.raises(StoreError, match="does not exist"):
        async with open_history(tmp_path / "none.db"):
            pass
