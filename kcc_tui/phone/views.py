"""What the phone page and the public board show, as plain data built from the day's state.

A ticket view holds only that ticket's own facts plus counts (people ahead); the board holds
what the wall display shows. Neither ever holds a token. Texts are made here, in the page's
language, so the HTML page, the JSON poll and the SSE stream say the same words.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..apps.display.board import CallBoard, queues, services_for
from ..domain.clock import local
from ..domain.commands import ticket_by_token
from ..domain.estimate import Estimate, people_ahead
from ..domain.office import Office
from ..domain.routing import is_away, rank_key
from ..domain.state import DayState, Ticket
from ..wait_words import estimate_words, reason_words
from .texts import minutes_text, tr

ENDED = {"done": "done", "no_show": "no_show", "closed_unserved": "closed", "left": "left"}


def live_ticket(state: DayState, token_hash: str, now: datetime,
                grace: timedelta) -> Ticket | None:
    """Today's ticket of this token while its page lives: open, or ended less than `grace` ago.
    None for an unknown token, yesterday's, or one whose ticket ended earlier (the same 404)."""
    t = ticket_by_token(state, token_hash)
    if t is None:
        return None
    if t.status in ENDED:
        ended = t.intervals[-1].ended_at if t.intervals else None
        if ended is None or now - ended > grace:
            return None
    return t


def phase(t: Ticket, now: datetime) -> str:
    """waiting, away, called, serving, done, no_show, left or closed."""
    if t.status == "waiting":
        return "away" if is_away(t, now) else "waiting"
    if t.status == "called":
        return "called"
    if t.status in ("serving", "parked"):
        return "serving"
    return ENDED.get(t.status, "closed")


def positions(state: DayState, office: Office, now: datetime) -> dict[str, int]:
    """`people_ahead` of every waiting ticket at once: one sort per service instead of a count
    over the queue per ticket (500 open pages would make that 250,000 comparisons a change)."""
    by_service: dict[str, list[tuple[tuple[int, float, int], str]]] = {}
    for t in state.queue.values():
        by_service.setdefault(t.service, []).append((rank_key(t, office, now), t.number))
    out: dict[str, int] = {}
    for items in by_service.values():
        items.sort()
        out.update((number, i) for i, (_, number) in enumerate(items))
    return out


def ticket_view(state: DayState, office: Office, t: Ticket, now: datetime, lang: str,
                estimate: Estimate | None, pending: bool = False,
                ahead: dict[str, int] | None = None) -> dict[str, Any]:
    """The snapshot one ticket page shows (and the SSE stream sends on every change); `ahead`
    is `positions()` when many pages are served at once."""
    ph = phase(t, now)
    post = office.posts[t.post].name if t.post in office.posts else ""
    until = local(t.away_until, office.timezone).strftime("%H:%M") if t.away_until else ""
    view: dict[str, Any] = {
        "seq": state.seq,
        "phase": ph,
        "number": t.number,
        "service": office.services[t.service].name(lang) if t.service in office.services
        else t.service,
        "headline": tr(lang, ph if ph != "waiting" else "waiting", post=post, until=until),
        "ahead": "",
        "estimate": "",
        "updated": tr(lang, "updated", time=local(now, office.timezone).strftime("%H:%M:%S")),
        "can_away": ph == "waiting",
        "can_back": ph == "away",
        "can_leave": ph in ("waiting", "away"),
    }
    if ph in ("waiting", "away"):
        n = ahead.get(t.number) if ahead is not None else None
        if n is None:
            n = people_ahead(state, office, t.service, now, t)
        view["ahead"] = tr(lang, "ahead", n=n)
        if pending:
            view["estimate"] = tr(lang, "estimating")
        elif estimate is not None:
            view["estimate"] = tr(lang, "estimate", text=reason_words(estimate.code, lang)
                                  if estimate.wait_s is None else minutes_text(
                                      estimate.p10_s, estimate.wait_s, estimate.p90_s, lang))
    return view


def board_view(state: DayState, office: Office, now: datetime, lang: str,
               history: int = 8) -> dict[str, Any]:
    """The public board: recent calls and the queues with their estimates, nothing personal
    (numbers and counter names, as the wall display shows them)."""
    posts = [p for p, v in office.posts.items() if v.kind != "phone"]
    board = CallBoard(posts, history)
    board.rebuild(state)
    calls = [{"number": c.number,
              "post": office.posts[c.post].name if c.post in office.posts else c.post,
              "at": local(c.at, office.timezone).strftime("%H:%M")} for c in board.calls]
    qs = []
    for q in queues(state, office, services_for(office, posts), now):
        # the wall display's words for the one estimate of this state (wait_words)
        est = estimate_words(q.estimate, lang)
        qs.append({"service": office.services[q.service].name(lang), "prefix": q.prefix,
                   "waiting": q.waiting,
                   "estimate": est if q.waiting or q.estimate.wait_s else "—"})
    return {"seq": state.seq, "calls": calls, "queues": qs,
            "updated": tr(lang, "updated", time=local(now, office.timezone).strftime("%H:%M:%S"))}
