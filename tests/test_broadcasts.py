"""Broadcasts: at most 280 characters, shown until a time today (default: the end of the
business day), withdrawn on request — in the domain and through `kcc broadcast`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from factories import T0, make_office
from test_cli import Kcc

from kcc_tui.config import example_path, load_settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, day_bounds, parse_iso
from kcc_tui.domain.events import BadEvent, check_event
from kcc_tui.domain.ledger import Ledger
from kcc_tui.store import Store


def ledger() -> tuple[Ledger, FixedClock]:
    clock = FixedClock(T0)
    return Ledger(make_office(), clock), clock


def test_a_message_ends_at_its_time_or_at_the_end_of_the_day() -> None:
    lg, clock = ledger()
    (e,) = lg.execute(C.Broadcast("  Koffie \n is   op ", until=T0 + timedelta(minutes=5)),
                      "coord")
    assert e.data["text"] == "Koffie is op"  # one line
    (day_long,) = lg.execute(C.Broadcast("Vandaag geen rijbewijzen"), "coord")
    assert parse_iso(day_long.data["until"]) == day_bounds(lg.state.day)[1]
    texts = [m.text for m in lg.state.current_messages("counters", clock())]
    assert texts == ["Koffie is op", "Vandaag geen rijbewijzen"]
    clock.advance(minutes=5)  # expired by the clock alone: no event
    assert [m.text for m in lg.state.current_messages("display", clock())] == [
        "Vandaag geen rijbewijzen"]


def test_withdrawing_takes_down_every_message_shown_now_and_later_ones_still_show() -> None:
    lg, clock = ledger()
    lg.execute(C.Broadcast("een", ("counters",)), "coord")
    lg.execute(C.Broadcast("twee", ("display",)), "coord")
    lg.execute(C.WithdrawBroadcast(), "coord")
    assert lg.state.current_messages("counters", clock()) == []
    assert lg.state.current_messages("display", clock()) == []
    with pytest.raises(C.Refused) as info:
        lg.execute(C.WithdrawBroadcast(), "coord")
    assert info.value.code == "no_message"
    lg.execute(C.Broadcast("drie"), "coord")
    assert [m.text for m in lg.state.current_messages("display", clock())] == ["drie"]
    with pytest.raises(C.Refused) as info:
        lg.execute(C.WithdrawBroadcast(), "an")
    assert info.value.code == "coordinator_only"


@pytest.mark.parametrize("text, ok", [("x" * 280, True), ("x" * 281, False),
                                      ("é" * 140 + " " * 50 + "é" * 140, False),
                                      ("x " * 140, True), ("x" * 10_000, False)])
def test_a_message_holds_at_most_280_characters(text: str, ok: bool) -> None:
    lg, _ = ledger()
    if ok:
        lg.execute(C.Broadcast(text), "coord")
        return
    with pytest.raises(C.Refused) as info:
        lg.execute(C.Broadcast(text), "coord")
    assert info.value.code == "too_long" and info.value.params["limit"] == 280
    assert lg.state.messages == []


def test_an_end_time_must_be_later_today() -> None:
    lg, _ = ledger()
    for until in (T0, T0 - timedelta(hours=1), day_bounds(lg.state.day)[1] + timedelta(0, 1)):
        with pytest.raises(C.Refused) as info:
            lg.execute(C.Broadcast("x", until=until), "coord")
        assert info.value.code == "until_not_today"


def test_notes_and_reasons_have_a_maximum_length() -> None:
    lg, _ = ledger()
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.IssueTicket("eid"))
    lg.execute(C.OpenPost("l1", "an", True), "an")
    lg.execute(C.CallNext("l1"), "an")
    with pytest.raises(C.Refused) as info:
        lg.execute(C.Finish("l1", note="n" * 1001), "an")
    assert (info.value.code, info.value.params["limit"]) == ("too_long", C.NOTE_MAX)
    lg.execute(C.Finish("l1", note="n" * 1000), "an")
    # pause and transfer reasons are codes from the config: free text, long or short, is refused
    with pytest.raises(C.Refused) as info:
        lg.execute(C.Pause("l1", "p" * 101), "an")
    assert info.value.code == "unknown_reason"


def test_an_end_time_that_is_not_a_time_is_a_bad_event() -> None:
    check_event("message_broadcast", {"text": "x", "targets": ["display"],
                                      "until": "2026-11-24T23:00:00.000000Z"})
    for bad in (5, "2026Z", "later", "2026-11-24T23:00:00"):
        with pytest.raises(BadEvent, match="until must be a UTC time"):
            check_event("message_broadcast", {"text": "x", "targets": ["display"], "until": bad})
    check_event("message_withdrawn", {})


def test_local_time_today_reads_hh_mm_in_the_office_zone() -> None:
    at = C.local_time_today(T0.date(), "12:30", "Europe/Brussels")
    assert at == T0.replace(hour=11, minute=30)  # UTC+1 in November
    with pytest.raises(ValueError, match="HH:MM"):
        C.local_time_today(T0.date(), "25:00", "Europe/Brussels")


# -- the CLI ---------------------------------------------------------------------------------------
@pytest.fixture
def kcc(tmp_path: Path) -> Kcc:
    k = Kcc(tmp_path)
    k.ok("init")
    return k


async def shown_now(kcc: Kcc) -> list[str]:
    office = load_settings(example_path()).office
    async with Store(kcc.db, office) as store:
        return [m.text for m in store.state.current_messages("display", store.clock())]


async def test_kcc_broadcast_until_and_clear(kcc: Kcc) -> None:
    out = kcc.ok("broadcast", "Loket 4 sluit straks", "--until", "23:59")
    assert out["text"] == "Loket 4 sluit straks" and out["until"].endswith("Z")
    assert await shown_now(kcc) == ["Loket 4 sluit straks"]
    assert kcc.ok("broadcast", "--clear") == {"withdrawn": True}
    assert await shown_now(kcc) == []
    code, out, _ = kcc("broadcast", "--clear")
    assert (code, out) == (1, {"error": "no message is shown now", "reason": "no_message"})
    code, text, _ = kcc("broadcast", "Koffie", json_out=False)
    assert code == 0 and text == "message sent (shown until the end of the day)\n"


@pytest.mark.parametrize("args, code, error", [
    (("broadcast", "x" * 281), 1, "the message is 281 characters long; at most 280 are allowed"),
    (("broadcast", "x", "--until", "25:00"), 2, "--until: a time is written HH:MM"),
    (("broadcast", "x", "--until", "00:00"), 1, "the message must end later today (not 00:00)"),
    (("broadcast", "x", "--clear"), 2, "give a message TEXT, or --clear (not both)"),
    (("broadcast",), 2, "give a message TEXT, or --clear (not both)"),
    (("ticket", "issue", "eid", "--kiosk", "nergens"), 2, "unknown kiosk 'nergens'"),
    (("post", "finish", "loket1", "--outcome", "zzz"), 2, "unknown outcome 'zzz'"),
    (("post", "transfer", "loket1", "--to-post", "loket9"), 2, "unknown post 'loket9'"),
    (("post", "transfer", "loket1", "--service", "zzz"), 2, "unknown service 'zzz'"),
])
def test_bad_broadcasts_and_unknown_ids_get_one_line(kcc: Kcc, args: tuple[str, ...], code: int,
                                                     error: str) -> None:
    got, out, err = kcc(*args, json_out=False)
    assert got == code, (out, err)
    assert error in err and len(err.strip().splitlines()) == 1, err
