"""`kcc bench offices`, tiny: two offices on one PostgreSQL server, a database each, run their
terminals at once; every office's log keeps its numbering (no timing is asserted: the
benchmark prints its figures)."""

from __future__ import annotations

from engines import sql

from kcc_tui.bench import offices
from kcc_tui.bench.pgcluster import Cluster


def test_two_offices_on_one_server_number_apart_without_gaps(pg_cluster: Cluster) -> None:
    lines: list[str] = []
    alone, together = offices.run(pg_cluster.url(), offices=2, terminals=2, seconds=2,
                                  interval=0.1, processes=2, print_row=lines.append)
    assert (alone.offices, together.offices) == (1, 2)
    for r in (alone, together):
        for check in r.checks:  # each office's own log, read back from its own database
            assert check.issued > offices.WAITING  # the kiosk issued during the run
            assert (check.duplicate_numbers, check.skipped_numbers, check.double_calls) == (
                0, 0, 0)
            assert check.problems == []
        assert all(calls for calls in r.calls)  # every office's counter called
    assert lines[-1].endswith("duplicate 0, skipped 0, double calls 0; read models = a "
                              "rebuild: yes")
    assert any(line.startswith("2 offices at once (2 processes)") for line in lines)
    # the databases the benchmark made are gone
    assert not sql(pg_cluster.url(), "SELECT datname FROM pg_database WHERE datname LIKE ?",
                   ("kcc_offices_%",))
