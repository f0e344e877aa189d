"""`DisplayApp`: the wall display (TV) in the waiting room. See docs/display.md.

Thin on purpose: the calls and queues are plain data (`board.py`), the words are in
`phrases.py`, the sound in `announce.py` and the drawing in `widgets/`. This class wires them
to the store's change feed and to a one-second tick (clock, highlight, language rotation).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.css.query import NoMatches

from ...config.settings import DisplaySettings, Settings
from ...domain.clock import Clock, local, system_clock
from ...domain.commands import Heartbeat, Refused
from ...domain.events import Event
from ...domain.state import DayState
from ...store import StoreError
from ...wait_words import estimate_words
from ..base import KccApp
from ..literal import literal, shown
from .announce import STALE_AFTER_S, Announcer, Speaker, speaker_for
from .board import Call, CallBoard, queues, services_for
from .phrases import capital, label, long_date, post_name, post_short
from .screen import DisplayScreen
from .widgets import ClockFace, HistoryBoard, NowCalled, QueueBoard, Ticker
from .widgets.boards import Row
from .widgets.ticker import SEPARATOR

HEARTBEAT_S = 30.0  # the coordinator pane raises an alert when a display goes quiet
TICK_S = 1.0
TICKER_TICK_S = 0.2
MESSAGES_SHOWN = 3  # the latest broadcasts on the ticker


class DisplayApp(KccApp):
    CSS_PATH = Path(__file__).with_name("display.tcss")  # absolute: subclasses live elsewhere
    TITLE = "kcc — wachtzaal"

    def __init__(self, settings: Settings, *, display_id: str, db: str | Path | None = None,
                 clock: Clock = system_clock, speaker: Speaker | None = None,
                 stale_after_s: float = STALE_AFTER_S, heartbeat_s: float = HEARTBEAT_S) -> None:
        super().__init__(settings, db=db, clock=clock)
        self.display_id = display_id
        self.cfg: DisplaySettings = settings.displays[display_id]
        self.board = CallBoard(self.cfg.posts, self.cfg.history + 1)
        self.services = services_for(self.office, self.cfg.posts)
        langs = self.office.languages
        self.languages = ("nl", *[x for x in langs if x != "nl"]) if self.cfg.rotate_languages \
            else ("nl",)
        self._speaker = speaker
        self._stale_after_s = stale_after_s
        self._heartbeat_s = heartbeat_s
        self.announcer: Announcer | None = None
        self._board_state: DayState | None = None  # the state the board was rebuilt from
        self._errors_shown: set[str] = set()

    def get_default_screen(self) -> DisplayScreen:
        return DisplayScreen(self.office.name, self.cfg.history, self.services)

    # -- lifecycle: Textual calls every class's on_mount; KccApp's (store) runs after this ----
    async def on_mount(self) -> None:
        speaker = self._speaker or speaker_for(self.cfg.chime, self.cfg.speech,
                                               self.cfg.speech_command, self.bell)
        if speaker is not None:
            self.announcer = Announcer(speaker, stale_after_s=self._stale_after_s,
                                       languages=self.office.languages,
                                       on_error=self._sound_error)
            self.announcer.start()
        self.set_interval(TICK_S, self.redraw)
        self.set_interval(TICKER_TICK_S, self._scroll)
        self.set_timer(1.0, self._heartbeat)
        self.set_interval(self._heartbeat_s, self._heartbeat)

    async def on_unmount(self) -> None:
        if self.announcer is not None:
            await self.announcer.stop()

    # -- the change feed -----------------------------------------------------------------------
    def on_events(self, events: Sequence[Event]) -> None:
        if self.store is None:
            return
        if self._board_state is not self.store.state:
            self._rebuild()
            return  # a fresh board already holds these calls: nothing to announce twice
        for call in self.board.from_events(events, self.store.state):
            self._announce(call)

    def before_redraw(self) -> None:
        if self.store is not None and self._board_state is not self.store.state:
            self._rebuild()

    def _rebuild(self) -> None:
        """A state folded afresh (start-up, reconnection, a new day): the board from it."""
        assert self.store is not None
        self.board.rebuild(self.store.state)
        self._board_state = self.store.state

    def _announce(self, call: Call) -> None:
        if self.announcer is not None:
            self.announcer.put(call.number, self.office.posts[call.post], call.lang,
                               recall=call.recall)

    # -- drawing -------------------------------------------------------------------------------
    def lang_at(self, now: datetime) -> str:
        """Dutch first, then the other office languages in turn."""
        if len(self.languages) == 1:
            return self.languages[0]
        slot = int(now.timestamp() // self.cfg.rotate_seconds)
        return self.languages[slot % len(self.languages)]

    def row(self, call: Call, now: datetime) -> Row:
        post = self.office.posts[call.post]
        short = post_short(post)
        fresh = -2.0 <= (now - call.at).total_seconds() < self.cfg.highlight_seconds
        layouts = ((f"{call.number} ▸ {short}",), (call.number, f"▸ {short}"))
        return Row(layouts, fresh, call.recall)

    def redraw(self) -> None:
        screen = self.screen_stack[-1] if self.screen_stack else None
        if not isinstance(screen, DisplayScreen) or not screen.ready:
            return  # the store may connect before the screen has its widgets
        try:
            self._draw()
        except NoMatches:
            pass  # a tick during shutdown, while the widgets are being removed

    def _draw(self) -> None:
        now = self.clock()
        lang = self.lang_at(now)
        here = local(now, self.office.timezone)
        self.query_one(ClockFace).show(here.strftime("%H:%M"), long_date(here, lang))
        calls = self.board.calls
        now_panel = self.query_one(NowCalled)
        if calls:
            newest = calls[0]
            post = self.office.posts[newest.post]
            detail = capital(post_name(post, lang))
            if newest.service in self.office.services:
                detail += " · " + self.office.services[newest.service].name(lang)
            if newest.recall:
                detail += " · " + label("recall", lang)
            now_panel.show(label("now", lang), label("columns", lang), self.row(newest, now),
                           literal(detail))
        else:
            now_panel.show(label("now", lang), "", None, Text(label("none", lang)))
        now_panel.set_class(self.store_error is not None, "-offline")
        self.query_one(HistoryBoard).show(label("history", lang),
                                          [self.row(c, now) for c in calls[1:]])
        self._draw_queues(now, lang)
        self._draw_ticker(now)

    def _draw_queues(self, now: datetime, lang: str) -> None:
        board = self.query_one(QueueBoard)
        board.display = self.store is not None  # no figures rather than stale ones
        if self.store is None:
            return
        state = self.store.state
        cells = {}
        for q in queues(state, self.office, self.services, now):
            name = shown(self.office.services[q.service].name(lang))
            prefix = (f" {shown(q.prefix)} ", "b reverse")
            estimate = estimate_words(q.estimate, lang)
            waiting = label("waiting1" if q.waiting == 1 else "waiting", lang)
            full = Text.assemble(prefix, " ", (name, "b"),
                                 f"\n    {q.waiting} {waiting} · {estimate}")
            cells[q.service] = (full, Text.assemble(prefix, f" {q.waiting} · {estimate}"))
        board.show(label("queues", lang), cells)

    def _draw_ticker(self, now: datetime) -> None:
        ticker = self.query_one(Ticker)
        messages = []
        if self.store is not None:  # withdrawn and expired ones go at the next tick
            messages = [shown(m.text)
                        for m in self.store.state.current_messages("display", now)]
        ticker.text = SEPARATOR.join(messages[-MESSAGES_SHOWN:])
        ticker.tick(now)

    def _scroll(self) -> None:
        if not self.screen_stack:
            return
        for ticker in self.screen.query(Ticker):
            ticker.tick(self.clock())

    # -- side jobs -----------------------------------------------------------------------------
    async def _heartbeat(self) -> None:
        """Tell the coordinator this display is alive. Failures stay quiet here: the banner
        already shows a lost store, and a read-only store is a valid way to run a display."""
        if self.store is None:
            return
        with contextlib.suppress(StoreError, Refused):
            await self.store.execute(Heartbeat(self.display_id, "display"), self.display_id)

    def _sound_error(self, message: str) -> None:
        # Once per distinct problem: a missing espeak-ng must not flash on every call.
        if message not in self._errors_shown and len(self._errors_shown) < 20:
            self._errors_shown.add(message)
            self.notify(shown(message), title="sound", severity="warning", timeout=10,
                        markup=False)
