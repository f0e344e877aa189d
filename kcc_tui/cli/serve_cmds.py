"""`kcc serve`: the apps in a browser (textual-serve)."""

from __future__ import annotations

import click

from .common import Env, pass_env


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; anything but loopback exposes kcc to the network")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@pass_env
def serve(env: Env, host: str, port: int) -> None:
    """Serve the kiosk, each counter, the display and the coordinator at one URL each."""
    from aiohttp import web

    from ..web import make_app, roles

    settings = env.settings
    click.echo(f"kcc serving on http://{host}:{port}/ — Ctrl+C stops")
    for r in roles(settings):
        click.echo(f"  http://{host}:{port}/{r.path:<24} {r.title}")
    try:
        web.run_app(make_app(settings, config=env.config, db=env.db_path, host=host, port=port),
                    host=host, port=port, print=None)
    except OSError as e:
        raise click.UsageError(f"cannot listen on {host}:{port}: {e.strerror}") from None
