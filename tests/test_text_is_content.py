"""Text from people and files is content (issue 14): never markup, never terminal control.

A broadcast, a pause reason, a transfer reason, a note and a topic label go into a running
counter, the wall display and the coordinator pane (real apps through Pilot on one SQLite file).
Every app keeps running, shows the text as it was typed with control characters replaced by
visible stand-ins, and sends no control character to the terminal. Broadcasts expire and can be
withdrawn; every screen drops them at once.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hostile_text import pieces, texts
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from rich.text import Text
from test_counter_kit import T0, counter, example_settings, logged_in, seed, until
from textual.widgets import OptionList, SelectionList, Static

from kcc_tui.apps.coordinator import build_app as coordinator
from kcc_tui.apps.coordinator.dialogs import BroadcastDialog
from kcc_tui.apps.coordinator.screen import BoardScreen
from kcc_tui.apps.coordinator.widgets import PostsTable
from kcc_tui.apps.counter.dialogs import FinishDialog
from kcc_tui.apps.display import build_app as display
from kcc_tui.apps.display.announce import CommandSpeaker
from kcc_tui.apps.display.widgets import Ticker
from kcc_tui.apps.literal import literal, shown
from kcc_tui.config.settings import Settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, local
from kcc_tui.domain.office import Topic
from kcc_tui.domain.text import visible
from kcc_tui.store import Store

SIZE = (120, 35)
NO_SHRINK = [Phase.explicit, Phase.generate]
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
TOPIC = "wait-too-long"


# -- looking at a running app ----------------------------------------------------------------------
def painted(app: Any) -> str:
    """What the app's screen sends to the terminal now, without the styles: every line as the
    compositor draws it (toasts and dialogs included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def assert_clean(*apps: Any) -> None:
    for app in apps:
        assert app.is_running, f"{type(app).__name__} stopped"
        bad = [c for line in painted(app).split("\n") for c in CONTROL.findall(line)]
        assert not bad, f"{type(app).__name__} sends control characters {bad[:5]!r}"


def office_with(labels: list[str]) -> Settings:
    """The example office with topics whose labels (from a config file someone wrote) hold
    brackets: topic code t0, t1, … for labels[0], labels[1], …"""
    s = example_settings()
    topics = dict(s.office.topics)
    for i, label in enumerate(labels):
        topics[f"t{i}"] = Topic(code=f"t{i}", label=label, kind="complaint")
    return s.model_copy(update={"office": s.office.model_copy(update={"topics": topics})})


async def coordinator_login(pilot: Any) -> None:
    app = pilot.app
    await until(pilot, lambda: app.screen.query("#pin") and app.store is not None,
                "the coordinator's login screen")
    await pilot.press(*"9999", "enter")
    await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")


def apps(settings: Settings, db: Path, clock: FixedClock) -> tuple[Any, Any, Any]:
    return (counter(settings, db, "loket1", clock),
            display(settings, db=db, display_id="wachtzaal", clock=clock,
                    speaker=CommandSpeaker("none", None)),
            coordinator(settings, db=db, clock=clock))


# -- generated text --------------------------------------------------------------------------------
# Config text never holds control characters (they are refused at load).
labels = st.one_of(pieces, st.text(min_size=1, max_size=40)).map(
    lambda s: "".join(ch for ch in s if not CONTROL.match(ch)).strip() or "[/]")


@dataclass(frozen=True)
class Input:
    broadcast: str
    pause: str
    transfer: str
    note: str
    label: str


ISSUE = Input("Let op [/] koffie [bold red]X[/] [dringend] [@click=app.quit]Klik[/] "
              "\x1b]0;PWNED\x07", "[/]", "[link=https://example.invalid]weg[/link]\x1b[2J",
              "regel 1\nregel 2 [/] \x00", "Te lang [/] gewacht [@click=app.quit]x[/]")
LONG = Input("[/]\x1b" * 3400, "x" * 101, "\u200f" * 101, "[/]" * 400,
             "e\u0301 😀 [b]" * 4)


async def refused_or_done(store: Store, command: C.Command, actor: str,
                          limit: int | None, length: int) -> bool:
    """Run `command`; when `length` is over `limit` it must be refused as too long."""
    if limit is not None and length > limit:
        with pytest.raises(C.Refused) as info:
            await store.execute(command, actor)
        assert (info.value.code, info.value.params["limit"]) == ("too_long", limit)
        return False
    await store.execute(command, actor)
    return True


async def code_or_refused(store: Store, command: C.Command, actor: str, given: str,
                          known: object) -> bool:
    """Pause and transfer reasons are codes from the config: free text is refused, not shown."""
    if given == "" or given in known:  # type: ignore[operator]
        await store.execute(command, actor)
        return True
    with pytest.raises(C.Refused) as info:
        await store.execute(command, actor)
    assert info.value.code == "unknown_reason"
    return False


# No shrinking: every example starts three apps, and shrinking would take minutes. An example
# is six rounds of generated text in the same running apps.
@settings(max_examples=1, deadline=None, derandomize=True, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.builds(Input, texts, texts, texts, texts, labels), min_size=6, max_size=6))
@example([ISSUE, LONG])
async def test_free_text_is_shown_literally_on_every_screen(rounds: list[Input]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db, clock = Path(folder) / "kcc.db", FixedClock(T0)
        settings = office_with([x.label for x in rounds])
        await seed(db, settings, clock, *["eid"] * (2 * len(rounds)),
                   open_posts={"loket1": "an"})
        desk, wall, pane = apps(settings, db, clock)
        async with desk.run_test(size=SIZE) as pc, wall.run_test(size=SIZE) as pw, \
                pane.run_test(size=SIZE) as pk:
            await logged_in(pc, "an")
            await coordinator_login(pk)
            for i, x in enumerate(rounds):
                await _round(db, settings, clock, (pc, pw, pk), f"t{i}", x)


async def _round(db: Path, settings: Settings, clock: FixedClock, pilots: tuple[Any, ...],
                 topic: str, x: Input) -> None:
    """One broadcast, transfer, finish (topic and note) and pause, from another connection."""
    pc, pw, pk = pilots
    desk, wall, pane = (p.app for p in pilots)
    async with Store(db, settings.office, clock=clock) as store:
        if any(m.shown_at(clock()) for m in store.state.messages):
            await store.execute(C.WithdrawBroadcast(), "katrien")  # the previous round's
        if store.state.post("loket1").pause_reason is not None:
            await store.execute(C.Resume("loket1"), "an")
        message = " ".join(x.broadcast.split())  # a message is one line
        sent = bool(message) and await refused_or_done(
            store, C.Broadcast(x.broadcast), "katrien", C.BROADCAST_MAX, len(message))
        await store.execute(C.CallNext("loket1"), "an")
        await code_or_refused(store, C.Transfer("loket1", to_service="afhalen",
                                                reason=x.transfer), "an", x.transfer,
                              settings.office.reasons.transfer)
        if store.state.post("loket1").current is not None:  # the transfer was refused
            await store.execute(C.Finish("loket1"), "an")
        await store.execute(C.CallNext("loket1"), "an")
        # the topic label, from config, in the counter's finish dialog
        await until(pc, lambda: desk.current_ticket() is not None, "the call on screen")
        await pc.press("f")
        await until(pc, lambda: isinstance(desk.screen, FinishDialog), "the finish dialog")
        topics = desk.screen.query_one(SelectionList)
        prompts = [str(topics.get_option_at_index(i).prompt)
                   for i in range(topics.option_count)]
        assert visible(x.label) in prompts
        assert_clean(desk)
        await pc.press("escape")
        await refused_or_done(store, C.Finish("loket1", topics=(topic,), note=x.note or None),
                              "an", C.NOTE_MAX, len(x.note))
        if store.state.post("loket1").current is not None:  # the note was refused
            await store.execute(C.Finish("loket1", topics=(topic,)), "an")
        code = x.pause or next(iter(settings.office.reasons.pause))
        if not await code_or_refused(store, C.Pause("loket1", x.pause), "an", x.pause,
                                     settings.office.reasons.pause):
            code = "koffie"
            await store.execute(C.Pause("loket1", code), "an")
        paused = True
    reason = visible(settings.office.reasons.pause_label(code))
    line = f"Bericht {local(clock(), settings.office.timezone):%H:%M}: {visible(message)}"

    def seen() -> bool:
        post_line = text_of(desk, "#post-line")
        return ((reason is None or f"PAUZE: {reason} (sinds" in post_line)
                and (line in post_line) == sent
                and wall.query_one(Ticker).text == (visible(message) if sent else ""))

    try:
        await until(pc, seen, "the counter and the display showing the texts")
    except AssertionError:
        raise AssertionError(f"status line {text_of(desk, '#post-line')!r}, ticker "
                             f"{wall.query_one(Ticker).text!r}; wanted {reason!r} and "
                             f"{line if sent else ''!r}") from None
    if sent:
        assert visible(message) in desk.notices
    if paused:
        await until(pk, lambda: str(pane.screen.query_one(PostsTable).get_cell(
            "loket1", "state")).startswith("pauze"), "the pause on the board")
        state = pane.screen.query_one(PostsTable).get_cell("loket1", "state")
        assert str(state) == f"pauze · {code}"[:22]  # the board shows the code
    await pk.press("b")  # the broadcast dialog lists the message shown now
    await until(pk, lambda: isinstance(pane.screen, BroadcastDialog), "the dialog")
    wanted = visible(message) if sent else "geen bericht"
    await until(pk, lambda: wanted in text_of(pane, "#current"), "the messages shown now")
    await pw.pause(0.3)  # let the ticker scroll a step
    assert_clean(desk, wall, pane)
    await pk.press("escape")
    await until(pk, lambda: isinstance(pane.screen, BoardScreen), "the board again")


# -- the reported cases, one by one ----------------------------------------------------------------
async def test_a_broadcast_with_markup_does_not_crash_a_counter_at_its_login_screen(
        tmp_path: Path) -> None:
    clock, db = FixedClock(T0), tmp_path / "kcc.db"
    settings = example_settings()
    await seed(db, settings, clock, "eid")
    async with Store(db, settings.office, clock=clock) as store:
        await store.execute(C.Broadcast("Let op [/] koffie"), "katrien")
    desk = counter(settings, db, "loket1", clock)
    async with desk.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Let op [/] koffie" in text_of(desk, "#login-message"),
                    "the message on the login screen")
        async with Store(db, settings.office, clock=clock) as store:
            await store.execute(C.Broadcast("[bold red]X[/] [dringend]"), "katrien")
        await until(pilot, lambda: "[bold red]X[/] [dringend]" in text_of(desk, "#login-message")
                    and "[bold red]X[/] [dringend]" in desk.notices, "the second message")
        assert_clean(desk)


async def test_a_topic_label_with_markup_is_text_on_the_phone_post(tmp_path: Path) -> None:
    clock, db = FixedClock(T0), tmp_path / "kcc.db"
    label = "Te lang [/] gewacht [@click=app.quit]x[/]"
    settings = office_with([label])
    await seed(db, settings, clock)
    desk = counter(settings, db, "telefoon", clock)
    async with desk.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "lotte")
        topics = desk.screen.query_one("#topics", OptionList)
        topics.highlighted = list(settings.office.topics).index("t0")
        await pilot.press("enter")
        await until(pilot, lambda: label in text_of(desk, "#calls"), "the call in the list")
        assert f"Gesprek geregistreerd: {label}" in desk.notices
        assert_clean(desk)


async def test_a_click_tag_in_a_broadcast_is_text_not_an_action(tmp_path: Path) -> None:
    clock, db = FixedClock(T0), tmp_path / "kcc.db"
    settings = example_settings()
    await seed(db, settings, clock, "eid", open_posts={"loket1": "an"})
    desk = counter(settings, db, "loket1", clock)
    async with desk.run_test(size=SIZE) as pilot:
        await logged_in(pilot, "an")
        async with Store(db, settings.office, clock=clock) as store:
            await store.execute(C.Broadcast("[@click=app.quit]Klik[/]"), "katrien")
        await until(pilot, lambda: "[@click=app.quit]Klik[/]" in text_of(desk, "#post-line"),
                    "the message on the status line")
        line = desk.screen.query_one("#post-line", Static)
        visual = line.render()
        assert not any("click" in str(getattr(span, "style", "")) for span in
                       getattr(visual, "spans", [])), "the message carries an action"
        for x in range(0, line.size.width, 4):  # click all along the line
            await pilot.click(line, offset=(x, 1))
        await pilot.pause(0.1)
        assert desk.is_running


async def test_an_escape_sequence_in_a_broadcast_is_shown_not_sent(tmp_path: Path) -> None:
    clock, db = FixedClock(T0), tmp_path / "kcc.db"
    settings = example_settings()
    await seed(db, settings, clock, "eid")
    wall = display(settings, db=db, display_id="wachtzaal", clock=clock,
                   speaker=CommandSpeaker("none", None))
    async with wall.run_test(size=SIZE) as pilot:
        async with Store(db, settings.office, clock=clock) as store:
            await store.execute(C.Broadcast("\x1b]0;PWNED\x07 koffie"), "katrien")
        await until(pilot, lambda: wall.query_one(Ticker).text == "␛]0;PWNED␇ koffie",
                    "the ticker")
        await pilot.pause(0.1)
        assert "␛]0;PWNED␇ koffie" in painted(wall)
        assert_clean(wall)


# -- expiry and withdrawal -------------------------------------------------------------------------
async def test_a_withdrawn_or_expired_broadcast_leaves_every_screen_within_a_second(
        tmp_path: Path) -> None:
    clock, db = FixedClock(T0), tmp_path / "kcc.db"
    settings = example_settings()
    await seed(db, settings, clock, "eid", open_posts={"loket1": "an"})
    desk, wall, pane = apps(settings, db, clock)
    login_desk = counter(settings, db, "loket2", clock)  # a counter at its login screen
    async with desk.run_test(size=SIZE) as pc, wall.run_test(size=SIZE), \
            pane.run_test(size=SIZE) as pk, login_desk.run_test(size=SIZE) as pl:
        await logged_in(pc, "an")
        await coordinator_login(pk)
        await until(pl, lambda: login_desk.screen.query("#login-message"), "the login screen")

        def shown_everywhere(text: str) -> bool:
            return (text in text_of(desk, "#post-line")
                    and text in text_of(login_desk, "#login-message")
                    and text in wall.query_one(Ticker).text)

        # withdrawn from the coordinator pane
        async with Store(db, settings.office, clock=clock) as store:
            await store.execute(C.Broadcast("Koffie is op"), "katrien")
        await until(pc, lambda: shown_everywhere("Koffie is op"), "the message everywhere")
        await pk.press("b")
        await until(pk, lambda: isinstance(pane.screen, BroadcastDialog), "the dialog")
        await until(pk, lambda: "Koffie is op" in text_of(pane, "#current"), "the list")
        start = time.monotonic()
        await pk.click("#withdraw")
        await until(pc, lambda: _gone(desk, login_desk, wall, "Koffie is op"),
                    "the withdrawn message gone", timeout=5)
        print(f"withdrawn: gone from every screen {time.monotonic() - start:.2f} s after the "
              "click")
        assert not any("Koffie is op" in t for t in _toasts(desk))
        # expired: nothing happens in the store, only the clock moves on
        async with Store(db, settings.office, clock=clock) as store:
            await store.execute(C.Broadcast("Tot 09:05", until=T0 + timedelta(minutes=5)),
                                "katrien")
        await until(pc, lambda: shown_everywhere("Tot 09:05"), "the second message")
        clock.advance(minutes=5)
        took = await until(pc, lambda: _gone(desk, login_desk, wall, "Tot 09:05"),
                           "the expired message gone", timeout=5)
        print(f"expired: gone from every screen {took:.2f} s after its end time")
        assert not any("Tot 09:05" in t for t in _toasts(desk))
        assert_clean(desk, wall, pane, login_desk)


def _toasts(app: Any) -> list[str]:
    from textual.widgets._toast import Toast

    return [str(t.render()) for t in app.screen.query(Toast)]


def _gone(desk: Any, login_desk: Any, wall: Any, text: str) -> bool:
    return (text not in text_of(desk, "#post-line")
            and text not in text_of(login_desk, "#login-message")
            and text not in wall.query_one(Ticker).text
            and not any(text in t for t in _toasts(desk)))


# -- the edge's one rule ---------------------------------------------------------------------------
def test_literal_is_never_markup_and_shows_control_characters() -> None:
    t = literal("[bold red]X[/] \x1b]0;P\x07", "bold")
    assert isinstance(t, Text) and t.plain == "[bold red]X[/] ␛]0;P␇" and t.style == "bold"
    assert shown(None) == "" and shown("a\nb") == "a␊b" and shown("a\nb", newlines=True) == "a\nb"
