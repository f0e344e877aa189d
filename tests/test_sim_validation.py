"""The simulator against queueing theory: Erlang C for one pool, and Little's law.

A heavily loaded M/M/s queue forgets its state only over hours, so the simulated mean wait needs
hundreds of days to be within ±5 % (`kcc simulate --validate` runs them, about 20 s). Here, in
seconds: every simulated wait equals the textbook first-come-first-served recursion for the same
citizens, exactly; and that recursion, fed by the simulator's own draws for a few hundred
thousand citizens, agrees with Erlang C within the tolerances of issue 7.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kcc_tui.domain.erlang import erlang_c
from kcc_tui.sim.model import simulate
from kcc_tui.sim.scenario import load_scenario
from kcc_tui.sim.validate import (
    CASES,
    MEAN_WAIT_TOL,
    P_WAIT_TOL,
    SL_TOL,
    Case,
    _checks,
    as_case,
    exactness,
    fifo_waits,
    little,
    one_pool,
    reference,
    relaxation_h,
    validate,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("case", CASES, ids=["M/M/3", "M/M/10"])
def test_every_simulated_wait_equals_the_fifo_recursion(case: object) -> None:
    tickets, worst = exactness(one_pool(case), case, seed=11)  # type: ignore[arg-type]
    assert tickets > 150
    assert worst <= 0.001  # datetimes carry microseconds


def test_the_recursion_is_the_textbook_queue() -> None:
    # two servers; the third citizen waits for the first free one
    assert fifo_waits([0, 1, 2, 10], [5, 5, 5, 1], 2) == [0, 0, 3, 0]


# Enough citizens for a standard error of about 1.5 % on the mean wait (a third of ±5 %).
@pytest.mark.parametrize("case, customers", zip(CASES, (800_000, 2_000_000), strict=True),
                         ids=["M/M/3", "M/M/10"])
def test_erlang_c_within_tolerance(case: object, customers: int) -> None:
    loaded = one_pool(case)  # type: ignore[arg-type]
    waits = reference(loaded, case, customers=customers, seed=3)  # type: ignore[arg-type]
    exact = erlang_c(case.servers, case.rate_per_min, case.mean_min)  # type: ignore[attr-defined]
    n = len(waits)
    p_wait = sum(1 for w in waits if w > 0) / n
    mean = sum(waits) / n / 60
    sl = sum(1 for w in waits if w <= 15 * 60) / n
    assert abs(p_wait - exact.p_wait) <= P_WAIT_TOL
    assert abs(mean - exact.mean_wait) <= MEAN_WAIT_TOL * exact.mean_wait
    assert abs(sl - exact.service_level(15)) <= SL_TOL


def test_littles_law_per_hour_on_chained_days() -> None:
    case = CASES[1]
    loaded = one_pool(case)
    days = simulate(loaded, 4, 5, estimates=False, chained=True)
    assert days[1].carry or days[2].carry  # someone was still waiting at 21:00
    rows, area, waited = little(days, loaded.scenario.warmup_min * 60, loaded.scenario.open_s)
    assert len(rows) == 14  # day 1 loses its 2 warm-up hours, the pooled days have all 14
    for _h, from_queue, from_waits, _lam_w in rows:
        # the fold's queue and the KPI's wait intervals describe the same waiting
        assert from_queue == pytest.approx(from_waits, rel=1e-6)
    assert area == pytest.approx(waited, rel=0.02)  # L = λW over the run


def test_chained_days_complete_the_waits_of_those_carried_over() -> None:
    loaded = one_pool(CASES[0])
    days = simulate(loaded, 3, 2, estimates=False, chained=True)
    carried = [c for c in days[0].carry if not c.in_service and c.record is not None]
    assert carried, "a loaded M/M/3 has a queue at closing time"
    for c in carried:
        assert c.record is not None and c.record.wait is not None
        assert c.record.wait > c.waited_s > 0  # waited yesterday, and again this morning


def test_only_one_pool_scenarios_can_be_validated() -> None:
    assert as_case(load_scenario(ROOT / "scenarios" / "mms_s3.toml")).days == CASES[0].days
    with pytest.raises(ValueError, match="exactly one service"):
        as_case(load_scenario(ROOT / "scenarios" / "typical_tuesday.toml"))


def test_validate_from_the_cli(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "mms_s10.toml"
    run = subprocess.run([sys.executable, "-m", "kcc_tui", "--json", "simulate", str(scenario),
                          "--validate", "--days", "8"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode in (0, 1), run.stderr  # 8 days are too few to promise ±5 %
    out = json.loads(run.stdout)
    (case,) = out["cases"]
    assert case["servers"] == 10 and case["days"] == 8
    checks = {c["name"].split(":")[0]: c for c in case["checks"]}
    assert checks["exact"]["ok"] and checks["exact"]["value"] <= 0.001
    recursion = [c for c in case["checks"] if c["name"].startswith("recursion")]
    assert len(recursion) == 3 and all(c["ok"] for c in recursion)
    assert all(c["ok"] for c in case["checks"] if c["name"].startswith("Little"))
    assert len(case["little_per_hour"]) == 14


# issue 15: M/M/5 at ρ 0.95 forgets its state slowly; a few chained days are noisy, not wrong.
HEAVY = Case("M/M/5, ρ 0.95", 5, 0.475, 10.0, 12)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_correct_simulator_never_fails_on_noise(seed: int) -> None:
    v = validate(one_pool(HEAVY), HEAVY, seed, customers=60_000)
    assert v.ok, [c for c in v.checks if not c.ok]
    simulated = [c for c in v.checks if c.name.startswith("simulated")]
    assert len(simulated) == 3 and all(c.half_width is not None for c in simulated)
    # 12 days cannot pin the mean wait to ±5 %: the check says how many days would
    mean = next(c for c in simulated if "mean wait" in c.name)
    assert mean.days_needed is not None and mean.days_needed > HEAVY.days


def test_a_real_difference_fails() -> None:
    case = CASES[0]  # M/M/3 at ρ 0.83: 300 000 citizens pin it down
    exact = erlang_c(case.servers, case.rate_per_min, case.mean_min)
    waits = reference(one_pool(case), case, customers=300_000, seed=1)
    assert all(c.ok for c in _checks("x: ", waits, exact, 15.0))
    slow = [w * 1.2 for w in waits]  # a simulator whose waits run 20 % long
    checks = {c.name: c for c in _checks("x: ", slow, exact, 15.0)}
    assert not checks["x: mean wait (min)"].ok
    assert relaxation_h(HEAVY) > 50 > 10 * relaxation_h(CASES[1])
