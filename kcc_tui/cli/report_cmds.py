"""`kcc report` and `kcc staffing`: evaluating the service and sizing staff (docs/reports.md)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from ..config.installation import Installation
from ..domain.clock import business_day, system_clock
from ..reports.breakdown import BREAKDOWNS
from ..reports.period import HELP, Period, PeriodError, parse_period
from ..reports.staffing import StaffingError, calculate, share
from ..store import StoreError
from .common import Env, emit, fail, pass_env
from .offices import installation, offices_option
from .progress import Progress

# The rest of the report (openpyxl, the simulator) is imported when a command runs: every
# other `kcc` command starts without it.

R = TypeVar("R")


def _run(env: Env, body: Callable[[], Awaitable[R]]) -> R:
    """Run the async part; every expected failure is one line (exit 1, or 2 for bad input)."""
    try:
        return asyncio.run(body())  # type: ignore[arg-type]
    except (PeriodError, StaffingError) as e:
        fail(str(e), code=2, as_json=env.json)
    except StoreError as e:
        fail(str(e), as_json=env.json)
    except OSError as e:
        fail(f"cannot write {e.filename}: {e.strerror}" if e.filename else str(e),
             as_json=env.json)
    except KeyboardInterrupt:
        sys.exit(130)


def _period(env: Env, text: str | None, first: str | None, last: str | None) -> Period:
    today = business_day(system_clock(), env.settings.office.timezone)
    try:
        if first or last:
            if text:
                raise PeriodError("give a PERIOD or --from/--to, not both")
            a = parse_period(first or last or "", today)
            b = parse_period(last or first or "", today)
            return Period("range", a.first, b.last)
        return parse_period(text or "today", today)
    except PeriodError as e:
        raise click.BadParameter(str(e)) from None


def _breakdowns(value: str | None) -> list[str] | None:
    if not value:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in BREAKDOWNS]
    if bad:
        raise click.BadParameter(f"unknown breakdown {bad[0]!r} (known: {', '.join(BREAKDOWNS)})")
    return names


async def _offices_report(env: Env, inst: Installation, p: Period, names: list[str] | None,
                          csv_dir: Path | None, excel_be: bool, xlsx: Path | None,
                          topics: int) -> None:
    """`kcc report --offices`: a section per office and one for all together
    (reports/offices.py); the files carry an office column."""
    from ..reports.offices import build_offices_report, office_tables, offices_text

    with Progress("report") as progress:
        rep = await build_offices_report(
            inst, p, progress=lambda oid: progress.counter(f"reading {p.label} of {oid}",
                                                           "tickets"))
    files: list[str] = []
    if csv_dir is not None or xlsx is not None:
        from ..reports.export import write_csv, write_xlsx

        tables = office_tables(rep)
        if csv_dir is not None:
            files += [str(f) for f in write_csv(rep.combined, csv_dir, excel_be=excel_be,
                                                tables=tables)]
        if xlsx is not None:
            tz = next(iter(inst.offices.values())).office.timezone
            files.append(str(write_xlsx(rep.combined, xlsx, tz, tables=tables)))
    shown = names or [b for b in BREAKDOWNS if p.days > 1 or b not in ("weekday", "day")]
    text = "" if env.json else offices_text(rep, shown, topics)
    if files:
        text += "\nwritten: " + ", ".join(files)
    emit(env, rep.to_json() | {"files": files} if env.json else {}, text.rstrip("\n"))


@click.command(help=f"""Service report for PERIOD (default today).

PERIOD: {HELP}. Closing a day never deletes anything: every past day can be reported on.""")
@click.argument("period", required=False)
@click.option("--from", "first", metavar="DATE", help="first day of a range (with --to)")
@click.option("--to", "last", metavar="DATE", help="last day of a range (inclusive)")
@click.option("--by", metavar="LIST",
              help=f"breakdowns to print, comma-separated ({','.join(BREAKDOWNS)}); "
                   "files always hold all")
@click.option("--csv", "csv_dir", metavar="FOLDER", type=click.Path(path_type=Path),
              help="write one CSV file per table into FOLDER")
@click.option("--excel-be", is_flag=True,
              help="with --csv: ';' between fields and a decimal comma, as Excel with Belgian "
                   "regional settings opens them")
@click.option("--xlsx", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="write an Excel workbook (one sheet per table, a chart per hour)")
@click.option("--topics", default=10, show_default=True, type=click.IntRange(1, 100),
              help="recurring topics to list per kind")
@click.option("--advice", "advice_day", metavar="DAY",
              help="add staffing advice for DAY: a weekday (monday = the next Monday) or a date")
@click.option("--target", default="80%", show_default=True,
              help="service level the advice aims at")
@click.option("--no-check", is_flag=True, help="advice from Erlang C only, without simulating")
@click.option("--json", "as_json", is_flag=True, help="print exactly one JSON object")
@offices_option
@pass_env
def report(env: Env, period: str | None, first: str | None, last: str | None, by: str | None,
           csv_dir: Path | None, excel_be: bool, xlsx: Path | None, topics: int,
           advice_day: str | None, target: str, no_check: bool, as_json: bool,
           offices_file: str | None) -> None:
    env.json = env.json or as_json
    if excel_be and csv_dir is None:
        raise click.UsageError("--excel-be is a CSV format: give --csv FOLDER with it")
    inst = installation(env, offices_file)
    if inst is not None:
        if advice_day:
            raise click.UsageError("staffing advice is per office: give --advice with the "
                                   "office's --config, without --offices")
        env._settings = next(iter(inst.offices.values()))  # the period in its time zone
    p = _period(env, period, first, last)
    names = _breakdowns(by)
    if inst is not None:
        _run(env, lambda: _offices_report(env, inst, p, names, csv_dir, excel_be, xlsx, topics))
        return
    office = env.settings.office
    try:
        goal = share(target)
    except StaffingError as e:
        raise click.BadParameter(str(e)) from None

    async def body() -> None:
        from ..reports import advice_for, build_report
        from ..reports.text import report_text

        with Progress("report") as progress:
            read = progress.counter(f"reading {p.label}", "tickets")
            rep = await build_report(env.db_path, office, p, progress=read)
            if advice_day:
                progress.update(f"staffing advice for {advice_day}")
                rep.advice = await advice_for(env.db_path, advice_day, office=office,
                                              office_source=env.settings.source, target=goal,
                                              check=not no_check)
        files: list[str] = []
        if csv_dir is not None or xlsx is not None:
            from ..reports.export import write_csv, write_xlsx  # openpyxl: only when asked

            if csv_dir is not None:
                files += [str(f) for f in write_csv(rep, csv_dir, excel_be=excel_be)]
            if xlsx is not None:
                files.append(str(write_xlsx(rep, xlsx, office.timezone)))
        shown = names or [b for b in BREAKDOWNS if p.days > 1 or b not in ("weekday", "day")]
        text = "" if env.json else report_text(rep, shown, topics)
        if files:
            text += "\nwritten: " + ", ".join(files)
        emit(env, rep.to_json() | {"files": files} if env.json else {}, text.rstrip("\n"))

    _run(env, body)


@click.command()
@click.option("--arrivals-per-hour", "rate", type=float, metavar="R",
              help="citizens arriving per hour")
@click.option("--mean-service", "mean", type=float, metavar="M", help="mean minutes per citizen")
@click.option("--target", metavar="P", help="share to serve within the time: 0.8 or 80%")
@click.option("--within", type=float, metavar="T", help="minutes")
@click.option("--posts", type=int, metavar="N", help="evaluate N staffed posts instead")
@click.option("--for", "day", metavar="DAY",
              help="advice per opening hour for DAY from history (monday = the next Monday)")
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 104),
              help="weeks of history to learn from (with --for)")
@click.option("--no-check", is_flag=True, help="with --for: Erlang C only, no simulation")
@click.option("--json", "as_json", is_flag=True, help="print exactly one JSON object")
@pass_env
def staffing(env: Env, rate: float | None, mean: float | None, target: str | None,
             within: float | None, posts: int | None, day: str | None, weeks: int,
             no_check: bool, as_json: bool) -> None:
    """Posts needed, by the exact Erlang C formula.

    \b
    kcc staffing --arrivals-per-hour 20 --mean-service 12 --target 80% --within 15
    kcc staffing --arrivals-per-hour 20 --mean-service 12 --target 80% --within 15 --posts 4
    kcc staffing --for monday            (from history, checked with the simulator)
    """
    env.json = env.json or as_json
    explicit = {"--arrivals-per-hour": rate, "--mean-service": mean, "--within": within}
    try:
        goal = share(target if target is not None else "80%")
    except StaffingError as e:
        raise click.BadParameter(str(e), param_hint="--target") from None
    if day is not None:
        if any(v is not None for v in explicit.values()) or posts is not None:
            raise click.UsageError("--for learns from history: leave out --arrivals-per-hour, "
                                   "--mean-service, --within and --posts")
        _advice(env, day, goal, weeks, not no_check)
        return
    missing = [k for k, v in explicit.items() if v is None]
    if target is None:
        missing.append("--target")
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (or use --for DAY)")
    assert rate is not None and mean is not None and within is not None
    try:
        calc = calculate(rate, mean, goal, within, posts)
    except StaffingError as e:
        fail(str(e), code=2, as_json=env.json)
    emit(env, calc.to_json(), calc.text())


def _advice(env: Env, day: str, goal: float, weeks: int, check: bool) -> None:
    from ..reports import advice_for
    from ..reports.text import advice_text

    office = env.settings.office

    async def body() -> None:
        a = await advice_for(env.db_path, day, office=office, office_source=env.settings.source,
                             target=goal, weeks=weeks, check=check)
        emit(env, a.to_json(), "\n".join(advice_text(a)).rstrip("\n"))

    _run(env, body)
