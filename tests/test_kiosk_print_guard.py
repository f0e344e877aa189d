"""The kiosk never freezes on printing: a `file` printer that blocks (a FIFO nobody reads, a
device that takes no data) and a ticket whose content cannot be built each end, within 3 s,
in a `print_failed` event, the number on screen and a printer heartbeat that says so; and
nothing comes out late."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_kiosk_kit import (
    SIZE,
    T0,
    kiosk,
    kiosk_settings,
    log,
    notice,
    print_state,
    ready,
    seed,
    shown_number,
    text,
    types,
    until,
)

from kcc_tui.apps.kiosk import printing
from kcc_tui.domain.clock import FixedClock
from printers.health import PrinterStatus
from printers.layout import TicketContent
from printers.service import TicketPrinter
from printers.settings import PrinterSettings

BUDGET_S = 3.0
TIMEOUT_S = 5.0  # longer than the default timeout_s: the kiosk must not need it to give up


@pytest.fixture(name="fifo")
def fifo_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "lp0"
    os.mkfifo(path)
    return path


def drain(fd: int, seconds: float) -> bytes:
    """Everything that arrives on a non-blocking read end within `seconds`."""
    got = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            got += os.read(fd, 65536)
        except BlockingIOError:
            pass
        time.sleep(0.02)
    return got


async def test_a_fifo_nobody_reads_fails_at_once_and_prints_nothing_late(
    tmp_path: Path, fifo: Path
) -> None:
    printer = PrinterSettings(transport="file", device=str(fifo), timeout_s=TIMEOUT_S)
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(printer), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock, recheck_s=0.2, debounce_s=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "failed", "the failed print", BUDGET_S)
        assert shown_number(app) == "A001"
        assert text(app, "#c-title") == "Onthoud uw nummer!"
        await until(pilot, lambda: notice(app) is not None, "the printer notice", BUDGET_S)
        events = await log(db, settings, clock)
        [failed] = types(events, "print_failed")
        assert failed.data["number"] == "A001" and "nothing reads" in failed.data["reason"]
        beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
        assert beats[-1]["status"] == "offline"
        # Someone plugs the printer in (a reader appears): nothing of A001 comes out late,
        # and the kiosk notices the printer is back.
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            await until(pilot, lambda: app.printer.available, "the printer back", BUDGET_S)
            await pilot.pause(1.0)
            assert drain(reader, 0.5) == b""
            # The next ticket prints into it: the same device works once it is read.
            app.back_to_start(app.screen)
            await pilot.pause(0.15)
            await pilot.click("#svc-afhalen")
            await until(pilot, lambda: print_state(app) == "printed", "E001 printed", BUDGET_S)
            data = drain(reader, 0.3)
            assert b"E001" in data and b"A001" not in data
        finally:
            os.close(reader)


async def test_content_that_cannot_be_built_is_a_print_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a bad qr_text did before config load refused it: the kiosk sat on "printing..."
    # forever. Whatever breaks while building the ticket is caught by the same guard.
    def broken(*_args: object, **_kw: object) -> TicketContent:
        raise KeyError("date")

    monkeypatch.setattr(printing, "content_for", broken)
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "failed", "the failed print", BUDGET_S)
        assert text(app, "#c-title") == "Onthoud uw nummer!" and shown_number(app) == "A001"
        # The buttons work again: the next citizen is not stuck behind this ticket.
        app.back_to_start(app.screen)
        await pilot.pause(0.15)
        await pilot.click("#svc-afhalen")
        await until(pilot, lambda: shown_number(app) == "E001", "E001 on screen", BUDGET_S)
    events = await log(db, settings, clock)
    failed = types(events, "print_failed")
    assert [e.data["number"] for e in failed] == ["A001", "E001"]
    assert "KeyError" in failed[0].data["reason"]
    beats = [e.data for e in types(events, "heartbeat") if e.data["kind"] == "printer"]
    assert "error" in [b["status"] for b in beats]


@pytest.fixture(name="full_pipe")
def full_pipe_fixture(fifo: Path) -> Iterator[tuple[Path, int, int]]:
    """A FIFO with a reader that reads nothing, its buffer filled: a device that takes no
    data. Yields the path, the read end and how many filler bytes are in the pipe."""
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    filled = 0
    try:
        while True:
            try:
                filled += os.write(writer, b"." * 4096)
            except OSError as exc:
                assert exc.errno == errno.EAGAIN
                break
        yield fifo, reader, filled
    finally:
        os.close(writer)
        os.close(reader)


async def test_a_device_that_takes_no_data_frees_the_printer_and_prints_nothing_late(
    full_pipe: tuple[Path, int, int],
) -> None:
    fifo, reader, filled = full_pipe
    tp = TicketPrinter(PrinterSettings(transport="file", device=str(fifo), timeout_s=1.0))
    content = TicketContent(
        office="Stad", number="A001", service="eID", lang="nl",
        issued_at=T0, people_ahead=0,
    )  # fmt: skip
    result = await tp.print_ticket(content)
    assert not result.ok and result.bytes_sent == 0
    assert result.status_after in (PrinterStatus.TIMEOUT, PrinterStatus.ERROR)
    assert result.reason and "\n" not in result.reason
    # The worker is done: the lock is free for the next ticket or heartbeat.
    assert tp._lock.acquire(timeout=1.0)
    tp._lock.release()
    assert (await tp.status()).status is PrinterStatus.TIMEOUT
    # Room in the pipe again: only the filler comes out, never A001 late.
    await asyncio.sleep(0.2)
    assert drain(reader, 1.0) == b"." * filled


def test_a_serial_line_that_takes_no_data_times_out() -> None:
    # python-escpos sets only pyserial's read timeout: a write to a line nobody drains (a pty
    # whose other end is never read, its buffer full) would block for ever.
    pytest.importorskip("serial", reason="pyserial: pip install -e '.[serial]'")
    import pty

    from printers.health import classify_error
    from printers.transport import open_printer

    master, slave = pty.openpty()
    try:
        printer = open_printer(
            PrinterSettings(transport="serial", device=os.ttyname(slave), timeout_s=1.0)
        )
        # Fill the line through the printer's own descriptor, after pyserial has configured it
        # (kernels differ in what opening and reconfiguring a pty does to its queue).
        printer.open()
        fd = printer._device.fd
        blocking = os.get_blocking(fd)  # pyserial's own mode (non-blocking): put it back after
        os.set_blocking(fd, False)
        try:
            while True:
                os.write(fd, b"." * 1024)
        except BlockingIOError:
            pass
        os.set_blocking(fd, blocking)
        def hung(*_: object) -> None:
            raise AssertionError("the serial write blocked (no write timeout)")

        signal.signal(signal.SIGALRM, hung)  # fail, never hang the suite
        signal.alarm(15)
        try:
            with pytest.raises(Exception) as caught:  # noqa: PT011 - pyserial's own class
                printer._raw(b"x" * 400)
        finally:
            signal.alarm(0)
        assert not isinstance(caught.value, AssertionError), caught.value
        assert classify_error(caught.value).status is PrinterStatus.TIMEOUT
        printer.close()  # discards the queued rest instead of waiting for it to drain
        assert not printer._device
    finally:
        os.close(slave)
        os.close(master)


async def test_a_device_that_takes_no_data_fails_at_the_kiosk_within_the_budget(
    tmp_path: Path, full_pipe: tuple[Path, int, int],
) -> None:
    """The one fault that needs the timeout: a printer that takes the ticket and goes silent.
    With the default `timeout_s` the citizen still hears it within 3 s."""
    fifo, reader, filled = full_pipe
    printer = PrinterSettings(transport="file", device=str(fifo))  # the default timeout
    assert printer.timeout_s < BUDGET_S
    db, settings, clock = tmp_path / "kcc.db", kiosk_settings(printer), FixedClock(T0)
    await seed(db, settings, clock)
    app = kiosk(settings, db, clock, recheck_s=0.2, debounce_s=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#svc-eid")
        await until(pilot, lambda: print_state(app) == "failed", "the failed print", BUDGET_S)
        assert text(app, "#c-title") == "Onthoud uw nummer!" and shown_number(app) == "A001"
    [failed] = types(await log(db, settings, clock), "print_failed")
    assert failed.data["number"] == "A001"
