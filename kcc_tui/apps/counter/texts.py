"""Dutch labels and time formatting for the counter screens.

Staff at a Flemish counter work in Dutch, so the counter speaks Dutch. A refusal of the domain
is shown in Dutch from its code (apps/refusals.py); the English reason is the CLI's.
"""

from __future__ import annotations

from datetime import datetime

from ...domain.clock import local
from ...domain.office import Office
from ...domain.state import DayState, PostState, Ticket
from ..dutch import post_name, staff_name
from ..literal import shown

# Configured outcome codes get a Dutch label when we know them; others show as written.
OUTCOME_NL = {
    "done": "Afgehandeld",
    "incomplete": "Onvolledig",
    "referred": "Doorverwezen",
    "appointment": "Afspraak gemaakt",
}

EVENT_NL = {
    "ticket_called": "opgeroepen",
    "ticket_recalled": "opnieuw opgeroepen",
    "ticket_called_back": "teruggeroepen",
    "ticket_no_show": "niet verschenen",
    "ticket_requeued": "terug in de wachtrij",
    "ticket_started": "in behandeling",
    "ticket_finished": "afgerond",
    "ticket_transferred": "doorgestuurd",
    "ticket_parked": "geparkeerd",
    "ticket_resumed": "hervat",
    "ticket_closed_unserved": "afgesloten bij sluiting",
    "ticket_left": "geannuleerd via de gsm",
}



def duration(seconds: float) -> str:
    """m:ss below an hour, h:mm:ss above: ticks visibly every second."""
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def clock_time(at: datetime | None, office: Office) -> str:
    return local(at, office.timezone).strftime("%H:%M") if at else "—"


def service_name(office: Office, code: str) -> str:
    svc = office.services.get(code)
    return shown(svc.name("nl") if svc else code)


def actor_name(office: Office, actor: str) -> str:
    """Who did it, for a notice: a staff member's name, else the system (CLI, scheduler)."""
    member = office.staff.get(actor)
    return shown(member.name) if member else "het systeem"


def outcome_label(code: str) -> str:
    return OUTCOME_NL.get(code, shown(code))


def waited_s(t: Ticket) -> float | None:
    """How long the citizen waited for the current call, counted from taking the ticket
    (DESIGN.md §4: never from a requeue or transfer). A resumed parked or called-back ticket
    shows the wait up to its last real call."""
    for iv in reversed(t.intervals):
        if iv.queued_at is not None and iv.called_at is not None:
            return (iv.called_at - t.issued_at).total_seconds()
    return None


def post_line(state: DayState, office: Office, p: PostState) -> str:
    """One status line for the post: who, since when, how many served, pause."""
    if not p.open:
        return f"{post_name(office, p.id)} is gesloten"
    parts = [f"{post_name(office, p.id)} open sinds {clock_time(p.opened_at, office)}",
             staff_name(office, p.staff)]
    kind = office.posts[p.id].kind if p.id in office.posts else "desk"
    parts.append(f"{p.calls} gesprekken" if kind == "phone" else f"{p.served} geholpen")
    if p.pause_reason is not None:
        label = shown(office.reasons.pause_label(p.pause_reason))
        parts.append(f"PAUZE: {label} (sinds {clock_time(p.paused_at, office)})")
    return " · ".join(parts)


def last_message(state: DayState, office: Office, now: datetime) -> str:
    """The newest coordinator message shown now (not withdrawn, not expired), or ""."""
    messages = state.current_messages("counters", now)
    if not messages:
        return ""
    m = messages[-1]
    return f"Bericht {clock_time(m.at, office)}: {shown(m.text)}"
