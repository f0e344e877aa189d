"""What every engine's store shares: events as stored rows, today's fold, deciding a command
on it, noticing that the content changed under us, and checking read models against the log.

The engines (`eventstore.py` for SQLite, `pg/` for PostgreSQL) only say how to talk to their
database; everything here is plain Python on rows and events, so both behave the same.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import date
from typing import Any

from ..domain.appointments import APPOINTMENT_EVENTS, Appointment
from ..domain.booking import no_show_events
from ..domain.clock import Clock, business_day, iso, parse_iso
from ..domain.commands import Command, Ctx, RefusedWithEvents
from ..domain.events import BadEvent, Event, check_event
from ..domain.office import Office
from ..domain.state import DayState, FoldError
from . import readmodels
from .errors import StoreDamaged, StoreReplaced, StoreTooNew
from .learning import Remembered

EVENT_COLS = "seq, stream, version, type, at, day, actor, data"
# Events with their note text, if any (notes live in their own table: see schema migration 2).
SELECT_EVENTS = ("SELECT e.seq, e.stream, e.version, e.type, e.at, e.day, e.actor, e.data, "
                 "n.text FROM events e LEFT JOIN notes n ON n.seq = e.seq")
UNSEEN_MAX = 10_000
# The appointment events in log order (the placeholders are the engine's: "?" or "%s").
SELECT_APPOINTMENT_EVENTS = (f"{SELECT_EVENTS} WHERE e.type IN ({{}}) ORDER BY e.seq",
                             APPOINTMENT_EVENTS)
# What says "this is still the content I folded": the store's generation (changed by every
# restore) and the event at the position the process has read up to (its stream, version and
# time stamp: unique, and different in any other history). Checked inside every command's
# transaction and on every poll of the change feed.
FINGERPRINT = "stream || ' ' || version || ' ' || at"
DAMAGED_WAY_OUT = ("`kcc store check` explains; restore a backup made before it "
                   "(`kcc store restore`, docs/operations.md)")
# Free text written by people lives in the notes table, purged after the retention period:
# a ticket's note, and a broadcast's message (the log keeps "text": "" for it).
PRIVATE_KEY = {"message_broadcast": "text"}
CHECK_DAMAGED = ("kcc's own commands cannot write such an event on this history: the store "
                 "was damaged, or an older kcc wrote it. Every reader stops there. Way out: "
                 "restore the last backup made before that event (`kcc store restore "
                 "BACKUP` keeps the current content beside it)")


def row_to_event(row: Iterable[Any]) -> Event:
    """A stored event, checked: one this kcc does not understand (a newer version wrote it, or
    the row was damaged) stops the reader with a clear message rather than being misread."""
    seq, stream, version, type_, at, day, actor, data, *note = row
    try:
        payload = json.loads(data)
        check_event(type_, payload)
        if note and note[0] is not None:
            payload[PRIVATE_KEY.get(type_, "note")] = note[0]
        return Event(type_, stream, version, parse_iso(at), date.fromisoformat(day), actor,
                     payload, seq)
    except (BadEvent, ValueError, TypeError) as e:
        raise StoreTooNew(f"event #{seq} cannot be read ({e}); upgrade kcc or restore a "
                          "backup") from None


def event_row(e: Event) -> tuple[Any, ...]:
    """An event as the events table stores it (EVENT_COLS), its private text left out."""
    return (e.seq, e.stream, e.version, e.type, iso(e.at), str(e.day), e.actor,
            json.dumps(without_note(e), ensure_ascii=False, separators=(",", ":")))


def note_rows(events: Iterable[Event]) -> list[tuple[int, str, str]]:
    """(seq, day, text) of the free text the events carry, for the notes table."""
    return [(e.seq, str(e.day), e.data[key]) for e in events
            if isinstance(e.data.get(key := PRIVATE_KEY.get(e.type, "note")), str)
            and e.data[key]]


def without_note(e: Event) -> dict[str, Any]:
    """Event data as stored: a note's text goes to the notes table, the log keeps `true`; a
    broadcast's text goes there too, the log keeps ""."""
    data = e.data
    key = PRIVATE_KEY.get(e.type)
    if key is not None and isinstance(data.get(key), str):
        return {**data, key: ""}
    if isinstance(data.get("note"), str):
        return {**data, "note": True}
    return data


def fingerprint(e: Event) -> str:
    """The event as FINGERPRINT reads it in SQL."""
    return f"{e.stream} {e.version} {iso(e.at)}"


def damaged(err: FoldError) -> StoreDamaged:
    return StoreDamaged(f"{err}; {DAMAGED_WAY_OUT}")


async def fold_days(rows: AsyncIterator[Any]) -> AsyncIterator[DayState]:
    """The folded state of every business day in rows of SELECT_EVENTS ordered by day and
    seq, oldest first."""
    state: DayState | None = None
    async for row in rows:
        e = row_to_event(row)
        if state is None or e.day != state.day:
            if state is not None:
                yield state
            state = DayState(e.day)
        try:
            state.apply(e)
        except FoldError as err:
            raise damaged(err) from None
    if state is not None:
        yield state


async def read_model_problems(days: AsyncIterator[DayState], tickets: list[tuple[Any, ...]],
                              sessions: list[tuple[Any, ...]]) -> list[str]:
    """The read models (as `EventStore.read_models` returns them) against a fold of the log."""
    exp_t: list[tuple[Any, ...]] = []
    exp_s: list[tuple[Any, ...]] = []
    try:
        async for state in days:
            t, s = readmodels.rows_for_day(state)
            exp_t += t
            exp_s += s
    except (StoreDamaged, StoreTooNew) as e:
        return [f"{str(e).split('; ')[0]}. {CHECK_DAMAGED}"]
    problems = []
    if sorted(exp_t, key=lambda r: r[:2]) != tickets:
        problems.append("ticket read model differs from the event log "
                        "(run `kcc store rebuild`)")
    if sorted(exp_s, key=lambda r: r[:3]) != sessions:
        problems.append("post-session read model differs from the event log "
                        "(run `kcc store rebuild`)")
    return problems


def appointment_problems(events: Iterable[Any], found: list[tuple[Any, ...]]) -> list[str]:
    """The appointment read model (`found`, ordered by key) against a fold of the appointment
    events (rows of SELECT_APPOINTMENT_EVENTS)."""
    try:
        expected = readmodels.all_appointment_rows(row_to_event(r) for r in events)
    except (KeyError, ValueError, StoreTooNew) as e:
        return [f"the appointment events do not fit together ({e}); {DAMAGED_WAY_OUT}"]
    if expected != found:
        return ["appointment read model differs from the event log (run `kcc store rebuild`)"]
    return []


class Folding:
    """Today's fold and what a store does with it, whatever the engine below. An engine sets
    these attributes in its constructor and calls the methods from its own transactions."""

    office: Office
    clock: Clock
    state: DayState
    generation: str | None
    lenient: bool
    damage: str | None
    _mark: str | None
    _notice: str | None
    _unseen: list[Event]
    _learning: Remembered

    def _init_fold(self, office: Office, clock: Clock, lenient: bool) -> None:
        self.office = office
        self.clock = clock
        self.state = DayState(self.today())
        self.generation = None  # the store's identity when today was folded
        self._mark = None  # fingerprint of the event at state.seq
        self._notice = None  # the content changed under us: tell the app once
        # Other processes' events folded while catching up inside a command: the next poll()
        # hands them out, so an app hears of every event exactly once, however it was folded.
        self._unseen = []
        # `lenient` (for `kcc store check`): an event that does not fit stops the fold and is
        # recorded here instead of refusing to open
        self.lenient = lenient
        self.damage = None
        self._learning = Remembered()  # the recent weeks the forecast learns from

    def today(self) -> date:
        """The business day now, by the store's clock and the office's time zone."""
        return business_day(self.clock(), self.office.timezone)

    def take_notice(self) -> str | None:
        """Once: why the state was folded afresh (the content changed under this process)."""
        notice, self._notice = self._notice, None
        return notice

    def _fold_afresh(self, day: date, generation: str | None, mark: tuple[int, str] | None,
                     rows: Iterable[Any]) -> None:
        """Today's state from its rows (read in one snapshot with `generation` and the last
        event `mark` = (seq, fingerprint))."""
        state = DayState(day)
        self.damage = None
        for r in rows:
            try:
                state.apply(row_to_event(r))
            except FoldError as err:
                if not self.lenient:
                    raise damaged(err) from None
                self.damage = str(err)
                break
        if mark is not None:
            state.seq = mark[0]
        self.state, self.generation, self._mark = state, generation, mark and mark[1]
        self._unseen = []  # a fresh state: apps redraw from it (it is a new object)

    def _fold(self, events: Iterable[Event]) -> list[Event]:
        """Fold events of today into the state; events of other days only advance seq."""
        new = []
        for e in events:
            if e.seq <= self.state.seq:
                continue
            if e.day == self.state.day:
                try:
                    self.state.apply(e)
                except FoldError as err:
                    raise damaged(err) from None
                new.append(e)
            else:
                self.state.seq = e.seq
            self._mark = fingerprint(e)
        return new

    def _replaced_what(self, where: str, generation: str | None, top: int | None,
                       hint: str) -> str:
        """What happened when the content is not what we folded (`hint`: how events could
        have been lost on this engine)."""
        seen = self.state.seq
        if generation != self.generation:
            return f"database {where} was restored or replaced (its generation changed)"
        if (top or 0) < seen:
            return (f"database {where} LOST events #{(top or 0) + 1}–#{seen} that were "
                    f"acknowledged ({hint})")
        return f"database {where} was replaced (event #{seen} is not the one read before)"

    def _replaced_error(self, what: str) -> StoreReplaced:
        self._notice = f"{what}: today's state was read afresh"
        return StoreReplaced(self._notice)

    def _decide(self, command: Command, actor: str, caught_up: Iterable[Any],
                records: dict[str, Appointment]
                ) -> tuple[list[Event], RefusedWithEvents | None, int]:
        """Inside the write transaction, after the catch-up read `caught_up` (rows after
        state.seq) and of the appointment `records` the command names: fold them, decide, and
        number and fold the new events (the log ends at state.seq, so they follow it). Also
        returns how many of them lead the command's own: appointments whose check-in window
        has ended become no-shows now, by the store's clock, in whichever process writes first
        (domain/booking.py). Raises Refused when nothing is to be appended."""
        self._unseen += self._fold(row_to_event(r) for r in caught_up)
        if len(self._unseen) > UNSEEN_MAX:  # a process that never polls (CLI, a driver)
            self._unseen.clear()
        ctx = Ctx(self.state, self.office, self.clock(), actor, records)
        before = no_show_events(ctx) if self.state.appointments else []
        refusal: RefusedWithEvents | None = None
        try:
            new = before + command.decide(ctx)
        except RefusedWithEvents as r:
            new, refusal = before + r.events, r
        stored = []
        for i, ev in enumerate(new, start=self.state.seq + 1):
            check_event(ev.type, ev.data)
            stored.append(Event(ev.type, ev.stream, ev.version, ev.at, ev.day, ev.actor,
                                ev.data, i))
        self._fold(stored)
        return stored, refusal, len(before)

