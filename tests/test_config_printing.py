"""Config checks that match what will print: control characters, templates and printer profiles
are refused at load with one line naming the key, in-process and through `kcc` itself."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kcc_tui.config import ConfigError, load_settings
from kcc_tui.config.checks import TEMPLATES, TICKET_CODE_PAGE
from printers import layout
from printers.layout import QR_PLACEHOLDERS, TicketSlip, content_for, render_bytes
from printers.profiles import NEAREST, code_pages, escpos_profile, known_profiles
from printers.text import template_problem

REPO = Path(__file__).resolve().parent.parent
KCC = str(Path(sys.executable).with_name("kcc"))
QR_LINE = 'qr_text = "https://loket.leiebrugge.example/wachtrij?dag={day}&ticket={number}"'
# the example office with a QR text that uses every kind of placeholder the cases break
EXAMPLE_TEXT = (REPO / "config.toml").read_text(encoding="utf-8").replace(
    'qr_text = "{token_url}"', QR_LINE)

# (what is changed, replacement, the key named, what the line must also say)
CASES = {
    "qr_text {date}": (
        "dag={day}",
        "dag={date}",
        "printers.onthaal.qr_text",
        "unknown placeholder {date}",
    ),
    "qr_text stray {": (
        "ticket={number}",
        "ticket={number",
        "printers.onthaal.qr_text",
        "unbalanced brace '{' at character",
    ),
    "qr_text stray }": (
        "ticket={number}",
        "ticket={number}}",
        "printers.onthaal.qr_text",
        "unbalanced brace '}'",
    ),
    "TM-U220 has no CP1252": (
        'profile = "TM-T20II"',
        'profile = "TM-U220"',
        "printers.onthaal.profile",
        'printer profile "TM-U220" has no code page CP1252',
    ),
    "unknown profile": (
        'profile = "TM-T20II"',
        'profile = "TM-T2O"',
        "printers.onthaal.profile",
        'unknown printer profile "TM-T2O" (close: ',
    ),
    "ESC in a service name": (
        'nl = "Identiteitskaart',
        'nl = "Identiteit\\u001b@skaart',
        "services.eid.names.nl",
        "expected text without control characters, found U+001B",
    ),
    "control bytes in a footer": (
        'footer.nl = "Welkom',
        'footer.nl = "\\u001dV\\u0000\\u001bp\\u0000Welkom',
        "printers.onthaal.footer.nl",
        "found U+001D, U+0000, U+001B",
    ),
    "line feed in a kiosk name": (
        'name = "Onthaal',
        'name = "Ont\\nhaal',
        "kiosks.onthaal.name",
        "found U+000A",
    ),
}


def write(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EXAMPLE_TEXT, old
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_is_one_line_naming_the_key(tmp_path: Path, case: str) -> None:
    old, new, key, says = CASES[case]
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, old, new))
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert f"config.toml: {key}: " in message and says in message, message


@pytest.mark.parametrize("case", list(CASES))
def test_kcc_itself_says_one_line_and_no_traceback(tmp_path: Path, case: str) -> None:
    old, new, key, says = CASES[case]
    cfg = write(tmp_path, old, new)
    done = subprocess.run(
        [KCC, "--config", str(cfg), "print-test"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("kcc: ") and key in line and says in line, line
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr


def test_tm_t20iii_loads_and_prints_as_tm_t20ii(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, 'profile = "TM-T20II"', 'profile = "TM-T20III"'))
    printer = settings.printers["onthaal"]
    assert printer.profile == "TM-T20III" and escpos_profile(printer.profile) == "TM-T20II"
    content = content_for(printer, TicketSlip(
        office="Stad",
        number="A001",
        service_code="eid",
        service_name="eID",
        lang="nl",
        issued_at=datetime(2026, 11, 24, 9, tzinfo=UTC),
        people_ahead=0,
        estimated_wait_min=None,
    ))
    assert render_bytes(content, "TM-T20III") == render_bytes(content, "TM-T20II")


def test_nearest_profiles_are_real_and_print_cp1252() -> None:
    for model, base in NEAREST.items():
        assert base in known_profiles() and base not in NEAREST, model
        assert TICKET_CODE_PAGE in code_pages(model), model


def test_the_checks_use_what_the_layout_uses() -> None:
    assert TICKET_CODE_PAGE == layout.CODE_PAGE
    assert TEMPLATES["qr_text"] == QR_PLACEHOLDERS


def test_line_feeds_are_kept_where_a_field_may_span_lines(tmp_path: Path) -> None:
    settings = load_settings(
        write(tmp_path, 'footer.nl = "Welkom', 'footer.nl = "Tot straks.\\nWelkom')
    )
    assert settings.printers["onthaal"].footer["nl"].startswith("Tot straks.\nWelkom")


@pytest.mark.parametrize(
    "template",
    ["{day}", "a{{literal}}b{number}", "{service}-{number}-{day}", "no placeholders", ""],
)
def test_good_templates_pass(template: str) -> None:
    assert template_problem(template, QR_PLACEHOLDERS) is None


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("{}", "unknown placeholder {}"),
        ("{0}", "unknown placeholder {0}"),
        ("{day.year}", "unknown placeholder {day.year}"),
        ("{day", "unbalanced brace"),
        ("day}", "unbalanced brace"),
        ("{number:d}", "cannot be filled in"),
    ],
)
def test_bad_templates_say_why(template: str, says: str) -> None:
    problem = template_problem(template, QR_PLACEHOLDERS)
    assert problem is not None and says in problem
