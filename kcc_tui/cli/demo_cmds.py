"""`kcc demo`: the office in one terminal, optionally busy with simulated citizens."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import click
import tomlkit

from ..store import create_store
from .common import Env, fail, pass_env


@click.command()
@click.option("--simulate", is_flag=True,
              help="simulated citizens take tickets and staff at the other posts serve them")
@click.option("--speed", type=click.FloatRange(min=1), default=20.0, show_default=True,
              help="with --simulate: how much faster than real a service goes")
@click.option("--rate", type=click.FloatRange(min=0.1), default=12.0, show_default=True,
              help="with --simulate: citizens per minute")
@click.option("--detach", is_flag=True, help="start it in the background; attach later")
@click.option("--stop", is_flag=True, help="stop a demo running in the background")
@click.option("--socket", default="kcc-demo", hidden=True, help="tmux server name (tests)")
@pass_env
def demo(env: Env, simulate: bool, speed: float, rate: float, detach: bool, stop: bool,
         socket: str) -> None:
    """Kiosk, two counters, the wall display and the coordinator pane in one terminal."""
    from ..demo.launch import Demo, DemoError, tabs

    settings = env.settings
    try:
        d = Demo(db=env.db_path, config=str(_demo_config(settings.source)), socket=socket)
    except DemoError as e:
        fail(str(e))
    if stop:
        d.stop()
        click.echo("demo stopped")
        return

    asyncio.run(create_store(env.db_path, settings.office))  # the apps and the driver find it
    posts = list(settings.office.posts)
    counters = [p for p in ("loket1", "snelbalie") if p in posts] or posts[:2]
    try:
        d.start(tabs(next(iter(settings.kiosks)), next(iter(settings.displays)), counters),
                simulate=simulate, skip=counters, speed=speed, rate=rate)
    except DemoError as e:
        fail(str(e))
    if detach or not sys.stdin.isatty():
        click.echo(f"demo running in the background: `tmux -L {socket} attach` to watch, "
                   f"`kcc demo --stop` to end it")
        return
    try:
        d.attach()
    finally:
        d.stop()


def _demo_config(source: str) -> Path:
    """The same office without its opening hours (the demo works at any hour of any day), its
    ticket printers writing ESC/POS bytes to a file beside it."""
    doc = tomlkit.parse(Path(source).read_text(encoding="utf-8"))
    doc.pop("hours", None)
    folder = Path(tempfile.mkdtemp(prefix="kcc-demo-"))
    for name, printer in doc.get("printers", {}).items():
        printer.clear()
        printer.update({"transport": "file", "device": str(folder / f"{name}.escpos")})
    path = folder / "config.toml"
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return path
