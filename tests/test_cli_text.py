"""CLI output shows text from people and files; it never passes control characters on to the
terminal. Human text gets visible stand-ins (ESC → ␛); JSON keeps the exact text, escaped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import Kcc

from kcc_tui.config import example_path, load_settings
from kcc_tui.domain import commands as C
from kcc_tui.store import Store

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # every control character but \n
EVIL = "\x1b]0;PWNED\x07[/]\x9b2J\x00\x7f"
STANDINS = "␛]0;PWNED␇[/]\N{REPLACEMENT CHARACTER}2J␀␡"


@pytest.fixture
async def kcc(tmp_path: Path) -> Kcc:
    """A store holding escape bytes in a broadcast (pause and transfer reasons are codes from the
    config now, so a broadcast is the free text a CLI reader meets)."""
    k = Kcc(tmp_path)
    office = load_settings(example_path()).office
    async with Store(k.db, office, create=True) as store:
        await store.execute(C.Broadcast(EVIL), "katrien")
        await store.execute(C.IssueTicket("eid"))
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        await store.execute(C.CallNext("loket1"), "an")
        await store.execute(C.Transfer("loket1", "afhalen", reason="overig"), "an")
        await store.execute(C.Pause("loket1", "koffie"), "an")
    return k


@pytest.mark.parametrize("args", [("audit",), ("events",), ("state",), ("ticket", "list")])
def test_human_output_shows_stand_ins(kcc: Kcc, args: tuple[str, ...]) -> None:
    code, out, err = kcc(*args, json_out=False)
    assert code == 0, err
    assert isinstance(out, str) and not CONTROL.search(out), repr(out)
    if args == ("events",):  # the data as Python writes it: escaped
        assert "\\x1b]0;PWNED\\x07[/]" in out
    elif args == ("audit",):  # state and the list show no free text but names from config
        assert "␛]0;PWNED␇[/]" in out


def test_audit_names_a_broadcasts_text(kcc: Kcc) -> None:
    _, out, _ = kcc("audit", json_out=False)
    assert f"text={STANDINS}" in str(out)


@pytest.mark.parametrize("args", [("audit",), ("state",), ("ticket", "list")])
def test_json_output_is_exact_and_escaped(kcc: Kcc, tmp_path: Path, args: tuple[str, ...]) -> None:
    raw = subprocess.run([sys.executable, "-m", "kcc_tui", "--db", str(kcc.db), "--json", *args],
                         capture_output=True, timeout=60, env={**os.environ, "KCC_CONFIG": ""},
                         cwd=tmp_path).stdout.decode()
    assert not CONTROL.search(raw), repr(raw)
    data = json.loads(raw)
    if args == ("state",):
        assert data["posts"][0]["pause_reason"] == "koffie"
    if args == ("audit",):
        assert {e["data"].get("text") for e in data["events"]} >= {EVIL}


def test_an_error_line_shows_stand_ins(kcc: Kcc) -> None:
    code, _, err = kcc("staff", "move", "an\x1b[2J", "loket2", json_out=False)
    assert code == 2 and not CONTROL.search(err), repr(err)
