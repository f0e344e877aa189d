"""The SQLite store implements the store's interface (store/protocol.py) member by member.

mypy strict checks the same (`store/__init__._conforms`); this test says it where pytest runs,
with the parameters' names and defaults, which a second implementation must keep too."""

from __future__ import annotations

import inspect

import pytest
from factories import make_office

from kcc_tui.store import EventStore, History, Store
from kcc_tui.store.history import SqliteHistory
from kcc_tui.store.pg.history import PgHistory
from kcc_tui.store.pg.store import PgStore


def members(proto: type) -> list[str]:
    return sorted(n for n in vars(proto) if not n.startswith("_") or n in ("__aenter__",
                                                                             "__aexit__"))


@pytest.mark.parametrize(("proto", "impl"), [(EventStore, Store), (History, SqliteHistory),
                                             (EventStore, PgStore), (History, PgHistory)])
def test_implements_every_member(proto: type, impl: type) -> None:
    for name in members(proto):
        want = inspect.getattr_static(proto, name)
        if not callable(want) and not isinstance(want, property):
            continue
        got = inspect.getattr_static(impl, name, None)
        assert got is not None, f"{impl.__name__} lacks {name}"
        if isinstance(want, property):
            assert isinstance(got, property), f"{impl.__name__}.{name} is not a property"
            continue
        params = [(p.name, p.kind, p.default) for p in inspect.signature(want).parameters.values()]
        have = [(p.name, p.kind, p.default) for p in inspect.signature(got).parameters.values()]
        assert have == params, f"{impl.__name__}.{name}{inspect.signature(got)}"


def test_attributes_are_set_by_the_store(tmp_path) -> None:
    store = Store(tmp_path / "x.db", make_office())
    hints = inspect.get_annotations(EventStore)
    assert {"office", "clock", "state", "readonly", "lost", "generation"} <= set(hints)
    for name in hints:
        assert hasattr(store, name), name
    assert store.where == str(tmp_path / "x.db")
    pg = PgStore("postgresql://kcc:secret@127.0.0.1:5/kcc", make_office())
    for name in hints:
        assert hasattr(pg, name), name
    assert pg.where == "postgresql://kcc:***@127.0.0.1:5/kcc"  # never the password
