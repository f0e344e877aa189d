"""Modal dialogs of the coordinator pane. Each returns its choice through `dismiss` (None on
cancel); the board screen turns the choice into a command.

Dialogs that depend on the live state (the move dialog) implement `update_from(state, now)`, which
the app calls after every change, so a warning disappears as soon as its cause does.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from ...domain.clock import local
from ...domain.commands import BROADCAST_MAX, local_time_today
from ...domain.office import Office
from ...domain.state import DayState
from ..dutch import TICKET_STATUS_NL
from ..literal import literal, shown
from ..reasons import ReasonPicker
from .impact import check_move, post_name, staff_name

if TYPE_CHECKING:
    from .app import CoordinatorApp


class Dialog(ModalScreen[Any]):
    """A framed modal: Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Annuleren")]

    @property
    def kcc(self) -> CoordinatorApp:
        return self.app  # type: ignore[return-value]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        elif event.button.id == "ok":
            self.submit()

    def submit(self) -> None:
        raise NotImplementedError  # each dialog returns its own choice

    @staticmethod
    def buttons(ok: str, *, variant: str = "primary") -> Horizontal:
        return Horizontal(Button(ok, id="ok", variant=variant),  # type: ignore[arg-type]
                          Button("Annuleren (Esc)", id="cancel"), classes="buttons")


class KeysDialog(Dialog):
    """Every key the board offers right now, with its meaning: the footer shows only the
    first ones at 80 columns."""

    BINDINGS = [Binding("question_mark", "cancel", "Sluiten", show=False)]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog keys"):
            yield Label("Toetsen", classes="dialog-title")
            yield Static("\n".join(f"{key:>3}  {what}" for key, what in self.keys))
            yield Horizontal(Button("Sluiten (Esc)", id="cancel"), classes="buttons")


class ConfirmDialog(Dialog):
    """Are you sure? Lists what the action does to waiting citizens. `j` (ja) or `y` confirms,
    as at the counters."""

    BINDINGS = [Binding("j,y", "confirm", "Ja", show=False)]

    def __init__(self, title: str, lines: list[str], ok: str = "Bevestigen") -> None:
        super().__init__()
        self.title_text, self.lines, self.ok = title, lines, ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Static(literal("\n".join(f"• {shown(line)}" for line in self.lines),
                                 newlines=True), classes="effects")
            yield self.buttons(f"{self.ok} (j)", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()  # the safe choice is the default

    def action_confirm(self) -> None:
        self.dismiss(True)

    def submit(self) -> None:
        self.dismiss(True)


class MoveDialog(Dialog):
    """Move a staff member to a post (and so open it). Warns while they serve a citizen."""

    def __init__(self, staff: str | None = None, post: str | None = None) -> None:
        super().__init__()
        self.first_staff, self.first_post = staff, post

    def compose(self) -> ComposeResult:
        office = self.kcc.office
        with Vertical(classes="dialog move"):
            yield Label("Een medewerker naar een loket verplaatsen (dat loket gaat open)",
                        classes="dialog-title")
            with Horizontal(classes="lists"):
                yield OptionList(*[Option(literal(s.name), id=sid)
                                   for sid, s in office.staff.items() if s.role == "staff"],
                                 id="staff")
                yield OptionList(*[Option(literal(p.name), id=pid)
                                   for pid, p in office.posts.items()], id="post")
            yield Static("", id="check", classes="check")
            yield self.buttons("Verplaatsen")

    def on_mount(self) -> None:
        for list_id, wanted in (("#staff", self.first_staff), ("#post", self.first_post)):
            options = self.query_one(list_id, OptionList)
            if wanted is not None:
                options.highlighted = options.get_option_index(wanted)
            elif options.option_count:
                options.highlighted = 0
        self.query_one("#staff", OptionList).focus()
        self.kcc.redraw(self)

    def selected(self) -> tuple[str | None, str | None]:
        def pick(list_id: str) -> str | None:
            options = self.query_one(list_id, OptionList)
            if options.highlighted is None:
                return None
            return options.get_option_at_index(options.highlighted).id

        return pick("#staff"), pick("#post")

    def on_option_list_option_highlighted(self) -> None:
        self.kcc.redraw(self)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # Enter on the staff list goes on to the posts; Enter on the posts is "Verplaatsen"
        if event.option_list.id == "staff":
            self.query_one("#post", OptionList).focus()
        else:
            self.submit()

    def update_from(self, state: DayState, now: datetime) -> None:
        office = self.kcc.office
        for sid in office.staff:
            if office.staff[sid].role == "staff":
                self.query_one("#staff", OptionList).replace_option_prompt(
                    sid, staff_prompt(state, office, sid))
        for pid in office.posts:
            self.query_one("#post", OptionList).replace_option_prompt(
                pid, post_prompt(state, office, pid))
        staff, post = self.selected()
        check = self.query_one("#check", Static)
        ok = self.query_one("#ok", Button)
        if staff is None or post is None:
            check.update("Kies een medewerker en een loket.")
            ok.disabled = True
            return
        result = check_move(state, office, staff, post)
        ok.disabled = result.blocker is not None
        if result.blocker:
            check.update(literal(f"⚠ {result.blocker}", "bold yellow"))
        else:
            where = state.staff.get(staff)
            src = where.post if where and where.post and state.post(where.post).open else None
            line = literal(f"{staff_name(office, staff)}: "
                        f"{post_name(office, src) + ' sluit, ' if src else ''}"
                        f"{post_name(office, post)} gaat open.")
            for effect in result.effects:
                line.append(f"\n⚠ {shown(effect)}", "yellow")
            check.update(line)

    def submit(self) -> None:
        staff, post = self.selected()
        if staff and post and not self.query_one("#ok", Button).disabled:
            self.dismiss((staff, post))


def staff_prompt(state: DayState, office: Office, sid: str) -> Text:
    st = state.staff.get(sid)
    text = literal(office.staff[sid].name)
    if st is None or st.post is None or not state.post(st.post).open:
        return text.append(" · niet aan een loket", "dim")
    p = state.post(st.post)
    text.append(f" · {post_name(office, st.post)}", "dim")
    if p.current:
        status = state.tickets[p.current].status
        text.append(f" · {TICKET_STATUS_NL.get(status, status)} {p.current}", "yellow")
    return text


def post_prompt(state: DayState, office: Office, pid: str) -> Text:
    p = state.post(pid)
    text = literal(office.posts[pid].name)
    if not p.open:
        return text.append(" · gesloten", "dim")
    return text.append(f" · open · {staff_name(office, p.staff)}", "dim")


class ProfileDialog(Dialog):
    """Which services a post calls. Weights already set are kept; new services get weight 1."""

    def __init__(self, post: str, services: dict[str, float]) -> None:
        super().__init__()
        self.post, self.services = post, services

    def compose(self) -> ComposeResult:
        office = self.kcc.office
        with Vertical(classes="dialog profile"):
            yield Label(literal(f"Diensten die {post_name(office, self.post)} oproept "
                                "(spatie: aan/uit)"), classes="dialog-title")
            yield SelectionList[str](*[
                Selection(literal(f"{svc.prefix}  {svc.name()}"
                                  + (f"  (gewicht {self.services[code]:g})"
                                     if self.services.get(code, 1) != 1 else "")),
                          code, code in self.services)
                for code, svc in office.services.items()], id="services")
            yield self.buttons("Wijzigen")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def submit(self) -> None:
        chosen = self.query_one(SelectionList).selected
        self.dismiss({code: self.services.get(code, 1.0) for code in self.kcc.office.services
                      if code in chosen})


WITHDRAW = "withdraw"  # the broadcast dialog's answer: take down the messages shown now


class PauseReasonDialog(Dialog):
    """Why the coordinator pauses a post: a reason code from [reasons.pause], picked as at the
    counters (typing filters, Tab completes, Enter takes the highlighted one)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield ReasonPicker(self.kcc.office.reasons.pause, input_id="reason")
            yield self.buttons("Pauzeren")

    def on_mount(self) -> None:
        self.query_one(ReasonPicker).focus_filter()

    def on_reason_picker_chosen(self) -> None:
        self.submit()

    def submit(self) -> None:
        code = self.query_one(ReasonPicker).code
        if code is not None:
            self.dismiss(code)


class BroadcastDialog(Dialog):
    """A message to the counters and/or the display ticker, shown until a time today (empty:
    the end of the day). Lists the messages shown now, which "Intrekken" takes down."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog broadcast"):
            yield Label("Een bericht versturen", classes="dialog-title")
            yield Input(placeholder=f"bv. Loket 4 sluit om 12 u (hoogstens {BROADCAST_MAX} "
                        "tekens)", id="text", max_length=BROADCAST_MAX)
            with Horizontal(classes="targets"):
                yield Checkbox("Loketten", True, id="counters")
                yield Checkbox("Scherm in de wachtzaal (lichtkrant)", True, id="display")
            yield Input(placeholder="tot (uu:mm; leeg = tot het einde van de dag)", id="until",
                        max_length=5, restrict=r"[0-9:]*")
            yield Static("", id="check", classes="check")
            yield Static("", id="current", classes="current")
            yield Horizontal(Button("Versturen", id="ok", variant="primary"),
                             Button("Alle berichten intrekken", id="withdraw",
                                    variant="warning"),
                             Button("Annuleren (Esc)", id="cancel"), classes="buttons")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()
        self.kcc.redraw(self)

    def on_input_submitted(self) -> None:
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "withdraw":
            self.dismiss(WITHDRAW)
        else:
            super().on_button_pressed(event)

    def update_from(self, state: DayState, now: datetime) -> None:
        """The messages shown now (the list shrinks as they expire or are withdrawn)."""
        tz = self.kcc.office.timezone
        current = "\n".join(
            f"• {local(m.at, tz):%H:%M}–{local(m.until, tz):%H:%M} {shown(m.text)}"
            if m.until else f"• {local(m.at, tz):%H:%M} {shown(m.text)}"
            for m in state.messages if m.shown_at(now))
        self.query_one("#current", Static).update(literal(
            f"Nu op de schermen:\n{current}" if current else "Er staat nu geen bericht op de "
            "schermen.", "dim", newlines=True))
        self.query_one("#withdraw", Button).disabled = not current

    def submit(self) -> None:
        text = " ".join(self.query_one("#text", Input).value.split())
        targets = tuple(t for t in ("counters", "display")
                        if self.query_one(f"#{t}", Checkbox).value)
        until_text = self.query_one("#until", Input).value.strip()
        problem = ("Typ een bericht." if not text else
                   "Kies de loketten, het scherm of beide." if not targets else None)
        until = None
        if problem is None and until_text:
            day = self.kcc.store.state.day if self.kcc.store else None
            try:
                until = local_time_today(day, until_text, self.kcc.office.timezone) \
                    if day else None
            except ValueError:
                problem = "Schrijf het einde als uu:mm, bv. 12:30."
        if problem:
            self.query_one("#check", Static).update(Text(problem, "yellow"))
            return
        self.dismiss((text, targets, until))


class CallDialog(Dialog):
    """Call one specific waiting ticket to a post."""

    def __init__(self, post: str | None, number: str = "") -> None:
        super().__init__()
        self.first_post = post
        self.number = number

    def compose(self) -> ComposeResult:
        office = self.kcc.office
        with Vertical(classes="dialog call"):
            yield Label("Een bepaald ticket oproepen", classes="dialog-title")
            yield Input(self.number, placeholder="Ticketnummer, bv. A012", id="number")
            yield OptionList(*[Option(literal(p.name), id=pid) for pid, p in office.posts.items()
                               if p.kind != "phone"], id="post")
            yield Static("", id="check", classes="check")
            yield self.buttons("Oproepen")

    def on_mount(self) -> None:
        posts = self.query_one("#post", OptionList)
        ids = [posts.get_option_at_index(i).id for i in range(posts.option_count)]
        posts.highlighted = ids.index(self.first_post) if self.first_post in ids else 0
        # a number chosen in the waiting list: go straight to the posts
        self.query_one("#post" if self.number else "#number").focus()
        self.kcc.redraw(self)

    def on_input_submitted(self) -> None:
        self.submit()

    def on_option_list_option_selected(self) -> None:
        self.submit()

    def update_from(self, state: DayState, now: datetime) -> None:
        for pid, p in self.kcc.office.posts.items():
            if p.kind != "phone":
                self.query_one("#post", OptionList).replace_option_prompt(
                    pid, post_prompt(state, self.kcc.office, pid))

    def submit(self) -> None:
        number = self.query_one("#number", Input).value.strip().upper()
        posts = self.query_one("#post", OptionList)
        if not number:
            self.query_one("#check", Static).update(Text("Geef een ticketnummer.", "yellow"))
            return
        if posts.highlighted is None:
            return
        self.dismiss((number, posts.get_option_at_index(posts.highlighted).id))


class MoveTicketDialog(Dialog):
    """Move a waiting ticket to another service's queue or to one post (closed posts are
    marked). Returns ("service", code) or ("post", id)."""

    def __init__(self, number: str, service: str) -> None:
        super().__init__()
        self.number, self.service = number, service

    def compose(self) -> ComposeResult:
        office = self.kcc.office
        options = [Option(f"Dienst: {svc.name()} ({svc.prefix})", id=f"service:{code}")
                   for code, svc in office.services.items() if code != self.service]
        options += [Option(f"Loket: {p.name}", id=f"post:{pid}")
                    for pid, p in office.posts.items() if p.kind != "phone"]
        with Vertical(classes="dialog move-ticket"):
            yield Label(literal(f"Ticket {self.number} verplaatsen (het nummer en de wachttijd "
                                "blijven)"), classes="dialog-title")
            yield OptionList(*options, id="target")
            yield self.buttons("Verplaatsen")

    def on_mount(self) -> None:
        self.query_one("#target", OptionList).focus()
        self.kcc.redraw(self)

    def update_from(self, state: DayState, now: datetime) -> None:
        targets = self.query_one("#target", OptionList)
        for pid, p in self.kcc.office.posts.items():
            if p.kind != "phone":
                prompt = Text(f"Loket: {p.name}")
                prompt.append_text(post_prompt(state, self.kcc.office, pid)[len(p.name):])
                targets.replace_option_prompt(f"post:{pid}", prompt)

    def on_option_list_option_selected(self) -> None:
        self.submit()

    def submit(self) -> None:
        targets = self.query_one("#target", OptionList)
        if targets.highlighted is None:
            return
        kind, _, code = (targets.get_option_at_index(targets.highlighted).id or "").partition(":")
        self.dismiss((kind, code))
