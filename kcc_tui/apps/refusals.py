"""A refusal of the domain in Dutch, for the counter app and the coordinator pane.

The domain refuses in English (`str(Refused)`: one line, also the CLI's JSON error) and names
the refusal with a code and plain parameters. The Dutch apps show `refusal_nl(r)`: the sentence
below for its code, in the counter's words. A refusal without a code, or with one not in the
table, is shown in English as it is, so a reason is never lost.
"""

from __future__ import annotations

from datetime import date

from ..domain.commands import Refused
from ..store import (
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StoreOtherOffice,
    StoreReadOnly,
    StoreTooNew,
    StoreUnreachable,
)
from .dutch import TICKET_STATUS_NL, day_month, decimal
from .literal import shown

# {code: template}; the fields are the refusal's params (see `_param` for how they are written)
REFUSALS_NL: dict[str, str] = {
    # the office as configured
    "unknown_service": "Onbekende dienst '{service}'.",
    "unknown_post": "Onbekend loket '{post}'.",
    "unknown_staff": "Onbekend personeelsnummer '{staff}'.",
    "unknown_topic": "Onbekend onderwerp '{topic}'.",
    "unknown_outcome": "Onbekend resultaat '{outcome}'.",
    # aanmelden
    "wrong_pin": "Verkeerde PIN: u kunt nog {left} keer proberen.",
    "wrong_pin_locked": "Verkeerde PIN: {staff} is nu {minutes} min vergrendeld.",
    "locked": "{staff} is vergrendeld na te veel verkeerde PIN's: probeer over {minutes} min "
              "opnieuw, of vraag een coördinator om te ontgrendelen.",
    "operator_locked": "Te veel verkeerde PIN's: vergrendeld.",
    "not_locked": "{staff} is niet vergrendeld.",
    "unknown_reason": "Onbekende reden '{given}'.",
    "not_logged_in": "{staff} is niet aangemeld aan {post}.",
    "coordinator_only": "Alleen een coördinator mag dat.",
    "day_closed": "De werkdag van {day} is al afgesloten.",
    "unknown_language": "Onbekende taal '{lang}'.",
    "bad_retention": "De bewaartermijn is minstens 1 dag.",
    # issuing a ticket
    "not_issuing": "{service} geeft nu geen tickets uit.",
    "daily_cap": "{service}: het maximum van {cap} tickets voor vandaag is bereikt.",
    "no_priority": "{service} heeft geen voorrangstickets.",
    # the post
    "post_closed": "{post} is gesloten.",
    "post_already_open": "{post} is al open voor {staff}.",
    "already_at_post": "{staff} werkt al aan {post}.",
    "post_paused": "{post} is in pauze ({pause_reason}).",
    "not_paused": "{post} is niet in pauze.",
    "post_busy": "{post} heeft nog ticket {number}: eerst afronden, afwezig melden, terugzetten, "
                 "parkeren of doorsturen.",
    "close_busy": "{post} heeft nog ticket {number}: sluiten kan zodra dat ticket afgerond of "
                  "doorgestuurd is.",
    "serving_while_moved": "{staff} is bezig met {number} aan {post}: verplaatsen kan zodra dat "
                           "ticket afgerond is.",
    # tickets
    "no_tickets_waiting": "Geen wachtenden voor {post}.",
    "no_current_ticket": "Er is geen ticket aan {post}.",
    "no_such_ticket": "Vandaag is er geen ticket {number}.",
    "not_waiting": "Ticket {number} wacht niet (nu: {status}).",
    # the citizen's phone (issue 19)
    "bad_token": "Het ticket kreeg een ongeldige gsm-code; probeer opnieuw.",
    "bad_away_time": "Even weg duurt meer dan 0 en hoogstens 240 minuten.",
    "not_away": "Ticket {number} is niet even weg.",
    "not_waiting_at": "Ticket {number} wacht niet (nu: {status} aan {post}).",
    "wrong_status": "Ticket {number} is niet {expected} (nu: {status}).",
    "parked_by_other": "Ticket {number} is geparkeerd door {by}.",
    "topic_required": "Kies minstens één onderwerp om af te ronden.",
    "notes_off": "Vrije notities zijn hier uitgeschakeld.",
    "transfer_no_target": "Kies een dienst of een loket om naar door te sturen.",
    "transfer_same_post": "Doorsturen naar het eigen loket kan niet.",
    "transfer_same_service": "Ticket {number} is al voor {service}: kies een andere dienst of "
                             "een loket.",
    "call_back_status": "Ticket {number} kan niet teruggeroepen worden (nu: {status}): dat kan "
                        "alleen na 'niet verschenen' of een oproep aan een ander loket.",
    "priority_unchanged": "Ticket {number} heeft dat al.",
    "call_back_too_late": "Ticket {number} kan alleen binnen {minutes} min teruggeroepen worden.",
    # berichten van de coördinator
    "empty_message": "Het bericht is leeg.",
    "bad_targets": "Een bericht gaat naar de loketten en/of het scherm in de wachtzaal.",
    "until_not_today": "Een bericht moet later vandaag aflopen (niet om {until}).",
    "no_message": "Er staat nu geen bericht op de schermen.",
    # afspraken (issue 18)
    "appointment_unknown": "Vandaag is er geen afspraak met deze code of referentie.",
    "appointment_cancelled": "Afspraak {reference} is geannuleerd.",
    "appointment_used": "Afspraak {reference} is al aangemeld.",
    "appointment_too_early": "Te vroeg: aanmelden voor afspraak {reference} kan vanaf {opens}.",
    "appointment_too_late": "Te laat: aanmelden voor afspraak {reference} kon tot {closes}; "
                            "geef een gewoon ticket.",
    "appointment_past": "Afspraak {reference} is voorbij (niet verschenen).",
    # vrije tekst
    "too_long": "Te lang: {what} mag hoogstens {limit} tekens tellen (nu {length}).",
}

# what a "too_long" refusal is about (the domain names it in English)
TEXT_KIND_NL = {"message": "een bericht", "note": "een notitie", "reason": "een reden"}


def _param(key: str, value: object) -> object:
    """A parameter as the Dutch sentence writes it: ticket statuses in the counter's words,
    a day as "dinsdag 24 november", a decimal comma; names and numbers as they are (control
    characters made visible)."""
    if key == "status" and isinstance(value, str):
        return TICKET_STATUS_NL.get(value, value)
    if key == "what" and isinstance(value, str):
        return TEXT_KIND_NL.get(value, shown(value))
    if key == "expected" and isinstance(value, tuple | list):
        return " of ".join(TICKET_STATUS_NL.get(str(s), str(s)) for s in value)
    if isinstance(value, date):
        return day_month(value)
    if isinstance(value, float):
        return decimal(f"{value:g}")
    if isinstance(value, str):  # a name or a reason someone typed: never control characters
        return shown(value)
    return value


def refusal_nl(r: Refused) -> str:
    """The refusal in Dutch; its English reason when there is no Dutch sentence for it."""
    template = REFUSALS_NL.get(r.code or "")
    if template is None:
        return shown(r)
    try:
        return template.format(**{k: _param(k, v) for k, v in r.params.items()})
    except (KeyError, IndexError, ValueError):  # a template out of step with its refusal
        return shown(r)


# A store failure, by its kind, in the counter's words; the English `str(e)` (with the file's
# path and SQLite's own words) stays in the CLI and the log. What a person can do comes first.
STORE_ERRORS_NL: tuple[tuple[type[StoreError], str], ...] = (
    (StoreLocked, "De databank is even bezet door een ander programma: probeer opnieuw."),
    (StoreReadOnly, "De databank kan niet beschreven worden (alleen lezen): verwittig de "
                    "beheerder."),
    (StoreFull, "De schijf van de databank is vol: verwittig de beheerder."),
    (StoreCorrupt, "De databank is beschadigd: de beheerder moet een back-up terugzetten."),
    (StoreMissing, "De databank bestaat niet of is niet te openen: maak ze aan met `kcc init` "
                   "of verwittig de beheerder."),
    (StoreTooNew, "De databank is van een nieuwere versie van kcc: werk kcc bij."),
    (StoreUnreachable, "De databankserver is niet bereikbaar (herstart of netwerk)."),
)


def store_error_nl(e: StoreError, when: str = "command") -> str:
    """A store failure in Dutch: `when` is "open" (it is retried), "lost" (the connection
    dropped; it is retried) or "command" (this action was not done)."""
    text = next((t for kind, t in STORE_ERRORS_NL if isinstance(e, kind)),
                "De databank gaf een fout: verwittig de beheerder als dit blijft duren.")
    if isinstance(e, StoreOtherOffice):  # several offices: started with the wrong config
        text = (f'De databank hoort bij kantoor "{e.found}", niet bij kantoor "{e.office}" van '
                "deze configuratie: verwittig de beheerder.")
    if when == "open":
        return f"{text} (opnieuw proberen…)"
    if when == "lost":
        return f"Verbinding met de databank verloren. {text} (opnieuw proberen…)"
    return text
