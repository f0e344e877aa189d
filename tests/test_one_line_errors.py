"""Inputs that used to end in a traceback end in one line (or, with --json, one object)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kcc_tui.config import example_path

KCC = [sys.executable, "-m", "kcc_tui"]


def kcc(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([*KCC, "--db", str(folder / "kcc.db"), *args], capture_output=True,
                       text=True, timeout=120, cwd=folder,
                       env={**os.environ, "KCC_CONFIG": example_path()})
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    assert kcc(folder, "init").returncode == 0
    assert kcc(folder, "ticket", "issue", "eid", "--outside-hours").returncode == 0
    return folder


@pytest.mark.parametrize("args, code, message", [
    (("store", "purge-notes", "--days", "999999999"), 0, ""),
    (("store", "purge-notes", "--days", "1e12"), 2, "'1e12' is not a valid integer"),
    (("report", "0001-01-01..9999-12-31"), 2, "a report covers at most"),
    (("report", "0001"), 2, "starts too early"),
])
def test_no_traceback(office: Path, args: tuple[str, ...], code: int, message: str) -> None:
    p = kcc(office, *args)
    assert p.returncode == code, p.stderr
    assert len(p.stderr.splitlines()) == (1 if code else 0)
    assert message in p.stderr


def test_a_huge_retention_keeps_every_note(office: Path) -> None:
    p = kcc(office, "--json", "store", "purge-notes", "--days", "999999999")
    assert json.loads(p.stdout) == {"before": "0001-01-01"}


def test_json_events_without_follow_is_one_object(office: Path) -> None:
    p = kcc(office, "--json", "events")
    assert p.returncode == 0, p.stderr
    (line,) = p.stdout.splitlines()
    types = [e["type"] for e in json.loads(line)["events"]]
    assert "ticket_issued" in types
    p = kcc(office, "--json", "events", "--since", "999")
    assert json.loads(p.stdout) == {"events": []}
