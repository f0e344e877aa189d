"""The coordinator's actions through Pilot, seen by another process that watches the store the
way the counters, the wall display and the kiosk do (`Peer`)."""

from __future__ import annotations

from pathlib import Path

from test_coordinator_kit import SIZE, Peer, do, example_settings, login, recording, seed, until
from textual.widgets import Button, Checkbox, Input, OptionList

from kcc_tui.apps.coordinator import build_app
from kcc_tui.apps.coordinator.dialogs import (
    BroadcastDialog,
    CallDialog,
    ConfirmDialog,
    MoveDialog,
    PauseReasonDialog,
    ProfileDialog,
)
from kcc_tui.apps.coordinator.screen import BoardScreen
from kcc_tui.apps.coordinator.widgets import PostsTable, ServicesTable
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import system_clock
from kcc_tui.store import Store


def on(app: object, kind: type) -> bool:
    return isinstance(app.screen, kind)  # type: ignore[attr-defined]


async def actors(db: Path) -> list[tuple[str, str]]:
    async with Store(db, example_settings().office) as store:
        return [(e.type, e.actor) for e in await store.events()]


async def test_every_action_reaches_the_other_processes(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await seed(db, system_clock, [
        (0, C.IssueTicket("eid"), "onthaal"), (0, C.IssueTicket("eid"), "onthaal"),
        (0, C.OpenPost("loket1", "an", True), "an")])
    app = recording(build_app(example_settings(), db=db))
    async with Peer(db) as peer, app.run_test(size=SIZE) as pilot:
        await login(pilot)

        # open a post = move someone there: Loket 2 (cursor on it), Bart (second in the list)
        await pilot.press("down", "o")
        await until(pilot, lambda: on(app, MoveDialog), "the move dialog")
        await pilot.press("down", "enter", "enter")
        await peer.until(lambda v: v["posts"].get("loket2", {}).get("staff") == "bart",
                         "Loket 2 open with Bart")

        # change Loket 2's services: eid off (Loket 1 still serves it: no question asked)
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("s")
        await until(pilot, lambda: on(app, ProfileDialog), "the services dialog")
        await pilot.press("enter")  # toggles the highlighted first service, eid
        await pilot.click("#ok")
        await peer.until(lambda v: v["posts"]["loket2"]["services"] == ["reispas", "rijbewijs"],
                         "Loket 2 without eid")

        # pause and resume Loket 2
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("z")
        await until(pilot, lambda: on(app, PauseReasonDialog), "the reason dialog")
        await pilot.press(*"elders", "enter")  # a reason code, as at the counters
        await peer.until(lambda v: v["posts"]["loket2"]["paused"] == "elders-nodig", "the pause")
        # the state column widens for the longer cell instead of cutting it off
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        state = app.screen.query_one(PostsTable).columns["state"]
        await until(pilot, lambda: state.content_width >= len("pauze · elders-nodig"),
                    "the state column to fit the pause")
        await pilot.press("z")
        await peer.until(lambda v: v["posts"]["loket2"]["paused"] is None, "the resume")

        # stop issuing eid (confirmed: it shows how long the queue needs), then start again
        app.screen.query_one(ServicesTable).focus()
        await pilot.press("i")
        await until(pilot, lambda: on(app, ConfirmDialog), "the issuing question")
        effects = str(app.screen.query_one(".effects").render())
        assert "de 2 tickets die al wachten, worden nog geholpen" in effects
        assert "De wachtrij is over ongeveer 24 min leeg" in effects  # 2 × 12 min ÷ 1 post
        await pilot.press("y")
        await peer.until(lambda v: v["kiosk_refuses"].get("eid") == C.NotIssuing.STOPPED,
                         "the kiosk refusing eid")
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("i")  # starting again asks nothing
        await peer.until(lambda v: "eid" not in v["kiosk_refuses"], "eid issuing again")

        # broadcast to both, then to the display ticker only
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("b")
        await until(pilot, lambda: on(app, BroadcastDialog), "the broadcast dialog")
        await pilot.press(*"Loket 4 sluit om 12 u", "enter")
        await peer.until(lambda v: v["counters_message"] == v["display_ticker"]
                         == "Loket 4 sluit om 12 u", "the message on counters and display")
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("b")
        await until(pilot, lambda: on(app, BroadcastDialog), "the broadcast dialog")
        app.screen.query_one("#counters", Checkbox).value = False
        app.screen.query_one("#text", Input).value = "Welkom"
        await pilot.press("enter")
        await peer.until(lambda v: v["display_ticker"] == "Welkom", "the ticker message")
        assert peer.view["counters_message"] == "Loket 4 sluit om 12 u"

        # call A002 (not first in line) to Loket 1: confirmed, since A001 is passed over
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        app.screen.query_one("#posts").focus()
        await pilot.press("up", "c")  # cursor on Loket 1
        await until(pilot, lambda: on(app, CallDialog), "the call dialog")
        await pilot.press(*"a002", "enter")
        await until(pilot, lambda: on(app, ConfirmDialog), "the out-of-turn question")
        assert "A002 passeert 1 ticket dat Loket 1 eerst zou oproepen" in str(
            app.screen.query_one(".effects").render())
        await pilot.press("y")
        await peer.until(lambda v: v["called"] == {"A002": "loket1"},
                         "A002 called to Loket 1 on the display")

        # close Loket 2: nobody waits for its services, still asked (it logs Bart out)
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("down", "x")
        await until(pilot, lambda: on(app, ConfirmDialog), "the close question")
        await pilot.press("escape")  # cancelled: nothing happens
        await until(pilot, lambda: on(app, BoardScreen), "the board")
        await pilot.press("x")
        await until(pilot, lambda: on(app, ConfirmDialog), "the close question")
        await pilot.click("#ok")
        await peer.until(lambda v: not v["posts"]["loket2"]["open"], "Loket 2 closed")
    log = await actors(db)
    mine = [t for t, actor in log if actor == "katrien"]
    assert mine == ["staff_logged_in", "post_opened", "staff_moved", "post_profile_changed",
                    "post_paused", "post_resumed", "service_issuing_changed",
                    "service_issuing_changed", "message_broadcast", "message_broadcast",
                    "ticket_called", "post_closed"]
    assert app.notices == [  # and no refusal in between
        "Bart Janssens verplaatst naar Loket 2", "Identiteitskaart / kids-ID: uitgifte gestopt",
        "Identiteitskaart / kids-ID: uitgifte gestart",
        "Verstuurd naar de loketten en het scherm in de wachtzaal",
        "Verstuurd naar het scherm in de wachtzaal"]


async def test_closing_the_last_post_for_waiting_citizens_asks_first(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    await seed(db, system_clock, [
        (0, C.IssueTicket("verhuis"), "onthaal"), (0, C.OpenPost("loket4", "youssef", True),
                                                   "youssef")])
    app = build_app(example_settings(), db=db)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("down", "down", "down", "x")  # Loket 4
        await until(pilot, lambda: on(app, ConfirmDialog), "the question")
        assert ("Verhuis & vreemdelingenzaken: 1 wachtende, maar dan geen open loket meer"
                in str(app.screen.query_one(".effects").render()))
        await pilot.click("#cancel")
        await until(pilot, lambda: on(app, BoardScreen), "the board")
    assert ("post_closed", "katrien") not in await actors(db)


async def test_moving_someone_who_serves_a_citizen_waits_for_the_ticket(tmp_path: Path) -> None:
    """Decision: the move is refused while the staff member has a citizen called or at the
    counter. The dialog says so and keeps "Move" disabled; it enables itself as soon as that
    ticket is finished (by the counter, another process), and then the move goes through."""
    db = tmp_path / "kcc.db"
    await seed(db, system_clock, [
        (0, C.IssueTicket("eid"), "onthaal"), (0, C.OpenPost("loket1", "an", True), "an"),
        (0, C.CallNext("loket1"), "an"), (0, C.Start("loket1"), "an")])
    app = recording(build_app(example_settings(), db=db))
    async with Peer(db) as peer, app.run_test(size=SIZE) as pilot:
        await login(pilot)
        # the domain itself refuses, whoever asks (a stale dialog, the CLI)
        assert await app.execute(C.MoveStaff("an", "loket3"), "katrien") is None
        assert app.notices == ["An Peeters is bezig met A001 aan Loket 1: verplaatsen kan "
                               "zodra dat ticket afgerond is."]

        await pilot.press("m")  # cursor on Loket 1: An is preselected
        await until(pilot, lambda: on(app, MoveDialog), "the move dialog")
        await pilot.press("enter", "down", "down")  # to the posts, Loket 3
        check = app.screen.query_one("#check")
        assert "An Peeters is bezig met A001 aan Loket 1: verplaatsen kan zodra dat " \
               "ticket afgerond is" in str(check.render())
        assert app.screen.query_one("#ok", Button).disabled
        await pilot.press("enter")  # nothing happens
        assert on(app, MoveDialog)

        do(db, "C.Finish('loket1')")  # the counter finishes the ticket
        await until(pilot, lambda: not app.screen.query_one("#ok", Button).disabled,
                    "the move to become possible")
        assert str(check.render()) == "An Peeters: Loket 1 sluit, Loket 3 gaat open."
        assert app.screen.query_one("#post", OptionList).has_focus
        await pilot.press("enter")
        view = await peer.until(lambda v: v["posts"].get("loket3", {}).get("staff") == "an",
                                "An at Loket 3")
        assert not view["posts"]["loket1"]["open"]
