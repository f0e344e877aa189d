"""The calling order with appointments (issue 18, docs/appointments.md), on the pure domain:
priority → late appointments → due appointments by booked start → walk-ins by the rule →
early appointments only when a post would otherwise be idle; starving walk-ins go ahead of
appointments that are not yet late."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.booking import Booking, CheckIn, ImportBookings
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.ledger import Ledger
from kcc_tui.domain.office import Post

# T0 is 09:00 local. eid: walk-in target 15 min; starve factor 1.5 → a walk-in starves at 22.5.


def h(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def at(minutes: float) -> datetime:
    """T0 + minutes (09:00 local + minutes)."""
    return T0 + timedelta(minutes=minutes)


class Office:
    """One post l1 serving eid; walk-ins and appointments arrive at given minutes."""

    def __init__(self, serves: str = "both", **routing: object) -> None:
        office = make_office(**routing)
        posts = dict(office.posts)
        posts["l1"] = posts["l1"].model_copy(update={"serves": serves})
        self.office = office.model_copy(update={"posts": posts})
        self.clock = FixedClock(at(-60))
        self.lg = Ledger(self.office, self.clock)
        self.lg.execute(C.OpenPost("l1", "an", True))

    def book(self, ref: str, start_min: float, service: str = "eid") -> None:
        self.lg.execute(ImportBookings((Booking("test", ref, service, at(start_min), 10, 1, 0,
                                                h(ref)),)))

    def walk_in(self, minute: float, **kw: object) -> str:
        self.clock.at = at(minute)
        (e,) = self.lg.execute(C.IssueTicket("eid", **kw))  # type: ignore[arg-type]
        return str(e.data["number"])

    def check_in(self, ref: str, minute: float) -> str:
        self.clock.at = at(minute)
        e = self.lg.execute(CheckIn(code_hash=h(ref)))[0]
        return str(e.data["number"])

    def call(self, minute: float) -> str | None:
        self.clock.at = at(minute)
        try:
            (e,) = self.lg.execute(C.CallNext("l1"), "an")
        except C.Refused:
            return None
        number = str(e.data["number"])
        self.lg.execute(C.Finish("l1"), "an")
        return number


# (case, bookings (ref, booked min), arrivals (kind, ref or "", minute), call at minute,
#  the ticket called: "w<k>" the k-th walk-in, "a:<ref>" the appointment)
CASES = [
    ("a due appointment goes ahead of an older walk-in",
     [("r1", 0)], [("w", "", -5), ("a", "r1", -10)], 0, "a:r1"),
    ("due means booked start ≤ now + lead (2 min)",
     [("r1", 2)], [("w", "", -5), ("a", "r1", -10)], 0, "a:r1"),
    ("an early appointment waits while walk-ins wait",
     [("r1", 3)], [("w", "", -5), ("a", "r1", -10)], 0, "w1"),
    ("an early appointment is called when the post would otherwise be idle",
     [("r1", 30)], [("a", "r1", -10)], 0, "a:r1"),
    ("due appointments by booked start, not by check-in",
     [("r1", 0), ("r2", -1)], [("a", "r1", -20), ("a", "r2", -5)], 0, "a:r2"),
    ("a priority ticket goes ahead of a due appointment",
     [("r1", 0)], [("a", "r1", -10), ("p", "", -1)], 0, "w1"),
    ("a starving walk-in goes ahead of a due appointment not yet late",
     [("r1", 0)], [("w", "", -23), ("a", "r1", -10)], 0, "w1"),
    ("... and of an early one",
     [("r1", 10)], [("w", "", -23), ("a", "r1", -10)], 0, "w1"),
    ("a late appointment (waited ≥ 5 min past its start) goes ahead of a starving walk-in",
     [("r1", 0)], [("w", "", -23), ("a", "r1", -10)], 5, "a:r1"),
    ("a late arrival's wait counts from check-in: not late yet, a starving walk-in goes first",
     [("r1", 0)], [("w", "", -20), ("a", "r1", 10)], 11, "w1"),
    ("... a walk-in not starving waits behind it",
     [("r1", 0)], [("w", "", -5), ("a", "r1", 10)], 11, "a:r1"),
    ("walk-ins among themselves keep the rule (oldest first here)",
     [], [("w", "", -10), ("w", "", -5)], 0, "w1"),
]


@pytest.mark.parametrize(("case", "bookings", "arrivals", "minute", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_calling_order(case: str, bookings: list[tuple[str, float]],
                       arrivals: list[tuple[str, str, float]], minute: float,
                       expected: str) -> None:
    o = Office(rule="fifo")
    o.office = o.office.model_copy(update={"services": {
        k: v.model_copy(update={"priority_allowed": True}) for k, v in o.office.services.items()}})
    o.lg.office = o.office
    for ref, start in bookings:
        o.book(ref, start)
    numbers: dict[str, str] = {}
    walk_ins = 0
    for kind, ref, arrive in sorted(arrivals, key=lambda a: a[2]):
        if kind == "a":
            numbers[f"a:{ref}"] = o.check_in(ref, arrive)
        else:
            walk_ins += 1
            numbers[f"w{walk_ins}"] = o.walk_in(arrive, priority=kind == "p")
    assert o.call(minute) == numbers[expected], case


def test_posts_serve_appointments_walk_ins_or_both() -> None:
    for serves, expected in (("appointments", "a"), ("walk-ins", "w"), ("both", "a")):
        o = Office(serves=serves)
        o.book("r1", 0)
        w = o.walk_in(-5)
        a = o.check_in("r1", -4)
        assert o.call(0) == {"a": a, "w": w}[expected], serves


def test_a_walk_ins_only_post_leaves_appointments_waiting() -> None:
    o = Office(serves="walk-ins")
    o.book("r1", 0)
    o.check_in("r1", -4)
    assert o.call(0) is None


def test_an_appointment_ticket_says_its_booked_time_and_duration() -> None:
    o = Office()
    o.book("r1", 20)
    number = o.check_in("r1", -30)
    t = o.lg.state.tickets[number]
    assert (t.appointment, t.booked_at, t.duration_min) == ("test:r1", at(20), 10)
    assert number == "A001"  # numbered in its service's series (no [appointments] prefix)
    o.walk_in(-29)
    assert o.lg.state.issued_count("eid") == 1  # the daily cap counts walk-ins only


def test_an_appointment_prefix_gives_its_own_series() -> None:
    o = Office()
    o.office = o.lg.office = o.office.model_copy(update={
        "appointments": o.office.appointments.model_copy(update={"prefix": "R"})})
    o.book("r1", 0)
    assert o.check_in("r1", -10) == "R001"
    assert o.walk_in(-9) == "A001"


def test_post_config_check_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError):
        Post(id="x", name="X", serves="some")  # type: ignore[arg-type]
