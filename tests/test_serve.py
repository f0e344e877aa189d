"""`kcc serve` in a real browser: headless Chromium takes a ticket at the kiosk page."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import tomlkit
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from kcc_tui.config import example_path

KCC = [sys.executable, "-m", "kcc_tui"]
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "kcc.db"
    config = tmp_path / "config.toml"
    doc = tomlkit.parse(Path(example_path()).read_text())
    del doc["hours"]  # open whenever the test runs
    phone_port = free_port()
    doc["phone"]["base_url"] = f"http://127.0.0.1:{phone_port}"  # type: ignore[index]
    config.write_text(tomlkit.dumps(doc))
    kcc = [*KCC, "--config", str(config), "--db", str(db)]
    subprocess.run([*kcc, "init"], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([*kcc, "serve", "--port", str(port), "--phone-port", str(phone_port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    yield url, db
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'chrome'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def tickets(db: Path) -> list[dict]:
    p = subprocess.run([*KCC, "--db", str(db), "--json", "ticket", "list"], capture_output=True,
                       text=True, check=True)
    return list(json.loads(p.stdout)["tickets"])


def test_start_page_lists_every_role_and_binds_to_loopback(served) -> None:  # type: ignore[no-untyped-def]
    url, _ = served
    page = urllib.request.urlopen(url).read().decode()
    for path in ("/kiosk/onthaal", "/display/wachtzaal", "/counter/loket1", "/coordinator"):
        assert f'href="{path}"' in page
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as s:  # the server is not on the machine's other addresses
        s.settimeout(1)
        host = socket.gethostbyname(socket.gethostname())
        if not host.startswith("127."):
            assert s.connect_ex((host, port)) != 0


def test_serve_also_answers_the_phone_pages_on_their_own_port(served) -> None:  # type: ignore[no-untyped-def]
    url, db = served
    kcc = [*KCC, "--config", str(db.parent / "config.toml"), "--db", str(db)]
    p = subprocess.run([*kcc, "--json", "ticket", "issue", "eid", "--outside-hours"],
                       capture_output=True, text=True, check=True)
    out = json.loads(p.stdout)
    ticket, address = out["ticket"], out["url"]
    assert not address.startswith(url)  # the public pages are not on the staff port
    page = urllib.request.urlopen(address, timeout=5).read().decode()
    assert ticket["number"] in page
    phone = address.split("/t/")[0]
    board = json.loads(urllib.request.urlopen(f"{phone}/board/state").read())
    assert [q["waiting"] for q in board["queues"] if q["prefix"] == "A"] == [1]
    with pytest.raises(urllib.error.HTTPError) as e:  # no staff app behind the public port
        urllib.request.urlopen(f"{phone}/kiosk/onthaal", timeout=5)
    assert e.value.code == 404


def test_kiosk_in_a_browser_issues_a_ticket(served, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, db = served
    browser.get(f"{url}/kiosk/onthaal")
    deadline = time.monotonic() + 40
    issued: list[dict] = []
    while time.monotonic() < deadline and not issued:
        time.sleep(2)  # each page load starts its own app process
        terminal = browser.find_element(By.TAG_NAME, "body")
        ActionChains(browser).move_to_element(terminal).click().perform()
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        issued = tickets(db)
    browser.save_screenshot(str(tmp_path / "kiosk.png"))
    assert issued, "no ticket was issued from the browser"
    assert issued[0]["number"].endswith("001")
    assert issued[0]["status"] == "waiting"


def test_the_display_fits_the_browser_viewport(served, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No row of the wall display (its clock at the top included) is scrolled out of view."""
    url, _ = served
    browser.get(f"{url}/display/wachtzaal")
    deadline = time.monotonic() + 40
    box: dict = {}
    while time.monotonic() < deadline:
        time.sleep(1)
        box = browser.execute_script("""
            const t = document.querySelector('#terminal');
            const s = document.querySelector('.xterm-screen');
            if (!t || !s || !document.body.classList.contains('-first-byte')) { return {}; }
            const r = t.getBoundingClientRect(), x = s.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, screenTop: x.top, screenBottom: x.bottom,
                    height: window.innerHeight, scrolled: window.scrollY,
                    scroll: document.documentElement.scrollHeight};""")
        if box and box["screenBottom"] > box["screenTop"]:
            time.sleep(3)  # the app draws its first screen
            break
    browser.save_screenshot(str(tmp_path / "display.png"))
    assert box and box["screenBottom"] > box["screenTop"], "the display never drew"
    assert box["top"] >= 0 and box["screenTop"] >= 0, box
    assert box["bottom"] <= box["height"] and box["screenBottom"] <= box["height"], box
    assert box["scroll"] <= box["height"], box  # nothing to scroll: every row in view
    assert box["scrolled"] == 0, box


def test_apps_behind_serve_get_plain_glyphs() -> None:
    from kcc_tui.apps.plain import plain
    from kcc_tui.web import FIT_CSS, PLAIN_ENV, fitted_template

    assert plain("Vergadering om 11 u 🎉 ✦ loket 3 ▸", on=True) == \
        "Vergadering om 11 u  * loket 3 >"
    assert plain("🇧🇪 België 👍🏽", on=True) == " België "
    assert plain("✦ ▸", on=False) == "✦ ▸"
    import textual_serve

    page = fitted_template(Path(textual_serve.__file__).parent / "templates")
    assert FIT_CSS in page and page.count("</head>") == 1
    assert PLAIN_ENV == "KCC_PLAIN_GLYPHS"
