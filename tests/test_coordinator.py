"""The coordinator pane through Pilot: login, the figures on the board, the live view."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from test_coordinator_kit import (
    SIZE,
    T0,
    alert_keys,
    cells,
    example_settings,
    login,
    recording,
    seed,
    until,
)
from textual.app import App
from textual.widgets import DataTable

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.board import ServiceRow
from kcc_tui.apps.coordinator.chart import DayChartView
from kcc_tui.apps.coordinator.screen import BoardScreen
from kcc_tui.apps.coordinator.widgets import NAME_WIDTH, HeaderBar, ServicesTable, sync_rows
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.estimate import estimate_wait_s
from kcc_tui.store import Store


def known_morning() -> list[tuple[float, C.Command, str]]:
    """Tuesday 24 November 2026, from 09:00 local; (minutes after the previous step, command)."""
    return [
        (0, C.IssueTicket("eid"), "onthaal"),  # 09:00 A001
        (2, C.IssueTicket("eid"), "onthaal"),  # 09:02 A002
        (2, C.IssueTicket("rijbewijs"), "onthaal"),  # 09:04 B001
        (1, C.IssueTicket("attesten"), "onthaal"),  # 09:05 D001
        (0, C.OpenPost("loket1", "an", True), "an"),  # A×2 C E
        (0, C.OpenPost("loket3", "els", True), "els"),  # B×2 A D
        (1, C.CallTicket("loket1", "A001"), "an"),  # 09:06, waited 6 min
        (0, C.CallTicket("loket3", "A002"), "els"),  # 09:06, waited 4 min
        (1, C.Start("loket1"), "an"),  # 09:07
        (1, C.Start("loket3"), "els"),  # 09:08
        (8, C.Finish("loket1"), "an"),  # 09:16: service time 10 min
        (4, C.Finish("loket3"), "els"),  # 09:20: service time 14 min
        (0, C.CallTicket("loket3", "B001"), "els"),  # 09:20, waited 16 min
        (1, C.Start("loket3"), "els"),  # 09:21
        (1, C.IssueTicket("eid"), "onthaal"),  # 09:22 A003
    ]


async def test_without_opening_hours_the_header_never_says_closed(tmp_path: Path) -> None:
    # `kcc demo` runs the office without [hours]: open whenever it runs, as the kiosk treats it
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    await seed(db, clock, [])
    settings = example_settings()
    office = settings.office.model_copy(update={"hours": type(settings.office.hours)()})
    app = build_app(settings.model_copy(update={"office": office}), db=db, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "9999")
        header = str(app.screen.query_one(HeaderBar).render())
        assert "Katrien De Smet" in header
        assert "gesloten" not in header and "sluit" not in header


async def test_a_wrong_pin_is_refused_and_recorded_the_right_one_opens_the_board(
        tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    await seed(db, clock, [])
    app = recording(build_app(example_settings(), db=db, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "1234")
        await until(pilot, lambda: app.notices, "the refusal")
        assert app.notices == ["Verkeerde PIN: u kunt nog 4 keer proberen."]
        assert not isinstance(app.screen, BoardScreen)
        await login(pilot, "9999")
        assert app.coordinator == "katrien"
        assert "Katrien De Smet" in str(app.screen.query_one(HeaderBar).render())
        await pilot.press("l")  # log out
        await until(pilot, lambda: app.screen.query("#pin"), "the login screen again")
    async with Store(db, example_settings().office, clock=clock) as store:
        log = [(e.type, e.actor) for e in await store.events()]
    assert log == [("staff_login_failed", "katrien"), ("staff_logged_in", "katrien"),
                   ("staff_logged_out", "katrien")]


async def test_the_board_shows_hand_computed_kpis_for_a_known_morning(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    await seed(db, clock, known_morning())
    clock.at = T0 + timedelta(minutes=30)  # 09:30
    app = build_app(example_settings(), db=db, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        # Service, target, waiting, longest, new ticket, served, mean wait, SL, issuing, clears
        # eid: A003 waits 8 min; waits today 6 and 4 min -> mean 5, both within 15 -> 100 %.
        # Mean service (12 min prior × 3 + 10 + 14) / 5 = 12 min; 2 posts serve eid: the
        # queue clears in 1 × 12 / 2 = 6 min -> 09:36. "New ticket" is the printed estimate
        # (the forecast, tested in test_domain and measured by the simulator).
        new = {code: estimate_wait_s(app.store.state, app.office, code, clock())
               for code in ("eid", "rijbewijs", "attesten")}
        assert cells(app, "services", "eid") == [
            "Identiteitskaart / kids-ID", "15 min", "1", "8 min", f"{round(new['eid'] / 60)} min",
            "2", "5 min", "100%", "aan", "09:36"]
        # rijbewijs: B001 waited 16 min (within 20), is being served; only loket3 calls it.
        assert cells(app, "services", "rijbewijs") == [
            "Rijbewijs", "20 min", "0", "–", f"{round(new['rijbewijs'] / 60)} min", "0",
            "16 min", "100%", "aan", "–"]
        # attesten: D001 waits 25 min, over its 10 min target.
        assert cells(app, "services", "attesten") == [
            "Attesten & uittreksels", "10 min", "1", "25 min",
            f"{round(new['attesten'] / 60)} min", "0", "–", "–", "aan", "09:35"]
        assert cells(app, "services", "verhuis")[2:5] == ["0", "–", "–"]  # no post serves it
        # loket1: idle since A001 finished at 09:16; open 25 min − serving 9 min = 16 min idle.
        assert cells(app, "posts", "loket1") == [
            "Loket 1", "An Peeters", "vrij", "–", "14 min", "1", "16 min", "A×2 C E"]
        # loket3: B001 since its call at 09:20; serving 12 + 9 min of 25 open -> 4 min idle.
        assert cells(app, "posts", "loket3") == [
            "Loket 3", "Els Maes", "in behandeling", "B001", "10 min", "1", "4 min", "B×2 A D"]
        assert cells(app, "posts", "loket2")[:5] == ["Loket 2", "–", "gesloten", "–", "–"]
        # attesten is over target; loket1 is idle 8 min while A003 waits for it (>= 5 min);
        # the forecast sees a new attesten or afhalen ticket waiting behind A003 and D001 at
        # the only posts that serve them: estimates over their 10 and 5 min targets
        assert new["attesten"] is not None and new["attesten"] > 10 * 60
        assert alert_keys(app) == {"wait:attesten", "idle:loket1", "device:kiosk:onthaal",
                                   "device:display:wachtzaal", "estimate:attesten",
                                   "estimate:afhalen"}
        chart = app.screen.query_one(DayChartView).chart
        assert chart is not None
        assert (chart.hours, chart.arrivals, chart.served) == (
            [8, 9, 10, 11, 12], [0, 5, 0, 0, 0], [0, 2, 0, 0, 0])
        assert chart.queue[:6] == [0, 0, 0, 4, 2, 0]  # 20-min steps from 08:00; peak 4 at 09:05
        header = str(app.screen.query_one(HeaderBar).render())
        assert "di 24/11 09:30" in header and "sluit 12:30 (nog 3u00)" in header
        assert "4 waarschuwingen" in header  # the two devices not heard from are information

        # time passes with no event: the waits grow on the board by themselves
        clock.advance(minutes=3)
        await until(pilot, lambda: cells(app, "services", "eid")[3] == "11 min",
                    "the longest wait to grow")
        assert cells(app, "posts", "loket1")[4] == "17 min"


async def test_an_unreachable_store_is_shown_not_a_crash(tmp_path: Path) -> None:
    app = build_app(example_settings(), db=tmp_path / "missing.db", clock=FixedClock(T0))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store_error, "the store error")
        banner = str(app.screen.query_one("StoreBanner").render())
        assert "De databank bestaat niet" in banner and "`kcc init`" in banner  # in Dutch
        await pilot.press(*"9999", "enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, BoardScreen)  # nothing to log in to, no traceback


def test_a_service_name_fits_its_column_whole_or_ends_in_an_ellipsis() -> None:
    def shown(name: str) -> str:
        row = ServiceRow("x", name, 0, None, None, 0, None, None, 10, "on", None)
        return ServicesTable.cells(row, "–", False)[0].plain

    assert shown("Verhuis & vreemdelingenzaken") == "Verhuis & vreemdelingenzaken"
    long = shown("Verhuis, vreemdelingenzaken en naturalisatie")
    assert long.endswith("…") and len(long) == NAME_WIDTH
    assert long.startswith("Verhuis, vreemdelingenzaken")


async def test_a_refresh_before_a_table_has_its_columns_waits_for_the_next() -> None:
    # The once-a-second refresh can reach a new board before its tables' on_mount added the
    # columns: that refresh draws nothing (it used to crash with "More values … than columns").
    app: App[None] = App()
    async with app.run_test():
        table: DataTable[str] = DataTable()
        await app.mount(table)
        assert sync_rows(table, {"eid": ["Identiteitskaart", "3"]}) is False
        table.add_columns("Dienst", "Wachtend")
        assert sync_rows(table, {"eid": ["Identiteitskaart", "3"]}) is True
        assert table.get_row("eid") == ["Identiteitskaart", "3"]


async def test_the_board_counts_the_citizens_who_said_they_stepped_away(tmp_path: Path) -> None:
    """"Ik ben even weg" on a phone page: the ticket keeps its place and the coordinator sees
    how many of the waiting are away (they will not come when called now)."""
    from kcc_tui.phone.token import new_token

    db, clock = tmp_path / "kcc.db", FixedClock(T0)
    _, h = new_token()
    await seed(db, clock, [(0, C.IssueTicket("eid", token_hash=h), "onthaal"),
                           (1, C.IssueTicket("eid"), "onthaal"),
                           (1, C.StepAway(h, 10), "phone")])
    app = build_app(example_settings(), db=db, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await until(pilot, lambda: cells(app, "services", "eid")[2] == "2 (1 weg)",
                    "two waiting, one away")
        clock.advance(minutes=11)  # back in the queue when the time is up
        await until(pilot, lambda: cells(app, "services", "eid")[2] == "2", "both back")
