"""Test helpers that reach under the store on either engine: raw SQL, as a damaged store or
a person at the database prompt would do it (never used by kcc itself)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from kcc_tui.store import is_url


def sql(target: str | Path, statement: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on the store's database (committed); its rows."""
    if is_url(target):
        import psycopg

        with psycopg.connect(str(target), autocommit=True) as c:
            cur = c.execute(statement.replace("?", "%s"), args)
            return list(cur.fetchall()) if cur.description else []
    with sqlite3.connect(target) as c:
        return list(c.execute(statement, args).fetchall())


def count(target: str | Path) -> int:
    return int(sql(target, "SELECT count(*) FROM events")[0][0])


def refusal_errors() -> tuple[type[BaseException], ...]:
    """What each engine raises when a trigger refuses a change."""
    errors: list[type[BaseException]] = [sqlite3.IntegrityError]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:
        pass
    return tuple(errors)
