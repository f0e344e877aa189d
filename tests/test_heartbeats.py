"""Every app's absence noticed (issue 16): counters heartbeat too, and a post whose counter app
went silent is unreachable ("onbereikbaar") on the coordinator pane, with an alert at the top."""

from __future__ import annotations

import os
import signal
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import T0, make_office
from test_coordinator_kit import alert_keys, cells, login
from test_restore_live import log_in_at_counter, office, run, tmux

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.alerts_nl import alert_nl
from kcc_tui.config import load_settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.alerts import Thresholds, evaluate, unreachable
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.ledger import Ledger
from kcc_tui.store import Store


def test_a_post_whose_counter_app_went_silent_is_unreachable_and_one_run_from_the_cli_is_not(
) -> None:
    clock = FixedClock(T0)
    lg = Ledger(make_office(), clock)
    lg.execute(C.OpenPost("l1", "an", True))
    lg.execute(C.Heartbeat("l1", "counter"), "l1")  # l1 is worked from a counter app
    lg.execute(C.OpenPost("l2", "bo", True))  # l2 from the CLI: no app to miss
    limits = Thresholds(heartbeat_missing_s=60)
    clock.advance(seconds=59)
    assert unreachable(lg.state, limits, clock()) == {}
    clock.advance(seconds=2)
    assert unreachable(lg.state, limits, clock()) == {"l1": 61}
    alerts = evaluate(lg.state, make_office(), limits, clock())
    assert alerts[0].key == "unreachable:l1" and alerts[0].severity == "error"
    assert "Loket 1 (An): onbereikbaar" in alert_nl(alerts[0])
    lg.execute(C.Heartbeat("l1", "counter"), "l1")  # back
    assert unreachable(lg.state, limits, clock()) == {}
    lg.execute(C.ClosePost("l1"), "an")  # a closed post is nobody's worry
    clock.advance(minutes=5)
    assert unreachable(lg.state, limits, clock()) == {}


@pytest.fixture
def socket() -> Any:
    name = f"kcc-beat-{uuid.uuid4().hex[:8]}"
    yield name
    tmux(name, "kill-server")


async def test_a_killed_counter_raises_the_unreachable_alert_on_the_coordinator_pane(
        tmp_path: Path, socket: str) -> None:
    kcc = office(tmp_path)
    db = tmp_path / "kcc.db"
    assert run(kcc, "init").returncode == 0
    tmux(socket, "new-session", "-d", "-s", "kcc", "-x", "120", "-y", "35", "-n", "counter",
         " ".join([*kcc, "counter", "loket1"]))
    log_in_at_counter(socket)
    pid = int(tmux(socket, "display", "-p", "-t", "kcc:counter", "#{pane_pid}").stdout)
    settings = load_settings(tmp_path / "config.toml")
    async with Store(db, settings.office) as store:
        beat = store.state.devices["counter:loket1"]  # sent when the app opened the store
        assert store.state.posts["loket1"].open
    os.kill(pid, signal.SIGKILL)

    # The coordinator looks a little later than heartbeat_missing_s after the last beat.
    clock = FixedClock(beat.at + timedelta(seconds=settings.alerts.heartbeat_missing_s + 30))
    app = build_app(settings, db=db, clock=clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await login(pilot)
        await pilot.pause(0.2)
        assert "unreachable:loket1" in alert_keys(app)
        board = app.screen
        first = board.query_one("AlertList").alerts[0]  # type: ignore[attr-defined]
        assert first.key == "unreachable:loket1"
        assert "Loket 1 (An Peeters): onbereikbaar" in alert_nl(first)
        assert "onbereikbaar" in cells(app, "posts", "loket1")
