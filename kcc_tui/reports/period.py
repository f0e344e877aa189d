"""Report periods: a day, an ISO week, a month, a year or a range of local (Europe/Brussels) days.

A period is a run of whole business days; its bounds are UTC instants from `clock.day_bounds`, so
a week across a DST change is 167 or 169 hours long and still starts and ends at local midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from ..domain.calendar import WEEKDAY_KEYS, WEEKDAY_NAMES
from ..domain.clock import day_bounds

Kind = Literal["day", "week", "month", "year", "range"]
WEEKDAYS = WEEKDAY_KEYS
ENGLISH_DAYS = tuple(n.lower() for n in WEEKDAY_NAMES["en"])  # "monday", as the CLI takes it
HELP = ("today, yesterday, a date (2026-11-24), this-week, last-week, a week (2026-W48), "
        "this-month, last-month, a month (2026-11), a year (2026) or FROM..TO "
        "(2026-11-01..2026-11-30)")


class PeriodError(ValueError):
    """A period that cannot be read; `str()` is one line for the user."""


@dataclass(frozen=True)
class Period:
    kind: Kind
    first: date  # the first business day in the period
    last: date  # the last one (inclusive)

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        if self.kind == "day":
            return f"{WEEKDAY_NAMES['en'][self.first.weekday()]} {self.first}"
        if self.kind == "week":
            y, w, _ = self.first.isocalendar()
            return f"week {y}-W{w:02d} ({self.first} to {self.last})"
        if self.kind == "month":
            return f"{self.first:%B %Y}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first} to {self.last}"

    def bounds(self, tz: str = "Europe/Brussels") -> tuple[datetime, datetime]:
        """UTC start (inclusive) and end (exclusive)."""
        return day_bounds(self.first, tz)[0], day_bounds(self.last, tz)[1]

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def previous(self) -> Period:
        """The period just before, of the same kind: the day, week, month or year before, or
        for a range the same number of days before it. Topic trends compare with it."""
        if self.kind == "month":
            last = self.first - timedelta(days=1)
            return Period("month", last.replace(day=1), last)
        if self.kind == "year":
            y = self.first.year - 1
            return Period("year", date(y, 1, 1), date(y, 12, 31))
        n = timedelta(days=self.days)
        return Period(self.kind, self.first - n, self.last - n)


def day(d: date) -> Period:
    return Period("day", d, d)


def week_of(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_of(d: date) -> Period:
    first = d.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, nxt - timedelta(days=1))


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


MAX_DAYS = 366 * 25  # a report spans at most 25 years (each day is folded)


def parse_period(text: str, today: date) -> Period:
    """Read a period as users write it (see HELP); raise PeriodError with a one-line reason."""
    period = _parse_period(text, today)
    if period.days > MAX_DAYS:
        raise PeriodError(f"the period {period.first}..{period.last} is {period.days} days "
                          f"long; a report covers at most {MAX_DAYS} days")
    try:
        period.previous()  # the trend compares with it: it must exist on the calendar
    except (OverflowError, ValueError):
        raise PeriodError(f"the period {period.first}..{period.last} starts too early "
                          "(the period before it is not on the calendar)") from None
    return period


def _parse_period(text: str, today: date) -> Period:
    t = text.strip().lower()
    if ".." in t:
        a, _, b = t.partition("..")
        first, last = _parse_period(a, today), _parse_period(b, today)
        return Period("range", first.first, last.last)
    relative = {
        "today": lambda: day(today),
        "yesterday": lambda: day(today - timedelta(days=1)),
        "this-week": lambda: week_of(today),
        "last-week": lambda: week_of(today - timedelta(days=7)),
        "this-month": lambda: month_of(today),
        "last-month": lambda: month_of(today.replace(day=1) - timedelta(days=1)),
    }
    if t in relative:
        return relative[t]()
    try:
        if m := _WEEK.match(t):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return week_of(monday)
        if m := _MONTH.match(t):
            return month_of(date(int(m[1]), int(m[2]), 1))
        if m := _YEAR.match(t):
            y = int(m[1])
            return Period("year", date(y, 1, 1), date(y, 12, 31))
        return day(date.fromisoformat(t))
    except ValueError:
        raise PeriodError(f"unknown period {text!r}: use {HELP}") from None




def next_weekday(name: str, today: date) -> date:
    """The coming day called `name` ("monday", "mon" or "maandag"), after today; or a date."""
    t = name.strip().lower()
    for i, names in enumerate(zip(WEEKDAYS, ENGLISH_DAYS, WEEKDAY_NAMES["nl"], strict=True)):
        if t in names:
            return today + timedelta(days=(i - today.weekday() - 1) % 7 + 1)
    if t == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(t)
    except ValueError:
        raise PeriodError(f"unknown day {name!r}: use a weekday (monday), tomorrow or a date "
                          "(2026-12-07)") from None


def parse_day(text: str, today: date) -> date:
    """One day as users write it: today, yesterday, tomorrow, a weekday (the coming one) or a
    date."""
    t = text.strip().lower()
    if t == "today":
        return today
    if t == "yesterday":
        return today - timedelta(days=1)
    return next_weekday(t, today)
