"""The cache of validated settings (kcc_tui/config/cache.py) never changes what a load gives:
the same bytes give the same settings, changed bytes or code are validated again (and their
errors reported exactly as without a cache), and a broken or unwritable cache is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcc_tui.config import ConfigError, load_settings, loader
from kcc_tui.config import cache as settings_cache

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_TEXT = (REPO / "config.toml").read_text(encoding="utf-8")
BAD = EXAMPLE_TEXT.replace("target_wait_min = 15", "target_wait_min = 0", 1)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(settings_cache.OFF_VAR, raising=False)
    return tmp_path / "cache" / "kcc" / "settings"


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise AssertionError("validated although cached")

    monkeypatch.setattr(loader, "settings_from_document", fail)


def test_the_same_bytes_come_from_the_cache(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config(tmp_path, EXAMPLE_TEXT)
    first = load_settings(path)
    assert len(list(cache_dir.glob("*.pickle"))) == 1
    no_validation(monkeypatch)
    again = load_settings(path)
    assert again == first and again is not first
    assert again.office.services["eid"].name("fr") == first.office.services["eid"].name("fr")


def test_a_changed_file_is_validated_again_and_its_error_reported(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "target_wait_min = 0" in BAD
    path = config(tmp_path, EXAMPLE_TEXT)
    load_settings(path)
    config(tmp_path, BAD)
    with pytest.raises(ConfigError) as cached:
        load_settings(path)
    monkeypatch.setenv(settings_cache.OFF_VAR, "1")
    with pytest.raises(ConfigError) as uncached:
        load_settings(path)
    assert str(cached.value) == str(uncached.value)
    assert "target_wait_min: expected a number greater than 0" in str(cached.value)
    # a valid change is validated and cached as well: the new value, not the cached one
    monkeypatch.delenv(settings_cache.OFF_VAR)
    config(tmp_path, EXAMPLE_TEXT.replace("target_wait_min = 15", "target_wait_min = 16", 1))
    assert load_settings(path).office.services["eid"].target_wait_min == 16


def test_changed_code_is_a_miss(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config(tmp_path, EXAMPLE_TEXT)
    load_settings(path)
    stamps = settings_cache._code_stamps()
    assert any(s.startswith("kcc_tui/config/settings.py:") for s in stamps)
    monkeypatch.setattr(settings_cache, "_code_stamps", lambda: [*stamps, "an edited module"])
    assert settings_cache.load(path.read_bytes(), str(path)) is None


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_corrupt_cache_file_is_ignored_and_replaced(
    tmp_path: Path, cache_dir: Path, content: bytes
) -> None:
    path = config(tmp_path, EXAMPLE_TEXT)
    first = load_settings(path)
    (cached,) = cache_dir.glob("*.pickle")
    cached.write_bytes(content)
    assert load_settings(path) == first
    assert cached.read_bytes() != content  # the full validation wrote it again


def test_a_cache_of_another_kind_is_ignored(tmp_path: Path, cache_dir: Path) -> None:
    import pickle

    path = config(tmp_path, EXAMPLE_TEXT)
    first = load_settings(path)
    (cached,) = cache_dir.glob("*.pickle")
    key = settings_cache.key(path.read_bytes(), str(path))
    cached.write_bytes(pickle.dumps((key, {"office": "not settings"})))
    assert load_settings(path) == first


def test_an_unwritable_cache_is_only_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = config(tmp_path, EXAMPLE_TEXT)
    assert load_settings(path) == load_settings(path)
    with pytest.raises(ConfigError, match="greater than 0"):
        load_settings(config(tmp_path, BAD))


def test_switched_off(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings_cache.OFF_VAR, "1")
    load_settings(config(tmp_path, EXAMPLE_TEXT))
    assert not cache_dir.exists()
