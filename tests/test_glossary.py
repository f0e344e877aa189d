"""The glossary (docs/glossary.md) is the one list of words the staff screens use: the words it
says not to use (its "not" column, in italics) appear in no text of the apps."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def avoided_words() -> list[str]:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    staff = text.split("## Staff screens (Dutch)")[1].split("\n## ")[0]
    words = []
    for line in staff.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("term", "---"):
            words += [w.rstrip(" …").rstrip(":").strip()
                      for w in re.findall(r"\*([^*]+)\*", cells[3])]
    return words


def app_texts(source: str) -> list[str]:
    """Every string literal of a module (f-string parts too), docstrings left out."""
    tree = ast.parse(source)
    docstrings = {id(n.value) for n in ast.walk(tree)
                  if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in docstrings]


def uses(texts: list[str], word: str) -> list[str]:
    return [t for t in texts if re.search(rf"\b{re.escape(word)}\b", t)]


def test_the_glossary_names_the_words_it_replaced() -> None:
    assert {"Herroepen", "Hervat pauze", "Bediend", "Meebrengen: Breng mee"} <= \
        set(avoided_words())


def test_no_screen_uses_a_word_the_glossary_avoids() -> None:
    texts = [t for f in sorted((ROOT / "kcc_tui" / "apps").rglob("*.py"))
             for t in app_texts(f.read_text(encoding="utf-8"))]
    assert len(texts) > 500  # the scan reads the apps' words
    assert uses(app_texts('LABEL = "Hervat pauze"\n'), "Hervat pauze")  # the check can fail
    found = {w: uses(texts, w) for w in avoided_words()}
    assert not {w: t for w, t in found.items() if t}
