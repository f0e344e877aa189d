"""config.toml: the example office loads, and every broken file gives one clear line.

All tests load real files written to a temporary directory, the way the CLI does.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kcc_tui.config import ConfigError, Settings, example_path, load_settings
from kcc_tui.domain.pins import hash_pin, verify_pin

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_TEXT = (REPO / "config.toml").read_text(encoding="utf-8")
EXAMPLE_DOC = tomllib.loads(EXAMPLE_TEXT)


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert old in EXAMPLE_TEXT, old
    return EXAMPLE_TEXT.replace(old, new, 1)


# ─── the example office ──────────────────────────────────────────────────────────────────────


def test_example_office_loads(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, EXAMPLE_TEXT))
    office = s.office
    assert len(office.services) == 6
    assert len(office.posts) == 6
    assert len(office.staff) == 6
    assert [m.id for m in office.staff.values() if m.role == "coordinator"] == ["katrien"]
    assert office.services["eid"].code == "eid" and office.services["eid"].prefix == "A"
    assert office.services["rijbewijs"].name("fr") == "Permis de conduire"
    assert "€" in office.services["reispas"].fee
    assert office.posts["loket1"].services == {"eid": 2.0, "reispas": 1.0, "afhalen": 1.0}
    assert office.posts["loket2"].services == {"eid": 1.0, "rijbewijs": 1.0, "reispas": 1.0}
    assert office.posts["telefoon"].kind == "phone" and office.posts["telefoon"].services == {}
    assert office.hours.days["thu"][1] == (datetime.time(16, 0), datetime.time(19, 30))
    assert "sun" not in office.hours.days
    assert s.store.path == Path("kcc.db")
    assert s.kiosks["onthaal"].services == tuple(office.services)  # "all"
    assert s.kiosks["onthaal"].printer == "onthaal" in s.printers
    assert s.printers["onthaal"].transport == "network" and s.printers["onthaal"].qr
    assert "telefoon" not in s.displays["wachtzaal"].posts
    assert s.source == str(tmp_path / "config.toml")


def test_demo_pins(tmp_path: Path) -> None:
    staff = load_settings(write(tmp_path, EXAMPLE_TEXT)).office.staff
    assert verify_pin("9999", staff["katrien"].pin_hash)
    assert not verify_pin("1111", staff["katrien"].pin_hash)
    for member, pin in zip(("an", "bart", "els", "youssef", "lotte"), "12345", strict=True):
        assert verify_pin(pin * 4, staff[member].pin_hash)


def test_settings_are_frozen(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, EXAMPLE_TEXT))
    with pytest.raises(ValidationError):
        s.store.busy_timeout_ms = 1  # type: ignore[misc]


def test_embedded_example_is_the_top_level_file() -> None:
    assert Path(example_path()).read_text(encoding="utf-8") == EXAMPLE_TEXT


def test_usb_ids_in_hex_or_decimal(tmp_path: Path) -> None:
    text = edited(
        'transport = "network"', 'transport = "usb"\nvendor_id = "0x04b8"\nproduct_id = 3605'
    )
    printer = load_settings(write(tmp_path, text)).printers["onthaal"]
    assert (printer.vendor_id, printer.product_id) == (0x04B8, 0x0E15)


def test_defaults_fill_a_minimal_file(tmp_path: Path) -> None:
    minimal = f"""
[office]
name = "Mini"
[services.eid]
prefix = "A"
names.nl = "Identiteitskaart"
target_wait_min = 10
mean_service_min = 5
[posts.loket1]
name = "Loket 1"
services = ["eid"]
[staff.boss]
name = "Baas"
role = "coordinator"
pin_hash = "{hash_pin("9999")}"
[kiosks.k]
name = "Kiosk"
[displays.d]
name = "TV"
"""
    s = load_settings(write(tmp_path, minimal))
    assert s.store.busy_timeout_ms == 5000 and s.alerts.no_shows_in_row == 3
    assert s.kiosks["k"].services == ("eid",) and s.kiosks["k"].languages == (
        "nl",
        "fr",
        "en",
        "de",
    )
    assert s.displays["d"].posts == ("loket1",) and s.displays["d"].history == 8
    assert s.office.timezone == "Europe/Brussels"


# ─── where the file comes from ───────────────────────────────────────────────────────────────


def test_env_var_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, EXAMPLE_TEXT, "elsewhere.toml")
    monkeypatch.setenv("KCC_CONFIG", str(path))
    assert load_settings().source == str(path)
    monkeypatch.setenv("KCC_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match=r"gone\.toml: file not found \(named by \$KCC_CONFIG\)"):
        load_settings()


def test_working_directory_then_embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KCC_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_settings().source == example_path()
    write(tmp_path, EXAMPLE_TEXT)
    assert load_settings().source == "config.toml"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode("utf-8"))
    assert load_settings(path).office.name.startswith("Stad Leiebrugge")


# ─── bad input: one line naming file, key, expected and found ────────────────────────────────

BAD = [
    # (old text, new text, key path, a fragment of the message)
    (
        "target_wait_min = 15",
        'target_wait_min = "soon"',
        "services.eid.target_wait_min",
        'expected a number, found "soon"',
    ),
    (
        "target_wait_min = 15",
        "target_wait_min = -3",
        "services.eid.target_wait_min",
        "expected a number greater than 0, found -3",
    ),
    (
        "target_wait_min = 15",
        "target_wait_min = true",
        "services.eid.target_wait_min",
        "expected a number, found true",
    ),
    (
        "target_wait_min = 15",
        "targt_wait = 15",
        "services.eid",
        'unknown key "targt_wait" (did you mean "target_wait_min"?); expected one of prefix, ',
    ),
    (
        'services = ["eid", "rijbewijs", "reispas"]',
        'services = ["eid", "xyz"]',
        "posts.loket2.services",
        'unknown service "xyz" (known: eid, rijbewijs, reispas, ',
    ),
    (
        'prefix = "B"',
        'prefix = "A"',
        "services.rijbewijs.prefix",
        'expected a prefix no other service uses, found "A" (also used by eid)',
    ),
    (
        'prefix = "B"',
        'prefix = "b2"',
        "services.rijbewijs.prefix",
        'expected one or two capital letters, such as "A", found "b2"',
    ),
    ('names.nl = "Rijbewijs"\n', "", "services.rijbewijs.names.nl", "expected a Dutch name"),
    (
        'names.fr = "Permis de conduire"',
        'names.fx = "Permis"',
        "services.rijbewijs.names",
        'unknown key "fx"; expected one of "nl", "fr", "en" or "de"',
    ),
    (
        'timezone = "Europe/Brussels"',
        'timezone = "Europe/Leiebrugge"',
        "office.timezone",
        'expected a time zone name such as "Europe/Brussels", found "Europe/Leiebrugge"',
    ),
    (
        'sat = ["09:00-12:00"]',
        'sat = ["9u-12u"]',
        "hours.sat[0]",
        'expected a time range like "08:30-12:30", found "9u-12u"',
    ),
    (
        'sat = ["09:00-12:00"]',
        'sat = ["12:00-09:00"]',
        "hours.sat[0]",
        'expected the closing time after the opening time, found "12:00-09:00"',
    ),
    (
        'thu = ["08:30-12:30", "16:00-19:30"]',
        'thu = ["08:30-12:30", "12:00-19:30"]',
        "hours.thu[1]",
        "expected a range starting after the one before",
    ),
    ('sat = ["09:00-12:00"]', 'zat = ["09:00-12:00"]', "hours", 'unknown key "zat"'),
    (
        'printer = "onthaal" ',
        'printer = "balie" ',
        "kiosks.onthaal.printer",
        'unknown printer "balie" (known: onthaal)',
    ),
    (
        'services = "all" ',
        'services = ["eid", "paspoort"] ',
        "kiosks.onthaal.services",
        'unknown service "paspoort"',
    ),
    (
        'services = "all" ',
        'services = "alles" ',
        "kiosks.onthaal.services",
        'expected "all" or a list of service codes, found "alles"',
    ),
    (
        'transport = "network"',
        'transport = "usb"\nvendor_id = "0xZZ"',
        "printers.onthaal.vendor_id",
        'expected a USB id such as 0x04b8 (or a whole number), found "0xZZ"',
    ),
    (
        'transport = "network"',
        'transport = "usb"\nvendor_id = 70000',
        "printers.onthaal.vendor_id",
        "found 70000",
    ),
    ('transport = "network"', 'transport = "usb"', "printers.onthaal.vendor_id", "found nothing"),
    ("port = 9100", "port = 99999", "printers.onthaal.port", "expected a number of at most 65535"),
    (
        'role = "coordinator"',
        'role = "staff"',
        "staff",
        'expected at least one member with role = "coordinator", found none',
    ),
    (
        'role = "coordinator"',
        'role = "baas"',
        "staff.katrien.role",
        'expected one of "staff" or "coordinator", found "baas"',
    ),
    ('post = "loket1"', 'post = "loket9"', "staff.an.post", 'unknown post "loket9"'),
    (
        'pin_hash = "scrypt$16384$8$1$RWRu',
        'pin_hash = "1111" # ',
        "staff.an.pin_hash",
        'expected a hash made by hash_pin ("scrypt$..."), found "1111"',
    ),
    (
        "daily_cap = 40",
        "daily_cap = 4.5",
        "services.reispas.daily_cap",
        "expected a whole number, found 4.5",
    ),
    ('path = "kcc.db"', "path = 3", "store.path", "expected a file path in quotes, found 3"),
    (
        'name = "Stad Leiebrugge — Klantencontactcenter"\n',
        "",
        "office.name",
        "required key missing (expected text in quotes)",
    ),
    ('name = "Stad Leiebrugge', 'nam = "Stad Leiebrugge', "office", 'unknown key "nam"'),
    ('rule = "ratio"', 'rule = "random"', "routing.rule", 'expected one of "ratio" or "fifo"'),
    (
        "services = { eid = 2, reispas",
        "services = { eid = -2, reispas",
        "posts.loket1.services.eid",
        "expected a weight greater than 0, found -2.0",
    ),
    (
        'kind = "question" }',
        'kind = "vraag" }',
        "topics.eid-lost.kind",
        'expected one of "question", "complaint" or "other", found "vraag"',
    ),
    (
        "eid-lost = { label",
        'eid-lost = { code = "x", label',
        "topics.eid-lost",
        'unknown key "code"; the code is the table name ("eid-lost")',
    ),
    ("[posts.loket1]", "[posts.Loket1]", "posts.Loket1", "expected a code of lowercase letters"),
    (
        "wait_over_target_factor = 1.0",
        "wait_over_target_factor = nan",
        "alerts.wait_over_target_factor",
        "expected a finite number, found nan",
    ),
    (
        "timeout_s = 2.5",
        "timeout_s = 1979-05-27T07:32:00Z",
        "printers.onthaal.timeout_s",
        "expected a number, found 1979-05-27T07:32:00+00:00",
    ),
    (
        'languages = ["nl", "fr", "en", "de"]\n#',
        'languages = ["fr"]\n#',
        "office.languages",
        'expected a list that includes "nl", found ["fr"]',
    ),
    ("[store]", "[stor]", "", 'unknown key "stor" (did you mean "store"?)'),
]


@pytest.mark.parametrize(("old", "new", "key", "fragment"), BAD, ids=[b[1][:30] for b in BAD])
def test_bad_value(tmp_path: Path, old: str, new: str, key: str, fragment: str) -> None:
    path = write(tmp_path, edited(old, new))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: " if key else f"{path}: "), message
    assert fragment in message
    assert "\n" not in message


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, edited("[office]", "[office"))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    line = EXAMPLE_TEXT[: EXAMPLE_TEXT.index("[office]")].count("\n") + 1
    assert str(caught.value).startswith(f"{path} line {line}: invalid TOML: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.toml", None, "file not found"),
        ("folder", "dir", "expected a file, found a directory"),
        ("latin1.toml", b'[office]\nname = "Caf\xe9"\n', "line 2: not UTF-8 text"),
        ("empty.toml", b"", "office.name: required key missing"),
        ("deep.toml", b"a = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: bytes | str | None, expected: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_permission(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE_TEXT)
    path.chmod(0)
    with pytest.raises(ConfigError, match="permission denied"):
        load_settings(path)


def test_control_characters_stay_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, edited('prefix = "B"', 'prefix = "B\\nB\\u2028"'))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert len(str(caught.value).splitlines()) == 1


# ─── random damage never gives a traceback ───────────────────────────────────────────────────


def dump_toml(doc: dict[str, Any]) -> str:
    """A tiny TOML writer (inline tables only), enough to write back a mutated document."""
    return "".join(f"{_toml_str(k)} = {_toml_value(v)}\n" for k, v in doc.items())


def _toml_str(text: str) -> str:
    # JSON escapes are TOML escapes, but only with ensure_ascii=False (no surrogate pairs) and with
    # DEL escaped too.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml_str(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key or list index in the document, parents before children."""
    found: list[tuple[Any, ...]] = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        found.append((*path, key))
        found.extend(_places(child, (*path, key)))
    return found


TEXT = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be written as UTF-8
SCALARS = st.one_of(
    st.text(alphabet=TEXT, max_size=12),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.sampled_from(
        [
            "",
            "all",
            "eid",
            "loket1",
            "onthaal",
            "A",
            "nl",
            "usb",
            "0x04b8",
            "0xZZ",
            "08:30-12:30",
            "25:00-26:00",
            "Europe/Brussels",
            "Mars/Base",
            "coordinator",
            "phone",
            "scrypt$2$1$1$$",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet=TEXT, max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutate(doc: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="mutations")):
        places = _places(doc)
        if not places:
            break
        place = data.draw(st.sampled_from(places), label="place")
        parent = doc
        for key in place[:-1]:
            parent = parent[key]
        action = data.draw(st.sampled_from(["replace", "delete", "rename"]), label="action")
        if action == "replace":
            parent[place[-1]] = data.draw(VALUES, label="value")
        elif action == "delete":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.text(TEXT, min_size=1, max_size=10), label="name")] = parent.pop(
                place[-1]
            )
    return doc


def test_writer_roundtrips_the_example(tmp_path: Path) -> None:
    assert isinstance(load_settings(write(tmp_path, dump_toml(EXAMPLE_DOC))), Settings)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_damage_gives_only_config_errors(data: st.DataObject) -> None:
    doc = _mutate(EXAMPLE_DOC, data)
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), dump_toml(doc))
        try:
            load_settings(path)
        except ConfigError as err:
            message = str(err)
            assert message.startswith(str(path))
            assert len(message.splitlines()) == 1 and message.isprintable(), message

