"""The SimPy model drives the real domain: same seed same day, the office's rules hold, KPIs add
up, and `--store` writes the days through the real store in another process."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kcc_tui.domain.clock import local
from kcc_tui.domain.routing import eligible
from kcc_tui.domain.state import DayState
from kcc_tui.sim.metrics import hourly_kpis
from kcc_tui.sim.model import DaySim, simulate
from kcc_tui.sim.scenario import Loaded, load_scenario

ROOT = Path(__file__).resolve().parent.parent
KCC = [sys.executable, "-m", "kcc_tui"]


@pytest.fixture(scope="module")
def typical() -> Loaded:
    return load_scenario(ROOT / "scenarios" / "typical_tuesday.toml")


def fingerprint(loaded: Loaded, seed: int) -> list[tuple[object, ...]]:
    (day,) = simulate(loaded, 1, seed)
    return [(r.number, r.issued_s, r.wait, r.printed, r.p10, r.p90, r.oracle, r.les)
            for r in day.records]


def test_same_seed_same_day_other_seed_other_day(typical: Loaded) -> None:
    a, b = fingerprint(typical, 5), fingerprint(typical, 5)
    assert a == b and len(a) > 100
    assert fingerprint(typical, 6) != a


def test_a_day_through_the_real_domain(typical: Loaded) -> None:
    sim = DaySim(typical, typical.scenario.date, 0, 3)
    result = sim.run()
    log = sim.ledger.log
    types = Counter(e.type for e in log)
    for kind in ("ticket_issued", "ticket_called", "ticket_started", "ticket_finished",
                 "ticket_no_show", "post_opened", "post_paused", "post_resumed", "post_closed",
                 "day_ended"):
        assert types[kind] > 0, kind
    assert log[-1].type == "day_ended" and result.state.ended
    # numbering: gap-free per service, as the store guarantees
    numbers: dict[str, list[int]] = {}
    for e in log:
        if e.type == "ticket_issued":
            numbers.setdefault(e.data["service"], []).append(e.data["n"])
    assert all(ns == list(range(1, len(ns) + 1)) for ns in numbers.values())
    # everyone issued was called (staff serve the queue after closing)
    assert all(r.wait is not None and r.wait >= 0 for r in result.records)
    # the coordinator covers each lunch: her five sessions
    assert sum(1 for e in log if e.type == "post_opened" and e.data["staff"] == "katrien") >= 4


def test_no_post_sits_idle_while_it_could_call(typical: Loaded) -> None:
    """Event-driven staff: a free post calls as soon as a ticket it serves is waiting."""
    sim = DaySim(typical, typical.scenario.date, 0, 4, estimates=False)
    sim.run()
    state = DayState(typical.scenario.date)
    log = sim.ledger.log
    for i, e in enumerate(log):
        state.apply(e)
        if i + 1 < len(log) and log[i + 1].at == e.at:
            continue  # only look between instants
        for p in state.posts.values():
            if p.open and p.pause_reason is None and p.current is None:
                assert not any(eligible(t, p.id, p.services) for t in state.queue.values()), (
                    e.at, p.id)


def test_moves_profiles_and_the_phone_line() -> None:
    monday = load_scenario(ROOT / "scenarios" / "busy_monday.toml")
    sim = DaySim(monday, monday.scenario.date, 0, 1, estimates=False)
    result = sim.run()
    log = sim.ledger.log
    moved = [e for e in log if e.type == "staff_moved"]
    assert [(e.actor, e.data["staff"], e.data["to_post"]) for e in moved] == [
        ("katrien", "lotte", "snelbalie")]
    assert local(moved[0].at).strftime("%H:%M") >= "10:00"  # planned at 10:00
    assert sum(1 for e in log if e.type == "post_profile_changed") == 2
    calls = [e for e in log if e.type == "phone_call_registered"]
    assert calls and all(e.data["post"] == "telefoon" for e in calls)
    assert all(e.at <= moved[0].at for e in calls)  # the phone closed when lotte moved
    assert not result.problems


def test_kpis_per_hour_add_up_to_the_day(typical: Loaded) -> None:
    days = simulate(typical, 2, 2, estimates=False)
    hours, per_hour, total = hourly_kpis(days, typical.office)
    assert hours >= 8  # 08:30-16:00, plus overtime
    for code in typical.scenario.services:
        assert sum(k.issued for k in per_hour[code]) == total[code].issued > 0
        assert sum(k.called for k in per_hour[code]) == total[code].called
        assert sorted(w for k in per_hour[code] for w in k.waits) == sorted(total[code].waits)
    issued = sum(len(d.records) for d in days)
    assert sum(k.issued for k in total.values()) == issued


def test_days_are_a_week_apart_and_can_start_elsewhere(typical: Loaded) -> None:
    days = simulate(typical, 2, 1, start=date(2027, 3, 2), estimates=False)
    assert [d.day for d in days] == [date(2027, 3, 2), date(2027, 3, 9)]


def test_store_option_writes_the_days_through_the_store(tmp_path: Path) -> None:
    db = tmp_path / "sim.db"
    scenario = str(ROOT / "scenarios" / "typical_tuesday.toml")
    run = subprocess.run([*KCC, "--json", "simulate", scenario, "--days", "2", "--seed", "9",
                          "--no-estimates", "--store", str(db)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["store"]["days"] == 2
    with sqlite3.connect(db) as c:
        events = c.execute("SELECT count(*) FROM events").fetchone()[0]
        days = [r[0] for r in c.execute("SELECT DISTINCT day FROM events ORDER BY day")]
        tickets = c.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert events == out["store"]["events"] > 1000
    assert days == ["2026-11-24", "2026-12-01"]
    assert tickets == out["tickets"]["issued"]
    check = subprocess.run([*KCC, "--db", str(db), "store", "check"], capture_output=True,
                           text=True, cwd=tmp_path, timeout=120)
    assert check.returncode == 0, check.stderr
    again = subprocess.run([*KCC, "simulate", scenario, "--no-estimates", "--store", str(db)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert again.returncode == 1
    assert again.stderr.strip() == (f"kcc: {db} already has events on 2026-11-24: simulate "
                                    "other dates (--start) or use a new file")
