"""The counter app: one post (loket, snelbalie or the phone line), one staff member at a time.

The app holds the session (which post, who is logged in) and turns keys into domain commands;
the screens only draw. What the app does when someone else changes its post:

- A coordinator move (`staff_moved` for the logged-in staff member) makes the app follow the
  staff member to the new post, live, with a notice: the terminal belongs to the person, and
  their parked tickets go with them. A terminal left at the old post shows its login screen.
- Its post closed by someone else (the coordinator, the end of the day) ends the session: the
  login screen comes back with a notice.
- Coordinator messages to the counters appear as notices (and the latest stays on the status
  line); a changed service profile of this post is announced.
- A command that another process made impossible (the ticket was called elsewhere) is refused
  by the store with its reason; the notice shows it and the screen is redrawn from the state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from textual.screen import ModalScreen, Screen

from ...config.settings import Settings
from ...domain import commands as C
from ...domain.clock import Clock, system_clock
from ...domain.events import Event
from ...domain.office import LOGOUT_PAUSE
from ...domain.routing import choose_next
from ...domain.state import Ticket
from ...pepper import check_pin
from ...store import StoreError
from ..base import POLL_S, KccApp, Live
from ..dutch import post_name, staff_name
from ..literal import shown
from ..refusals import refusal_nl, store_error_nl
from .dialogs import ConfirmDialog, PauseDialog
from .login import LoginScreen
from .phone import PhoneScreen
from .screen import CounterHost
from .texts import EVENT_NL, actor_name, service_name
from .work import WorkScreen

PAUSE_ON_LOGOUT = LOGOUT_PAUSE


class CounterApp(KccApp):
    CSS_PATH = "counter.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, settings: Settings, *, db: str | Path | None = None, post_id: str,
                 clock: Clock = system_clock, poll_s: float = POLL_S) -> None:
        super().__init__(settings, db=db, clock=clock, poll_s=poll_s)
        self.post_id = post_id
        self.staff_id: str | None = None
        self._last_current: str | None = None  # to notice when someone else ends our ticket
        self._closing_post = False  # this terminal asked to close the post
        self._messages: set[int] = set()  # id() of the coordinator messages on screen now
        self.title = "kcc"

    async def on_mount(self) -> None:
        # KccApp.on_mount runs after this one (Textual calls the handler of every class in the
        # MRO) and opens the store, so the login screen is there to show the state.
        await self.push_screen(LoginScreen())
        # A message expires by the clock, not by an event: look every second.
        self.set_interval(1.0, self._expire_messages)

    def _expire_messages(self) -> None:
        if self.store is not None and self._messages_changed():
            self.refresh_view()

    def _messages_changed(self) -> bool:
        """Note which coordinator messages are shown now; one that went (withdrawn, expired)
        also takes its notice off the screen. True when the set changed."""
        if self.store is None:
            return False
        now = {id(m) for m in self.store.state.current_messages("counters", self.clock())}
        if now == self._messages:
            return False
        if self._messages - now:
            self.clear_notifications()
        self._messages = now
        return True

    # -- what the screens read -----------------------------------------------------------------
    def current_ticket(self) -> Ticket | None:
        if self.store is None:
            return None
        number = self.store.state.post(self.post_id).current
        return self.store.state.tickets.get(number) if number else None

    def parked(self) -> list[Ticket]:
        """This staff member's parked tickets, oldest first."""
        if self.store is None or self.staff_id is None:
            return []
        return sorted((t for t in self.store.state.tickets.values()
                       if t.status == "parked" and t.staff == self.staff_id),
                      key=lambda t: t.order)

    def last_no_show(self) -> str | None:
        """The ticket this post marked no-show last, while it can still be called back."""
        if self.store is None:
            return None
        now, window = self.clock(), self.office.routing.call_back_min * 60
        latest = None
        for t in self.store.state.tickets.values():
            iv = t.current
            if (t.status == "no_show" and iv.post == self.post_id and iv.ended_at is not None
                    and (now - iv.ended_at).total_seconds() <= window
                    and (latest is None or iv.ended_at > latest.current.ended_at)):
                latest = t
        return latest.number if latest else None

    def next_number(self) -> str | None:
        """The ticket "call next" would take now (marked ▶ in the queue)."""
        if self.store is None:
            return None
        t = choose_next(self.store.state, self.office, self.post_id, self.clock())
        return t.number if t else None

    # -- commands ------------------------------------------------------------------------------
    async def act(self, command: C.Command) -> Sequence[Event] | None:
        """Run a command as the logged-in staff member; a refusal becomes a notice."""
        if self.staff_id is None:
            return None
        return await self.execute(command, self.staff_id)

    async def attempt(self, command: C.Command, actor: str) -> tuple[bool, str | None]:
        """Like `execute`, but give the refusal back (for the login screen's own error line)."""
        if self.store is None:
            return False, self.store_error or "de opslag is niet bereikbaar"
        try:
            events = await self.store.execute(command, actor)
        except C.Refused as r:
            self.refresh_view()
            return False, self.refusal_text(r)
        except StoreError as e:
            return False, store_error_nl(e)
        self.on_events(events)
        self.refresh_view()
        return True, None

    # -- session -------------------------------------------------------------------------------
    async def login(self, staff: str, pin: str) -> str | None:
        """Check the PIN and open the post (or resume the session still open for this staff
        member). Returns the reason when it did not work."""
        if self.store is None:
            return self.store_error or "de opslag is niet bereikbaar"
        member = self.office.staff.get(staff)
        # scrypt takes tens of milliseconds: keep the screen responsive meanwhile.
        pin_ok = member is not None and await asyncio.to_thread(check_pin, pin, member.pin_hash,
                                                                self.db_path)
        try:  # decide "resume or open" on the freshest state, not on the last poll
            fresh = await self.store.poll()
        except StoreError as e:
            return store_error_nl(e)
        if fresh:
            self.on_events(fresh)
        p = self.store.state.posts.get(self.post_id)
        resume = p is not None and p.open and p.staff == staff
        # A resumed session records a login (a wrong PIN still counts towards the lockout);
        # otherwise OpenPost records the login and opens the post.
        source = f"counter:{self.post_id}"
        command: C.Command = (C.Login(staff, pin_ok, source) if resume
                              else C.OpenPost(self.post_id, staff, pin_ok, source))
        ok, reason = await self.attempt(command, staff)
        if not ok:
            return reason
        self.staff_id = staff
        greeting = "Welkom terug" if resume else "Welkom"
        self.notify(f"{greeting}, {staff_name(self.office, staff)}.", markup=False)
        paused = self.store.state.post(self.post_id).pause_reason
        if paused is not None:  # e.g. "afgemeld": the post does not call until the pause ends
            self.notify(f"{post_name(self.office, self.post_id)} staat nog in pauze "
                        f"({paused}). Druk z voor Einde pauze.", title="Pauze",
                        severity="warning", timeout=15, markup=False)
        self._show_post_screen()
        return None

    async def logout(self) -> None:
        """Lock the terminal. The post stays open (its ticket and parked tickets are kept) and,
        when free, is paused as "afgemeld" so nobody expects it to call."""
        staff = self.staff_id
        if staff is None:
            return
        if self.store is not None:
            p = self.store.state.post(self.post_id)
            if p.open and p.staff == staff and p.current is None and p.pause_reason is None:
                await self.execute(C.Pause(self.post_id, PAUSE_ON_LOGOUT), staff)
        ok, reason = await self.attempt(C.Logout(staff), staff)
        if not ok:
            self.notify(f"Afmelden niet geregistreerd: {reason}", severity="warning",
                        markup=False)
        self._end_session("U bent afgemeld.")

    async def toggle_pause(self) -> None:
        if self.store is None:
            return
        if self.store.state.post(self.post_id).pause_reason is not None:
            await self.act(C.Resume(self.post_id))
            return

        async def done(reason: object) -> None:
            if isinstance(reason, str):
                await self.act(C.Pause(self.post_id, reason))

        self.push_screen(PauseDialog(self.office), done)

    def confirm_close(self) -> None:
        async def done(yes: object) -> None:
            if yes:
                self._closing_post = True
                try:
                    await self.act(C.ClosePost(self.post_id))  # on_events ends the session
                finally:
                    self._closing_post = False

        name = post_name(self.office, self.post_id)
        self.push_screen(ConfirmDialog(f"{name} sluiten en afmelden?", "Sluiten (j)"), done)

    def _end_session(self, message: str, severity: str = "information") -> None:
        self.staff_id = None
        self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]
        self._switch(LoginScreen())

    def _show_post_screen(self) -> None:
        phone = self.office.posts[self.post_id].kind == "phone"
        self._switch(PhoneScreen() if phone else WorkScreen())

    def _switch(self, screen: Screen[None]) -> None:
        # A dialog left open belongs to the old situation: close it.
        while isinstance(self.screen, ModalScreen):
            self.pop_screen()
        self.switch_screen(screen)

    def _follow(self, to_post: str) -> None:
        old = post_name(self.office, self.post_id)
        was_phone = self.office.posts[self.post_id].kind == "phone"
        self.post_id = to_post
        self.notify(f"U bent verplaatst van {old} naar {post_name(self.office, to_post)}. "
                    "Dit scherm werkt nu voor dat loket.", title="Verplaatst door de coördinator",
                    severity="warning", timeout=15, markup=False)
        if was_phone != (self.office.posts[to_post].kind == "phone"):
            self._show_post_screen()
        else:
            while isinstance(self.screen, ModalScreen):
                self.pop_screen()

    def titles(self) -> tuple[str, str]:
        """The title bar of every screen: the post and who is logged in."""
        who = staff_name(self.office, self.staff_id) if self.staff_id else "niet aangemeld"
        return f"kcc · {post_name(self.office, self.post_id)}", who

    # -- KccApp hooks ----------------------------------------------------------------------------
    def refusal_text(self, r: C.Refused) -> str:
        return refusal_nl(r)

    def heartbeat_source(self) -> tuple[str, str]:
        return self.post_id, "counter"  # follows a move: the post this terminal works for
    def store_error_text(self, e: StoreError, when: str) -> str:
        return store_error_nl(e, when)

    def on_events(self, events: Sequence[Event]) -> None:
        me = self.staff_id
        moved: str | None = None
        closed_by: str | None = None
        for e in events:
            d = e.data
            if e.type == "message_broadcast" and "counters" in d.get("targets", ()):
                self.notify(shown(d["text"]), title="Bericht van de coördinator", timeout=30,
                            markup=False)
            if me is None:
                continue
            if e.type == "staff_moved" and d["staff"] == me and d["to_post"] != self.post_id:
                moved = d["to_post"]
            elif e.type == "post_opened" and d["staff"] == me and d["post"] != self.post_id:
                moved = moved or d["post"]
            elif e.type == "post_closed" and d["post"] == self.post_id:
                closed_by = e.actor
            elif (e.type == "post_profile_changed" and d["post"] == self.post_id
                  and e.actor != me):
                names = ", ".join(service_name(self.office, s) for s in d["services"]) or "geen"
                self.notify(f"{actor_name(self.office, e.actor)} wijzigde de diensten van "
                            f"{post_name(self.office, self.post_id)}: {names}.",
                            title="Diensten gewijzigd", severity="warning", timeout=15,
                            markup=False)
            elif (e.type in EVENT_NL and e.actor != me
                  and d.get("number") == self._last_current):
                self.notify(f"Ticket {d['number']} werd {EVENT_NL[e.type]} door "
                            f"{actor_name(self.office, e.actor)}.", severity="warning",
                            timeout=15, markup=False)
        if moved is not None:
            self._follow(moved)
        elif closed_by is not None:
            if self._closing_post:
                self._end_session(f"{post_name(self.office, self.post_id)} is gesloten. "
                                  "Tot ziens!")
            else:
                self._end_session(f"{post_name(self.office, self.post_id)} werd gesloten door "
                                  f"{actor_name(self.office, closed_by)}.", "warning")

    def before_redraw(self) -> None:
        if self.store is not None:
            self._last_current = self.store.state.post(self.post_id).current
            self._messages_changed()

    def live_screens(self) -> list[Live]:
        """Only the topmost of the login, work and phone screens (a dialog draws nothing)."""
        live: list[Live] = [s for s in self.screen_stack if isinstance(s, Live)]
        return live[-1:] if live and live[-1].is_mounted else []


def _is_host(app: CounterApp) -> CounterHost:
    return app  # mypy: CounterApp is what its screens take it for
