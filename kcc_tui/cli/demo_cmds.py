"""`kcc demo`: the office in one terminal, optionally busy with simulated citizens."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import click
import tomlkit

from ..store import StoreError
from .common import Env, fail, pass_env


@click.command()
@click.option("--simulate", is_flag=True,
              help="simulated citizens take tickets and staff at the other posts serve them")
@click.option("--speed", type=click.FloatRange(min=1), default=20.0, show_default=True,
              help="with --simulate: how much faster than real a service goes")
@click.option("--rate", type=click.FloatRange(min=0.1), default=12.0, show_default=True,
              help="with --simulate: citizens per minute")
@click.option("--detach", is_flag=True, help="start it in the background; attach later")
@click.option("--stop", is_flag=True,
              help="stop a demo running in the background (exit 0 also when none runs)")
@click.option("--socket", default="kcc-demo", hidden=True, help="tmux server name (tests)")
@pass_env
def demo(env: Env, simulate: bool, speed: float, rate: float, detach: bool, stop: bool,
         socket: str) -> None:
    """Kiosk, two counters, the wall display and the coordinator pane in one terminal."""
    from ..demo.launch import Demo, DemoError, login_hints, tabs
    from ..demo.wrapup import open_sessions

    try:
        d = Demo(socket=socket)
        if stop:
            click.echo("demo stopped" if d.stop() else "no demo is running; nothing to stop")
            return
        d.refuse_if_running()
    except DemoError as e:
        fail(str(e), as_json=env.json)

    settings = env.settings
    if env.on_server:
        fail("kcc demo runs the office on a local SQLite file: leave out --db, $KCC_DB and "
             "[store] url", code=2, as_json=env.json)
    office = settings.office
    posts = list(office.posts)
    counters = [p for p in ("loket1", "snelbalie") if p in posts] or posts[:2]
    folder = Path(tempfile.mkdtemp(prefix="kcc-demo-"))
    try:
        config = _demo_config(settings.source, folder)
        open_before = asyncio.run(open_sessions(env.db_path, office))  # creates the database
        d.start(tabs(next(iter(settings.kiosks)), next(iter(settings.displays)), counters,
                     login_hints(office, counters, simulate=simulate)),
                db=env.db_path, config=config, folder=folder, open_before=open_before,
                simulate=simulate, skip=counters, speed=speed, rate=rate)
    except BaseException as e:
        d.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(e, (DemoError, StoreError)):
            fail(str(e), as_json=env.json)
        raise
    if detach or not sys.stdin.isatty():
        click.echo(f"demo running in the background: `tmux -L {socket} attach` to watch, "
                   f"`kcc demo --stop` to end it")
        return
    try:
        d.attach()
    finally:
        d.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _demo_config(source: str, folder: Path) -> Path:
    """The same office without its opening hours (the demo works at any hour of any day), its
    ticket printers writing ESC/POS bytes to a file in `folder`."""
    doc = tomlkit.parse(Path(source).read_text(encoding="utf-8"))
    doc.pop("hours", None)
    for name, printer in doc.get("printers", {}).items():
        printer.clear()
        printer.update({"transport": "file", "device": str(folder / f"{name}.escpos")})
    path = folder / "config.toml"
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return path
