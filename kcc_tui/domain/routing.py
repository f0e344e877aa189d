"""The "call next" rule (DESIGN.md §3), configured by `[routing]` in config.toml."""

from __future__ import annotations

from datetime import datetime

from .office import Office
from .state import DayState, Ticket


def eligible(t: Ticket, post_id: str, services: dict[str, float]) -> bool:
    """A waiting ticket this post may call next: sent to this post, or of a service it serves."""
    if t.status != "waiting":
        return False
    if t.target_post is not None:
        return t.target_post == post_id
    return t.service in services


def is_away(t: Ticket, now: datetime) -> bool:
    """The citizen said "even weg" on the phone page: keeps the place, not called until back
    (or until the time given runs out)."""
    return t.away_until is not None and now < t.away_until


def rank_key(
    t: Ticket, office: Office, now: datetime, weight: float = 1.0, post_id: str | None = None
) -> tuple[int, float, int]:
    """Smaller sorts first: priority class, then waiting-time-to-target ratio, then age."""
    r = office.routing
    cls = 0
    if t.head or (post_id is not None and t.target_post == post_id):
        cls = 2
    elif t.priority and r.priority_first:
        cls = 1
    ratio = 0.0
    if r.rule == "ratio" and t.queued_at is not None:
        service = office.services.get(t.service)
        target_s = service.target_wait_min * 60 if service else 600.0
        ratio = weight * (now - t.queued_at).total_seconds() / target_s
    return (-cls, -ratio, t.order)


def choose_next(state: DayState, office: Office, post_id: str, now: datetime) -> Ticket | None:
    services = state.post(post_id).services
    best: Ticket | None = None
    best_key: tuple[int, float, int] | None = None
    for t in state.queue.values():
        if not eligible(t, post_id, services) or is_away(t, now):
            continue
        key = rank_key(t, office, now, services.get(t.service, 1.0), post_id)
        if best_key is None or key < best_key:
            best, best_key = t, key
    return best
