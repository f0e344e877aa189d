"""The report screen, reached from the coordinator's board with `r`."""

from __future__ import annotations

from pathlib import Path

from factories import T0
from test_coordinator_kit import SIZE, example_settings, login, seed, until

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.report import ReportScreen
from kcc_tui.apps.coordinator.screen import BoardScreen
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock


async def test_r_opens_the_report_and_escape_returns_to_the_board(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    await seed(db, clock, [(0, C.IssueTicket("eid"), "onthaal"),
                           (1, C.OpenPost("loket1", "an", True), "an"),
                           (2, C.CallNext("loket1"), "an"),
                           (5, C.Finish("loket1", topics=("eid-lost",)), "an")])
    app = build_app(example_settings(), db=db, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen), "the report screen")
        await until(pilot, lambda: "verloren" in str(app.screen.query_one("#topics").render()),
                    "today's topics", timeout=15)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board again")
