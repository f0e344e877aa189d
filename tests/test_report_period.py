"""Report periods as users write them, their local-day bounds and the period before them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kcc_tui.reports import Period, PeriodError, next_weekday, parse_period

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(("text", "kind", "first", "last"), [
    ("today", "day", "2026-11-25", "2026-11-25"),
    ("yesterday", "day", "2026-11-24", "2026-11-24"),
    ("2026-03-29", "day", "2026-03-29", "2026-03-29"),
    ("this-week", "week", "2026-11-23", "2026-11-29"),
    ("last-week", "week", "2026-11-16", "2026-11-22"),
    ("2026-W01", "week", "2025-12-29", "2026-01-04"),  # ISO week 1 starts in December
    ("2026w48", "week", "2026-11-23", "2026-11-29"),
    ("this-month", "month", "2026-11-01", "2026-11-30"),
    ("last-month", "month", "2026-10-01", "2026-10-31"),
    ("2024-02", "month", "2024-02-01", "2024-02-29"),
    ("2025", "year", "2025-01-01", "2025-12-31"),
    ("2026-11-01..2026-11-15", "range", "2026-11-01", "2026-11-15"),
    ("2026-10..2026-11", "range", "2026-10-01", "2026-11-30"),
    (" Yesterday..Today ", "range", "2026-11-24", "2026-11-25"),
])
def test_periods_as_written(text: str, kind: str, first: str, last: str) -> None:
    p = parse_period(text, TODAY)
    assert (p.kind, str(p.first), str(p.last)) == (kind, first, last)


@pytest.mark.parametrize(("text", "before"), [
    ("yesterday", ("2026-11-23", "2026-11-23")),
    ("2026-W48", ("2026-11-16", "2026-11-22")),
    ("2026-03", ("2026-02-01", "2026-02-28")),
    ("2026", ("2025-01-01", "2025-12-31")),
    ("2026-11-10..2026-11-12", ("2026-11-07", "2026-11-09")),
])
def test_the_period_before(text: str, before: tuple[str, str]) -> None:
    prev = parse_period(text, TODAY).previous()
    assert (str(prev.first), str(prev.last)) == before


def test_bounds_are_local_midnights_even_across_a_dst_change() -> None:
    # Summer time starts on Sunday 29 March 2026: that week is one hour short
    week = parse_period("2026-W13", TODAY)
    start, end = week.bounds()
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # Monday 00:00 CET
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # Monday 00:00 CEST
    assert end - start == timedelta(hours=7 * 24 - 1)
    autumn = parse_period("2026-10-25", TODAY).bounds()
    assert autumn[1] - autumn[0] == timedelta(hours=25)


@pytest.mark.parametrize(("text", "message"), [
    ("someday", "unknown period 'someday': use today, yesterday"),
    ("2026-13", "unknown period '2026-13'"),
    ("2026-W54", "unknown period '2026-W54'"),
    ("2026-11-30..2026-11-01", "the period ends (2026-11-01) before it starts (2026-11-30)"),
    ("", "unknown period ''"),
])
def test_bad_periods_are_one_line(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as e:
        parse_period(text, TODAY)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_next_weekday_is_always_ahead() -> None:
    assert next_weekday("monday", TODAY) == date(2026, 11, 30)
    assert next_weekday("wed", TODAY) == date(2026, 12, 2)  # today is Wednesday: next week's
    assert next_weekday("tomorrow", TODAY) == date(2026, 11, 26)
    assert next_weekday("2026-12-24", TODAY) == date(2026, 12, 24)
    assert next_weekday("Maandag", TODAY) == date(2026, 11, 30)  # Dutch names too
    with pytest.raises(PeriodError, match="unknown day 'someday'"):
        next_weekday("someday", TODAY)


def test_labels() -> None:
    assert parse_period("2026-11-24", TODAY).label == "Tuesday 2026-11-24"
    assert parse_period("2026-W48", TODAY).label == "week 2026-W48 (2026-11-23 to 2026-11-29)"
    assert parse_period("2026-11", TODAY).label == "November 2026"
    assert Period("range", date(2026, 1, 1), date(2026, 1, 9)).days == 9
