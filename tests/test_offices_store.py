"""Several offices on SQLite, one store each: the store knows its office, refuses another
office's config (never mixing two offices' events), and numbering, KPIs and estimates are per
office by construction."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from offices_kit import installation, kcc, office_config

from kcc_tui.config import load_settings
from kcc_tui.config.installation import load_installation
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, day_bounds
from kcc_tui.domain.estimate import NO_OPEN_POST, estimate
from kcc_tui.domain.kpi import service_kpis
from kcc_tui.store import StoreOtherOffice, create_store, open_store
from kcc_tui.store.backups import check_backup_office

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Brussels


def meta(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT key, value FROM meta").fetchall())


async def test_a_new_store_records_its_office_and_refuses_another_offices_config(
        tmp_path: Path) -> None:
    inst = load_installation(installation(tmp_path))
    a, b = inst.offices["stadhuis"], inst.offices["noord"]
    await create_store(a.store.path, a.office)
    assert meta(a.store.path)["office"] == "stadhuis"
    with pytest.raises(StoreOtherOffice) as err:
        await open_store(a.store.path, b.office).open()
    message = str(err.value)
    assert "\n" not in message
    assert 'belongs to office "stadhuis", not to office "noord"' in message
    with pytest.raises(StoreOtherOffice):  # read-only (a wall display, the overview) too
        await open_store(a.store.path, b.office, readonly=True).open()
    with sqlite3.connect(a.store.path) as c:  # and nothing of office B was written
        assert c.execute("SELECT count(*) FROM events").fetchone() == (0,)


async def test_a_store_made_before_offices_had_an_id_adopts_the_first_writers_office(
        tmp_path: Path) -> None:
    a = load_settings(office_config(tmp_path, "stadhuis", explicit_id=False,
                                    name="Stad Leiebrugge — Klantencontactcenter"))
    assert a.office.id == "stad-leiebrugge"  # derived from the name: existing configs work
    await create_store(a.store.path, a.office)
    with sqlite3.connect(a.store.path) as c:  # as a store of an older kcc: no office recorded
        c.execute("DELETE FROM meta WHERE key = 'office'")
    async with open_store(a.store.path, a.office, readonly=True):
        pass  # a reader cannot record it, and need not
    assert "office" not in meta(a.store.path)
    async with open_store(a.store.path, a.office):
        pass
    assert meta(a.store.path)["office"] == "stad-leiebrugge"
    renamed = a.office.model_copy(update={"id": "noord"})
    with pytest.raises(StoreOtherOffice):  # adopted once: from then on it is that office's
        await open_store(a.store.path, renamed).open()


def test_the_cli_refuses_another_offices_store_on_one_line(tmp_path: Path) -> None:
    installation(tmp_path)
    assert kcc("--config", str(tmp_path / "noord.toml"), "init").returncode == 0
    out = kcc("--config", str(tmp_path / "stadhuis.toml"), "--db",
              str(tmp_path / "noord" / "kcc.db"), "ticket", "issue", "eid")
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert 'belongs to office "noord", not to office "stadhuis"' in out.stderr


async def test_restoring_another_offices_backup_is_refused(tmp_path: Path) -> None:
    inst = load_installation(installation(tmp_path))
    a, b = inst.offices["stadhuis"], inst.offices["noord"]
    for s in (a, b):
        await create_store(s.store.path, s.office)
    async with open_store(b.store.path, b.office) as store:
        await store.execute(C.IssueTicket("eid"), "onthaal")
        backup = await store.backup(tmp_path / "noord-backup.db")
    with pytest.raises(StoreOtherOffice, match='backup .* is of office "noord"'):
        check_backup_office(backup, a.office.id)
    assert meta(a.store.path)["office"] == "stadhuis"
    out = kcc("--config", str(tmp_path / "stadhuis.toml"), "store", "restore", str(backup),
              "--yes")
    assert out.returncode == 1 and 'restore refused: backup' in out.stderr
    assert 'is of office "noord"' in out.stderr
    assert meta(a.store.path)["office"] == "stadhuis"  # nothing restored
    assert not list(tmp_path.glob("stadhuis/kcc.db.before-restore-*"))


async def test_two_offices_number_estimate_and_measure_apart(tmp_path: Path) -> None:
    inst = load_installation(installation(tmp_path))
    a, b = inst.offices["stadhuis"], inst.offices["noord"]
    clock = FixedClock(T0)
    numbers: dict[str, list[str]] = {}
    for s in (a, b):
        await create_store(s.store.path, s.office)
    async with open_store(a.store.path, a.office, clock=clock) as sa, \
            open_store(b.store.path, b.office, clock=clock) as sb:
        for store, n in ((sa, 2), (sb, 1)):
            for _ in range(n):
                (e,) = await store.execute(C.IssueTicket("eid"), "onthaal")
                numbers.setdefault(store.office.id, []).append(e.data["number"])
        # office A opens a post and calls its first citizen after 6 minutes; B opens nothing
        await sa.execute(C.OpenPost("loket1", "an", True), "an")
        clock.advance(minutes=6)
        await sa.execute(C.CallTicket("loket1", "A001"), "an")
        now = clock()
        start, end = day_bounds(sa.state.day, "Europe/Brussels")
        ka = service_kpis(sa.state.tickets.values(), a.office, start, end)["eid"]
        kb = service_kpis(sb.state.tickets.values(), b.office, start, end)["eid"]
        ea, eb = estimate(sa.state, a.office, "eid", now), estimate(sb.state, b.office, "eid",
                                                                  now)
    # the same day, both offices start at A001: numbering is per office
    assert numbers == {"stadhuis": ["A001", "A002"], "noord": ["A001"]}
    assert (ka.issued, ka.called, ka.waits) == (2, 1, [360.0])
    assert (kb.issued, kb.called, kb.waits) == (1, 0, [])
    assert ka.sl == 1.0 and kb.sl is None
    # the estimate of each office is its own: A has an open post, B has none
    assert ea.wait_s is not None and eb.wait_s is None and eb.code == NO_OPEN_POST
    assert (ea.ahead, eb.ahead) == (1, 1)
