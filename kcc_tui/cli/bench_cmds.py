"""`kcc bench ...`: benchmark programs that print figures (never pass/fail)."""

from __future__ import annotations

from pathlib import Path

import click

from .progress import Progress


@click.group(invoke_without_command=True)
@click.option("--full", is_flag=True, help="each program with its own (longer) defaults")
@click.pass_context
def bench(ctx: click.Context, full: bool) -> None:
    """Measure: prints figures, asserts nothing. Alone: every benchmark, one table."""
    if ctx.invoked_subcommand is None:
        from ..bench import suite

        with Progress("bench") as progress:
            suite.run(full, step=lambda what, done, total:
                      progress.update(what, done, total, "programs"))


@bench.command("store")
@click.option("--cycles", default=500, show_default=True, help="issue→call→finish cycles")
@click.option("--seconds", default=20.0, show_default=True, help="contention run length")
@click.option("--feed", default=300, show_default=True, help="events for the feed latency")
@click.option("--year-db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="history database to reuse (made once if missing)")
def bench_store(cycles: int, seconds: float, feed: int, year_db: Path | None) -> None:
    """Throughput, call-next latency under contention, change-feed latency, start-up."""
    from ..bench import store

    store.run(cycles, seconds, feed, year_db)


@bench.command("startup")
@click.option("--runs", default=5, show_default=True, help="best of this many of each")
def bench_startup(runs: int) -> None:
    """Start-up of `kcc --json` store commands against a bare `python -c pass`, and of each app
    to its first screen against a bare Textual app, with the app's memory."""
    from ..bench import startup

    startup.run(runs)


@bench.command("crash")
@click.option("--kills", default=300, show_default=True, help="SIGKILLs at random moments")
@click.option("--app-kills", default=1000, show_default=True,
              help="SIGKILLs of the loop that also kills the apps (0: skip it)")
@click.option("--seed", default=7, show_default=True)
def bench_crash(kills: int, app_kills: int, seed: int) -> None:
    """Kill kiosk and counter processes at random, then check the store and the counters; then
    the same with the kiosk, counter and display apps among the processes killed."""
    import tempfile
    import time

    from ..bench import crash

    with tempfile.TemporaryDirectory() as tmp, Progress("bench crash") as progress:
        t0 = time.perf_counter()
        out = crash.run(Path(tmp) / "kcc.db", kills, seed, progress.counter("kills"))
    click.echo(f"{out.kills} kills in {time.perf_counter() - t0:.0f} s: {out.tickets} tickets, "
               f"{out.events} events, {len(out.restarts)} counter restarts (all resumed: "
               f"{all('resumed' in r for r in out.restarts)}); problems: "
               f"{'; '.join(out.problems) or 'none'}")
    if app_kills:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            apps = crash.run_apps(Path(tmp) / "kcc.db", app_kills, seed)
        click.echo(f"{apps.kills} kills ({apps.app_kills} of apps) in "
                   f"{time.perf_counter() - t0:.0f} s: {apps.tickets} tickets, {apps.events} "
                   f"events; {apps.acknowledged} acknowledged tickets ({apps.by_kiosk_app} by "
                   f"the kiosk app), lost: {len([p for p in apps.problems if 'acknowledged' in p])}"
                   f"; counter app resumed {apps.counter_resumes} times; problems: "
                   f"{'; '.join(apps.problems) or 'none'}")
