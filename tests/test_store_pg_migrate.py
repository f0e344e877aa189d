"""`kcc store migrate --to postgresql://…`: an SQLite office's whole history into PostgreSQL,
verified; the server store then goes on where the file stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engines import sql
from factories import T0, make_office
from test_appointments_store import booking
from test_store import busy_day, snapshot

from kcc_tui.config import example_path
from kcc_tui.domain import commands as C
from kcc_tui.domain.booking import ImportBookings
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import Store, open_store

KCC = [sys.executable, "-m", "kcc_tui"]


def migrate(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([*KCC, "--db", str(db), "--json", "store", "migrate", *args],
                       capture_output=True, text=True, timeout=120, cwd=db.parent,
                       env={**os.environ, "KCC_CONFIG": example_path()})
    assert "Traceback" not in p.stderr, p.stderr
    return p


async def two_days(db: Path) -> FixedClock:
    clock = FixedClock(T0)
    async with Store(db, make_office(), clock=clock, create=True) as store:
        await busy_day(store, clock)  # every kind of transition, a note, a broadcast-free day
        # appointments: one for the next day, one a week later (the read model spans days)
        await store.execute(ImportBookings((booking("m1", 24 * 60 + 30),
                                            booking("m2", 7 * 24 * 60))))
        clock.advance(hours=24)
        await store.execute(C.IssueTicket("eid"))
        await store.execute(C.Broadcast("Koffie staat klaar"), "coord")
    return clock


async def test_a_whole_history_is_copied_and_verified(tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "kcc.db"
    clock = await two_days(db)
    from kcc_tui.store import migrate_store

    done = await migrate_store(db, pg_url, make_office())
    # the week-later booking is an event of its own day (domain/booking.py): three days
    assert (done.days, done.tickets) == (3, 7)
    assert done.events == sql(db, "SELECT count(*) FROM events")[0][0]
    async with Store(db, make_office(), clock=clock) as lite, \
            open_store(pg_url, make_office(), clock=clock) as pg:
        assert snapshot(pg.state) == snapshot(lite.state)
        assert await pg.read_models() == await lite.read_models()
        every = "SELECT * FROM appointments ORDER BY key"
        assert len(sql(pg_url, every)) == 2 and sql(pg_url, every) == sql(db, every)
        assert await pg.events(limit=10**6) == await lite.events(limit=10**6)  # notes too
        assert await pg.check() == []
        # the server store goes on where the file stopped
        (e,) = await pg.execute(C.IssueTicket("eid"))
        assert (e.data["number"], e.seq) == ("A002", lite.state.seq + 1)
    # a second copy into the same database is refused: it is not empty any more
    again = await _refused(db, pg_url)
    assert "already holds" in again


async def _refused(db: Path, url: str) -> str:
    from kcc_tui.store import StoreError, migrate_store

    try:
        await migrate_store(db, url, make_office())
    except StoreError as e:
        return str(e)
    raise AssertionError("not refused")


def test_the_cli_copies_and_says_what_it_verified(tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "kcc.db"
    for args in (["init"], ["ticket", "issue", "eid", "--outside-hours"],
                 ["ticket", "issue", "eid", "--outside-hours"]):
        subprocess.run([*KCC, "--db", str(db), *args], check=True, capture_output=True,
                       env={**os.environ, "KCC_CONFIG": example_path()}, cwd=tmp_path)
    p = migrate(db, "--to", pg_url)
    assert p.returncode == 0, p.stdout + p.stderr
    out = json.loads(p.stdout)
    assert out["verified"] is True and (out["events"], out["tickets"]) == (2, 2)
    assert out["to"] == pg_url
    p = migrate(db, "--to", str(tmp_path / "other.db"))
    assert p.returncode == 2 and "not a postgresql:// URL" in p.stdout
    # a source whose read models do not match its log is refused before anything is copied
    sql(db, "UPDATE tickets SET status = 'done'")
    p = migrate(db, "--to", pg_url)
    assert p.returncode == 1 and "fails its check" in json.loads(p.stdout)["error"]
