"""One lockout for every PIN typed anywhere: the kiosk's operator pad, a counter's login, the
coordinator pane and the CLI all record each attempt in the store and count towards the same
lock, which a restart (a new app, a new process) still sees. Only a coordinator's recorded
unlock lifts it early; a staff move does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_admin
from pilot_wait import until
from test_counter_kit import counter, login, login_error
from test_kiosk_kit import SIZE, T0, kiosk, kiosk_settings, log, ready, seed, text, types
from textual.pilot import Pilot

from kcc_tui.apps.kiosk.operator import PinDialog
from kcc_tui.apps.kiosk.start import StartScreen
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.ledger import Ledger

kcc = test_admin.kcc
office_dir = test_admin.office_dir  # the fixture: the example office, initialised


async def wrong_at_the_pad(pilot: Pilot[Any], times: int) -> None:
    app = pilot.app
    await pilot.press("f12")
    for _ in range(times):
        await until(pilot, lambda: isinstance(app.screen, PinDialog), "the PIN dialog")
        await pilot.press("0", "0", "0", "0", "enter")
        await until(pilot, lambda: not isinstance(app.screen, PinDialog)
                    or "Onjuiste" in text(app, "#pin-error"), "the PIN refused")


async def test_the_pad_the_counter_and_a_restarted_kiosk_share_one_lockout(
        tmp_path: Path) -> None:
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    assert settings.office.routing.lockout_failures == 5
    first = kiosk(settings, db, clock)
    async with first.run_test(size=SIZE) as pilot:  # two wrong PINs at the operator pad
        await ready(pilot)
        await wrong_at_the_pad(pilot, 2)
        assert "3 pogingen" in text(first, "#pin-error")
    desk = counter(settings, db, "loket1", clock)
    async with desk.run_test(size=(120, 35)) as pilot:  # two more at a counter, as katrien
        for left in (2, 1):
            await login(pilot, "katrien", "0000")
            await until(pilot, lambda left=left: f"nog {left} keer" in login_error(desk),
                        "the wrong PIN refused")
    again = kiosk(settings, db, clock)  # the kiosk restarted: it counts on from the log
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not again.operator_locked
        await wrong_at_the_pad(pilot, 1)
        await until(pilot, lambda: isinstance(again.screen, StartScreen), "the pad closed")
        assert again.operator_locked
    third = kiosk(settings, db, clock)  # and a new one finds the pad shut
    async with third.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert third.operator_locked
        await pilot.press("f12")
        await pilot.pause(0.2)
        assert isinstance(third.screen, StartScreen)
    desk = counter(settings, db, "loket1", clock)
    async with desk.run_test(size=(120, 35)) as pilot:  # the right PIN is refused now
        await login(pilot, "katrien", "9999")
        await until(pilot, lambda: "vergrendeld" in login_error(desk), "locked")
    events = await log(db, settings, clock)
    failed = types(events, "staff_login_failed")
    assert [e.data["source"] for e in failed] == [
        "onthaal", "onthaal", "counter:loket1", "counter:loket1", "onthaal"]
    assert len(types(events, "staff_locked")) == 1
    assert not types(events, "post_opened")


def test_a_move_neither_opens_a_post_for_a_locked_id_nor_clears_the_lock() -> None:
    office = kiosk_settings().office
    lg = Ledger(office, FixedClock(T0))
    for _ in range(office.routing.lockout_failures):
        with pytest.raises(C.Refused, match="wrong PIN"):
            lg.execute(C.OpenPost("loket1", "els", False), "els")
    with pytest.raises(C.Refused, match="els is locked") as refused:
        lg.execute(C.MoveStaff("els", "loket2"), "katrien")
    assert refused.value.code == "locked"
    with pytest.raises(C.Refused, match="els is locked"):
        lg.execute(C.OpenPost("loket1", "els", True), "els")  # the right PIN: still locked
    with pytest.raises(C.Refused, match="only a coordinator"):
        lg.execute(C.UnlockStaff("els"), "an")
    (unlocked,) = lg.execute(C.UnlockStaff("els"), "katrien")
    assert (unlocked.type, unlocked.actor) == ("staff_unlocked", "katrien")
    lg.execute(C.OpenPost("loket1", "els", True), "els")


def test_a_coordinator_move_does_not_reset_the_wrong_pin_count() -> None:
    office = kiosk_settings().office
    lg = Ledger(office, FixedClock(T0))
    for _ in range(office.routing.lockout_failures - 1):
        with pytest.raises(C.Refused, match="wrong PIN"):
            lg.execute(C.Login("els", False), "els")
    lg.execute(C.MoveStaff("els", "loket2"), "katrien")
    lg.execute(C.ClosePost("loket2"), "katrien")
    with pytest.raises(C.Refused, match="now locked"):
        lg.execute(C.Login("els", False), "els")


def test_the_cli_counts_each_process_and_only_an_unlock_lifts_the_lock(office_dir: Path) -> None:
    for left in (4, 3, 2, 1):  # every attempt its own process: nothing is kept in memory
        p = kcc(office_dir, "post", "open", "loket1", "--staff", "els", pin="0000")
        assert p.returncode == 1 and f"{left} {'try' if left == 1 else 'tries'} left" in p.stderr
    p = kcc(office_dir, "post", "open", "loket1", "--staff", "els", "--pin", "-", stdin="0000\n")
    assert p.returncode == 1 and "now locked" in p.stderr
    p = kcc(office_dir, "post", "open", "loket1", "--staff", "els", pin="3333")
    assert p.returncode == 1 and "els is locked" in p.stderr  # the right PIN, too late
    p = kcc(office_dir, "staff", "move", "els", "loket2")
    assert p.returncode == 1 and "els is locked" in p.stderr
    p = kcc(office_dir, "post", "open", "loket1", "--staff", "els", pin="3333")
    assert p.returncode == 1 and "els is locked" in p.stderr  # the move cleared nothing
    p = kcc(office_dir, "staff", "unlock", "els", "--coordinator", "katrien", pin="9999")
    assert p.returncode == 0, p.stderr
    assert kcc(office_dir, "post", "open", "loket1", "--staff", "els", pin="3333"
               ).returncode == 0
    audit = kcc(office_dir, "audit", "--staff", "els").stdout
    assert "staff_unlocked" in audit and "katrien" in audit


@pytest.mark.parametrize("args", [
    ("post", "open", "loket1", "--staff", "an", "--pin", "1111"),
    ("staff", "set-pin", "an", "--pin", "4321"),
    ("staff", "unlock", "an", "--coordinator", "katrien", "--pin", "9999"),
])
def test_a_pin_on_the_command_line_is_refused(office_dir: Path, args: tuple[str, ...]) -> None:
    p = kcc(office_dir, *args)
    assert p.returncode == 2
    (line,) = p.stderr.splitlines()
    assert "never given on the command line" in line and "--pin -" in line
    assert "KCC_PIN" in line
    assert "staff_login_failed" not in kcc(office_dir, "audit").stdout


def test_a_pin_from_stdin_or_the_environment_is_accepted(office_dir: Path) -> None:
    p = kcc(office_dir, "post", "open", "loket1", "--staff", "an", "--pin", "-", stdin="1111\n")
    assert p.returncode == 0, p.stderr
    p = kcc(office_dir, "post", "open", "loket2", "--staff", "bart", pin="2222")
    assert p.returncode == 0, p.stderr
    p = kcc(office_dir, "post", "open", "loket3", "--staff", "els")  # no PIN anywhere
    assert p.returncode == 2 and "no PIN" in p.stderr


def test_each_lock_of_the_day_lasts_twice_as_long() -> None:
    office = kiosk_settings().office
    clock = FixedClock(T0)
    lg = Ledger(office, clock)
    lasted = []
    for _ in range(4):
        for _ in range(office.routing.lockout_failures - 1):
            with pytest.raises(C.Refused, match="tr(ies|y) left"):
                lg.execute(C.Login("els", False), "els")
        with pytest.raises(C.Refused, match="now locked") as locked:
            lg.execute(C.Login("els", False), "els")
        lasted.append(locked.value.params["minutes"])
        until = lg.state.staff_state("els").locked_until
        assert until is not None
        clock.advance(seconds=(until - clock()).total_seconds() + 1)
    assert lasted == [5, 10, 20, 40]
