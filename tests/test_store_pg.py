"""What only the PostgreSQL store has to show (the shared contract runs on both engines in
test_store.py): one-line errors for a server that is down, a wrong password or a missing
database; schema checks; a verified pg_dump backup; a restore under running processes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from engines import count, sql
from factories import T0, make_office

from kcc_tui.bench.pgcluster import Cluster, free_port
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import (
    StoreError,
    StoreForeign,
    StoreMissing,
    StoreOtherOffice,
    StoreReplaced,
    StoreTooNew,
    StoreUnreachable,
    create_store,
    open_store,
)
from kcc_tui.store.pg.schema import LATEST


async def test_a_server_that_is_down_is_one_line_and_quick() -> None:
    url = f"postgresql://kcc@127.0.0.1:{free_port()}/kcc"
    with pytest.raises(StoreUnreachable, match=r"^database server of postgresql://kcc@127\.0\.0"
                                               r"\.1:\d+/kcc is not reachable \(is PostgreSQL "
                                               r"running\?\)$"):
        await asyncio.wait_for(open_store(url, make_office()).open(), 15)


async def test_a_wrong_password_is_one_line_and_never_shows_it(pg_cluster: Cluster,
                                                               pg_url: str) -> None:
    sql(pg_url, "CREATE ROLE clerk LOGIN PASSWORD 'right'")
    url = pg_url.replace("kcc@", "clerk:wrong-secret@")
    with pytest.raises(StoreError) as e:
        await open_store(url, make_office()).open()
    assert str(e.value) == (f"database {url.replace('wrong-secret', '***')}: wrong user name "
                            "or password")


async def test_a_missing_database_says_how_to_make_it(pg_cluster: Cluster) -> None:
    with pytest.raises(StoreMissing, match=r"/nosuch does not exist: create it \(`createdb`\), "
                                           r"then run `kcc init`$"):
        await open_store(pg_cluster.url("nosuch"), make_office()).open()


async def test_an_empty_or_foreign_database_is_refused_unless_initialised(pg_url: str) -> None:
    with pytest.raises(StoreForeign, match="holds no kcc schema"):
        await open_store(pg_url, make_office()).open()
    sql(pg_url, "CREATE TABLE invoices (id int)")
    with pytest.raises(StoreForeign, match="is not a kcc database"):
        await open_store(pg_url, make_office(), create=True).open()


async def test_a_newer_schema_is_refused(pg_url: str) -> None:
    await create_store(pg_url, make_office())
    await create_store(pg_url, make_office())  # again: nothing to do
    assert sql(pg_url, "SELECT version FROM kcc_schema ORDER BY version") == [
        (v,) for v in range(1, LATEST + 1)]
    sql(pg_url, "INSERT INTO kcc_schema (version) VALUES (99)")
    with pytest.raises(StoreTooNew,
                       match=f"has schema 99, this kcc knows up to {LATEST}: upgrade kcc"):
        await open_store(pg_url, make_office()).open()


async def test_the_lock_of_the_office_is_waited_for_then_one_line(pg_url: str) -> None:
    await create_store(pg_url, make_office())
    import psycopg

    from kcc_tui.store.pg.connection import office_lock_key

    holder = psycopg.connect(pg_url, autocommit=True)
    try:
        holder.execute("BEGIN")
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (office_lock_key(),))
        async with open_store(pg_url, make_office(), busy_timeout_ms=300) as store:
            with pytest.raises(StoreError, match="locked by another process; try again"):
                await store.execute(C.IssueTicket("eid"))
            holder.execute("ROLLBACK")
            (e,) = await store.execute(C.IssueTicket("eid"))  # and recovers once released
            assert e.data["number"] == "A001"
    finally:
        holder.close()


async def test_a_backup_is_verified_and_a_restore_changes_the_identity(pg_url: str,
                                                                       tmp_path: Path) -> None:
    office = make_office()
    clock = FixedClock(T0)
    await create_store(pg_url, office)
    async with open_store(pg_url, office, clock=clock) as counter, \
            open_store(pg_url, office, clock=clock) as kiosk:
        await counter.execute(C.OpenPost("l1", "an", True), "an")
        dump = await kiosk.backup(tmp_path / "b.dump")
        assert dump.stat().st_mode & 0o777 == 0o600
        with pytest.raises(StoreError, match="already exists"):
            await kiosk.backup(dump)
        await kiosk.execute(C.IssueTicket("eid"), "k")
        await kiosk.execute(C.IssueTicket("eid"), "k")
        await counter.poll()
        before = counter.generation
        from kcc_tui.store.pg.backup import restore

        kept = await restore(dump, pg_url)
        assert kept.exists() and count(pg_url) == 1
        # the counter presses `n` before its next poll: refused, never appended
        with pytest.raises(StoreReplaced, match="restored or replaced.*command was not run"):
            await counter.execute(C.CallNext("l1"), "an")
        assert counter.generation != before and counter.state.tickets == {}
        with pytest.raises(StoreReplaced):
            await kiosk.poll()
        (issued,) = await kiosk.execute(C.IssueTicket("eid"), "k")
        assert issued.data["number"] == "A001"
        assert await kiosk.check() == []
    assert not list(tmp_path.glob(".*"))  # no partial file left


async def test_a_backup_of_another_office_is_not_restored(pg_cluster: Cluster, pg_url: str,
                                                          tmp_path: Path) -> None:
    """A database per office on one server: noord's pg_dump is refused by stadhuis's store
    (nothing changed, no previous-content dump); one that records no office is restored and
    the store keeps its own office."""
    from kcc_tui.store.backups import restore
    from kcc_tui.store.pg.backup import backup

    here = make_office().model_copy(update={"id": "stadhuis"})
    there = here.model_copy(update={"id": "noord"})
    other = pg_cluster.createdb("office_noord")
    try:
        await create_store(pg_url, here)
        await create_store(other, there)
        async with open_store(other, there, clock=FixedClock(T0)) as store:
            await store.execute(C.IssueTicket("eid"), "k")
            dump = await store.backup(tmp_path / "noord.dump")
        with pytest.raises(StoreOtherOffice) as err:
            await asyncio.to_thread(restore, dump, pg_url, "stadhuis")
        assert str(err.value) == (f'backup {dump} is of office "noord", not of office '
                                  '"stadhuis" of this configuration: nothing restored')
        assert count(pg_url) == 0 and sorted(tmp_path.iterdir()) == [dump]
        sql(other, "DELETE FROM meta WHERE key = 'office'")  # a backup of an older kcc
        dump = await backup(other, tmp_path / "old.dump")
        await asyncio.to_thread(restore, dump, pg_url, "stadhuis")
        assert count(pg_url) == 1
        assert sql(pg_url, "SELECT value FROM meta WHERE key = 'office'") == [("stadhuis",)]
    finally:
        pg_cluster.dropdb("office_noord")


async def test_a_damaged_backup_fails_its_check(pg_url: str, tmp_path: Path) -> None:
    from kcc_tui.store.pg.backup import verify_dump

    bad = tmp_path / "bad.dump"
    bad.write_bytes(b"PGDMP but not really" * 10)
    with pytest.raises(StoreError, match="pg_restore failed"):
        await verify_dump(bad, pg_url)


async def test_a_store_of_the_first_schema_is_upgraded_on_open(pg_url: str) -> None:
    """A server store made before appointments (schema 1) gains their table when a writer
    opens it; what it held is kept."""
    await create_store(pg_url, make_office())
    async with open_store(pg_url, make_office(), clock=FixedClock(T0)) as store:
        await store.execute(C.IssueTicket("eid"))
    sql(pg_url, "DROP TABLE appointments")
    sql(pg_url, "DELETE FROM kcc_schema WHERE version > 1")
    async with open_store(pg_url, make_office(), clock=FixedClock(T0)) as store:
        assert [t.number for t in store.state.tickets.values()] == ["A001"]
        assert await store.check() == []
    assert sql(pg_url, "SELECT max(version) FROM kcc_schema") == [(LATEST,)]
    assert sql(pg_url, "SELECT count(*) FROM appointments") == [(0,)]
