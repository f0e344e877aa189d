"""The citizen's phone (issue 19): the ticket token, "even weg" / "ik ga weg", and `kcc web`.

The web tests run the real aiohttp application on loopback against a real SQLite file; the
"reaching a running counter" test runs the counter in another process (tests/phone_workers.py).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from kcc_tui.config import Settings, example_path, load_settings
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import Clock, FixedClock, system_clock
from kcc_tui.domain.estimate import people_ahead
from kcc_tui.domain.kpi import service_kpis
from kcc_tui.phone.server import make_app
from kcc_tui.phone.token import new_token, token_hash
from kcc_tui.phone.views import positions
from kcc_tui.store import Store, create_store

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Brussels, a Tuesday
BASE = "https://wachtrij.stad.example"


def phone_settings(**phone: Any) -> Settings:
    s = load_settings(example_path())
    return s.model_copy(update={"phone": s.phone.model_copy(update={"base_url": BASE, **phone})})


async def issue(store: Store, service: str = "eid", lang: str = "nl") -> tuple[str, str]:
    """A ticket with a token, as the kiosk issues it: (token, number)."""
    token, h = new_token()
    (e,) = await store.execute(C.IssueTicket(service, lang, token_hash=h), "onthaal")
    return token, e.data["number"]


@pytest.fixture
def settings() -> Settings:
    return phone_settings()


@pytest.fixture
def db(tmp_path: Path, settings: Settings) -> Path:
    path = tmp_path / "kcc.db"
    asyncio.run(create_store(path, settings.office))
    return path


async def client_for(settings: Settings, db: Path, clock: Clock = system_clock,
                     **kw: Any) -> TestClient[Any, Any]:
    client = TestClient(TestServer(make_app(settings, db, clock=clock, **kw)))
    await client.start_server()
    return client


async def until(check: Any, what: str, timeout: float = 10.0) -> Any:
    """Wait for `check()` to be truthy (the poller runs every 50 ms); fail with `what`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


# -- the token -------------------------------------------------------------------------------------
def test_cli_issue_returns_the_page_url_and_stores_only_the_hash(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    kcc = [sys.executable, "-m", "kcc_tui", "--db", str(db)]
    subprocess.run([*kcc, "init"], check=True, capture_output=True)
    out = subprocess.run([*kcc, "--json", "ticket", "issue", "eid", "--outside-hours"], check=True,
                         capture_output=True, text=True).stdout
    url = json.loads(out)["url"]
    m = re.fullmatch(r"http://127\.0\.0\.1:8765/t/([A-Za-z0-9_-]{22,})", url)
    assert m, url
    token = m.group(1)
    with sqlite3.connect(db) as conn:
        dump = "\n".join(conn.iterdump())
    assert token not in dump
    assert token_hash(token) in dump  # in the ticket_issued event


def test_tokens_are_unguessable_and_distinct() -> None:
    tokens = {new_token()[0] for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) >= 22 for t in tokens)  # 16 random bytes, base64url


async def test_issue_refuses_a_malformed_or_reused_token_hash(db: Path,
                                                                settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        with pytest.raises(C.Refused) as r:
            await store.execute(C.IssueTicket("eid", token_hash="not-a-hash"), "cli")
        assert r.value.code == "bad_token"
        h = token_hash("x" * 22)
        await store.execute(C.IssueTicket("eid", token_hash=h), "cli")
        with pytest.raises(C.Refused) as r:
            await store.execute(C.IssueTicket("eid", token_hash=h), "cli")
        assert r.value.code == "bad_token"


# -- "even weg", "terug", "ik ga weg" in the domain ------------------------------------------
async def test_away_is_skipped_by_call_next_until_back_or_time_runs_out(
        db: Path, settings: Settings) -> None:
    clock = FixedClock(T0)
    async with Store(db, settings.office, clock=clock) as store:
        (t1, a1), (t2, a2), (t3, a3) = [await issue(store) for _ in range(3)]
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        (e,) = await store.execute(C.StepAway(token_hash(t1), 15), "phone")
        assert e.type == "ticket_away"
        with pytest.raises(C.Refused) as r:  # already away
            await store.execute(C.ComeBack(token_hash(t2)), "phone")
        assert r.value.code == "not_away"
        (call,) = await store.execute(C.CallNext("loket1"), "an")
        assert call.data["number"] == a2  # a1 keeps its place but is skipped
        assert store.state.tickets[a1].status == "waiting"
        await store.execute(C.Finish("loket1"), "an")
        await store.execute(C.ComeBack(token_hash(t1)), "phone")
        (call,) = await store.execute(C.CallNext("loket1"), "an")
        assert call.data["number"] == a1  # back: first again, in its old place
        await store.execute(C.Finish("loket1"), "an")
        # away again, and the time runs out: eligible without a word from the citizen
        t4, a4 = await issue(store)
        await store.execute(C.StepAway(token_hash(t3), 15), "phone")
        clock.advance(minutes=10)
        (call,) = await store.execute(C.CallNext("loket1"), "an")
        assert call.data["number"] == a4
        await store.execute(C.Finish("loket1"), "an")
        clock.advance(minutes=6)
        (call,) = await store.execute(C.CallNext("loket1"), "an")
        assert call.data["number"] == a3
        with pytest.raises(C.Refused) as r:  # called: no longer for the phone to change
            await store.execute(C.LeaveQueue(token_hash(t3)), "phone")
        assert r.value.code == "not_waiting"


async def test_leaving_frees_the_place_and_counts_as_abandoned(db: Path,
                                                                settings: Settings) -> None:
    clock = FixedClock(T0)
    async with Store(db, settings.office, clock=clock) as store:
        (t1, a1), (_t2, a2) = await issue(store), await issue(store)
        clock.advance(minutes=3)
        await store.execute(C.LeaveQueue(token_hash(t1)), "phone")
        assert store.state.tickets[a1].status == "left"
        assert [t.number for t in store.state.waiting()] == [a2]
        with pytest.raises(C.Refused) as r:
            await store.execute(C.LeaveQueue(token_hash(t1)), "phone")
        assert r.value.code == "not_waiting"
        with pytest.raises(C.Refused) as r:
            await store.execute(C.LeaveQueue(token_hash("guessed-token-000000")), "phone")
        assert r.value.code == "no_such_ticket"
        kpis = service_kpis(store.state.tickets.values(), settings.office,
                            T0 - timedelta(hours=2), T0 + timedelta(hours=2))
        assert kpis["eid"].abandoned == 1
        assert kpis["eid"].issued == 2
        # the read model and the log agree (a new status and interval end)
        assert await store.check() == []


async def test_positions_are_people_ahead_for_every_ticket(db: Path,
                                                           settings: Settings) -> None:
    clock = FixedClock(T0)
    async with Store(db, settings.office, clock=clock) as store:
        for i in range(40):
            token, h = new_token()
            service = ["eid", "rijbewijs", "afhalen"][i % 3]
            priority = i % 4 == 0 and settings.office.services[service].priority_allowed
            await store.execute(C.IssueTicket(service, priority=priority, token_hash=h),
                                "onthaal")
            clock.advance(seconds=37)
        await store.execute(C.OpenPost("loket2", "bart", True), "bart")
        await store.execute(C.CallNext("loket2"), "bart")
        await store.execute(C.Transfer("loket2", to_service="afhalen"), "bart")
        st, now = store.state, clock.advance(minutes=5)
        got = positions(st, settings.office, now)
        want = {t.number: people_ahead(st, settings.office, t.service, now, t)
                for t in st.waiting()}
        assert got == want and len(want) == 40


# -- the web pages ---------------------------------------------------------------------------------
PRIVACY = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def test_ticket_page_without_javascript_and_its_headers(db: Path,
                                                              settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        token, number = await issue(store, lang="fr")
        other, _ = await issue(store)
    client = await client_for(settings, db)
    try:
        r = await client.get(f"/t/{token}")
        assert r.status == 200
        for k, v in PRIVACY.items():
            assert r.headers[k] == v
        assert "Set-Cookie" not in r.headers
        assert "'self'" in r.headers["Content-Security-Policy"]
        page = await r.text()
        assert '<html lang="fr">' in page  # the ticket's language
        assert f'id="number">{number}<' in page
        assert "Vous attendez" in page
        assert "Personnes avant vous : 0" in page
        assert '<noscript><meta http-equiv="refresh"' in page  # works without JavaScript
        assert 'aria-live="assertive"' in page and 'aria-live="polite"' in page
        assert '<form method="post"' in page  # the actions are plain forms
        assert other not in page  # never another ticket's token
        assert "http://" not in page and "https://" not in page  # nothing third-party
        de = await (await client.get(f"/t/{token}?lang=de")).text()
        assert '<html lang="de">' in de and "Sie warten" in de
        state = await (await client.get(f"/t/{token}/state")).json()
        assert state["number"] == number and state["phase"] == "waiting"
        static = await client.get("/static/phone.js")
        assert static.status == 200 and static.headers["Cache-Control"] == "no-store"
    finally:
        await client.close()


async def test_text_from_the_config_is_escaped(tmp_path: Path) -> None:
    s = phone_settings()
    eid = s.office.services["eid"].model_copy(update={"names": {"nl": "<script>x</script>"}})
    office = s.office.model_copy(update={"services": {**s.office.services, "eid": eid}})
    s = s.model_copy(update={"office": office})
    db = tmp_path / "kcc.db"
    await create_store(db, s.office)
    async with Store(db, s.office) as store:
        token, _ = await issue(store)
    client = await client_for(s, db)
    try:
        page = await (await client.get(f"/t/{token}")).text()
        assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
        board = await (await client.get("/board")).text()
        assert "<script>x" not in board
    finally:
        await client.close()


async def test_guessed_malformed_and_expired_tokens_get_the_same_404(
        db: Path, settings: Settings) -> None:
    clock = FixedClock(T0)
    async with Store(db, settings.office, clock=clock) as store:
        token, _ = await issue(store)
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        await store.execute(C.CallNext("loket1"), "an")
        await store.execute(C.Finish("loket1"), "an")
    client = await client_for(settings, db, clock)
    try:
        clock.advance(minutes=settings.phone.ended_grace_min + 1)
        answers = []
        for path in (f"/t/{token}", f"/t/{new_token()[0]}", "/t/x", "/t/" + "A" * 70,
                     f"/t/{new_token()[0]}/events", f"/t/{token}/state"):
            r = await client.get(path)
            answers.append((r.status, await r.text(), r.headers["Cache-Control"]))
        assert {a[0] for a in answers} == {404}
        assert len({a[1] for a in answers}) == 1  # word for word the same
        r = await client.post(f"/t/{token}/leave", headers={"Sec-Fetch-Site": "same-origin"},
                              allow_redirects=False)
        assert r.status == 404
    finally:
        await client.close()


async def test_token_dies_with_the_ticket_after_a_grace_and_with_the_day(
        db: Path, settings: Settings) -> None:
    clock = FixedClock(T0)
    async with Store(db, settings.office, clock=clock) as store:
        token, _ = await issue(store)
        waiting, _ = await issue(store)
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        await store.execute(C.CallNext("loket1"), "an")
        await store.execute(C.Finish("loket1"), "an")
    client = await client_for(settings, db, clock)
    try:
        r = await client.get(f"/t/{token}")
        assert r.status == 200 and "U bent geholpen" in await r.text()  # the outcome, a while
        clock.advance(minutes=settings.phone.ended_grace_min - 1)
        assert (await client.get(f"/t/{token}")).status == 200
        clock.advance(minutes=2)
        assert (await client.get(f"/t/{token}")).status == 404
        assert (await client.get(f"/t/{waiting}")).status == 200  # still waiting: alive
        clock.advance(days=1)  # the next business day: the poller reloads an empty day

        async def dead() -> bool:
            return (await client.get(f"/t/{waiting}")).status == 404

        for _ in range(200):
            if await dead():
                break
            await asyncio.sleep(0.05)
        assert await dead()
    finally:
        await client.close()


async def test_actions_need_the_same_origin_and_change_the_ticket(
        db: Path, settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        token, number = await issue(store)
    client = await client_for(settings, db)
    try:
        page = f"/t/{token}"
        for bad in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                    {"Origin": "null"}):
            r = await client.post(f"{page}/away", headers=bad, allow_redirects=False)
            assert r.status == 403, bad
        same = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}
        r = await client.post(f"{page}/away", headers=same, allow_redirects=False)
        assert r.status == 303 and r.headers["Location"] == f"{page}?lang=nl"
        text = await (await client.get(page)).text()
        assert "U bent even weg" in text and 'id="f-back">' in text
        host = f"http://{client.host}:{client.port}"
        r = await client.post(f"{page}/back", headers={"Origin": host}, allow_redirects=False)
        assert r.status == 303
        assert "U wacht" in await (await client.get(page)).text()
        r = await client.post(f"{page}/leave", headers=same, allow_redirects=False)
        assert r.status == 303
        assert "geannuleerd" in await (await client.get(page)).text()
        async with Store(db, settings.office) as store:
            assert store.state.tickets[number].status == "left"
            actors = [e.actor for e in await store.events() if e.type.startswith("ticket_")]
            assert actors[-3:] == ["phone"] * 3
    finally:
        await client.close()


async def test_requests_are_rate_limited_per_address(db: Path, settings: Settings) -> None:
    client = await client_for(settings, db, rate=0.01, burst=3)
    try:
        codes = [(await client.get(f"/t/{new_token()[0]}")).status for _ in range(5)]
        assert codes == [404, 404, 404, 429, 429]
    finally:
        await client.close()


async def sse_snapshots(client: TestClient[Any, Any], path: str) -> AsyncIterator[dict[str, Any]]:
    async with client.get(path) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/event-stream")
        assert r.headers["Cache-Control"] == "no-store"
        event = None
        async for raw in r.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                yield {"event": event, **data}


async def test_sse_sends_a_snapshot_when_another_writer_changes_the_queue(
        db: Path, settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        _, first = await issue(store)
        token, number = await issue(store)
    client = await client_for(settings, db)
    try:
        stream = sse_snapshots(client, f"/t/{token}/events")
        snap = await anext(stream)
        assert snap["phase"] == "waiting" and snap["ahead"] == "Wachtenden voor u: 1"
        async with Store(db, settings.office) as other:  # another writer than the server
            await other.execute(C.OpenPost("loket1", "an", True), "an")
            await other.execute(C.CallNext("loket1"), "an")
            async for snap in stream:
                if snap["ahead"] == "Wachtenden voor u: 0":
                    break
            await other.execute(C.Finish("loket1"), "an")
            await other.execute(C.CallNext("loket1"), "an")
            async for snap in stream:
                if snap["phase"] == "called":
                    break
        assert snap["headline"] == "Het is uw beurt: Loket 1"
        assert snap["number"] == number and first not in json.dumps(snap)
        await stream.aclose()
    finally:
        await client.close()


async def test_board_shows_calls_and_queues_and_nothing_personal(
        db: Path, settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        tokens = [(await issue(store))[0] for _ in range(3)]
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        (call,) = await store.execute(C.CallNext("loket1"), "an")
    client = await client_for(settings, db)
    try:
        r = await client.get("/board")
        page = await r.text()
        assert r.status == 200 and r.headers["Referrer-Policy"] == "no-referrer"
        assert call.data["number"] in page and "Loket 1" in page
        assert not any(t in page for t in tokens)
        state = await (await client.get("/board/state")).json()
        eid = next(q for q in state["queues"] if q["prefix"] == "A")
        assert eid["waiting"] == 2
        assert not any(t in json.dumps(state) for t in tokens)
    finally:
        await client.close()


# -- reaching a running counter (another process) -------------------------------------------------
async def test_even_weg_and_ik_ga_weg_reach_a_running_counter(db: Path,
                                                             settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        (t1, a1), (t2, a2), (t3, a3) = [await issue(store) for _ in range(3)]
    worker = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "tests" / "phone_workers.py"), str(db), "loket1", "an",
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert worker.stdin is not None and worker.stdout is not None
    client = await client_for(settings, db)
    same = {"Sec-Fetch-Site": "same-origin"}

    async def line() -> dict[str, Any]:
        assert worker.stdout is not None
        raw = await asyncio.wait_for(worker.stdout.readline(), 20)
        assert raw, "the counter process stopped"
        return json.loads(raw)  # type: ignore[no-any-return]

    async def send(cmd: str) -> None:
        assert worker.stdin is not None
        worker.stdin.write(f"{cmd}\n".encode())
        await worker.stdin.drain()

    try:
        assert await line() == {"waiting": [a1, a2, a3], "away": []}
        await client.post(f"/t/{t1}/away", headers=same, allow_redirects=False)
        assert await line() == {"waiting": [a1, a2, a3], "away": [a1]}  # the counter's marker
        await send("call")
        assert await line() == {"called": a2}  # call next skips the one away
        assert (await line())["waiting"] == [a1, a3]
        await client.post(f"/t/{t3}/leave", headers=same, allow_redirects=False)
        assert await line() == {"waiting": [a1], "away": [a1]}  # the place is free
        await client.post(f"/t/{t1}/back", headers=same, allow_redirects=False)
        assert await line() == {"waiting": [a1], "away": []}
        await send("finish")
        assert await line() == {"finished": True}
        await send("call")
        assert await line() == {"called": a1}
        page = await (await client.get(f"/t/{t1}")).text()
        assert "Het is uw beurt: Loket 1" in page
        del t2
    finally:
        await send("quit")
        await asyncio.wait_for(worker.wait(), 20)
        await client.close()


async def page_estimate(client: Any, token: str) -> str:
    """The page's estimate line once the replay in the other process has covered it."""
    stream = sse_snapshots(client, f"/t/{token}/events")
    try:
        async for snap in stream:
            if snap["estimate"] != "Geschatte wachttijd: wordt berekend…":
                return str(snap["estimate"])
    finally:
        await stream.aclose()
    raise AssertionError("the stream ended")


async def test_the_page_says_why_there_is_no_number_as_every_surface_does(
        db: Path, settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        token, _ = await issue(store)  # no loket open
    client = await client_for(settings, db)
    try:
        assert await page_estimate(client, token) == "Geschatte wachttijd: geen loket open"
    finally:
        await client.close()


async def test_the_estimate_comes_from_a_replay_in_another_process(
        db: Path, settings: Settings) -> None:
    async with Store(db, settings.office) as store:
        await store.execute(C.OpenPost("loket1", "an", True), "an")
        token, _ = await issue(store)
    client = await client_for(settings, db)
    try:
        stream = sse_snapshots(client, f"/t/{token}/events")
        snap = await anext(stream)
        assert snap["estimate"] == "Geschatte wachttijd: wordt berekend…"
        async for snap in stream:
            if snap["estimate"] != "Geschatte wachttijd: wordt berekend…":
                break
        assert re.fullmatch(r"Geschatte wachttijd: (< 1 min|± \d+ min( \(\d+–\d+\))?)",
                            snap["estimate"]), snap["estimate"]
        await stream.aclose()
        page = await (await client.get(f"/t/{token}")).text()
        assert html.escape(snap["estimate"]) in page  # the page and the stream say the same
    finally:
        await client.close()


def test_the_qr_template_gets_the_page_address() -> None:
    from dataclasses import replace

    from printers.layout import TicketSlip, content_for
    from printers.settings import PrinterSettings

    slip = TicketSlip(office="Stad", number="A012", service_code="eid", service_name="eID",
                      lang="nl", issued_at=T0, people_ahead=3, estimated_wait_min=12)
    page = PrinterSettings(qr=True, qr_text="{token_url}")
    url = f"{BASE}/t/{new_token()[0]}"
    assert content_for(page, replace(slip, token_url=url)).qr_text == url
    assert content_for(page, slip).qr_text is None  # no page: no code (never the bare number)
    old = PrinterSettings(qr=True, qr_text="https://x.example/q?t={number}&d={day}")
    assert content_for(old, slip).qr_text == "https://x.example/q?t=A012&d=2026-11-24"


async def test_the_kiosk_issues_a_token_and_shows_the_page_address(tmp_path: Path) -> None:
    from test_kiosk_kit import kiosk, kiosk_settings, print_state, ready, until

    s = kiosk_settings()
    s = s.model_copy(update={"phone": s.phone.model_copy(update={"base_url": BASE})})
    db = tmp_path / "kcc.db"
    await create_store(db, s.office)
    app = kiosk(s, db, FixedClock(T0))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "printed", "the printed ticket")
        shown = str(app.screen.query_one("#c-url").render())
        m = re.search(rf"{re.escape(BASE)}/t/([A-Za-z0-9_-]+)", shown)
        assert m, shown
    async with Store(db, s.office, clock=FixedClock(T0)) as store:
        (t,) = store.state.tickets.values()
        assert t.token_hash == token_hash(m.group(1))
