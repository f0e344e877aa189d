"""What the wall display shows, as plain data: the calls (newest first) and the queues.

`CallBoard` keeps the last calls in a bounded deque, one entry per ticket number: a recall, a
call-back or a new call of the same ticket moves it back to the top, a requeue or transfer
takes it off (it waits again), so the history never shows a number twice
and memory stays flat however long the display runs. Pure Python: no Textual.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ...domain.estimate import Estimate, estimate
from ...domain.events import Event
from ...domain.office import Office
from ...domain.state import DayState


@dataclass(frozen=True, slots=True)
class Call:
    number: str
    post: str  # post id
    at: datetime
    lang: str = "nl"  # the ticket's language: the announcement repeats in it
    service: str = ""
    recall: bool = False
    seq: int = 0


class CallBoard:
    """The last `size` calls of the posts this display shows, newest first."""

    def __init__(self, posts: Iterable[str], size: int) -> None:
        self.posts = frozenset(posts)
        self.size = max(1, size)
        self._calls: deque[Call] = deque(maxlen=self.size)

    @property
    def calls(self) -> Sequence[Call]:
        return tuple(self._calls)

    @property
    def newest(self) -> Call | None:
        return self._calls[0] if self._calls else None

    def add(self, call: Call) -> bool:
        """Put a call on top; False when it is for a post this display does not show."""
        if call.post not in self.posts:
            return False
        self.remove(call.number)
        self._calls.appendleft(call)
        return True

    def remove(self, number: str) -> bool:
        """Take a ticket off the board (it waits again); False when it was not on it."""
        for old in self._calls:
            if old.number == number:
                self._calls.remove(old)
                return True
        return False

    def rebuild(self, state: DayState) -> None:
        """Start-up and reconnection: today's calls from the state (recalls are not kept
        there, so a rebuilt board shows each ticket at its latest call)."""
        self._calls.clear()
        for call in sorted(calls_in_state(state), key=lambda c: (c.at, c.seq)):
            self.add(call)

    def from_events(self, events: Iterable[Event], state: DayState) -> list[Call]:
        """The calls among new events, put on the board; returns the ones this display shows."""
        added = []
        for e in events:
            if e.type in ("ticket_requeued", "ticket_transferred"):
                self.remove(e.data["number"])  # waiting again: no longer "Nu aan de beurt"
                continue
            if e.type not in ("ticket_called", "ticket_recalled", "ticket_called_back"):
                continue
            t = state.tickets.get(e.data["number"])
            call = Call(e.data["number"], e.data["post"], e.at,
                        t.lang if t else "nl", t.service if t else "",
                        e.type == "ticket_recalled", e.seq)
            if self.add(call):
                added.append(call)
        return added


def calls_in_state(state: DayState) -> list[Call]:
    out = []
    for t in state.tickets.values():
        if t.status == "waiting":
            continue  # requeued or transferred: waiting again, not on the board
        called_back = False
        for iv in t.intervals:
            # a call ends a wait, or is a call-back (the interval before ended "called_back");
            # a resumed parked ticket is not called on the display
            if (iv.called_at is not None and iv.post is not None
                    and (iv.queued_at is not None or called_back)):
                out.append(Call(t.number, iv.post, iv.called_at, t.lang, iv.service))
            called_back = iv.end == "called_back"
    return out


@dataclass(frozen=True, slots=True)
class Queue:
    service: str
    prefix: str
    waiting: int
    estimate: Estimate  # for a ticket taken now: a wait, or why there is none


def queues(state: DayState, office: Office, services: Iterable[str], now: datetime) -> list[Queue]:
    """Waiting count and estimated wait per service, in config order."""
    out = []
    for code in services:
        svc = office.services[code]
        out.append(Queue(code, svc.prefix, len(state.waiting(code)),
                         estimate(state, office, code, now)))
    return out


def services_for(office: Office, posts: Iterable[str]) -> list[str]:
    """The services whose tickets are called at these posts (configured profiles), in config
    order; every service when the posts call none."""
    wanted = {s for p in posts if p in office.posts for s in office.posts[p].services}
    return [code for code in office.services if code in wanted] or list(office.services)
