"""`kcc web`: the citizen's ticket page (/t/{token}) and the public board (/board) on aiohttp.

One process holds one store. One poller reads the store's change feed (`EventStore.poll`, every
50 ms) and, on every change, sends each open page a full snapshot over Server-Sent Events: one
snapshot built per ticket (however many pages show it), none built for tickets nobody watches.
Estimates come from one replay for all watched tickets, at most every `ESTIMATE_S`, in a
process of their own (with a long queue a replay takes seconds of CPU): a call reaches the pages
without waiting for any estimate.

Privacy: no cookies, no third-party requests, `Cache-Control: no-store`, `Referrer-Policy:
no-referrer`; unknown, malformed and expired tokens all get the same 404; requests are limited
per address (an in-memory token bucket). See docs/phone.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from ..config.settings import Settings
from ..domain import commands as C
from ..domain.clock import Clock, FixedClock, system_clock
from ..domain.estimate import Estimate, ticket_estimates
from ..domain.events import Event
from ..domain.office import Office
from ..domain.state import Ticket
from ..store import EventStore, StoreError, open_store
from . import pages
from .texts import lang_or
from .token import token_hash
from .views import board_view, live_ticket, positions, ticket_view

log = logging.getLogger(__name__)

POLL_S = 0.05  # the change feed: as often as the apps look
TICK_S = 30.0  # a snapshot to every page at least this often (away time, estimates, "updated")
ESTIMATE_S = 30.0  # estimates are worked out again at most this often (`kcc web --estimates`)
KEEPALIVE_S = 15.0  # an SSE comment keeps proxies from closing a quiet stream
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
BOARD = "board"

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class RateLimit:
    """A token bucket per client address: `burst` requests at once, `rate` per second after."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if len(self._buckets) > 50_000:  # forget the idle (full) buckets: memory stays flat
            self._buckets = {k: v for k, v in self._buckets.items()
                             if v[0] + (now - v[1]) * self.rate < self.burst}
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True


@dataclass(eq=False)
class Subscriber:
    """One open page's SSE stream: the latest snapshot waits here until written (a slow phone
    skips snapshots rather than queueing them)."""

    key: str  # the token hash, or BOARD
    lang: str
    latest: bytes | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    def put(self, data: bytes) -> None:
        self.latest = data
        self.wake.set()


class Hub:
    """The store, the change-feed poller and the open pages of one `kcc web` process."""

    def __init__(self, settings: Settings, db: Path, clock: Clock = system_clock,
                 estimate_s: float = ESTIMATE_S) -> None:
        self.settings = settings
        self.office = settings.office
        self.db = db
        self.clock = clock
        self.grace = timedelta(minutes=settings.phone.ended_grace_min)
        self.estimate_s = estimate_s  # 0: no estimates on the pages
        self.store: EventStore | None = None
        self.subs: dict[str, set[Subscriber]] = {}
        # ticket number -> its estimate from the last replay (None: no open post serves it)
        self.estimates: dict[str, Estimate] = {}
        self._estimated_at = -TICK_S
        self._estimate_seq = -1
        self._dirty = False  # a page showed a ticket no replay covered yet
        self._estimating: asyncio.Task[None] | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None
        self._poll_lock = asyncio.Lock()

    async def start(self) -> None:
        self.store = await open_store(self.db, self.office, clock=self.clock,
                                 busy_timeout_ms=self.settings.store.busy_timeout_ms).open()
        # Niced: the replays use what CPU the pages and the counters leave over.
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=os.nice, initargs=(19,))
        self._task = asyncio.create_task(self._run(), name="phone-poller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for subs in self.subs.values():
            for s in subs:
                s.closed = True
                s.wake.set()
        if self._pool is not None:
            # A replay of a long queue may run for seconds: stop it rather than wait for it.
            processes = dict(getattr(self._pool, "_processes", None) or {})
            self._pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes.values():
                proc.terminate()
        if self.store is not None:
            await self.store.close()

    # -- reading -----------------------------------------------------------------------------
    def ticket(self, h: str) -> Ticket | None:
        assert self.store is not None
        return live_ticket(self.store.state, h, self.clock(), self.grace)

    def estimate(self, t: Ticket) -> Estimate | None | Pending:
        """The ticket's estimate from the last replay (None: none shown); PENDING until one
        covered it."""
        if t.status != "waiting" or self.estimate_s <= 0:
            return None
        if t.number not in self.estimates:
            self._dirty = True
            return PENDING
        return self.estimates[t.number]

    def ticket_snapshot(self, t: Ticket, lang: str,
                        ahead: dict[str, int] | None = None) -> dict[str, Any]:
        assert self.store is not None
        e = self.estimate(t)
        return ticket_view(self.store.state, self.office, t, self.clock(), lang,
                           None if isinstance(e, Pending) else e, pending=isinstance(e, Pending),
                           ahead=ahead)

    def board_snapshot(self, lang: str) -> dict[str, Any]:
        assert self.store is not None
        displays = list(self.settings.displays.values())
        history = displays[0].history if displays else 8
        return board_view(self.store.state, self.office, self.clock(), lang, max(1, history))

    # -- the poller --------------------------------------------------------------------------
    async def catch_up(self) -> None:
        """Read the change feed now (a page asked): what it brings goes out to every page."""
        assert self.store is not None
        with contextlib.suppress(StoreError):  # the poller reports and reopens
            if await self._poll():
                self.fan_out()

    async def _poll(self) -> list[Event]:
        """One reader of the change feed at a time (a page's catch-up and the poller)."""
        assert self.store is not None
        async with self._poll_lock:
            return await self.store.poll()

    async def _run(self) -> None:
        assert self.store is not None
        last_state, last_tick = self.store.state, time.monotonic()
        while True:
            await asyncio.sleep(POLL_S)
            try:
                events = await self._poll()
            except StoreError as e:
                log.warning("kcc web: %s", e)
                await asyncio.sleep(1.0)
                await self._reopen()
                last_state = self.store.state
                continue
            now_m = time.monotonic()
            changed = bool(events) or self.store.state is not last_state
            last_state = self.store.state
            if changed or now_m - last_tick >= TICK_S:
                last_tick = now_m
                self.fan_out()
            self._estimate_due(now_m)

    async def _reopen(self) -> None:
        old = self.store
        with contextlib.suppress(Exception):
            if old is not None:
                await old.close()
        with contextlib.suppress(StoreError):
            self.store = await open_store(self.db, self.office, clock=self.clock).open()

    def _estimate_due(self, now_m: float) -> bool:
        """Start a replay for the watched tickets when one is due and none is running."""
        assert self.store is not None
        if self._estimating is not None or self._pool is None or self.estimate_s <= 0:
            return False
        since = now_m - self._estimated_at
        seq_moved = self.store.state.seq != self._estimate_seq
        if not (self._dirty or (seq_moved and since >= self.estimate_s)):
            return False
        numbers = [t.number for h in self.subs if h != BOARD
                   if (t := self.ticket(h)) is not None and t.status == "waiting"]
        self._estimated_at, self._estimate_seq, self._dirty = now_m, self.store.state.seq, False
        if not numbers:
            return False
        self._estimating = asyncio.create_task(self._estimate(numbers), name="phone-estimate")
        return True

    async def _estimate(self, numbers: list[str]) -> None:
        """The replay runs in another process (with a long queue it takes seconds of CPU):
        the pages keep getting their snapshots meanwhile."""
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self._pool, estimate_job, str(self.db),
                                                self.office, numbers, self.clock())
            if result != {n: self.estimates.get(n, PENDING) for n in result}:
                self.estimates = {**self.estimates, **result}
                self.fan_out()
        except Exception as e:  # a broken pool: estimates stay as they were
            log.warning("kcc web: estimates failed: %s", e)
        finally:
            self._estimating = None

    def fan_out(self) -> None:
        """A full snapshot to every open page: built once per ticket and language."""
        assert self.store is not None
        ahead = positions(self.store.state, self.office, self.clock())
        for key, subs in list(self.subs.items()):
            built: dict[str, bytes] = {}
            t = None if key == BOARD else self.ticket(key)
            for s in list(subs):
                data = built.get(s.lang)
                if data is None:
                    if key == BOARD:
                        data = pages.sse(self.board_snapshot(s.lang))
                    elif t is None:
                        data = pages.sse({}, "gone")
                    else:
                        data = pages.sse(self.ticket_snapshot(t, s.lang, ahead))
                    built[s.lang] = data
                s.put(data)

    def subscribe(self, key: str, lang: str) -> Subscriber:
        s = Subscriber(key, lang)
        self.subs.setdefault(key, set()).add(s)
        return s

    def unsubscribe(self, s: Subscriber) -> None:
        subs = self.subs.get(s.key)
        if subs is not None:
            subs.discard(s)
            if not subs:
                del self.subs[s.key]


class Pending:
    """An estimate not worked out yet (the page says so; the next snapshot brings it)."""


PENDING = Pending()


def estimate_job(db: str, office: Office, numbers: list[str], now: datetime) -> dict[str, Estimate]:
    """In the estimate process: the estimates of these tickets, from the store as it is now
    (`estimate.ticket_estimates`: the one estimate, with its reason codes, for all watched
    tickets from one set of replays)."""

    async def run() -> dict[str, Estimate]:
        async with open_store(db, office, clock=FixedClock(now), readonly=True) as store:
            st = store.state
            return ticket_estimates(st, office, [st.tickets[n] for n in numbers
                                                 if n in st.tickets], now)

    return asyncio.run(run())


# -- the web application -------------------------------------------------------------------------
HUB = web.AppKey("hub", Hub)
LIMIT = web.AppKey("limit", RateLimit)
STATIC = Path(str(resources.files(__package__) / "static"))


def _lang(request: web.Request, default: str = "nl") -> str:
    return lang_or(request.query.get("lang"), default)


def _not_found(request: web.Request) -> web.Response:
    return web.Response(status=404, text=pages.gone_page(_lang(request)),
                        content_type="text/html")


def _hash_of(request: web.Request) -> str | None:
    token = request.match_info.get("token", "")
    return token_hash(token) if TOKEN_RE.fullmatch(token) else None


@web.middleware
async def guard(request: web.Request,
                handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                ) -> web.StreamResponse:
    """Rate limit per address, then the privacy headers on every answer."""
    if not request.app[LIMIT].allow(request.remote or "?"):
        resp: web.StreamResponse = web.Response(
            status=429, text=pages.gone_page(_lang(request), "slow_down"),
            content_type="text/html", headers={"Retry-After": "5"})
    else:
        try:
            resp = await handler(request)
        except web.HTTPException as e:  # a redirect: answered as a plain response
            resp = web.Response(status=e.status, headers=e.headers, text=e.text)
    for k, v in HEADERS.items():
        resp.headers.setdefault(k, v)
    return resp


async def _live(request: web.Request) -> tuple[Hub, str, Ticket] | None:
    """The hub, the token's hash and its live ticket, read after the latest changes; None for
    an unknown, malformed or expired token (all answered with the same 404)."""
    hub = request.app[HUB]
    await hub.catch_up()
    h = _hash_of(request)
    t = hub.ticket(h) if h else None
    return None if h is None or t is None else (hub, h, t)


async def ticket_page(request: web.Request) -> web.StreamResponse:
    live = await _live(request)
    if live is None:
        return _not_found(request)
    hub, _, t = live
    lang = _lang(request, t.lang)
    token = request.match_info["token"]
    return web.Response(text=pages.ticket_page(hub.ticket_snapshot(t, lang), lang, token),
                        content_type="text/html")


async def ticket_state(request: web.Request) -> web.StreamResponse:
    live = await _live(request)
    if live is None:
        return _not_found(request)
    hub, _, t = live
    return web.json_response(hub.ticket_snapshot(t, _lang(request, t.lang)))


async def ticket_events(request: web.Request) -> web.StreamResponse:
    live = await _live(request)
    if live is None:
        return _not_found(request)
    hub, h, t = live
    lang = _lang(request, t.lang)
    return await _stream(request, hub, h, lang, pages.sse(hub.ticket_snapshot(t, lang)))


async def board_page(request: web.Request) -> web.StreamResponse:
    await request.app[HUB].catch_up()
    lang = _lang(request)
    return web.Response(text=pages.board_page(request.app[HUB].board_snapshot(lang), lang),
                        content_type="text/html")


async def board_state(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[HUB].board_snapshot(_lang(request)))


async def board_events(request: web.Request) -> web.StreamResponse:
    hub, lang = request.app[HUB], _lang(request)
    return await _stream(request, hub, BOARD, lang, pages.sse(hub.board_snapshot(lang)))


async def _stream(request: web.Request, hub: Hub, key: str, lang: str,
                  first: bytes) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream; charset=utf-8",
                                       "X-Accel-Buffering": "no", **HEADERS})
    await resp.prepare(request)
    sub = hub.subscribe(key, lang)
    try:
        await resp.write(b"retry: 3000\n\n" + first)
        while not sub.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sub.wake.wait(), KEEPALIVE_S)
            sub.wake.clear()
            data, sub.latest = sub.latest, None
            if data is None:
                await resp.write(b": keep-alive\n\n")
                continue
            await resp.write(data)
            if data.startswith(b"event: gone"):
                break
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.unsubscribe(sub)
    return resp


def _same_origin(request: web.Request) -> bool:
    """A form post from the page itself. Browsers say so in Sec-Fetch-Site; with
    `Referrer-Policy: no-referrer` a form post's Origin is "null", so Origin only counts when
    it names a host (and then it must be ours)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    forwarded = request.headers.get("X-Forwarded-Host")
    return urlsplit(origin).netloc in {request.host, forwarded}


def _action(make: Callable[[Hub, str], C.Command]) -> Callable[
        [web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        live = await _live(request)
        if live is None:
            return _not_found(request)
        hub, h, t = live
        if not _same_origin(request):
            return web.Response(status=403, text="cross-site request refused")
        assert hub.store is not None
        with contextlib.suppress(C.Refused):  # the page then shows why (the state as it is)
            await hub.store.execute(make(hub, h), C.PHONE_ACTOR)
        hub.fan_out()
        lang = _lang(request, t.lang)
        raise web.HTTPSeeOther(f"/t/{request.match_info['token']}?lang={lang}")

    return handle


def make_app(settings: Settings, db: Path, *, clock: Clock = system_clock,
             rate: float = 2.0, burst: float = 30.0,
             estimate_s: float = ESTIMATE_S) -> web.Application:
    """The aiohttp application of `kcc web`; the store opens when the app starts."""
    app = web.Application(middlewares=[guard])
    hub = Hub(settings, db, clock, estimate_s)
    app[HUB] = hub
    app[LIMIT] = RateLimit(rate, burst)
    away = settings.phone.away_minutes

    async def on_startup(_app: web.Application) -> None:
        await hub.start()

    async def on_shutdown(_app: web.Application) -> None:
        await hub.stop()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)

    async def root(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther("/board")

    app.add_routes([
        web.get("/", root),
        web.get("/board", board_page),
        web.get("/board/state", board_state),
        web.get("/board/events", board_events),
        web.get("/t/{token}", ticket_page),
        web.get("/t/{token}/state", ticket_state),
        web.get("/t/{token}/events", ticket_events),
        web.post("/t/{token}/away", _action(lambda _hub, h: C.StepAway(h, away))),
        web.post("/t/{token}/back", _action(lambda _hub, h: C.ComeBack(h))),
        web.post("/t/{token}/leave", _action(lambda _hub, h: C.LeaveQueue(h))),
        web.static("/static", STATIC),
    ])
    return app

