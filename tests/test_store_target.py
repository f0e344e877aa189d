"""Which store a process uses, and how a URL is shown (store/target.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcc_tui.store.target import chosen, is_url, redact, with_database


def test_a_url_is_kept_as_text_and_a_path_as_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KCC_DB", raising=False)
    url = "postgresql://kcc@db:5432/kcc"
    assert chosen(url, None, Path("kcc.db")) == url  # never Path(url): it folds the //
    assert chosen("x.db", url, Path("kcc.db")) == Path("x.db")
    assert chosen(None, url, Path("kcc.db")) == url
    assert chosen(None, None, Path("kcc.db")) == Path("kcc.db")
    monkeypatch.setenv("KCC_DB", "other.db")
    assert chosen(None, url, Path("kcc.db")) == Path("other.db")
    assert is_url("POSTGRES://a/b") and not is_url(Path("postgresql:/x")) and not is_url(None)


def test_a_password_is_never_shown() -> None:
    assert redact("postgresql://kcc:s3cret@db:5432/kcc") == "postgresql://kcc:***@db:5432/kcc"
    assert redact("postgresql://kcc@db/kcc") == "postgresql://kcc@db/kcc"
    assert with_database("postgresql://kcc@db:5/kcc?sslmode=require", "x") == (
        "postgresql://kcc@db:5/x?sslmode=require")
