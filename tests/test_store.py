"""The store contract (DESIGN.md §2) on real SQLite files, with real processes where it matters."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from engines import count, refusal_errors, sql
from factories import T0, make_big_office, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, business_day, day_bounds
from kcc_tui.domain.state import DayState
from kcc_tui.store import (
    EventStore,
    Store,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreMissing,
    StoreOtherOffice,
    StoreReadOnly,
    StoreTooNew,
    create_store,
    open_store,
)
from kcc_tui.store.common import EVENT_COLS, row_to_event
from kcc_tui.store.connection import in_thread

WORKERS = str(Path(__file__).parent / "workers.py")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kcc.db"


async def busy_day(store: EventStore, clock: FixedClock) -> None:
    """A morning with every kind of transition, for rebuild comparisons."""
    for svc in ["eid", "eid", "rijbewijs", "afhalen", "eid", "rijbewijs"]:
        await store.execute(C.IssueTicket(svc))
        clock.advance(minutes=1)
    await store.execute(C.OpenPost("l1", "an", True))
    await store.execute(C.OpenPost("l3", "bo", True))
    await store.execute(C.OpenPost("snel", "cas", True))
    script = [
        ("l1", C.CallNext("l1")), ("l1", C.Recall("l1")), ("l1", C.Start("l1")),
        ("l1", C.Transfer("l1", to_service="rijbewijs")), ("l3", C.CallNext("l3")),
        ("l3", C.Start("l3")), ("l3", C.Finish("l3", topics=("eid-lost",), note="n")),
        ("l1", C.CallNext("l1")), ("l1", C.NoShow("l1")), ("l1", C.CallNext("l1")),
        ("l1", C.Requeue("l1")), ("l1", C.Pause("l1", "koffie")), ("l1", C.Resume("l1")),
        ("l1", C.CallNext("l1")), ("l1", C.Start("l1")), ("l1", C.Park("l1")),
        ("snel", C.CallNext("snel")), ("snel", C.Finish("snel")), ("snel", C.ClosePost("snel")),
    ]
    for post, cmd in script:
        clock.advance(minutes=2)
        await store.execute(cmd, store.state.post(post).staff or "system")


async def test_refused_command_appends_nothing(store_target: str | Path) -> None:
    db = store_target
    clock = FixedClock(T0)
    async with open_store(db, make_office(), clock=clock, create=True) as a, \
            open_store(db, make_office(), clock=clock) as b:
        await a.execute(C.IssueTicket("eid"))
        await a.execute(C.OpenPost("l1", "an", True))
        await a.execute(C.CallNext("l1"), "an")
        await b.poll()
        await a.execute(C.Finish("l1"), "an")  # finished by a…
        before = count(db)
        with pytest.raises(C.Refused, match="no current ticket"):
            await b.execute(C.Recall("l1"), "an")  # …so b's recall, from stale state, is refused
        assert count(db) == before


async def test_rebuilt_state_and_read_models_equal_the_live_ones(
        store_target: str | Path) -> None:
    db = store_target
    clock = FixedClock(T0)
    async with open_store(db, make_office(), clock=clock, create=True) as store:
        await busy_day(store, clock)
        live_rows = await store.read_models()
        assert await store.check() == []
        # the state folded from the log by a fresh process equals the live one
        async with open_store(db, make_office(), clock=clock) as fresh:
            assert snapshot(fresh.state) == snapshot(store.state)
        await store.rebuild()
        assert await store.read_models() == live_rows
        assert len(live_rows[0]) == 6 and len(live_rows[1]) == 3


async def create(db: str | Path) -> None:
    await create_store(db, make_big_office())


def snapshot(state: DayState) -> tuple[object, ...]:
    return (state.seq, state.versions, repr(sorted(state.tickets.items())),
            repr(sorted(state.posts.items())), state.service_times)


async def test_check_reports_a_tampered_read_model(store_target: str | Path) -> None:
    db = store_target
    clock = FixedClock(T0)
    async with open_store(db, make_office(), clock=clock, create=True) as store:
        await busy_day(store, clock)
        sql(db, "UPDATE tickets SET status = 'done' WHERE number = 'A002'")
        assert any("ticket read model differs" in p for p in await store.check())
        await store.rebuild()
        assert await store.check() == []


async def test_events_are_append_only(store_target: str | Path) -> None:
    db = store_target
    async with open_store(db, make_office(), clock=FixedClock(T0), create=True) as store:
        await store.execute(C.IssueTicket("eid"))
    for change in ("UPDATE events SET actor = 'x'", "DELETE FROM events"):
        with pytest.raises(refusal_errors(), match="append-only"):
            sql(db, change)
    if isinstance(db, str):  # PostgreSQL: TRUNCATE skips row triggers; a statement one refuses
        with pytest.raises(refusal_errors(), match="append-only"):
            sql(db, "TRUNCATE events CASCADE")
    assert count(db) == 1


async def test_the_store_knows_its_office_and_refuses_another_offices_config(
        store_target: str | Path) -> None:
    """meta.office: recorded by `kcc init`, adopted once by a store that has none (made before
    offices had an id) by its first writer, and from then on another office's config is
    refused on open, writer or reader, on one line naming both; nothing of it is written."""
    db, office = store_target, make_office()
    await create_store(db, office)
    assert sql(db, "SELECT value FROM meta WHERE key = 'office'") == [("stad-test",)]
    other = office.model_copy(update={"id": "noord"})
    setting = "url" if isinstance(db, str) else "path"
    for readonly in (False, True):
        with pytest.raises(StoreOtherOffice) as err:
            await open_store(db, other, readonly=readonly).open()
        assert str(err.value) == (
            f'database {db} belongs to office "stad-test", not to office "noord" of this '
            f'configuration: start it with office "stad-test"\'s config, or check '
            f"[store] {setting}")
    assert count(db) == 0
    sql(db, "DELETE FROM meta WHERE key = 'office'")  # as a store of an older kcc
    async with open_store(db, other, readonly=True):
        pass  # a reader cannot record it, and need not
    assert sql(db, "SELECT value FROM meta WHERE key = 'office'") == []
    async with open_store(db, other):
        pass
    assert sql(db, "SELECT value FROM meta WHERE key = 'office'") == [("noord",)]
    with pytest.raises(StoreOtherOffice):  # adopted once: from then on it is noord's
        await open_store(db, office).open()


async def test_every_connection_uses_wal_and_full_sync(db: Path) -> None:
    async with Store(db, make_office(), clock=FixedClock(T0), create=True) as store:
        for conn in (store.db, store._reader):
            assert conn is not None
            assert (await (await conn.execute("PRAGMA journal_mode")).fetchone())[0] == "wal"
            assert (await (await conn.execute("PRAGMA synchronous")).fetchone())[0] == 2
            assert (await (await conn.execute("PRAGMA foreign_keys")).fetchone())[0] == 1
            assert (await (await conn.execute("PRAGMA busy_timeout")).fetchone())[0] == 5000


async def test_change_feed_sees_another_process(store_target: str | Path) -> None:
    db = store_target
    async with open_store(db, make_big_office(), create=True) as store:
        await store.poll()  # prime data_version
        proc = subprocess.Popen([sys.executable, WORKERS, "append", str(db), "0.3"])
        seen = []
        deadline = time.monotonic() + 15
        while not seen and time.monotonic() < deadline:
            seen = await store.poll()
            await asyncio.sleep(0.05)
        proc.wait(timeout=15)
        assert [e.type for e in seen] == ["ticket_issued"]
        assert seen[0].actor == "other"
        assert "A001" in store.state.tickets


async def test_events_caught_up_inside_a_command_still_reach_the_change_feed(
        store_target: str | Path) -> None:
    # The display's heartbeat is a command: a call committed just before it is folded in its
    # transaction, and must still be announced (handed out by the next poll, once).
    db = store_target
    clock = FixedClock(T0)
    async with open_store(db, make_office(), clock=clock, create=True) as counter, \
            open_store(db, make_office(), clock=clock) as display:
        await counter.execute(C.IssueTicket("eid"))
        await counter.execute(C.OpenPost("l1", "an", True))
        await display.poll()
        await counter.execute(C.CallNext("l1"), "an")
        (beat,) = await display.execute(C.Heartbeat("tv", "display"), "tv")
        assert display.state.tickets["A001"].status == "called"  # folded in the transaction
        seen = await display.poll()
        assert [e.type for e in seen] == ["ticket_called"]
        assert seen[0].seq < beat.seq
        assert await display.poll() == []


async def test_a_command_cancelled_mid_transaction_does_not_block_the_next(db: Path) -> None:
    # A task cancelled while its BEGIN ran on the connection's thread (an app quitting, a
    # timeout) leaves that transaction open; the next command must not trip over it.
    async with Store(db, make_office(), create=True) as store:
        await store.db.execute("BEGIN IMMEDIATE")  # what the cancelled command left behind
        (e,) = await store.execute(C.IssueTicket("eid"))
        assert e.data["number"] == "A001"
    assert count(db) == 1


async def test_cancelling_a_command_frees_the_database_for_other_processes(db: Path) -> None:
    async with Store(db, make_office(), create=True) as store:
        gate = threading.Event()
        busy = asyncio.ensure_future(in_thread(store.db, lambda conn: gate.wait(5)))
        task = asyncio.create_task(store.execute(C.IssueTicket("eid")))
        for _ in range(3):
            await asyncio.sleep(0)  # the command's BEGIN is queued behind `busy`
        task.cancel()  # cancelled before its BEGIN has run…
        gate.set()  # …which then runs anyway
        with pytest.raises(asyncio.CancelledError):
            await task
        await busy
        other = sqlite3.connect(db, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # "database is locked" if that BEGIN were left open
        other.execute("ROLLBACK")
        other.close()


def test_many_kiosks_and_counters_never_double_call_or_lose_a_ticket(
        tmp_path: Path, store_target: str | Path) -> None:
    db = store_target
    done = tmp_path / "kiosks-done"
    asyncio.run(create(db))
    per_kiosk = 150
    counters = [subprocess.Popen([sys.executable, WORKERS, "counter", str(db), f"p{i}",
                                  str(done), str(i)], stdout=subprocess.PIPE, text=True)
                for i in range(1, 9)]
    kiosks = [subprocess.Popen([sys.executable, WORKERS, "kiosk", str(db), str(per_kiosk),
                                str(100 + i)]) for i in range(4)]
    try:
        for k in kiosks:
            assert k.wait(timeout=300) == 0
        done.touch()
        for c in counters:
            out, _ = c.communicate(timeout=300)
            assert c.returncode == 0, out
    finally:
        done.touch()
        for p in kiosks + counters:
            if p.poll() is None:
                p.kill()

    events = [row_to_event(r) for r in sql(db, f"SELECT {EVENT_COLS} FROM events")]
    assert len(events) > 2000  # thousands of commands, all committed
    issued = [e for e in events if e.type == "ticket_issued"]
    assert len(issued) == 4 * per_kiosk
    per_service: dict[str, list[int]] = defaultdict(list)
    for e in issued:
        per_service[e.data["service"]].append(e.data["n"])
    for ns in per_service.values():
        assert sorted(ns) == list(range(1, len(ns) + 1))  # gap-free, no duplicate
    # every call is of a waiting ticket: calls per ticket = 1 + its requeues
    calls = Counter(e.data["number"] for e in events if e.type == "ticket_called")
    requeues = Counter(e.data["number"] for e in events if e.type == "ticket_requeued")
    assert all(calls[n] == requeues[n] + 1 for n in calls)
    # every issued ticket is in exactly one final state
    finals = Counter(e.data["number"] for e in events
                     if e.type in ("ticket_finished", "ticket_no_show"))
    assert set(finals) == {e.data["number"] for e in issued}
    assert set(finals.values()) == {1}

    async def verify() -> None:
        async with open_store(db, make_big_office()) as store:
            assert await store.check() == []

    asyncio.run(verify())


async def test_business_day_rolls_over_at_local_midnight_across_dst(
        store_target: str | Path) -> None:
    # Saturday 28 March 2026, 23:59:30 in Brussels (UTC+1); DST starts that night.
    clock = FixedClock(datetime(2026, 3, 28, 22, 59, 30, tzinfo=UTC))
    async with open_store(store_target, make_office(), clock=clock, create=True) as store:
        await store.execute(C.IssueTicket("eid"))
        await store.execute(C.IssueTicket("eid"))
        assert store.state.day.isoformat() == "2026-03-28"
        clock.advance(seconds=60)  # 00:00:30 local on Sunday 29 March
        (e,) = await store.execute(C.IssueTicket("eid"))
        assert (e.data["number"], str(e.day)) == ("A001", "2026-03-29")
        assert list(store.state.tickets) == ["A001"]  # a fresh day in memory…
        rows = (await store.read_models())[0]
        assert [(r[0], r[1]) for r in rows] == [("2026-03-28", "A001"), ("2026-03-28", "A002"),
                                                ("2026-03-29", "A001")]  # …history kept
    # the DST days are 23 and 25 hours long; the day boundary is local midnight
    start, end = day_bounds(business_day(clock()))
    assert end - start == timedelta(hours=23)
    autumn = datetime(2026, 10, 25, 12, tzinfo=UTC)
    start, end = day_bounds(business_day(autumn))
    assert end - start == timedelta(hours=25)
    assert business_day(datetime(2026, 10, 25, 22, 59, tzinfo=UTC)).isoformat() == "2026-10-25"
    assert business_day(datetime(2026, 10, 25, 23, 0, tzinfo=UTC)).isoformat() == "2026-10-26"


# -- bad databases: one clear line each -----------------------------------------------------------
async def test_missing_database(db: Path) -> None:
    with pytest.raises(StoreMissing, match=r"does not exist; create it with `kcc init`"):
        await Store(db, make_office()).open()


async def test_corrupt_database(db: Path) -> None:
    db.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreCorrupt, match="is damaged .*restore a backup"):
        await Store(db, make_office()).open()


async def test_newer_schema_is_refused(db: Path) -> None:
    await create(db)
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreTooNew, match="schema 99, this kcc knows up to 4: upgrade kcc"):
        await Store(db, make_office()).open()


async def test_locked_database(db: Path) -> None:
    async with Store(db, make_office(), create=True, busy_timeout_ms=200) as store:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreLocked, match="locked by another process; try again"):
                await store.execute(C.IssueTicket("eid"))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await store.execute(C.IssueTicket("eid"))  # and recovers once released


async def test_read_only_database_refuses_writes_politely(db: Path) -> None:
    async with Store(db, make_office(), create=True) as store:
        await store.execute(C.IssueTicket("eid"))
    async with Store(db, make_office(), readonly=True) as ro:
        assert "A001" in ro.state.tickets  # still shows the state
        with pytest.raises(StoreReadOnly, match="read-only: changes are refused"):
            await ro.execute(C.IssueTicket("eid"))
        ro.readonly = False  # even past the polite check, SQLite's own refusal is one line
        with pytest.raises(StoreReadOnly, match="read-only"):
            await ro.execute(C.IssueTicket("eid"))


async def test_backup_while_writing_is_verified(db: Path, tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with Store(db, make_office(), clock=clock, create=True) as store:
        await busy_day(store, clock)
        copy = await store.backup(tmp_path / "copy.db")
        await store.execute(C.IssueTicket("eid"))
    async with Store(copy, make_office(), clock=clock) as restored:
        assert await restored.check() == []
        assert len(restored.state.tickets) == 6


async def test_an_event_this_kcc_does_not_know_stops_the_reader_with_a_clear_line(
        store_target: str | Path) -> None:
    db = store_target
    async with open_store(db, make_office(), create=True) as store:
        await store.execute(C.IssueTicket("eid"))
        # as a newer kcc would write it
        sql(db, "INSERT INTO events (seq, stream, version, type, at, day, actor, data) "
                "SELECT 2, 'x', 1, 'ticket_teleported', at, day, 'k', '{}' FROM events")
        with pytest.raises(StoreTooNew, match=r"event #2 cannot be read \(unknown event type "
                                              r"'ticket_teleported'.*upgrade kcc"):
            # (no NOTIFY came with it: PostgreSQL's feed finds it by its catch-up look)
            for _ in range(60):
                await store.poll()
                await asyncio.sleep(0.05)
        with pytest.raises(StoreTooNew, match="event #2 cannot be read"):
            await store.execute(C.IssueTicket("eid"))  # nothing is decided on a misread state


async def test_closing_a_store_waits_for_its_poll_in_flight(store_target: str | Path) -> None:
    # An app ends (on_unmount closes the store) while its poll awaits the reader: the poll must
    # end with its events, not with the driver's "no active connection".
    db = store_target
    async with open_store(db, make_office(), create=True) as writer:
        for yields in range(12):
            store = await open_store(db, make_office()).open()
            await writer.execute(C.IssueTicket("eid"))  # something new for the poll to read
            poll = asyncio.create_task(store.poll())
            for _ in range(yields):  # the close lands at a different point of the poll
                await asyncio.sleep(0)
            await store.close()
            try:
                assert [e.type for e in await poll] in ([], ["ticket_issued"])
            except StoreError as e:  # closed before the poll began: a one-line store error
                assert "not open" in str(e) or "not connected" in str(e)


async def test_polls_and_commands_of_one_process_never_raise_a_false_alarm(
        store_target: str | Path) -> None:
    # An app polls its change feed while its own commands run (a kiosk press, a heartbeat) and
    # other readers wait on the read connection: a poll that waited for the read lock while a
    # command folded its events (not yet committed) must not call those events lost.
    async with open_store(store_target, make_office(), create=True) as store:
        await store.execute(C.OpenPost("l1", "an", True))
        stop = asyncio.Event()
        alarms: list[BaseException] = []

        async def keep(step) -> None:  # type: ignore[no-untyped-def]
            try:
                while not stop.is_set():
                    await step()
                    await asyncio.sleep(0)
            except StoreError as e:
                alarms.append(e)
                stop.set()

        async def issue(n: int) -> None:
            for _ in range(n):
                if stop.is_set():
                    return
                await store.execute(C.IssueTicket("eid"))
                await store.execute(C.Heartbeat("onthaal", "kiosk"), "onthaal")

        readers = [keep(store.poll), keep(store.poll), keep(lambda: store.events(limit=5))]
        tasks = [asyncio.create_task(r) for r in readers]
        await asyncio.gather(*(issue(50) for _ in range(3)))
        stop.set()
        await asyncio.gather(*tasks)
        assert alarms == []
        assert len(store.state.tickets) == 150
