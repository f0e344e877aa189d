"""PostgreSQL's numbered migrations; `kcc_schema` records each one applied.

Columns hold what the SQLite schema holds, in the same form (time stamps and days as ISO text,
JSON as text), so a row reads the same from either engine and `kcc store migrate` compares
read models value for value.
"""

from __future__ import annotations

from ..schema import APPOINTMENTS_TABLE

MIGRATIONS: list[str] = [
    # 1: the event log, append-only by trigger, the notes beside it, the read models and the
    # store's identity (the SQLite schema 1–3 in one step)
    """
    CREATE TABLE events (
        seq     BIGINT PRIMARY KEY,
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
    CREATE FUNCTION kcc_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
    CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION kcc_append_only();
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION kcc_append_only();
    CREATE TABLE notes (
        seq  BIGINT PRIMARY KEY REFERENCES events (seq),
        day  TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX notes_day ON notes (day);
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
        paused_s DOUBLE PRECISION NOT NULL, serving_s DOUBLE PRECISION NOT NULL,
        served INTEGER NOT NULL, calls INTEGER NOT NULL,
        PRIMARY KEY (day, post, session)
    );
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO meta (key, value)
        VALUES ('generation', replace(gen_random_uuid()::text, '-', ''));
    """,
    # 2: appointments, the same table as SQLite's migration 4
    APPOINTMENTS_TABLE,
]

LATEST = len(MIGRATIONS)

VERSION_TABLE = """
    CREATE TABLE IF NOT EXISTS kcc_schema (
        version    INTEGER PRIMARY KEY,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )
"""
