"""Simulator benchmark: wait-estimate accuracy per scenario, forecast time, throughput.

    .venv/bin/python benchmarks/sim_accuracy.py [--days 60] [--seed 1] [--json]
                                                [--scenario scenarios/x.toml ...] [--quick]
                                                [--perfect-days 5]

Prints figures and, beside them, the targets of issues 7 and 15; asserts nothing (a benchmark):

- per scenario (every scenarios/*.toml that is not a one-pool validation file): MAE and bias of
  the printed forecast, of the queue-length oracle (true means) and of LES (the last wait), the
  ratios printed/oracle (target ≤ 1.10) and printed/LES (≤ 0.80), |bias| ≤ 0.5 min, the worst
  hourly bias, the relative squared error over tickets that waited, and how often the wait fell
  within the p10–p90 range (target 80 ± 5 %); on the first `--perfect-days` days also the MAE
  of the perfect-information oracle (service times of those ahead and the real staffing known,
  only later arrivals unknown: the floor) and the printed MAE on the same tickets, as a ratio.
  On the typical Tuesday also MAE ≤ 2.4 min and |bias| ≤ 0.5 min in every hour;
- forecast time with 10 posts and about 100 waiting tickets (target < 50 ms per update), for one
  ticket and for every service at once (a dashboard);
- throughput: simulated tickets per second through the domain code (target ≥ 10 000), without
  the per-ticket forecast, and with it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcc_tui.domain.forecast import forecast_all, forecast_wait  # noqa: E402
from kcc_tui.sim.metrics import accuracy, hours_spanned, judged  # noqa: E402
from kcc_tui.sim.model import DaySim, simulate  # noqa: E402
from kcc_tui.sim.scenario import load_scenario, scenario_from_document  # noqa: E402
from kcc_tui.sim.validate import CASES, one_pool  # noqa: E402

SCENARIOS = ROOT / "scenarios"
TYPICAL = "typical_tuesday.toml"


def scenario_files() -> list[Path]:
    return sorted(p for p in SCENARIOS.glob("*.toml") if not p.name.startswith("mms_"))


def perfect_ratio(loaded: Any, days: int, seed: int) -> tuple[float | None, float | None]:
    """(perfect-information oracle MAE, printed MAE / that) over the first `days` days."""
    if days <= 0:
        return None, None
    recs = [r for r in judged(simulate(loaded, days, seed, perfect=True))
            if r.perfect is not None]
    if not recs:
        return None, None
    perfect = sum(abs((r.perfect or 0.0) - (r.wait or 0.0)) for r in recs) / len(recs)
    printed = sum(abs((r.printed or 0.0) - (r.wait or 0.0)) for r in recs) / len(recs)
    return perfect / 60, (printed / perfect if perfect else None)


def accuracy_row(path: Path, days: int, seed: int, perfect_days: int = 0) -> dict[str, Any]:
    loaded = load_scenario(path)
    started = time.perf_counter()
    results = simulate(loaded, days, seed)
    elapsed = time.perf_counter() - started
    perfect_mae, vs_perfect = perfect_ratio(loaded, min(days, perfect_days), seed)
    recs = judged(results)
    acc = accuracy(recs, hours_spanned(results))
    p, o, les = acc["printed"], acc["oracle"], acc["les"]
    biases = [b for n, b, _ in p.hours if b is not None and n >= 20]
    row = {
        "scenario": path.name, "days": days, "tickets": p.n,
        "mae_min": p.mae_s / 60, "bias_min": p.bias_s / 60,
        "oracle_mae_min": o.mae_s / 60, "les_mae_min": les.mae_s / 60,
        "simple_mae_min": acc["simple"].mae_s / 60,
        "vs_oracle": p.mae_s / o.mae_s if o.mae_s else None,
        "vs_les": p.mae_s / les.mae_s if les.mae_s else None,
        "worst_hour_bias_min": max(biases, key=abs) / 60 if biases else None,
        "hour_bias_min": [None if b is None else round(b / 60, 2) for _n, b, _e in p.hours],
        "rse": p.rse, "oracle_rse": o.rse, "les_rse": les.rse,
        "coverage": p.coverage, "seconds": elapsed,
        "perfect_mae_min": perfect_mae, "vs_perfect": vs_perfect,
    }
    row["meets"] = (row["vs_oracle"] is not None and row["vs_oracle"] <= 1.10
                    and row["vs_les"] is not None and row["vs_les"] <= 0.80
                    and abs(row["bias_min"]) <= 0.5
                    and p.coverage is not None and abs(p.coverage - 0.80) <= 0.05)
    if path.name == TYPICAL:
        row["meets"] = row["meets"] and row["mae_min"] <= 2.4 and all(
            abs(b) / 60 <= 0.5 for b in biases)
    return row


# Ten counters with the example office's mix of profiles, and more citizens than they can
# serve, so that the queue grows past 100.
TEN_POSTS: dict[str, Any] = {
    "name": "ten posts, long queue", "office": "example", "date": "2026-11-24",
    "open": "08:00", "close": "16:00", "overtime_min": 0,
    "services": {code: {"per_hour": [n] * 8, "service_min": m} for code, n, m in (
        ("eid", 30, 11), ("rijbewijs", 14, 9), ("reispas", 8, 16), ("attesten", 20, 5.5),
        ("afhalen", 30, 2.5), ("verhuis", 5, 22))},
    "posts": {f"l{i}": {"services": prof} for i, prof in enumerate((
        {"eid": 2, "reispas": 1, "afhalen": 1}, ["eid", "rijbewijs", "reispas"],
        {"rijbewijs": 2, "eid": 1, "attesten": 1}, {"verhuis": 3, "attesten": 1},
        {"afhalen": 2, "attesten": 1}, {"eid": 2, "reispas": 1, "afhalen": 1},
        ["eid", "rijbewijs", "reispas"], {"rijbewijs": 2, "eid": 1, "attesten": 1},
        {"verhuis": 3, "attesten": 1}, {"afhalen": 2, "attesten": 1}), start=1)},
    "staff": {f"s{i}": {"post": f"l{i}", "shifts": ["08:00-16:00"]} for i in range(1, 11)},
}


def forecast_times(samples: int = 30) -> dict[str, Any]:
    """Time one forecast (the newest ticket) and a dashboard update (every service) on live
    states of a ten-post office with about 100 waiting."""
    loaded = scenario_from_document(TEN_POSTS, "benchmark: ten posts")
    sim = DaySim(loaded, loaded.scenario.date, 0, 1, estimates=False)
    sim.start()
    one, board, sizes, posts = [], [], [], []
    # Wall time is what a user waits; CPU time is the forecast's own cost, which other programs
    # on a shared machine do not inflate.
    one_cpu: list[float] = []
    board_cpu: list[float] = []
    state = sim.ledger.state
    last = -3600.0
    while len(one) < samples and sim.env.peek() < float("inf"):
        sim.env.step()
        n = len(state.queue)
        if not 95 <= n <= 110 or sim.env.now - last < 120:
            continue
        last = sim.env.now
        now = sim.clock.at = sim.open_utc + timedelta(seconds=sim.env.now)
        newest = max(state.queue.values(), key=lambda t: t.order)
        t0, c0 = time.perf_counter(), time.process_time()
        forecast_wait(state, loaded.office, newest.service, now, newest)
        t1, c1 = time.perf_counter(), time.process_time()
        forecast_all(state, loaded.office, now)
        t2, c2 = time.perf_counter(), time.process_time()
        one.append((t1 - t0) * 1000)
        board.append((t2 - t1) * 1000)
        one_cpu.append((c1 - c0) * 1000)
        board_cpu.append((c2 - c1) * 1000)
        sizes.append(n)
        posts.append(sum(1 for p in state.posts.values() if p.open))
    open_posts = max(posts, default=0)

    def stats(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {"p50_ms": statistics.median(xs), "p95_ms": xs[int(0.95 * (len(xs) - 1))],
                "max_ms": xs[-1]}

    return {"posts": open_posts, "waiting_mean": statistics.mean(sizes) if sizes else 0,
            "samples": len(one), "one_ticket": stats(one) if one else None,
            "every_service": stats(board) if board else None,
            "one_ticket_cpu": stats(one_cpu) if one else None,
            "every_service_cpu": stats(board_cpu) if board else None,
            "load_average": os.getloadavg()[0]}


def throughput(days: int = 10) -> dict[str, float]:
    """Simulated tickets per second through the domain code: the typical day and the M/M/10
    validation case (no forecast), and the typical day with the per-ticket forecast."""
    out = {}
    typical = load_scenario(SCENARIOS / TYPICAL)
    mm10 = one_pool(CASES[1])
    for name, loaded, estimates, n in (("typical_day", typical, False, days),
                                       ("mm10", mm10, False, max(2, days // 3)),
                                       ("typical_day_with_forecast", typical, True, days)):
        started = time.perf_counter()
        results = simulate(loaded, n, 7, estimates=estimates)
        elapsed = time.perf_counter() - started
        tickets = sum(len(d.records) for d in results)
        out[name] = tickets / elapsed
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=60, help="days per scenario (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scenario", action="append", type=Path, help="only these scenarios")
    ap.add_argument("--quick", action="store_true", help="10 days, fewer samples")
    ap.add_argument("--json", action="store_true", help="one JSON object")
    ap.add_argument("--perfect-days", type=int, default=5,
                    help="days per scenario with the perfect-information oracle (slow; 0: none)")
    args = ap.parse_args()
    days = 10 if args.quick else args.days
    files = args.scenario or scenario_files()
    rows = [accuracy_row(p, days, args.seed, args.perfect_days) for p in files]
    timing = forecast_times(10 if args.quick else 30)
    speed = throughput(3 if args.quick else 10)
    if args.json:
        print(json.dumps({"accuracy": rows, "forecast": timing, "throughput": speed},
                         default=float))
        return
    print(f"Wait-estimate accuracy, {days} simulated days per scenario, seed {args.seed} "
          "(minutes)")
    print(f"{'scenario':<22}{'tickets':>8}{'MAE':>7}{'bias':>7}{'oracle':>8}{'LES':>7}"
          f"{'perfect':>8}{'/oracle':>8}{'/LES':>6}{'/perf':>6}{'worst h':>8}{'RSE':>6}"
          f"{'p10-90':>8}  targets")

    def opt(x: float | None, fmt: str) -> str:
        return "-" if x is None else format(x, fmt)

    for r in rows:
        print(f"{r['scenario'].removesuffix('.toml'):<22}{r['tickets']:>8}{r['mae_min']:>7.2f}"
              f"{r['bias_min']:>+7.2f}{r['oracle_mae_min']:>8.2f}{r['les_mae_min']:>7.2f}"
              f"{opt(r['perfect_mae_min'], '.2f'):>8}"
              f"{r['vs_oracle']:>8.2f}{r['vs_les']:>6.2f}{opt(r['vs_perfect'], '.1f'):>6}"
              f"{opt(r['worst_hour_bias_min'], '+.2f'):>8}"
              f"{(r['rse'] or 0):>6.2f}{(r['coverage'] or 0):>8.0%}  "
              f"{'met' if r['meets'] else 'NOT MET'}")
    f = timing
    print(f"\nForecast with {f['posts']} posts and {f['waiting_mean']:.0f} waiting "
          f"({f['samples']} states; target < 50 ms; load average {f['load_average']:.1f})")
    for key, label in (("one_ticket", "one ticket"), ("every_service", "every service"),
                       ("one_ticket_cpu", "one, CPU time"), ("every_service_cpu", "every, CPU")):
        s = f[key]
        if s:
            print(f"  {label:<14} p50 {s['p50_ms']:6.1f} ms   p95 {s['p95_ms']:6.1f} ms   "
                  f"max {s['max_ms']:6.1f} ms")
    print("\nThroughput through the domain code (target ≥ 10 000 tickets/s)")
    for k, v in speed.items():
        print(f"  {k:<28}{v:>9.0f} tickets/s")


if __name__ == "__main__":
    main()
