"""What the wall display says, on screen and aloud, in the office languages (Dutch first).

Post names are configured once, in Dutch ("Loket 3", "Snelbalie"); the words in them that
citizens must understand are translated here, so "Loket 3" is read out as "guichet 3" in French.
Pure Python: no Textual.
"""

from __future__ import annotations

import re
from datetime import datetime

from ...domain.calendar import MONTH_NAMES, WEEKDAY_NAMES
from ...domain.office import Post
from ..plain import plain

LABELS: dict[str, dict[str, str]] = {
    "now": {"nl": "Nu aan de beurt", "fr": "Appel en cours", "en": "Now serving",
            "de": "Jetzt an der Reihe"},
    "columns": {"nl": "Nummer ▸ loket", "fr": "Numéro ▸ guichet", "en": "Number ▸ counter",
                "de": "Nummer ▸ Schalter"},
    "history": {"nl": "Vorige oproepen", "fr": "Appels précédents", "en": "Previous calls",
                "de": "Letzte Aufrufe"},
    "queues": {"nl": "Wachtrij · wachttijd voor een nieuw ticket",
               "fr": "File d'attente · attente pour un nouveau ticket",
               "en": "Queue · wait for a ticket taken now",
               "de": "Warteschlange · Wartezeit für ein neues Ticket"},
    "waiting": {"nl": "wachtenden", "fr": "en attente", "en": "waiting", "de": "Wartende"},
    "waiting1": {"nl": "wachtende", "fr": "en attente", "en": "waiting", "de": "wartende Person"},
    "recall": {"nl": "opnieuw opgeroepen", "fr": "rappel", "en": "called again",
               "de": "erneut aufgerufen"},
    "none": {"nl": "Nog geen oproepen", "fr": "Pas encore d'appel", "en": "No calls yet",
             "de": "Noch keine Aufrufe"},
}

# Words in post names, as read out and shown per language (lower case; capitalised on use).
POST_WORDS: dict[str, dict[str, str]] = {
    "loket": {"nl": "loket", "fr": "guichet", "en": "counter", "de": "Schalter"},
    "balie": {"nl": "balie", "fr": "guichet", "en": "desk", "de": "Schalter"},
    "snelbalie": {"nl": "snelbalie", "fr": "guichet rapide", "en": "quick counter",
                  "de": "Schnellschalter"},
}
KIND_WORDS = {"quick": "snelbalie", "desk": "loket", "phone": "loket"}

SPEECH: dict[str, tuple[str, str]] = {
    # (a call, a recall): {number} like "A 12", {post} like "loket 3"
    "nl": ("Nummer {number}, {post}", "Nogmaals: nummer {number}, {post}"),
    "fr": ("Numéro {number}, {post}", "Rappel : numéro {number}, {post}"),
    "en": ("Number {number}, {post}", "Again: number {number}, {post}"),
    "de": ("Nummer {number}, {post}", "Noch einmal: Nummer {number}, {post}"),
}


_NAME = re.compile(r"^\s*(?P<word>.*?)\s*(?P<num>\d+)\s*$")


def label(key: str, lang: str) -> str:
    table = LABELS[key]
    return plain(table.get(lang) or table["nl"])


def post_parts(post: Post) -> tuple[str, str]:
    """A post name split into a lower-case word and a number.

    "Loket 3" → ("loket", "3"); "Snelbalie" → ("snelbalie", "").
    """
    m = _NAME.match(post.name)
    if m and m["num"]:
        return (m["word"] or KIND_WORDS[post.kind]).lower(), m["num"]
    return post.name.strip().lower(), ""


def post_name(post: Post, lang: str = "nl") -> str:
    """The post as said in `lang`: "loket 3", "guichet 3", "snelbalie", "guichet rapide"."""
    word, num = post_parts(post)
    translated = POST_WORDS.get(word, {}).get(lang)
    if translated is None:
        translated = post.name.strip() if not num else word
    return f"{translated} {num}".strip()


def post_short(post: Post) -> str:
    """What goes after the ticket number in big characters: "3" for Loket 3, else the name."""
    word, num = post_parts(post)
    return num or post.name.strip().upper()


def spoken_number(number: str) -> str:
    """"A012" → "A 12": letters apart and no leading zeros, as people say it."""
    m = re.match(r"^([A-Za-z]*)0*(\d+)$", number)
    if not m:
        return number
    letters, digits = m.groups()
    return f"{' '.join(letters.upper())} {digits}".strip()


def speech(number: str, post: Post, lang: str = "nl", *, recall: bool = False,
           short: bool = False) -> str:
    """The sentence to speak. `short` ("A 12, loket 3") is for announcements that waited."""
    spoken, where = spoken_number(number), post_name(post, lang)
    if short:
        return f"{spoken}, {where}"
    call, again = SPEECH.get(lang, SPEECH["nl"])
    return (again if recall else call).format(number=spoken, post=where)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def long_date(at: datetime, lang: str) -> str:
    day = WEEKDAY_NAMES.get(lang, WEEKDAY_NAMES["nl"])[at.weekday()]
    month = MONTH_NAMES.get(lang, MONTH_NAMES["nl"])[at.month - 1]
    if lang == "en":
        return f"{day} {at.day} {month}"
    if lang == "de":
        return f"{day}, {at.day}. {month}"
    return f"{day} {at.day} {month}"
