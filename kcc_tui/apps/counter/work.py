"""The working screen of a desk or the snelbalie: current ticket, service info, the live queue,
parked tickets, and every action on a key (footer) and a button."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer

from ...domain import commands as C
from ...domain.state import Ticket
from ..base import StoreBanner
from ..dutch import post_name
from ..literal import literal
from .dialogs import (
    CallNumberDialog,
    FinishAnswer,
    FinishDialog,
    ParkedDialog,
    TransferAnswer,
    TransferDialog,
)
from .screen import PostScreen
from .texts import last_message, post_line
from .widgets import (
    ActionBar,
    CurrentTicket,
    ParkedList,
    QueueTable,
    ServiceInfo,
    Steady,
    TitleBar,
    queue_rows,
)

# (action, key, label): one list drives the footer, the buttons and the guide.
ACTIONS: list[tuple[str, str, str]] = [
    ("call_next", "n", "Volgende"),
    ("call_number", "c", "Nummer"),
    ("call_back", "b", "Terugroepen"),
    ("recall", "r", "Opnieuw oproepen"),
    ("no_show", "a", "Afwezig"),
    ("start", "s", "Start"),
    ("finish", "f", "Afronden"),
    ("transfer", "t", "Doorsturen"),
    ("park", "p", "Parkeren"),
    ("resume_parked", "h", "Hervatten"),
    ("requeue", "w", "Wachtrij"),
    ("pause", "z", "Pauze"),  # "Einde pauze" while paused
    ("close_post", "k", "Sluiten"),
    ("logout", "l", "Afmelden"),
]


# A no-show ends the ticket for the citizen: the key asks for a second press within this time.
NO_SHOW_CONFIRM_S = 5.0


class WorkScreen(PostScreen):
    BINDINGS = [Binding(key, action, label) for action, key, label in ACTIONS]
    # below 100 columns (an 80×24 terminal): only the possible actions, as buttons that show
    # their key, in four columns; the footer would cut them off (counter.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self._no_show_armed: str | None = None  # the ticket the first press of a was for

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield StoreBanner()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield CurrentTicket()
                yield ServiceInfo()
            with Vertical(id="right"):
                yield QueueTable(id="queue")
                yield ParkedList()
        yield ActionBar(ACTIONS)
        yield Steady(id="post-line")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(QueueTable).focus()
        self.query_one(QueueTable).border_title = "Wachtrij"
        self.set_interval(1.0, self.tick)  # waited-for and served-for times tick every second
        self.redraw()

    # -- drawing -------------------------------------------------------------------------------
    def redraw(self) -> None:
        self.query_one(TitleBar).show(*self.kcc.titles())
        app = self.kcc
        store = app.store
        if store is None:
            self.set_allowed({"logout": True})
            return
        state, office, now = store.state, app.office, app.clock()
        p = state.post(app.post_id)
        t = app.current_ticket()
        self.query_one(CurrentTicket).show(t, office, now, p)
        self.query_one(ServiceInfo).show(t.service if t else None, office)
        rows = queue_rows(state, office, app.post_id, now)
        queue = self.query_one(QueueTable)
        queue.sync(rows, app.next_number(), office, now)
        queue.border_title = literal(f"Wachtrij {post_name(office, app.post_id)} ({len(rows)})")
        queue.border_subtitle = "Enter = dit ticket oproepen"
        parked = app.parked()
        self.query_one(ParkedList).show(parked, office)
        line = post_line(state, office, p)
        message = last_message(state, office, app.clock())
        self.query_one("#post-line", Steady).update(
            literal(line + (f"\n{message}" if message else ""), newlines=True))
        called = t is not None and t.status == "called"
        active = t is not None and t.status in ("called", "serving")
        free = p.open and p.current is None and p.pause_reason is None
        if not called or (t is not None and t.number != self._no_show_armed):
            self._disarm_no_show()
        allowed = {
            "call_next": free, "call_number": free,
            "call_back": free, "recall": called, "no_show": called,
            "start": called, "finish": active, "transfer": active, "park": active,
            "resume_parked": free and bool(parked), "requeue": called,
            "pause": p.open and (p.pause_reason is not None or free),
            "close_post": p.open and p.current is None, "logout": True,
        }
        self.query_one(ActionBar).relabel("pause", "Einde pauze" if p.pause_reason else "Pauze")
        self.set_allowed(allowed)

    def tick(self) -> None:
        app = self.kcc
        if app.store is None:
            return
        now = app.clock()
        self.query_one(QueueTable).tick(now)
        self.query_one(CurrentTicket).show(app.current_ticket(), app.office, now,
                                           app.store.state.post(app.post_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # n stays on its key while the post is paused (its button is greyed out): pressing it
        # says why it does not call, instead of doing nothing
        if action == "call_next" and self.kcc.store is not None:
            p = self.kcc.store.state.post(self.kcc.post_id)
            if p.open and p.current is None and p.pause_reason is not None:
                return True
        return super().check_action(action, parameters)

    # -- actions -------------------------------------------------------------------------------
    async def action_call_next(self) -> None:
        app = self.kcc
        p = app.store.state.post(app.post_id) if app.store else None
        if p is not None and p.pause_reason is not None:
            self.notify(f"{post_name(app.office, app.post_id)} is in pauze: druk z (Einde pauze) "
                        "om weer op te roepen.", severity="warning", markup=False)
            return
        await app.act(C.CallNext(app.post_id))

    def action_call_number(self) -> None:
        async def done(number: object) -> None:
            if isinstance(number, str):
                await self._call_by_number(number)

        self.app.push_screen(CallNumberDialog(), done)

    async def _call_by_number(self, number: str) -> None:
        """Call a waiting ticket; a no-show or a ticket called at another post is called back
        (terugroepen), which is what staff mean when they type its number."""
        app = self.kcc
        t = app.store.state.tickets.get(number.upper()) if app.store else None
        if t is not None and (t.status == "no_show"
                              or (t.status == "called" and t.post != app.post_id)):
            await app.act(C.CallBack(app.post_id, t.number))
        else:
            await app.act(C.CallTicket(app.post_id, number))

    def action_call_back(self) -> None:
        """Call back a no-show (or a ticket called elsewhere) by number; the dialog offers this
        post's latest no-show, so undoing a mistaken a is b, Enter."""
        async def done(number: object) -> None:
            if isinstance(number, str):
                await self.kcc.act(C.CallBack(self.kcc.post_id, number))

        minutes = self.kcc.office.routing.call_back_min
        self.app.push_screen(CallNumberDialog(
            self.kcc.last_no_show() or "", title=f"Terugroepen (tot {minutes:g} min na "
            "'niet verschenen' of een oproep aan een ander loket)", ok="Terugroepen (Enter)"),
            done)

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter on a queue row calls that ticket: "call a specific ticket", recorded as such.
        if event.row_key.value and self.allowed("call_number"):
            await self._call_by_number(event.row_key.value)
        elif event.row_key.value:
            self.notify("Rond eerst het huidige ticket af of hervat na de pauze.",
                        severity="warning")

    async def action_recall(self) -> None:
        await self.kcc.act(C.Recall(self.kcc.post_id))

    async def action_no_show(self) -> None:
        """First press: ask for a second one; the second press within NO_SHOW_CONFIRM_S ends
        the ticket as a no-show (and it can still be called back: b)."""
        t = self.kcc.current_ticket()
        if t is None:
            return
        if self._no_show_armed != t.number:
            self._no_show_armed = t.number
            self.query_one(ActionBar).relabel("no_show", "Bevestigen (a)")
            self.notify(f"Nog eens a om {t.number} als niet verschenen te melden.",
                        title="Niet verschenen?", severity="warning",
                        timeout=NO_SHOW_CONFIRM_S, markup=False)
            self.set_timer(NO_SHOW_CONFIRM_S, self._disarm_no_show)
            return
        self._disarm_no_show()
        if await self.kcc.act(C.NoShow(self.kcc.post_id)):
            minutes = self.kcc.office.routing.call_back_min
            self.notify(f"{t.number} is niet verschenen. Vergist of komt de burger toch? "
                        f"b = terugroepen (tot {minutes:g} min).", timeout=15, markup=False)

    def _disarm_no_show(self) -> None:
        if self._no_show_armed is not None:
            self._no_show_armed = None
            self.query_one(ActionBar).relabel("no_show", "Afwezig")

    async def action_start(self) -> None:
        await self.kcc.act(C.Start(self.kcc.post_id))

    async def action_requeue(self) -> None:
        await self.kcc.act(C.Requeue(self.kcc.post_id))

    async def action_park(self) -> None:
        await self.kcc.act(C.Park(self.kcc.post_id))

    def action_finish(self) -> None:
        t = self.kcc.current_ticket()
        if t is None:
            return

        async def done(answer: object) -> None:
            if isinstance(answer, FinishAnswer):
                await self.kcc.act(C.Finish(self.kcc.post_id, answer.outcome, answer.topics,
                                            answer.note))

        self.app.push_screen(FinishDialog(t, self.kcc.office), done)

    def action_transfer(self) -> None:
        t = self.kcc.current_ticket()
        if t is None:
            return

        async def done(answer: object) -> None:
            if isinstance(answer, TransferAnswer):
                await self.kcc.act(C.Transfer(self.kcc.post_id, answer.service, answer.post,
                                              answer.reason))

        state = self.kcc.store.state if self.kcc.store else None
        open_posts = frozenset(p.id for p in state.posts.values() if p.open) if state else None
        self.app.push_screen(TransferDialog(t, self.kcc.office, self.kcc.post_id, open_posts),
                             done)

    async def action_resume_parked(self) -> None:
        parked = self.kcc.parked()
        if len(parked) == 1:  # the usual case: no need to choose
            await self._resume(parked[0])
            return

        async def done(number: object) -> None:
            if isinstance(number, str):
                await self.kcc.act(C.ResumeParked(self.kcc.post_id, number))

        self.app.push_screen(ParkedDialog(parked, self.kcc.office), done)

    async def _resume(self, t: Ticket) -> None:
        await self.kcc.act(C.ResumeParked(self.kcc.post_id, t.number))

