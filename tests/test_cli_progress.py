"""Long commands say how far they are (on stderr, so stdout stays the result), and `--json` is
accepted after the command as well as before it, on every command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kcc_tui.cli import cli, progress
from kcc_tui.config import example_path

ROOT = Path(__file__).resolve().parents[1]
KCC = [sys.executable, "-m", "kcc_tui"]


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_without_a_terminal_after_two_seconds_then_every_ten() -> None:
    clock, out = Clock(), io.StringIO()
    with progress.Progress("simulate", stream=out, clock=clock) as p:
        step = p.counter("simulating", "days")
        step(1, 20)
        clock.t += 1.9
        step(2, 20)
        assert out.getvalue() == ""  # a quick command says nothing
        clock.t += 0.2
        step(3, 20)
        clock.t += 5
        step(9, 20)  # within ten seconds of the last line: quiet
        clock.t += 6
        step(15, 20)
        clock.t += 1
    assert out.getvalue().splitlines() == [
        "kcc simulate: simulating 3/20 days (15%), 2 s",
        "kcc simulate: simulating 15/20 days (75%), 13 s",
        "kcc simulate: done in 14 s",
    ]


def test_a_quick_run_or_progress_off_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    clock, out = Clock(), io.StringIO()
    with progress.Progress("report", stream=out, clock=clock) as p:
        p.update("reading", 4000)
        clock.t += 1
    assert out.getvalue() == ""
    monkeypatch.setenv("KCC_PROGRESS", "0")
    with progress.Progress("report", stream=out, clock=clock) as p:
        clock.t += 60
        p.update("reading", 4000)
    assert out.getvalue() == ""


def test_a_bar_on_a_terminal() -> None:
    clock, out = Clock(), Terminal()
    with progress.Progress("bench", stream=out, clock=clock) as p:
        clock.t += 3
        p.update("kiosk", 3, 10, "programs")
        p.update("display", 5, 10, "programs")
    text = out.getvalue()
    assert "kcc bench: display (programs)" in text and "5/10" in text
    assert "\x1b[" in text  # drawn (and erased at the end) with terminal control codes


@pytest.fixture
def at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every update shows (no two-second grace, no ten-second interval)."""
    monkeypatch.setattr(progress, "DELAY_S", 0.0)
    monkeypatch.setattr(progress, "EVERY_S", 0.0)
    monkeypatch.delenv("KCC_PROGRESS", raising=False)
    monkeypatch.setenv("KCC_CONFIG", example_path())


def test_simulate_reports_every_day(at_once: None) -> None:
    scenario = str(ROOT / "scenarios" / "typical_tuesday.toml")
    r = CliRunner().invoke(cli, ["simulate", scenario, "--days", "2", "--no-estimates",
                                 "--json"])
    assert r.exit_code == 0, r.stderr
    json.loads(r.stdout)  # stdout: exactly the result
    assert "kcc simulate: simulating 1/2 days (50%)" in r.stderr
    assert "kcc simulate: simulating 2/2 days (100%)" in r.stderr


def test_report_and_rebuild_say_what_they_do(at_once: None, tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "init"]).exit_code == 0
    r = runner.invoke(cli, ["--db", db, "store", "rebuild", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == {"rebuilt_days": 0}
    assert "kcc store rebuild: rewriting the read models" in r.stderr
    r = runner.invoke(cli, ["--db", db, "report", "2026"])
    assert r.exit_code == 0 and "kcc report: reading 2026" in r.stderr


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command under `group`, through click's own interface (kcc's commands are
    imported on first use)."""
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        out.append((*path, name))
        if isinstance(cmd, click.Group):
            out += commands(cmd, (*path, name))
    return out


def test_every_command_takes_json_after_its_name() -> None:
    found = commands(cli)
    assert len(found) > 40
    for path in found:
        cmd: click.Command = cli
        for name in path:
            found = cmd.get_command(click.Context(cmd), name)  # type: ignore[attr-defined]
            assert found is not None, path
            cmd = found
        assert any("--json" in p.opts for p in cmd.params), path


def test_json_before_or_after_gives_the_same_object(tmp_path: Path) -> None:
    def kcc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*KCC, "--config", example_path(), "--db", str(tmp_path / "k.db"),
                               *args], capture_output=True, text=True, timeout=60)

    assert kcc("init").returncode == 0
    before, after = kcc("--json", "state"), kcc("state", "--json")
    assert before.returncode == after.returncode == 0
    assert json.loads(before.stdout) == json.loads(after.stdout)
    assert json.loads(kcc("ticket", "list", "--json").stdout)["tickets"] == []
    # an unknown service is bad usage either way, answered as JSON either way
    for args in (["--json", "ticket", "issue", "nope"], ["ticket", "issue", "nope", "--json"]):
        p = kcc(*args)
        assert p.returncode == 2 and "unknown service" in json.loads(p.stdout)["error"]
    # a screen has no JSON to give: said, not ignored
    for args in (["--json", "kiosk"], ["counter", "loket1", "--json"], ["bench", "--json"]):
        p = kcc(*args)
        assert p.returncode == 2 and "has no JSON output" in json.loads(p.stdout)["error"]
