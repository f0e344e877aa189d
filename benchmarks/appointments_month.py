"""A simulated month with half of the citizens by appointment (issue 18).

    .venv/bin/python benchmarks/appointments_month.py [--days 20] [--seed 1] [--json]
                                                      [--scenario scenarios/appointments_half.toml]
                                                      [--capacity-days 10]

Prints, for the scenario (default: five counters, 12 appointments and 12 walk-ins an hour,
20 mornings), the appointment figures (wait = first call − max(booked start, check-in), its
mean — beside the Dutch norm of 5 min — and the share within 5 min, punctuality, share called
before the booked time, no-show rate), the walk-in figures (mean wait, p90, SL) and the wait
estimate's accuracy split by kind; then the capacity advice for the same staff plan and walk-in
load (`kcc appointment capacity`), checked over `--capacity-days` simulated days, and the month
simulated again with the advised plan. Asserts nothing (a benchmark).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcc_tui.sim.capacity import advise, with_plan  # noqa: E402
from kcc_tui.sim.model import simulate  # noqa: E402
from kcc_tui.sim.report import result_json  # noqa: E402
from kcc_tui.sim.scenario import Loaded, load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "appointments_half.toml"


def month(loaded: Loaded, days: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    results = simulate(loaded, days=days, seed=seed)
    j = result_json(loaded, results, seed=seed, elapsed_s=time.perf_counter() - started,
                    source="")
    a = j["appointments"]
    share = a["booked"] / (a["booked"] + a["walk_ins"])
    return {"appointment_share_of_citizens": round(share, 3), **a,
            "accuracy_by_kind": {k: v["printed"] for k, v in j["accuracy_by_kind"].items()},
            "elapsed_s": j["elapsed_s"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--scenario", default=str(SCENARIO))
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--capacity-days", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    loaded = load_scenario(args.scenario)
    out: dict[str, Any] = {"scenario": args.scenario, "days": args.days, "seed": args.seed}
    out["month"] = month(loaded, args.days, args.seed)
    booked = [c for c, p in loaded.scenario.services.items() if p.appointments_per_hour]
    started = time.perf_counter()
    advice = advise(loaded, booked, days=args.capacity_days, seed=args.seed + 1000)
    out["capacity"] = {**advice.to_json(), "elapsed_s": round(time.perf_counter() - started, 1)}
    out["month_with_advice"] = month(with_plan(loaded, advice.best.plan), args.days, args.seed)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, title in (("month", "as planned in the scenario"),
                        ("month_with_advice", "with the advised appointments")):
        m = out[name]
        print(f"{args.days} simulated mornings {title}: {m['booked']} appointments "
              f"({m['appointment_share_of_citizens']:.0%} of citizens), {m['walk_ins']} walk-ins")
        print(f"  appointment wait: mean {m['mean_wait_min']} min (norm ≤ 5), p90 "
              f"{m['p90_wait_min']} min, within {m['target_min']:g} min "
              f"{m['within_target']:.0%}; punctuality {m['punctuality_min']:+} min; "
              f"called before the booked time {m['before_share']:.0%}; no-shows "
              f"{m['no_show_rate']:.0%}")
        print(f"  walk-ins: mean wait {m['walk_in_mean_wait_min']} min, p90 "
              f"{m['walk_in_p90_wait_min']} min, SL {m['walk_in_sl']:.0%}")
        for kind, acc in m["accuracy_by_kind"].items():
            print(f"  printed estimate, {kind}: MAE {acc['mae_min']} min, bias "
                  f"{acc['bias_min']:+} min ({acc['tickets']} tickets)")
        print(f"  ({m['elapsed_s']} s)")
    c = out["capacity"]
    print(f"capacity advice (appointments within target ≥ {c['appointment_target_share']:.0%}, "
          f"walk-in SL ≥ {c['walk_in_sl_target']:.0%}, {c['days_simulated']} days per check, "
          f"{c['checks']} checks, {c['elapsed_s']} s): per opening hour "
          + ", ".join(f"{k} {v}" for k, v in c["advice"]["per_hour"].items()))


if __name__ == "__main__":
    main()
