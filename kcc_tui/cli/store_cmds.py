"""`kcc init` and `kcc store backup|rebuild|check`: looking after the one SQLite file."""

from __future__ import annotations

from pathlib import Path

import click

from ..pepper import ensure_pepper
from ..store import Store
from .common import Env, emit, fail, pass_env, run
from .progress import Progress


@click.command()
@pass_env
def init(env: Env) -> None:
    """Create the database (or upgrade its schema) at the configured path, and the office's
    pepper file (kcc.pepper, 0600) beside it."""
    existed = env.db_path.exists()

    async def body(store: Store) -> None:
        pepper, made = ensure_pepper(store.path)
        emit(env, {"db": str(store.path), "created": not existed, "pepper": str(pepper)},
             f"{'opened' if existed else 'created'} {store.path}"
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

    async def body(s: Store) -> None:
        path = await s.backup(Path(dest))
        emit(env, {"backup": str(path), "integrity": "ok"}, f"backup written to {path} (verified)")

    run(env, body)


@store.command("rebuild")
@pass_env
def store_rebuild(env: Env) -> None:
    """Rewrite the read-model tables from the event log."""

    async def body(s: Store) -> None:
        with Progress("store rebuild") as progress:
            async with progress.ticking("rewriting the read models"):
                days = await s.rebuild()
        emit(env, {"rebuilt_days": days}, f"read models rebuilt from {days} business days")

    run(env, body)


@store.command("check")
@pass_env
def store_check(env: Env) -> None:
    """Integrity check of the file and of the read models against the log."""

    async def body(s: Store) -> None:
        problems = await s.check()
        if problems:
            fail("; ".join(problems), as_json=env.json)
        emit(env, {"ok": True}, "ok: file intact, read models match the event log")

    run(env, body)
