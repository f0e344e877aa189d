"""Small modal dialogs of the counter: finish, transfer, call a number, pause, resume a parked
ticket, confirm. Each returns its answer through `dismiss` (None = cancelled, Escape)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    SelectionList,
)
from textual.widgets.option_list import Option

from ...domain.commands import NOTE_MAX
from ...domain.office import Office
from ...domain.state import Ticket
from ..literal import literal
from ..reasons import ReasonPicker
from .texts import outcome_label, service_name

NUMBER_RE = re.compile(r"^[A-Za-z]{1,2}\d{1,4}$")


class Dialog(ModalScreen[object]):
    """Shared frame: a titled box, an error line, OK/cancel buttons, Escape cancels."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical { width: 80; height: auto; max-height: 100%; border: thick $primary;
                        background: $surface; padding: 0 1; }
    Dialog .title { text-style: bold; width: 100%; padding: 0 0 1 0; }
    Dialog .error { color: $error; height: auto; }
    Dialog .buttons { height: auto; align-horizontal: right; padding-top: 1; }
    Dialog .buttons Button { margin-left: 1; }
    Dialog SelectionList, Dialog OptionList { height: auto; max-height: 12; }
    Dialog RadioSet { layout: horizontal; width: 100%; }
    Dialog RadioSet > RadioButton { width: auto; margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuleren"), Binding("ctrl+s", "ok", "OK")]
    TITLE_TEXT = ""
    OK_LABEL = "OK"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.TITLE_TEXT), classes="title")
            yield from self.body()
            yield Label("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button(self.OK_LABEL, variant="primary", id="ok", compact=True)
                yield Button("Annuleren (Esc)", id="cancel", compact=True)
        yield Footer(show_command_palette=False)

    def body(self) -> ComposeResult:
        yield from ()

    def error(self, text: str) -> None:
        self.query_one("#error", Label).update(literal(text))

    def answer(self) -> object | None:
        """The result, or None after showing why it cannot be given yet."""
        return True

    def action_ok(self) -> None:
        result = self.answer()
        if result is not None:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_ok()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_ok()


@dataclass(frozen=True)
class FinishAnswer:
    outcome: str
    topics: tuple[str, ...]
    note: str | None


class FinishDialog(Dialog):
    """Finish the ticket: outcome, topic codes (required when the config says so), a note."""

    OK_LABEL = "Afronden (Ctrl+S)"

    def __init__(self, ticket: Ticket, office: Office) -> None:
        super().__init__()
        self.office = office
        self.TITLE_TEXT = (f"Ticket {ticket.number} afronden — "
                           f"{service_name(office, ticket.service)}")

    def body(self) -> ComposeResult:
        yield Label("Resultaat")
        with RadioSet(id="outcome", compact=True):
            for i, code in enumerate(self.office.outcomes):
                yield RadioButton(literal(outcome_label(code)), value=i == 0, name=code)
        need = " (verplicht)" if self.office.routing.require_topic else ""
        yield Label(f"Onderwerpen{need} — spatie om aan te vinken")
        yield SelectionList[str](*[(literal(t.label), code)
                                   for code, t in self.office.topics.items()],
                                 id="topics", compact=True)
        yield Label("Notitie (optioneel)")
        yield Input(placeholder="bv. komt terug met attest", id="note", max_length=NOTE_MAX,
                    compact=True)

    def on_mount(self) -> None:
        self.query_one("#outcome", RadioSet).focus()

    def answer(self) -> FinishAnswer | None:
        pressed = self.query_one("#outcome", RadioSet).pressed_button
        outcome = pressed.name if pressed and pressed.name else self.office.outcomes[0]
        topics = tuple(self.query_one("#topics", SelectionList).selected)
        if self.office.routing.require_topic and not topics:
            self.error("Kies minstens één onderwerp.")
            self.query_one("#topics").focus()
            return None
        note = self.query_one("#note", Input).value.strip() or None
        return FinishAnswer(outcome, topics, note)


@dataclass(frozen=True)
class TransferAnswer:
    service: str | None
    post: str | None
    reason: str


class TransferDialog(Dialog):
    """Send the ticket on to another service's queue or to one post; the number stays."""

    OK_LABEL = "Doorsturen (Enter)"

    def __init__(self, ticket: Ticket, office: Office, post_id: str,
                 open_posts: frozenset[str] | None = None) -> None:
        super().__init__()
        self.office = office
        self.open_posts = open_posts
        position = "vooraan" if office.routing.transfer_position == "head" else "achteraan"
        self.TITLE_TEXT = (f"Ticket {ticket.number} doorsturen (het nummer blijft; "
                           f"het komt {position} in de wachtrij)")
        self.ticket = ticket
        self.post_id = post_id

    def body(self) -> ComposeResult:
        options: list[Option] = []
        for code, svc in self.office.services.items():
            if code != self.ticket.service:  # its own service: nothing would change
                options.append(Option(literal(f"Dienst: {svc.name('nl')} ({svc.prefix})"),
                                      id=f"service:{code}"))
        for pid, post in self.office.posts.items():
            if pid != self.post_id and post.kind != "phone":
                closed = self.open_posts is not None and pid not in self.open_posts
                # a closed post can still be chosen (it calls the ticket when it opens)
                options.append(Option(literal(f"Loket: {post.name}"
                                              + (" · gesloten" if closed else "")),
                                      id=f"post:{pid}"))
        yield Label("Naar")
        yield OptionList(*options, id="target")
        yield Label("Reden")
        yield ReasonPicker(self.office.reasons.transfer, input_id="reason")

    def on_mount(self) -> None:
        self.query_one("#target", OptionList).focus()

    @on(OptionList.OptionSelected, "#target")
    def _picked(self) -> None:
        self.query_one(ReasonPicker).focus_filter()

    @on(ReasonPicker.Chosen)
    def _reason_chosen(self) -> None:
        self.action_ok()

    def answer(self) -> TransferAnswer | None:
        target = self.query_one("#target", OptionList)
        if target.highlighted is None:
            self.error("Kies een dienst of een loket.")
            target.focus()
            return None
        kind, _, code = (target.get_option_at_index(target.highlighted).id or "").partition(":")
        reason = self.query_one(ReasonPicker).code
        if reason is None:
            self.error("Kies een reden uit de lijst.")
            self.query_one(ReasonPicker).focus_filter()
            return None
        if kind == "service":
            return TransferAnswer(code, None, reason)
        return TransferAnswer(None, code, reason)


class CallNumberDialog(Dialog):
    """Call one specific ticket by its number (recorded as a specific call), or call one back
    (terugroepen): the same question with another title."""

    TITLE_TEXT = "Een bepaald ticket oproepen"
    OK_LABEL = "Oproepen (Enter)"

    def __init__(self, number: str = "", *, title: str | None = None,
                 ok: str | None = None) -> None:
        super().__init__()
        self.number = number
        if title:
            self.TITLE_TEXT = title
        if ok:
            self.OK_LABEL = ok

    def body(self) -> ComposeResult:
        yield Input(self.number, placeholder="Ticketnummer, bv. A012", id="number",
                    max_length=8)

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def answer(self) -> str | None:
        number = self.query_one("#number", Input).value.strip().upper()
        if not NUMBER_RE.match(number):
            self.error("Een ticketnummer is een letter en een getal, bv. A012.")
            return None
        return number


class PauseDialog(Dialog):
    """Pause the post with a reason code from config.toml: typing filters the list, Tab
    completes, the arrows choose, Enter takes the highlighted reason."""

    TITLE_TEXT = "Pauze nemen"
    OK_LABEL = "Pauze (Enter)"

    def __init__(self, office: Office) -> None:
        super().__init__()
        self.office = office

    def body(self) -> ComposeResult:
        yield Label("Reden")
        yield ReasonPicker(self.office.reasons.pause, input_id="reason")

    def on_mount(self) -> None:
        self.query_one(ReasonPicker).focus_filter()

    @on(ReasonPicker.Chosen)
    def _chosen(self) -> None:
        self.action_ok()

    def answer(self) -> str | None:
        code = self.query_one(ReasonPicker).code
        if code is None:
            self.error("Geen reden gevonden: wis de zoektekst of kies uit de lijst.")
        return code


class ParkedDialog(Dialog):
    """Pick one of your parked tickets to resume."""

    TITLE_TEXT = "Geparkeerd ticket hervatten"
    OK_LABEL = "Hervatten (Enter)"

    def __init__(self, parked: list[Ticket], office: Office) -> None:
        super().__init__()
        self.parked = parked
        self.office = office

    def body(self) -> ComposeResult:
        yield OptionList(*[Option(literal(f"{t.number}  {service_name(self.office, t.service)}"),
                                  id=t.number) for t in self.parked], id="parked")

    def on_mount(self) -> None:
        self.query_one("#parked", OptionList).focus()

    @on(OptionList.OptionSelected, "#parked")
    def _picked(self) -> None:
        self.action_ok()

    def answer(self) -> str | None:
        ol = self.query_one("#parked", OptionList)
        if ol.highlighted is None:
            self.error("Kies een ticket.")
            return None
        return ol.get_option_at_index(ol.highlighted).id


class ConfirmDialog(Dialog):
    """Yes or no (j/n)."""

    BINDINGS = [Binding("j,y", "ok", "Ja"), Binding("n", "cancel", "Nee")]

    def __init__(self, question: str, ok_label: str) -> None:
        super().__init__()
        self.TITLE_TEXT = question
        self.OK_LABEL = ok_label
