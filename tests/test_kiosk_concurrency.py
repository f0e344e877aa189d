"""Two kiosk processes and `kcc ticket issue` from the shell, all issuing at once: the ticket
numbers stay gap-free and unique per service, as the log itself shows.

Each kiosk is a real OS process running the real kiosk app headless and pressing its keys
(`python tests/test_kiosk_concurrency.py kiosk DB KIOSK N SEED`); the CLI runs as `kcc`
subprocesses. They share one SQLite file, like the processes in the entrance hall.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from test_kiosk_kit import DUMMY, SIZE, kiosk_settings  # noqa: E402

from kcc_tui.config import example_path  # noqa: E402
from kcc_tui.config.settings import Settings  # noqa: E402
from kcc_tui.domain.office import OpeningHours  # noqa: E402
from kcc_tui.store import Store, create_store  # noqa: E402

KCC = str(Path(sys.executable).with_name("kcc"))
# Services without a daily cap, and the kiosk key (its place on the start screen) of each.
KEYS = {"1": "eid", "2": "rijbewijs", "4": "attesten", "5": "afhalen"}
PER_KIOSK = 15
CLI_RUNS = 10


def always_open(kiosk_ids: tuple[str, ...]) -> Settings:
    """The example office open around the clock (the test runs on the real clock), with one
    kiosk per id."""
    settings = kiosk_settings(DUMMY)
    office = settings.office.model_copy(update={"hours": OpeningHours()})
    base = settings.kiosks["onthaal"]
    kiosks = {k: base.model_copy(update={"id": k, "name": k}) for k in kiosk_ids}
    return settings.model_copy(update={"office": office, "kiosks": kiosks})


async def run_kiosk(db: str, kiosk_id: str, presses: int, seed: int) -> None:
    """One kiosk process: press `presses` service keys, print the numbers it showed."""
    from textual.pilot import Pilot

    from kcc_tui.apps.kiosk import build_app
    from kcc_tui.apps.kiosk.confirm import ConfirmScreen

    rnd = random.Random(seed)
    app = build_app(always_open((kiosk_id,)), db=db, kiosk_id=kiosk_id, debounce_s=0.01)
    shown: list[str] = []

    async def wait(pilot: Pilot[None], cond: object) -> None:
        for _ in range(1000):  # 20 s
            if cond():  # type: ignore[operator]
                return
            await pilot.pause(0.02)
        raise SystemExit(f"kiosk {kiosk_id}: timed out after {len(shown)} tickets")

    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: app.store is not None)
        print("ready", flush=True)  # the test starts the CLI once both kiosks are up
        for _ in range(presses):
            await pilot.press(rnd.choice(list(KEYS)))
            await wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            screen = app.screen
            assert isinstance(screen, ConfirmScreen)
            shown.append(screen.ticket.number)
            app.back_to_start(screen)
            await pilot.pause(0.02)  # past the (shortened) debounce window
    print(json.dumps(shown))


def test_two_kiosks_and_the_cli_issue_gap_free_numbers(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    settings = always_open(("k1", "k2"))

    async def create() -> None:
        await create_store(db, settings.office)

    asyncio.run(create())
    env = os.environ | {"KCC_CONFIG": str(example_path())}
    kiosks = [subprocess.Popen([sys.executable, __file__, "kiosk", str(db), k, str(PER_KIOSK),
                                str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path) for i, k in enumerate(("k1", "k2"))]
    for p in kiosks:  # both kiosks have their store open: from now on they all overlap
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    cli_out: list[str] = []

    def cli(services: list[str]) -> None:
        for service in services:
            done = subprocess.run([KCC, "--db", str(db), "--json", "ticket", "issue", service,
                                   "--outside-hours"],
                                  capture_output=True, text=True, env=env, cwd=tmp_path,
                                  timeout=60)
            assert done.returncode == 0, done.stdout + done.stderr
            cli_out.append(json.loads(done.stdout)["ticket"]["number"])

    services = [list(KEYS.values())[i % len(KEYS)] for i in range(CLI_RUNS)]
    shells = [threading.Thread(target=cli, args=(services[i::2],)) for i in range(2)]
    for t in shells:
        t.start()
    outputs = [p.communicate(timeout=120) for p in kiosks]
    for t in shells:
        t.join(timeout=120)
    for p, (_, err) in zip(kiosks, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    shown = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]

    async def issued() -> list[tuple[str, int, str, str]]:
        async with Store(db, settings.office) as store:
            events = await store.events(day=store.today(), limit=10_000)
        return [(e.data["service"], e.data["n"], e.data["number"], e.actor)
                for e in events if e.type == "ticket_issued"]

    tickets = asyncio.run(issued())
    assert len(tickets) == 2 * PER_KIOSK + CLI_RUNS
    per_service: dict[str, list[int]] = defaultdict(list)
    for service, n, _, _ in tickets:
        per_service[service].append(n)
    for service, ns in per_service.items():
        assert sorted(ns) == list(range(1, len(ns) + 1)), (service, sorted(ns))  # no gap, no dup
    # Every number a kiosk showed is the one recorded for it, and the CLI's are the rest.
    by_actor: dict[str, list[str]] = defaultdict(list)
    for _, _, number, actor in tickets:
        by_actor[actor].append(number)
    assert by_actor["k1"] == shown[0] and by_actor["k2"] == shown[1]
    assert sorted(by_actor["cli"]) == sorted(cli_out)


if __name__ == "__main__":
    role, db_path, kiosk_id, n, seed = sys.argv[1:]
    if role == "kiosk":
        asyncio.run(run_kiosk(db_path, kiosk_id, int(n), int(seed)))
