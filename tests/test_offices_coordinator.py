"""Several offices in the coordinator pane (Pilot, real stores, a real `kcc` process): the
overview of all offices follows each office's own store live, and Enter switches the board. The
stores are a file per office, and (when a server can be started) a database per office on one
PostgreSQL server (`office_urls`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from offices_kit import installation, kcc
from test_coordinator_kit import SIZE, cells, login, until

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.login import LoginScreen
from kcc_tui.apps.coordinator.offices import OfficesTable, OverviewScreen
from kcc_tui.apps.coordinator.screen import BoardScreen
from kcc_tui.config.installation import load_installation
from kcc_tui.domain import commands as C
from kcc_tui.store import create_store, open_store


async def test_the_overview_shows_a_ticket_another_process_issues_in_the_other_office(
        tmp_path: Path, office_urls: dict[str, str] | None) -> None:
    inst = load_installation(installation(tmp_path, urls=office_urls))
    here = inst.offices["stadhuis"]
    for oid, s in inst.offices.items():
        await create_store(inst.store_of(oid), s.office)
    async with open_store(inst.store_of("stadhuis"), here.office) as store:
        await store.execute(C.IssueTicket("eid"), "onthaal")
        await store.execute(C.OpenPost("loket1", "an", True), "an")
    app = build_app(here, installation=inst)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen), "the overview")
        screen = app.screen

        def row(oid: str) -> list[str]:
            table = screen.query_one(OfficesTable)
            return cells(app, "offices", oid) if oid in table.rows else []

        await until(pilot, lambda: row("stadhuis") and row("noord") and row("noord")[1] == "0",
                    "both offices in the overview")
        assert row("stadhuis")[:2] == ["▶ Stadhuis Leiebrugge", "1"]
        assert row("stadhuis")[3] == "1 / 6"  # one open post of the example's six
        assert row("noord")[0] == "  Kantoor Noord [b]"  # the name literally, not markup

        # another process issues a ticket in office B: the overview follows B's store
        done = await asyncio.to_thread(
            kcc, "--config", str(tmp_path / "noord.toml"), "ticket", "issue", "rijbewijs")
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: row("noord")[1] == "1", "office B's new ticket")
        assert row("stadhuis")[1] == "1"  # office A is unchanged

        # Enter on office B: the board switches to B after B's coordinator logs in
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "B's login")
        assert app.office.id == "noord" and app.coordinator is None
        await login(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.store is not None and app.store.where == str(inst.store_of("noord"))
        await until(pilot, lambda: cells(app, "services", "rijbewijs")[2] == "1",
                    "B's queue on the board")
        assert cells(app, "services", "eid")[2] == "0"  # A's ticket stays in A
    # the coordinator was logged out of office A before the switch
    async with open_store(inst.store_of("stadhuis"), here.office, readonly=True) as store:
        kinds = [e.type for e in await store.events()]
    assert kinds[-2:] == ["staff_logged_in", "staff_logged_out"], kinds


async def test_without_an_installation_there_is_no_overview_key(tmp_path: Path) -> None:
    inst = load_installation(installation(tmp_path))
    here = inst.offices["stadhuis"]
    await create_store(here.store.path, here.office)
    app = build_app(here)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("k")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BoardScreen)
        assert app.check_action("offices", ()) is False


async def test_an_app_started_with_another_offices_config_says_so_and_writes_nothing(
        tmp_path: Path) -> None:
    from kcc_tui.apps.base import StoreBanner

    inst = load_installation(installation(tmp_path))
    here, there = inst.offices["stadhuis"], inst.offices["noord"]
    await create_store(here.store.path, here.office)
    app = build_app(there, db=here.store.path)  # office B's config on office A's store
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store_error, "the banner")
        assert app.store is None
        assert app.store_error == ('De databank hoort bij kantoor "stadhuis", niet bij kantoor '
                                   '"noord" van deze configuratie: verwittig de beheerder. '
                                   "(opnieuw proberen…)")
        assert app.screen.query_one(StoreBanner).has_class("-shown")
    async with open_store(inst.store_of("stadhuis"), here.office, readonly=True) as store:
        assert await store.events() == []


async def test_an_office_whose_store_cannot_be_opened_is_shown_with_why(tmp_path: Path) -> None:
    inst = load_installation(installation(tmp_path))
    here = inst.offices["stadhuis"]
    await create_store(here.store.path, here.office)  # office noord has no store yet
    app = build_app(here, installation=inst)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen)
                    and "noord" in app.screen.query_one(OfficesTable).rows, "the overview")
        await until(pilot, lambda: cells(app, "offices", "noord")[6] != "", "noord's error")
        assert cells(app, "offices", "noord")[1:6] == ["–"] * 5
        assert cells(app, "offices", "noord")[6].startswith("De databank bestaat niet")
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)
