"""The PostgreSQL engine of the store (docs/architecture.md, "Two engines").

The same contract as the SQLite store, on a server several hosts can share: one transaction
per command under an advisory lock per office, LISTEN/NOTIFY as the change feed's doorbell with
a catch-up query by position, numbered migrations. Driver: psycopg 3 (docs/operations.md says
why).
"""
