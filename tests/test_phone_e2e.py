"""The citizen's phone end to end (issue 19): a ticket printed on emupos, its QR code read back
with zbarimg, the address opened in headless Chromium against `kcc web` (its own process), and a
counter in a third process calling tickets. The page must show the position change, then "Het is
uw beurt". The times from each commit to the change on the page are printed (a figure, not an
assertion: see docs/phone.md for the measured values).

Set KCC_SCREENSHOTS=docs/screenshots to keep the browser's screenshots (the docs use them).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from printer_fixtures import Emulator, emupos_fixture, emupos_server_fixture, free_port
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from kcc_tui.apps.kiosk.printing import IssuedTicket, PrinterWatch
from kcc_tui.config import example_path, load_settings
from kcc_tui.domain import commands as C
from kcc_tui.phone.token import new_token, page_url
from kcc_tui.store import Store

__all__ = ["emupos_fixture", "emupos_server_fixture"]  # fixtures, registered by the import

ROOT = Path(__file__).resolve().parent.parent
KCC = [sys.executable, "-m", "kcc_tui"]
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=412,860"]
# Records, in the page, when the position and the headline last changed (Date.now(), ms).
WATCH_JS = """
window.__changes = [];
const obs = new MutationObserver(() => window.__changes.push({
  t: Date.now(), ahead: document.getElementById('ahead').textContent,
  headline: document.getElementById('headline').textContent}));
for (const id of ['ahead', 'headline'])
  obs.observe(document.getElementById(id), {childList: true, characterData: true, subtree: true});
"""

pytestmark = pytest.mark.skipif(
    not (shutil.which("zbarimg") and Path("/usr/bin/chromium").exists()
         and Path("/usr/bin/chromedriver").exists()),
    reason="needs zbarimg, chromium and chromedriver (Debian zbar-tools, chromium-driver)")


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """`kcc web` in its own process, on a free loopback port, with [phone] base_url pointing at
    it: (base url, db, config)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    doc = tomlkit.parse(Path(example_path()).read_text())
    del doc["hours"]  # open whenever the test runs
    doc["phone"]["base_url"] = base  # type: ignore[index]
    config, db = tmp_path / "config.toml", tmp_path / "kcc.db"
    config.write_text(tomlkit.dumps(doc))
    kcc = [*KCC, "--config", str(config), "--db", str(db)]
    subprocess.run([*kcc, "init"], check=True, capture_output=True)
    proc = subprocess.Popen([*kcc, "web", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/board", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base, db, config
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'chrome'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: webdriver.Chrome, what: str, check: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"the page never showed {what}; it shows: "
                        f"{driver.find_element('tag name', 'main').text!r}")
        time.sleep(0.02)


def change_after(driver: webdriver.Chrome, key: str, text: str) -> dict[str, Any] | None:
    changes: list[dict[str, Any]] = driver.execute_script("return window.__changes")
    return next((c for c in changes if c[key] == text), None)


def screenshot(driver: webdriver.Chrome, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    driver.save_screenshot(str(path))
    keep = os.environ.get("KCC_SCREENSHOTS")
    if keep:
        shutil.copy(path, Path(keep) / name)


def test_printed_qr_opens_a_live_page_that_follows_the_queue(
        web_server: tuple[str, Path, Path], emupos: Emulator, browser: webdriver.Chrome,
        tmp_path: Path) -> None:
    base, db, config = web_server
    settings = load_settings(config)
    printer = emupos.settings(qr=True, qr_text=settings.printers["onthaal"].qr_text)
    assert printer.qr_text == "{token_url}"

    async def issue_and_print() -> str:
        async with Store(db, settings.office) as store:
            await store.execute(C.IssueTicket("eid"), "onthaal")  # the one ahead
            token, h = new_token()
            (e,) = await store.execute(C.IssueTicket("eid", token_hash=h), "onthaal")
        ticket = IssuedTicket(e.data["number"], "eid", "nl", False, datetime.now(UTC), 1, 10,
                              url=page_url(settings.phone.base_url, token))
        watch = PrinterWatch("onthaal", printer)
        result = await watch.print(ticket, settings.office)
        assert result.ok, result.reason
        return str(e.data["number"])

    before = emupos.receipt_ids()
    number = asyncio.run(issue_and_print())
    (receipt,) = emupos.wait_new_receipts(before, 1)
    png = tmp_path / "ticket.png"
    png.write_bytes(emupos.receipt_image(receipt["id"]))
    url = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert url.startswith(f"{base}/t/") and number not in url  # the number opens nothing

    browser.get(url)
    assert browser.find_element("id", "number").text == number
    wait_for(browser, "one person ahead",
             lambda: browser.find_element("id", "ahead").text == "Wachtenden voor u: 1")
    browser.execute_script(WATCH_JS)
    screenshot(browser, tmp_path, "phone-waiting.png")

    counter = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "phone_workers.py"), str(db), "loket1", "an"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert counter.stdin is not None and counter.stdout is not None

    def command(cmd: str) -> tuple[dict[str, Any], float]:
        assert counter.stdin is not None and counter.stdout is not None
        counter.stdin.write(cmd + "\n")
        counter.stdin.flush()
        while True:
            line = json.loads(counter.stdout.readline())
            if "waiting" not in line:
                return line, time.time()  # right after the commit in the counter process

    try:
        json.loads(counter.stdout.readline())  # the post is open: its first queue view
        called, committed = command("call")
        assert called["called"] != number
        seen = wait_for(browser, "nobody ahead",
                        lambda: change_after(browser, "ahead", "Wachtenden voor u: 0"))
        ahead_ms = seen["t"] - committed * 1000
        command("finish")
        called, committed = command("call")
        assert called == {"called": number}
        seen = wait_for(browser, "its turn",
                        lambda: change_after(browser, "headline", "Het is uw beurt: Loket 1"))
        turn_ms = seen["t"] - committed * 1000
        assert "called" in browser.find_element("tag name", "body").get_attribute("class")
        screenshot(browser, tmp_path, "phone-called.png")
        print(f"\ncommit -> page: position {ahead_ms:.0f} ms, 'Het is uw beurt' {turn_ms:.0f} ms")
    finally:
        assert counter.stdin is not None
        counter.stdin.write("quit\n")
        counter.stdin.flush()
        counter.wait(timeout=20)
