"""The kiosk's pure parts: the dot font for numbers, opening hours and availability."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from test_kiosk_kit import kiosk_settings

from kcc_tui.apps.kiosk import bigfont
from kcc_tui.apps.kiosk.availability import availability, next_opening
from kcc_tui.domain.state import DayState


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_every_prefix_letter_and_digit_draws_at_the_same_size(scale: int) -> None:
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
        lines = bigfont.render(ch, scale)
        assert len(lines) == bigfont.rows(scale), ch
        assert {len(line) for line in lines} == {bigfont.columns(ch, scale)}, ch
        assert any(c != " " for line in lines for c in line), ch  # not a blank glyph
    glyphs = {ch: bigfont.render(ch, 1) for ch in "0O8B1I"}
    assert len({tuple(g) for g in glyphs.values()}) == len(glyphs)  # look-alikes differ


def test_fit_scale_takes_the_largest_that_fits_and_never_less_than_one() -> None:
    assert bigfont.fit_scale("A012", 100, 14) == 4  # 4 x 23 = 92 columns, 14 rows
    assert bigfont.fit_scale("A012", 60, 30) == 2
    assert bigfont.fit_scale("A012", 5, 2) == 1
    assert bigfont.render("a?", 1)[0].startswith("▄▀▀▀▄")  # lower case as capitals


def test_opening_hours_in_local_time() -> None:
    office = kiosk_settings().office  # thu 08:30-12:30 and 16:00-19:30, sun closed
    thursday = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 13:00 in Brussels
    assert next_opening(office, thursday) == (False, (0, time(16, 0)))
    assert next_opening(office, thursday.replace(hour=15, minute=30))[0]  # 16:30 local
    # Sunday: closed all day, opens on Monday (one day later)
    assert next_opening(office, datetime(2026, 11, 29, 10, 0, tzinfo=UTC)) == \
        (False, (1, time(8, 30)))
    # the day was ended early: nothing more today, even before the evening opening
    assert next_opening(office, thursday, today_done=True) == (False, (1, time(8, 30)))
    summer = datetime(2026, 7, 2, 6, 45, tzinfo=UTC)  # 08:45 local in summer time (UTC+2)
    assert next_opening(office, summer)[0]


def test_availability_reasons() -> None:
    settings = kiosk_settings()
    office, now = settings.office, datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    state = DayState(now.date())
    assert availability(state, office, "eid", now).ok
    assert availability(None, office, "eid", now).reason == "out_of_order"
    assert availability(state, office, "rijbewijs", now, priority=True).reason == "no_priority"
    state.issuing["eid"] = False
    assert availability(state, office, "eid", now).reason == "stopped"
    state.ended = True
    assert availability(state, office, "afhalen", now).reason == "closed"
