"""The counter app and other processes: races, stale screens, coordinator moves and messages.

"Another process" is the real `kcc` CLI in a subprocess, or a second app with its own store
connection. These tests use the system clock: the CLI writes events at today's date.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_counter_kit import (
    counter,
    current_text,
    example_settings,
    kcc,
    log,
    logged_in,
    queue_numbers,
    seed,
    types,
    until,
)

from kcc_tui.apps.counter.login import LoginScreen
from kcc_tui.apps.counter.widgets import QueueTable
from kcc_tui.apps.counter.work import WorkScreen
from kcc_tui.domain.clock import system_clock

SIZE = (120, 35)


async def test_two_counters_racing_for_the_last_ticket_one_wins_the_other_is_told(
        tmp_path: Path) -> None:
    db, settings = tmp_path / "kcc.db", example_settings()
    await seed(db, settings, system_clock, "eid")
    one = counter(settings, db, "loket1", system_clock)
    two = counter(settings, db, "loket2", system_clock)
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2:
        await logged_in(p1, "an")
        await logged_in(p2, "bart")
        await until(p2, lambda: queue_numbers(two) == ["A001"], "A001 in both queues")
        assert queue_numbers(one) == ["A001"]
        await asyncio.gather(p1.press("n"), p2.press("n"))  # both press at the same moment

        def settled() -> bool:
            return any(a.current_ticket() for a in (one, two)) and any(
                "Geen wachtenden" in n for a in (one, two) for n in a.notices)

        await until(p1, settled, "a winner and a loser")
        winner, loser = (one, two) if one.current_ticket() else (two, one)
        assert "A001" in current_text(winner)
        assert "Geen ticket" in current_text(loser)
        # the store refused the loser's call, and the loser's screen says so in Dutch
        where = "Loket 1" if loser is one else "Loket 2"
        assert f"Geen wachtenden voor {where}." in loser.notices
        assert not any("Geen wachtenden" in n for n in winner.notices)
        await until(p1, lambda: queue_numbers(loser) == [], "the loser's queue refreshed")
        assert one.is_running and two.is_running
    called = types(await log(db, settings, system_clock), "ticket_called")
    assert len(called) == 1


async def test_a_ticket_called_elsewhere_is_refused_with_the_reason_and_the_queue_refreshes(
        tmp_path: Path) -> None:
    db, settings = tmp_path / "kcc.db", example_settings()
    await seed(db, settings, system_clock, "eid", "eid")
    # A very slow poll: the screen is stale on purpose, as if the press beat the change feed.
    app = counter(settings, db, "loket1", system_clock, poll_s=60)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        assert queue_numbers(app) == ["A001", "A002"]
        assert kcc(db, "post", "open", "loket2", "--staff", "bart", pin="2222").returncode == 0
        assert kcc(db, "post", "call", "loket2", "A001").returncode == 0
        assert queue_numbers(app) == ["A001", "A002"]  # not seen yet
        await pilot.press("enter")  # Enter on the highlighted row: call A001 specifically
        await until(pilot, lambda: app.notices and "A001" in app.notices[-1], "the refusal")
        assert app.notices[-1] == "Ticket A001 wacht niet (nu: opgeroepen aan Loket 2)."
        assert queue_numbers(app) == ["A002"]  # redrawn from the state the store caught up on
        assert "Geen ticket" in current_text(app) and app.is_running
        # Finished elsewhere: a command on it is refused in the same way.
        await pilot.press("enter")
        await until(pilot, lambda: "A002" in current_text(app), "A002 called here")
    assert len(types(await log(db, settings, system_clock), "ticket_called")) == 2


async def test_the_queue_updates_live_by_key_and_the_cursor_stays_on_its_ticket(
        tmp_path: Path) -> None:
    db, settings = tmp_path / "kcc.db", example_settings()
    await seed(db, settings, system_clock, "eid", "eid", "reispas")
    app = counter(settings, db, "loket1", system_clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        table = app.screen.query_one(QueueTable)
        await pilot.press("down")
        assert table.highlighted_number() == "A002"
        first_rows = {k: table.rows[k] for k in table.rows}
        # Another process: a priority ticket (sorted to the top) and a call of A001.
        assert kcc(db, "ticket", "issue", "eid", "--priority", "--outside-hours").returncode == 0
        await until(pilot, lambda: queue_numbers(app) == ["A003", "A001", "A002", "C001"],
                    "the priority ticket on top")
        assert table.highlighted_number() == "A002"  # the cursor followed its ticket
        assert all(table.rows[k] is row for k, row in first_rows.items())  # rows kept, not rebuilt
        assert "voorrang" in str(table.get_cell("A003", "flags"))
        assert kcc(db, "post", "open", "loket2", "--staff", "bart", pin="2222").returncode == 0
        assert kcc(db, "post", "call", "loket2", "A001").returncode == 0
        await until(pilot, lambda: queue_numbers(app) == ["A003", "A002", "C001"], "A001 gone")
        assert table.highlighted_number() == "A002"


async def test_a_coordinator_move_takes_effect_live_and_the_app_follows_the_staff_member(
        tmp_path: Path) -> None:
    db, settings = tmp_path / "kcc.db", example_settings()
    await seed(db, settings, system_clock, "eid", "attesten")
    app = counter(settings, db, "loket1", system_clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        assert queue_numbers(app) == ["A001"]
        done = kcc(db, "broadcast", "Loket 4 neemt de attesten over", "--to", "counters")
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: "Loket 4 neemt de attesten over" in app.notices,
                    "the coordinator's message")
        assert "Loket 4 neemt" in str(app.screen.query_one("#post-line").render())
        done = kcc(db, "staff", "move", "an", "loket3")  # loket 3: rijbewijs, eid, attesten
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: app.post_id == "loket3", "the app following an to loket 3")
        assert any("verplaatst van Loket 1 naar Loket 3" in n for n in app.notices)
        assert isinstance(app.screen, WorkScreen) and app.staff_id == "an"
        assert "kcc · Loket 3 — An Peeters" in str(app.screen.query_one("TitleBar").render())
        await until(pilot, lambda: queue_numbers(app) == ["A001", "D001"], "loket 3's queue")
        await pilot.press("n")  # and the work goes on at the new post
        await until(pilot, lambda: app.current_ticket() is not None, "a ticket at loket 3")
    called = types(await log(db, settings, system_clock), "ticket_called")
    assert [e.data["post"] for e in called] == ["loket3"]


async def test_the_post_closed_by_someone_else_ends_the_session_with_a_notice(
        tmp_path: Path) -> None:
    db, settings = tmp_path / "kcc.db", example_settings()
    await seed(db, settings, system_clock, "eid")
    app = counter(settings, db, "loket1", system_clock)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        assert kcc(db, "post", "close", "loket1").returncode == 0
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert app.staff_id is None
        assert any("Loket 1 werd gesloten" in n for n in app.notices)
        # The login screen still follows the store: a message arrives.
        assert kcc(db, "broadcast", "Loket 1 blijft dicht", "--to", "counters").returncode == 0
        await until(pilot, lambda: "Loket 1 blijft dicht" in app.notices, "the message")
