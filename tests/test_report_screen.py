"""The report screen the coordinator pane pushes: today and yesterday from a real store, the
advice for next Monday, tables diffed by key, and a store problem shown rather than a crash."""

from __future__ import annotations

import asyncio
from datetime import date, time
from pathlib import Path
from typing import Any

from factories import make_office
from test_report_kpis import local, today, yesterday
from textual.app import App

from kcc_tui.apps.coordinator.report import ReportScreen, ReportTable
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.office import Office, OpeningHours
from kcc_tui.store import Store

SIZE = (120, 35)


def office() -> Office:
    return make_office().model_copy(
        update={"hours": OpeningHours(days={"mon": [(time(9, 0), time(11, 0))]})})


async def seed(db: Path) -> FixedClock:
    clock = FixedClock(local(9, 0))
    async with Store(db, office(), clock=clock, create=True) as store:
        await yesterday(store, clock)
        await today(store, clock)
    return clock


class Host(App[None]):
    """Stands in for the coordinator app: pushes the screen the way it would."""

    ENABLE_COMMAND_PALETTE = False

    def __init__(self, db: Path, clock: FixedClock) -> None:
        super().__init__()
        self.db, self.clock = db, clock

    def on_mount(self) -> None:
        self.push_screen(ReportScreen(self.db, office(), clock=self.clock))


async def ready(pilot: Any) -> ReportScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    for w in (screen.report_worker, screen.advice_worker):
        if w is not None:
            await w.wait()
    await pilot.pause()
    return screen


def column(table: ReportTable, key: str) -> list[str]:
    return [str(table.get_cell(r.value, key)) for r in table.rows if r.value is not None]


async def test_today_then_yesterday_then_today(tmp_path: Path) -> None:
    clock = await seed(tmp_path / "kcc.db")
    async with Host(tmp_path / "kcc.db", clock).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        services = screen.query_one("#services", ReportTable)
        posts = screen.query_one("#posts", ReportTable)
        assert column(services, "label") == ["Eid", "Rijbewijs", "Afhalen", "Totaal"]
        assert column(services, "issued") == ["2", "1", "2", "5"]
        assert column(services, "sl")[-1] == "75%"  # 3 of 4 waits (issue → first call) in target
        assert column(posts, "label") == ["Loket 1", "Loket 2", "Snelbalie", "Telefoon"]
        assert column(posts, "phone_calls") == ["0", "0", "0", "2"]
        assert "dinsdag 24 november 2026 · 5 tickets" in str(screen.query_one("#title").render())
        # the cursor stays on its row while the figures change under it
        services.move_cursor(row=2)
        await pilot.press("y")
        await ready(pilot)
        assert column(services, "issued") == ["1", "0", "0", "1"]
        assert column(posts, "label") == ["Loket 1"]
        assert services.cursor_row == 2
        await pilot.press("t")
        await ready(pilot)
        assert column(posts, "label") == ["Loket 1", "Loket 2", "Snelbalie", "Telefoon"]
        assert column(services, "issued")[-1] == "5" and services.cursor_row == 2


async def test_the_advice_for_next_monday(tmp_path: Path) -> None:
    clock = await seed(tmp_path / "kcc.db")
    async with Host(tmp_path / "kcc.db", clock).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.advice is not None and screen.advice.day == date(2026, 11, 30)
        advice = screen.query_one("#advice", ReportTable)
        # one Monday of history: one citizen in 09:00–10:00
        assert column(advice, "slot") == ["09:00–10:00", "10:00–11:00"]
        assert column(advice, "arrivals_per_hour") == ["1,0", "0,0"]  # a decimal comma
        assert column(advice, "posts") == ["1", "0"]
        assert "Loketten voor maandag 30 november" in str(
            screen.query_one("#advice-title").render())
        note = str(screen.query_one("#advice-note").render())
        assert note.startswith("Erlang C, geleerd uit 1 maandag; niet nagerekend met de simulator")


async def test_a_missing_store_is_a_message_not_a_crash(tmp_path: Path) -> None:
    clock = FixedClock(local(10, 45))
    async with Host(tmp_path / "nothing.db", clock).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        # in Dutch, like the rest of the screen
        assert "De databank bestaat niet" in str(screen.query_one("#message").render())
        assert "De databank bestaat niet" in str(screen.query_one("#advice-note").render())
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, ReportScreen)


def test_snapshot_of_today(snap_compare: Any, tmp_path: Path) -> None:
    clock = asyncio.run(seed(tmp_path / "kcc.db"))

    async def wait(pilot: Any) -> None:
        await ready(pilot)

    assert snap_compare(Host(tmp_path / "kcc.db", clock), terminal_size=SIZE, run_before=wait)


def test_periods_are_named_in_dutch() -> None:
    from datetime import date

    from kcc_tui.apps.coordinator.report import period_label
    from kcc_tui.reports.period import Period

    assert period_label(Period("day", date(2026, 11, 24), date(2026, 11, 24))) == \
        "dinsdag 24 november 2026"
    assert period_label(Period("month", date(2026, 11, 1), date(2026, 11, 30))) == \
        "november 2026"
    assert period_label(Period("week", date(2026, 11, 23), date(2026, 11, 29))) == \
        "week 48 van 2026 (23 november tot en met 29 november)"
    assert period_label(Period("range", date(2026, 12, 28), date(2027, 1, 3))) == \
        "28 december 2026 tot en met 3 januari 2027"
    assert period_label(Period("year", date(2026, 1, 1), date(2026, 12, 31))) == "2026"
