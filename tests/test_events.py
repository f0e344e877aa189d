"""Typed events: one payload class per event type, one fold handler per type, checked on append
and on read — and a log written before they were typed still reads and folds the same."""

from __future__ import annotations

import json
import sqlite3
import typing
from pathlib import Path
from typing import Any

import pytest
from factories import T0, make_office

from kcc_tui.domain import events as ev
from kcc_tui.domain import state as st
from kcc_tui.domain.appointments import APPOINTMENT_EVENTS
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.events import BadEvent, check_event
from kcc_tui.store import Store, StoreTooNew, create_store

DATA = Path(__file__).parent / "data"


def test_the_fold_table_has_one_handler_for_every_event_type_and_no_other() -> None:
    assert set(st.FOLD) == set(ev.PAYLOADS)
    for type_, handler in st.FOLD.items():
        hint = typing.get_type_hints(handler, vars(st))["d"]
        # each handler reads the payload of the type it is listed for (or nothing at all)
        assert hint is ev.PAYLOADS[type_] or handler is st._no_effect, (type_, hint)


def test_every_payload_class_is_listed_once() -> None:
    classes = [v for v in vars(ev).values()
               if isinstance(v, type) and typing.is_typeddict(v)]
    assert sorted(c.__name__ for c in classes) == sorted(c.__name__ for c in ev.PAYLOADS.values())
    for type_, cls in ev.PAYLOADS.items():  # the class is named for its type
        assert cls.__name__.lower() == type_.replace("_", ""), type_


@pytest.mark.parametrize(("type_", "data", "message"), [
    ("ticket_called", {"number": "A001", "post": "l1"}, "ticket_called'?: missing staff"),
    ("ticket_called", {"number": 1, "post": "l1", "staff": "an"}, "number must be a string"),
    ("ticket_issued", {"number": "A1", "n": True, "service": "eid", "lang": "nl",
                       "priority": False}, "n must be an integer, found True"),
    ("ticket_issued", {"number": "A1", "n": 1, "service": "eid", "lang": "nl",
                       "priority": "yes"}, "priority must be true or false"),
    ("ticket_finished", {"number": "A1", "post": "l1", "outcome": "done", "topics": "eid"},
     "topics must be a list of strings"),
    ("post_opened", {"post": "l1", "staff": "an", "services": {"eid": "1"}},
     "services must be an object of numbers"),
    ("staff_locked", {"staff": "an", "until": "morgen"}, "until must be a UTC time"),
    ("ticket_moved", {"number": "A1", "service": "eid", "to_post": 3},
     "to_post must be a string or null"),
    ("heartbeat", {"source": "k1", "kind": "kiosk", "status": "ok", "detail": None},
     "detail must be a string, found None"),
])
def test_a_wrong_or_missing_field_is_a_bad_event_with_one_line(
        type_: str, data: dict[str, Any], message: str) -> None:
    with pytest.raises(BadEvent, match=message) as err:
        check_event(type_, data)
    assert "\n" not in str(err.value)


def test_optional_fields_may_be_absent_and_unknown_keys_are_left_alone() -> None:
    check_event("ticket_called", {"number": "A1", "post": "l1", "staff": "an"})
    check_event("ticket_called", {"number": "A1", "post": "l1", "staff": "an", "specific": True,
                                  "added_later": [1]})
    check_event("ticket_finished", {"number": "A1", "post": "l1", "outcome": "done",
                                    "topics": [], "note": True})  # a note the store keeps apart


def _load_old_log(db: Path, rows: list[dict[str, Any]]) -> None:
    con = sqlite3.connect(db)
    with con:
        for r in rows:
            con.execute("INSERT INTO events (seq, stream, version, type, at, day, actor, data) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [r[k] for k in "seq stream version type at day actor data".split()])
            if r["note"] is not None:
                con.execute("INSERT INTO notes (seq, day, text) VALUES (?, ?, ?)",
                            (r["seq"], r["day"], r["note"]))
    con.close()


async def test_a_log_written_before_typed_events_reads_and_folds_the_same(tmp_path: Path) -> None:
    from data.old_log import summary

    rows = [json.loads(line) for line in (DATA / "events_v1.jsonl").read_text().splitlines()]
    # every type, as the old code wrote it (appointments came later: issue 18)
    assert {r["type"] for r in rows} == set(ev.PAYLOADS) - set(APPOINTMENT_EVENTS)
    office, db = make_office(), tmp_path / "kcc.db"
    await create_store(db, office)
    _load_old_log(db, rows)
    async with Store(db, office, clock=FixedClock(T0)) as store:
        found = json.loads(json.dumps(summary(store.state)))
    assert found == json.loads((DATA / "events_v1_state.json").read_text())


async def test_a_stored_event_with_a_wrong_field_is_refused_on_read(tmp_path: Path) -> None:
    office, db = make_office(), tmp_path / "kcc.db"
    await create_store(db, office)
    _load_old_log(db, [{"seq": 1, "stream": "numbering:eid:2026-11-24", "version": 1,
                        "type": "ticket_issued", "at": "2026-11-24T08:01:00.000000Z",
                        "day": "2026-11-24", "actor": "system", "note": None,
                        "data": '{"number":"A001","n":"1","service":"eid","lang":"nl",'
                                '"priority":false}'}])
    with pytest.raises(StoreTooNew, match=r"event #1 cannot be read .*n must be an integer"):
        async with Store(db, office, clock=FixedClock(T0)):
            pass
