"""The coordinator's list of waiting tickets: what it shows (the wait from issue, priority,
transferred), sorting and the filter per service, and the actions from it (call to a post,
move, priority) — a call reaching a counter app running in another OS process."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

from test_coordinator_kit import SIZE, T0, example_settings, login, recording, seed, until
from textual.widgets import OptionList

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.dialogs import (
    CallDialog,
    ConfirmDialog,
    KeysDialog,
    MoveTicketDialog,
)
from kcc_tui.apps.coordinator.waiting import WaitingTable
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, system_clock
from kcc_tui.store import Store

COUNTER = str(Path(__file__).with_name("counter_process.py"))


def rows(app: object) -> list[list[str]]:
    table = app.screen.query_one(WaitingTable)  # type: ignore[attr-defined]
    return [[str(getattr(c, "plain", c)) for c in table.get_row(r.key)]
            for r in table.ordered_rows]


async def test_the_list_shows_the_wait_from_issue_sorts_and_filters(tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    await seed(db, clock, [
        (0, C.IssueTicket("eid"), "onthaal"),  # A001 09:00
        (0, C.OpenPost("loket1", "an", True), "an"),
        (2, C.IssueTicket("reispas"), "onthaal"),  # C001 09:02
        (1, C.IssueTicket("eid", priority=True), "onthaal"),  # A002 09:03
        (5, C.CallTicket("loket1", "A001"), "an"),  # 09:08
        (1, C.Requeue("loket1"), "an"),  # A001 waits again from 09:09 ...
    ])
    clock.at = T0 + timedelta(minutes=20)  # 09:20
    app = recording(build_app(example_settings(), db=db, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("w")
        await until(pilot, lambda: len(rows(app)) == 3, "three waiting tickets")
        # ... but has waited 20 min, from taking the ticket at 09:00
        assert rows(app) == [
            ["A001", "20 min", "–", "–", "Identiteitskaart / kids-ID"],
            ["C001", "18 min", "–", "–", "Reispas"],
            ["A002", "17 min", "VOORRANG", "–", "Identiteitskaart / kids-ID"],
        ]
        await pilot.press("g")  # by number
        await until(pilot, lambda: [r[0] for r in rows(app)] == ["A001", "A002", "C001"],
                    "sorted by number")
        await pilot.press("f", "f", "f")  # eid, rijbewijs, reispas
        await until(pilot, lambda: [r[0] for r in rows(app)] == ["C001"], "only reispas")
        assert "Reispas" in str(app.screen.query_one(WaitingTable).border_title)


async def test_move_and_priority_from_the_list(tmp_path: Path) -> None:
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    await seed(db, clock, [(0, C.IssueTicket("eid"), "onthaal"),
                           (1, C.IssueTicket("eid"), "onthaal")])
    app = recording(build_app(example_settings(), db=db, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("w", "down", "p")  # A002: priority
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("j")
        await until(pilot, lambda: rows(app)[1][2] == "VOORRANG", "A002 with priority")
        await pilot.press("up", "v")  # A001: to reispas
        await until(pilot, lambda: isinstance(app.screen, MoveTicketDialog), "the dialog")
        targets = app.screen.query_one("#target", OptionList)
        prompts = [str(targets.get_option_at_index(i).prompt)
                   for i in range(targets.option_count)]
        assert not any("Identiteitskaart" in p for p in prompts)  # not its own service
        assert "Loket: Loket 2 · gesloten" in prompts
        reispas = next(i for i, p in enumerate(prompts) if "Reispas" in p)
        targets.highlighted = reispas
        await pilot.press("enter")
        await until(pilot, lambda: any(r[0] == "A001" and r[4] == "Reispas" for r in rows(app)),
                    "A001 moved")
    async with Store(db, example_settings().office, clock=clock) as store:
        events = [(e.type, e.actor) for e in await store.events(day=store.today())]
    assert ("ticket_priority_set", "katrien") in events and ("ticket_moved", "katrien") in events


async def test_a_call_from_the_list_reaches_a_counter_in_another_process(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await seed(db, system_clock, [(0, C.IssueTicket("eid"), "onthaal"),
                                  (0, C.IssueTicket("eid"), "onthaal"),
                                  (0, C.OpenPost("loket1", "an", True), "an")])
    counter = await asyncio.create_subprocess_exec(
        sys.executable, COUNTER, str(db), "loket1", "an", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE)
    assert counter.stdout is not None and counter.stdin is not None

    async def counter_shows(text: str) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = await asyncio.wait_for(counter.stdout.readline(), 60)  # type: ignore[union-attr]
            if not line:
                break
            shown = json.loads(line)["ticket"]
            if text in shown:
                return str(shown)
        raise AssertionError(f"the counter process never showed {text!r}")

    try:
        await counter_shows("Geen ticket")  # logged in and free
        app = recording(build_app(example_settings(), db=db))
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot)
            await pilot.press("w")
            await until(pilot, lambda: len(rows(app)) == 2, "two waiting tickets")
            await pilot.press("down", "c")  # A002, passing over A001
            await until(pilot, lambda: isinstance(app.screen, CallDialog), "the call dialog")
            assert app.screen.query_one("#number").value == "A002"
            await pilot.press("enter")  # Loket 1 is the first post
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
            await pilot.press("j")
            shown = await counter_shows("A002")
            assert "A002" in shown
            await until(pilot, lambda: [r[0] for r in rows(app)] == ["A001"], "A002 gone")
    finally:
        counter.stdin.close()
        try:
            await asyncio.wait_for(counter.wait(), 20)
        except TimeoutError:
            counter.kill()


async def test_question_mark_lists_every_key_of_the_view_at_80_columns(tmp_path: Path) -> None:
    # At 80×24 the footer shows only the first keys: `?` lists them all, for the board and for
    # the waiting list (each its own keys), and Escape closes the list.
    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    await seed(db, clock, [(0, C.IssueTicket("eid"), "onthaal")])
    app = build_app(example_settings(), db=db, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysDialog), "the keys")
        board = dict(app.screen.keys)
        assert board["b"] == "Bericht" and board["l"] == "Afmelden" and "v" not in board
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, KeysDialog), "the board again")
        await pilot.press("w", "question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysDialog), "the list's keys")
        waiting = dict(app.screen.keys)
        assert waiting["v"] == "Verplaatsen" and waiting["p"] == "Voorrang" and "o" not in waiting
    app = build_app(example_settings(), db=db, clock=clock)
    async with app.run_test(size=(120, 35)) as pilot:  # all keys in view: `?` not offered ...
        await login(pilot)
        assert "question_mark" not in [b.binding.key for b in app.active_bindings.values()
                                       if b.enabled and b.binding.show]
        await pilot.press("question_mark")  # ... yet it works
        await until(pilot, lambda: isinstance(app.screen, KeysDialog), "the keys at 120")
