"""What a coordinator action would do, said before it is done: no Textual here.

Each check returns a blocker (the action cannot be done now: the same reason the domain would
refuse it with) and the consequences for waiting citizens, which the pane asks to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...domain.clock import local
from ...domain.estimate import mean_service_s, serving_posts
from ...domain.office import Office
from ...domain.routing import eligible, rank_key
from ...domain.state import ACTIVE_STATUSES, DayState, Ticket
from ..dutch import TICKET_STATUS_NL, post_name, staff_name
from .board import clear_queue_s, closing_time
from .texts import tickets, waiting_people


@dataclass(frozen=True)
class Check:
    blocker: str | None = None
    effects: list[str] = field(default_factory=list)  # consequences for waiting citizens


def left_unserved(state: DayState, office: Office,
                  profiles: dict[str, dict[str, float] | None]) -> list[str]:
    """Services with waiting tickets that no open post would serve after a change.

    `profiles`: post id -> its services afterwards, or None when the post closes.
    """

    def served_by(overrides: dict[str, dict[str, float] | None]) -> set[str]:
        codes: set[str] = set()
        for pid in set(state.posts) | set(overrides):
            if pid in overrides:
                services = overrides[pid]
            else:
                p = state.posts[pid]
                services = p.services if p.open else None
            codes |= set(services or ())
        return codes

    before, after = served_by({}), served_by(profiles)
    out = []
    for code, svc in office.services.items():
        waiting = len([t for t in state.waiting(code) if t.target_post is None])
        if waiting and code in before and code not in after:
            out.append(f"{svc.name()}: {waiting_people(waiting)}, maar dan geen open loket meer")
    return out


def check_move(state: DayState, office: Office, staff: str, to_post: str) -> Check:
    """Moving a staff member: refused while they have a citizen called or at the counter."""
    at = state.staff.get(staff)
    here = at.post if at is not None else None
    name = staff_name(office, staff)
    if here is not None and state.post(here).open:
        p = state.post(here)
        if p.current is not None and state.tickets[p.current].status in ACTIVE_STATUSES:
            return Check(f"{name} is bezig met {p.current} aan {post_name(office, here)}: "
                         "verplaatsen kan zodra dat ticket afgerond is")
    if here == to_post and state.post(to_post).open:
        return Check(f"{name} werkt al aan {post_name(office, to_post)}")
    target = state.post(to_post)
    if target.open:
        return Check(f"{post_name(office, to_post)} is open ({staff_name(office, target.staff)}):"
                     " sluit het eerst, of verplaats die medewerker eerst")
    services = dict(target.services or office.posts[to_post].services)
    changes: dict[str, dict[str, float] | None] = {to_post: services}
    if here is not None and state.post(here).open:
        changes[here] = None
    return Check(None, left_unserved(state, office, changes))


def check_close(state: DayState, office: Office, post: str) -> Check:
    p = state.post(post)
    if not p.open:
        return Check(f"{post_name(office, post)} is al gesloten")
    if p.current is not None:
        return Check(f"{post_name(office, post)} heeft nog ticket {p.current}: sluiten kan zodra "
                     "dat ticket afgerond of doorgestuurd is")
    return Check(None, left_unserved(state, office, {post: None}))


def check_profile(state: DayState, office: Office, post: str,
                  services: dict[str, float]) -> Check:
    if not state.post(post).open:
        return Check()  # takes effect when the post opens; nobody is left waiting by it now
    return Check(None, left_unserved(state, office, {post: services}))


def check_pause(state: DayState, office: Office, post: str) -> Check:
    p = state.post(post)
    name = post_name(office, post)
    if not p.open:
        return Check(f"{name} is gesloten")
    if p.pause_reason is not None:
        return Check()  # resuming affects nobody badly
    if p.current is not None:
        return Check(f"{name} heeft nog ticket {p.current}: pauzeren kan zodra dat ticket "
                     "afgerond is")
    others = {pid: q for pid, q in state.posts.items()
              if pid != post and q.open and q.pause_reason is None}
    effects = []
    for code in p.services:
        waiting = len([t for t in state.waiting(code) if t.target_post is None])
        if waiting and not any(code in q.services for q in others.values()):
            effects.append(f"{office.services[code].name()}: {waiting_people(waiting)}, pas "
                           "opgeroepen na de pauze")
    return Check(None, effects)


def check_call(state: DayState, office: Office, number: str, post: str,
               now: datetime) -> Check:
    """Calling one ticket out of turn: who is passed over."""
    t = state.tickets.get(number.strip().upper())
    name = post_name(office, post)
    if t is None:
        return Check(f"Vandaag is er geen ticket {number.strip().upper() or '(leeg)'}")
    if t.status != "waiting":
        return Check(f"Ticket {t.number} wacht niet: het is "
                     f"{TICKET_STATUS_NL.get(t.status, t.status)}")
    p = state.post(post)
    if not p.open:
        return Check(f"{name} is gesloten")
    if p.pause_reason is not None:
        return Check(f"{name} is in pauze ({p.pause_reason})")
    if p.current is not None:
        return Check(f"{name} heeft nog ticket {p.current}")
    # passed over: the tickets this post's "call next" would have taken before this one
    def key(o: Ticket) -> tuple[int, float, int]:
        return rank_key(o, office, now, p.services.get(o.service, 1.0), post)

    mine = key(t)
    ahead = [o for o in state.waiting() if o is not t and eligible(o, post, p.services)
             and key(o) < mine]
    effects = []
    if ahead:
        effects.append(f"{t.number} passeert {tickets(len(ahead))} "
                       f"{'dat' if len(ahead) == 1 else 'die'} {name} eerst zou oproepen")
    if t.service not in p.services:
        effects.append(f"{office.services[t.service].name()} is normaal geen dienst van {name}")
    return Check(None, effects)


def issuing_lines(state: DayState, office: Office, code: str, now: datetime) -> list[str]:
    """What stopping issuing means near closing time: how long the current queue needs."""
    svc = office.services[code]
    waiting = len(state.waiting(code))
    clear = clear_queue_s(state, office, code, waiting)
    closes = closing_time(office, now)
    lines = [f"De kiosk biedt {svc.name()} niet meer aan; "
             + ("er wacht nu niemand voor deze dienst." if waiting == 0 else
                "het ticket dat al wacht, wordt nog geholpen." if waiting == 1 else
                f"de {waiting} tickets die al wachten, worden nog geholpen.")]
    if waiting and clear is None:
        lines.append("Geen open loket bedient deze dienst nu: de wachtrij raakt niet vanzelf "
                     "leeg.")
    elif waiting and clear is not None:
        done = local(now, office.timezone) + timedelta(seconds=clear)
        mean = mean_service_s(state, office, code) / 60
        posts = serving_posts(state, code)
        lines.append(f"De wachtrij is over ongeveer {round(clear / 60)} min leeg (om "
                     f"{done:%H:%M}: {waiting} × {mean:.0f} min ÷ {posts} open "
                     f"loket{'ten' if posts > 1 else ''}).")
    if closes is not None:
        lines.append(f"Sluitingstijd {local(closes, office.timezone):%H:%M}.")
    else:
        lines.append("Vandaag geen openingsuren meer.")
    return lines
