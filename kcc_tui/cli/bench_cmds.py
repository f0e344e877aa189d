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
@click.option("--db", "url", default=None, metavar="URL",
              help="a PostgreSQL server (postgresql://user@host:port/db, the user may create "
                   "databases): the figures on it beside SQLite's, in one table")
def bench_store(cycles: int, seconds: float, feed: int, year_db: Path | None,
                url: str | None) -> None:
    """Throughput, call-next latency under contention, change-feed latency, start-up; with
    --db postgresql://…, SQLite and PostgreSQL side by side."""
    from ..bench import store
    from ..store import StoreError, is_url

    if url is None:
        store.run(cycles, seconds, feed, year_db)
        return
    if not is_url(url):
        raise click.BadParameter("not a postgresql:// URL (SQLite is measured anyway)",
                                 param_hint="--db")
    try:
        store.compare(url, cycles, seconds, feed, print_row=click.echo)
    except StoreError as e:
        raise click.ClickException(str(e)) from None


@bench.command("offices")
@click.option("--db", "url", default=None, metavar="URL",
              help="a PostgreSQL server (postgresql://user@host:port/db, the user may create "
                   "databases; max_connections at least 2 per terminal); default: a throwaway "
                   "server on a loopback port")
@click.option("--offices", default=20, show_default=True, type=click.IntRange(min=1),
              help="offices at once, a database each")
@click.option("--terminals", default=12, show_default=True, type=click.IntRange(min=2),
              help="terminals per office (two counters per kiosk)")
@click.option("--seconds", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="length of each run")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="seconds between two commands of a terminal (0: back to back)")
@click.option("--processes", default=4, show_default=True, type=click.IntRange(min=1),
              help="worker processes holding the terminals (asyncio tasks)")
def bench_offices(url: str | None, offices: int, terminals: int, seconds: float,
                  interval: float, processes: int) -> None:
    """Several offices on one PostgreSQL server: one office alone, then OFFICES offices at
    once (a database each, TERMINALS terminals each): commands/s per office and call-next
    p50/p99 side by side, and every office's log checked."""
    from ..bench import offices as bench
    from ..bench import pgcluster
    from ..store import StoreError, is_url

    def measure(on: str) -> None:
        try:
            bench.run(on, offices, terminals, seconds, interval, processes,
                      print_row=click.echo)
        except StoreError as e:
            raise click.ClickException(str(e)) from None

    if url is not None:
        if not is_url(url):
            raise click.BadParameter("not a postgresql:// URL", param_hint="--db")
        measure(url)
        return
    why = pgcluster.why_not()
    if why is not None:
        raise click.ClickException(f"no throwaway PostgreSQL server: {why}")
    with pgcluster.cluster(max_connections=bench.connections(offices, terminals)) as server:
        measure(server.url())


@bench.command("contention")
@click.option("--engine", type=click.Choice(["postgresql", "sqlite"]), default="postgresql",
              show_default=True, help="PostgreSQL: a throwaway server on a loopback port")
@click.option("--commands", default=100_000, show_default=True, help="run until the log holds "
              "this many events")
@click.option("--kills", default=0, show_default=True, help="SIGKILLs of clients during the run")
@click.option("--restarts", default=0, show_default=True,
              help="`pg_ctl restart -m immediate` of the server during the run")
@click.option("--seed", default=5, show_default=True)
def bench_contention(engine: str, commands: int, kills: int, restarts: int, seed: int) -> None:
    """8 counter and 4 kiosk processes back to back on one store, optionally with kill -9 of
    clients and server restarts; then: duplicate or skipped numbers, double calls, lost
    acknowledged commands (each must be 0), read models against a rebuild."""
    import tempfile

    from ..bench import contention, pgcluster

    with tempfile.TemporaryDirectory() as tmp, Progress("bench contention") as progress:
        if engine == "sqlite":
            if restarts:
                raise click.BadParameter("SQLite has no server to restart", param_hint="--restarts")
            out = contention.run(Path(tmp) / "kcc.db", Path(tmp), commands, kills, 0, None,
                                 seed, progress.counter("commands"))
        else:
            why = pgcluster.why_not()
            if why is not None:
                raise click.ClickException(f"no throwaway PostgreSQL server: {why}")
            with pgcluster.cluster() as server:
                url = server.createdb("kcc")
                out = contention.run(url, Path(tmp), commands, kills, restarts, server.restart,
                                     seed, progress.counter("commands"))
    click.echo(str(out))


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
