"""Backups of a PostgreSQL store with `pg_dump`, verified by restoring them into a scratch
database; restoring one into the live store under a new generation, as the SQLite store does.

A restore never replaces the database under running processes: the backup is loaded into a
scratch database and checked, then the live tables are emptied and refilled from it in ONE
transaction that holds the office's lock and changes the generation. Every process sees either
the old content or the restored one, and refuses a command decided on the old (StoreReplaced).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from ..common import fold_days, read_model_problems
from ..errors import StoreError
from ..office_mark import KEY as OFFICE_KEY
from ..office_mark import other_backup
from ..target import redact, with_database
from .connection import channel, connect, first_line, office_lock_key, translate
from .schema import LATEST
from .store import _day_rows, read_models, trigger_problems

TABLES = ("events", "notes", "tickets", "post_sessions", "meta")  # what a restore refills
TOOL_TIMEOUT_S = 3600


def tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest in Debian's /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                         reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise StoreError(f"{name} not found: install the PostgreSQL client tools "
                     "(Debian: postgresql-client)")


async def run_tool(*args: str) -> None:
    env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    try:
        proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.PIPE, env=env)
        _, err = await asyncio.wait_for(proc.communicate(), TOOL_TIMEOUT_S)
    except (OSError, TimeoutError) as e:
        raise StoreError(f"{Path(args[0]).name} failed ({e})") from None
    if proc.returncode != 0:
        line = (err.decode(errors="replace").strip().splitlines() or ["no message"])[0]
        raise StoreError(f"{Path(args[0]).name} failed: {line}")


async def create_database(url: str, name: str) -> str:
    """Make an empty database on the server of `url`; its URL (benchmarks, scratch copies)."""
    admin = await connect(url, application="kcc-admin")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as e:
        raise translate(e, url) from None
    finally:
        await admin.close()
    return with_database(url, name)


async def drop_database(url: str, name: str) -> None:
    admin = await connect(url, application="kcc-admin")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as e:
        raise translate(e, url) from None
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def scratch(url: str):  # type: ignore[no-untyped-def]
    """A fresh database on the same server for the time of the block (conninfo), dropped
    afterwards."""
    name = f"kcc_scratch_{secrets.token_hex(6)}"
    admin = await connect(url, application="kcc-scratch")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_conninfo(url, dbname=name)
        finally:
            with contextlib.suppress(psycopg.Error):
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as e:
        raise StoreError(f"database {redact(url)}: a scratch database for checking cannot be "
                         f"made ({first_line(e)}; the user needs CREATEDB)") from None
    finally:
        await admin.close()


async def verify_dump(dump: Path, url: str, at_least: int = 0) -> int:
    """Restore `dump` into a scratch database on the server of `url` and check it: a kcc
    schema this kcc knows, every seq from 1 to the last present (at least `at_least` events),
    the append-only triggers, and read models equal to a fold of its log. Returns the number
    of events; raises StoreError naming what failed."""
    async with scratch(url) as info:
        await run_tool(tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", info,
                       str(dump))
        db = await connect(info, application="kcc-verify")
        try:
            return await _check_copy(db, dump, at_least)
        except psycopg.Error as e:
            raise StoreError(f"backup {dump} failed its check: {first_line(e)}") from None
        finally:
            await db.close()


async def _check_copy(db: psycopg.AsyncConnection[Any], dump: Path, at_least: int) -> int:
    cur = await db.execute("SELECT coalesce(max(version), 0) FROM kcc_schema")
    version = (await cur.fetchone() or (0,))[0]
    if not 1 <= version <= LATEST:
        raise StoreError(f"backup {dump} has schema {version}, this kcc knows 1 to {LATEST}")
    cur = await db.execute("SELECT count(*), coalesce(max(seq), 0) FROM events")
    count, top = await cur.fetchone() or (0, 0)
    problems = []
    if count != top:
        problems.append(f"{top - count} events are missing")
    if count < at_least:
        problems.append(f"it holds {count} events, the store had {at_least} before the dump")
    problems += await trigger_problems(db)
    async with db.transaction():
        tickets, sessions = await read_models(db)
        problems += await read_model_problems(fold_days(_day_rows(db)), tickets, sessions)
    if problems:
        raise StoreError(f"backup {dump} failed its check: {'; '.join(problems)}")
    return int(count)


async def backup(url: str, dest: Path) -> Path:
    """`pg_dump` (one consistent snapshot, custom format) to a temporary name beside `dest`,
    verified by a restore into a scratch database, fsynced, then renamed: a backup that fails
    never leaves a file at `dest`."""
    if dest.exists():
        raise StoreError(f"backup {dest} already exists; choose another name")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    try:
        db = await connect(url, readonly=True, application="kcc-backup")
        try:
            cur = await db.execute("SELECT coalesce(max(seq), 0) FROM events")
            before = int((await cur.fetchone() or (0,))[0])
        finally:
            await db.close()
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        await run_tool(tool("pg_dump"), "--format=custom", "--no-owner", "--file",
                       str(partial), "--dbname", url)
        await verify_dump(partial, url, before)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, dest)
    except psycopg.Error as e:
        raise translate(e, url) from None
    except OSError as e:
        raise StoreError(f"backup {dest} cannot be created ({e.strerror})") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        fd = os.open(dest.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return dest


async def restore(backup_file: Path, url: str, office: str | None = None) -> Path:
    """Replace the store's content with a verified `pg_dump` backup, under a new generation.
    The current content is dumped first beside the backup; its path is returned. A backup of
    another office than `office` (the config's) is refused before anything changes."""
    kept = backup_file.absolute().with_name(
        f"kcc-before-restore-{datetime.now():%Y%m%d-%H%M%S}.dump")
    async with scratch(url) as info:
        await run_tool(tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", info,
                       str(backup_file))
        src = await connect(info, application="kcc-restore")
        try:
            await _check_copy(src, backup_file, 0)
            if office is not None:
                cur = await src.execute("SELECT value FROM meta WHERE key = %s", (OFFICE_KEY,))
                row = await cur.fetchone()
                refused = other_backup(backup_file, row[0] if row else None, office)
                if refused is not None:
                    raise refused
            await backup(url, kept)
            live = await connect(url, application="kcc-restore")
            try:
                await _refill(src, live, office)
            finally:
                await live.close()
        except psycopg.Error as e:
            raise StoreError(f"restore refused: {first_line(e)}") from None
        finally:
            await src.close()
    return kept


async def _refill(src: psycopg.AsyncConnection[Any], live: psycopg.AsyncConnection[Any],
                  office: str | None) -> None:
    """In one transaction under the office's lock: empty the live tables, copy the backup's
    rows in, give the store a new generation (and keep its office, when the backup records
    none) and ring the change feed."""
    async with live.transaction():
        await live.execute("SELECT pg_advisory_xact_lock(%s)", (office_lock_key(),))
        await live.execute("ALTER TABLE events DISABLE TRIGGER USER")  # the append-only guard
        await live.execute(f"TRUNCATE {', '.join(TABLES)}")
        await copy_tables(src, live, TABLES)
        await live.execute("UPDATE meta SET value = replace(gen_random_uuid()::text, '-', '') "
                           "WHERE key = 'generation'")
        if office is not None:
            await live.execute("INSERT INTO meta (key, value) VALUES (%s, %s) "
                               "ON CONFLICT (key) DO NOTHING", (OFFICE_KEY, office))
        await live.execute("ALTER TABLE events ENABLE TRIGGER USER")
        await live.execute("SELECT pg_notify(%s, 'restored')", (channel(),))


async def copy_tables(src: psycopg.AsyncConnection[Any], dst: psycopg.AsyncConnection[Any],
                      tables: tuple[str, ...]) -> None:
    """COPY each table from one database into the other (inside dst's transaction)."""
    for table in tables:
        async with src.cursor().copy(f"COPY {table} TO STDOUT") as out, \
                dst.cursor().copy(f"COPY {table} FROM STDIN") as into:
            async for block in out:
                await into.write(block)
