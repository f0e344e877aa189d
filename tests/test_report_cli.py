"""`kcc report` as a coordinator and a script run it: real processes on a real store file, text,
JSON, CSV and XLSX out, and every mistake one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kcc_tui.config import example_path

KCC = [sys.executable, "-m", "kcc_tui"]


def kcc(folder: Path, *args: str, db: str = "kcc.db",
        stdin: str = "") -> subprocess.CompletedProcess[str]:
    p = subprocess.run([*KCC, "--db", str(folder / db), *args], capture_output=True, text=True,
                       cwd=folder, timeout=120, env={**os.environ, "KCC_CONFIG": example_path()},
                       input=stdin)
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short morning through the CLI (each command its own process), then the day is closed."""
    folder = tmp_path_factory.mktemp("office")
    for args in [
        ("init",),
        ("ticket", "issue", "eid", "--outside-hours"),
        ("ticket", "issue", "afhalen", "--outside-hours"),
        ("ticket", "issue", "afhalen", "--outside-hours"),
        ("post", "open", "loket1", "--staff", "an", "--pin", "-", "1111"),
        ("post", "open", "telefoon", "--staff", "lotte", "--pin", "-", "5555"),
        ("post", "call-next", "loket1"), ("post", "start", "loket1"),
        ("post", "finish", "loket1", "--topic", "eid-lost"),
        ("post", "call-next", "loket1"), ("post", "no-show", "loket1"),
        ("post", "phone-call", "telefoon", "opening-hours"),
        ("post", "phone-call", "telefoon", "opening-hours"),
        ("day", "end"),
    ]:
        if "--pin" in args:  # the PIN goes in on stdin, never on the command line
            *args, pin = args
            p = kcc(folder, *args, stdin=pin + "\n")
        else:
            p = kcc(folder, *args)
        assert p.returncode == 0, (args, p.stderr)
    return folder


def test_the_terminal_report_of_today(office: Path) -> None:
    p = kcc(office, "report")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    for title in ("By service", "By hour of the day", "By post (loket)", "By staff member",
                  "Recurring topics"):
        assert title in out
    assert "By weekday" not in out  # one day: the weekday and day tables would repeat the total
    total = next(line for line in out.splitlines() if line.startswith("Total"))
    # issued 3, called 2 (the eid ticket and one afhalen), served 1, one no-show
    assert total.split()[1:5] == ["3", "2", "1", "1"]
    assert "Openingsuren" in out and "PIN- of PUK" not in out


def test_json_and_files(office: Path) -> None:
    p = kcc(office, "report", "today", "--json", "--csv", "out", "--xlsx", "out/report.xlsx")
    assert p.returncode == 0, p.stderr
    (line,) = p.stdout.strip().splitlines()  # exactly one JSON object
    data = json.loads(line)
    total = data["tables"]["service"][-1]
    assert (total["issued"], total["called"], total["served"], total["no_shows"]) == (3, 2, 1, 1)
    assert total["phone_calls"] == 2
    topics = {t["key"]: t for t in data["topics"]}
    assert (topics["opening-hours"]["phone"], topics["eid-lost"]["counter"]) == (2, 1)
    assert sorted(Path(f).name for f in data["files"]) == sorted(
        [f"{t}.csv" for t in ("service", "hour", "weekday", "day", "post", "staff", "topics")]
        + ["report.xlsx"])
    book = openpyxl.load_workbook(office / "out" / "report.xlsx")
    ws = book["post"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in ws[1]]
    assert rows["telefoon"][header.index("phone contacts")] == 2
    assert rows["loket1"][header.index("served")] == 1


def test_closing_the_day_kept_everything_and_later_periods_include_it(office: Path) -> None:
    week = json.loads(kcc(office, "report", "this-week", "--json").stdout)
    assert week["period"]["kind"] == "week"
    assert week["tables"]["service"][-1]["issued"] == 3
    nothing = kcc(office, "report", "2020-01-06")
    assert nothing.returncode == 0 and "No tickets and no phone contacts" in nothing.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["report", "someday"], 2, "unknown period 'someday'"),
    (["report", "2026-02-30"], 2, "unknown period '2026-02-30'"),
    (["report", "2026-12-01..2026-11-01"], 2, "the period ends (2026-11-01) before it starts"),
    (["report", "today", "--from", "2026-11-01"], 2, "give a PERIOD or --from/--to, not both"),
    (["report", "--by", "service,colour"], 2, "unknown breakdown 'colour'"),
    (["report", "--target", "200%"], 2, "target must be above 0"),
    (["report", "--xlsx", "missing/folder/r.xlsx"], 1, "cannot write"),
])
def test_mistakes_are_one_line(office: Path, args: list[str], code: int, message: str) -> None:
    p = kcc(office, *args)
    assert p.returncode == code, p.stderr
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_a_missing_or_foreign_store_is_one_line(tmp_path: Path) -> None:
    p = kcc(tmp_path, "report", db="nothing.db")
    assert p.returncode == 1 and "does not exist" in p.stderr
    (tmp_path / "notes.txt").write_text("not a database, just text " * 100)
    p = kcc(tmp_path, "report", db="notes.txt")
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1
    p = kcc(tmp_path, "report", "--json", db="nothing.db")
    assert json.loads(p.stdout)["error"].endswith("create it with `kcc init`")


def test_range_with_from_and_to_and_a_selection_of_tables(office: Path) -> None:
    p = kcc(office, "report", "--from", "2020-01-01", "--to", "2099-12-31", "--by", "hour")
    assert p.returncode == 0, p.stderr
    assert "2020-01-01 to 2099-12-31" in p.stdout
    assert "By hour of the day" in p.stdout and "By service" not in p.stdout
