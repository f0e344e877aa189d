"""A store nothing can brick (issue 16): the generation a restore changes, a fold that meets an
event it cannot place, files kcc did not make, backups that fail half-way, lost events."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import test_admin
from factories import make_office
from test_admin import KCC, kcc

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import iso, system_clock
from kcc_tui.store import (
    Store,
    StoreDamaged,
    StoreMissing,
    StoreReplaced,
    create_store,
)
from kcc_tui.store.backups import restore

office_dir = test_admin.office_dir  # the fixture: the example office, initialised


def events(db: Path) -> list[tuple[str, dict[str, object]]]:
    with sqlite3.connect(db) as c:
        return [(t, json.loads(d)) for t, d in c.execute("SELECT type, data FROM events "
                                                          "ORDER BY seq")]


# -- the generation ------------------------------------------------------------------------------
async def test_a_restore_under_a_running_process_refuses_its_stale_command_and_refolds(
        tmp_path: Path) -> None:
    """The reproduction of issue 16: a counter open, a backup, two tickets, the restore, `n`."""
    db, office = tmp_path / "kcc.db", make_office()
    await create_store(db, office)
    async with Store(db, office) as counter, Store(db, office) as kiosk, \
            Store(db, office) as cli:
        await counter.execute(C.OpenPost("l1", "an", True), "an")
        await cli.backup(tmp_path / "b.db")
        await kiosk.execute(C.IssueTicket("eid"), "k")
        await kiosk.execute(C.IssueTicket("eid"), "k")
        await counter.poll()
        assert "A001" in counter.state.tickets
        before = counter.generation
        restore(tmp_path / "b.db", db)
        # the counter presses `n` before its next poll: refused, never appended
        with pytest.raises(StoreReplaced, match="restored or replaced.*command was not run"):
            await counter.execute(C.CallNext("l1"), "an")
        assert counter.generation != before and counter.state.tickets == {}
        assert counter.take_notice() is not None and counter.take_notice() is None
        # the kiosk finds out on its next poll, and numbers from the restored history
        with pytest.raises(StoreReplaced):
            await kiosk.poll()
        (issued,) = await kiosk.execute(C.IssueTicket("eid"), "k")
        assert issued.data["number"] == "A001"
        await counter.poll()
        with pytest.raises(C.Refused):  # nothing else waits: no call for a ticket never issued
            await counter.execute(C.Recall("l1"), "an")
    types = [t for t, _ in events(db)]
    assert types == ["post_opened", "ticket_issued"]
    async with Store(db, office) as fresh:  # every reader works
        assert list(fresh.state.tickets) == ["A001"] and await fresh.check() == []


async def test_content_copied_over_by_hand_is_noticed_too(tmp_path: Path) -> None:
    """No `kcc store restore`: an older copy of the same store put in place (same generation),
    then a newer process writes past the old position. The event at our position differs."""
    db, office = tmp_path / "kcc.db", make_office()
    await create_store(db, office)
    async with Store(db, office) as a:
        await a.execute(C.IssueTicket("eid"), "k")
        old = (tmp_path / "old.db")
        await a.backup(old)
        await a.execute(C.IssueTicket("eid"), "k")
        with sqlite3.connect(old) as src, sqlite3.connect(db) as dst:
            src.backup(dst)  # same generation: what a careless copy does
        async with Store(db, office) as b:
            await b.execute(C.IssueTicket("rijbewijs"), "k")  # seq 2 again, another event
            await b.execute(C.IssueTicket("rijbewijs"), "k")
        with pytest.raises(StoreReplaced, match="was replaced"):
            await a.poll()
        assert sorted(a.state.tickets) == ["A001", "B001", "B002"]


# -- no reader is bricked ---------------------------------------------------------------------
def bad_call(db: Path, number: str = "A009") -> int:
    """Append by hand what no command could write: a call for a ticket never issued."""
    with sqlite3.connect(db) as c:
        day = str(date.today())
        c.execute("INSERT INTO events (stream, version, type, at, day, actor, data) VALUES "
                  "(?, 1, 'ticket_called', ?, ?, 'an', ?)",
                  (f"ticket:{day}:{number}", iso(system_clock()), day,
                   json.dumps({"number": number, "post": "loket1", "staff": "an"})))
        return int(c.execute("SELECT max(seq) FROM events").fetchone()[0])


@pytest.mark.parametrize("args", [
    ["state"], ["ticket", "list"], ["events"], ["store", "rebuild"], ["init"],
    ["ticket", "issue", "eid", "--outside-hours"], ["--json", "state"],
])
def test_every_reader_names_the_event_that_does_not_fit_in_one_line(
        office_dir: Path, args: list[str]) -> None:
    assert kcc(office_dir, "ticket", "issue", "eid", "--outside-hours").returncode == 0
    seq = bad_call(office_dir / "kcc.db")
    p = kcc(office_dir, *args)
    out = p.stdout if "--json" in args else p.stderr
    assert p.returncode == 1
    assert len(out.strip().splitlines()) == 1
    assert f"event #{seq} (ticket_called) does not fit" in out and "'A009'" in out
    assert "kcc store check" in out and "kcc store restore" in out


def test_store_check_explains_the_damage_and_the_way_out(office_dir: Path) -> None:
    seq = bad_call(office_dir / "kcc.db")
    p = kcc(office_dir, "store", "check")
    assert p.returncode == 1
    assert f"event #{seq}" in p.stderr and "cannot write such an event" in p.stderr
    assert "restore the last backup made before that event" in p.stderr


async def test_an_app_store_opens_with_a_one_line_error_not_a_traceback(tmp_path: Path) -> None:
    db, office = tmp_path / "kcc.db", make_office()
    await create_store(db, office)
    bad_call(db)
    with pytest.raises(StoreDamaged, match=r"event #1 \(ticket_called\)"):
        async with Store(db, office):
            pass


# -- only files kcc made ----------------------------------------------------------------------
@pytest.mark.parametrize("args", [["state"], ["init"],
                                  ["ticket", "issue", "eid", "--outside-hours"],
                                  ["store", "check"]])
def test_an_empty_database_file_is_refused(office_dir: Path, args: list[str]) -> None:
    (office_dir / "kcc.db").write_bytes(b"")
    p = kcc(office_dir, *args)
    assert p.returncode == 1 and "empty (0-byte) file, not one made by `kcc init`" in p.stderr
    assert (office_dir / "kcc.db").stat().st_size == 0  # and left as found


def test_a_foreign_database_is_refused(office_dir: Path) -> None:
    (office_dir / "kcc.db").unlink()
    with sqlite3.connect(office_dir / "kcc.db") as c:  # another program's database
        c.execute("CREATE TABLE photos (id INTEGER)")
    for args in (["state"], ["init"]):
        p = kcc(office_dir, *args)
        assert p.returncode == 1 and "is not a kcc database" in p.stderr
    with sqlite3.connect(office_dir / "kcc.db") as c:  # untouched: no kcc tables added
        names = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
    assert names == {"photos"}


# -- backups ----------------------------------------------------------------------------------
def fill(db: Path, n: int) -> None:
    """Heartbeats (valid events that change no read model) to make a database big, quickly."""
    with sqlite3.connect(db) as c:
        day, at = str(date.today()), iso(system_clock())
        data = json.dumps({"source": "x", "kind": "display", "status": "ok", "detail": "." * 200})
        c.executemany("INSERT INTO events (stream, version, type, at, day, actor, data) VALUES "
                      "(?, ?, 'heartbeat', ?, ?, 'x', ?)",
                      [(f"device:x:{day}", i, at, day, data) for i in range(1, n + 1)])
    with contextlib.closing(sqlite3.connect(db)) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def limited(limit: int) -> None:
    """preexec_fn: a 'disk' that is full after `limit` bytes of any one file."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_backup_that_fails_on_a_full_disk_leaves_nothing_a_later_run_calls_verified(
        office_dir: Path) -> None:
    fill(office_dir / "kcc.db", 4000)  # ~1 MB, well over the limit below
    size = (office_dir / "kcc.db").stat().st_size
    assert size > 600_000
    backups = office_dir / "backups"
    p = kcc(office_dir, "store", "daily-backup", cwd=office_dir,
            preexec_fn=lambda: limited(size // 3))
    assert p.returncode == 1, p.stdout
    assert not list(backups.glob("*"))  # neither the backup nor a partial file
    p = kcc(office_dir, "store", "backup", str(office_dir / "copy.db"),
            preexec_fn=lambda: limited(size // 3))
    assert p.returncode == 1 and not (office_dir / "copy.db").exists()
    # a day's file that is bad anyway (left by an older kcc) is made afresh, then verified
    today = backups / f"kcc-{date.today()}.db"
    backups.mkdir(exist_ok=True)
    today.write_bytes(b"")
    p = kcc(office_dir, "store", "daily-backup", cwd=office_dir)
    assert p.returncode == 0 and "(verified)" in p.stdout
    assert kcc(office_dir, "store", "restore", str(today), "--yes").returncode == 0


async def test_restore_gives_the_store_a_new_generation(tmp_path: Path) -> None:
    db, office = tmp_path / "kcc.db", make_office()
    await create_store(db, office)
    async with Store(db, office) as s:
        await s.backup(tmp_path / "b.db")
        generation = s.generation
    restore(tmp_path / "b.db", db)
    async with Store(db, office) as s:
        assert s.generation not in (None, generation)
    assert not list(tmp_path.glob(".*"))  # no staging file left


# -- lost events ------------------------------------------------------------------------------
async def test_a_deleted_wal_is_noticed_by_the_running_process(tmp_path: Path) -> None:
    db, office = tmp_path / "kcc.db", make_office()
    await create_store(db, office)
    async with Store(db, office) as s:
        await s.execute(C.IssueTicket("eid"), "k")
        db.with_name("kcc.db-wal").unlink()  # what must never be done
        with pytest.raises(StoreMissing, match="kcc.db-wal was DELETED while kcc ran"):
            await s.poll()


WRITER = """
import asyncio, sys
sys.path.insert(0, {tests!r})
from factories import make_office
from kcc_tui.domain import commands as C
from kcc_tui.store import Store
async def main():
    async with Store({db!r}, make_office()) as s:
        for _ in range(3):
            await s.execute(C.IssueTicket("eid"), "k")
        print("acknowledged", flush=True)
        await asyncio.sleep(60)
asyncio.run(main())
"""


async def test_events_lost_with_a_deleted_wal_are_named_by_the_next_process(
        tmp_path: Path) -> None:
    db, office = tmp_path / "kcc.db", make_office()
    await create_store(db, office)
    writer = subprocess.Popen([sys.executable, "-c", WRITER.format(
        tests=str(Path(__file__).parent), db=str(db))], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "acknowledged"
        # what must never be done: the WAL (holding the acknowledged commits) deleted, and the
        # process that wrote them stopped before it could checkpoint
        db.with_name("kcc.db-wal").unlink()
        db.with_name("kcc.db-shm").unlink()
    finally:
        writer.kill()
        writer.wait()
    async with Store(db, office) as fresh:
        assert fresh.lost is not None and "LOST acknowledged events" in fresh.lost
        assert "ends at #0, but #3 was written" in fresh.lost
        assert any("LOST" in p for p in await fresh.check())
        await fresh.accept_loss()
    async with Store(db, office) as again:
        assert again.lost is None and await again.check() == []


async def test_a_store_opened_while_another_writer_commits_reports_no_loss(
        tmp_path: Path) -> None:
    """The mark names only committed events; one written between our read of the log and our
    read of the mark is no loss (a busy office opened every `kcc state` with a false alarm)."""
    db, office = tmp_path / "kcc.db", make_office()
    async with Store(db, office, create=True) as writer:
        await writer.execute(C.IssueTicket("eid"))
        opening = Store(db, office)
        fold = opening.reload

        async def fold_then_another_writes() -> None:
            await fold()
            await writer.execute(C.IssueTicket("eid"))  # committed and marked after our read

        opening.reload = fold_then_another_writes  # type: ignore[method-assign]
        async with opening:
            assert opening.lost is None and writer.state.seq > opening.state.seq


def test_the_cli_says_so_loudly_and_check_fails_until_the_loss_is_accepted(
        office_dir: Path) -> None:
    db = office_dir / "kcc.db"
    assert kcc(office_dir, "ticket", "issue", "eid", "--outside-hours").returncode == 0
    lock = Path(f"{db}.lock")
    generation, seq = lock.read_text().split()
    lock.write_text(f"{generation} {int(seq) + 5:020d}\n")  # 5 acknowledged events missing
    p = kcc(office_dir, "state")
    assert p.returncode == 0 and "kcc: WARNING: database" in p.stderr and "LOST" in p.stderr
    assert kcc(office_dir, "store", "check").returncode == 1
    assert kcc(office_dir, "store", "check", "--accept-loss").returncode == 0
    assert kcc(office_dir, "store", "check").returncode == 0


# -- issue 22: the CLI's store corners -----------------------------------------------------------
def test_restore_not_confirmed_exits_1_with_a_message(office_dir: Path) -> None:
    assert kcc(office_dir, "store", "backup", str(office_dir / "b.db")).returncode == 0
    p = kcc(office_dir, "store", "restore", str(office_dir / "b.db"), stdin="n\n")
    assert p.returncode == 1 and "restore not confirmed: nothing was changed" in p.stderr
    p = kcc(office_dir, "store", "restore", str(office_dir / "b.db"), stdin="")  # no terminal
    assert p.returncode == 1 and "no answer; add --yes" in p.stderr


def test_rebuild_counts_one_business_day_in_the_singular(office_dir: Path) -> None:
    assert kcc(office_dir, "ticket", "issue", "eid", "--outside-hours").returncode == 0
    assert kcc(office_dir, "store", "rebuild").stdout.strip() == \
        "read models rebuilt from 1 business day"


def test_a_read_only_database_on_a_read_only_mount_can_be_read(office_dir: Path) -> None:
    """No -wal or -shm beside it and none can be made: reading works, writing is refused."""
    assert kcc(office_dir, "ticket", "issue", "eid", "--outside-hours").returncode == 0
    cmd = ("mount --bind {d} {d} && mount -o remount,ro,bind {d} && "
           "{kcc} --config {d}/config.toml --db {d}/kcc.db --json {args}")
    kcc_cmd = " ".join(KCC)

    def in_ro_mount(args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["unshare", "-m", "sh", "-c",
                               cmd.format(d=office_dir, kcc=kcc_cmd, args=args)],
                              capture_output=True, text=True, timeout=60)

    if shutil.which("unshare") is None or in_ro_mount("state").returncode not in (0, 1) \
            or "mount" in in_ro_mount("state").stderr:
        pytest.skip("no private read-only mount here (needs unshare -m)")
    p = in_ro_mount("state")
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads(p.stdout)["services"]
    p = in_ro_mount("ticket issue eid --outside-hours")
    assert p.returncode == 1 and "read-only" in p.stdout

