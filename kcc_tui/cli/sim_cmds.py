"""`kcc simulate`: run a scenario, validate against theory, or fill a store with simulated days."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time
from datetime import datetime
from itertools import count
from pathlib import Path

import click

from ..config import ConfigError, example_path
from ..domain.clock import business_day, system_clock
from ..reports.fit import FitError, fit
from ..reports.period import PeriodError, next_weekday
from ..sim.model import simulate as run_days
from ..sim.report import result_json, result_text, validation_json, validation_text
from ..sim.scenario import load_scenario
from ..sim.storewriter import write_days
from ..sim.validate import CASES, as_case, one_pool, validate
from ..store import StoreError
from .common import Env, emit, fail, pass_env
from .progress import Progress


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO.toml]")
@click.option("--days", type=click.IntRange(1, 100_000), default=None,
              help="days to simulate (default 1; with --validate: per case, see docs)")
@click.option("--seed", type=int, default=1, show_default=True,
              help="the same seed gives the same result")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="first date (YYYY-MM-DD; default: the scenario's date); days are a week apart")
@click.option("--json", "as_json", is_flag=True, help="print exactly one JSON object")
@click.option("--store", "store_path", metavar="PATH", default=None,
              help="also write the simulated days through the store into this SQLite file")
@click.option("--validate", "do_validate", is_flag=True,
              help="check against Erlang C and Little's law (the two standard cases, or "
                   "SCENARIO if it is one pool of identical posts)")
@click.option("--fit", "fit_day", metavar="DAY", default=None,
              help="print a scenario learned from the store's history for DAY (a weekday such "
                   "as tuesday, or a date)")
@click.option("--weeks", type=click.IntRange(1, 104), default=8, show_default=True,
              help="with --fit: weeks of history to learn from")
@click.option("--no-estimates", is_flag=True,
              help="skip the wait forecasts (faster, when only KPIs or --store matter)")
@click.option("--hours/--no-hours", default=True, help="show the tables per hour")
@pass_env
def simulate(env: Env, scenario: str | None, days: int | None, seed: int,
             start: datetime | None, as_json: bool, store_path: str | None, do_validate: bool,
             fit_day: str | None, weeks: int, no_estimates: bool, hours: bool) -> None:
    """Simulate office days with the real domain code: KPIs and wait-estimate accuracy.

    SCENARIO is a scenario file such as scenarios/typical_tuesday.toml (docs/simulation.md).
    """
    env.json = env.json or as_json
    try:
        if fit_day is not None:
            if scenario or do_validate or store_path:
                raise click.UsageError("--fit prints a scenario: give no SCENARIO, --validate "
                                       "or --store with it")
            _fit(env, fit_day, weeks)
            return
        if do_validate:
            if store_path:
                raise click.UsageError("--store cannot be combined with --validate")
            _validate(env, scenario, days, seed)
            return
        if scenario is None:
            raise click.UsageError("give a scenario file (see scenarios/) or --validate")
        loaded = load_scenario(scenario)
        if store_path:
            _check_store_path(store_path)
        with Progress("simulate") as progress:
            started = time.perf_counter()
            results = run_days(loaded, days or 1, seed, start=start.date() if start else None,
                               estimates=not no_estimates, record=store_path is not None,
                               progress=progress.counter("simulating", "days"))
            elapsed = time.perf_counter() - started
            out = result_json(loaded, results, seed=seed, elapsed_s=elapsed, source=scenario)
            if store_path:
                stored, n = progress.counter(f"storing into {store_path}", "days"), count(1)
                written = asyncio.run(write_days(
                    store_path, loaded.office, results,
                    progress=lambda _day, _events: stored(next(n), len(results))))
                out["store"] = {"path": store_path, "days": len(results), "events": written}
    except ConfigError as e:
        fail(str(e), code=2, as_json=env.json)
    except StoreError as e:
        fail(str(e), as_json=env.json)
    except (ValueError, PeriodError) as e:
        fail(str(e), code=2, as_json=env.json)
    except KeyboardInterrupt:
        sys.exit(130)
    emit(env, out, result_text(out, hours=hours))


def _fit(env: Env, day: str, weeks: int) -> None:
    settings = env.settings
    office = settings.office
    when = next_weekday(day, business_day(system_clock(), office.timezone))
    ref = "example" if settings.source == example_path() else str(Path(settings.source).resolve())
    try:
        text = asyncio.run(fit(env.db_target, office, ref, when, weeks))
    except FitError as e:
        fail(str(e), as_json=env.json)
    emit(env, {"day": str(when), "weeks": weeks, "scenario": text}, text.rstrip("\n"))


def _check_store_path(path: str) -> None:
    """Before simulating: a folder or a missing folder would only fail after the work."""
    p = Path(path)
    if p.is_dir():
        raise click.BadParameter(f"{path} is a folder; give a file name", param_hint="--store")
    if not p.parent.is_dir():
        raise click.BadParameter(f"folder {p.parent} does not exist", param_hint="--store")


def _validate(env: Env, scenario: str | None, days: int | None, seed: int) -> None:
    if scenario is None:
        cases = [(one_pool(c), dataclasses.replace(c, days=days or c.days)) for c in CASES]
    else:
        loaded = load_scenario(scenario)
        cases = [(loaded, as_case(loaded, days))]
    with Progress("simulate") as progress:
        results = [validate(loaded, case, seed,
                            progress=progress.counter(f"validating {case.name}:", "days"))
                   for loaded, case in cases]
    out = validation_json(results, [f"{lo.scenario.open:%H:%M}" for lo, _ in cases])
    emit(env, out, validation_text(out))
    if not out["ok"]:
        sys.exit(1)
