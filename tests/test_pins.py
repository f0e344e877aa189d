"""PIN hashing: roundtrip, salting, and that no stored string can make a login raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcc_tui.domain.pins import hash_pin, is_pin_hash, verify_pin


def test_roundtrip() -> None:
    pin_hash = hash_pin("1234")
    assert verify_pin("1234", pin_hash)
    assert not verify_pin("1235", pin_hash)
    assert not verify_pin("", pin_hash)


def test_encoded_form_carries_its_parameters() -> None:
    scheme, n, r, p, salt, digest = hash_pin("1234").split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert salt and digest
    assert is_pin_hash(hash_pin("1234"))


def test_salt_differs_per_hash() -> None:
    first, second = hash_pin("1111"), hash_pin("1111")
    assert first != second
    assert verify_pin("1111", first) and verify_pin("1111", second)


def test_given_salt_is_deterministic() -> None:
    assert hash_pin("1111", salt=b"0123456789abcdef") == hash_pin("1111", salt=b"0123456789abcdef")


def test_empty_pin_is_refused() -> None:
    with pytest.raises(ValueError):
        hash_pin("")


GOOD = hash_pin("2468", salt=b"fixed salt bytes")


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "2468",
        "scrypt",
        GOOD.replace("scrypt", "bcrypt", 1),
        GOOD.rsplit("$", 1)[0],  # hash part missing
        GOOD + "$extra",
        GOOD.replace("$16384$", "$16383$"),  # n not a power of two
        GOOD.replace("$16384$", "$-16384$"),
        GOOD.replace("$16384$", "$2147483648$"),  # absurd memory
        GOOD.replace("$8$", "$0$", 1),
        GOOD.replace("$8$", "$x$", 1),
        GOOD[:-4] + "!!!=",  # not base64
        GOOD.rsplit("$", 1)[0] + "$AAAA",  # hash too short
        "scrypt$16384$8$1$$" + GOOD.rsplit("$", 1)[1],  # empty salt
        "scrypt$１６３８４$8$1$c2FsdA==$" + GOOD.rsplit("$", 1)[1],  # non-ASCII digits
    ],
)
def test_malformed_hash_gives_false(malformed: str) -> None:
    assert verify_pin("2468", malformed) is False
    assert is_pin_hash(malformed) is False


def test_pin_that_cannot_be_encoded_gives_false() -> None:
    assert verify_pin("\ud800", GOOD) is False


@settings(max_examples=200, deadline=None)
@given(pin=st.text(max_size=8), pin_hash=st.text(max_size=120))
def test_verify_never_raises(pin: str, pin_hash: str) -> None:
    assert verify_pin(pin, pin_hash) in (True, False)
