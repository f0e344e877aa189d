"""What every `kcc` command shares: the global options, opening the store, and one way to
report results and errors (human text, or exactly one JSON object with `--json`).

Exit codes: 0 done · 1 refused in the current state, or a store problem · 2 bad usage or config.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from ..config import ConfigError, load_settings
from ..config.settings import Settings
from ..domain.commands import Refused
from ..domain.events import BadEvent
from ..store import Store, StoreError


@dataclass
class Env:
    config: str | None
    db: str | None
    json: bool
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config)
            except ConfigError as e:
                fail(str(e), code=2, as_json=self.json)
        return self._settings

    def known(self, kind: str, value: str) -> str:
        """Validate an identifier against the config: an unknown one is bad usage (exit 2)."""
        office = self.settings.office
        table: dict[str, object] = {"service": office.services, "post": office.posts,
                                    "staff": office.staff, "topic": office.topics}[kind]
        if value not in table:
            raise click.BadParameter(f"unknown {kind} {value!r} (known: {', '.join(table)})")
        return value

    @property
    def db_path(self) -> Path:
        return Path(self.db) if self.db else Path(self.settings.store.path)

    def store(self, *, create: bool = False, lenient: bool = False) -> Store:
        s = self.settings
        return Store(self.db_path, s.office, create=create, lenient=lenient,
                     busy_timeout_ms=s.store.busy_timeout_ms)


pass_env = click.make_pass_decorator(Env)


def fail(message: str, *, code: int = 1, as_json: bool = False) -> NoReturn:
    if as_json:
        click.echo(json.dumps({"error": message}, ensure_ascii=False))
    else:
        click.echo(f"kcc: {message}", err=True)
    sys.exit(code)


def emit(env: Env, obj: dict[str, Any], text: str | None = None) -> None:
    """Print the result: the JSON object with --json, else the human text."""
    if env.json:
        click.echo(json.dumps(obj, ensure_ascii=False, default=str))
    elif text is not None:
        click.echo(text)


def run(env: Env, body: Callable[[Store], Awaitable[None]], *, create: bool = False,
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
        fail(str(e), as_json=env.json)
    except (StoreError, BadEvent) as e:
        fail(str(e), as_json=env.json)
    except KeyboardInterrupt:
        sys.exit(130)
