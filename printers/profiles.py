"""Printer profiles: which models python-escpos knows, and which kcc prints to with another's.

python-escpos describes each model (columns, code pages, features) in `capabilities.json`;
without the right profile centring and cutting silently do nothing, and a name it does not
know fails with `KeyError` at the first ticket. The config loader checks the name here, at
load, so a wrong profile is a one-line error instead.

Some current models are missing from that database but speak the same commands as one that
is there: `NEAREST` maps them (checked against the makers' command references), so
`profile = "TM-T20III"` works and prints as `TM-T20II`. For any other missing model, set
`profile` to the nearest listed one yourself (the error lists close matches).

This module reads the JSON file itself instead of importing `escpos.capabilities`, whose
import configures the root logger and makes a temporary folder: config loading stays cheap
and quiet.
"""

from __future__ import annotations

import difflib
import functools
import json
from importlib import resources
from typing import Any, Final

# A model missing from python-escpos 3.1's database -> the listed model whose command set,
# paper width and code pages it shares.
NEAREST: Final[dict[str, str]] = {
    "TM-T20III": "TM-T20II",  # Epson: TM-T20III is command-compatible with TM-T20II, 80 mm
    "TM-T20IV": "TM-T20II",
    "TM-T88VI": "TM-T88V",  # Epson: TM-T88VI/VII keep TM-T88V's 512-dot head and code pages
    "TM-T88VII": "TM-T88V",
}


@functools.cache
def _database() -> dict[str, dict[str, Any]]:
    text = (resources.files("escpos") / "capabilities.json").read_text(encoding="utf-8")
    profiles: dict[str, dict[str, Any]] = json.loads(text)["profiles"]
    return profiles


def known_profiles() -> list[str]:
    """Every profile name python-escpos knows, plus the models kcc maps to a nearest one."""
    return sorted({*_database(), *NEAREST})


def escpos_profile(name: str) -> str:
    """The python-escpos profile to print with for the configured `name`."""
    return NEAREST.get(name, name)


def code_pages(name: str) -> set[str]:
    """The code pages the profile `name` supports (empty for an unknown profile)."""
    data = _database().get(escpos_profile(name), {})
    return {str(page) for page in data.get("codePages", {}).values()}


def columns(name: str, font: str = "0") -> int | None:
    """Characters per line in `font` ("0" is Font A) for profile `name`, if the profile says."""
    data = _database().get(escpos_profile(name), {})
    value = data.get("fonts", {}).get(font, {}).get("columns")
    return value if isinstance(value, int) and value > 0 else None


def profile_problem(name: str, code_page: str) -> str | None:
    """Why `name` cannot print kcc's tickets (unknown, or no `code_page`), else None."""
    base = escpos_profile(name)
    if base not in _database():
        close = difflib.get_close_matches(name, known_profiles(), n=4, cutoff=0.5)
        hint = f" (close: {', '.join(close)})" if close else ""
        return (
            f"unknown printer profile {json.dumps(name)}{hint}; for a model python-escpos "
            "does not list, set the nearest listed profile (see docs/configuration.md)"
        )
    if code_page not in code_pages(name):
        usable = [p for p in known_profiles() if code_page in code_pages(p)]
        close = difflib.get_close_matches(name, usable, n=4, cutoff=0.5)
        hint = f" (close that do: {', '.join(close)})" if close else ""
        return (
            f"printer profile {json.dumps(name)} has no code page {code_page}, which tickets "
            f"need for é, ë, ç and €{hint}"
        )
    return None
