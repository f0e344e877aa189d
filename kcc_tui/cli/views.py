"""How tickets, posts and the day look in CLI output: JSON objects and short text lines.

The JSON shapes are a public interface (scripts and integrations use them): keep them stable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.clock import iso, local
from ..domain.estimate import estimate
from ..domain.events import Event
from ..domain.kpi import idle_s
from ..domain.office import Office
from ..domain.state import DayState, Ticket
from ..wait_words import minutes_words


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
        promise = estimate(state, office, t.service, now, t)
        d["people_ahead"] = promise.ahead
        d["estimated_wait_min"] = promise.minutes
        d["estimate_reason"] = promise.code
        d["waiting_min"] = minutes((now - t.queued_at).total_seconds()) if t.queued_at else None
    if t.outcome:
        d["outcome"], d["topics"] = t.outcome, list(t.topics)
    if t.print_failed:
        d["print_failed"] = t.print_failed
    return d


def ticket_line(t: Ticket, office: Office, tz: str) -> str:
    svc = office.services.get(t.service)
    name = svc.name() if svc else t.service
    at = local(t.issued_at, tz).strftime("%H:%M")
    where = f" @ {office.posts[t.post].name}" if t.post in office.posts else ""
    return f"{t.number:<6} {t.status:<15} {name:<28} {at}{where}"


def state_json(state: DayState, office: Office, now: datetime) -> dict[str, Any]:
    services = []
    for code, svc in office.services.items():
        waiting = state.waiting(code)
        longest = max(((now - t.queued_at).total_seconds() for t in waiting if t.queued_at),
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
    lines = [f"Day {data['day']}" + ("  (closed)" if data["ended"] else ""), "",
             f"{'service':<28}{'waiting':>8}{'longest':>9}{'estimate':>20}"]
    for s in data["services"]:
        est = minutes_words(s["estimated_wait_min"], s["estimate_reason"], "en")
        flag = "" if s["issuing"] else "  (not issuing)"
        lines.append(f"{s['name']:<28}{s['waiting']:>8}{s['longest_wait_min']:>6} min"
                     f"{est:>20}{flag}")
    lines += ["", f"{'post':<14}{'staff':<10}{'state':<10}{'ticket':<8}{'served':>7}"]
    for p in data["posts"]:
        st = p["state"] + (f" ({p['pause_reason']})" if p["pause_reason"] else "")
        num = p["ticket"]["number"] if p["ticket"] else "-"
        lines.append(f"{p['name']:<14}{p['staff'] or '-':<10}{st:<10}{num:<8}{p['served']:>7}")
    return "\n".join(lines)


def event_json(e: Event) -> dict[str, Any]:
    return {"seq": e.seq, "stream": e.stream, "version": e.version, "type": e.type,
            "at": iso(e.at), "day": str(e.day), "actor": e.actor, "data": e.data}


def event_line(e: Event) -> str:
    return f"{e.seq:>7} {iso(e.at)[:19]} {e.actor:<10} {e.type:<24} {e.data}"
