"""`kcc serve` beyond loopback: a secret checked before any app process starts, the Origin
checked on every websocket, and a cap on app processes per role."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from kcc_tui.config import example_path, load_settings
from kcc_tui.web import make_app, session_token

KCC = [sys.executable, "-m", "kcc_tui"]
SECRET = "correct horse battery staple"
# A stand-in app process for the cap test: says it is a Textual app, then waits for a byte
# (textual-serve's quit) or the end of its stdin.
STUB = [sys.executable, "-c", "import sys; print('__GANGLION__', flush=True); "
        "sys.stdin.buffer.read(1)"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid`: an app process started by the server (not the phone
    pages' estimate worker, a multiprocessing child)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"multiprocessing" not in cmdline:
                out.append(int(entry.name))
    return out


def kcc_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KCC_SERVE_SECRET"}
    return {**env, "KCC_CONFIG": example_path(), **extra}


def test_beyond_loopback_without_a_secret_it_does_not_start(tmp_path: Path) -> None:
    db = tmp_path / "kcc.db"
    subprocess.run([*KCC, "--db", str(db), "init"], check=True, capture_output=True,
                   env=kcc_env())
    p = subprocess.run([*KCC, "--db", str(db), "serve", "--host", "0.0.0.0", "--port",
                        str(free_port())], capture_output=True, text=True, timeout=60,
                       env=kcc_env())
    assert p.returncode == 2
    (line,) = p.stderr.splitlines()
    assert "needs a secret" in line and "KCC_SERVE_SECRET" in line


@pytest.fixture
def exposed(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`kcc serve --host 0.0.0.0` with a secret; the test talks to it on 127.0.0.1 only."""
    db = tmp_path / "kcc.db"
    subprocess.run([*KCC, "--db", str(db), "init"], check=True, capture_output=True,
                   env=kcc_env())
    port = free_port()
    proc = subprocess.Popen([*KCC, "--db", str(db), "serve", "--host", "0.0.0.0", "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=kcc_env(KCC_SERVE_SECRET=SECRET))
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    yield url, proc
    proc.terminate()
    proc.wait(timeout=20)


async def test_beyond_loopback_a_connection_without_the_secret_starts_nothing(
        exposed) -> None:  # type: ignore[no-untyped-def]
    url, proc = exposed
    ws = url.replace("http", "ws") + "/ws/display/wachtzaal"
    # unsafe: keep cookies for an IP address, as a browser does
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(url + "/counter/loket1", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"].startswith("/login")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(ws)
        assert refused.value.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(ws, headers={"Authorization": "Bearer not the secret"})
        assert refused.value.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # a foreign page
            await http.ws_connect(ws, headers={"Authorization": f"Bearer {SECRET}",
                                               "Origin": "https://evil.example"})
        assert refused.value.status == 403
        assert children(proc.pid) == []  # no app process was started for any of them
        async with http.post(url + "/login", data={"secret": "guess", "next": "/"},
                             allow_redirects=False) as r:
            assert r.status == 401 and "kcc_serve" not in r.cookies
        async with http.post(url + "/login", data={"secret": SECRET, "next": "/coordinator"},
                             allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/coordinator"
            assert r.cookies["kcc_serve"].value == session_token(SECRET) != SECRET
        async with http.get(url + "/coordinator", allow_redirects=False) as r:
            assert r.status == 200  # the cookie opens the page
        # signed in, a websocket from the served address itself starts the app
        async with http.ws_connect(ws, headers={"Origin": url}) as sock:
            for _ in range(100):
                if children(proc.pid):
                    break
                await asyncio.sleep(0.1)
            assert children(proc.pid) != []
            await sock.close()


async def test_a_connection_beyond_the_cap_is_refused(tmp_path: Path) -> None:
    settings = load_settings(example_path())
    assert settings.serve.max_apps_per_role == 6
    app = make_app(settings, config=None, db=tmp_path / "kcc.db", host="0.0.0.0", port=0,
                   secret=SECRET, command=STUB)
    # processes earlier tests in this pytest process left (a pool, a server) are not ours
    earlier = set(children(os.getpid()))

    def apps() -> list[int]:
        return [pid for pid in children(os.getpid()) if pid not in earlier]

    auth = {"Authorization": f"Bearer {SECRET}"}
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as http:
        ws = f"ws://127.0.0.1:{server.port}/ws/display/wachtzaal"
        socks = [await http.ws_connect(ws, headers=auth) for _ in range(6)]
        for _ in range(200):
            if len(apps()) >= 6:
                break
            await asyncio.sleep(0.05)
        started = apps()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(ws, headers=auth)
        assert refused.value.status == 503
        assert len(apps()) == len(started) >= 6  # the 7th started nothing
        # another role has its own cap
        other = await http.ws_connect(ws.replace("display/wachtzaal", "kiosk/onthaal"),
                                      headers=auth)
        for sock in [*socks, other]:
            await sock.close()
        for _ in range(200):  # every app process ends with its connection
            if not apps():
                break
            await asyncio.sleep(0.05)
        assert apps() == []
