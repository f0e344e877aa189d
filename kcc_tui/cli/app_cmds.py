"""`kcc kiosk|counter|display|coordinator`: start one role's app in this terminal."""

from __future__ import annotations

import importlib
from typing import Any

import click

from .common import Env, pass_env
from .offices import home_office, installation, offices_option


def _pick(env: Env, kind: str, table: dict[str, Any], value: str | None) -> str:
    """The device id to use: the given one (validated) or the first configured."""
    if value is None:
        if not table:
            raise click.UsageError(f"no {kind} is configured in {env.settings.source}")
        return next(iter(table))
    if value not in table:
        raise click.BadParameter(f"unknown {kind} {value!r} (known: {', '.join(table)})")
    return value


def _run(env: Env, name: str, **options: Any) -> None:
    module = importlib.import_module(f"kcc_tui.apps.{name}")
    app = module.build_app(env.settings, db=env.db_path, **options)
    app.run()


@click.command()
@click.option("--kiosk", "kiosk_id", default=None, help="kiosk id from config (default: first)")
@pass_env
def kiosk(env: Env, kiosk_id: str | None) -> None:
    """The touch kiosk at the entrance: citizens take a ticket."""
    _run(env, "kiosk", kiosk_id=_pick(env, "kiosk", env.settings.kiosks, kiosk_id))


@click.command()
@click.argument("post_id", metavar="POST")
@pass_env
def counter(env: Env, post_id: str) -> None:
    """The app at a counter, the snelbalie or the phone post."""
    env.known("post", post_id)
    _run(env, "counter", post_id=post_id)


@click.command()
@click.option("--display", "display_id", default=None, help="display id (default: first)")
@pass_env
def display(env: Env, display_id: str | None) -> None:
    """The wall display in the waiting room."""
    _run(env, "display",
         display_id=_pick(env, "display", env.settings.displays, display_id))


@click.command()
@offices_option
@pass_env
def coordinator(env: Env, offices_file: str | None) -> None:
    """The coordinator pane: live waiting times, staff moves, alerts; with --offices also the
    overview of all offices (key k)."""
    inst = installation(env, offices_file)
    if inst is None:
        _run(env, "coordinator")
        return
    from ..apps.coordinator import build_app

    settings, db = home_office(env, inst)
    build_app(settings, db=db, installation=inst).run()
