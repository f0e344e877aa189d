"""Staffing: the exact Erlang C minimum (`kcc staffing`), the plan for a coming day learned from
history, and its check with the simulator that adds posts after a lunch dip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from kcc_tui.config import load_settings
from kcc_tui.config.loader import example_path
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, business_day, system_clock, zone
from kcc_tui.domain.erlang import erlang_c
from kcc_tui.reports import StaffingError, advice_for, calculate, share
from kcc_tui.reports.demand import Demand, ServiceDemand, Slot
from kcc_tui.reports.simcheck import simulate_plan
from kcc_tui.reports.staffing import TOLERANCE, plan_day
from kcc_tui.store import Store

KCC = [sys.executable, "-m", "kcc_tui"]


def kcc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([*KCC, *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                       env={**os.environ, "KCC_CONFIG": example_path()})
    assert "Traceback" not in p.stderr, p.stderr
    return p


# -- the calculator -------------------------------------------------------------------------------
@pytest.mark.parametrize(("per_hour", "minutes", "posts"),
                         [(20, 12, 5), (40, 12, 9), (5, 6, 1), (120, 6, 13)])
def test_the_exact_minimum_for_80_percent_within_15_minutes(per_hour: float, minutes: float,
                                                            posts: int) -> None:
    calc = calculate(per_hour, minutes, 0.8, 15)
    assert calc.min_posts == posts
    # exact: that many reach 80 %, one fewer does not (or cannot even keep up)
    assert calculate(per_hour, minutes, 0.8, 15, posts).service_level >= 0.8
    if posts > 1:
        fewer = calculate(per_hour, minutes, 0.8, 15, posts - 1)
        assert not fewer.stable or fewer.service_level < 0.8


def test_the_cli_gives_the_minimum_and_evaluates_a_number_of_posts(tmp_path: Path) -> None:
    p = kcc("staffing", "--arrivals-per-hour", "40", "--mean-service", "12", "--target", "80%",
            "--within", "15", "--json", cwd=tmp_path)
    assert p.returncode == 0 and json.loads(p.stdout)["min_posts"] == 9
    p = kcc("staffing", "--arrivals-per-hour", "20", "--mean-service", "12", "--target", "0.8",
            "--within", "15", "--posts", "5", "--json", cwd=tmp_path)
    out = json.loads(p.stdout)
    q = erlang_c(5, 20 / 60, 12)  # the same queue straight from domain.erlang
    assert out["stable"] is True
    assert out["p_wait"] == round(q.p_wait, 4) and 0 < out["p_wait"] < 1
    assert out["mean_wait_min"] == round(q.mean_wait, 4)
    assert out["service_level"] == round(q.service_level(15), 4) >= 0.8
    p = kcc("staffing", "--arrivals-per-hour", "20", "--mean-service", "12", "--target", "80%",
            "--within", "15", "--posts", "5", cwd=tmp_path)
    assert "minimum posts for 80% within 15 min: 5" in p.stdout
    assert "with 5 posts: P(wait)" in p.stdout


@pytest.mark.parametrize("posts", [3, 4])
def test_too_few_posts_is_unstable_never_a_probability_above_one(posts: int) -> None:
    calc = calculate(20, 12, 0.8, 15, posts)  # 4 erlang of work for 3 or 4 posts
    assert not calc.stable
    assert calc.p_wait == 1.0 and calc.service_level is None and calc.mean_wait_min is None
    assert "unstable" in calc.text()


def test_the_cli_says_unstable(tmp_path: Path) -> None:
    p = kcc("staffing", "--arrivals-per-hour", "120", "--mean-service", "6", "--target", "80%",
            "--within", "15", "--posts", "11", cwd=tmp_path)
    assert p.returncode == 0
    assert "with 11 posts: unstable" in p.stdout and "P(wait)" not in p.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "150%"], "target must be above 0 and at most 100 %"),
    (["--target", "lots"], "target must be a share like 0.8 or 80%"),
    (["--mean-service", "0"], "mean service must be more than 0 minutes"),
    (["--arrivals-per-hour", "-3"], "arrivals per hour must be a number of at least 0"),
    (["--posts", "0"], "posts must be at least 1"),
    (["--posts", "9999999999"], "posts must be at most 200"),  # a bounded search, no hang
    (["--target", "100%"], "100% within 15 min cannot be reached"),
    (["--target", "1.5"], "target 1.5 is ambiguous: write a percentage with % (1.5%)"),
    (["--target", "80"], "target 80 is ambiguous"),
    (["--within", "soon"], "'soon' is not a valid float"),
    (["--arrivals-per-hour", "nan"], "arrivals per hour must be a number"),
])
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    base = {"--arrivals-per-hour": "20", "--mean-service": "12", "--target": "80%",
            "--within": "15"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    p = kcc("staffing", *[x for kv in base.items() for x in kv], cwd=tmp_path)
    assert p.returncode == 2
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_missing_figures_are_named(tmp_path: Path) -> None:
    p = kcc("staffing", "--arrivals-per-hour", "20", cwd=tmp_path)
    assert p.returncode == 2
    assert "missing --mean-service, --within, --target" in p.stderr


def test_share_reads_what_users_write() -> None:
    assert share("80%") == share(0.8) == share("0.8") == 0.8
    assert share("100%") == 1.0 and share("1.5%") == 0.015
    with pytest.raises(StaffingError, match="ambiguous"):
        share("1.5")  # never silently 1.5 %
    with pytest.raises(StaffingError):
        share("0")


# -- the plan for a day and the simulator check ---------------------------------------------------
def lunch_dip() -> Demand:
    """A busy morning, a lunch dip, a busy afternoon: one service, 12 min per citizen."""
    slots = tuple(Slot(0, time(8 + i, 30), time(9 + i, 30)) for i in range(7))
    eid = ServiceDemand("eid", (36, 40, 40, 2, 2, 30, 24), mean_service_s=12 * 60, walk_s=20,
                        cv=1.0, no_show=0.0, no_show_s=90, target_s=15 * 60, learned=True)
    return Demand(date(2026, 12, 7), slots, {"eid": eid}, (date(2026, 11, 30),))


def check(demand: Demand, posts: list[int]) -> list[tuple[float | None, int]]:
    return [(c.sl, c.late_from)
            for c in simulate_plan(demand, posts, example_path(), replications=20, seed=1)]


def test_erlang_alone_misses_the_target_after_the_lunch_dip() -> None:
    d = lunch_dip()
    plain = plan_day(d, 0.8)
    assert [s.posts for s in plain.slots] == [9, 9, 9, 1, 1, 7, 6]  # hour by hour Erlang C
    assert all(s.erlang_sl is None or s.erlang_sl >= 0.8 for s in plain.slots)
    simulated = [sl for sl, _ in check(d, [s.posts for s in plain.slots])]
    # the queue left at 11:30 meets a single post: the dip falls far below 80 % ...
    low = {i for i, sl in enumerate(simulated) if sl is not None and sl < 0.8 - TOLERANCE}
    assert low == {3, 4}
    # ... because of the citizens who came in the busy hour before it
    assert [where for _, where in check(d, [s.posts for s in plain.slots])][3:5] == [2, 2]


def test_the_simulator_check_adds_staff_until_every_hour_is_on_target() -> None:
    d = lunch_dip()
    advice = plan_day(d, 0.8, check)
    assert advice.checked and advice.rounds > 1
    assert all(s.posts >= s.erlang_posts for s in advice.slots)
    assert sum(s.added for s in advice.slots) > 0
    # the posts went to the hours around the dip, not to the afternoon
    assert {i for i, s in enumerate(advice.slots) if s.added} <= {1, 2, 3, 4}
    # and the plan as advised meets target − 0.05 in every simulated hour
    assert all(s.simulated_sl is None or s.simulated_sl >= 0.8 - TOLERANCE
               for s in advice.slots)
    assert [sl for sl, _ in check(d, [s.posts for s in advice.slots])] == \
        [s.simulated_sl for s in advice.slots]


# -- advice from a store's history ----------------------------------------------------------------
def at(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), zone("Europe/Brussels")).astimezone(UTC)


async def history(path: Path, mondays: list[date], tuesday: date) -> None:
    """Mondays with 3 citizens in 08:30–09:30 and 1 in 09:30–10:30 (eid, 10 min each), and a
    Tuesday with 5 (which teaches service times but not Monday arrivals)."""
    office = load_settings(example_path()).office
    clock = FixedClock(at(mondays[0], 8, 0))
    async with Store(path, office, clock=clock, create=True) as store:
        for day, issues in [(d, [(8, 35), (8, 50), (9, 10), (9, 45)]) for d in mondays] + \
                [(tuesday, [(8, 35), (8, 40), (8, 45), (8, 50), (8, 55)])]:
            clock.at = at(day, 8, 30)
            await store.execute(C.OpenPost("loket1", "an", True))
            for hh, mm in issues:
                clock.at = at(day, hh, mm)
                await store.execute(C.IssueTicket("eid"))
            for _ in issues:
                clock.at = max(clock.at, at(day, 11, 0)) + timedelta(minutes=1)
                await store.execute(C.CallNext("loket1"), "an")
                clock.advance(minutes=10)
                await store.execute(C.Finish("loket1"), "an")
            await store.execute(C.EndDay(), "katrien")


async def test_advice_for_next_monday_from_the_store(tmp_path: Path) -> None:
    thursday = date(2026, 11, 26)
    mondays = [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    await history(tmp_path / "kcc.db", mondays, date(2026, 11, 24))
    office = load_settings(example_path()).office
    clock = FixedClock(at(thursday, 14, 0))
    a = await advice_for(tmp_path / "kcc.db", "monday", office=office,
                         office_source=example_path(), clock=clock)
    assert a.day == date(2026, 11, 30) and a.history_days == tuple(mondays)
    # Monday 08:30–12:30 in the example office: four slots
    assert [s.slot.label for s in a.slots] == ["08:30–09:30", "09:30–10:30", "10:30–11:30",
                                               "11:30–12:30"]
    # 3 arrivals per Monday in the first slot, 1 in the second (the 09:10 one is in the first)
    assert [s.arrivals_per_hour for s in a.slots] == [3.0, 1.0, 0.0, 0.0]
    # every call lasted 10 min (call → finish, no walk): learned from all 17 tickets
    assert a.slots[0].busy_min == pytest.approx(10.0)
    assert [s.erlang_posts for s in a.slots] == [
        calculate(3, 10, 0.8, 15).min_posts, calculate(1, 10, 0.8, 15).min_posts, 0, 0]
    assert a.checked and a.notes == []


async def test_advice_without_history_or_on_a_closed_day_says_so(tmp_path: Path) -> None:
    await history(tmp_path / "kcc.db", [date(2026, 11, 23)], date(2026, 11, 24))
    office = load_settings(example_path()).office
    clock = FixedClock(at(date(2026, 11, 26), 14, 0))
    sunday = await advice_for(tmp_path / "kcc.db", "sunday", office=office, clock=clock,
                              office_source=example_path())
    assert sunday.slots == [] and "closed that day" in sunday.notes[0]
    friday = await advice_for(tmp_path / "kcc.db", "friday", office=office, clock=clock,
                              office_source=example_path())
    assert friday.history_days == () and "no history" in friday.notes[0]
    assert [s.posts for s in friday.slots] == [0, 0, 0, 0]


async def test_kcc_staffing_for_monday_from_the_cli(tmp_path: Path) -> None:
    today = business_day(system_clock())
    monday = today - timedelta(days=(today.weekday() or 7))  # the last Monday before today
    await history(tmp_path / "kcc.db", [monday - timedelta(weeks=1), monday],
                  monday - timedelta(days=6))
    p = kcc("--db", str(tmp_path / "kcc.db"), "staffing", "--for", "monday", "--json",
            cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["day"] == str(monday + timedelta(weeks=1)) and out["checked"] is True
    assert [s["arrivals_per_hour"] for s in out["slots"]] == [3.0, 1.0, 0.0, 0.0]
    p = kcc("--db", str(tmp_path / "kcc.db"), "staffing", "--for", "monday", "--no-check",
            cwd=tmp_path)
    assert "Staffing advice for Monday" in p.stdout and "Erlang C only" in p.stdout
    p = kcc("--db", str(tmp_path / "kcc.db"), "staffing", "--for", "someday", cwd=tmp_path)
    assert p.returncode == 2 and "unknown day 'someday'" in p.stderr
