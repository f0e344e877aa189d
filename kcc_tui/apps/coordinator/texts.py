"""Dutch words for the coordinator pane, the same as the counter app uses (apps/counter/texts.py).

The coordinator is a Flemish civil servant, so the pane speaks Dutch. A refusal of the domain is
shown in Dutch from its code (apps/refusals.py), as at the counters; its English reason is the
CLI's.
"""

from __future__ import annotations

# a post's state on the board (PostState.status: a ticket status, "idle", "paused", "closed")
POST_STATE_NL = {
    "called": "opgeroepen",
    "serving": "in behandeling",
    "idle": "vrij",
    "paused": "pauze",
    "closed": "gesloten",
    "unreachable": "onbereikbaar",  # open, but its counter app went silent
}

# where a broadcast goes (Broadcast.targets)
TARGETS_NL = {"counters": "de loketten", "display": "het scherm in de wachtzaal"}


def waiting_people(n: int) -> str:
    """"1 wachtende", "3 wachtenden"."""
    return f"{n} wachtende" if n == 1 else f"{n} wachtenden"


def tickets(n: int) -> str:
    return f"{n} ticket" if n == 1 else f"{n} tickets"
