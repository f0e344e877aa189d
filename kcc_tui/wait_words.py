"""How every surface words a wait estimate (`domain.estimate.Estimate`), in nl/fr/en/de.

The domain gives a number or a reason code; the words are made here, once, for the kiosk, the
printed ticket, the wall display, the counter, the coordinator and the CLI.
"""

from __future__ import annotations

from .domain.estimate import DAY_ENDED, NO_OPEN_POST, NOT_TODAY, Estimate, wait_text

REASONS: dict[str, dict[str, str]] = {
    NO_OPEN_POST: {"nl": "geen loket open", "fr": "aucun guichet ouvert",
                   "en": "no counter open", "de": "kein Schalter offen"},
    NOT_TODAY: {"nl": "wellicht niet meer vandaag", "fr": "sans doute plus aujourd'hui",
                "en": "probably not today", "de": "heute wohl nicht mehr"},
    DAY_ENDED: {"nl": "dag afgesloten", "fr": "journée terminée", "en": "day ended",
                "de": "Tag beendet"},
}


def reason_words(code: str | None, lang: str = "nl") -> str:
    table = REASONS.get(code or NO_OPEN_POST, REASONS[NO_OPEN_POST])
    return table.get(lang) or table["nl"]


def estimate_words(e: Estimate, lang: str = "nl") -> str:
    """"± 12 min", "± 1u05" (above 60 minutes), or the reason there is no number."""
    return minutes_words(e.minutes, e.code, lang)


def minutes_words(minutes: int | None, code: str | None, lang: str = "nl") -> str:
    """The same from whole minutes (what a kiosk keeps of an issued ticket)."""
    if minutes is None:
        return reason_words(code or NO_OPEN_POST, lang)
    if minutes < 1:  # as the printed ticket says it: "± 0 min" reads like a promise of none
        return "< 1 min"
    return "± " + wait_text(minutes * 60, lang)
