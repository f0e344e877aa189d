"""How tickets, posts and the day look in CLI output: JSON objects and short text lines.

The JSON shapes are a public interface (scripts and integrations use them): keep them stable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.clock import iso, local
from ..domain.estimate import estimate, ticket_promise
from ..domain.events import Event
from ..domain.kpi import idle_s
from ..domain.office import Office
from ..domain.state import DayState, Ticket
from ..wait_words import minutes_words
from .tables import render


def minutes(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds / 60)


def ticket_json(t: Ticket, state: DayState, office: Office, now: datetime) -> dict[str, Any]:
    d: dict[str, Any] = {
        "number": t.number,
        "service": t.service,
        "status": t.status,
        "issued_at": iso(t.issued_at),
        "priority": t.priority,
        "lang": t.lang,
        "post": t.post,
        "staff": t.staff,
        "recalls": t.recalls,
        "transfers": t.transfers,
    }
    if t.status == "waiting":
        promise = ticket_promise(state, office, t, now)
        d["people_ahead"] = promise.ahead
        d["estimated_wait_min"] = promise.minutes
        d["estimate_reason"] = promise.code
        d["waiting_min"] = minutes((now - t.issued_at).total_seconds())  # from issue (§4)
    if t.outcome:
        d["outcome"], d["topics"] = t.outcome, list(t.topics)
    if t.appointment is not None and t.booked_at is not None:
        a = state.appointments.get(t.appointment)
        d["appointment"] = {"reference": a.reference if a else t.appointment,
                            "booked_start": iso(t.booked_at),
                            "booked_time": local(t.booked_at, office.timezone).strftime("%H:%M"),
                            "duration_min": t.duration_min}
    if t.print_failed:
        d["print_failed"] = t.print_failed
    return d


def tickets_text(tickets: list[Ticket], office: Office, tz: str) -> str:
    def row(t: Ticket) -> list[object]:
        svc = office.services.get(t.service)
        post = office.posts[t.post].name if t.post in office.posts else None
        return [t.number, t.status, svc.name() if svc else t.service,
                local(t.issued_at, tz).strftime("%H:%M"), post]

    return render([("ticket", "left"), ("status", "left"), ("service", "left"),
                   ("issued", "left"), ("post", "left")], [row(t) for t in tickets])


def state_json(state: DayState, office: Office, now: datetime) -> dict[str, Any]:
    services = []
    for code, svc in office.services.items():
        waiting = state.waiting(code)
        longest = max(((now - t.issued_at).total_seconds() for t in waiting),
                      default=0.0)
        est = estimate(state, office, code, now)
        services.append({
            "service": code,
            "name": svc.name(),
            "waiting": len(waiting),
            "longest_wait_min": minutes(longest),
            "estimated_wait_min": est.minutes,
            "estimate_reason": est.code,
            "issuing": state.issuing.get(code, svc.issuing),
        })
    posts = []
    for pid, post in office.posts.items():
        p = state.post(pid)
        cur = state.tickets.get(p.current) if p.current else None
        posts.append({
            "post": pid,
            "name": post.name,
            "staff": p.staff,
            "state": p.status(state.tickets),
            "pause_reason": p.pause_reason,
            "ticket": ticket_json(cur, state, office, now) if cur else None,
            "served": p.served,
            "idle_min": minutes(idle_s(p, state.tickets, now)) if p.opened_at else None,
            "services": sorted(p.services or post.services),
        })
    return {"day": str(state.day), "seq": state.seq, "services": services, "posts": posts,
            "ended": state.ended}


def state_text(data: dict[str, Any]) -> str:
    services = render(
        [("service", "left"), ("waiting", "right"), ("longest", "right"),
         ("estimate", "right"), ("", "left")],
        [[s["name"], s["waiting"], f"{s['longest_wait_min']} min",
          minutes_words(s["estimated_wait_min"], s["estimate_reason"], "en"),
          "" if s["issuing"] else "not issuing"] for s in data["services"]])
    posts = render(
        [("post", "left"), ("staff", "left"), ("state", "left"), ("ticket", "left"),
         ("served", "right")],
        [[p["name"], p["staff"],
          p["state"] + (f" ({p['pause_reason']})" if p["pause_reason"] else ""),
          p["ticket"]["number"] if p["ticket"] else None, p["served"]]
         for p in data["posts"]])
    head = f"Day {data['day']}" + ("  (closed)" if data["ended"] else "")
    return "\n".join([head, "", services, "", posts])


def event_json(e: Event) -> dict[str, Any]:
    return {"seq": e.seq, "stream": e.stream, "version": e.version, "type": e.type,
            "at": iso(e.at), "day": str(e.day), "actor": e.actor, "data": e.data}


def event_line(e: Event) -> str:
    return f"{e.seq:>7} {iso(e.at)[:19]} {e.actor:<10} {e.type:<24} {e.data}"
