import sys
from pathlib import Path

# Test helpers (factories, process workers) live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))

import itertools  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from kcc_tui.bench import pgcluster  # noqa: E402

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pgcluster.Cluster]:
    """A throwaway PostgreSQL server for the whole session (started on first use, removed at
    the end), or a skip that says why there is none."""
    why = pgcluster.why_not()
    if why is not None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    try:
        server = pgcluster.Cluster(fsync=False).start()
    except Exception as e:  # noqa: BLE001 — any reason the server cannot start is a skip
        pytest.skip(f"PostgreSQL tests skipped: a throwaway server did not start ({e})")
    yield server
    server.remove()


@pytest.fixture
def pg_url(pg_cluster: pgcluster.Cluster) -> Iterator[str]:
    """An empty database of its own for one test."""
    name = f"t{next(_names)}"
    url = pg_cluster.createdb(name)
    yield url
    pg_cluster.dropdb(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's store lives: an SQLite file (always), then a PostgreSQL database (when
    a server can be started here)."""
    if request.param == "sqlite":
        return tmp_path / "kcc.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=["sqlite", "postgresql"])
def office_urls(request: pytest.FixtureRequest) -> Iterator[dict[str, str] | None]:
    """Where the several-offices tests keep the stores of offices stadhuis and noord: a file
    each (None), then a database each on one PostgreSQL server (office id -> URL)."""
    if request.param == "sqlite":
        yield None
        return
    cluster: pgcluster.Cluster = request.getfixturevalue("pg_cluster")
    names = {oid: f"o{next(_names)}" for oid in ("stadhuis", "noord")}
    urls = {oid: cluster.createdb(name) for oid, name in names.items()}
    yield urls
    for name in names.values():
        cluster.dropdb(name)
