"""A store with every event type, written by kcc as it was before typed events (issue 20).

`events_v1.jsonl` holds its rows and `events_v1_state.json` the state that code folded from
them; tests/test_events.py checks that today's code reads and folds them the same. Made with

    git archive <old commit> | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old:tests python tests/data/old_log.py /tmp/old.db tests/data/events_v1

Do not regenerate it with new code: its point is that it was written by the old one.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from datetime import timedelta
from typing import Any

from factories import T0, make_office

from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock
from kcc_tui.store import Store


def summary(state: Any) -> dict[str, Any]:
    """What a fold made of the day, as plain JSON values."""
    return {
        "tickets": {n: [t.status, t.service, t.post, t.staff, t.recalls, t.transfers, t.outcome,
                        list(t.topics), t.note, t.print_failed, t.print_status, t.printed,
                        t.priority, t.lang, t.kiosk, t.token_hash, len(t.intervals),
                        [i.end for i in t.intervals]]
                    for n, t in sorted(state.tickets.items())},
        "posts": {p: [x.open, x.staff, x.served, x.paused_s, x.serving_s, x.calls,
                      sorted(x.services.items()), x.no_show_streak]
                  for p, x in sorted(state.posts.items())},
        "staff": {s: [x.post, x.logged_in, x.failures, x.locks, x.locked_until is not None]
                  for s, x in sorted(state.staff.items())},
        "issuing": state.issuing,
        "messages": [[m.text, list(m.targets), m.until is not None, m.withdrawn]
                     for m in state.messages],
        "devices": sorted(state.devices),
        "calls": len(state.calls),
        "pauses": len(state.pauses),
        "waiting": sorted(state.queue),
        "ended": state.ended,
        "seq": state.seq,
    }


async def main(db: str, out: str) -> None:
    office = make_office()
    await create_store(db, office)
    clock = FixedClock(T0)
    s = await Store(db, office, clock=clock).open()
    async def ex(cmd, actor="system"):
        clock.advance(minutes=1)
        try:
            await s.execute(cmd, actor)
        except C.Refused as r:
            print("refused:", type(cmd).__name__, r)
    for svc in ["eid", "eid", "rijbewijs", "afhalen", "eid", "rijbewijs", "eid", "eid"]:
        await ex(C.IssueTicket(svc, kiosk="k1", printing=True))
    await ex(C.IssueTicket("rijbewijs", lang="fr", priority=True))
    await ex(C.IssueTicket("afhalen", lang="de", token_hash="a" * 64))
    await ex(C.IssueTicket("afhalen", token_hash="b" * 64))
    await ex(C.RecordPrinted("A001", "k1"))
    await ex(C.RecordPrintFailure("A002", "k1", "paper out", status="paper_out"))
    await ex(C.RecordPrintFailure("B001", "k1", "offline"))
    await ex(C.OpenPost("l1", "an", True, source="counter"))
    await ex(C.OpenPost("l3", "bo", True))
    await ex(C.OpenPost("snel", "cas", True))
    await ex(C.OpenPost("tel", "dirk", True))
    await ex(C.Login("eva", False, source="counter"))
    for _ in range(6):
        await ex(C.Login("eva", False))
    await ex(C.UnlockStaff("eva"), "coord")
    await ex(C.Login("coord", True))
    await ex(C.RecordPinChange("coord"))
    for post, cmd in [
        ("l1", C.CallNext("l1")), ("l1", C.Recall("l1")), ("l1", C.Start("l1")),
        ("l1", C.Transfer("l1", to_post="l3")),
        ("l3", C.CallNext("l3")), ("l3", C.Start("l3")),
        ("l3", C.Finish("l3", topics=("eid-lost",), note="een notitie")),
        ("l1", C.CallNext("l1")), ("l1", C.NoShow("l1")),
        ("l1", C.CallBack("l1", "A002")), ("l1", C.Finish("l1")),
        ("l1", C.CallNext("l1")), ("l1", C.Requeue("l1")),
        ("l1", C.Pause("l1", "koffie")), ("l1", C.Resume("l1")),
        ("l1", C.CallNext("l1")), ("l1", C.Start("l1")), ("l1", C.Park("l1")),
        ("l1", C.ResumeParked("l1", s.state.post("l1").current or "")),
        ("snel", C.CallNext("snel")), ("snel", C.Finish("snel")),
        ("tel", C.RegisterCall("tel", "eid-lost")),
    ]:
        if isinstance(cmd, C.CallBack):
            cmd = C.CallBack("l1", [t.number for t in s.state.tickets.values()
                                    if t.status == "no_show"][0])
        if isinstance(cmd, C.ResumeParked):
            parked = [t.number for t in s.state.tickets.values() if t.status == "parked"]
            cmd = C.ResumeParked("l1", parked[0])
        await ex(cmd, s.state.post(post).staff or "system")
    waiting = [t.number for t in s.state.tickets.values() if t.status == "waiting"]
    await ex(C.MoveTicket(waiting[0], to_service="rijbewijs"), "coord")
    await ex(C.MoveTicket(waiting[1], to_post="l3"), "coord")
    await ex(C.SetPriority(waiting[2]), "coord")
    await ex(C.StepAway("a" * 64, 10))
    await ex(C.ComeBack("a" * 64))
    await ex(C.LeaveQueue("b" * 64))
    await ex(C.ChangeProfile("l3", {"rijbewijs": 1, "eid": 2.5}), "coord")
    await ex(C.MoveStaff("bo", "l2"), "coord")
    await ex(C.SetIssuing("afhalen", False), "coord")
    await ex(C.Broadcast("Pauze om 12 uur", until=clock() + timedelta(hours=1)), "coord")
    await ex(C.Broadcast("Tot vanavond", targets=("display",)), "coord")
    await ex(C.WithdrawBroadcast(), "coord")
    await ex(C.Heartbeat("k1", "kiosk"))
    await ex(C.Heartbeat("k1", "printer", "paper_out", "no paper"))
    await ex(C.Logout("coord"))
    await ex(C.ClosePost("snel"), "cas")
    await ex(C.PurgeNotes(30), "coord")
    await ex(C.EndDay(), "coord")
    await s.close()
    s = await Store(db, office, clock=clock).open()  # as a new process folds it
    with open(out + "_state.json", "w") as f:
        json.dump(summary(s.state), f, ensure_ascii=False, indent=1)
    await s.close()
    con = sqlite3.connect(db)
    rows = con.execute("SELECT e.seq, e.stream, e.version, e.type, e.at, e.day, e.actor, e.data,"
                       " n.text FROM events e LEFT JOIN notes n ON n.seq = e.seq ORDER BY e.seq")
    with open(out + ".jsonl", "w") as f:
        for r in rows:
            keys = "seq stream version type at day actor data note".split()
            f.write(json.dumps(dict(zip(keys, r, strict=True)), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    from kcc_tui.store.eventstore import create_store

    asyncio.run(main(sys.argv[1], sys.argv[2]))
