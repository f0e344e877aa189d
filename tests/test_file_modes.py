"""What kcc creates is owner-only (0600): the database with its WAL, shm and lock files, the
backups, the pepper, the log and a rewritten config.toml — whatever the umask of the shell."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from kcc_tui.config import example_path, load_settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.pins import is_peppered, verify_pin
from kcc_tui.pepper import load_pepper
from kcc_tui.store import Store

KCC = [sys.executable, "-m", "kcc_tui"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def kcc(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KCC_PIN", "INVOCATION_ID")}
    p = subprocess.run([*KCC, "--config", str(folder / "config.toml"), "--db",
                        str(folder / "kcc.db"), *args], capture_output=True, text=True,
                       timeout=60, input=stdin, env=env, cwd=folder,
                       preexec_fn=lambda: os.umask(0o022))  # a usual, permissive umask
    assert "Traceback" not in p.stderr, p.stderr
    return p


async def test_every_file_kcc_creates_is_owner_only(tmp_path: Path) -> None:
    shutil.copy(example_path(), tmp_path / "config.toml")
    os.chmod(tmp_path / "config.toml", 0o644)  # as an editor or a copy left it
    assert kcc(tmp_path, "init").returncode == 0
    assert kcc(tmp_path, "post", "recall", "loket1").returncode == 1  # writes the log
    assert kcc(tmp_path, "store", "backup", str(tmp_path / "copy.db")).returncode == 0
    assert kcc(tmp_path, "store", "daily-backup").returncode == 0, "daily backup"
    p = kcc(tmp_path, "store", "restore", "--yes", str(tmp_path / "copy.db"))
    assert p.returncode == 0, p.stderr
    assert kcc(tmp_path, "staff", "set-pin", "an", stdin="4321\n4321\n").returncode == 0
    made = {p.name: mode(p) for p in tmp_path.rglob("*") if p.is_file()}
    made.pop("config.toml")
    assert set(made) >= {"kcc.db", "kcc.db.lock", "kcc.pepper", "kcc.log", "copy.db"}
    assert any(n.startswith("kcc.db.before-restore-") for n in made)
    assert any(n.startswith("kcc-") for n in made)  # the daily backup in backups/
    assert made == {name: 0o600 for name in made}
    assert mode(tmp_path / "config.toml") & 0o007 == 0  # no longer world-readable
    # The WAL and shm files take the database's mode while a process has it open.
    old = os.umask(0o022)
    try:
        settings = load_settings(tmp_path / "config.toml")
        async with Store(tmp_path / "kcc.db", settings.office) as store:
            await store.execute(C.IssueTicket("eid"))
            for suffix in ("-wal", "-shm"):
                assert mode(tmp_path / f"kcc.db{suffix}") == 0o600, suffix
    finally:
        os.umask(old)


def test_a_copy_of_config_toml_alone_cannot_test_a_pin(tmp_path: Path) -> None:
    shutil.copy(example_path(), tmp_path / "config.toml")
    assert kcc(tmp_path, "init").returncode == 0
    assert kcc(tmp_path, "staff", "set-pin", "an", stdin="4321\n4321\n").returncode == 0
    pin_hash = load_settings(tmp_path / "config.toml").office.staff["an"].pin_hash
    assert is_peppered(pin_hash)
    pepper = load_pepper(tmp_path / "kcc.db")
    assert pepper and len(pepper) == 32
    assert verify_pin("4321", pin_hash, pepper)
    assert not verify_pin("4321", pin_hash)  # the right PIN, but no pepper: no answer
    assert not verify_pin("4321", pin_hash, b"x" * 32)
    env = {"KCC_PIN": "4321"}
    p = subprocess.run([*KCC, "--config", str(tmp_path / "config.toml"), "--db",
                        str(tmp_path / "kcc.db"), "post", "open", "loket1", "--staff", "an"],
                       capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert p.returncode == 0, p.stderr
    # the example office's hashes (without pepper) are still accepted beside it
    p = subprocess.run([*KCC, "--config", str(tmp_path / "config.toml"), "--db",
                        str(tmp_path / "kcc.db"), "post", "open", "loket2", "--staff", "bart"],
                       capture_output=True, text=True, env={**os.environ, "KCC_PIN": "2222"},
                       timeout=60)
    assert p.returncode == 0, p.stderr
