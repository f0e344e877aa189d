"""The apps on a PostgreSQL store, as real processes in a terminal (tmux): a counter and the
wall display run through a server that goes away and comes back. They say so in their banner,
reconnect by themselves, and go on: a call made afterwards reaches the display once."""

from __future__ import annotations

import time
from pathlib import Path

from engines import sql
from test_restore_live import log_in_at_counter, office, run, screen, socket, tmux, wait

from kcc_tui.bench.pgcluster import Cluster

__all__ = ["socket"]  # the fixture, from test_restore_live


def called_at_loket1(text: str) -> bool:
    """The display names the counter of the newest call (in one of its rotating languages)."""
    return any(f"{name} 1 ·" in text for name in ("Loket", "Guichet", "Counter", "Schalter"))


def history_shown(text: str) -> bool:
    """The display's panel of earlier calls (right of the newest) holds a number."""
    return any("┃┃" in line and "█" in line.split("┃┃", 1)[1] for line in text.splitlines())


def test_counter_and_display_survive_the_server_going_away(
        tmp_path: Path, socket: str, pg_cluster: Cluster, pg_url: str) -> None:
    kcc = office(tmp_path)
    kcc[kcc.index("--db") + 1] = pg_url
    assert run(kcc, "init").returncode == 0
    for n in ("A001", "A002"):
        assert n in run(kcc, "ticket", "issue", "eid").stdout
    apps = {"counter": ["counter", "loket1"], "display": ["display", "--display", "wachtzaal"]}
    for i, (window, args) in enumerate(apps.items()):
        line = " ".join([*kcc, *args])
        if i == 0:
            tmux(socket, "new-session", "-d", "-s", "kcc", "-x", "120", "-y", "35", "-n", window,
                 line)
        else:
            tmux(socket, "new-window", "-t", "kcc", "-n", window, line)
    log_in_at_counter(socket)
    tmux(socket, "send-keys", "-t", "kcc:counter", "n")
    wait(lambda: called_at_loket1(screen(socket, "display")), "A001's call on the wall display",
         lambda: screen(socket, "display"))
    assert not history_shown(screen(socket, "display"))

    pg_cluster.stop()
    try:
        # "connection … lost", then "not reachable … retrying" while it stays away
        wait(lambda: "retrying" in screen(socket, "display"), "the display's banner",
             lambda: screen(socket, "display"))
        wait(lambda: "databankserver is niet bereikbaar" in screen(socket, "counter"),
             "the counter's banner", lambda: screen(socket, "counter"))
    finally:
        pg_cluster.resume()
    wait(lambda: "retrying" not in screen(socket, "display"), "the display's banner to go",
         lambda: screen(socket, "display"))
    wait(lambda: "niet bereikbaar" not in screen(socket, "counter"),
         "the counter's banner to go", lambda: screen(socket, "counter"))
    # back at work: A001 did not come, A002 is called and reaches the display
    tmux(socket, "send-keys", "-t", "kcc:counter", "a")
    time.sleep(0.5)
    tmux(socket, "send-keys", "-t", "kcc:counter", "a")
    wait(lambda: sql(pg_url, "SELECT count(*) FROM events WHERE type = 'ticket_no_show'")[0][0],
         "A001's no-show", lambda: screen(socket, "counter"))
    tmux(socket, "send-keys", "-t", "kcc:counter", "n")
    # the newest call in big digits; the one before it, A001, moves to the history beside it
    wait(lambda: history_shown(screen(socket, "display")), "A002's call on the wall display",
         lambda: screen(socket, "display"))
    calls = [n for (n,) in sql(pg_url, "SELECT data::jsonb ->> 'number' FROM events "
                                       "WHERE type = 'ticket_called' ORDER BY seq")]
    assert calls == ["A001", "A002"]  # each called once
