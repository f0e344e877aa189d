"""The layout is the architecture (docs/architecture.md): each rule below fails the build when
a module breaks it. Every import counts, also one inside a function (a lazy import is still a
dependency)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TOP = Path(__file__).parent.parent
ROOT = TOP / "kcc_tui"
SQL = ("sqlite3", "aiosqlite", "psycopg")
# layer (a package under kcc_tui/, or the top-level `printers`) -> (what it may not import, why)
RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "domain": (("kcc_tui", "printers", "textual", *SQL),
               "domain imports nothing of ours (only kcc_tui.domain), no Textual, no SQLite"),
    "store": (("kcc_tui", "printers", "textual"),
              "store imports domain only (of ours), no Textual"),
    "reports": (("textual", *SQL, "kcc_tui.apps", "kcc_tui.cli"),
                "reports import no Textual and no SQLite (the store's History reads for them)"),
    "sim": (("textual", *SQL, "kcc_tui.apps", "kcc_tui.cli", "kcc_tui.reports"),
            "sim imports no Textual, no SQLite, and not reports (reports use the simulator)"),
    "apps": (("kcc_tui.cli",), "apps never import the CLI"),
    "printers": (("kcc_tui",), "printers import nothing of kcc_tui"),
}
# what a layer may import of ours after all (checked before the rule's prefixes)
ALLOWED = {"domain": ("kcc_tui.domain",), "store": ("kcc_tui.domain", "kcc_tui.store")}
# only these packages hold Textual code or CLI commands
TEXTUAL_HOMES = ("apps",)
CLICK_HOMES = ("cli",)
DRIVER_HOMES = ("store",)  # the database drivers: only the store knows the database


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(TOP).with_suffix("").parts)


def imports(path: Path, top: Path = TOP) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the package
                pkg = path.relative_to(top).parent.parts
                base = ".".join(pkg[: len(pkg) - node.level + 1]) + (f".{base}" if base else "")
            names.add(base)
    return names


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def breaks(layer: str, top: Path = TOP) -> list[str]:
    """The imports of `layer` (a folder of the tree at `top`) that break its rule."""
    forbidden, _why = RULES[layer]
    bad = []
    folder = top / layer if layer == "printers" else top / "kcc_tui" / layer
    for path in sorted(folder.rglob("*.py")):
        for name in sorted(imports(path, top)):
            if under(name, ALLOWED.get(layer, ())):
                continue
            if under(name, forbidden):
                bad.append(f"{path.relative_to(top)} imports {name}")
    return bad


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports(layer: str) -> None:
    bad = breaks(layer)
    assert not bad, "\n  ".join([RULES[layer][1] + ":", *bad])


@pytest.mark.parametrize(("library", "homes"), [("textual", TEXTUAL_HOMES),
                                                ("click", CLICK_HOMES),
                                                ("psycopg", DRIVER_HOMES)])
def test_one_kind_of_code_per_package(library: str, homes: tuple[str, ...]) -> None:
    """Textual screens live under apps/, CLI commands under cli/ (`kcc_tui/__main__` only
    starts the CLI)."""
    bad = [f"{p.relative_to(TOP)} imports {n}" for p in sorted(ROOT.rglob("*.py"))
           if p.relative_to(ROOT).parts[0] not in homes
           for n in imports(p) if under(n, (library,))]
    assert not bad, "\n  ".join([f"{library} belongs under {'/'.join(homes)}/ only:", *bad])


def test_the_rules_catch_a_break(tmp_path: Path) -> None:
    """The checker itself can fail: a domain module that imports the store is reported."""
    fake = tmp_path / "kcc_tui" / "domain"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from ..store import Store\nimport textual\n")
    found = [b.split(" imports ")[1] for b in breaks("domain", tmp_path)]
    assert found == ["kcc_tui.store", "textual"]
