"""What the kiosk says to citizens, in Dutch, French, English and German.

Dutch comes first (DESIGN.md §6) and is the fallback for a missing text. Texts are short: a
citizen reads them standing, at arm's length, often in a hurry.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Final

from ...domain.calendar import WEEKDAY_NAMES
from ..plain import plain

LANG_LABELS: Final[dict[str, str]] = {"nl": "NL", "fr": "FR", "en": "EN", "de": "DE"}

TEXTS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "welcome": "Welkom",
        "choose": "Kies uw dienst",
        "priority": "Voorrang (zwanger, met een beperking)",
        "priority_on": "✔ Voorrang gekozen — kies nu uw dienst",
        "your_number": "Uw nummer",
        "people_ahead": "Wachtenden voor u",
        "estimated_wait": "Geschatte wachttijd",
        "printing": "Uw ticket wordt afgedrukt…",
        "printed": "Neem uw ticket onder het scherm.",
        "print_failed": "Uw ticket kon niet worden afgedrukt.",
        "remember": "Onthoud uw nummer!",
        "no_printer": "Volg uw nummer op het scherm in de wachtzaal.",
        "printer_down": "Er zijn nu geen papieren tickets: u krijgt uw nummer op het scherm.",
        "ok": "OK",
        "closes": "Dit scherm sluit vanzelf.",
        "phone_page": "Volg uw beurt op uw gsm: scan de code op uw ticket of ga naar",
        "closed": "Gesloten",
        "opens_at": "Gesloten — opent om {time}",
        "opens_on": "Gesloten — opent {day} om {time}",
        "tomorrow": "morgen",
        "on_day": "{weekday}",
        "priority_ticket": "Voorrangticket",
        "stopped": "Nu geen tickets meer",
        "cap": "Geen tickets meer vandaag",
        "no_priority": "Geen voorrang voor deze dienst",
        "out_of_order": "Tijdelijk buiten gebruik",
        "try_again": "Er ging iets mis. Probeer opnieuw of vraag hulp aan het onthaal.",
        "appointment": "Ik heb een afspraak",
        "ci_prompt": "Typ de code van uw afspraak, of scan ze",
        "ci_ok": "Aanmelden",
        "ci_back": "Terug",
        "ci_checking": "Even geduld…",
        "appointment_unknown": "Deze code kennen we vandaag niet. Kijk ze na, of vraag hulp aan "
                               "het onthaal.",
        "appointment_cancelled": "Deze afspraak is geannuleerd. U kunt een gewoon ticket nemen.",
        "appointment_used": "U bent al aangemeld voor deze afspraak.",
        "appointment_too_early": "U bent te vroeg: aanmelden kan vanaf {opens}.",
        "appointment_too_late": "Uw afspraak was om {booked}; aanmelden kon tot {closes}. U kunt "
                                "een gewoon ticket nemen.",
        "walk_in": "Neem een gewoon ticket",
        "booked_at": "Afspraak om {time} · {minutes} min",
        "refused": "Deze dienst geeft nu geen tickets: {reason}",
    },
    "fr": {
        "welcome": "Bienvenue",
        "choose": "Choisissez votre service",
        "priority": "Priorité (enceinte, en situation de handicap)",
        "priority_on": "✔ Priorité choisie — choisissez votre service",
        "your_number": "Votre numéro",
        "people_ahead": "Personnes avant vous",
        "estimated_wait": "Temps d'attente estimé",
        "printing": "Impression de votre ticket…",
        "printed": "Prenez votre ticket sous l'écran.",
        "print_failed": "Votre ticket n'a pas pu être imprimé.",
        "remember": "Retenez votre numéro !",
        "no_printer": "Suivez votre numéro sur l'écran de la salle d'attente.",
        "printer_down": "Pas de tickets papier pour l'instant : votre numéro s'affiche à l'écran.",
        "ok": "OK",
        "closes": "Cet écran se fermera automatiquement.",
        "phone_page": "Suivez votre tour sur votre GSM : scannez le code du ticket ou allez sur",
        "closed": "Fermé",
        "opens_at": "Fermé — ouvre à {time}",
        "opens_on": "Fermé — ouvre {day} à {time}",
        "tomorrow": "demain",
        "on_day": "{weekday}",
        "priority_ticket": "Ticket prioritaire",
        "stopped": "Plus de tickets pour l'instant",
        "cap": "Plus de tickets aujourd'hui",
        "no_priority": "Pas de priorité pour ce service",
        "out_of_order": "Temporairement hors service",
        "try_again": "Un problème est survenu. Réessayez ou demandez de l'aide à l'accueil.",
        "appointment": "J'ai un rendez-vous",
        "ci_prompt": "Tapez le code de votre rendez-vous, ou scannez-le",
        "ci_ok": "Valider",
        "ci_back": "Retour",
        "ci_checking": "Un instant…",
        "appointment_unknown": "Nous ne connaissons pas ce code aujourd'hui. Vérifiez-le ou "
                               "demandez de l'aide à l'accueil.",
        "appointment_cancelled": "Ce rendez-vous a été annulé. Vous pouvez prendre un ticket "
                                 "normal.",
        "appointment_used": "Vous êtes déjà enregistré pour ce rendez-vous.",
        "appointment_too_early": "Vous êtes en avance : l'enregistrement ouvre à {opens}.",
        "appointment_too_late": "Votre rendez-vous était à {booked} ; l'enregistrement était "
                                "possible jusqu'à {closes}. Vous pouvez prendre un ticket normal.",
        "walk_in": "Prendre un ticket normal",
        "booked_at": "Rendez-vous à {time} · {minutes} min",
        "refused": "Ce service ne donne pas de tickets maintenant : {reason}",
    },
    "en": {
        "welcome": "Welcome",
        "choose": "Choose your service",
        "priority": "Priority (pregnant, with a disability)",
        "priority_on": "✔ Priority chosen — now choose your service",
        "your_number": "Your number",
        "people_ahead": "People ahead of you",
        "estimated_wait": "Estimated wait",
        "printing": "Printing your ticket…",
        "printed": "Please take your ticket below the screen.",
        "print_failed": "Your ticket could not be printed.",
        "remember": "Please remember your number!",
        "no_printer": "Watch for your number on the screen in the waiting room.",
        "printer_down": "No paper tickets right now: you get your number on the screen.",
        "ok": "OK",
        "closes": "This screen closes by itself.",
        "phone_page": "Follow your turn on your phone: scan the code on your ticket or go to",
        "closed": "Closed",
        "opens_at": "Closed — opens at {time}",
        "opens_on": "Closed — opens {day} at {time}",
        "tomorrow": "tomorrow",
        "on_day": "on {weekday}",
        "priority_ticket": "Priority ticket",
        "stopped": "No more tickets for now",
        "cap": "No more tickets today",
        "no_priority": "No priority for this service",
        "out_of_order": "Temporarily out of order",
        "try_again": "Something went wrong. Please try again or ask at the reception desk.",
        "appointment": "I have an appointment",
        "ci_prompt": "Type the code of your appointment, or scan it",
        "ci_ok": "Check in",
        "ci_back": "Back",
        "ci_checking": "One moment…",
        "appointment_unknown": "We do not know this code today. Please check it, or ask at the "
                               "reception desk.",
        "appointment_cancelled": "This appointment was cancelled. You can take a normal ticket.",
        "appointment_used": "You have already checked in for this appointment.",
        "appointment_too_early": "You are early: check-in opens at {opens}.",
        "appointment_too_late": "Your appointment was at {booked}; check-in was possible until "
                                "{closes}. You can take a normal ticket.",
        "walk_in": "Take a normal ticket",
        "booked_at": "Appointment at {time} · {minutes} min",
        "refused": "This service is not giving tickets now: {reason}",
    },
    "de": {
        "welcome": "Willkommen",
        "choose": "Wählen Sie Ihr Anliegen",
        "priority": "Vorrang (schwanger, mit Behinderung)",
        "priority_on": "✔ Vorrang gewählt — wählen Sie jetzt Ihr Anliegen",
        "your_number": "Ihre Nummer",
        "people_ahead": "Wartende vor Ihnen",
        "estimated_wait": "Geschätzte Wartezeit",
        "printing": "Ihr Ticket wird gedruckt…",
        "printed": "Bitte entnehmen Sie Ihr Ticket unter dem Bildschirm.",
        "print_failed": "Ihr Ticket konnte nicht gedruckt werden.",
        "remember": "Bitte merken Sie sich Ihre Nummer!",
        "no_printer": "Achten Sie auf Ihre Nummer am Bildschirm im Wartebereich.",
        "printer_down": "Zurzeit keine Papiertickets: Ihre Nummer erscheint am Bildschirm.",
        "ok": "OK",
        "closes": "Dieser Bildschirm schließt sich von selbst.",
        "phone_page": "Verfolgen Sie Ihre Nummer am Handy: Code auf dem Ticket scannen oder",
        "closed": "Geschlossen",
        "opens_at": "Geschlossen — öffnet um {time}",
        "opens_on": "Geschlossen — öffnet {day} um {time}",
        "tomorrow": "morgen",
        "on_day": "am {weekday}",
        "priority_ticket": "Ticket mit Vorrang",
        "stopped": "Zurzeit keine Tickets",
        "cap": "Heute keine Tickets mehr",
        "no_priority": "Kein Vorrang für dieses Anliegen",
        "out_of_order": "Vorübergehend außer Betrieb",
        "try_again": "Etwas ist schiefgelaufen. Versuchen Sie es erneut oder fragen Sie am "
                     "Empfang.",
        "appointment": "Ich habe einen Termin",
        "ci_prompt": "Geben Sie den Code Ihres Termins ein oder scannen Sie ihn",
        "ci_ok": "Anmelden",
        "ci_back": "Zurück",
        "ci_checking": "Einen Moment…",
        "appointment_unknown": "Diesen Code kennen wir heute nicht. Bitte prüfen Sie ihn oder "
                               "fragen Sie am Empfang.",
        "appointment_cancelled": "Dieser Termin wurde abgesagt. Sie können ein normales Ticket "
                                 "nehmen.",
        "appointment_used": "Sie sind für diesen Termin schon angemeldet.",
        "appointment_too_early": "Sie sind zu früh: Anmelden ist ab {opens} möglich.",
        "appointment_too_late": "Ihr Termin war um {booked}; anmelden war bis {closes} möglich. "
                                "Sie können ein normales Ticket nehmen.",
        "walk_in": "Normales Ticket nehmen",
        "booked_at": "Termin um {time} · {minutes} min",
        "refused": "Für dieses Anliegen gibt es jetzt keine Tickets: {reason}",
    },
}

# The operator's PIN dialog is for staff: Dutch only, like the counter app.
OPERATOR: Final[dict[str, str]] = {
    "title": "Kiosk afsluiten",
    "prompt": "PIN van de coördinator",
    "wrong": "Onjuiste PIN ({left} {pogingen} over)",
    "locked": "Te veel foute pogingen: probeer later opnieuw",
    "checking": "Controleren…",
    "cancel": "Annuleren",
}


def colon(lang: str) -> str:
    """": " — in French with a (no-break) space before the colon, as French typography asks."""
    return "\u00a0: " if lang == "fr" else ": "


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (Dutch when the language or the key is missing)."""
    text = TEXTS.get(lang, TEXTS["nl"]).get(key) or TEXTS["nl"][key]
    return plain(text.format(**values) if values else text)  # ✔ as text in a browser



def closed_text(lang: str, opens_at: time | None, days: int, today: date) -> str:
    """"Gesloten", or when it opens again: later today, tomorrow, or on a weekday."""
    if opens_at is None:
        return t(lang, "closed")
    at = opens_at.strftime("%H:%M")
    if days == 0:
        return t(lang, "opens_at", time=at)
    if days == 1:
        day = t(lang, "tomorrow")
    else:
        names = WEEKDAY_NAMES.get(lang, WEEKDAY_NAMES["nl"])
        day = t(lang, "on_day", weekday=names[(today + timedelta(days=days)).weekday()])
    return t(lang, "opens_on", day=day, time=at)
