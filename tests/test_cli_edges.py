"""Edges of the `kcc` CLI a newcomer meets: where the config comes from, bad values, opening
hours. Real processes, as a script would run them."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tomlkit

from kcc_tui.config import example_path, load_settings, loader
from kcc_tui.domain.calendar import WEEKDAY_KEYS

KCC = [sys.executable, "-m", "kcc_tui"]
NOTE = "using the built-in example office"


def kcc(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "KCC_CONFIG": "", "XDG_CONFIG_HOME": str(folder / "xdg"), **env}
    p = subprocess.run([*KCC, *args], capture_output=True, text=True, cwd=folder, timeout=60,
                       env=base)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def office(folder: Path, hours: dict[str, list[str]] | None, name: str = "config.toml") -> Path:
    """The example office with other opening hours (None: no [hours], always open)."""
    doc = tomlkit.parse(Path(example_path()).read_text(encoding="utf-8"))
    doc.pop("hours", None)
    if hours is not None:
        doc["hours"] = hours
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return path


def events(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]


def test_unknown_language_is_bad_usage(tmp_path: Path) -> None:
    assert kcc(tmp_path, "--db", "k.db", "init").returncode == 0
    p = kcc(tmp_path, "--db", "k.db", "--json", "ticket", "issue", "eid", "--lang", "xx",
            "--outside-hours")
    assert p.returncode == 2
    assert "unknown language 'xx'" in json.loads(p.stdout)["error"]
    assert events(tmp_path / "k.db") == 0


def test_missing_file_named_by_the_environment(tmp_path: Path) -> None:
    p = kcc(tmp_path, "state", KCC_CONFIG=str(tmp_path / "gone.toml"))
    assert p.returncode == 2
    assert p.stderr == f"kcc: {tmp_path / 'gone.toml'}: file not found (named by $KCC_CONFIG)\n"
    # --config names it itself: no suffix
    p = kcc(tmp_path, "--config", str(tmp_path / "gone.toml"), "state")
    assert p.returncode == 2 and p.stderr.endswith("gone.toml: file not found\n")


def test_the_built_in_office_is_named_once_on_stderr(tmp_path: Path) -> None:
    assert kcc(tmp_path, "--db", "k.db", "init").returncode == 0
    p = kcc(tmp_path, "--db", "k.db", "--json", "state")
    assert p.returncode == 0 and p.stderr.count(NOTE) == 1, p.stderr
    assert "./config.toml" in p.stderr and str(tmp_path / "xdg/kcc/config.toml") in p.stderr
    json.loads(p.stdout)  # stdout stays exactly one JSON object
    for args in (["init"], ["--json", "state"]):  # without --db: the example's own kcc.db
        p = kcc(tmp_path, *args)
        assert p.returncode == 0 and p.stderr.count(NOTE) == 1, p.stderr
    office(tmp_path, None)
    p = kcc(tmp_path, "--db", "k.db", "state")
    assert p.returncode == 0 and NOTE not in p.stderr


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KCC_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(loader, "SYSTEM_CONFIG", tmp_path / "etc/kcc/config.toml")
    assert load_settings().source == example_path()
    system = office(tmp_path, None, "etc/kcc/config.toml")
    assert load_settings().source == str(system)
    user = office(tmp_path, None, "xdg/kcc/config.toml")
    assert load_settings().source == str(user)
    office(tmp_path, None)
    assert load_settings().source == "config.toml"
    # no $XDG_CONFIG_HOME (or a relative one, which the spec says to ignore): ~/.config
    (tmp_path / "config.toml").unlink()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for value in ("", "relative/dir"):
        monkeypatch.setenv("XDG_CONFIG_HOME", value)
        assert load_settings().source == str(system)
        home = office(tmp_path, None, "home/.config/kcc/config.toml")
        assert load_settings().source == str(home)
        home.unlink()


def test_tickets_only_while_open_unless_outside_hours(tmp_path: Path) -> None:
    today = WEEKDAY_KEYS[datetime.now(ZoneInfo("Europe/Brussels")).weekday()]
    other = WEEKDAY_KEYS[(WEEKDAY_KEYS.index(today) + 3) % 7]
    config = str(office(tmp_path, {other: ["08:30-12:30"]}))  # closed all of today
    db = tmp_path / "k.db"
    assert kcc(tmp_path, "--config", config, "--db", str(db), "init").returncode == 0
    p = kcc(tmp_path, "--config", config, "--db", str(db), "ticket", "issue", "eid")
    assert p.returncode == 1 and "office is closed" in p.stderr and "--outside-hours" in p.stderr
    assert p.stderr.count("\n") == 1 and events(db) == 0
    p = kcc(tmp_path, "--config", config, "--db", str(db), "--json", "ticket", "issue", "eid",
            "--outside-hours")
    assert p.returncode == 0 and json.loads(p.stdout)["ticket"]["number"] == "A001"
    # open all day: no flag needed
    config = str(office(tmp_path, {k: ["00:00-23:59"] for k in WEEKDAY_KEYS}, "open.toml"))
    p = kcc(tmp_path, "--config", config, "--db", str(db), "ticket", "issue", "eid")
    assert p.returncode == 0, p.stderr


def test_tables_hold_long_and_odd_names(tmp_path: Path) -> None:
    long = "Aanvraag uittreksel uit het strafregister (model 1 en model 2) voor verenigingen"
    config = office(tmp_path, None)
    doc = tomlkit.parse(config.read_text(encoding="utf-8"))
    doc["services"]["eid"]["names"]["nl"] = long
    doc["services"]["rijbewijs"]["names"]["nl"] = "[bold]Rijbewijs[/bold]"
    config.write_text(tomlkit.dumps(doc), encoding="utf-8")
    assert kcc(tmp_path, "--db", "k.db", "init").returncode == 0
    issued = kcc(tmp_path, "--db", "k.db", "ticket", "issue", "eid", "--outside-hours")
    assert issued.returncode == 0
    p = kcc(tmp_path, "--db", "k.db", "state")
    assert p.returncode == 0 and "\x1b" not in p.stdout  # a pipe: no colour, no codes
    lines = p.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("service"))
    rows = lines[header + 2:header + 2 + 6]
    right = lines[header].index("waiting") + len("waiting")  # the counts are right-aligned
    assert [r[right - 1] for r in rows] == ["1", "0", "0", "0", "0", "0"], p.stdout
    assert rows[0].startswith(long) and rows[1].startswith("[bold]Rijbewijs[/bold] ")
    listed = kcc(tmp_path, "--db", "k.db", "ticket", "list").stdout.splitlines()
    assert listed[2].split()[:2] == ["A001", "waiting"] and long in listed[2]


def test_printer_database_cached_once_safely(tmp_path: Path) -> None:
    """python-escpos's parsed printer database is kept in ~/.cache/kcc: processes starting at
    once (the demo's tabs) each write their own copy and move it into place whole."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ESCPOS_CAPABILITIES_PICKLE_DIR", "KCC_ESCPOS_PRIVATE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    code = ("import kcc_tui.cli, escpos.capabilities as c, os; "
            "print(len(c.CAPABILITIES['profiles']), os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'])")
    starts = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                               text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120)[0].split() for p in starts]
    assert all(p.returncode == 0 for p in starts)
    assert len({n for n, _ in outs}) == 1 and int(outs[0][0]) > 10
    folder = tmp_path / "cache" / "kcc"
    assert [p.name for p in folder.iterdir()] == [f"{platform.python_version()}"
                                                  ".capabilities.pickle"]
    later = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert later.stdout.split()[1] == str(folder)  # read from the shared cache from now on
