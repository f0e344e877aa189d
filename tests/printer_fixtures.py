"""A real emupos ESC/POS printer emulator on loopback, for the printer tests.

emupos needs Python 3.13, so it lives in its own venv (.emupos/venv, made by
.ci/setup-emupos.sh) and runs as a separate process; the tests talk to it over TCP like a
kiosk talks to a network printer, and drive its faults through its REST API (urllib only).

Use: `from printer_fixtures import emupos_fixture, emupos_server_fixture` in a test
module (the imports register the fixtures), then ask for `emupos`: one emulator per module,
with all faults cleared before and after each test. `Emulator.settings()` gives the
PrinterSettings of a network printer pointing at it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from printers.settings import PrinterSettings

REPO = Path(__file__).resolve().parent.parent
EMUPOS_BIN = REPO / ".emupos" / "venv" / "bin" / "emupos"
DEVICE = "kiosk1"
FAULTS = ("paper-near-end", "paper-out", "cover-open", "offline")
STARTUP_TIMEOUT_S = 20.0

CONFIG = """\
schema: 1
api: {{ host: 127.0.0.1, port: {api_port} }}
devices:
  - id: {device}
    type: printer
    profile: epson-tm-t20iii
    receipts_dir: ./receipts
    connections:
      - tcp: {{ host: 127.0.0.1, port: {printer_port} }}
"""


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Emulator:
    """A running emupos process and a small client for its REST API."""

    api_port: int
    printer_port: int
    workdir: Path
    process: subprocess.Popen[bytes]
    device: str = DEVICE
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / "emupos.log"

    @property
    def receipts_dir(self) -> Path:
        return self.workdir / "receipts"

    def settings(self, **overrides: Any) -> PrinterSettings:
        """PrinterSettings for a Network printer pointing at this emulator."""
        values: dict[str, Any] = {
            "transport": "network",
            "host": "127.0.0.1",
            "port": self.printer_port,
            "timeout_s": 3.0,
        }
        return PrinterSettings(**(values | overrides))

    def health(self) -> dict[str, Any]:
        return json.loads(self._call("GET", "/health"))  # type: ignore[no-any-return]

    def receipts(self) -> list[dict[str, Any]]:
        """Completed receipts, newest first: id, completed_at, height_dots, boundary..."""
        return json.loads(self._call("GET", f"/devices/{self.device}/receipts"))  # type: ignore[no-any-return]

    def receipt_text(self, rid: str = "latest") -> str:
        return self._call("GET", f"/devices/{self.device}/receipts/{rid}/text").decode("utf-8")

    def receipt_image(self, rid: str = "latest") -> bytes:
        """The receipt as PNG bytes; `receipts_dir / f"{rid}.png"` is the same file on disk."""
        return self._call("GET", f"/devices/{self.device}/receipts/{rid}/image")

    def set_fault(self, name: str) -> None:
        self._call("PUT", f"/devices/{self.device}/faults/{name}")

    def clear_fault(self, name: str) -> None:
        self._call("DELETE", f"/devices/{self.device}/faults/{name}")

    def clear_all_faults(self) -> None:
        for name in FAULTS:
            self.clear_fault(name)

    def receipt_ids(self) -> set[str]:
        return {r["id"] for r in self.receipts()}

    def wait_new_receipts(
        self, before: set[str], count: int, timeout_s: float = 3.0
    ) -> list[dict[str, Any]]:
        """Wait until `count` receipts not in `before` exist; return them, oldest first."""
        deadline = time.monotonic() + timeout_s
        while True:
            new = [r for r in self.receipts() if r["id"] not in before]
            if len(new) >= count or time.monotonic() > deadline:
                return list(reversed(new))
            time.sleep(0.02)

    def _call(self, method: str, path: str) -> bytes:
        url = f"http://127.0.0.1:{self.api_port}/api/v1{path}"
        request = urllib.request.Request(url, method=method)
        with urllib.request.urlopen(request, timeout=5) as response:
            body: bytes = response.read()
            return body


def start_emulator(workdir: Path) -> Emulator:
    """Write emupos.yaml into `workdir`, start `emupos run` and wait for its API."""
    if not EMUPOS_BIN.exists():
        pytest.skip(f"emupos not installed ({EMUPOS_BIN} missing): run .ci/setup-emupos.sh")
    api_port, printer_port = free_port(), free_port()
    while printer_port == api_port:
        printer_port = free_port()
    config = workdir / "emupos.yaml"
    config.write_text(
        CONFIG.format(api_port=api_port, printer_port=printer_port, device=DEVICE),
        encoding="utf-8",
    )
    log = (workdir / "emupos.log").open("wb")
    process = subprocess.Popen(
        [str(EMUPOS_BIN), "run", "--config", str(config)],
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ | {"NO_COLOR": "1"},
    )
    log.close()  # the child keeps its own descriptor
    emulator = Emulator(api_port, printer_port, workdir, process)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"emupos exited early: {emulator.log_path.read_text()}")
        try:
            if emulator.health().get("status") == "ok" and _accepts(printer_port):
                return emulator
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            stop_emulator(emulator)
            raise RuntimeError(f"emupos did not start: {emulator.log_path.read_text()}")
        time.sleep(0.05)


def stop_emulator(emulator: Emulator) -> None:
    emulator.process.terminate()
    try:
        emulator.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        emulator.process.kill()
        emulator.process.wait(timeout=5)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module", name="emupos_server")
def emupos_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One emulator process per test module (starting one takes about a second)."""
    emulator = start_emulator(tmp_path_factory.mktemp("emupos"))
    try:
        yield emulator
    finally:
        stop_emulator(emulator)


@pytest.fixture(name="emupos")
def emupos_fixture(emupos_server: Emulator) -> Iterator[Emulator]:
    """The module's emulator, with no fault active before and after the test."""
    emupos_server.clear_all_faults()
    yield emupos_server
    emupos_server.clear_all_faults()
