"""The `kcc` CLI as scripts use it: real processes, one JSON object per command, exit codes
0 (done), 1 (refused or store problem), 2 (bad usage or config)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from engines import sql

from kcc_tui.bench.pgcluster import free_port
from kcc_tui.config import example_path

KCC = [sys.executable, "-m", "kcc_tui"]
EXAMPLE_NOTE = "using the built-in example office"


class Kcc:
    def __init__(self, folder: Path, db: str | Path | None = None) -> None:
        self.folder = folder
        self.db = db or folder / "kcc.db"

    def __call__(self, *args: str, json_out: bool = True,
                 pin: str | None = None) -> tuple[int, object, str]:
        cmd = [*KCC, "--db", str(self.db), *(["--json"] if json_out else []), *args]
        env = {**os.environ, "KCC_CONFIG": "", **({"KCC_PIN": pin} if pin else {})}
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=self.folder, timeout=60,
                           env={**env, "XDG_CONFIG_HOME": str(self.folder / "xdg")})
        assert "Traceback" not in p.stderr, p.stderr
        # the built-in office (no config.toml anywhere) is named at most once, on stderr
        assert p.stderr.count(EXAMPLE_NOTE) <= 1, p.stderr
        p.stderr = "".join(line for line in p.stderr.splitlines(keepends=True)
                           if EXAMPLE_NOTE not in line)
        out: object = p.stdout
        if json_out:
            lines = p.stdout.strip().splitlines()
            assert len(lines) == 1, p.stdout  # exactly one JSON object
            out = json.loads(lines[0])
        return p.returncode, out, p.stderr

    def ok(self, *args: str, pin: str | None = None) -> dict:
        code, out, err = self(*args, pin=pin)
        assert code == 0, (out, err)
        assert isinstance(out, dict)
        return out


@pytest.fixture
def kcc(tmp_path: Path, store_target: str | Path) -> Kcc:
    """The CLI on an initialised store: an SQLite file, then a PostgreSQL database."""
    k = Kcc(tmp_path, store_target)
    k.ok("init")
    # the example office on a server: the pepper goes to the working folder, never into kcc
    assert (tmp_path / "kcc.pepper").exists()
    assert not (Path(example_path()).parent / "kcc.pepper").exists()
    return k


@pytest.fixture
def kcc_sqlite(tmp_path: Path) -> Kcc:
    k = Kcc(tmp_path)
    k.ok("init")
    return k


def test_a_morning_through_the_cli(kcc: Kcc) -> None:
    t = kcc.ok("ticket", "issue", "eid", "--outside-hours")["ticket"]
    assert (t["number"], t["service"], t["status"]) == ("A001", "eid", "waiting")
    issued = kcc.ok("ticket", "issue", "rijbewijs", "--lang", "fr", "--outside-hours")
    assert issued["ticket"]["number"] == "B001"
    kcc.ok("post", "open", "loket1", "--staff", "an", pin="1111")
    called = kcc.ok("post", "call-next", "loket1")
    assert called["ticket"]["number"] == "A001" and called["ticket"]["status"] == "called"
    assert kcc.ok("post", "recall", "loket1")["ticket"]["recalls"] == 1
    kcc.ok("post", "start", "loket1")
    done = kcc.ok("post", "finish", "loket1", "--topic", "eid-lost")["ticket"]
    assert (done["status"], done["topics"]) == ("done", ["eid-lost"])
    state = kcc.ok("state")
    eid = next(s for s in state["services"] if s["service"] == "eid")
    assert eid["waiting"] == 0
    post = next(p for p in state["posts"] if p["post"] == "loket1")
    assert (post["staff"], post["state"], post["served"]) == ("an", "idle", 1)
    listed = kcc.ok("ticket", "list", "--status", "waiting")["tickets"]
    assert [x["number"] for x in listed] == ["B001"]


def test_refused_in_the_current_state_exits_1_and_appends_nothing(kcc: Kcc) -> None:
    kcc.ok("post", "open", "loket1", "--staff", "an", pin="1111")
    before = events(kcc.db)
    code, out, _ = kcc("post", "recall", "loket1")
    assert code == 1 and out == {"error": "Loket 1 has no current ticket",
                                  "reason": "no_current_ticket"}
    code, out, _ = kcc("post", "call-next", "loket1")
    assert code == 1 and "no tickets waiting" in out["error"]  # type: ignore[index]
    assert events(kcc.db) == before


def test_wrong_pin_is_refused_but_recorded(kcc: Kcc) -> None:
    code, out, _ = kcc("post", "open", "loket1", "--staff", "an", pin="0000")
    assert code == 1 and out == {"error": "wrong PIN (4 tries left)", "reason": "wrong_pin"}
    assert events(kcc.db) == ["staff_login_failed"]


@pytest.mark.parametrize("args, message", [
    (["ticket", "issue", "paspoort"], "unknown service 'paspoort'"),
    (["post", "call-next", "loket9"], "unknown post 'loket9'"),
    (["post", "open", "loket1", "--staff", "nobody", "--pin", "-"], "unknown staff 'nobody'"),
    (["ticket", "list", "--status", "lost"], "'lost' is not one of"),
    (["events", "--since", "-4"], "-4 is not in the range"),
    (["ticket", "issue"], "Missing argument 'SERVICE'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_bad_usage_exits_2_with_one_line(kcc: Kcc, args: list[str], message: str) -> None:
    code, out, _ = kcc(*args)
    assert code == 2
    assert message in out["error"] and "\n" not in out["error"]  # type: ignore[index]
    code, text, err = kcc(*args, json_out=False)
    assert code == 2 and message in err and err.count("\n") == 1


def test_bad_config_exits_2(kcc: Kcc) -> None:
    bad = kcc.folder / "bad.toml"
    bad.write_text("[office]\nname = 3\n")
    code, out, _ = kcc("--config", str(bad), "state")
    assert code == 2 and out["error"].startswith(f"{bad}:")  # type: ignore[index]


@pytest.mark.parametrize("prepare, message", [
    (lambda db: db.unlink(), "does not exist; create it with `kcc init`"),
    (lambda db: db.write_bytes(b"garbage" * 1000), "is damaged"),
    (lambda db: sqlite3.connect(db).execute("PRAGMA user_version = 7"), "upgrade kcc"),
    (lambda db: (db.unlink(), db.mkdir()), "is a folder, not a database file"),
])
def test_bad_database_gives_one_line(kcc_sqlite: Kcc, prepare, message: str) -> None:  # type: ignore[no-untyped-def]
    kcc = kcc_sqlite
    for suffix in ("-wal", "-shm"):
        Path(f"{kcc.db}{suffix}").unlink(missing_ok=True)
    prepare(kcc.db)
    code, out, _ = kcc("state")
    assert code == 1 and message in out["error"]  # type: ignore[index]
    code, _, err = kcc("state", json_out=False)
    assert code == 1 and message in err and err.count("\n") == 1


def test_store_backup_check_rebuild(kcc: Kcc) -> None:
    kcc.ok("ticket", "issue", "eid", "--outside-hours")
    assert kcc.ok("store", "backup", str(kcc.folder / "b.db"))["integrity"] == "ok"
    assert (kcc.folder / "b.db").stat().st_size > 0
    assert kcc.ok("store", "rebuild")["rebuilt_days"] == 1
    assert kcc.ok("store", "check") == {"ok": True}
    code, out, _ = kcc("store", "backup", str(kcc.folder / "b.db"))
    assert code == 1 and "already exists" in out["error"]  # type: ignore[index]
    kcc.ok("ticket", "issue", "eid", "--outside-hours")
    restored = kcc.ok("store", "restore", str(kcc.folder / "b.db"), "--yes")
    assert restored["previous"] and Path(restored["previous"]).exists()
    assert events(kcc.db) == ["ticket_issued"]  # the backup's content, one ticket


def test_daily_backup_on_either_engine(kcc: Kcc) -> None:
    kcc.ok("ticket", "issue", "eid", "--outside-hours")
    made = kcc.ok("store", "daily-backup")["backup"]
    path = kcc.folder / made  # backup_dir is relative to the working directory
    assert path.parent == kcc.folder / "backups" and path.stat().st_size > 0
    assert path.suffix == (".dump" if isinstance(kcc.db, str) else ".db")  # pg_dump on a server
    assert kcc.ok("store", "daily-backup")["backup"] == made  # once a day


def test_events_lists_the_log(kcc: Kcc) -> None:
    kcc.ok("ticket", "issue", "eid", "--outside-hours")
    code, text, _ = kcc("events", json_out=False)
    assert code == 0 and "ticket_issued" in str(text) and "A001" in str(text)


def events(db: str | Path) -> list[str]:
    return [r[0] for r in sql(db, "SELECT type FROM events ORDER BY seq")]


# -- a store on a server: chosen by URL, and one line when it cannot be reached ---------------
def test_the_store_is_chosen_by_db_then_kcc_db_then_store_url(tmp_path: Path,
                                                              pg_url: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(Path(example_path()).read_text().replace(
        "[store]", f'[store]\nurl = "{pg_url}"', 1))
    cmd = [*KCC, "--config", str(config), "--json"]
    env = {**os.environ}
    env.pop("KCC_DB", None)
    p = subprocess.run([*cmd, "init"], capture_output=True, text=True, env=env, cwd=tmp_path,
                       timeout=60)
    assert p.returncode == 0 and json.loads(p.stdout)["db"] == pg_url, p.stderr
    assert (tmp_path / "kcc.pepper").exists()  # beside config.toml, not beside a file
    p = subprocess.run([*cmd, "ticket", "issue", "eid", "--outside-hours"], capture_output=True,
                       text=True, env=env, cwd=tmp_path, timeout=60)
    assert json.loads(p.stdout)["ticket"]["number"] == "A001"
    assert events(pg_url) == ["ticket_issued"]
    # $KCC_DB wins over [store] url, --db over both
    local = tmp_path / "local.db"
    p = subprocess.run([*cmd, "init"], capture_output=True, text=True, cwd=tmp_path,
                       env={**env, "KCC_DB": str(local)}, timeout=60)
    assert json.loads(p.stdout)["db"] == str(local)
    p = subprocess.run([*cmd, "--db", pg_url, "state"], capture_output=True, text=True,
                       cwd=tmp_path, env={**env, "KCC_DB": str(local)}, timeout=60)
    assert p.returncode == 0 and json.loads(p.stdout)["seq"] == 1  # the server's log


@pytest.mark.parametrize("url, message", [
    ("postgresql://kcc@127.0.0.1:{free}/kcc", "is not reachable (is PostgreSQL running?)"),
    ("postgresql://clerk:wrong@127.0.0.1:{port}/postgres", "wrong user name or password"),
    ("postgresql://kcc@127.0.0.1:{port}/nosuch", "does not exist: create it (`createdb`)"),
    ("postgresql://kcc@127.0.0.1:{port}/postgres", "holds no kcc schema"),
])
def test_a_server_store_that_cannot_be_used_is_one_line(tmp_path: Path, pg_cluster, url: str,
                                                        message: str) -> None:  # type: ignore[no-untyped-def]
    url = url.format(free=free_port(), port=pg_cluster.port)
    k = Kcc(tmp_path, url)
    code, out, _ = k("state")
    assert code == 1 and message in out["error"]  # type: ignore[index]
    assert "wrong" not in out["error"].split("@")[0].split("//")[1]  # type: ignore[index]
    code, _, err = k("state", json_out=False)
    assert code == 1 and message in err and err.count("\n") == 1
