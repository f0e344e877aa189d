"""Simulated citizens and staff for `kcc demo --simulate`, on the real store in real time.

Everything goes through the same domain commands as the kiosk and the counters, so the display
and the coordinator pane move exactly as they would on a busy morning (time compressed by
`speed`). Run as its own process: `python -m kcc_tui.demo.driver --db PATH [--config PATH]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import signal
from datetime import datetime

from ..config import ConfigError, load_settings
from ..config.settings import Settings
from ..domain import commands as C
from ..domain.clock import local
from ..domain.office import Office
from ..store import EventStore, StoreError, open_store

WALK_S = (2.0, 5.0)  # from the waiting room to the counter, in demo seconds
NO_SHOW = 0.08


class Driver:
    def __init__(self, store: EventStore, settings: Settings, *, speed: float, rate_per_min: float,
                 seed: int | None = None) -> None:
        self.store, self.settings, self.speed = store, settings, speed
        self.office = settings.office
        self.rate_per_min = rate_per_min
        self.rnd = random.Random(seed)
        self.kiosk = next(iter(settings.kiosks), "kiosk")

    def log(self, text: str) -> None:
        at = local(datetime.now().astimezone(), self.office.timezone)
        print(f"{at:%H:%M:%S}  {text}", flush=True)

    async def do(self, cmd: C.Command, actor: str) -> list[object] | None:
        try:
            return list(await self.store.execute(cmd, actor))
        except C.Refused:
            return None
        except StoreError as e:
            self.log(f"store: {e}")
            await asyncio.sleep(1)
            return None

    async def poll(self) -> None:
        """The change feed; a store trouble is logged and the simulation goes on (as the apps
        do), instead of ending the citizens' tab."""
        try:
            await self.store.poll()
        except StoreError as e:
            self.log(f"store: {e}")

    async def arrivals(self) -> None:
        services = [s for s in self.office.services if s in self._served()]
        langs = list(self.office.languages)
        while True:
            await asyncio.sleep(self.rnd.expovariate(self.rate_per_min / 60))
            await self.poll()
            service = self.rnd.choice(services or list(self.office.services))
            lang = self.rnd.choices(langs, weights=[8, 2, 1, 1][: len(langs)])[0]
            events = await self.do(C.IssueTicket(service, lang, kiosk=self.kiosk), self.kiosk)
            if events:
                self.log(f"citizen takes {events[0].data['number']} for "  # type: ignore[attr-defined]
                         f"{self.office.services[service].name()}")

    def _served(self) -> set[str]:
        return {s for p in self.office.posts.values() for s in p.services}

    async def counter(self, post_id: str, staff: str) -> None:
        post = self.office.posts[post_id]
        if await self.do(C.OpenPost(post_id, staff, True), staff) is not None:
            self.log(f"{staff} opens {post.name}")
        while True:
            await self.poll()
            if post.kind == "phone":
                await asyncio.sleep(self.rnd.uniform(20, 60) / self.speed * 10)
                topic = self.rnd.choice(list(self.office.topics))
                await self.do(C.RegisterCall(post_id, topic), staff)
                self.log(f"{staff} answers a phone call ({topic})")
                continue
            p = self.store.state.post(post_id)
            if not p.open or p.staff != staff:
                return  # the coordinator moved them, or a person took over the post
            if p.current is None:
                events = await self.do(C.CallNext(post_id), staff)
                if not events:
                    await asyncio.sleep(1.0)
                    continue
                number = events[0].data["number"]  # type: ignore[attr-defined]
                self.log(f"{post.name} calls {number}")
                await asyncio.sleep(self.rnd.uniform(*WALK_S))
                if self.rnd.random() < NO_SHOW:
                    await self.do(C.NoShow(post_id), staff)
                    self.log(f"{number} did not come (no-show)")
                    continue
                await self.do(C.Start(post_id), staff)
            number = self.store.state.post(post_id).current
            t = self.store.state.tickets.get(number) if number else None
            if t is None:
                continue
            mean_s = self.office.services[t.service].mean_service_min * 60 / self.speed
            # lognormal service times with the configured mean (sigma 0.5)
            await asyncio.sleep(self.rnd.lognormvariate(math.log(mean_s) - 0.125, 0.5))
            topics = (self.rnd.choice(list(self.office.topics)),) if self.office.topics else ()
            if await self.do(C.Finish(post_id, topics=topics), staff) is not None:
                self.log(f"{post.name} finishes {t.number}")

    async def run(self, skip: set[str]) -> None:
        tasks = [asyncio.create_task(self.arrivals())]
        tasks += [asyncio.create_task(self.counter(p, s))
                  for p, s in staffing(self.office, skip)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()


def staffing(office: Office, skip: set[str]) -> list[tuple[str, str]]:
    """(post, staff) pairs the driver works: each staff member at their home post, except the
    posts in `skip` (left to the person trying the demo)."""
    return [(s.post, s.id) for s in office.staff.values()
            if s.role == "staff" and s.post in office.posts and s.post not in skip]


async def main(args: argparse.Namespace) -> None:
    settings = load_settings(args.config)
    async with open_store(args.db, settings.office, create=True) as store:
        driver = Driver(store, settings, speed=args.speed, rate_per_min=args.rate,
                        seed=args.seed)
        driver.log(f"simulating {settings.office.name}: {args.rate:g} citizens/min, "
                   f"service {args.speed:g}× faster than real")
        task = asyncio.create_task(driver.run(set(args.skip)))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task


def cli() -> None:
    ap = argparse.ArgumentParser(prog="kcc-demo-driver")
    ap.add_argument("--db", required=True)
    ap.add_argument("--config", default=None)
    ap.add_argument("--speed", type=float, default=20.0)
    ap.add_argument("--rate", type=float, default=12.0, help="citizens per minute")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--skip", nargs="*", default=[], help="posts left to people")
    args = ap.parse_args()
    try:
        asyncio.run(main(args))
    except (ConfigError, StoreError) as e:
        print(f"kcc demo: {e}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    cli()
