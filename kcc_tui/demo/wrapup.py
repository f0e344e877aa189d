"""The end of a demo: the posts opened during it are closed again, so the office the demo ran
on is left as it was found (the waiting tickets stay, like citizens still in the waiting room).
"""

from __future__ import annotations

from pathlib import Path

from ..domain import commands as C
from ..domain.office import Office
from ..store import open_store


async def open_sessions(db: Path, office: Office) -> dict[str, int]:
    """post -> session of every post open now (creating the database if needed)."""
    async with open_store(db, office, create=True) as store:
        return {pid: store.state.post(pid).session for pid in office.posts
                if store.state.post(pid).open}


async def close_posts(db: Path, office: Office, open_before: dict[str, int]) -> list[str]:
    """Close every post whose session began after `open_sessions` was taken; a called ticket
    goes back to the queue first, one being served is finished. Returns the posts closed."""
    closed = []
    async with open_store(db, office) as store:
        for pid in office.posts:
            p = store.state.post(pid)
            if not p.open or open_before.get(pid) == p.session:
                continue
            actor = p.staff or "system"
            current = store.state.tickets.get(p.current) if p.current else None
            topics = tuple(office.topics)[:1] if office.routing.require_topic else ()
            try:
                if current is not None and current.status == "called":
                    await store.execute(C.Requeue(pid), actor)
                elif current is not None:
                    await store.execute(C.Finish(pid, topics=topics), actor)
                await store.execute(C.ClosePost(pid), actor)
            except C.Refused:
                continue
            closed.append(pid)
    return closed
