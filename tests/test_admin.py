"""Hardening: roles, PIN changes, the audit trail, backups and restore, a full disk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import T0, make_office

from kcc_tui.config import example_path
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.ledger import Ledger
from kcc_tui.store import Store, StoreFull
from kcc_tui.store.backups import daily_backup

KCC = [sys.executable, "-m", "kcc_tui"]
WORKERS = str(Path(__file__).parent / "workers.py")


def kcc(folder: Path, *args: str, stdin: str = "", pin: str | None = None,
        **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"KCC_PIN": pin} if pin else {}), **kw.pop("env", {})}
    p = subprocess.run([*KCC, "--config", str(folder / "config.toml"), "--db",
                        str(folder / "kcc.db"), *args], input=stdin, capture_output=True,
                       text=True, timeout=60, env=env, **kw)
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.fixture
def office_dir(tmp_path: Path) -> Path:
    shutil.copy(example_path(), tmp_path / "config.toml")
    assert kcc(tmp_path, "init").returncode == 0
    return tmp_path


@pytest.mark.parametrize("command", [
    C.MoveStaff("an", "l2"), C.ChangeProfile("l1", {"eid": 1}), C.SetIssuing("eid", False),
    C.Broadcast("hallo"), C.EndDay(),
])
def test_coordinator_actions_need_the_coordinator_role(command: C.Command) -> None:
    lg = Ledger(make_office(), FixedClock(T0))
    with pytest.raises(C.Refused, match="only a coordinator"):
        lg.execute(command, "bo")
    assert lg.log == []
    lg.execute(command, "coord")  # the coordinator may


def test_counter_actions_need_the_staff_member_logged_in_there() -> None:
    lg = Ledger(make_office(), FixedClock(T0))
    lg.execute(C.IssueTicket("eid"), "kiosk")
    lg.execute(C.OpenPost("l1", "an", True))
    for cmd in (C.CallNext("l1"), C.Pause("l1"), C.ClosePost("l1")):
        with pytest.raises(C.Refused, match="kiosk is not logged in at Loket 1"):
            lg.execute(cmd, "kiosk")  # a kiosk can only issue


def test_set_pin_changes_the_hash_in_config_and_is_audited(office_dir: Path) -> None:
    before = (office_dir / "config.toml").read_text()
    p = kcc(office_dir, "staff", "set-pin", "an", stdin="4321\n4321\n")
    assert p.returncode == 0, p.stderr
    after = (office_dir / "config.toml").read_text()
    assert after != before and "4321" not in after
    assert after.count("\n") == before.count("\n")  # comments and layout kept
    assert kcc(office_dir, "post", "open", "loket1", "--staff", "an", pin="1111"
               ).returncode == 1
    assert kcc(office_dir, "post", "open", "loket1", "--staff", "an", pin="4321"
               ).returncode == 0
    audit = json.loads(kcc(office_dir, "--json", "audit", "--staff", "an").stdout)
    assert [(e["actor"], e["type"]) for e in audit["events"]] == [
        ("system", "staff_pin_changed"), ("an", "staff_login_failed"), ("an", "post_opened")]


def test_set_pin_refuses_a_bad_pin(office_dir: Path) -> None:
    p = kcc(office_dir, "staff", "set-pin", "an", pin="12")
    assert p.returncode == 2 and "4 to 12 digits" in p.stderr


def test_audit_lists_who_did_what_by_day(office_dir: Path) -> None:
    kcc(office_dir, "ticket", "issue", "eid", "--kiosk", "onthaal", "--outside-hours")
    kcc(office_dir, "post", "open", "loket1", "--staff", "an", pin="1111")
    kcc(office_dir, "post", "call-next", "loket1")
    refused = kcc(office_dir, "staff", "move", "an", "loket2")
    assert refused.returncode == 1 and "an is serving A001" in refused.stderr
    kcc(office_dir, "post", "finish", "loket1")
    kcc(office_dir, "staff", "move", "an", "loket2")
    lines = kcc(office_dir, "audit").stdout.splitlines()
    assert [line.split()[2:4] for line in lines] == [
        ["onthaal", "ticket_issued"], ["an", "post_opened"], ["an", "ticket_called"],
        ["an", "ticket_finished"], ["system", "post_closed"], ["system", "post_opened"],
        ["system", "staff_moved"]]
    only_an = kcc(office_dir, "audit", "--staff", "an").stdout
    assert "ticket_issued" not in only_an and "staff_moved" in only_an
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert kcc(office_dir, "audit", "--day", tomorrow).stdout.strip() == "nothing"
    bad = kcc(office_dir, "audit", "--day", "yesterday")
    assert bad.returncode == 2 and "yesterday" in bad.stderr


def test_backup_while_writing_then_restore(office_dir: Path) -> None:
    db = office_dir / "kcc.db"
    writer = subprocess.Popen([*KCC, "--config", str(office_dir / "config.toml"), "--db",
                               str(db), "ticket", "issue", "eid", "--outside-hours"])
    backups = []
    for i in range(3):
        p = kcc(office_dir, "--json", "store", "backup", str(office_dir / f"b{i}.db"))
        assert p.returncode == 0, p.stdout
        backups.append(json.loads(p.stdout)["backup"])
    writer.wait(timeout=60)
    for _ in range(5):
        kcc(office_dir, "ticket", "issue", "reispas", "--outside-hours")
    p = kcc(office_dir, "--json", "store", "restore", backups[0], "--yes")
    assert p.returncode == 0, p.stdout
    previous = json.loads(p.stdout)["previous"]
    listed = json.loads(kcc(office_dir, "--json", "ticket", "list").stdout)["tickets"]
    assert not any(t["service"] == "reispas" for t in listed)  # back to the backup
    with sqlite3.connect(previous) as c:  # and the replaced content was kept
        assert c.execute("SELECT count(*) FROM events WHERE data LIKE '%reispas%'"
                         ).fetchone()[0] == 5
    assert json.loads(kcc(office_dir, "--json", "store", "check").stdout) == {"ok": True}


def test_restore_refuses_a_damaged_backup(office_dir: Path) -> None:
    bad = office_dir / "bad.db"
    bad.write_bytes(b"nope" * 500)
    p = kcc(office_dir, "store", "restore", str(bad), "--yes")
    assert p.returncode == 1 and p.stderr.startswith("kcc: restore refused:")


async def test_daily_backup_rotates(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for age in (1, 5, 20, 40):
        (folder / f"kcc-{date(2026, 11, 24) - timedelta(days=age)}.db").write_text("old")
    (folder / "notes.txt").write_text("not ours")
    async with Store(tmp_path / "kcc.db", make_office(), clock=FixedClock(T0),
                     create=True) as store:
        await store.execute(C.IssueTicket("eid"))
        path, removed = await daily_backup(store, folder, 14, date(2026, 11, 24))
        again, _ = await daily_backup(store, folder, 14, date(2026, 11, 24))
    assert path == again == folder / "kcc-2026-11-24.db"
    assert sorted(p.name for p in removed) == ["kcc-2026-10-15.db", "kcc-2026-11-04.db"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "kcc-2026-11-19.db", "kcc-2026-11-23.db", "kcc-2026-11-24.db", "notes.txt"]


async def test_full_disk_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with Store(tmp_path / "kcc.db", make_office(), clock=clock, create=True) as store:
        await store.execute(C.IssueTicket("eid"))
        pages = (await (await store.db.execute("PRAGMA page_count")).fetchone())[0]
        await store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        with pytest.raises(StoreFull, match="the disk is full; free space, then try again"):
            for _ in range(200):
                await store.execute(C.IssueTicket("eid"))
        issued = len(store.state.tickets)
        await store.db.execute("PRAGMA max_page_count = 1000000")  # space freed
        (e,) = await store.execute(C.IssueTicket("eid"))
        assert e.data["n"] == issued + 1  # no gap, nothing half-written
        assert await store.check() == []


def test_example_config_is_not_rewritten(tmp_path: Path) -> None:
    env = {**os.environ, "KCC_CONFIG": example_path()}
    p = subprocess.run([*KCC, "--db", str(tmp_path / "k.db"), "staff", "set-pin", "an",
                        "--pin", "-"], input="4321\n", capture_output=True, text=True,
                       cwd=tmp_path, env=env)
    assert p.returncode == 2 and "cannot be changed" in p.stderr
