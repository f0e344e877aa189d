"""The office's identity: a code that says which office an event store belongs to.

Several offices (DESIGN.md §8) each have their own store on SQLite; the code recorded in a store
keeps one office's config from ever appending to another office's log. It is `[office] id` in
config.toml, or, where that is left out (every config written before there were several
offices), derived from `[office] name` so that existing configs keep working unchanged.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LEN = 32  # as every code in config.toml (config/checks.py)
FALLBACK = "office"  # a name with no letter or digit at all


def derived_id(name: str) -> str:
    """The id of an office configured without one: its name in lowercase, accents dropped,
    every run of other characters one "-", cut at a "-" to at most 32 characters.
    "Stad Leiebrugge — Klantencontactcenter" → "stad-leiebrugge"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(slug) > MAX_LEN:
        cut = slug[:MAX_LEN + 1]  # a "-" right after 32 characters is a clean cut too
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:MAX_LEN]
    return slug.strip("-") or FALLBACK
