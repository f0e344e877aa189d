"""The board: services, posts, alerts and today's chart, and the coordinator's actions.

Every action is a domain command with the coordinator as actor. An action that affects waiting
citizens (leaves a service without a post, passes people over, stops issuing) is confirmed first;
one the domain would refuse (moving someone who is serving a citizen) is explained instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer

from ...bookings import desk_booking, outcome_words
from ...domain import commands as C
from ...domain.alerts import evaluate, unreachable
from ...domain.booking import CancelAppointment, CheckIn
from ...domain.clock import local
from ...domain.kpi import ServiceKpi
from ...domain.state import DayState
from ..base import AppOf, StoreBanner
from ..dutch import post_name, staff_name
from ..literal import shown
from .appointments import AppointmentsView, AppointmentTable, BookDialog
from .board import DayChart, closing_time, day_chart, post_rows, service_rows, today_kpis
from .chart import DayChartView
from .dialogs import (
    WITHDRAW,
    BroadcastDialog,
    CallDialog,
    ConfirmDialog,
    KeysDialog,
    MoveDialog,
    MoveTicketDialog,
    PauseReasonDialog,
    ProfileDialog,
)
from .impact import (
    Check,
    check_call,
    check_close,
    check_move,
    check_pause,
    check_profile,
    issuing_lines,
)
from .texts import TARGETS_NL
from .waiting import SORT_NL, SORTS, WaitingTable, waiting_rows
from .widgets import AlertList, HeaderBar, PostsTable, ServicesTable

if TYPE_CHECKING:
    from .app import CoordinatorApp

WIDE = 200  # columns from which the board uses two columns


class BoardScreen(Screen[None]):
    BINDINGS = [
        # short words: the board's keys fit in the footer at 120 columns; w and c come first,
        # so they stay in view at 80 columns too (a compact footer there)
        Binding("w", "toggle_waiting", "Wachtenden"),
        Binding("c", "call", "Oproepen"),
        # every key with its meaning: offered in the footer when it is cut off (below 100
        # columns), and the key works at any width
        Binding("question_mark", "keys", "Toetsen"),
        Binding("question_mark", "keys(True)", "Toetsen", show=False),
        Binding("m", "move", "Verplaatsen"),
        Binding("o", "open_post", "Openen"),
        Binding("x", "close_post", "Sluiten"),
        Binding("z", "pause", "Pauze"),
        Binding("s", "profile", "Diensten"),
        Binding("i", "issuing", "Uitgifte"),
        # the waiting list's own keys (only while it is shown)
        Binding("v", "move_ticket", "Verplaatsen"),
        Binding("p", "priority", "Voorrang"),
        Binding("f", "filter", "Filter"),
        Binding("g", "sort", "Sorteren"),
        # not in the footer (it is full at 120 columns): the posts table's subtitle names it
        Binding("a", "toggle_appointments", "Afspraken", show=False),
        # the appointments' own keys (only while they are shown)
        Binding("n", "book", "Nieuw"),
        Binding("e", "check_in", "Aanmelden"),
        Binding("k", "cancel_appointment", "Annuleren"),
        Binding("b", "broadcast", "Bericht"),
        Binding("r", "report", "Rapport"),
        Binding("l", "logout", "Afmelden"),
    ]
    # below 100 columns (80×24): a condensed board without the chart (coordinator.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal")]
    BOARD_ONLY = frozenset({"move", "open_post", "close_post", "pause", "profile", "issuing"})
    WAITING_ONLY = frozenset({"move_ticket", "priority", "filter", "sort"})
    APPOINTMENTS_ONLY = frozenset({"book", "check_in", "cancel_appointment"})

    def __init__(self) -> None:
        super().__init__()
        self._kpis: tuple[tuple[int, int], dict[str, ServiceKpi]] | None = None
        self._chart: tuple[tuple[int, int, datetime], DayChart] | None = None
        self.filter: str | None = None  # service code, or None: every service
        self.sort = "wait"

    kcc: AppOf[CoordinatorApp] = AppOf()

    def redraw(self) -> None:
        self.kcc.redraw(self)

    def compose(self) -> ComposeResult:
        yield HeaderBar()
        yield StoreBanner()
        with Container(id="main"):  # a grid: see coordinator.tcss
            with ContentSwitcher(initial="tables", id="views"):
                with Vertical(id="tables"):
                    yield ServicesTable(id="services")
                    yield PostsTable(id="posts")
                yield WaitingTable(id="waiting")
                yield AppointmentsView(id="appointments")
            yield AlertList(id="alerts")
            yield DayChartView(id="chart")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # a 1080p monitor (about 240 columns) has room for the alerts beside the tables and a
        # wide chart under them
        self.set_class(event.size.width >= WIDE, "-wide")
        for table in (ServicesTable, PostsTable):
            self.query_one(table).set_narrow(event.size.width < 100)
        self.query_one(Footer).compact = event.size.width < 140  # all the keys at 120 columns
        self.refresh_bindings()  # `?` is offered only below 100 columns
        self.kcc.redraw(self)

    def on_mount(self) -> None:
        self.query_one("#services").border_title = "Diensten · vandaag"
        # the abbreviation explained where it is read (docs/glossary.md)
        self.query_one("#services").border_subtitle = \
            "SL = deel binnen de doelwachttijd · wachttijd telt vanaf het ticket"
        self.query_one("#posts").border_title = "Loketten"
        self.query_one("#posts").border_subtitle = "a afspraken van vandaag"
        self.query_one("#alerts").border_title = "Waarschuwingen"
        self.query_one("#waiting").border_title = "Wachtenden"
        self.query_one("#appointments").border_title = "Afspraken vandaag · per uur"
        self.query_one("#appointments").border_subtitle = ("n nieuw · e aanmelden · "
                                                           "k annuleren · a terug")
        self.query_one("#chart").border_title = "Vandaag"
        self.query_one(PostsTable).focus()
        self.kcc.redraw(self)

    # -- the live view ---------------------------------------------------------------------------
    def update_from(self, state: DayState, now: datetime) -> None:
        office = self.kcc.office
        tz = office.timezone
        closes = closing_time(office, now)
        # today's KPIs and the chart change with events, not with the clock: keep them between
        # the once-a-second refreshes (the chart's queue also moves on with the minute)
        key = (id(state), state.seq)
        if self._kpis is None or self._kpis[0] != key:
            self._kpis = (key, today_kpis(state, office))
        chart_key = (*key, now.replace(second=0, microsecond=0))
        if self._chart is None or self._chart[0] != chart_key:
            self._chart = (chart_key, day_chart(state, office, now))
        services = service_rows(state, office, now, self._kpis[1])
        clears_at, late = {}, set()
        for r in services:
            if r.waiting == 0 or r.clear_s is None:
                clears_at[r.code] = "nooit" if r.waiting else "–"
                if r.waiting:
                    late.add(r.code)
                continue
            done = now + timedelta(seconds=r.clear_s)
            clears_at[r.code] = f"{local(done, tz):%H:%M}"
            if closes is not None and done > closes:
                late.add(r.code)
        alerts = evaluate(state, office, self.kcc.settings.alerts, now, self.kcc.watched)
        with self.app.batch_update():
            self.query_one(ServicesTable).show(services, clears_at, late)
            self.query_one(PostsTable).show(post_rows(
                state, office, now, unreachable(state, self.kcc.settings.alerts, now)))
            rows = waiting_rows(state, office, now, self.filter, self.sort)
            waiting = self.query_one(WaitingTable)
            waiting.show(rows)
            which = (escape(shown(office.services[self.filter].name()))
                     if self.filter in office.services else "alle diensten")
            waiting.border_title = f"Wachtenden · {len(rows)} · {which} · {SORT_NL[self.sort]}"
            waiting.border_subtitle = ("c oproepen · v verplaatsen · p voorrang · f filter · "
                                       "g sorteren · w terug")
            if self.showing_appointments:
                self.query_one(AppointmentsView).show(state, office, now)
            new = self.query_one(AlertList).show(alerts)
            self.query_one("#alerts").border_title = f"Waarschuwingen · {len(alerts)}" \
                if alerts else "Waarschuwingen"
            self.query_one(DayChartView).show(self._chart[1])
            self.query_one(HeaderBar).show(
                office.name, self.kcc.coordinator_name, local(now, tz),
                local(closes, tz) if closes else None,
                len([a for a in alerts if a.severity != "info"]),
                always_open=not office.hours.days)
        if new:
            self.app.bell()  # a new alert: the coordinator may be looking elsewhere

    # -- the two views: the board and the waiting list -----------------------------------------
    @property
    def showing_waiting(self) -> bool:
        return self.query_one("#views", ContentSwitcher).current == "waiting"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keys":
            return bool(parameters) or self.size.width < 100
        if action in self.WAITING_ONLY:
            return self.showing_waiting
        if action in self.APPOINTMENTS_ONLY:
            return self.showing_appointments
        if action in self.BOARD_ONLY:
            return self.query_one("#views", ContentSwitcher).current == "tables"
        return True

    @property
    def showing_appointments(self) -> bool:
        return self.query_one("#views", ContentSwitcher).current == "appointments"

    def action_toggle_waiting(self) -> None:
        self._show_view("tables" if self.showing_waiting else "waiting")

    def action_toggle_appointments(self) -> None:
        self._show_view("tables" if self.showing_appointments else "appointments")

    def _show_view(self, view: str) -> None:
        self.query_one("#views", ContentSwitcher).current = view
        focus = {"tables": PostsTable, "waiting": WaitingTable,
                 "appointments": AppointmentTable}[view]
        self.query_one(focus).focus()
        self.refresh_bindings()
        self.kcc.redraw(self)

    def action_keys(self, _: bool = False) -> None:
        """A dialog listing every key the board offers now (the footer is cut at 80 columns)."""
        keys = [("?" if b.key == "question_mark" else b.key, b.description)
                for b in self.BINDINGS if isinstance(b, Binding) and not b.action.startswith("keys")
                and self.check_action(b.action, ())]
        if self.kcc.offices is not None:  # several offices (offices.py): the app's key
            keys.append(("k", "Kantoren"))
        self.app.push_screen(KeysDialog([*keys, ("Esc", "Sluiten")]))

    def action_filter(self) -> None:
        """Every service in turn, then all again."""
        codes = list(self.kcc.office.services)
        i = codes.index(self.filter) + 1 if self.filter in codes else 0
        self.filter = codes[i] if i < len(codes) else None
        self.kcc.redraw(self)

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.kcc.redraw(self)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if isinstance(event.data_table, WaitingTable):
            key = {"waited": "wait", "number": "number", "service": "service"}.get(
                str(event.column_key.value))
            if key:
                self.sort = key
                self.kcc.redraw(self)

    def selected_ticket(self) -> str | None:
        return self.query_one(WaitingTable).highlighted() if self.showing_waiting else None

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_move_ticket(self) -> None:
        number, state = self.selected_ticket(), self.state
        if number is None or state is None or number not in state.tickets:
            return
        choice = await self.app.push_screen_wait(
            MoveTicketDialog(number, state.tickets[number].service))
        if choice is None:
            return
        kind, code = choice
        command = (C.MoveTicket(number, to_service=code) if kind == "service"
                   else C.MoveTicket(number, to_post=code))
        if await self.run(command):
            office = self.kcc.office
            to = office.services[code].name() if kind == "service" else post_name(office, code)
            self.notify(f"{number} verplaatst naar {to}", markup=False)

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_priority(self) -> None:
        number, state = self.selected_ticket(), self.state
        if number is None or state is None or number not in state.tickets:
            return
        give = not state.tickets[number].priority
        title = f"{number} voorrang geven?" if give else f"Voorrang van {number} intrekken?"
        lines = (["het ticket komt vóór de andere wachtenden van zijn dienst"] if give else
                 ["het ticket wacht weer op zijn beurt (de wachttijd blijft)"])
        if await self.app.push_screen_wait(ConfirmDialog(title, lines, "Voorrang" if give
                                                         else "Intrekken")):
            await self.run(C.SetPriority(number, give))

    # -- what the cursor is on -------------------------------------------------------------------
    def cursor_key(self, table: type[DataTable[Any]]) -> str | None:
        t = self.query_one(table)
        if not t.row_count:
            return None
        return t.ordered_rows[t.cursor_row].key.value

    @property
    def state(self) -> DayState | None:
        return self.kcc.store.state if self.kcc.store else None

    async def confirmed(self, title: str, check: Check, ok: str) -> bool:
        """Explain a blocker, or ask to confirm the effects on waiting citizens (if any)."""
        if check.blocker:
            self.notify(shown(check.blocker), title=shown(title), severity="warning", timeout=8,
                        markup=False)
            return False
        if not check.effects:
            return True
        return bool(await self.app.push_screen_wait(ConfirmDialog(title, check.effects, ok)))

    async def run(self, command: C.Command) -> bool:
        return await self.kcc.execute(command, self.kcc.coordinator or "") is not None

    # -- actions ---------------------------------------------------------------------------------
    def action_move(self) -> None:
        state = self.state
        post = self.cursor_key(PostsTable)
        staff = state.post(post).staff if state and post else None
        self.move(staff, None if staff else post)

    def action_open_post(self) -> None:
        self.move(None, self.cursor_key(PostsTable))

    @work(exclusive=True, group="action", exit_on_error=False)
    async def move(self, staff: str | None, post: str | None) -> None:
        choice = await self.app.push_screen_wait(MoveDialog(staff, post))
        if choice is None:
            return
        staff, post = choice
        state = self.state
        if state is None or staff is None or post is None:
            return
        check = check_move(state, self.kcc.office, staff, post)
        if await self.confirmed("Medewerker verplaatsen", check, "Toch verplaatsen"):
            if await self.run(C.MoveStaff(staff, post)):
                self.notify(f"{staff_name(self.kcc.office, staff)} verplaatst naar "
                            f"{post_name(self.kcc.office, post)}", markup=False)

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_close_post(self) -> None:
        post, state = self.cursor_key(PostsTable), self.state
        if post is None or state is None:
            return
        name = post_name(self.kcc.office, post)
        check = check_close(state, self.kcc.office, post)
        if check.blocker is None and not check.effects:
            who = staff_name(self.kcc.office, state.post(post).staff)
            check = Check(None, [f"{name} sluit en {who} wordt er afgemeld"])
        if await self.confirmed(f"{name} sluiten", check, "Sluiten"):
            await self.run(C.ClosePost(post))

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_pause(self) -> None:
        post, state = self.cursor_key(PostsTable), self.state
        if post is None or state is None:
            return
        name = post_name(self.kcc.office, post)
        if state.post(post).pause_reason is not None:
            await self.run(C.Resume(post))
            return
        if await self.confirmed(f"Pauze voor {name}", check_pause(state, self.kcc.office, post),
                                "Pauzeren"):
            reason = await self.app.push_screen_wait(PauseReasonDialog(f"Pauze voor {name}"))
            if reason is not None:
                await self.run(C.Pause(post, reason))

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_profile(self) -> None:
        post, state = self.cursor_key(PostsTable), self.state
        if post is None or state is None:
            return
        current = state.post(post).services or dict(self.kcc.office.posts[post].services)
        services = await self.app.push_screen_wait(ProfileDialog(post, current))
        if services is None or (state := self.state) is None:
            return
        check = check_profile(state, self.kcc.office, post, services)
        if await self.confirmed(f"Diensten van {post_name(self.kcc.office, post)}", check,
                                "Toch wijzigen"):
            await self.run(C.ChangeProfile(post, services))

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_issuing(self) -> None:
        code, state = self.cursor_key(ServicesTable), self.state
        if code is None or state is None:
            return
        svc = self.kcc.office.services[code]
        on = state.issuing.get(code, svc.issuing)
        if on:
            lines = issuing_lines(state, self.kcc.office, code, self.kcc.clock())
            if not await self.app.push_screen_wait(
                    ConfirmDialog(f"Geen tickets meer voor {svc.name()}?", lines,
                                  "Uitgifte stoppen")):
                return
        if await self.run(C.SetIssuing(code, not on)):
            self.notify(f"{shown(svc.name())}: uitgifte {'gestopt' if on else 'gestart'}",
                        markup=False)

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_broadcast(self) -> None:
        choice = await self.app.push_screen_wait(BroadcastDialog())
        if choice == WITHDRAW:
            if await self.run(C.WithdrawBroadcast()):
                self.notify("Berichten ingetrokken", markup=False)
        elif choice is not None:
            text, targets, until = choice
            if await self.run(C.Broadcast(text, targets, until)):
                to = " en ".join(TARGETS_NL.get(t, t) for t in targets)
                self.notify(f"Verstuurd naar {to}", markup=False)

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_call(self) -> None:
        post = None if self.showing_waiting else self.cursor_key(PostsTable)
        choice = await self.app.push_screen_wait(CallDialog(post, self.selected_ticket() or ""))
        if choice is None or (state := self.state) is None:
            return
        number, post = choice
        check = check_call(state, self.kcc.office, number, post, self.kcc.clock())
        if await self.confirmed(f"{number} naar {post_name(self.kcc.office, post)} oproepen",
                                check, "Toch oproepen"):
            await self.run(C.CallTicket(post, number))

    def action_report(self) -> None:
        """Today's and yesterday's figures, recurring topics, advice for next Monday."""
        from .report import ReportScreen

        app = self.kcc
        app.push_screen(ReportScreen(app.db_target, app.office, clock=app.clock,
                                     office_source=app.settings.source))

    async def action_logout(self) -> None:
        await self.kcc.log_out()

    # -- appointments (issue 18) -----------------------------------------------------------------
    def _appointment(self) -> tuple[str, str] | None:
        """(source, reference) of the highlighted appointment."""
        key = self.query_one(AppointmentTable).highlighted()
        state = self.state
        a = state.appointments.get(key) if state and key else None
        return (a.source, a.reference) if a else None

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_book(self) -> None:
        state = self.state
        if state is None:
            return
        choice = await self.app.push_screen_wait(BookDialog(state.day))
        if choice is None:
            return
        service, start, duration, persons = choice
        desk = desk_booking(service, start, duration, persons)
        if await self.run(desk.command):
            (o,) = desk.command.outcomes
            if o.action == "refused":
                self.notify(shown(outcome_words(o)), severity="warning", markup=False)
                return
            self.notify(shown(f"Afspraak {desk.reference} geboekt; geef de burger de code "
                              f"{desk.code} (ze wordt nergens bewaard)"), timeout=30,
                        markup=False)

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_check_in(self) -> None:
        which = self._appointment()
        if which is None:
            return
        events = await self.kcc.execute(CheckIn(reference=which[1], source=which[0]),
                                        self.kcc.coordinator or "")
        if events:
            self.notify(f"Aangemeld: ticket {events[0].data['number']}", markup=False)

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_cancel_appointment(self) -> None:
        which = self._appointment()
        if which is None:
            return
        if await self.app.push_screen_wait(ConfirmDialog(
                f"Afspraak {which[1]} annuleren?",
                ["de burger kan zich er niet meer mee aanmelden"], "Annuleren")):
            await self.run(CancelAppointment(*which))
