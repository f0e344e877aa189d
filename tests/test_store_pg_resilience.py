"""A PostgreSQL store through server crashes (`pg_ctl restart -m immediate`): a process keeps
its state, says the server is gone in one line, reconnects by itself, and a command in flight
is either committed once or refused — never twice, never lost once acknowledged."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from engines import sql
from factories import make_big_office

from kcc_tui.bench.pgcluster import Cluster
from kcc_tui.domain import commands as C
from kcc_tui.store import StoreError, StoreUnreachable, create_store, open_store


async def until(step, seconds: float = 60):  # type: ignore[no-untyped-def]
    """`step()` until it no longer raises StoreError; its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        try:
            return await step()
        except StoreError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.1)


async def test_a_process_survives_a_server_crash(pg_cluster: Cluster, pg_url: str) -> None:
    office = make_big_office()
    await create_store(pg_url, office)
    async with open_store(pg_url, office) as kiosk, open_store(pg_url, office) as display:
        await kiosk.execute(C.IssueTicket("eid"), "k")
        while not display.state.tickets:  # the feed hands it out within a poll or two
            await until(display.poll)
            await asyncio.sleep(0.02)
        await asyncio.to_thread(pg_cluster.stop)
        # while the server is down, the display's feed says so in one line (and keeps its state)…
        errors = []
        for _ in range(100):
            try:
                await display.poll()
            except StoreUnreachable as e:
                errors.append(str(e))
                break
            await asyncio.sleep(0.05)
        assert errors and "\n" not in errors[0] and pg_url.split("@")[1] in errors[0]
        assert len(display.state.tickets) == 1
        await asyncio.to_thread(pg_cluster.resume)
        await until(display.poll)
        await asyncio.to_thread(pg_cluster.restart)  # a crash between two looks: not even a line
        # …and both come back by themselves: numbering goes on, the feed hands it out once
        (e,) = await until(lambda: kiosk.execute(C.IssueTicket("eid"), "k"))
        assert e.data["number"] == "A002"
        seen: list[str] = []
        for _ in range(100):
            seen += [x.data["number"] for x in await until(display.poll)]
            if seen:
                break
            await asyncio.sleep(0.05)
        assert seen == ["A002"] and len(display.state.tickets) == 2


async def test_commands_in_flight_through_restarts_commit_once_or_are_refused(
        pg_cluster: Cluster, pg_url: str) -> None:
    office = make_big_office()
    await create_store(pg_url, office)
    acknowledged: list[str] = []
    refused = unknown = 0
    stop = threading.Event()

    async def kiosk() -> None:
        nonlocal refused, unknown
        async with open_store(pg_url, office) as store:
            while not stop.is_set():
                try:
                    (e,) = await store.execute(C.IssueTicket("eid"), "k")
                    acknowledged.append(e.data["number"])
                except StoreUnreachable as err:
                    if "whether the command was recorded" in str(err):
                        unknown += 1
                    else:
                        refused += 1
                    await asyncio.sleep(0.05)
                except StoreError:
                    refused += 1
                    await asyncio.sleep(0.05)

    async def crashes() -> None:
        for _ in range(3):
            await asyncio.sleep(1.0)
            await asyncio.to_thread(pg_cluster.restart)
        await asyncio.sleep(1.5)
        stop.set()

    await asyncio.gather(kiosk(), kiosk(), crashes())
    logged = [n for (n,) in sql(pg_url, "SELECT data::jsonb ->> 'number' FROM events "
                                        "WHERE type = 'ticket_issued' ORDER BY seq")]
    print(f"\n{len(acknowledged)} acknowledged, {refused} refused, {unknown} unknown, "
          f"{len(logged)} in the log")
    assert refused > 0  # the crashes did hit commands
    assert Counter(acknowledged).most_common(1)[0][1] == 1  # none given out twice
    assert set(acknowledged) <= set(logged)  # none acknowledged is lost
    assert len(logged) - len(acknowledged) <= unknown  # no refused command was recorded
    ns = sorted(int(n[1:]) for n in logged)
    assert ns == list(range(1, len(ns) + 1))  # gap-free
    async with open_store(pg_url, office) as s:
        assert await s.check() == []


