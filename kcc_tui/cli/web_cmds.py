"""`kcc web`: the citizen's phone page and the public queue board (docs/phone.md)."""

from __future__ import annotations

import click

from ..phone.token import DEFAULT_PORT
from .common import Env, pass_env


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; the guest network only behind a TLS proxy "
                   "(docs/phone.md)")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--rate", type=click.FloatRange(0.1, 10_000), default=2.0, show_default=True,
              help="requests per second allowed per client address (after a burst of 30)")
@click.option("--estimates", "estimate_s", type=click.FloatRange(0, 3600), default=30,
              show_default=True, help="seconds between estimate replays (0: no estimates); "
              "with a long queue each replay takes seconds of CPU")
@pass_env
def web(env: Env, host: str, port: int, rate: float, estimate_s: float) -> None:
    """Serve the ticket pages (/t/TOKEN) and the public board (/board)."""
    from aiohttp import web as aioweb

    from ..phone.server import make_app

    settings = env.settings
    if not env.on_server and not env.db_path.exists():
        raise click.UsageError(f"no database at {env.db_path}: run `kcc init` first")
    click.echo(f"kcc web on http://{host}:{port}/board — Ctrl+C stops")
    if not settings.phone.base_url:
        click.echo("  [phone] base_url is empty: kiosks print no ticket page (docs/phone.md)")
    try:
        aioweb.run_app(make_app(settings, env.db_target, rate=rate, burst=max(30.0, rate),
                                estimate_s=estimate_s),
                       host=host, port=port, print=None, access_log=None)
    except OSError as e:
        raise click.UsageError(f"cannot listen on {host}:{port}: {e.strerror}") from None
