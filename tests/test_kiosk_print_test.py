"""`kcc print-test`: a sample ticket on the kiosk's printer (the emupos emulator), the status
report, and one-line errors for a printer that fails or a kiosk without one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from printer_fixtures import (  # noqa: F401 - importing registers the fixtures
    Emulator,
    emupos_fixture,
    emupos_server_fixture,
    free_port,
)

from kcc_tui.config import example_path

KCC = str(Path(sys.executable).with_name("kcc"))


def config(tmp_path: Path, port: int | None, *, printer_line: bool = True) -> Path:
    """The example office with its kiosk printer on `port` (or without a printer)."""
    text = Path(example_path()).read_text(encoding="utf-8").replace("port = 9100", f"port = {port}")
    if not printer_line:
        text = text.replace('printer = "onthaal"', "")
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def kcc(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KCC, "--config", str(cfg), *args], capture_output=True, text=True,
                          timeout=60, cwd=cfg.parent)


def test_print_test_prints_a_sample_and_reports_ok(emupos: Emulator, tmp_path: Path) -> None:
    before = emupos.receipt_ids()
    done = kcc(config(tmp_path, emupos.printer_port), "print-test", "--kiosk", "onthaal",
               "--lang", "fr")
    assert done.returncode == 0, done.stderr
    assert "status before: ok" in done.stdout and "status after: ok" in done.stdout
    assert "printed sample ticket A000" in done.stdout
    [receipt] = emupos.wait_new_receipts(before, 1)
    ticket = emupos.receipt_text(receipt["id"])
    assert "Votre numéro" in ticket and "A000" in ticket and "Carte d'identité" in ticket
    assert receipt["boundary"] == "cut"


def test_print_test_reports_paper_out_with_exit_1(emupos: Emulator, tmp_path: Path) -> None:
    emupos.set_fault("paper-out")
    done = kcc(config(tmp_path, emupos.printer_port), "--json", "print-test")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False and report["status_before"] == "paper_out"
    assert report["bytes"] == 0 and report["reason"] == "paper out"


def test_print_test_names_a_printer_that_is_not_there(tmp_path: Path) -> None:
    port = free_port()
    done = kcc(config(tmp_path, port), "print-test")
    assert done.returncode == 1
    assert f"NOT printed: 127.0.0.1:{port} refused the connection" in done.stdout
    assert "status after: offline" in done.stdout and "Traceback" not in done.stderr


def test_print_test_bad_usage_is_one_line(tmp_path: Path) -> None:
    done = kcc(config(tmp_path, 9100), "print-test", "--kiosk", "hal")
    assert done.returncode == 2
    assert done.stderr.strip() == "kcc: Invalid value: unknown kiosk 'hal' (known: onthaal)"
    done = kcc(config(tmp_path, 9100, printer_line=False), "print-test")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "kiosk onthaal has no printer" in done.stderr


def test_print_test_json_after_the_command_on_emupos(emupos: Emulator, tmp_path: Path) -> None:
    before = emupos.receipt_ids()
    done = kcc(config(tmp_path, emupos.printer_port), "print-test", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no logging line, no warning
    report = json.loads(done.stdout)  # exactly one JSON object
    assert report["ok"] is True and report["printed"] is True
    assert report["status_before"] == report["status_after"] == "ok"
    assert len(emupos.wait_new_receipts(before, 1)) == 1


def test_print_test_on_dummy_says_nothing_was_printed(tmp_path: Path) -> None:
    cfg = config(tmp_path, 9100)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        'transport = "network"', 'transport = "dummy"'), encoding="utf-8")
    done = kcc(cfg, "print-test", "--json")
    assert done.returncode == 0 and done.stderr == ""
    report = json.loads(done.stdout)
    assert report["transport"] == "dummy" and report["printed"] is False
    assert "nothing was printed" in report["note"] and report["bytes"] > 0
    done = kcc(cfg, "print-test")
    assert "nothing was printed" in done.stdout and "printed sample" not in done.stdout


def test_print_test_failure_has_no_logging_line(tmp_path: Path) -> None:
    done = kcc(config(tmp_path, free_port()), "print-test", "--json")
    assert done.returncode == 1 and done.stderr == ""
    report = json.loads(done.stdout)
    assert report["ok"] is False and report["printed"] is False


def test_print_test_with_profile_tm_t20iii_prints_on_emupos(
        emupos: Emulator, tmp_path: Path) -> None:
    # emupos emulates a TM-T20III, a model python-escpos 3.1 does not list: it prints as
    # TM-T20II (docs/configuration.md, "Profiles").
    cfg = config(tmp_path, emupos.printer_port)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        'profile = "TM-T20II"', 'profile = "TM-T20III"'), encoding="utf-8")
    before = emupos.receipt_ids()
    done = kcc(cfg, "print-test", "--json")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    report = json.loads(done.stdout)
    assert report["profile"] == "TM-T20III" and report["printed"] is True
    [receipt] = emupos.wait_new_receipts(before, 1)
    assert receipt["boundary"] == "cut" and "Uw nummer" in emupos.receipt_text(receipt["id"])
