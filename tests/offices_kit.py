"""Helpers for the several-offices tests (this module holds no tests itself): an installation of
two offices made from the example office, each with its own config and its own store."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kcc_tui.config import example_path

IDS = ("stadhuis", "noord")
NAMES = {"stadhuis": "Stadhuis Leiebrugge", "noord": "Kantoor Noord [b]"}  # [b]: not markup


def office_config(folder: Path, oid: str, *, explicit_id: bool = True,
                  name: str | None = None, url: str | None = None) -> Path:
    """A copy of the example office as office `oid`: its own name, id and store in `folder`
    (or the PostgreSQL database at `url`), without opening hours (open whenever a test runs,
    as `kcc demo` does)."""
    text = Path(example_path()).read_text(encoding="utf-8")
    text = text.replace('# id = "stad-leiebrugge"', f'id = "{oid}"' if explicit_id else "")
    text = re.sub(r'(?m)^name = "Stad Leiebrugge — Klantencontactcenter"$',
                  f'name = "{name or NAMES.get(oid, oid)}"', text)
    text = re.sub(r"(?ms)^\[hours\]\n.*?\n\n", "", text)
    text = re.sub(r'(?m)^path = "kcc.db"$', f'path = "{folder / oid / "kcc.db"}"'
                  + (f'\nurl = "{url}"' if url else ""), text)
    (folder / oid).mkdir(parents=True, exist_ok=True)
    path = folder / f"{oid}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def installation(folder: Path, ids: tuple[str, ...] = IDS,
                 urls: dict[str, str] | None = None) -> Path:
    """offices.toml for `ids`, with their configs beside it (relative paths); with `urls`
    (office id -> postgresql:// URL) each office's store is that database."""
    lines = []
    for oid in ids:
        office_config(folder, oid, url=(urls or {}).get(oid))
        lines += [f"[offices.{oid}]", f'config = "{oid}.toml"', ""]
    path = folder / "offices.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def kcc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`kcc ARGS` in another process."""
    return subprocess.run([sys.executable, "-m", "kcc_tui", *args], capture_output=True,
                          text=True, timeout=120, check=False, env=env)
