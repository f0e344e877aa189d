"""The "call next" rule (DESIGN.md §3, §8), configured by `[routing]` in config.toml.

The calling order, first to last (docs/appointments.md has a table of examples):

| class | tickets                                                      | among them          |
|-------|--------------------------------------------------------------|---------------------|
| head  | transferred to the head of the queue, or sent to this post   | oldest first        |
| prio  | priority tickets (`priority_first`)                          | oldest first        |
| late  | checked-in appointments waiting past the appointment target  | booked start        |
| due   | checked-in appointments with booked start ≤ now + lead       | booked start        |
| walk  | walk-ins                                                     | the configured rule |
| early | checked-in appointments not yet due: only when a post would   | booked start        |
|       | otherwise be idle                                            |                     |

Walk-ins cannot starve: when "call next" would take a due or early appointment while a walk-in
has waited ≥ its target × `walk_in_starve_factor`, it takes that walk-in (the first of the
starving ones by the rule). `rank_key` orders the classes; `choose_next` adds the starvation
step, so the order among walk-ins is exactly the configured rule's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .office import Office
from .state import DayState, Ticket

# The first element of `rank_key`: smaller is called first (walk-ins keep 0, as before
# appointments existed).
HEAD, PRIORITY, LATE, DUE, WALK_IN, EARLY = -5, -4, -3, -2, 0, 1


def eligible(t: Ticket, post_id: str, services: dict[str, float], serves: str = "both") -> bool:
    """A waiting ticket this post may call next: sent to this post, or of a service it serves
    and of the kind it serves (appointments, walk-ins or both)."""
    if t.status != "waiting":
        return False
    if t.target_post is not None:
        return t.target_post == post_id
    if serves != "both" and (t.booked_at is not None) != (serves == "appointments"):
        return False
    return t.service in services


def is_away(t: Ticket, now: datetime) -> bool:
    """The citizen said "even weg" on the phone page: keeps the place, not called until back
    (or until the time given runs out)."""
    return t.away_until is not None and now < t.away_until


def appointment_wait_s(t: Ticket, now: datetime) -> float:
    """How long an appointment has waited so far: now − max(booked start, check-in)."""
    assert t.booked_at is not None
    return (now - max(t.booked_at, t.issued_at)).total_seconds()


def rank_key(
    t: Ticket, office: Office, now: datetime, weight: float = 1.0, post_id: str | None = None
) -> tuple[int, float, int]:
    """Smaller sorts first: the class of the table above, then within it the booked start
    (appointments) or the waiting-time-to-target ratio (walk-ins), then age."""
    r = office.routing
    if t.head or (post_id is not None and t.target_post == post_id):
        return (HEAD, 0.0, t.order)
    if t.priority and r.priority_first:
        return (PRIORITY, 0.0, t.order)
    booked = getattr(t, "booked_at", None)  # the forecast's drawn tickets have none
    if booked is not None:
        if booked > now + timedelta(minutes=r.appointment_lead_min):
            cls = EARLY
        elif appointment_wait_s(t, now) >= office.appointments.target_wait_min * 60:
            cls = LATE
        else:
            cls = DUE
        return (cls, booked.timestamp(), t.order)
    ratio = 0.0
    if r.rule == "ratio" and t.queued_at is not None:
        ratio = weight * (now - t.queued_at).total_seconds() / _target_s(t, office)
    return (WALK_IN, -ratio, t.order)


def _target_s(t: Ticket, office: Office) -> float:
    service = office.services.get(t.service)
    return service.target_wait_min * 60 if service else 600.0


def is_starving(t: Ticket, office: Office, now: datetime) -> bool:
    """A walk-in that has waited its target × `walk_in_starve_factor` (or longer)."""
    if t.booked_at is not None or t.queued_at is None:
        return False
    waited = (now - t.queued_at).total_seconds()
    return waited >= _target_s(t, office) * office.routing.walk_in_starve_factor


def choose_next(state: DayState, office: Office, post_id: str, now: datetime) -> Ticket | None:
    services = state.post(post_id).services
    conf = office.posts.get(post_id)
    serves = conf.serves if conf is not None else "both"
    best: Ticket | None = None
    best_key: tuple[int, float, int] | None = None
    starving: Ticket | None = None  # the first walk-in, by the rule, that is starving
    starving_key: tuple[int, float, int] | None = None
    for t in state.queue.values():
        if not eligible(t, post_id, services, serves) or is_away(t, now):
            continue
        key = rank_key(t, office, now, services.get(t.service, 1.0), post_id)
        if best_key is None or key < best_key:
            best, best_key = t, key
        if key[0] == WALK_IN and (starving_key is None or key < starving_key) \
                and is_starving(t, office, now):
            starving, starving_key = t, key
    if best_key is not None and best_key[0] in (DUE, EARLY) and starving is not None:
        return starving
    return best
