"""Text on paper: no control byte from content reaches the printer, amounts stay with their
currency at any width, and the QR code carries error-correction level M."""

from __future__ import annotations

import pytest
from hostile_text import texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_printers_layout import ticket

from printers.layout import render_bytes
from printers.text import keep_amounts, printable, wrap

ESC, GS, LF = 0x1B, 0x1D, 0x0A
# The commands the layout sends (python-escpos 3.1): ESC/GS + command byte -> argument bytes.
ARGS = {
    (ESC, ord("@")): 0,  # initialise
    (ESC, ord("t")): 1,  # code page
    (ESC, ord("E")): 1,  # bold
    (ESC, ord("a")): 1,  # align
    (ESC, ord("d")): 1,  # feed n lines
    (GS, ord("!")): 1,  # character size
    (GS, ord("V")): 1,  # cut
}
QR_EC_M = b"\x1d(k\x03\x001E1"  # GS ( k, fn 69 (error correction), 48 + 1 = level M


def commands(data: bytes) -> tuple[list[bytes], list[bytes]]:
    """Split an ESC/POS stream into the commands and the QR payloads; fail on any byte below
    0x20 that is not part of a known command or a line feed."""
    cmds: list[bytes] = []
    payloads: list[bytes] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in (ESC, GS):
            if data[i : i + 3] == b"\x1d(k":  # GS ( k pL pH cn fn [m] data
                size = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + size]
                cmds.append(data[i : i + 5] + body[:2])
                if body[1:2] == b"P":  # fn 80: store the code's data (after m = "0")
                    payloads.append(body[3:])
                i += 5 + size
                continue
            key = (byte, data[i + 1])
            assert key in ARGS, f"unexpected command {data[i : i + 2]!r} at {i}: {data!r}"
            end = i + 2 + ARGS[key]
            cmds.append(data[i:end])
            i = end
            continue
        assert byte == LF or byte >= 0x20, f"stray control byte {byte:#04x} at {i}: {data!r}"
        i += 1
    return cmds, payloads


# The screens' generator (hostile_text), and long runs of printable text that must wrap.
TEXT = texts
LONG = st.integers(min_value=1_000, max_value=10_000).map(lambda n: ("Aé€ " * n)[:n])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    office=st.one_of(TEXT, LONG),
    service=TEXT,
    footer=st.one_of(TEXT, LONG),
    number=TEXT,
    qr=TEXT,
    profile=st.sampled_from(["TM-T20II", "TM-T88V", "NT-5890K", "TM-T20III"]),
)
def test_no_control_byte_from_content_reaches_the_printer(
    office: str, service: str, footer: str, number: str, qr: str, profile: str
) -> None:
    content = ticket(office=office, service=service, footer=footer, number=number, qr_text=qr)
    cmds, payloads = commands(render_bytes(content, profile))
    # The same commands as a plain ticket with the same parts: content added none.
    plain = ticket(qr_text="x" if qr else "", footer="x" if footer else "")
    expected, _ = commands(render_bytes(plain, profile))
    assert [c for c in cmds if not c.startswith(b"\x1d(k")] == [
        c for c in expected if not c.startswith(b"\x1d(k")
    ]
    for payload in payloads:
        assert all(b >= 0x20 for b in payload), payload


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_printable_leaves_no_control_character(text: str) -> None:
    assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0 for ch in printable(text))
    for line in wrap(text, 32):
        assert "\n" not in line and all(ord(ch) >= 0x20 for ch in line)


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet="abc déf", max_size=60),
    after=st.text(alphabet="abc déf", max_size=60),
    amount=st.sampled_from(["€ 5", "€ 20,10", "5 €", "0,50 EUR", "EUR 12", "$ 3"]),
    columns=st.integers(min_value=8, max_value=64),  # any width that holds the amount
)
def test_an_amount_is_never_split_at_any_width(
    before: str, after: str, amount: str, columns: int
) -> None:
    lines = wrap(f"{before} {amount} {after}", columns)
    assert any(amount in line for line in lines), (amount, lines)
    assert all(len(line) <= columns for line in lines)


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_euro_five_stays_together_on_the_ticket(columns: int) -> None:
    # The case: at 42 columns "€ 5" came out as "€" at the end of one line, "5" on the
    # next. Pad so that the euro sign falls right at the end of a line at each width.
    footer = "x" * (columns - 10) + " Tarief € 5 per attest"
    profile = {32: "NT-5890K", 42: "TM-T88V", 48: "TM-T20II"}[columns]
    data = render_bytes(ticket(footer=footer), profile)
    assert b"\x80 5" in data  # € is 0x80 in CP1252
    assert keep_amounts("€ 5") == "€\u00a05"


def test_qr_uses_error_correction_level_m() -> None:
    data = render_bytes(ticket())
    assert QR_EC_M in data
    assert b"\x1d(k\x03\x001E0" not in data  # not level L


def test_a_plain_ticket_parses() -> None:
    cmds, payloads = commands(render_bytes(ticket()))
    assert cmds[0] == b"\x1b@" and cmds[-1] == b"\x1dV\x00"
    assert payloads == [b"https://kcc.example/t/A012"]
