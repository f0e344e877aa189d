"""`kcc init` and `kcc store backup|rebuild|check`: looking after the one SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from ..pepper import ensure_pepper
from ..store import EventStore, StoreError, migrate_store, redact
from ..store.target import is_url
from .common import Env, emit, fail, pass_env, run
from .progress import Progress


@click.command()
@pass_env
def init(env: Env) -> None:
    """Create the database (or upgrade its schema) at the configured path, and the office's
    pepper file (kcc.pepper, 0600) beside it. A PostgreSQL database (--db postgresql://…,
    [store] url) must exist (createdb): init installs the schema in it, and the pepper goes
    beside config.toml."""
    existed = None if env.on_server else env.db_path.exists()

    async def body(store: EventStore) -> None:
        pepper, made = ensure_pepper(env.db_path)
        done = "initialised" if existed is None else "opened" if existed else "created"
        emit(env, {"db": store.where, "created": not existed, "pepper": str(pepper)},
             f"{done} {store.where}"
             + (f"; made {pepper} (back it up apart from config.toml)" if made else ""))

    run(env, body, create=True)


@click.group()
def store() -> None:
    """Backups, integrity check and read-model rebuild."""


@store.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@pass_env
def store_backup(env: Env, dest: str) -> None:
    """Copy the live database to DEST (safe while the office runs), then verify the copy."""

    async def body(s: EventStore) -> None:
        path = await s.backup(Path(dest))
        emit(env, {"backup": str(path), "integrity": "ok"}, f"backup written to {path} (verified)")

    run(env, body)


@store.command("migrate")
@click.option("--to", "url", required=True, metavar="URL",
              help="postgresql://user@host:port/database, made empty with createdb")
@pass_env
def store_migrate(env: Env, url: str) -> None:
    """Copy this office's whole history from its SQLite file into an empty PostgreSQL
    database, then verify the copy: the event count, every stream's versions, and read
    models equal to the source's. Then point [store] url at it (docs/operations.md)."""
    if env.on_server:
        fail("the store is already on a server: migrate copies from an SQLite file (--db FILE)",
             code=2, as_json=env.json)
    if not is_url(url):
        raise click.BadParameter("not a postgresql:// URL", param_hint="--to")
    source = env.db_path
    try:
        with Progress("store migrate") as progress:
            async def copy() -> Any:
                async with progress.ticking(f"copying {source} to {redact(url)}"):
                    return await migrate_store(source, url, env.settings.office)

            done = asyncio.run(copy())
    except StoreError as e:
        fail(str(e), as_json=env.json)
    emit(env, {"from": str(source), "to": redact(url), "events": done.events,
               "streams": done.streams, "days": done.days, "tickets": done.tickets,
               "sessions": done.sessions, "verified": True},
         f"copied {done.events} events ({done.days} business days, {done.tickets} tickets) "
         f"from {source} to {redact(url)}; verified: event count, every stream's versions, "
         "read models. Point [store] url at it (docs/operations.md)")


@store.command("rebuild")
@pass_env
def store_rebuild(env: Env) -> None:
    """Rewrite the read-model tables from the event log."""

    async def body(s: EventStore) -> None:
        with Progress("store rebuild") as progress:
            async with progress.ticking("rewriting the read models"):
                days = await s.rebuild()
        emit(env, {"rebuilt_days": days}, f"read models rebuilt from {days} business "
                                          f"{'day' if days == 1 else 'days'}")

    run(env, body)


@store.command("check")
@click.option("--accept-loss", is_flag=True,
              help="accept that the log ends below the acknowledged high-water mark")
@pass_env
def store_check(env: Env, accept_loss: bool) -> None:
    """Integrity check of the file, of the log (every event fits the history before it; none
    acknowledged is missing) and of the read models against the log."""

    async def body(s: EventStore) -> None:
        if accept_loss and s.lost:
            await s.accept_loss()
            click.echo("kcc: loss accepted: the log's end is the high-water mark again", err=True)
        problems = await s.check()
        if problems:
            fail("; ".join(problems), as_json=env.json)
        emit(env, {"ok": True}, "ok: file intact, every event fits, read models match the log")

    # lenient: a store whose fold stops at a damaged event still opens, to be explained
    run(env, body, lenient=True)
