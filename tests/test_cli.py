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

KCC = [sys.executable, "-m", "kcc_tui"]
EXAMPLE_NOTE = "using the built-in example office"


class Kcc:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "kcc.db"

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
def kcc(tmp_path: Path) -> Kcc:
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
    assert code == 1 and out == {"error": "Loket 1 has no current ticket"}
    code, out, _ = kcc("post", "call-next", "loket1")
    assert code == 1 and "no tickets waiting" in out["error"]  # type: ignore[index]
    assert events(kcc.db) == before


def test_wrong_pin_is_refused_but_recorded(kcc: Kcc) -> None:
    code, out, _ = kcc("post", "open", "loket1", "--staff", "an", pin="0000")
    assert code == 1 and out == {"error": "wrong PIN (4 tries left)"}
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
def test_bad_database_gives_one_line(kcc: Kcc, prepare, message: str) -> None:  # type: ignore[no-untyped-def]
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
    assert kcc.ok("store", "rebuild")["rebuilt_days"] == 1
    assert kcc.ok("store", "check") == {"ok": True}
    code, out, _ = kcc("store", "backup", str(kcc.folder / "b.db"))
    assert code == 1 and "already exists" in out["error"]  # type: ignore[index]


def test_events_lists_the_log(kcc: Kcc) -> None:
    kcc.ok("ticket", "issue", "eid", "--outside-hours")
    code, text, _ = kcc("events", json_out=False)
    assert code == 0 and "ticket_issued" in str(text) and "A001" in str(text)


def events(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT type FROM events ORDER BY seq")]
