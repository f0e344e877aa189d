"""The words of the phone page and the public board, in the four kiosk languages."""

from __future__ import annotations

from ..domain.estimate import wait_text

LANGS = ("nl", "fr", "en", "de")
LANG_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch"}

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Uw ticket",
        "your_number": "Uw nummer",
        "waiting": "U wacht",
        "away": "U bent even weg (tot {until}): uw plaats blijft",
        "called": "Het is uw beurt: {post}",
        "serving": "U wordt geholpen aan {post}",
        "done": "U bent geholpen. Tot ziens!",
        "no_show": "U werd opgeroepen maar was er niet. Vraag het aan het onthaal.",
        "left": "U hebt uw ticket geannuleerd.",
        "closed": "De loketten zijn gesloten voor vandaag.",
        "ahead": "Wachtenden voor u: {n}",
        "estimate": "Geschatte wachttijd: {text}",
        "estimating": "Geschatte wachttijd: wordt berekend…",
        "updated": "Bijgewerkt om {time}",
        "away_button": "Ik ben even weg",
        "back_button": "Ik ben terug",
        "leave_button": "Ik ga weg",
        "leave_confirm": "Uw ticket annuleren? Uw plaats gaat verloren.",
        "board": "Wachtrij",
        "board_calls": "Opgeroepen",
        "board_queues": "Wachtenden",
        "board_wait": "Wachttijd",
        "gone": "Dit ticket bestaat niet of is verlopen.",
        "slow_down": "Te veel verzoeken; probeer het zo opnieuw.",
        "language": "Taal",
    },
    "fr": {
        "title": "Votre ticket",
        "your_number": "Votre numéro",
        "waiting": "Vous attendez",
        "away": "Absence signalée jusqu'à {until} : votre place est gardée",
        "called": "C'est votre tour : {post}",
        "serving": "On s'occupe de vous : {post}",
        "done": "C'est terminé. Merci et au revoir !",
        "no_show": "Votre numéro a été appelé en votre absence. Adressez-vous à l'accueil.",
        "left": "Vous avez annulé votre ticket.",
        "closed": "Les guichets sont fermés pour aujourd'hui.",
        "ahead": "Personnes avant vous : {n}",
        "estimate": "Temps d'attente estimé : {text}",
        "estimating": "Temps d'attente estimé : calcul en cours…",
        "updated": "Mis à jour à {time}",
        "away_button": "Je m'absente un moment",
        "back_button": "Je suis de retour",
        "leave_button": "Je pars",
        "leave_confirm": "Annuler votre ticket ? Vous perdrez votre place.",
        "board": "File d'attente",
        "board_calls": "Appelés",
        "board_queues": "En attente",
        "board_wait": "Attente",
        "gone": "Ce ticket n'existe pas ou a expiré.",
        "slow_down": "Trop de demandes ; réessayez dans un instant.",
        "language": "Langue",
    },
    "en": {
        "title": "Your ticket",
        "your_number": "Your number",
        "waiting": "You are waiting",
        "away": "You stepped away (until {until}): your place is kept",
        "called": "It's your turn: {post}",
        "serving": "You are being served at {post}",
        "done": "You have been served. Goodbye!",
        "no_show": "Your number was called while you were away. Please ask at reception.",
        "left": "You cancelled your ticket.",
        "closed": "The counters are closed for today.",
        "ahead": "People ahead of you: {n}",
        "estimate": "Estimated wait: {text}",
        "estimating": "Estimated wait: calculating…",
        "updated": "Updated at {time}",
        "away_button": "I'm stepping away",
        "back_button": "I'm back",
        "leave_button": "I'm leaving",
        "leave_confirm": "Cancel your ticket? You will lose your place.",
        "board": "Queue",
        "board_calls": "Called",
        "board_queues": "Waiting",
        "board_wait": "Wait",
        "gone": "This ticket does not exist or has expired.",
        "slow_down": "Too many requests; please try again shortly.",
        "language": "Language",
    },
    "de": {
        "title": "Ihr Ticket",
        "your_number": "Ihre Nummer",
        "waiting": "Sie warten",
        "away": "Sie sind kurz weg (bis {until}): Ihr Platz bleibt erhalten",
        "called": "Sie sind an der Reihe: {post}",
        "serving": "Sie werden bedient: {post}",
        "done": "Sie wurden bedient. Auf Wiedersehen!",
        "no_show": "Ihre Nummer wurde aufgerufen, als Sie nicht da waren. Bitte fragen Sie am "
                   "Empfang.",
        "left": "Sie haben Ihr Ticket storniert.",
        "closed": "Die Schalter sind für heute geschlossen.",
        "ahead": "Wartende vor Ihnen: {n}",
        "estimate": "Geschätzte Wartezeit: {text}",
        "estimating": "Geschätzte Wartezeit: wird berechnet…",
        "updated": "Aktualisiert um {time}",
        "away_button": "Ich bin kurz weg",
        "back_button": "Ich bin zurück",
        "leave_button": "Ich gehe",
        "leave_confirm": "Ticket stornieren? Ihr Platz geht verloren.",
        "board": "Warteschlange",
        "board_calls": "Aufgerufen",
        "board_queues": "Wartende",
        "board_wait": "Wartezeit",
        "gone": "Dieses Ticket gibt es nicht oder es ist abgelaufen.",
        "slow_down": "Zu viele Anfragen. Bitte versuchen Sie es gleich noch einmal.",
        "language": "Sprache",
    },
}


def lang_or(lang: str | None, default: str) -> str:
    """`lang` when it is one of ours, else `default` (itself checked)."""
    if lang in TEXTS:
        return lang
    return default if default in TEXTS else "nl"


def tr(lang: str, key: str, **values: object) -> str:
    text = TEXTS.get(lang, TEXTS["nl"]).get(key) or TEXTS["nl"][key]
    return text.format(**values) if values else text


def minutes_text(lo_s: float | None, mean_s: float, hi_s: float | None,
                 lang: str = "nl") -> str:
    """"± 12 min (8–17)": the estimate with its range, never a promise; above an hour in
    hours and minutes as on every surface ("± 1u05")."""
    mean = round(mean_s / 60)
    if mean < 1 and (hi_s is None or hi_s < 60):
        return "< 1 min"
    if mean > 60:
        return "± " + wait_text(mean_s, lang)
    text = f"± {max(1, mean)} min"
    if lo_s is not None and hi_s is not None:
        lo, hi = round(lo_s / 60), round(hi_s / 60)
        if hi > lo:
            text += f" ({lo}–{hi})"
    return text
