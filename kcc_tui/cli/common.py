"""What every `kcc` command shares: the global options, opening the store, and one way to
report results and errors (human text, or exactly one JSON object with `--json`).

Exit codes: 0 done · 1 refused in the current state, or a store problem · 2 bad usage or config.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from ..config import ConfigError, example_path, load_settings
from ..config.loader import search_path
from ..config.settings import Settings
from ..domain.commands import Refused
from ..domain.events import BadEvent
from ..domain.text import visible
from ..logs import log_refusal
from ..pepper import anchor
from ..store import EventStore, StoreError, open_store
from ..store.target import is_url

log = logging.getLogger("kcc_tui.cli")


@dataclass
class Env:
    config: str | None
    db: str | None
    json: bool
    _settings: Settings | None = None
    _noted: bool = False  # the built-in office has been named on stderr
    log_to: str = ""  # where this process logs (kcc_tui.logs)

    def log_folder(self) -> Path:
        """The database's folder (config.toml's for a store on a server), for the log; never
        fails (a bad config is reported later, by the command that needs it)."""
        if self.db and not is_url(self.db):
            return Path(self.db).absolute().parent
        try:
            settings = self._settings or self._load()
        except ConfigError:
            return Path.cwd()
        return anchor(settings.store.target(self.db), settings.source).absolute().parent

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._load()
            except ConfigError as e:
                fail(str(e), code=2, as_json=self.json)
        assert self._settings is not None
        if not self._noted:  # a command that uses the office says which one, once
            self._noted = True
            named = self.config is not None or os.environ.get("KCC_CONFIG", "").strip()
            if not named and self._settings.source == example_path():
                _note_example_office()
        return self._settings

    def _load(self) -> Settings:
        """The settings, loaded once (the log's folder needs them before the command runs)."""
        self._settings = load_settings(self.config)
        return self._settings

    def known(self, kind: str, value: str) -> str:
        """Validate an identifier against the config: an unknown one is bad usage (exit 2)."""
        office = self.settings.office
        table: dict[str, object] = {
            "service": office.services, "post": office.posts, "staff": office.staff,
            "topic": office.topics, "outcome": dict.fromkeys(office.outcomes),
            "kiosk": self.settings.kiosks, "display": self.settings.displays,
            "pause reason": office.reasons.pause,
            "transfer reason": office.reasons.transfer}[kind]
        if value not in table:
            raise click.BadParameter(f"unknown {kind} {value!r} (known: {', '.join(table)})")
        return value

    @property
    def db_target(self) -> str | Path:
        """The store: `--db`, else $KCC_DB, else [store] url, else [store] path."""
        return self.settings.store.target(self.db)

    @property
    def on_server(self) -> bool:
        return is_url(self.db_target)

    @property
    def db_path(self) -> Path:
        """The SQLite file; for a store on a server, what the pepper sits beside (config.toml)."""
        return anchor(self.db_target, self.settings.source)

    def store(self, *, create: bool = False, lenient: bool = False) -> EventStore:
        s = self.settings
        return open_store(self.db_target, s.office, create=create, lenient=lenient,
                          busy_timeout_ms=s.store.busy_timeout_ms)


pass_env = click.make_pass_decorator(Env)
_noted: list[bool] = []


def _note_example_office() -> None:
    """Say once (on stderr, so JSON output stays one object) that no config.toml was found."""
    if not _noted:
        _noted.append(True)
        looked = ", ".join(str(p) if p.is_absolute() else f"./{p}" for p in search_path())
        click.echo(f"kcc: no config.toml found ({looked}): using the built-in example office",
                   err=True)


# the control characters (Unicode Cc) that json.dumps leaves as they are: DEL and C1
_LEFT_BY_JSON = re.compile("[\x7f-\x9f]")


# -- output: text from people and files is shown, never passed on as terminal control ----------
def echo(text: str, *, err: bool = False) -> None:
    """Print human text: control characters (an ESC in a stored broadcast, a name, a note)
    become visible stand-ins (␛); the line feeds that separate our lines stay."""
    click.echo(visible(text, newlines=True), err=err)


def json_line(obj: object) -> str:
    """One JSON object on one line. JSON already writes C0 controls as \\u001b; DEL and C1
    (which some terminals act on) are written that way too, so the data stays exact."""
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return _LEFT_BY_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def fail(message: str, *, code: int = 1, as_json: bool = False,
         reason: str | None = None) -> NoReturn:
    """One line and the exit code; in JSON the domain's `reason` code too, when it has one
    (a script decides on the code, never on the English words)."""
    if as_json:
        click.echo(json_line({"error": message} | ({"reason": reason} if reason else {})))
    else:
        echo(f"kcc: {message}", err=True)
    sys.exit(code)


def emit(env: Env, obj: dict[str, Any], text: str | Callable[[], str] | None = None) -> None:
    """Print the result: the JSON object with --json, else the human text (a function that
    makes it, for a table: `--json` never lays one out)."""
    if env.json:
        click.echo(json_line(obj))
    elif text is not None:
        echo(text if isinstance(text, str) else text())


def run(env: Env, body: Callable[[EventStore], Awaitable[None]], *, create: bool = False,
        lenient: bool = False) -> None:
    """Open the store, run `body`, close it; turn every expected failure into one line. A store
    short of acknowledged events (store.lost) is said loudly on stderr first."""

    async def main() -> None:
        async with env.store(create=create, lenient=lenient) as store:
            if store.lost:
                click.echo(f"kcc: WARNING: {store.lost}", err=True)
            await body(store)

    try:
        asyncio.run(main())
    except Refused as e:
        log_refusal(log, "a command", "the CLI", e.code, str(e))
        fail(str(e), as_json=env.json, reason=e.code)
    except (StoreError, BadEvent) as e:
        log.error("store: %s", e)
        fail(str(e), as_json=env.json)
    except KeyboardInterrupt:
        sys.exit(130)


PIN_ENV = "KCC_PIN"
PIN_HELP = ("the PIN: '-' reads it from stdin; left out, it comes from $KCC_PIN or is asked "
            "for (never typed on the command line, where the process list shows it)")


def read_pin(value: str | None, *, prompt: str = "PIN", confirm: bool = False) -> str:
    """The PIN from stdin (`--pin -`), $KCC_PIN or a prompt without echo. A PIN written on the
    command line is refused: every user of the machine can read it in the process list."""
    if value is not None and value != "-":
        raise click.UsageError(
            "a PIN is never given on the command line (the process list shows it): "
            f"use --pin - to read it from stdin, set ${PIN_ENV}, or leave --pin out to be asked")
    if value is None and os.environ.get(PIN_ENV):
        pin = os.environ[PIN_ENV]
    elif value is None and sys.stdin is not None and sys.stdin.isatty():
        pin = click.prompt(prompt, hide_input=True, confirmation_prompt=confirm, err=True)
    else:  # `--pin -`, or a pipe: one line (two, the same, where a new PIN is confirmed)
        pin = sys.stdin.readline() if sys.stdin is not None else ""
        if not pin:
            raise click.UsageError(f"no PIN: give it on stdin with --pin -, or set ${PIN_ENV}")
        if confirm and value is None and sys.stdin.readline().strip() != pin.strip():
            raise click.UsageError("the two PINs differ")
    pin = pin.strip()
    if not pin:
        raise click.UsageError("the PIN is empty")
    return pin
