"""Snapshots of the coordinator pane, on a fixed clock (regenerate with --snapshot-update and
look at the SVGs before committing them)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from test_coordinator import known_morning
from test_coordinator_kit import SIZE, T0, example_settings, login, seed, until

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.dialogs import MoveDialog
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock


def morning_app(tmp_path: Path, extra: list[tuple[float, C.Command, str]] | None = None) -> Any:
    db = tmp_path / "kcc.db"
    clock = FixedClock(T0)
    asyncio.run(seed(db, clock, known_morning() + (extra or [])))
    clock.at = T0 + timedelta(minutes=30)  # 09:30
    return build_app(example_settings(), db=db, clock=clock)


def test_board_at_120x35(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(morning_app(tmp_path), terminal_size=SIZE, run_before=login)


def test_board_on_a_1080p_monitor(snap_compare: Any, tmp_path: Path) -> None:
    extra = [(0, C.OpenPost("snelbalie", "lotte", True), "lotte"),
             (0, C.Pause("snelbalie", "koffie"), "lotte"),
             (0, C.SetIssuing("reispas", False), "katrien"),
             (0, C.Heartbeat("onthaal", "printer", "near_end"), "onthaal")]
    assert snap_compare(morning_app(tmp_path, extra), terminal_size=(240, 60),
                        run_before=login)


def test_move_dialog_warns_while_serving(snap_compare: Any, tmp_path: Path) -> None:
    async def open_dialog(pilot: Any) -> None:
        await login(pilot)
        await pilot.press("down", "down", "m")  # Loket 3: Els serves B001
        await until(pilot, lambda: isinstance(pilot.app.screen, MoveDialog), "the dialog")
        await pilot.press("enter", "down")  # on to the posts: Loket 2
        await pilot.pause(0.1)

    assert snap_compare(morning_app(tmp_path), terminal_size=SIZE, run_before=open_dialog)


def test_login_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def wait(pilot: Any) -> None:
        await until(pilot, lambda: pilot.app.store is not None, "the store")
        pilot.app.screen.query_one("#pin").cursor_blink = False  # a blink is not a change
        await pilot.pause(0.05)

    assert snap_compare(morning_app(tmp_path), terminal_size=SIZE, run_before=wait)


def test_waiting_list_at_120x35(snap_compare: Any, tmp_path: Path) -> None:
    async def waiting(pilot: Any) -> None:
        await login(pilot)
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(morning_app(tmp_path), terminal_size=SIZE, run_before=waiting)


def test_condensed_board_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(morning_app(tmp_path), terminal_size=(80, 24), run_before=login)


def test_waiting_list_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def waiting(pilot: Any) -> None:
        await login(pilot)
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(morning_app(tmp_path), terminal_size=(80, 24), run_before=waiting)
