"""Numbered schema migrations. `PRAGMA user_version` is the number applied; a database newer
than the code is refused rather than misread."""

from __future__ import annotations

from .errors import StoreForeign, StoreTooNew

# The appointments read model (issue 18), one row per booking as its events left it (any day):
# what an import checks against, and what reports count. No personal data: see
# docs/appointments.md. Plain TEXT/INTEGER, so PostgreSQL's migration 2 is the same statement.
APPOINTMENTS_TABLE = """
    CREATE TABLE appointments (
        key TEXT PRIMARY KEY, source TEXT NOT NULL, reference TEXT NOT NULL,
        version INTEGER NOT NULL, sequence INTEGER NOT NULL, day TEXT NOT NULL,
        start TEXT NOT NULL, duration_min INTEGER NOT NULL, persons INTEGER NOT NULL,
        service TEXT NOT NULL, status TEXT NOT NULL, code_hash TEXT,
        checked_in_at TEXT, ticket TEXT, ended_at TEXT
    );
    CREATE INDEX appointments_day ON appointments (day, start);
    """

MIGRATIONS: list[str] = [
    # 1: the event log, append-only by trigger, and the read models
    """
    CREATE TABLE events (
        seq     INTEGER PRIMARY KEY,
        stream  TEXT NOT NULL,
        version INTEGER NOT NULL,
        type    TEXT NOT NULL,
        at      TEXT NOT NULL,
        day     TEXT NOT NULL,
        actor   TEXT NOT NULL,
        data    TEXT NOT NULL,
        UNIQUE (stream, version)
    );
    CREATE INDEX events_day ON events (day, seq);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TABLE tickets (
        day TEXT NOT NULL, number TEXT NOT NULL, n INTEGER NOT NULL,
        service TEXT NOT NULL, first_service TEXT NOT NULL, status TEXT NOT NULL,
        priority INTEGER NOT NULL, lang TEXT NOT NULL, kiosk TEXT,
        issued_at TEXT NOT NULL, first_called_at TEXT, finished_at TEXT,
        post TEXT, staff TEXT, recalls INTEGER NOT NULL, transfers INTEGER NOT NULL,
        outcome TEXT, topics TEXT NOT NULL, note TEXT, print_failed TEXT,
        intervals TEXT NOT NULL,
        PRIMARY KEY (day, number)
    );
    CREATE INDEX tickets_service ON tickets (service, day);
    CREATE TABLE post_sessions (
        day TEXT NOT NULL, post TEXT NOT NULL, session INTEGER NOT NULL,
        staff TEXT, services TEXT NOT NULL, opened_at TEXT NOT NULL, closed_at TEXT,
        paused_s REAL NOT NULL, serving_s REAL NOT NULL, served INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        PRIMARY KEY (day, post, session)
    );
    """,
    # 2: free-text notes live beside the log, so a retention purge can delete them without
    # touching the append-only events (whose data then says only "note": true)
    """
    CREATE TABLE notes (
        seq  INTEGER PRIMARY KEY REFERENCES events (seq),
        day  TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX notes_day ON notes (day);
    """,
    # 3: the store's identity. `generation` is set by `kcc init` and changed by every restore,
    # so a process holding state folded from other content notices (docs/operations.md)
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO meta (key, value) VALUES ('generation', lower(hex(randomblob(16))));
    """,
    # 4: appointments
    APPOINTMENTS_TABLE,
]

LATEST = len(MIGRATIONS)


def check_version(version: int, where: str, latest: int = LATEST) -> None:
    """The one schema-version check: a store this kcc can read has a schema from 1 to `latest`
    (the engine's: SQLite's LATEST, or PostgreSQL's). Newer is refused (upgrade kcc), none is
    not a kcc store."""
    if version > latest:
        raise StoreTooNew(f"database {where} has schema {version}, this kcc knows up to "
                          f"{latest}: upgrade kcc before opening it")
    if version < 1:
        raise StoreForeign(f"database {where} holds no kcc schema (not made by `kcc init`): "
                           "check [store] path, or restore a backup")
