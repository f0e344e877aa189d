"""Time: the business day is the local (Europe/Brussels) date; everything stored is UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def business_day(at: datetime, tz: str = "Europe/Brussels") -> date:
    """The local calendar date of `at` (aware) in the office's time zone."""
    return at.astimezone(zone(tz)).date()


def local(at: datetime, tz: str = "Europe/Brussels") -> datetime:
    return at.astimezone(zone(tz))


def day_bounds(day: date, tz: str = "Europe/Brussels") -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local day; 23 or 25 hours in DST weeks."""
    z = zone(tz)
    start = datetime(day.year, day.month, day.day, tzinfo=z)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=z)
    return start.astimezone(UTC), end.astimezone(UTC)


def iso(at: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order in SQL."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


class FixedClock:
    """A settable clock for tests and the simulator."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kw: float) -> datetime:
        self.at += timedelta(**kw)
        return self.at
