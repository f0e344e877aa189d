"""The layout is the architecture: domain and store never import Textual; domain is pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent / "kcc_tui"
FORBIDDEN = {
    "domain": ("textual", "aiosqlite", "sqlite3", "kcc_tui.store", "kcc_tui.apps", "printers",
               "kcc_tui.config"),
    "store": ("textual", "kcc_tui.apps"),
}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the package
                pkg = path.relative_to(ROOT.parent).parent.parts
                base = ".".join(pkg[: len(pkg) - node.level + 1]) + (f".{base}" if base else "")
            names.add(base)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for name in imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []
