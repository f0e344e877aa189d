"""Scenario files: every shipped one loads; every mistake is one line naming the file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcc_tui.config import ConfigError
from kcc_tui.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
TYPICAL = (ROOT / "scenarios" / "typical_tuesday.toml").read_text()


def test_the_shipped_scenarios_load() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"typical_tuesday", "busy_monday", "lunch_dip", "flexible_pool", "dedicated_posts",
            "overload", "mms_s3", "mms_s10"} <= names
    for path in SCENARIOS:
        loaded = load_scenario(path)
        assert loaded.scenario.services and loaded.scenario.staff
        for plan in loaded.scenario.staff.values():
            assert plan.post in loaded.office.posts


def test_posts_are_replaced_and_staff_added() -> None:
    flexible = load_scenario(ROOT / "scenarios" / "flexible_pool.toml")
    assert all(len(p.services) == 6 for p in flexible.office.posts.values())
    assert "telefoon" not in flexible.office.posts
    mms = load_scenario(ROOT / "scenarios" / "mms_s10.toml")
    assert len(mms.office.posts) == 10 and "s10" in mms.office.staff
    assert mms.office.routing.rule == "fifo"
    # the scenario's hours are the office's hours, so estimators see the real closing time
    assert mms.office.hours.days["tue"][0][1].hour == 21


def test_shift_tables_cover_another_post() -> None:
    loaded = load_scenario(ROOT / "scenarios" / "typical_tuesday.toml")
    covers = loaded.scenario.staff["katrien"].shifts
    assert [s.post for s in covers] == ["loket1", "loket2", "loket3", "loket4", "snelbalie"]


BAD = [
    ('name = "Typical Tuesday"', 'nam = "Typical Tuesday"',
     'unknown key "nam" (did you mean "name"?)'),
    ("per_hour = [6.5, 7.5, 6.5, 5.5, 3.5, 5, 5.5, 4]", "per_hour = [6.5, 7.5, 6.5]",
     "services.eid.per_hour: expected 8 numbers (one per opening hour from 08:30 to 16:00), "
     "found 3"),
    ("[services.eid]", "[services.paspoort]", 'services.paspoort: unknown service "paspoort"'),
    ('open = "08:30"', 'open = "8h30"', 'open: expected a time such as "08:30", found "8h30"'),
    ('close = "16:00"', 'close = "08:00"', "close: expected a time after open (08:30)"),
    ('post = "loket1"\nshifts = ["08:30-12:00"', 'post = "loket9"\nshifts = ["08:30-12:00"',
     'staff.an.post: unknown post "loket9"'),
    ("service_min = 9\ncv = 0.5", "service_min = 9\ncv = 0.5\npriority = 0.1",
     "services.rijbewijs.priority: expected 0"),
    ("per_hour = [3, 4, 3.5, 3, 1.5, 2.5, 3, 2]", "per_hour = [3, -4, 3.5, 3, 1.5, 2.5, 3, 2]",
     "services.rijbewijs.per_hour[1]: expected a number of at least 0, found -4"),
    ('shifts = ["08:30-12:00", "12:30-16:00"]', 'shifts = ["12:00-08:30"]',
     'staff.an.shifts[0]: expected the end after the start, found "12:00-08:30"'),
    ('office = "example"', 'office = "nowhere/config.toml"',
     "office: cannot use the office:"),
    ("date = 2026-11-24", 'date = "next tuesday"',
     'date: expected a date such as 2026-11-24, found "next tuesday"'),
    ("topics = { online-desk = 0.15 }", "topics = { online-desk = 1.5 }",
     "services.attesten.topics.online-desk: expected a number of at most 1, found 1.5"),
    ("walk_s = 20", "walk_s = true", "walk_s: expected a number, found true"),
    ("walk_s = 20", "walk_s = nan", "walk_s: expected a finite number, found nan"),
    ('{ time = "12:00-12:30", post = "loket1" }', '{ time = "12:00-12:30", post = "loket7" }',
     'staff.katrien.shifts[0].post: unknown post "loket7"'),
    ('office = "example"', 'office = "example', "line 8: invalid TOML"),
]


@pytest.mark.parametrize("old, new, message", BAD, ids=[b[2][:30] for b in BAD])
def test_mistakes_are_one_line_naming_the_key(tmp_path: Path, old: str, new: str,
                                              message: str) -> None:
    assert old in TYPICAL
    path = tmp_path / "bad.toml"
    path.write_text(TYPICAL.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert text.startswith(f"{path}"), text
    assert message in text, text
    assert "\n" not in text


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="gone.toml: file not found"):
        load_scenario(tmp_path / "gone.toml")
    with pytest.raises(ConfigError, match="expected a file, found a directory"):
        load_scenario(tmp_path)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_scenario(tmp_path / "bin.toml")


LINES = TYPICAL.splitlines()
JUNK = st.sampled_from(['"x"', "-1", "1e400", "[]", "{}", "true", '"25:99-1:00"', "[1, 2]",
                        "{ at = 3 }", '"loket1"', "0", "nan", "", "= =", '"eid"', "[[x]]"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.integers(0, len(LINES) - 1), junk=JUNK)
def test_random_damage_gives_only_config_errors(tmp_path: Path, line: int, junk: str) -> None:
    lines = list(LINES)
    key, eq, _value = lines[line].partition("=")
    lines[line] = f"{key}= {junk}" if eq else junk
    path = tmp_path / "damaged.toml"
    path.write_text("\n".join(lines))
    try:
        load_scenario(path)
    except ConfigError as e:
        assert "\n" not in str(e)


def test_cli_reports_a_bad_scenario_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(TYPICAL.replace('open = "08:30"', 'open = "soon"'))
    kcc = [sys.executable, "-m", "kcc_tui"]
    for args, code, fragment in (
        ([str(path)], 2, f'kcc: {path}: open: expected a time such as "08:30", found "soon"'),
        ([str(tmp_path / "none.toml")], 2, "none.toml: file not found"),
        ([], 2, "give a scenario file"),
        ([str(ROOT / "scenarios" / "typical_tuesday.toml"), "--validate", "--days", "1"], 2,
         "an M/M/s scenario needs exactly one service with arrivals"),
        (["--days", "0", str(path)], 2, "--days"),
        ([str(ROOT / "scenarios" / "lunch_dip.toml"), "--store", str(tmp_path)], 2,
         "is a folder; give a file name"),
    ):
        run = subprocess.run([*kcc, "simulate", *args], capture_output=True, text=True,
                             cwd=tmp_path, timeout=60)
        assert run.returncode == code, (args, run.stderr)
        assert fragment in run.stderr, run.stderr
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
