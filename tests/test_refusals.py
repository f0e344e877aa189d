"""Refusals: the English reason stays as it is (the CLI's JSON contract), and each one the
counter or the coordinator can meet carries a code and the params of its Dutch sentence."""

from __future__ import annotations

import ast
import string
from datetime import timedelta
from pathlib import Path

import pytest
from factories import T0, make_office
from test_counter_kit import example_settings

from kcc_tui.apps.base import KccApp
from kcc_tui.apps.coordinator import build_app as coordinator
from kcc_tui.apps.counter import build_app as counter
from kcc_tui.apps.display.app import DisplayApp
from kcc_tui.apps.kiosk.app import KioskApp
from kcc_tui.apps.refusals import REFUSALS_NL, refusal_nl
from kcc_tui.domain import commands as C
from kcc_tui.domain.appointments import CheckInRefusal
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.ledger import Ledger
from kcc_tui.domain.office import Privacy

COMMANDS = Path(C.__file__)
BOOKING = COMMANDS.with_name("booking.py")  # the appointment commands (issue 18)


def refused(lg: Ledger, command: C.Command, actor: str = "system") -> C.Refused:
    with pytest.raises(C.Refused) as info:
        lg.execute(command, actor)
    return info.value


def real_refusals() -> list[C.Refused]:
    """One morning at the test office in which every coded refusal happens once."""
    clock = FixedClock(T0)
    office = make_office(require_topic=True).model_copy(
        update={"privacy": Privacy(allow_notes=False)})
    lg = Ledger(office, clock)
    out = [refused(lg, C.IssueTicket("paspoort")), refused(lg, C.CallNext("l9"), "an"),
           refused(lg, C.CallNext("l1"), "an")]
    lg.execute(C.OpenPost("l1", "an", True), "an")
    out += [refused(lg, C.CallNext("l1"), "bo"), refused(lg, C.Recall("l1"), "an"),
            refused(lg, C.CallNext("l1"), "an"), refused(lg, C.Resume("l1"), "an")]
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.Start("l1"), "an")
    out += [refused(lg, C.Recall("l1"), "an"), refused(lg, C.CallNext("l1"), "an"),
            refused(lg, C.ClosePost("l1"), "an"),
            refused(lg, C.Finish("l1", outcome="zzz"), "an"),
            refused(lg, C.Finish("l1", topics=("zzz",)), "an"),
            refused(lg, C.Finish("l1"), "an"),
            refused(lg, C.Finish("l1", topics=("wait",), note="belt terug"), "an"),
            refused(lg, C.Transfer("l1"), "an"),
            refused(lg, C.Transfer("l1", to_post="l1"), "an"),
            refused(lg, C.MoveStaff("an", "l2"), "an"),
            refused(lg, C.MoveStaff("an", "l2"), "coord"),
            refused(lg, C.MoveStaff("zed", "l2"), "coord"),
            refused(lg, C.OpenPost("l1", "bo", True), "bo"),
            refused(lg, C.OpenPost("l2", "an", True), "an")]
    lg.execute(C.Finish("l1", topics=("wait",)), "an")
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.CallNext("l1"), "an")
    lg.execute(C.Park("l1"), "an")
    lg.execute(C.OpenPost("l2", "bo", True), "bo")
    out += [refused(lg, C.ResumeParked("l2", "A002"), "bo"),
            refused(lg, C.ResumeParked("l1", "A001"), "an"),
            refused(lg, C.CallTicket("l1", "Z999"), "an"),
            refused(lg, C.CallTicket("l2", "A001"), "bo")]
    # a ticket at a post that is no longer configured (config.toml changed during the day)
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.CallTicket("l1", "A003"), "an")
    without_l1 = office.model_copy(update={"posts": {
        k: v for k, v in office.posts.items() if k != "l1"}})
    with pytest.raises(C.Refused) as info:
        C.CallTicket("l2", "A003").decide(C.Ctx(lg.state, without_l1, clock(), "bo"))
    out.append(info.value)
    lg.execute(C.Pause("l2"), "bo")
    lg.execute(C.OpenPost("tel", "eva", True), "eva")
    out += [refused(lg, C.CallNext("l2"), "bo"),
            refused(lg, C.RegisterCall("tel", "zzz"), "coord"),
            refused(lg, C.Broadcast("  "), "coord"),
            refused(lg, C.Broadcast("koffie", ("kiosk",)), "coord"),
            refused(lg, C.Broadcast("x" * 281), "coord"),
            refused(lg, C.Broadcast("koffie", until=T0 - timedelta(minutes=1)), "coord"),
            refused(lg, C.WithdrawBroadcast(), "coord"),
            refused(lg, C.Pause("l3", "r" * 101), "coord")]
    out += [refused(lg, C.OpenPost("l3", "cas", False), "cas") for _ in range(5)]
    lg.execute(C.EndDay(), "coord")
    out.append(refused(lg, C.OpenPost("l3", "dirk", True), "dirk"))
    return out


# code, str(r) (the CLI prints exactly this), Dutch
EXPECTED = [
    ("unknown_service", "unknown service 'paspoort' (known: eid, rijbewijs, afhalen)",
     "Onbekende dienst 'paspoort'."),
    ("unknown_post", "unknown post 'l9' (known: l1, l2, l3, snel, tel)", "Onbekend loket 'l9'."),
    ("post_closed", "Loket 1 is closed", "Loket 1 is gesloten."),
    ("not_logged_in", "bo is not logged in at Loket 1", "Bo is niet aangemeld aan Loket 1."),
    ("no_current_ticket", "Loket 1 has no current ticket", "Er is geen ticket aan Loket 1."),
    ("no_tickets_waiting", "no tickets waiting for Loket 1", "Geen wachtenden voor Loket 1."),
    ("not_paused", "Loket 1 is not paused", "Loket 1 is niet in pauze."),
    ("wrong_status", "ticket A001 is serving, not called",
     "Ticket A001 is niet opgeroepen (nu: in behandeling)."),
    ("post_busy", "Loket 1 still has ticket A001: finish, no-show, requeue, park or transfer it "
     "first", "Loket 1 heeft nog ticket A001: eerst afronden, afwezig melden, terugzetten, "
     "parkeren of doorsturen."),
    ("close_busy", "Loket 1 still has ticket A001: finish or hand it on first",
     "Loket 1 heeft nog ticket A001: sluiten kan zodra dat ticket afgerond of doorgestuurd is."),
    ("unknown_outcome", "unknown outcome 'zzz' (known: done, incomplete, referred)",
     "Onbekend resultaat 'zzz'."),
    ("unknown_topic", "unknown topic 'zzz' (known: eid-lost, wait)", "Onbekend onderwerp 'zzz'."),
    ("topic_required", "a topic is required to finish a ticket",
     "Kies minstens één onderwerp om af te ronden."),
    ("notes_off", "free-text notes are switched off here ([privacy] allow_notes)",
     "Vrije notities zijn hier uitgeschakeld."),
    ("transfer_no_target", "transfer needs a service or a post to send the ticket to",
     "Kies een dienst of een loket om naar door te sturen."),
    ("transfer_same_post", "cannot transfer a ticket to the post it is at",
     "Doorsturen naar het eigen loket kan niet."),
    ("coordinator_only", "only a coordinator may move staff", "Alleen een coördinator mag dat."),
    ("serving_while_moved", "an is serving A001 at Loket 1; move after that ticket is finished",
     "An is bezig met A001 aan Loket 1: verplaatsen kan zodra dat ticket afgerond is."),
    ("unknown_staff", "unknown staff id 'zed'", "Onbekend personeelsnummer 'zed'."),
    ("post_already_open", "Loket 1 is already open (an)", "Loket 1 is al open voor An."),
    ("already_at_post", "an is already at Loket 1", "An werkt al aan Loket 1."),
    ("parked_by_other", "ticket A002 is parked by an, not bo",
     "Ticket A002 is geparkeerd door An."),
    ("wrong_status", "ticket A001 is done, not parked",
     "Ticket A001 is niet geparkeerd (nu: afgerond)."),
    ("no_such_ticket", "no ticket Z999 today", "Vandaag is er geen ticket Z999."),
    ("not_waiting_at", "ticket A001 is done at Loket 1, not waiting",
     "Ticket A001 wacht niet (nu: afgerond aan Loket 1)."),
    ("not_waiting", "ticket A003 is called, not waiting",
     "Ticket A003 wacht niet (nu: opgeroepen)."),
    ("post_paused", "Loket 2 is paused (pauze)", "Loket 2 is in pauze (pauze)."),
    ("unknown_topic", "unknown topic 'zzz' (known: eid-lost, wait)", "Onbekend onderwerp 'zzz'."),
    ("empty_message", "the message is empty", "Het bericht is leeg."),
    ("bad_targets", "targets must be counters and/or display",
     "Een bericht gaat naar de loketten en/of het scherm in de wachtzaal."),
    ("too_long", "the message is 281 characters long; at most 280 are allowed",
     "Te lang: een bericht mag hoogstens 280 tekens tellen (nu 281)."),
    ("until_not_today", "the message must end later today (not 08:59)",
     "Een bericht moet later vandaag aflopen (niet om 08:59)."),
    ("no_message", "no message is shown now", "Er staat nu geen bericht op de schermen."),
    ("post_closed", "Loket 3 is closed", "Loket 3 is gesloten."),
    *[("wrong_pin", f"wrong PIN ({n} tries left)", f"Verkeerde PIN: u kunt nog {n} keer proberen.")
      for n in (4, 3, 2)],
    ("wrong_pin", "wrong PIN (1 try left)", "Verkeerde PIN: u kunt nog 1 keer proberen."),
    ("wrong_pin_locked", "wrong PIN; cas is now locked for 5 min",
     "Verkeerde PIN: Cas is nu 5 min vergrendeld."),
    ("day_closed", "the business day 2026-11-24 has been closed",
     "De werkdag van dinsdag 24 november is al afgesloten."),
]


def test_the_english_reason_is_unchanged_and_the_code_names_it() -> None:
    """`str(r)` is the CLI's `{"error": ...}`: a code and params must not change it."""
    got = [(r.code, str(r)) for r in real_refusals()]
    assert got == [(code, english) for code, english, _ in EXPECTED]


def test_a_refusal_is_still_one_exception_with_its_reason() -> None:
    r = C.RefusedWithEvents("wrong PIN (4 tries left)", [], code="wrong_pin", left=4)
    assert isinstance(r, C.Refused) and r.args == ("wrong PIN (4 tries left)",)
    assert (r.code, r.params, r.events) == ("wrong_pin", {"left": 4}, [])
    plain = C.Refused("something else")
    assert str(plain) == "something else" and plain.code is None and plain.params == {}


def test_the_lockout_reason_counts_down_the_minutes() -> None:
    clock = FixedClock(T0)
    lg = Ledger(make_office(), clock)
    for _ in range(5):
        refused(lg, C.OpenPost("l1", "an", False), "an")
    clock.advance(minutes=2)
    r = refused(lg, C.OpenPost("l1", "an", True), "an")
    assert str(r) == ("an is locked after too many wrong PINs; try again in 3 min "
                      "or ask a coordinator to unlock")
    assert (r.code, r.params) == ("locked", {"staff": "An", "minutes": 3})


def test_every_refusal_has_a_code() -> None:
    """Codes, not sentences: the kiosk words the issuing refusals in the citizen's language,
    the Dutch apps every other one; the English reason is the CLI's."""
    uncoded = set()
    for node in (n for f in (COMMANDS, BOOKING) for n in ast.walk(ast.parse(f.read_text()))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "Refused" and not any(k.arg == "code" for k in node.keywords):
            uncoded.add(ast.unparse(node.args[0]))
    assert uncoded == set()


def test_issuing_refusals_name_their_reason() -> None:
    clock = FixedClock(T0)
    lg = Ledger(make_office(), clock)
    for _ in range(50):
        lg.execute(C.IssueTicket("afhalen"))
    got = [refused(lg, C.IssueTicket("afhalen")), refused(lg, C.IssueTicket("eid", lang="xx")),
           refused(lg, C.IssueTicket("eid", priority=True))]
    lg.execute(C.SetIssuing("eid", False), "coord")
    got.append(refused(lg, C.IssueTicket("eid")))
    lg.execute(C.EndDay(), "coord")
    got.append(refused(lg, C.IssueTicket("rijbewijs")))
    assert [(r.code, str(r), refusal_nl(r)) for r in got] == [
        ("daily_cap", "Afhalen: daily limit of 50 tickets reached",
         "Afhalen: het maximum van 50 tickets voor vandaag is bereikt."),
        ("unknown_language", "unknown language 'xx' (known: nl, fr, en, de)",
         "Onbekende taal 'xx'."),
        ("no_priority", "service 'eid' has no priority tickets",
         "Eid heeft geen voorrangstickets."),
        ("not_issuing", "Eid: not issuing tickets now", "Eid geeft nu geen tickets uit."),
        ("day_closed", "Rijbewijs: closed for today",
         "De werkdag van dinsdag 24 november is al afgesloten."),
    ]
    assert {r.code for r in got} >= {w.value for w in C.NotIssuing}


def sites() -> list[tuple[int, str | None, set[str]]]:
    """Every `Refused(...)` / `RefusedWithEvents(...)` in commands.py and booking.py: line,
    code, params. The check-in refusals name their code by `CheckInRefusal`: one site each,
    with every param the check-in gives (an unknown code has only `reference`)."""
    out: list[tuple[int, str | None, set[str]]] = [
        (0, r.value, {"reference"} if r is CheckInRefusal.UNKNOWN else
         {"reference", "opens", "closes", "service", "booked"}) for r in CheckInRefusal]
    for node in (n for f in (COMMANDS, BOOKING) for n in ast.walk(ast.parse(f.read_text()))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("Refused", "RefusedWithEvents"):
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            code = kw.pop("code", None)
            out.append((node.lineno, code.value if isinstance(code, ast.Constant) else None,
                        set(kw)))
    return out


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_in_the_domain_has_a_dutch_sentence_with_the_params_it_is_given() -> None:
    coded = [(line, code, params) for line, code, params in sites() if code is not None]
    assert len(coded) > 30
    missing = sorted({code for _, code, _ in coded if code not in REFUSALS_NL})
    assert missing == []
    # a template never asks for a param that one of the sites of its code does not give
    short = [(line, code, sorted(fields(REFUSALS_NL[code]) - params))
             for line, code, params in coded if fields(REFUSALS_NL[code]) - params]
    assert short == []
    assert set(REFUSALS_NL) == {code for _, code, _ in coded}  # and no sentence left unused


def test_real_refusals_in_dutch() -> None:
    got = [(r.code, refusal_nl(r)) for r in real_refusals()]
    assert got == [(code, dutch) for code, _, dutch in EXPECTED]


def test_without_a_dutch_sentence_the_english_reason_is_shown() -> None:
    assert refusal_nl(C.Refused("kiosk offline")) == "kiosk offline"
    assert refusal_nl(C.Refused("something new", code="not_in_the_table")) == "something new"
    # a template out of step with its params loses nothing either
    assert refusal_nl(C.Refused("Loket 1 is closed", code="post_closed")) == "Loket 1 is closed"


def test_minutes_with_a_decimal_comma() -> None:
    r = C.Refused("wrong PIN; an is now locked for 2.5 min", code="wrong_pin_locked",
                  staff="An Peeters", minutes=2.5)
    assert refusal_nl(r) == "Verkeerde PIN: An Peeters is nu 2,5 min vergrendeld."


def test_the_counter_and_the_coordinator_say_it_in_dutch_the_kiosk_keeps_its_own(
        tmp_path: Path) -> None:
    r = C.Refused("no tickets waiting for Loket 1", code="no_tickets_waiting", post="Loket 1")
    settings, db = example_settings(), tmp_path / "kcc.db"
    assert counter(settings, db=db, post_id="loket1").refusal_text(r) == \
        "Geen wachtenden voor Loket 1."
    assert coordinator(settings, db=db).refusal_text(r) == "Geen wachtenden voor Loket 1."
    # the kiosk speaks the citizen's language with its own texts; the display refuses nothing
    assert KioskApp.refusal_text is KccApp.refusal_text
    assert DisplayApp.refusal_text is KccApp.refusal_text
