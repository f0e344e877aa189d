"""Whether the kiosk offers a service right now, and why not.

The domain decides what the store accepts (`issuing_now`: day closed, issuing stopped, daily
cap). Opening hours are the kiosk's own rule: the store accepts a ticket at any time (the CLI
may issue one for a late appointment), but a citizen arriving after closing must not get a
number nobody will call. No Textual here: the screens only translate the reason codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from ...domain.clock import local
from ...domain.commands import NotIssuing, issuing_now
from ...domain.office import Office
from ...domain.state import DayState

Reason = Literal["closed", "stopped", "cap", "no_priority", "out_of_order"]
# the domain's codes (`NotIssuing`, the issuing refusals) as the kiosk's reasons
KIOSK_REASON: dict[str, Reason] = {
    NotIssuing.DAY_CLOSED: "closed", NotIssuing.STOPPED: "stopped", NotIssuing.CAP: "cap",
    "no_priority": "no_priority",
}


@dataclass(frozen=True, slots=True)
class Availability:
    reason: Reason | None = None  # None: the service issues tickets now
    opens_at: time | None = None  # for "closed": the next opening, if any within a week ...
    opens_days: int = 0  # ... this many days from today (0: later today, 1: tomorrow)

    @property
    def ok(self) -> bool:
        return self.reason is None


def next_opening(office: Office, now: datetime,
                 today_done: bool = False) -> tuple[bool, tuple[int, time] | None]:
    """(open now, (days from today, time) of the next opening within a week, if closed).
    `today_done`: the day was ended, so nothing opens again today. Without any configured
    hours the office is open."""
    if not office.hours.days:
        return True, None
    here = local(now, office.timezone)
    clock = here.time().replace(tzinfo=None)
    for start, end in office.hours.on(here):
        if start <= clock < end:
            return True, None
    for days in range(8):
        ranges = office.hours.on(here.date() + timedelta(days=days))
        later = [start for start, _ in ranges
                 if days > 0 or (start > clock and not today_done)]
        if later:
            return False, (days, min(later))
    return False, None


def availability(state: DayState | None, office: Office, service: str, now: datetime,
                 priority: bool = False) -> Availability:
    """Whether `service` can be taken now at the kiosk, and if not, the reason code."""
    if state is None:  # the store is unreachable: nothing can be issued
        return Availability("out_of_order")
    is_open, opens = next_opening(office, now, today_done=state.ended)
    if not is_open or state.ended:
        if opens is None:
            return Availability("closed")
        return Availability("closed", opens[1], opens[0])
    why = issuing_now(state, office, service)
    if why is not None:
        return Availability(KIOSK_REASON[why.value])
    if priority and not office.services[service].priority_allowed:
        return Availability("no_priority")
    return Availability()
